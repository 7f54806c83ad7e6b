package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cpqkit/cpq/store/internal/record"
)

// Sessions keeps configuration sessions (cpqhttp.SessionStore) in memory:
// each session's state, opaque to the store, with a version for optimistic
// concurrency and the time it was last written. It suits one process;
// sessions live until they are deleted or purged, or, with ExpireAfter,
// until they go unwritten that long. The zero value is not usable; call
// NewSessions. Sessions is safe for concurrent use.
type Sessions struct {
	mu       sync.RWMutex
	sessions map[key]session
	now      func() time.Time
	// maxAge, when positive, bounds how long a session lives unwritten;
	// purged is when the expired ones were last removed.
	maxAge time.Duration
	purged time.Time
}

// ExpireAfter makes sessions expire when they have not been written for
// d: writes remove the expired ones now and then (every tenth of d), so
// that memory stays bounded by the sessions in use. It returns m.
func (m *Sessions) ExpireAfter(d time.Duration) *Sessions {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.maxAge, m.purged = d, m.now()
	return m
}

type session struct {
	state     []byte
	version   int64
	updatedAt time.Time
}

// NewSessions returns an empty session store.
func NewSessions() *Sessions {
	return &Sessions{sessions: map[key]session{}, now: time.Now}
}

// Get returns a copy of a session's state and its version, or an error
// wrapping store.ErrSessionNotFound.
func (m *Sessions) Get(ctx context.Context, tenant, id string) ([]byte, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("get session %s: %w", id, err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.sessions[key{tenant, id}]
	if !ok {
		return nil, 0, record.SessionNotFound("get", id)
	}
	return slices.Clone(s.state), s.version, nil
}

// Put stores a copy of a session's state if its version is still version
// and returns the new version, one more. Version zero creates the
// session, which must not exist yet. A stale version fails with an error
// wrapping store.ErrSessionConflict, a session that does not exist (with a
// version above zero) with one wrapping store.ErrSessionNotFound; either
// way nothing is written.
func (m *Sessions) Put(ctx context.Context, tenant, id string, state []byte, version int64) (int64, error) {
	if err := record.CheckSessionPut(tenant, id, version); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("put session %s: %w", id, err)
	}
	state = append(make([]byte, 0, len(state)), state...)
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	k := key{tenant, id}
	cur, ok := m.sessions[k]
	switch {
	case !ok && version > 0:
		return 0, record.SessionNotFound("put", id)
	case ok && cur.version != version:
		return 0, record.SessionConflict(id, version)
	}
	m.sessions[k] = session{state: state, version: version + 1, updatedAt: now}
	if m.maxAge > 0 && now.Sub(m.purged) >= m.maxAge/10 {
		m.purged = now
		m.removeBefore(now.Add(-m.maxAge))
	}
	return version + 1, nil
}

// Delete removes a session, or fails with an error wrapping
// store.ErrSessionNotFound.
func (m *Sessions) Delete(ctx context.Context, tenant, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := key{tenant, id}
	if _, ok := m.sessions[k]; !ok {
		return record.SessionNotFound("delete", id)
	}
	delete(m.sessions, k)
	return nil
}

// Purge removes the sessions of every tenant last written before the
// time and returns how many it removed.
func (m *Sessions) Purge(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.removeBefore(before), nil
}

// removeBefore removes the sessions last written before the time; m.mu is
// held.
func (m *Sessions) removeBefore(before time.Time) int {
	n := 0
	for k, s := range m.sessions {
		if s.updatedAt.Before(before) {
			delete(m.sessions, k)
			n++
		}
	}
	return n
}
