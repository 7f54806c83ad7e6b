// Package render builds a document model from a quote and renders it to
// HTML and PDF, in several languages, with the approval state on the page.
package render
