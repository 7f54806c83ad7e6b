package store

import "errors"

// Errors of the configuration-session stores (the Sessions of memory,
// sqlite and postgres, and any a host writes for cpqhttp.SessionStore).
var (
	// ErrSessionNotFound: the tenant has no session of that ID.
	ErrSessionNotFound = errors.New("session not found")
	// ErrSessionConflict: the session was changed (or created) by another
	// request since it was read.
	ErrSessionConflict = errors.New("session was changed by another request")
)
