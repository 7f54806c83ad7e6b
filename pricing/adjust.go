package pricing

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
)

// manual applies the salesperson's adjustment of a line: a unit price
// override, then a percent off the line, then an amount off the line.
func (p *pricer) manual(ls *lineState) error {
	m := ls.in.Manual
	if m == nil {
		return nil
	}
	why := func(s string) string {
		if m.Reason != "" {
			return s + ": " + m.Reason
		}
		return s
	}
	if v := m.UnitPrice; v != nil {
		if v.IsNegative() {
			return fmt.Errorf("%w: unit price override %s is below zero", ErrInvalidRequest, v)
		}
		before := ls.total()
		ls.a = v.Mul(ls.per)
		p.step(ls, StepManual, "manual", before, ls.cur, why(fmt.Sprintf("unit price overridden to %s", ls.cur.Amount(*v))))
	}
	if v := m.Percent; v != nil {
		if v.IsNegative() || v.GreaterThan(hundred) {
			return fmt.Errorf("%w: manual discount of %s%% is outside 0..100", ErrInvalidRequest, v)
		}
		before := ls.total()
		ls.a, ls.f = ls.a.Sub(pct(ls.a, *v)), ls.f.Sub(pct(ls.f, *v))
		p.step(ls, StepManual, "manual", before, ls.cur, why(fmt.Sprintf("%s%% off the line", v)))
	}
	if v := m.Amount; v != nil {
		if v.IsNegative() {
			return fmt.Errorf("%w: manual discount amount %s is below zero", ErrInvalidRequest, v)
		}
		before := ls.total()
		ls.f = ls.f.Sub(*v)
		p.step(ls, StepManual, "manual", before, ls.cur, why(fmt.Sprintf("%s off the line", ls.cur.Amount(*v))))
	}
	return nil
}

// round rounds a line by the catalog's policy: the unit price (then the
// line total, for a fractional quantity), or the line total. With
// grand_total nothing is rounded here.
func (p *pricer) round(ls *lineState) {
	e := p.e
	digits := ls.cur.Digits()
	inc := e.increment
	before := ls.total()
	var after decimal.Decimal
	switch e.roundAt {
	case "unit_price":
		var unit decimal.Decimal
		var err error
		if inc != nil {
			unit, err = money.DivDecimal(ls.a, ls.per.Mul(*inc), 0, e.mode)
			unit = unit.Mul(*inc)
		} else {
			unit, err = money.DivDecimal(ls.a, ls.per, digits, e.mode)
		}
		if err != nil {
			return
		}
		ls.unit, ls.unitOK = unit, ls.f.IsZero()
		after = unit.Mul(ls.per)
		if !ls.f.IsZero() {
			after = after.Add(money.RoundDecimal(ls.f, digits, e.mode))
		}
		if r := money.RoundDecimal(after, digits, e.mode); !r.Equal(after) {
			after, ls.unitOK = r, false
		}
	case "line_total":
		if inc != nil {
			after = money.RoundDecimalToIncrement(before, *inc, e.mode)
		} else {
			after = money.RoundDecimal(before, digits, e.mode)
		}
	default:
		return
	}
	ls.a, ls.f = after, decimal.Zero
	if !after.Equal(before) {
		p.step(ls, StepRounding, e.mode.String(), before, ls.cur, p.roundReason(ls.cur))
	}
}

// roundReason explains the rounding of a line in a currency.
func (p *pricer) roundReason(cur money.Currency) string {
	if p.roundWhy != "" && p.roundCur == cur {
		return p.roundWhy
	}
	e := p.e
	what := "unit price"
	if e.roundAt == "line_total" {
		what = "line total"
	}
	to := fmt.Sprintf("%d places", cur.Digits())
	if e.increment != nil {
		to = "a multiple of " + e.increment.String()
	}
	p.roundWhy, p.roundCur = what+" rounded "+e.mode.String()+" to "+to, cur
	return p.roundWhy
}

