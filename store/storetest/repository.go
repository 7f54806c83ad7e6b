package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

const (
	acme   = "acme"
	globex = "globex"
)

var repositoryTests = []subtest[Store]{
	{"CreateAndGet", testCreateAndGet},
	{"CreateRefusesDuplicates", testCreateRefusesDuplicates},
	{"CreateRefusesInvalid", testCreateRefusesInvalid},
	{"NotFound", testNotFound},
	{"Update", testUpdate},
	{"UpdateRefusesStaleVersion", testUpdateStale},
	{"UpdateRefusesInvalid", testUpdateRefusesInvalid},
	{"Revisions", testRevisions},
	{"LargeQuote", testLargeQuote},
	{"CancelledContext", testCancelledContext},
}

func testCreateAndGet(t *testing.T, s Store) {
	ctx := context.Background()
	q := SampleQuote(acme, 1, 12)
	q.Version = 7 // ignored: a new quote starts at version 1
	require.NoError(t, s.Create(ctx, q))
	assert.Equal(t, int64(1), q.Version, "Create sets the version")

	want := SampleQuote(acme, 1, 12)
	want.Version = 1
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, want, got)
	assert.Equal(t, "90.000000009", got.Lines[0].Price.ListTotal.Mul(decimal.New(9, 0)).String(), "decimals stay exact")
	assert.Equal(t, "2030-03-31", got.Header.ValidUntil.Format(time.DateOnly), "dates stay in their zone")

	byNumber, err := s.GetByNumber(ctx, acme, "Q-000001")
	require.NoError(t, err)
	requireSame(t, want, byNumber)

	// What was read is the caller's: changing it changes nothing stored.
	got.Header.Title = "changed"
	got.Lines[0].Name = "changed"
	again, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, want, again)
}

func testCreateRefusesDuplicates(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2))

	sameID := SampleQuote(acme, 2, 2)
	sameID.ID = "q-1"
	requireIs(t, s.Create(ctx, sameID), quote.ErrDuplicate, "same ID")

	sameNumber := SampleQuote(acme, 3, 2)
	sameNumber.Number = "Q-000001"
	requireIs(t, s.Create(ctx, sameNumber), quote.ErrDuplicate, "same number")

	// Neither was stored, and the first is unchanged.
	_, err := s.Get(ctx, acme, "q-3")
	requireIs(t, err, quote.ErrNotFound)
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	want := SampleQuote(acme, 1, 2)
	want.Version = 1
	requireSame(t, want, got)
	assert.Equal(t, []string{"Q-000001"}, listAll(t, s, acme, quote.Filter{}))
}

func testCreateRefusesInvalid(t *testing.T, s Store) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		break_ func(q *quote.Quote)
	}{
		{"no tenant", func(q *quote.Quote) { q.Tenant = "" }},
		{"no ID", func(q *quote.Quote) { q.ID = "" }},
		{"no number", func(q *quote.Quote) { q.Number = "" }},
		{"unknown status", func(q *quote.Quote) { q.Status = "pending" }},
		{"duplicate line ID", func(q *quote.Quote) { q.Lines[1].ID = q.Lines[0].ID }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := SampleQuote(acme, 1, 3)
			tc.break_(q)
			assertIs(t, s.Create(ctx, q), quote.ErrInvalid)
		})
	}
	assert.Empty(t, listAll(t, s, acme, quote.Filter{}), "nothing was stored")

	// Text that is not valid UTF-8 is refused or kept byte for byte, never
	// changed.
	q := SampleQuote(acme, 2, 3)
	q.Lines[0].Name = "bad \xff byte"
	if err := s.Create(ctx, q); err != nil {
		requireIs(t, err, quote.ErrInvalid)
		return
	}
	got, err := s.Get(ctx, acme, q.ID)
	require.NoError(t, err)
	assert.Equal(t, "bad \xff byte", got.Lines[0].Name)
}

func testNotFound(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 1))
	_, err := s.Get(ctx, acme, "q-2")
	assertIs(t, err, quote.ErrNotFound, "Get")
	_, err = s.GetByNumber(ctx, acme, "Q-000002")
	assertIs(t, err, quote.ErrNotFound, "GetByNumber")
	_, err = s.Revision(ctx, acme, "q-2", 1)
	assertIs(t, err, quote.ErrNotFound, "Revision of an unknown quote")
	_, err = s.Revision(ctx, acme, "q-1", 2)
	assertIs(t, err, quote.ErrNotFound, "unknown revision")
	_, err = s.Revisions(ctx, acme, "q-2")
	assertIs(t, err, quote.ErrNotFound, "Revisions")
	missing := SampleQuote(acme, 2, 1)
	missing.Version = 1
	assertIs(t, s.Update(ctx, missing), quote.ErrNotFound, "Update")
	_, err = s.Get(ctx, acme, "q-2")
	assertIs(t, err, quote.ErrNotFound, "Update created nothing")
}

func testUpdate(t *testing.T, s Store) {
	ctx := context.Background()
	q := SampleQuote(acme, 1, 4)
	create(t, s, q)

	q.Header.Notes = "second version"
	q.Lines[2].Quantity = decimal.RequireFromString("1000.0001")
	q.Lines = q.Lines[:3]
	q.Recalculate()
	require.NoError(t, s.Update(ctx, q))
	assert.Equal(t, int64(2), q.Version)

	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, q, got)
	assert.Len(t, got.Lines, 3)
	assert.Equal(t, "1000.0001", got.Lines[2].Quantity.String())

	// An update of what was just read works again.
	got.Status = quote.StatusInReview
	require.NoError(t, s.Update(ctx, got))
	assert.Equal(t, int64(3), got.Version)
	byNumber, err := s.GetByNumber(ctx, acme, "Q-000001")
	require.NoError(t, err)
	assert.Equal(t, quote.StatusInReview, byNumber.Status)
	assert.Equal(t, int64(3), byNumber.Version)
}

