package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/store/postgres"
	"github.com/cpqkit/cpq/store/storetest"
)

// envURL names the environment variable with the test server's address.
const envURL = "CPQ_TEST_POSTGRES"

// testPool connects to the test server, or skips the test when there is
// none.
func testPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	url := os.Getenv(envURL)
	if url == "" {
		tb.Skipf("skipped: no PostgreSQL server to test against; set %s to its address "+
			"(postgres://user@127.0.0.1:5432/db?sslmode=disable) to run these tests", envURL)
	}
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	require.NoError(tb, pool.Ping(context.Background()), "the server at %s does not answer", envURL)
	return pool
}

var schemas atomic.Int64

// open opens a store in a schema of its own, dropped when the test ends.
func open(tb testing.TB, pool *pgxpool.Pool) *postgres.Store {
	s, _ := openSchema(tb, pool)
	return s
}

// openSchema is open, and returns the quoted name of the schema too.
func openSchema(tb testing.TB, pool *pgxpool.Pool) (*postgres.Store, string) {
	tb.Helper()
	schema := fmt.Sprintf("cpq_test_%d_%d", os.Getpid(), schemas.Add(1))
	s, err := postgres.Open(context.Background(), postgres.Config{Pool: pool, Schema: schema})
	require.NoError(tb, err)
	tb.Cleanup(func() {
		s.Close()
		_, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		require.NoError(tb, err)
	})
	return s, pgx.Identifier{schema}.Sanitize()
}

func TestConformance(t *testing.T) {
	pool := testPool(t)
	storetest.Run(t, func(tb testing.TB) storetest.Store { return open(tb, pool) })
}

func BenchmarkStore(b *testing.B) {
	pool := testPool(b)
	storetest.Benchmark(b, func(tb testing.TB) storetest.Store { return open(tb, pool) })
}

func TestSessionsConformance(t *testing.T) {
	pool := testPool(t)
	storetest.RunSessions(t, func(tb testing.TB) storetest.SessionStore { return open(tb, pool).Sessions() })
}
