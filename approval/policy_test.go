package approval_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// TestRequiredSteps submits quotes under the three-level chain and checks
// the steps, levels, assignees and statuses, each worked out by hand.
// The owner sam's manager is mia; the EMEA VP is vera, the AMER VPs are
// victor and vince; finance is fay and finn; legal is lena and lou.
func TestRequiredSteps(t *testing.T) {
	srv := func(list, net, cost string) line { return line{"1", "SRV", list, net, cost} }
	tests := []struct {
		name   string
		quote  *quote.Quote
		change func(q *quote.Quote)
		steps  []string
		status approval.Status
	}{
		{
			// 5 % off; margin 3500 / 9500 = 36.84 %; total 9,500.
			name: "small discount needs nothing", quote: newQuote("q", srv("10000", "9500", "6000")),
			steps: []string{}, status: approval.StatusApproved,
		},
		{
			// 10 % is not over 10 %; margin 3000 / 9000 = 33.33 %.
			name: "exactly 10 percent needs nothing", quote: newQuote("q", srv("10000", "9000", "6000")),
			steps: []string{}, status: approval.StatusApproved,
		},
		{
			// 18 % off; margin 2200 / 8200 = 26.83 %: the manager only.
			name: "18 percent goes to the manager", quote: newQuote("q", srv("10000", "8200", "6000")),
			steps: []string{"manager 1 pending [mia]"}, status: approval.StatusPending,
		},
		{
			// 25 % is not over 25 %; margin 2500 / 7500 = 33.33 %.
			name: "exactly 25 percent stays with the manager", quote: newQuote("q", srv("10000", "7500", "5000")),
			steps: []string{"manager 1 pending [mia]"}, status: approval.StatusPending,
		},
		{
			// 30 % off, margin 1000 / 7000 = 14.29 %: manager, then VP.
			name: "30 percent and a thin margin", quote: newQuote("q", srv("10000", "7000", "6000")),
			steps: []string{"manager 1 pending [mia]", "vp 2 waiting [vera]"}, status: approval.StatusPending,
		},
		{
			// 5 % off but margin 1500 / 9500 = 15.79 %: the VP's level is
			// the first.
			name: "thin margin alone starts at level 2", quote: newQuote("q", srv("10000", "9500", "8000")),
			steps: []string{"vp 2 pending [vera]"}, status: approval.StatusPending,
		},
		{
			// 10000 / 160000 = 6.25 % off; margin 60000 / 150000 = 40 %;
			// total 150,000 > 100,000: finance, any one member.
			name: "large deal goes to finance", quote: newQuote("q", srv("160000", "150000", "90000")),
			steps: []string{"finance 3 pending [fay finn]"}, status: approval.StatusPending,
		},
		{
			// No discount, margin 50 %; payment 90 days and an edited term:
			// finance and legal in parallel at level 3.
			name: "payment terms and edited terms in parallel", quote: newQuote("q", srv("10000", "10000", "5000")),
			change: func(q *quote.Quote) {
				q.Header.PaymentDays = 90
				q.Terms[0].Edited = true
			},
			steps:  []string{"finance 3 pending [fay finn]", "legal 3 pending [lena lou]"},
			status: approval.StatusPending,
		},
		{
			// 60000 / 200000 = 30 % off; margin 20000 / 140000 = 14.29 %;
			// total 140,000; payment 90 days; edited terms: all four, in
			// three levels.
			name: "the whole chain", quote: newQuote("q", srv("200000", "140000", "120000")),
			change: func(q *quote.Quote) {
				q.Header.PaymentDays = 90
				q.Terms[0].Edited = true
			},
			steps: []string{"manager 1 pending [mia]", "vp 2 waiting [vera]", "finance 3 waiting [fay finn]",
				"legal 3 waiting [lena lou]"},
			status: approval.StatusPending,
		},
		{
			// As "30 percent and a thin margin", for an AMER account.
			name: "the VP of the account's region", quote: newQuote("q", srv("10000", "7000", "6000")),
			change: func(q *quote.Quote) { q.Header.Account.Region = "AMER" },
			steps:  []string{"manager 1 pending [mia]", "vp 2 waiting [victor vince]"}, status: approval.StatusPending,
		},
		{
			// fay owns the quote: she is left out of finance.
			name: "the owner is not an assignee", quote: newQuote("q", srv("160000", "150000", "90000")),
			change: func(q *quote.Quote) { q.Header.Owner = "fay" },
			steps:  []string{"finance 3 pending [finn]"}, status: approval.StatusPending,
		},
		{
			// 100,000 is not over 100,000 and 60 days not over 60.
			name: "limits are exclusive", quote: newQuote("q", srv("100000", "100000", "50000")),
			change: func(q *quote.Quote) { q.Header.PaymentDays = 60 },
			steps:  []string{}, status: approval.StatusApproved,
		},
		{
			// The optional accelerator is 400 / 2000 = 20 % off: the
			// customer sees that price, so the manager approves it; totals
			// count the server only: margin 3900 / 9900 = 39.39 %.
			name:  "an optional line's discount counts",
			quote: newQuote("q", srv("10000", "9900", "6000"), line{"2", "GPU", "2000", "1600", "1000"}),
			change: func(q *quote.Quote) {
				q.Lines[1].Optional = true
				q.Recalculate()
			},
			steps: []string{"manager 1 pending [mia]"}, status: approval.StatusPending,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, chainPolicy)
			if tt.change != nil {
				tt.change(tt.quote)
			}
			e.create(tt.quote)
			a := e.submit("sam", "q")
			assert.Equal(t, tt.steps, steps(a))
			assert.Equal(t, tt.status, a.Status)
			want := quote.StatusInReview
			if tt.status == approval.StatusApproved {
				want = quote.StatusApproved
			}
			q := e.get("q")
			assert.Equal(t, want, q.Status)
			assert.Equal(t, q.ComputeSeal(), q.Seal, "the submitted revision is sealed")
			assert.Equal(t, q.Seal, a.Seal)
		})
	}
}