func testUpdateStale(t *testing.T, s Store) {
	ctx := context.Background()
	q := SampleQuote(acme, 1, 2)
	create(t, s, q)
	first, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	second, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)

	first.Header.Notes = "first"
	require.NoError(t, s.Update(ctx, first))

	second.Header.Notes = "second"
	second.Lines = nil
	requireIs(t, s.Update(ctx, second), quote.ErrConflict)
	assert.Equal(t, int64(1), second.Version, "a refused update leaves the version as it was")

	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, first, got)

	// A version from the future is as stale as one from the past.
	second.Version = 9
	requireIs(t, s.Update(ctx, second), quote.ErrConflict)
	revs, err := s.Revisions(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, revs, 1)
	requireSame(t, first, revs[0])
}

func testUpdateRefusesInvalid(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2), SampleQuote(acme, 2, 2))
	want, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		break_ func(q *quote.Quote)
	}{
		{"duplicate line ID", func(q *quote.Quote) { q.Lines[1].ID = q.Lines[0].ID }},
		{"new number", func(q *quote.Quote) { q.Number = "Q-000777" }},
		{"number of another quote", func(q *quote.Quote) { q.Number = "Q-000002" }},
		{"revision zero", func(q *quote.Quote) { q.Revision = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := s.Get(ctx, acme, "q-1")
			require.NoError(t, err)
			tc.break_(q)
			err = s.Update(ctx, q)
			require.Error(t, err)
			assert.NotErrorIs(t, err, quote.ErrConflict)
			assert.Equal(t, int64(1), q.Version)
		})
	}
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, want, got)
}

func testRevisions(t *testing.T, s Store) {
	ctx := context.Background()
	q := SampleQuote(acme, 1, 3)
	create(t, s, q)
	q.Header.Notes = "revision 1, edited"
	require.NoError(t, s.Update(ctx, q)) // v2
	require.NoError(t, q.Transition(quote.StatusApproved, "bob", T0.Add(time.Hour), "within policy"))
	q.SealContent()
	require.NoError(t, s.Update(ctx, q)) // v3: revision 1 approved
	rev1 := q.Clone()

	require.NoError(t, q.Revise("alice", T0.Add(2*time.Hour)))
	q.Lines[0].Quantity = decimal.New(40, 0)
	q.Recalculate()
	require.NoError(t, s.Update(ctx, q)) // v4: revision 2 draft
	q.Header.Notes = "revision 2, edited"
	require.NoError(t, s.Update(ctx, q)) // v5

	revs, err := s.Revisions(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, revs, 2)
	assert.Equal(t, []int{1, 2}, []int{revs[0].Revision, revs[1].Revision})
	requireSame(t, rev1, revs[0])
	assert.Equal(t, int64(3), revs[0].Version)
	assert.Equal(t, quote.StatusApproved, revs[0].Status)
	require.NoError(t, revs[0].Verify(), "the approved revision still matches its seal")
	requireSame(t, q, revs[1])

	one, err := s.Revision(ctx, acme, "q-1", 1)
	require.NoError(t, err)
	requireSame(t, rev1, one)
	two, err := s.Revision(ctx, acme, "q-1", 2)
	require.NoError(t, err)
	requireSame(t, q, two)
	cur, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, 2, cur.Revision)
	assert.Equal(t, int64(5), cur.Version)
	assert.Equal(t, "revision 2, edited", cur.Header.Notes)
	assert.Equal(t, "revision 1, edited", one.Header.Notes)

	// Going back to revision 1 would overwrite its approved state: refused.
	back := cur.Clone()
	back.Revision = 1
	back.Header.Notes = "overwrite the approved revision"
	require.Error(t, s.Update(ctx, back))
	one, err = s.Revision(ctx, acme, "q-1", 1)
	require.NoError(t, err)
	requireSame(t, rev1, one)
}

func testLargeQuote(t *testing.T, s Store) {
	ctx := context.Background()
	q := SampleQuote(acme, 1, 200)
	q.SealContent()
	create(t, s, q)
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, q, got)
	require.Len(t, got.Lines, 200)
	assert.Equal(t, q.Totals.Grand.String(), got.Totals.Grand.String())
	require.NoError(t, got.Verify())
}

func testCancelledContext(t *testing.T, s Store) {
	create(t, s, SampleQuote(acme, 1, 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Get(ctx, acme, "q-1")
	assertIs(t, err, context.Canceled, "Get")
	_, err = s.List(ctx, acme, quote.Filter{})
	assertIs(t, err, context.Canceled, "List")
	assertIs(t, s.Create(ctx, SampleQuote(acme, 2, 1)), context.Canceled, "Create")
	q := SampleQuote(acme, 1, 1)
	q.Version = 1
	q.Header.Notes = "never"
	assertIs(t, s.Update(ctx, q), context.Canceled, "Update")
	_, err = s.Claim(ctx, quote.ClaimRequest{Now: T0})
	assertIs(t, err, context.Canceled, "Claim")

	got, err := s.Get(context.Background(), acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assert.NotEqual(t, "never", got.Header.Notes)
	_, err = s.Get(context.Background(), acme, "q-2")
	assertIs(t, err, quote.ErrNotFound)
}
