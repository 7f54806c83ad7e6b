package storetest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/postgres"
	"github.com/cpqkit/cpq/store/sqlite"
	"github.com/cpqkit/cpq/store/storetest"
)

// sampleSeal is the seal of SampleQuote("acme", 1, 40), the same on every
// run: it changes only if the sample or what the seal covers changes.
const sampleSeal = "sha256:f531f4421fd059ed693dab9b4becc5442d15ea5793fa698ae848f776a35489f6"

// stores opens one store of each kind; PostgreSQL only when the test
// server's address is set.
func stores(t *testing.T) map[string]storetest.Store {
	ctx := context.Background()
	out := map[string]storetest.Store{"memory": memory.New()}
	lite, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "cpq.db")})
	require.NoError(t, err)
	t.Cleanup(func() { lite.Close() })
	out["sqlite"] = lite
	url := os.Getenv("CPQ_TEST_POSTGRES")
	if url == "" {
		t.Log("PostgreSQL left out: CPQ_TEST_POSTGRES is not set")
		return out
	}
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	schema := fmt.Sprintf("cpq_seal_test_%d", os.Getpid())
	pg, err := postgres.Open(ctx, postgres.Config{Pool: pool, Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := pool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		assert.NoError(t, err)
	})
	out["postgres"] = pg
	return out
}

func TestSealIsTheSameInEveryStore(t *testing.T) {
	ctx := context.Background()
	q := storetest.SampleQuote("acme", 1, 40)
	require.NoError(t, q.Transition(quote.StatusInReview, "alice", storetest.T0, "submitted"))
	q.SealContent()
	assert.Equal(t, sampleSeal, q.Seal, "the seal of the sample, on every run")
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			w := q.Clone()
			require.NoError(t, s.Create(ctx, w))
			got, err := s.Get(ctx, "acme", "q-1")
			require.NoError(t, err)
			assert.Equal(t, sampleSeal, got.ComputeSeal())
			assert.Equal(t, sampleSeal, got.Seal)
			require.NoError(t, got.Verify())
		})
	}
}
