package cpqhttp

import (
	"context"
	"slices"
	"sync"

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
// another's. Implementations must be safe for concurrent use; the stores of
// the memory, sqlite and postgres packages implement it.
type SessionStore interface {
	// Get returns a session's state and its version, or an error
	// wrapping ErrSessionNotFound.
	Get(ctx context.Context, tenant, id string) ([]byte, int64, error)
	// Put stores a session's state if its version is still version
	// (zero: the session must not exist yet) and returns the new version;
	// otherwise it fails with an error wrapping ErrSessionConflict and
	// stores nothing.
	Put(ctx context.Context, tenant, id string, state []byte, version int64) (int64, error)
}

// MemorySessions is a SessionStore in memory, for a single instance,
// demonstrations and tests. Sessions are never evicted.
type MemorySessions struct {
	mu       sync.Mutex
	sessions map[[2]string]memorySession
}

type memorySession struct {
	state   []byte
	version int64
}

// NewMemorySessions returns an empty MemorySessions.
func NewMemorySessions() *MemorySessions {
	return &MemorySessions{sessions: map[[2]string]memorySession{}}
}

// Get implements SessionStore.
func (m *MemorySessions) Get(_ context.Context, tenant, id string) ([]byte, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[[2]string{tenant, id}]
	if !ok {
		return nil, 0, ErrSessionNotFound
	}
	return slices.Clone(s.state), s.version, nil
}

// Put implements SessionStore.
func (m *MemorySessions) Put(_ context.Context, tenant, id string, state []byte, version int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := [2]string{tenant, id}
	if m.sessions[key].version != version {
		return 0, ErrSessionConflict
	}
	m.sessions[key] = memorySession{state: slices.Clone(state), version: version + 1}
	return version + 1, nil
}