// TestTriggerNamesTheFacts checks that each step says which condition
// triggered it, with the values it read.
func TestTriggerNamesTheFacts(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "7000", "6000"}))
	a := e.submit("sam", "q")
	require.Len(t, a.Steps, 2)
	// 3000 / 10000 = 30 % off; margin 1000 / 7000 = 14.29 %.
	assert.Equal(t, "quote.max_line_discount_percent > 10 (quote.max_line_discount_percent = 30)", a.Steps[0].Trigger.String())
	assert.Equal(t, "quote.max_line_discount_percent > 25 || quote.margin_percent < 20 "+
		"(quote.margin_percent = 14.29, quote.max_line_discount_percent = 30)", a.Steps[1].Trigger.String())
	assert.Equal(t, "Discount over 25 % or margin under 20 %", a.Steps[1].Name)
}

// TestQuoteFacts computes every fact of a quote by hand.
func TestQuoteFacts(t *testing.T) {
	c := loadCatalog(t, chainPolicy)
	q := newQuote("q",
		line{"1", "SRV", "10000", "8500", "5000"}, // 15 % off
		line{"2", "SVC", "2000", "2000", "500"},   // list price
		line{"3", "GPU", "4000", "2800", "2000"},  // 30 % off, optional
		line{"4", "XYZ", "100", "100", "0"},       // not in the catalog
	)
	q.Lines[2].Optional = true
	q.Lines[1].Price.TermMonths = 36
	q.Header.HeaderDiscount = d("2.5")
	q.Header.PaymentDays = 45
	q.Terms = append(q.Terms, quote.Term{ID: "sla", Text: "99.9 %", Edited: true})
	q.Recalculate()
	f := approval.QuoteFacts(q, c, t0.Add(20*time.Hour))

	// Counting lines 1, 2 and 4: list 12100, net 10600, cost 5500.
	assert.Equal(t, "12100", f.ListTotal.String())
	assert.Equal(t, "10600", f.Total.String())
	assert.Equal(t, "1500", f.DiscountTotal.String())
	assert.Equal(t, "12.4", f.DiscountPercent.String(), "1500 / 12100 = 12.397 %")
	assert.Equal(t, "48.11", f.MarginPercent.String(), "5100 / 10600 = 48.113 %")
	assert.Equal(t, "30", f.MaxLineDiscountPercent.String(), "the optional line, 1200 / 4000")
	assert.Equal(t, "2.5", f.HeaderDiscountPercent.String())
	assert.Equal(t, 36, f.TermMonths, "no header term: the longest line term")
	assert.Equal(t, 45, f.PaymentTermsDays)
	assert.True(t, f.EditedTerms)
	assert.Equal(t, []string{"accelerators", "servers", "services"}, f.Categories)
	assert.Equal(t, []string{"GPU", "SRV", "SVC", "XYZ"}, f.Products)
	assert.Equal(t, "EUR", f.Currency)
	assert.Equal(t, "enterprise", f.CustomerSegment)
	assert.Equal(t, "2026-11-03", f.Today.Format(time.DateOnly))

	// Every name the catalog's approval schema declares has a value.
	vars := f.Vars()
	for name := range catalog.ApprovalFacts {
		assert.Contains(t, vars, name)
	}
	assert.Len(t, vars, len(catalog.ApprovalFacts))
}

