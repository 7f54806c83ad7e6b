package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpqkit/cpq/store/internal/record"
)

// Sessions keeps configuration sessions (cpqhttp.SessionStore) in the
// store's schema, in the sessions table: each session's state, opaque to
// the store, with a version for optimistic concurrency and the time it was
// last written. Every server on the database shares them, so any instance
// can serve any request of a session. Each write is one statement (an
// insert that does nothing when the session exists, or an update
// conditional on the version), so of concurrent writes of one version
// exactly one matches. Sessions is safe for concurrent use and lives as
// long as its Store.
type Sessions struct {
	s                                       *Store
	now                                     func() time.Time
	get, insert, update, exists, del, purge string
}

// Sessions returns the store's configuration sessions.
func (s *Store) Sessions() *Sessions {
	return &Sessions{
		s: s, now: time.Now,
		get:    s.sql(`SELECT state, version FROM {schema}.sessions WHERE tenant = $1 AND id = $2`),
		exists: s.sql(`SELECT 1 FROM {schema}.sessions WHERE tenant = $1 AND id = $2`),
		insert: s.sql(`INSERT INTO {schema}.sessions (tenant, id, state, version, updated_at) VALUES ($1, $2, $3, 1, $4) ON CONFLICT DO NOTHING`),
		update: s.sql(`UPDATE {schema}.sessions SET state = $1, version = version + 1, updated_at = $2 WHERE tenant = $3 AND id = $4 AND version = $5`),
		del:    s.sql(`DELETE FROM {schema}.sessions WHERE tenant = $1 AND id = $2`),
		purge:  s.sql(`DELETE FROM {schema}.sessions WHERE updated_at < $1`),
	}
}

// Get returns a session's state and its version, or an error wrapping
// store.ErrSessionNotFound.
func (ss *Sessions) Get(ctx context.Context, tenant, id string) ([]byte, int64, error) {
	if !keys(tenant, id) {
		return nil, 0, record.SessionNotFound("get", id)
	}
	var (
		state   []byte
		version int64
	)
	err := ss.s.pool.QueryRow(ctx, ss.get, tenant, id).Scan(&state, &version)
	return record.SessionRead(id, state, version, err, pgx.ErrNoRows)
}

// Put stores a session's state if its version is still version and
// returns the new version, one more. Version zero creates the session,
// which must not exist yet. A stale version fails with an error wrapping
// store.ErrSessionConflict, a session that does not exist (with a version
// above zero) with one wrapping store.ErrSessionNotFound; either way
// nothing is written.
func (ss *Sessions) Put(ctx context.Context, tenant, id string, state []byte, version int64) (int64, error) {
	if err := record.CheckSessionPut(tenant, id, version); err != nil {
		return 0, err
	}
	if state == nil {
		state = []byte{}
	}
	now := ss.now()
	var err error
	var n int64
	if version == 0 {
		tag, e := ss.s.pool.Exec(ctx, ss.insert, tenant, id, state, now)
		n, err = tag.RowsAffected(), e
	} else {
		tag, e := ss.s.pool.Exec(ctx, ss.update, state, now, tenant, id, version)
		n, err = tag.RowsAffected(), e
	}
	if err != nil {
		return 0, fmt.Errorf("put session %s: %w", id, err)
	}
	if n == 1 {
		return version + 1, nil
	}
	if version == 0 {
		return 0, record.SessionConflict(id, version)
	}
	// Nothing matched: another write changed the version, or the session
	// is gone.
	var one int
	switch err := ss.s.pool.QueryRow(ctx, ss.exists, tenant, id).Scan(&one); {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, record.SessionNotFound("put", id)
	case err != nil:
		return 0, fmt.Errorf("put session %s: %w", id, err)
	}
	return 0, record.SessionConflict(id, version)
}

// Delete removes a session, or fails with an error wrapping
// store.ErrSessionNotFound.
func (ss *Sessions) Delete(ctx context.Context, tenant, id string) error {
	if !keys(tenant, id) {
		return record.SessionNotFound("delete", id)
	}
	tag, err := ss.s.pool.Exec(ctx, ss.del, tenant, id)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return record.SessionNotFound("delete", id)
	}
	return nil
}

// Purge removes the sessions of every tenant last written before the
// time and returns how many it removed.
func (ss *Sessions) Purge(ctx context.Context, before time.Time) (int, error) {
	tag, err := ss.s.pool.Exec(ctx, ss.purge, before)
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
