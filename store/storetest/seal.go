package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

var sealTests = []subtest[Store]{
	{"ReadBackWithTheSameSeal", testSealReadBack},
}

// testSealReadBack seals a quote, stores it, and reads it back every way
// there is: each copy has the seal it was written with.
func testSealReadBack(t *testing.T, s Store) {
	ctx := context.Background()
	q := SampleQuote(acme, 1, 40)
	require.NoError(t, q.Transition(quote.StatusInReview, "alice", T0, "submitted"))
	q.SealContent()
	seal := q.Seal
	create(t, s, q)
	q.Header.Notes = "internal notes are outside the seal"
	require.NoError(t, s.Update(ctx, q))

	byID, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	byNumber, err := s.GetByNumber(ctx, acme, "Q-000001")
	require.NoError(t, err)
	rev, err := s.Revision(ctx, acme, "q-1", 1)
	require.NoError(t, err)
	revs, err := s.Revisions(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, revs, 1)
	page, err := s.List(ctx, acme, quote.Filter{})
	require.NoError(t, err)
	require.Len(t, page.Quotes, 1)
	var inTx *quote.Quote
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error {
		inTx, err = tx.Get(ctx, acme, "q-1")
		return err
	}))
	for name, got := range map[string]*quote.Quote{
		"Get": byID, "GetByNumber": byNumber, "Revision": rev, "Revisions": revs[0], "List": page.Quotes[0], "Tx.Get": inTx,
	} {
		assert.Equal(t, seal, got.Seal, name)
		assert.Equal(t, seal, got.ComputeSeal(), name)
		assert.NoError(t, got.Verify(), name)
		assert.Equal(t, string(q.Content()), string(got.Content()), name)
	}
}
