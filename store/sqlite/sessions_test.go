package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/store"
	"github.com/cpqkit/cpq/store/sqlite"
)

func TestSessionsOutliveTheStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path})
	require.NoError(t, err)
	v, err := s.Sessions().Put(ctx, "acme", "s-1", []byte("state"), 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), v)
	require.NoError(t, s.Close())

	// A closed store refuses writes.
	_, err = s.Sessions().Put(ctx, "acme", "s-2", []byte("late"), 0)
	require.ErrorIs(t, err, sqlite.ErrClosed)

	// What was written is there when the file is opened again.
	s = open(t, path)
	state, v, err := s.Sessions().Get(ctx, "acme", "s-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), v)
	assert.Equal(t, "state", string(state))
	_, _, err = s.Sessions().Get(ctx, "acme", "s-2")
	assert.ErrorIs(t, err, store.ErrSessionNotFound)
}

// TestSessionsShareTheFile writes a session through two stores on one
// file, as two processes would: each sees the other's writes, and a
// write of a version the other has moved on from is refused.
func TestSessionsShareTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	a, b := open(t, path).Sessions(), open(t, path).Sessions()
	_, err := a.Put(ctx, "acme", "s-1", []byte("one"), 0)
	require.NoError(t, err)
	_, err = b.Put(ctx, "acme", "s-1", []byte("again"), 0)
	require.ErrorIs(t, err, store.ErrSessionConflict)
	v, err := b.Put(ctx, "acme", "s-1", []byte("two"), 1)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	_, err = a.Put(ctx, "acme", "s-1", []byte("stale"), 1)
	require.ErrorIs(t, err, store.ErrSessionConflict)
	state, v, err := a.Get(ctx, "acme", "s-1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	assert.Equal(t, "two", string(state))
}
