package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/sqlite"
	"github.com/cpqkit/cpq/store/storetest"
)

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenMigratesOnceAndKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path})
	require.NoError(t, err)
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, migrations(t), v)
	q := storetest.SampleQuote("acme", 1, 3)
	require.NoError(t, s.Create(ctx, q))
	require.NoError(t, s.Close())

	s = open(t, path)
	v, err = s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, migrations(t), v, "reopening applies nothing twice")
	got, err := s.Get(ctx, "acme", "q-1")
	require.NoError(t, err)
	assert.Equal(t, q.ComputeSeal(), got.ComputeSeal())
	var applied int
	require.NoError(t, rawDB(t, path).QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&applied))
	assert.Equal(t, migrations(t), applied)
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = rawDB(t, path).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (1000, 'from the future', '2031-01-01T00:00:00Z')`)
	require.NoError(t, err)
	_, err = sqlite.Open(ctx, sqlite.Config{Path: path})
	assert.True(t, errors.Is(err, sqlite.ErrSchemaTooNew), "%v", err)
}

func TestOpenRefusesBadPaths(t *testing.T) {
	for _, path := range []string{"", "cpq.db?mode=memory"} {
		_, err := sqlite.Open(context.Background(), sqlite.Config{Path: path})
		assert.Error(t, err, "path %q", path)
	}
}

// TestWALAndExactMoney checks what the file holds: a WAL journal, and the
// total as exact decimal text.
func TestWALAndExactMoney(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	s := open(t, path)
	q := storetest.SampleQuote("acme", 1, 0)
	q.Totals.Grand = decimal.RequireFromString("123456789012345678.000000001")
	require.NoError(t, s.Create(ctx, q))

	db := rawDB(t, path)
	var mode string
	require.NoError(t, db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
	var total, kind string
	require.NoError(t, db.QueryRow(`SELECT total, typeof(total) FROM quotes WHERE tenant = 'acme' AND id = 'q-1'`).Scan(&total, &kind))
	assert.Equal(t, "123456789012345678.000000001", total)
	assert.Equal(t, "text", kind)
}

// TestTwoStoresOnOneFile runs writers through two stores on one database,
// as two processes would: they wait for each other's write lock, and a
// stale update is a conflict, never a "database is locked" error.
func TestTwoStoresOnOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	a, b := open(t, path), open(t, path)
	require.NoError(t, a.Create(ctx, storetest.SampleQuote("acme", 1, 2)))
	const writers = 10
	var wg sync.WaitGroup
	errs := make([]error, 2*writers)
	for i := range 2 * writers {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			errs[i] = errors.New("gave up")
			for range 1000 {
				q, err := s.Get(ctx, "acme", "q-1")
				if err != nil {
					errs[i] = err
					return
				}
				q.Terms = append(q.Terms, quote.Term{ID: fmt.Sprintf("w-%d", i), Text: "added"})
				if err = s.Update(ctx, q); !errors.Is(err, quote.ErrConflict) {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
	}
	got, err := b.Get(ctx, "acme", "q-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1+2*writers), got.Version)
	assert.Len(t, got.Terms, 2+2*writers)
}
