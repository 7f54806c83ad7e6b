package cpqhttp

import "net/http"

// Patterns returns the patterns the handler New returned registered in its
// mux.
func Patterns(h http.Handler) []string { return h.(*api).patterns }
