package quote_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

var update = flag.Bool("update", false, "rewrite golden files")

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// sample is a two-group quote, worked by hand: lines 1 and 2 count, the
// optional line 3 does not.
func sample() *quote.Quote {
	q := &quote.Quote{
		ID: "q1", Tenant: "acme", Number: "Q-2026-0001", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{
			Account: quote.Party{ID: "A1", Name: "Northwind GmbH"}, Owner: "sam", Currency: "EUR",
			ValidUntil: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), PaymentTerms: "30 days net", PaymentDays: 30,
			Notes: "internal: customer asked twice",
		},
		Groups: []quote.Group{{ID: "hw", Name: "Hardware"}, {ID: "svc", Name: "Services"}},
		Lines: []quote.Line{
			{ID: "1", Product: "SRV-R2", Name: "R2 rack server", Quantity: d("2"), Group: "hw",
				Configuration: []quote.ConfigValue{{Var: "cpu", Value: "X7"}},
				Price:         quote.LinePrice{ListUnitPrice: d("5550"), UnitPrice: d("4995"), ListTotal: d("11100"), NetTotal: d("9990"), Cost: d("6200")}},
			{ID: "2", Product: "SVC-CARE-3Y", Name: "3-year care", Quantity: d("1"), Group: "svc",
				Price: quote.LinePrice{ListUnitPrice: d("888"), UnitPrice: d("888"), ListTotal: d("888"), NetTotal: d("888"), Cost: d("300"), Recurring: true, TermMonths: 36}},
			{ID: "3", Product: "GPU-L4", Name: "L4 accelerator", Quantity: d("2"), Group: "hw", Optional: true,
				Price: quote.LinePrice{ListUnitPrice: d("3100"), UnitPrice: d("3100"), ListTotal: d("6200"), NetTotal: d("6200"), Cost: d("4000")}},
		},
		Terms:     []quote.Term{{ID: "delivery", Text: "Delivery within 6 weeks."}},
		CreatedAt: t0, UpdatedAt: t0,
	}
	q.Totals.Tax = d("1896.82")
	q.Recalculate()
	return q
}

func TestRecalculate(t *testing.T) {
	q := sample()
	// list 11100 + 888 = 11988; net 9990 + 888 = 10878; cost 2×3100 + 300 = 6500.
	assert.Equal(t, "11988", q.Totals.List.String())
	assert.Equal(t, "10878", q.Totals.Net.String())
	assert.Equal(t, "1110", q.Totals.Discount.String())
	assert.Equal(t, "6500", q.Totals.Cost.String())
	assert.Equal(t, "4378", q.Totals.Margin.String())
	assert.Equal(t, "40.25", q.Totals.MarginPercent().String(), "4378 / 10878 = 40.246…%")
	assert.Equal(t, "12774.82", q.Totals.Grand.String())
	assert.Equal(t, "9990", q.Totals.OneTime.String())
	assert.Equal(t, "888", q.Totals.Recurring.String())
	assert.Equal(t, []quote.GroupTotal{{Group: "hw", Net: d("9990")}, {Group: "svc", Net: d("888")}}, q.Totals.Groups)
	assert.Equal(t, "10", q.Lines[0].Price.DiscountPercent().String(), "9990 is 10% off 11100")

	q.Lines[2].Selected = true
	q.Recalculate()
	assert.Equal(t, "17078", q.Totals.Net.String(), "a selected optional line counts")
}

func TestLifecycle(t *testing.T) {
	tests := []struct {
		from, to quote.Status
		ok       bool
	}{
		{quote.StatusDraft, quote.StatusInReview, true},
		{quote.StatusDraft, quote.StatusApproved, true},
		{quote.StatusDraft, quote.StatusPresented, false},
		{quote.StatusInReview, quote.StatusApproved, true},
		{quote.StatusInReview, quote.StatusRejected, true},
		{quote.StatusInReview, quote.StatusDraft, true},
		{quote.StatusRejected, quote.StatusPresented, false},
		{quote.StatusApproved, quote.StatusPresented, false}, // only through Release
		{quote.StatusApproved, quote.StatusAccepted, false},
		{quote.StatusPresented, quote.StatusAccepted, true},
		{quote.StatusPresented, quote.StatusDeclined, true},
		{quote.StatusPresented, quote.StatusExpired, true},
		{quote.StatusAccepted, quote.StatusOrdered, true},
		{quote.StatusAccepted, quote.StatusCancelled, false},
		{quote.StatusOrdered, quote.StatusDraft, false},
		{quote.StatusCancelled, quote.StatusDraft, false},
	}
	for _, tt := range tests {
		q := sample()
		q.Status = tt.from
		err := q.Transition(tt.to, "sam", t0, "")
		if tt.ok {
			require.NoError(t, err, "%s → %s", tt.from, tt.to)
			assert.Equal(t, tt.to, q.Status)
			assert.Equal(t, quote.Transition{From: tt.from, To: tt.to, Actor: "sam", At: t0, Revision: 1}, q.History[len(q.History)-1])
			continue
		}
		if tt.to == quote.StatusPresented {
			require.ErrorIs(t, err, quote.ErrGateRequired, "%s → %s", tt.from, tt.to)
		} else {
			require.ErrorIs(t, err, quote.ErrTransition, "%s → %s", tt.from, tt.to)
			assert.ErrorContains(t, err, string(tt.from)+" → "+string(tt.to))
		}
		assert.Equal(t, tt.from, q.Status, "a refused change changes nothing")
		assert.Empty(t, q.History)
	}
	q := sample()
	assert.ErrorIs(t, q.Transition(quote.StatusInReview, "", t0, ""), quote.ErrInvalid, "a change needs an actor")
}

