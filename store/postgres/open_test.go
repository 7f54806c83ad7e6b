package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/postgres"
	"github.com/cpqkit/cpq/store/storetest"
)

func TestOpenMigratesOnceUnderConcurrentOpeners(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	schema := fmt.Sprintf("cpq_open_test_%d", os.Getpid())
	t.Cleanup(func() {
		_, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		require.NoError(t, err)
	})
	const openers = 4
	var wg sync.WaitGroup
	errs := make([]error, openers)
	for i := range openers {
		wg.Go(func() {
			cfg := postgres.Config{Pool: pool, Schema: schema}
			if i%2 == 1 {
				cfg = postgres.Config{URL: os.Getenv(envURL), Schema: schema} // a pool of its own
			}
			s, err := postgres.Open(ctx, cfg)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "opener %d", i)
	}
	s, err := postgres.Open(ctx, postgres.Config{Pool: pool, Schema: schema})
	require.NoError(t, err)
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, migrations(t), v)
	var applied int
	require.NoError(t, pool.QueryRow(ctx, "SELECT COUNT(*) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()).Scan(&applied))
	assert.Equal(t, migrations(t), applied)

	// A database migrated by a newer build is refused.
	_, err = pool.Exec(ctx, "INSERT INTO "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" (version, name) VALUES (1000, 'from the future')")
	require.NoError(t, err)
	_, err = postgres.Open(ctx, postgres.Config{Pool: pool, Schema: schema})
	assert.True(t, errors.Is(err, postgres.ErrSchemaTooNew), "%v", err)
}

func TestOpenNeedsAnAddress(t *testing.T) {
	_, err := postgres.Open(context.Background(), postgres.Config{})
	assert.Error(t, err)
}

func TestExactMoney(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	s, schema := openSchema(t, pool)
	q := storetest.SampleQuote("acme", 1, 0)
	q.Totals.Grand = decimal.RequireFromString("123456789012345678.000000001")
	require.NoError(t, s.Create(ctx, q))
	var total, kind string
	require.NoError(t, pool.QueryRow(ctx, `SELECT total::text, pg_typeof(total)::text FROM `+schema+`.quotes`).Scan(&total, &kind))
	assert.Equal(t, "123456789012345678.000000001", total)
	assert.Equal(t, "numeric", kind)
}

// TestClaimSkipsLockedRows holds a lock on the first pending event, as a
// claim in progress does: another claim takes the next quote's event
// instead of waiting.
func TestClaimSkipsLockedRows(t *testing.T) {
	pool := testPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net, not a measure
	defer cancel()
	s, schema := openSchema(t, pool)
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error {
		return tx.Enqueue(ctx,
			quote.Event{ID: "a1", Tenant: "acme", QuoteID: "q-a", Kind: "k", At: storetest.T0},
			quote.Event{ID: "b1", Tenant: "acme", QuoteID: "q-b", Kind: "k", At: storetest.T0})
	}))
	other, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer other.Rollback(ctx)
	_, err = other.Exec(ctx, `SELECT 1 FROM `+schema+`.outbox WHERE id = 'a1' FOR UPDATE`)
	require.NoError(t, err)

	ds, err := s.Claim(ctx, quote.ClaimRequest{Now: storetest.T0})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "b1", ds[0].ID)
	require.NoError(t, other.Rollback(ctx))
	ds, err = s.Claim(ctx, quote.ClaimRequest{Now: storetest.T0})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "a1", ds[0].ID)
}
