package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/store/sqlite"
	"github.com/cpqkit/cpq/store/storetest"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func newStore(t testing.TB) storetest.Store {
	return open(t, filepath.Join(t.TempDir(), "cpq.db"))
}

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkStore(b *testing.B) { storetest.Benchmark(b, newStore) }

func TestSessionsConformance(t *testing.T) {
	storetest.RunSessions(t, func(t testing.TB) storetest.SessionStore {
		return open(t, filepath.Join(t.TempDir(), "cpq.db")).Sessions()
	})
}