func TestExpiry(t *testing.T) {
	q := sample()
	q.Status = quote.StatusPresented
	assert.False(t, q.Expire(time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC), "clock"), "valid through the last day")
	assert.True(t, q.Expire(time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC), "clock"))
	assert.Equal(t, quote.StatusExpired, q.Status)
	assert.False(t, q.Expire(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "clock"), "already expired")
}

func TestSealCoversCustomerVisibleContentOnly(t *testing.T) {
	q := sample()
	q.SealContent()
	require.NoError(t, q.Verify())
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, q.Seal)

	visible := []func(*quote.Quote){
		func(q *quote.Quote) { q.Lines[0].Price.UnitPrice = d("4994.99") },
		func(q *quote.Quote) { q.Lines[0].Quantity = d("3") },
		func(q *quote.Quote) { q.Lines[0].Configuration[0].Value = "X9" },
		func(q *quote.Quote) { q.Lines[2].Selected = true },
		func(q *quote.Quote) { q.Header.PaymentDays = 60 },
		func(q *quote.Quote) { q.Header.ValidUntil = q.Header.ValidUntil.AddDate(0, 0, 1) },
		func(q *quote.Quote) { q.Header.Account.Name = "Northwind AG" },
		func(q *quote.Quote) { q.Terms[0].Text = "Delivery within 8 weeks." },
		func(q *quote.Quote) { q.Totals.Grand = d("12774.83") },
		func(q *quote.Quote) { q.Number = "Q-2026-0002" },
		func(q *quote.Quote) { q.Lines = q.Lines[:2] },
	}
	for i, change := range visible {
		c := q.Clone()
		change(c)
		assert.ErrorIs(t, c.Verify(), quote.ErrSealMismatch, "change %d", i)
		assert.NoError(t, q.Verify(), "the clone is deep: change %d left the original intact", i)
	}
	internal := []func(*quote.Quote){
		func(q *quote.Quote) { q.Header.Notes = "changed" },
		func(q *quote.Quote) { q.Lines[0].Price.Cost = d("1") },
		func(q *quote.Quote) { q.Version = 9 },
		func(q *quote.Quote) { q.Status = quote.StatusApproved },
	}
	for i, change := range internal {
		c := q.Clone()
		change(c)
		assert.NoError(t, c.Verify(), "internal change %d", i)
	}
	// A store may give back empty lists where nil ones went in.
	c := q.Clone()
	c.Header.Contacts = []quote.Contact{}
	c.Lines[1].Configuration = []quote.ConfigValue{}
	assert.NoError(t, c.Verify())
	// 1.50 and 1.5 are the same amount: the seal does not depend on how a
	// decimal was written.
	c = q.Clone()
	c.Lines[0].Quantity = d("2.000")
	assert.NoError(t, c.Verify())

	unsealed := sample()
	assert.ErrorIs(t, unsealed.Verify(), quote.ErrSealMismatch)
}

// The seal of a fixed quote is pinned, so that a change to the canonical
// form (which would invalidate every stored seal) cannot pass unnoticed.
func TestSealIsStable(t *testing.T) {
	q := sample()
	want := q.ComputeSeal()
	for i := 0; i < 20; i++ {
		assert.Equal(t, want, sample().ComputeSeal())
	}
	path := filepath.Join("testdata", "content.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, q.Content(), 0o644))
	}
	golden, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(golden), string(q.Content()))
	sum := sha256.Sum256(golden)
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), want)
}

