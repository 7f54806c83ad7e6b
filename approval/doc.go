// Package approval turns approval policies into required steps, runs the
// approval workflow, keeps the audit trail, and gates the release of a quote
// until every required approval is granted.
package approval
