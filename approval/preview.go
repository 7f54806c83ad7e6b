package approval

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
)

// Preview is what submitting a quote as it stands would ask for.
type Preview struct {
	Quote    string `json:"quote"`
	Revision int    `json:"revision"`
	Seal     string `json:"seal"`
	Facts    Facts  `json:"facts"`
	// Steps are the required steps in level order, each with the
	// condition that triggers it.
	Steps []PreviewStep `json:"steps"`
	// Lines give each line's discount limit.
	Lines []LineGuidance `json:"lines"`
}

// PreviewStep is a step a submission would create.
type PreviewStep struct {
	Rule     string           `json:"rule"`
	Name     string           `json:"name,omitempty"`
	Reason   string           `json:"reason,omitempty"`
	Level    int              `json:"level"`
	Approver catalog.Approver `json:"approver"`
	// Assignees are the users the approver resolves to, without the
	// quote's owner (the submitter is left out too when the quote is
	// submitted). Empty means nobody could approve it.
	Assignees []string `json:"assignees"`
	Trigger   Trigger  `json:"trigger"`
	// AutoApproved is set when the step would be approved automatically,
	// being no worse than an earlier approval (Note says which).
	AutoApproved bool   `json:"auto_approved,omitempty"`
	Note         string `json:"note,omitempty"`
}

// LineGuidance is the discount a salesperson may give on a line without
// asking for more approval.
type LineGuidance struct {
	Line    string `json:"line"`
	Product string `json:"product"`
	// DiscountPercent is the line's discount off list now.
	DiscountPercent decimal.Decimal `json:"discount_percent"`
	// MaxDiscountPercent is the largest discount off list, to the
	// hundredth of a percent, that the line can have — all else as it is
	// — without the quote needing any approval step it would not need
	// with the line at list price. When the quote needs no approval for
	// other reasons, that is the largest discount free of any approval.
	MaxDiscountPercent decimal.Decimal `json:"max_discount_percent"`
	// Beyond lists the rules a discount beyond the limit triggers; empty
	// when even 100% triggers none.
	Beyond []string `json:"beyond,omitempty"`
}

// Preview works out, without writing anything, what submitting the quote
// would ask for: the required steps with their triggers and approvers
// (and which would be approved automatically against the quote's earlier
// approvals), and for each line with a list price the largest discount
// that asks for no more approval.
//
// The line limits change one line's net amount at a time (its unit price
// and total in proportion, the totals recalculated) and evaluate the
// policy on the facts of that quote, through the FactSource like any
// other evaluation; they are found by bisection, which assumes that a
// larger discount never needs less approval, and each limit found is
// checked: the limit needs no more approval, a hundredth more does.
func (e *Engine) Preview(ctx context.Context, q *quote.Quote) (*Preview, error) {
	ctx = context.WithValue(ctx, memoKey{}, &sync.Map{})
	now := e.clock.Now()
	facts, reqs, err := e.required(ctx, q, now)
	if err != nil {
		return nil, err
	}
	prev, err := e.store.Approvals(ctx, q.Tenant, q.ID)
	if err != nil {
		return nil, fmt.Errorf("preview quote %s: %w", q.Number, err)
	}
	p := &Preview{Quote: q.ID, Revision: q.Revision, Seal: q.ComputeSeal(), Facts: facts, Steps: []PreviewStep{}, Lines: []LineGuidance{}}
	for _, rq := range reqs {
		r := rq.rule
		ps := PreviewStep{Rule: r.ID, Name: r.Name.String(), Reason: r.Reason.String(), Level: r.Level, Approver: r.Approver,
			Trigger: rq.trigger, Assignees: []string{}}
		if e.policy.c.Reapproval(r) == catalog.ReapprovalNotWorse {
			if b, ok := baseline(prev, r.ID, fingerprint(r)); ok {
				if worse := compare(r, b.Facts, facts); len(worse) == 0 {
					ps.AutoApproved = true
					ps.Note = fmt.Sprintf("no worse than approved in %s (revision %d)", b.Approval, b.Revision)
				} else {
					ps.Note = fmt.Sprintf("approved in %s (revision %d), but %s", b.Approval, b.Revision, worse[0])
				}
			}
		}
		users, err := e.resolve(ctx, q, r.Approver, q.Header.Owner)
		if err != nil {
			return nil, fmt.Errorf("preview quote %s: step %s: %w", q.Number, r.ID, err)
		}
		ps.Assignees = users
		p.Steps = append(p.Steps, ps)
	}
	for i, l := range q.Lines {
		if !l.Price.ListTotal.IsPositive() {
			continue
		}
		g, err := e.lineLimit(ctx, q, i, now)
		if err != nil {
			return nil, fmt.Errorf("preview quote %s: line %s: %w", q.Number, l.ID, err)
		}
		p.Lines = append(p.Lines, g)
	}
	return p, nil
}

// lineLimit finds the largest discount, in hundredths of a percent, that
// line i can have without triggering a rule it does not trigger at list
// price.
func (e *Engine) lineLimit(ctx context.Context, q *quote.Quote, i int, now time.Time) (LineGuidance, error) {
	l := q.Lines[i]
	g := LineGuidance{Line: l.ID, Product: l.Product, DiscountPercent: l.Price.DiscountPercent()}
	rulesAt := func(k int64) (map[string]bool, error) {
		c := withLineDiscount(q, i, k)
		_, reqs, err := e.required(ctx, c, now)
		if err != nil {
			return nil, err
		}
		out := map[string]bool{}
		for _, rq := range reqs {
			out[rq.rule.ID] = true
		}
		return out, nil
	}
	base, err := rulesAt(0)
	if err != nil {
		return g, err
	}
	extra := func(k int64) ([]string, error) {
		got, err := rulesAt(k)
		if err != nil {
			return nil, err
		}
		var more []string
		for id := range got {
			if !base[id] {
				more = append(more, id)
			}
		}
		slices.Sort(more)
		return more, nil
	}
	const full = 10_000 // 100.00 %
	more, err := extra(full)
	if err != nil {
		return g, err
	}
	if len(more) == 0 {
		g.MaxDiscountPercent = decimal.NewFromInt(100)
		return g, nil
	}
	// Invariant: lo asks for nothing more, hi does.
	lo, hi, beyond := int64(0), int64(full), more
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		m, err := extra(mid)
		if err != nil {
			return g, err
		}
		if len(m) == 0 {
			lo = mid
		} else {
			hi, beyond = mid, m
		}
	}
	g.MaxDiscountPercent = decimal.New(lo, -2)
	g.Beyond = beyond
	return g, nil
}

// withLineDiscount returns a copy of q with line i at k hundredths of a
// percent off its list amounts, and the totals recalculated.
func withLineDiscount(q *quote.Quote, i int, k int64) *quote.Quote {
	c := q.Clone()
	l := &c.Lines[i]
	factor := decimal.New(10_000-k, -4)
	l.Price.NetTotal = l.Price.ListTotal.Mul(factor)
	l.Price.UnitPrice = l.Price.ListUnitPrice.Mul(factor)
	c.Recalculate()
	return c
}