func TestReviseKeepsNumberAndStartsADraft(t *testing.T) {
	q := sample()
	require.NoError(t, q.Transition(quote.StatusApproved, "mia", t0, ""))
	q.SealContent()
	require.NoError(t, q.Revise("sam", t0.Add(time.Hour)))
	assert.Equal(t, 2, q.Revision)
	assert.Equal(t, quote.StatusDraft, q.Status)
	assert.Empty(t, q.Seal)
	q.Status = quote.StatusOrdered
	assert.ErrorIs(t, q.Revise("sam", t0), quote.ErrTransition)
}

func TestCompareRevisions(t *testing.T) {
	a := sample()
	b := a.Clone()
	b.Revision = 2
	b.Lines[0].Price.UnitPrice = d("4800")
	b.Lines[0].Price.NetTotal = d("9600")
	b.Lines = append(b.Lines[:1], b.Lines[2:]...)
	b.Lines = append(b.Lines, quote.Line{ID: "4", Product: "NIC-25G", Name: "25 GbE", Quantity: d("2")})
	b.Header.PaymentDays = 45
	b.Terms[0].Text = "Delivery within 8 weeks."
	b.Recalculate()

	diff := quote.Compare(a, b)
	assert.Equal(t, []string{"4"}, diff.LinesAdded)
	assert.Equal(t, []string{"2"}, diff.LinesRemoved)
	require.Len(t, diff.LinesChanged, 1)
	assert.Equal(t, quote.LineChange{Line: "1", Changes: []quote.Change{
		{Field: "net_total", Before: "9990", After: "9600"},
		{Field: "unit_price", Before: "4995", After: "4800"},
	}}, diff.LinesChanged[0])
	assert.Equal(t, []quote.Change{{Field: "payment_days", Before: "30", After: "45"}}, diff.Header)
	assert.Equal(t, []quote.Change{{Field: "delivery.text", Before: "Delivery within 6 weeks.", After: "Delivery within 8 weeks."}}, diff.Terms)
	assert.Contains(t, diff.Totals, quote.Change{Field: "net", Before: "10878", After: "9600"})
	assert.True(t, quote.Compare(a, a.Clone()).Empty())
}

func TestValidate(t *testing.T) {
	require.NoError(t, sample().Validate())
	tests := []struct {
		name   string
		change func(*quote.Quote)
		msg    string
	}{
		{"no tenant", func(q *quote.Quote) { q.Tenant = "" }, "no tenant"},
		{"duplicate line", func(q *quote.Quote) { q.Lines[1].ID = "1" }, `line ID "1" appears twice`},
		{"unknown group", func(q *quote.Quote) { q.Lines[0].Group = "x" }, `unknown group "x"`},
		{"no product", func(q *quote.Quote) { q.Lines[0].Product = "" }, "line 1 has no product"},
		{"bad parent", func(q *quote.Quote) { q.Lines[2].Parent = "9" }, `unknown parent "9"`},
		{"negative quantity", func(q *quote.Quote) { q.Lines[0].Quantity = d("-1") }, "negative quantity"},
		{"unknown status", func(q *quote.Quote) { q.Status = "lost" }, `unknown status "lost"`},
	}
	for _, tt := range tests {
		q := sample()
		tt.change(q)
		err := q.Validate()
		assert.ErrorIs(t, err, quote.ErrInvalid, tt.name)
		assert.ErrorContains(t, err, tt.msg, tt.name)
	}
}

type gateFunc func(context.Context, *quote.Quote) error

func (f gateFunc) Gate(ctx context.Context, q *quote.Quote) error { return f(ctx, q) }

var errNotApproved = errors.New("approval required")

func TestReleaseGoesThroughTheGate(t *testing.T) {
	ctx := context.Background()
	q := sample()
	require.NoError(t, q.Transition(quote.StatusApproved, "mia", t0, ""))
	err := q.Release(ctx, gateFunc(func(context.Context, *quote.Quote) error { return errNotApproved }), "sam", t0, "")
	require.ErrorIs(t, err, errNotApproved)
	assert.Equal(t, quote.StatusApproved, q.Status, "a closed gate changes nothing")
	assert.ErrorIs(t, q.Release(ctx, nil, "sam", t0, ""), quote.ErrGateRequired)

	require.NoError(t, q.Release(ctx, gateFunc(func(context.Context, *quote.Quote) error { return nil }), "sam", t0, "sent"))
	assert.Equal(t, quote.StatusPresented, q.Status)
	assert.Equal(t, quote.StatusPresented, q.History[len(q.History)-1].To)

	d := sample()
	assert.ErrorIs(t, d.Release(ctx, gateFunc(func(context.Context, *quote.Quote) error { return nil }), "sam", t0, ""), quote.ErrTransition,
		"a draft is approved first")
}
