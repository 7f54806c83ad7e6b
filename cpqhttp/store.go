package cpqhttp

import (
	"context"

	"github.com/cpqkit/cpq/store"
)

// Errors of a SessionStore: the same values as the store package's, so
// that the stores there and a host's own agree.
var (
	// ErrSessionNotFound: the tenant has no session of that ID.
	ErrSessionNotFound = store.ErrSessionNotFound
	// ErrSessionConflict: the session was changed (or created) by another
	// request since it was read.
	ErrSessionConflict = store.ErrSessionConflict
)

// SessionStore keeps configuration sessions between requests. A session is
// nothing but its state as data (the choices, answers and the like, encoded
// by the API; opaque to the store): every request restores it into a fresh
// session of the product's model, so that any instance of the server can
// serve any request. Sessions are kept per tenant; one tenant never sees
// another's. Implementations must be safe for concurrent use.
//
// The Sessions of the store packages implement it: memory.Sessions (the
// default, for one instance), and sqlite.Store.Sessions and
// postgres.Store.Sessions, which every instance on the same database
// shares. They also delete sessions and purge those not written for a
// while; store/storetest.RunSessions checks a host's own implementation.
type SessionStore interface {
	// Get returns a session's state and its version, or an error
	// wrapping ErrSessionNotFound.
	Get(ctx context.Context, tenant, id string) ([]byte, int64, error)
	// Put stores a session's state if its version is still version
	// (zero: the session must not exist yet) and returns the new version;
	// otherwise it fails with an error wrapping ErrSessionConflict (or
	// ErrSessionNotFound when the session is gone) and stores nothing.
	Put(ctx context.Context, tenant, id string, state []byte, version int64) (int64, error)
}