// floorCounts is a FactSource with the lines below floor that pricing
// flagged, by quote ID.
type floorCounts map[string]int

func (f floorCounts) Complete(_ context.Context, q *quote.Quote, facts *approval.Facts) error {
	n, ok := f[q.ID]
	if !ok {
		return errors.New("quote not priced")
	}
	facts.LinesBelowFloor = n
	return nil
}

func TestFactSource(t *testing.T) {
	const policy = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: floor, condition: quote.lines_below_floor > 0, approver: {user: vera}, level: 1}
`
	store := memory.New()
	eng, err := approval.New(approval.Config{Catalog: loadCatalog(t, policy), Store: store, Facts: floorCounts{"q1": 2, "q2": 0}})
	require.NoError(t, err)
	ctx := context.Background()
	for _, id := range []string{"q1", "q2", "q3"} {
		require.NoError(t, store.Create(ctx, newQuote(id, line{"1", "SRV", "100", "100", "50"})))
	}
	a, err := eng.Submit(ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q1"})
	require.NoError(t, err)
	assert.Equal(t, []string{"floor 1 pending [vera]"}, steps(a))
	assert.Equal(t, 2, a.Facts.LinesBelowFloor)
	a, err = eng.Submit(ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q2"})
	require.NoError(t, err)
	assert.Empty(t, a.Steps)
	_, err = eng.Submit(ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q3"})
	require.ErrorContains(t, err, "quote not priced", "no facts, no submission")
	q3, err := store.Get(ctx, "acme", "q3")
	require.NoError(t, err)
	assert.Equal(t, quote.StatusDraft, q3.Status)
}

func TestNewNeedsWhatThePolicyNames(t *testing.T) {
	store := memory.New()
	_, err := approval.New(approval.Config{Catalog: loadCatalog(t, chainPolicy), Store: store})
	require.ErrorIs(t, err, approval.ErrInvalid, "roles, groups and relations need a directory")
	_, err = approval.New(approval.Config{Catalog: &catalog.Catalog{}, Store: store})
	require.ErrorIs(t, err, approval.ErrInvalid, "an unchecked catalog")
	_, err = approval.New(approval.Config{Catalog: loadCatalog(t, chainPolicy), Directory: newDirectory()})
	require.ErrorIs(t, err, approval.ErrInvalid, "no store")
}

// memoSeen is a FactSource that records the memo each evaluation sees.
type memoSeen struct{ memos *[]*sync.Map }

func (m memoSeen) Complete(ctx context.Context, _ *quote.Quote, _ *approval.Facts) error {
	*m.memos = append(*m.memos, approval.Memo(ctx))
	return nil
}

// Every evaluation of one preview (the quote, then its line at list price
// and bisected discounts) sees one memo; another preview a new one; a
// submission none.
func TestPreviewMemo(t *testing.T) {
	const policy = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: big, condition: quote.max_line_discount_percent > 10, approver: {user: vera}, level: 1}
`
	var memos []*sync.Map
	store := memory.New()
	eng, err := approval.New(approval.Config{Catalog: loadCatalog(t, policy), Store: store, Facts: memoSeen{&memos}})
	require.NoError(t, err)
	ctx := context.Background()
	q := newQuote("q1", line{"1", "SRV", "100", "100", "50"})
	require.NoError(t, store.Create(ctx, q))

	_, err = eng.Preview(ctx, q)
	require.NoError(t, err)
	require.Greater(t, len(memos), 2, "the quote, then the line's bisection")
	first := memos[0]
	require.NotNil(t, first)
	for _, m := range memos {
		assert.Same(t, first, m)
	}
	memos = nil
	_, err = eng.Preview(ctx, q)
	require.NoError(t, err)
	assert.NotSame(t, first, memos[0])
	memos = nil
	_, err = eng.Submit(ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q1"})
	require.NoError(t, err)
	require.NotEmpty(t, memos)
	assert.Nil(t, memos[0])
}
