// Package quote holds the Quote aggregate: header, lines with configuration
// snapshots, revisions, the lifecycle state machine and the content seal, and
// the Repository interface that stores implement.
package quote
