package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

var tenantTests = []subtest[Store]{
	{"SameIDsInTwoTenants", testTenantsSameIDs},
	{"NoReadsAcross", testTenantsNoReadsAcross},
	{"NoWritesAcross", testTenantsNoWritesAcross},
	{"OutboxScopedByTenant", testTenantsOutbox},
}

// twoTenants stores quote 1 in both tenants (different content, same ID
// and number) and quote 2 in globex only.
func twoTenants(t *testing.T, s Store) (a1, g1, g2 *quote.Quote) {
	a1 = SampleQuote(acme, 1, 2)
	a1.Header.Account.Name = "Acme Corp"
	g1 = SampleQuote(globex, 1, 3)
	g1.Header.Account.Name = "Globex Inc"
	g2 = SampleQuote(globex, 2, 1)
	create(t, s, a1, g1, g2)
	return a1, g1, g2
}

func testTenantsSameIDs(t *testing.T, s Store) {
	ctx := context.Background()
	a1, g1, _ := twoTenants(t, s)
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, a1, got)
	got, err = s.GetByNumber(ctx, globex, "Q-000001")
	require.NoError(t, err)
	requireSame(t, g1, got)

	// Updating one tenant's quote leaves the other's alone.
	g1.Header.Notes = "globex only"
	require.NoError(t, s.Update(ctx, g1))
	got, err = s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, a1, got)
	revs, err := s.Revisions(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, revs, 1)
	requireSame(t, a1, revs[0])
}

func testTenantsNoReadsAcross(t *testing.T, s Store) {
	ctx := context.Background()
	twoTenants(t, s)
	_, err := s.Get(ctx, acme, "q-2")
	assertIs(t, err, quote.ErrNotFound, "Get")
	_, err = s.GetByNumber(ctx, acme, "Q-000002")
	assertIs(t, err, quote.ErrNotFound, "GetByNumber")
	_, err = s.Revision(ctx, acme, "q-2", 1)
	assertIs(t, err, quote.ErrNotFound, "Revision")
	_, err = s.Revisions(ctx, acme, "q-2")
	assertIs(t, err, quote.ErrNotFound, "Revisions")
	_, err = s.Get(ctx, "", "q-2")
	assertIs(t, err, quote.ErrNotFound, "no tenant is no wildcard")

	assert.Equal(t, []string{"Q-000001"}, listAll(t, s, acme, quote.Filter{}))
	assert.Equal(t, []string{"Q-000001", "Q-000002"}, listAll(t, s, globex, quote.Filter{}))
	assert.Empty(t, listAll(t, s, "initech", quote.Filter{}))
	assert.Empty(t, listAll(t, s, "", quote.Filter{}))
	p, err := s.List(ctx, acme, quote.Filter{})
	require.NoError(t, err)
	for _, q := range p.Quotes {
		assert.Equal(t, acme, q.Tenant)
	}

	// A cursor from one tenant's listing pages through the other's only.
	p, err = s.List(ctx, globex, quote.Filter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, p.Next)
	assert.Empty(t, listAll(t, s, acme, quote.Filter{Cursor: p.Next}))
}

func testTenantsNoWritesAcross(t *testing.T, s Store) {
	ctx := context.Background()
	_, _, g2 := twoTenants(t, s)

	// An update naming acme cannot reach globex's quote 2.
	intruder := g2.Clone()
	intruder.Tenant = acme
	intruder.Header.Notes = "written by acme"
	assertIs(t, s.Update(ctx, intruder), quote.ErrNotFound)
	got, err := s.Get(ctx, globex, "q-2")
	require.NoError(t, err)
	requireSame(t, g2, got)
	_, err = s.Get(ctx, acme, "q-2")
	assertIs(t, err, quote.ErrNotFound, "the update created nothing in acme")

	// A transaction writing both tenants keeps each write in its own.
	err = s.InTx(ctx, func(tx quote.Tx) error {
		a, err := tx.Get(ctx, acme, "q-1")
		if err != nil {
			return err
		}
		a.Header.Notes = "acme's note"
		if err := tx.Update(ctx, a); err != nil {
			return err
		}
		_, err = tx.Get(ctx, acme, "q-2")
		assertIs(t, err, quote.ErrNotFound, "inside a transaction")
		return tx.Create(ctx, SampleQuote(acme, 2, 1))
	})
	require.NoError(t, err)
	a2, err := s.Get(ctx, acme, "q-2")
	require.NoError(t, err)
	assert.Equal(t, acme, a2.Tenant)
	got, err = s.Get(ctx, globex, "q-2")
	require.NoError(t, err)
	requireSame(t, g2, got)
	g1, err := s.Get(ctx, globex, "q-1")
	require.NoError(t, err)
	assert.NotEqual(t, "acme's note", g1.Header.Notes)
	assert.Equal(t, int64(1), g1.Version)
}

func testTenantsOutbox(t *testing.T, s Store) {
	ctx := context.Background()
	twoTenants(t, s)
	// The same event ID and quote ID in two tenants are two events.
	enqueue(t, s, event(acme, "q-1", "e-1", 1), event(globex, "q-1", "e-1", 1))
	ds, err := s.Claim(ctx, quote.ClaimRequest{Now: T0})
	require.NoError(t, err)
	require.Len(t, ds, 2, "one dispatcher serves every tenant; quote q-1 of each tenant is its own queue")
	tenants := map[string]bool{}
	for _, d := range ds {
		tenants[d.Tenant] = true
		require.NoError(t, s.Failed(ctx, d, "rejected by "+d.Tenant, zeroTime))
	}
	assert.Equal(t, map[string]bool{acme: true, globex: true}, tenants)

	dead, err := s.DeadLetters(ctx, acme, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, acme, dead[0].Tenant)
	assert.Equal(t, "rejected by acme", dead[0].LastError)
	dead, err = s.DeadLetters(ctx, "initech", 0)
	require.NoError(t, err)
	assert.Empty(t, dead)

	require.NoError(t, s.Replay(ctx, acme, "e-1", T0))
	assertIs(t, s.Replay(ctx, acme, "e-1", T0), quote.ErrNotFound, "replayed already")
	dead, err = s.DeadLetters(ctx, globex, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1, "replaying acme's event left globex's dead letter alone")
	assert.Equal(t, "rejected by globex", dead[0].LastError)
	ds, err = s.Claim(ctx, quote.ClaimRequest{Now: T0})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, acme, ds[0].Tenant)
}
