package approval_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// guidance lists the line limits as "line current max beyond".
func guidance(p *approval.Preview) []string {
	out := []string{}
	for _, g := range p.Lines {
		out = append(out, g.Line+" "+g.DiscountPercent.String()+" "+g.MaxDiscountPercent.String()+" "+join(g.Beyond))
	}
	return out
}

// TestPreview: a server 12 % off (8,800 of 10,000, cost 6,000) and a
// service at list (2,000, cost 500).
//
// Steps: the largest line discount is 12 % > 10 %: the manager. Margin
// (10800 − 6500) / 10800 = 39.81 %: no VP.
//
// Server: with the server at list nothing is required; at 10.01 % the
// manager is. Its limit is 10 %, under the 12 % it has now.
//
// Service: with it at list the manager is required already (the server's
// 12 %); the VP comes at 25.01 % off, as the margin would reach 20 % only
// at a total of 8,125, which no discount on a 2,000 line gets to. Its
// limit is 25 %.
func TestPreview(t *testing.T) {
	e := newEnv(t, chainPolicy)
	q := newQuote("q", line{"1", "SRV", "10000", "8800", "6000"}, line{"2", "SVC", "2000", "2000", "500"})
	p, err := e.eng.Preview(e.ctx, q)
	require.NoError(t, err)
	require.Len(t, p.Steps, 1)
	assert.Equal(t, "manager", p.Steps[0].Rule)
	assert.Equal(t, []string{"mia"}, p.Steps[0].Assignees)
	assert.Equal(t, "quote.max_line_discount_percent > 10 (quote.max_line_discount_percent = 12)", p.Steps[0].Trigger.String())
	assert.Equal(t, "39.81", p.Facts.MarginPercent.String())
	assert.Equal(t, []string{"1 12 10 [manager]", "2 0 25 [vp]"}, guidance(p))
	assert.Equal(t, q.ComputeSeal(), p.Seal)
}

// TestPreviewMarginLimit: under a margin rule alone, a server at 10,000
// costing 7,000 may go to 12.5 % off: 8,750 leaves a margin of 1750 /
// 8750 = 20.00 %, while 12.51 % (8,749) leaves 1749 / 8749 = 19.99 %.
func TestPreviewMarginLimit(t *testing.T) {
	const policy = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: vp, condition: quote.max_line_discount_percent > 25 || quote.margin_percent < 20, approver: {user: vera}, level: 1}
  - {id: legal, condition: quote.edited_terms, approver: {user: lena}, level: 1}
`
	e := newEnv(t, policy)
	p, err := e.eng.Preview(e.ctx, newQuote("q", line{"1", "SRV", "10000", "10000", "7000"}))
	require.NoError(t, err)
	assert.Empty(t, p.Steps)
	assert.Equal(t, []string{"1 0 12.5 [vp]"}, guidance(p))

	// A line without a cost: no discount reaches a rule.
	p, err = e.eng.Preview(e.ctx, newQuote("q", line{"1", "SRV", "10000", "10000", "0"}))
	require.NoError(t, err)
	assert.Equal(t, []string{"1 0 25 [vp]"}, guidance(p), "25.01 % is over the discount limit")

	const legalOnly = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: legal, condition: quote.edited_terms, approver: {user: lena}, level: 1}
`
	e = newEnv(t, legalOnly)
	p, err = e.eng.Preview(e.ctx, newQuote("q", line{"1", "SRV", "10000", "10000", "7000"}))
	require.NoError(t, err)
	assert.Equal(t, []string{"1 0 100 []"}, guidance(p), "no discount needs approval")
}

// TestPreviewShowsAutomaticApproval: after the manager approved 18 %, a
// revision at 15 % would pass on its own, one at 20 % would not.
func TestPreviewShowsAutomaticApproval(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	e.edit("q", func(q *quote.Quote) { net("8500")(q) })
	p, err := e.eng.Preview(e.ctx, e.get("q"))
	require.NoError(t, err)
	require.Len(t, p.Steps, 1)
	assert.True(t, p.Steps[0].AutoApproved)
	assert.Equal(t, "no worse than approved in q/1 (revision 1)", p.Steps[0].Note)

	q := e.get("q")
	net("8000")(q)
	q.Recalculate()
	p, err = e.eng.Preview(e.ctx, q)
	require.NoError(t, err)
	assert.False(t, p.Steps[0].AutoApproved)
	assert.Equal(t, "approved in q/1 (revision 1), but quote.max_line_discount_percent went from 18 to 20 (higher is worse)", p.Steps[0].Note)
}
