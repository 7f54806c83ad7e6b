package cpqhttp

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/cpqkit/cpq/configurator"
)

// Errors of a SessionStore.
var (
	// ErrSessionNotFound: the tenant has no session of that ID.
	ErrSessionNotFound = errors.New("session not found")
	// ErrSessionConflict: the session was changed (or created) by another
	// request since it was read.
	ErrSessionConflict = errors.New("session was changed by another request")
)

// SessionStore keeps configuration sessions between requests. A session is
// nothing but its snapshot of choices: every request restores it into a
// fresh session of the product's model, so that any instance of the server
// can serve any request. Sessions are kept per tenant; one tenant never sees
// another's. Implementations must be safe for concurrent use.
type SessionStore interface {
	// Get returns a session's snapshot and its version, or an error
	// wrapping ErrSessionNotFound.
	Get(ctx context.Context, tenant, id string) (configurator.Snapshot, int64, error)
	// Put stores a session's snapshot if its version is still version
	// (zero: the session must not exist yet) and returns the new version;
	// otherwise it fails with an error wrapping ErrSessionConflict and
	// stores nothing.
	Put(ctx context.Context, tenant, id string, snap configurator.Snapshot, version int64) (int64, error)
}

// MemorySessions is a SessionStore in memory, for a single instance,
// demonstrations and tests. Sessions are never evicted.
type MemorySessions struct {
	mu       sync.Mutex
	sessions map[[2]string]memorySession
}

type memorySession struct {
	snap    configurator.Snapshot
	version int64
}

// NewMemorySessions returns an empty MemorySessions.
func NewMemorySessions() *MemorySessions {
	return &MemorySessions{sessions: map[[2]string]memorySession{}}
}

// Get implements SessionStore.
func (m *MemorySessions) Get(_ context.Context, tenant, id string) (configurator.Snapshot, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[[2]string{tenant, id}]
	if !ok {
		return configurator.Snapshot{}, 0, ErrSessionNotFound
	}
	return copySnapshot(s.snap), s.version, nil
}

// Put implements SessionStore.
func (m *MemorySessions) Put(_ context.Context, tenant, id string, snap configurator.Snapshot, version int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := [2]string{tenant, id}
	if m.sessions[key].version != version {
		return 0, ErrSessionConflict
	}
	m.sessions[key] = memorySession{snap: copySnapshot(snap), version: version + 1}
	return version + 1, nil
}

func copySnapshot(s configurator.Snapshot) configurator.Snapshot {
	return configurator.Snapshot{Product: s.Product, Choices: slices.Clone(s.Choices)}
}