// header allocates the header discount to the lines in proportion to
// their net amounts, to the minor unit, and checks its limits.
func (p *pricer) header(res *Result) error {
	h := p.req.HeaderDiscount
	cur := p.qcur
	res.Totals.HeaderDiscount = cur.Amount(decimal.Zero)
	if h == nil {
		return nil
	}
	if (h.Percent == nil) == (h.Amount == nil) || h.UnitPrice != nil {
		return fmt.Errorf("%w: a header discount needs exactly one of percent and amount", ErrInvalidRequest)
	}
	subtotal := decimal.Zero
	weights := make([]decimal.Decimal, len(p.lines))
	for i, ls := range p.lines {
		t := ls.total()
		subtotal = subtotal.Add(t)
		if t.IsPositive() {
			weights[i] = t
		}
	}
	var amount, percent decimal.Decimal
	if h.Percent != nil {
		percent = *h.Percent
		if percent.IsNegative() || percent.GreaterThan(hundred) {
			return fmt.Errorf("%w: header discount of %s%% is outside 0..100", ErrInvalidRequest, percent)
		}
		amount = money.RoundDecimal(pct(subtotal, percent), cur.Digits(), p.e.mode)
	} else {
		amount = *h.Amount
		if amount.IsNegative() || !money.RoundDecimal(amount, cur.Digits(), money.HalfEven).Equal(amount) {
			return fmt.Errorf("%w: header discount amount %s is not a whole number of minor units of %s at or above zero", ErrInvalidRequest, amount, cur)
		}
		if amount.GreaterThan(subtotal) {
			return fmt.Errorf("%w: header discount %s is above the subtotal %s", ErrInvalidRequest, cur.Amount(amount), cur.Amount(subtotal))
		}
		if subtotal.IsPositive() {
			percent = ratio(amount.Mul(hundred), subtotal)
		}
	}
	res.Approval.HeaderDiscountPercent = money.RoundDecimal(percent, 2, money.HalfEven)
	if g := p.e.cat.Guardrails; g != nil {
		// Compared exactly: amount × 100 against limit × subtotal.
		if l := g.MaxHeaderDiscountPercent; l != nil && amount.Mul(hundred).GreaterThan(l.Mul(subtotal)) {
			return &GuardrailError{Limit: LimitHeaderDiscount, Min: *l, Actual: res.Approval.HeaderDiscountPercent}
		}
		if l := g.ApprovalHeaderDiscountPercent; l != nil && amount.Mul(hundred).GreaterThan(l.Mul(subtotal)) {
			res.Approval.Flags = append(res.Approval.Flags, ApprovalFlag{Code: FlagHeaderDiscount, Limit: *l, Actual: res.Approval.HeaderDiscountPercent,
				Reason: fmt.Sprintf("header discount of %s%% is above %s%%", res.Approval.HeaderDiscountPercent, l)})
		}
	}
	if amount.IsZero() {
		return nil
	}
	shares, err := money.Allocate(cur.Amount(amount), weights)
	if err != nil {
		return fmt.Errorf("%w: header discount: %w", ErrInvalidRequest, err)
	}
	res.Totals.HeaderDiscount = cur.Amount(amount)
	reason := fmt.Sprintf("share of the header discount of %s", cur.Amount(amount))
	if h.Percent != nil {
		reason = fmt.Sprintf("share of the header discount of %s%% (%s)", percent, cur.Amount(amount))
	}
	if h.Reason != "" {
		reason += ": " + h.Reason
	}
	for i, ls := range p.lines {
		if shares[i].IsZero() {
			continue
		}
		before := ls.total()
		ls.f = ls.f.Sub(shares[i].Value())
		ls.unitOK = false
		p.step(ls, StepHeader, "header", before, ls.cur, reason)
	}
	return nil
}

// guardrails checks every line's net against its floor and minimum margin
// (hard limits: the quote is refused) and its approval limits (flagged).
// Lines added by rules and cost components are the catalog's own doing
// and are not checked.
func (p *pricer) guardrails(res *Result) error {
	var errs []error
	for _, ls := range p.lines {
		if ls.added || ls.comp != nil {
			continue
		}
		net := ls.total()
		id, sku := ls.out.ID, ls.prod.sku
		if ls.hasFloor && net.LessThan(ls.floor) {
			errs = append(errs, &GuardrailError{Line: id, Product: sku, Guardrail: ls.entry.book, Limit: LimitFloor, Min: ls.floor, Actual: net})
		}
		g := ls.prod.guard
		if g == nil {
			continue
		}
		list := ls.list
		below := func(limit *decimal.Decimal) bool {
			return limit != nil && list.IsPositive() && net.Mul(hundred).LessThan(limit.Mul(list))
		}
		ofList := decimal.Zero
		if list.IsPositive() {
			ofList = money.RoundDecimal(ratio(net.Mul(hundred), list), 2, money.HalfEven)
		}
		if below(g.FloorPercent) {
			errs = append(errs, &GuardrailError{Line: id, Product: sku, Guardrail: g.ID, Limit: LimitFloorPercent, Min: *g.FloorPercent, Actual: ofList})
		}
		marginBelow := func(limit *decimal.Decimal) (bool, decimal.Decimal) {
			if limit == nil || !ls.hasCost {
				return false, decimal.Zero
			}
			if !net.IsPositive() {
				return true, decimal.Zero
			}
			m := net.Sub(ls.cost)
			return m.Mul(hundred).LessThan(limit.Mul(net)), money.RoundDecimal(ratio(m.Mul(hundred), net), 2, money.HalfEven)
		}
		if ok, actual := marginBelow(g.MinMarginPercent); ok {
			errs = append(errs, &GuardrailError{Line: id, Product: sku, Guardrail: g.ID, Limit: LimitMinMargin, Min: *g.MinMarginPercent, Actual: actual})
		}
		if l := g.ApprovalDiscountPercent; l != nil && list.IsPositive() && list.Sub(net).Mul(hundred).GreaterThan(l.Mul(list)) {
			d := hundred.Sub(ofList)
			res.Approval.Flags = append(res.Approval.Flags, ApprovalFlag{Code: FlagLineDiscount, Line: id, Guardrail: g.ID, Limit: *l, Actual: d,
				Reason: fmt.Sprintf("line %s is discounted %s%% off list, above %s%%", id, d, l)})
		}
		if below(g.ApprovalFloorPercent) {
			res.Approval.LinesBelowFloor++
			res.Approval.Flags = append(res.Approval.Flags, ApprovalFlag{Code: FlagLineFloor, Line: id, Guardrail: g.ID, Limit: *g.ApprovalFloorPercent, Actual: ofList,
				Reason: fmt.Sprintf("line %s is at %s%% of list, below %s%%", id, ofList, g.ApprovalFloorPercent)})
		}
		if ok, actual := marginBelow(g.ApprovalMarginPercent); ok {
			res.Approval.LinesBelowMinMargin++
			res.Approval.Flags = append(res.Approval.Flags, ApprovalFlag{Code: FlagLineMargin, Line: id, Guardrail: g.ID, Limit: *g.ApprovalMarginPercent, Actual: actual,
				Reason: fmt.Sprintf("line %s has a margin of %s%%, below %s%%", id, actual, g.ApprovalMarginPercent)})
		}
	}
	return errors.Join(errs...)
}
