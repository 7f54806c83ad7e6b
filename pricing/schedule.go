package pricing

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
)

// aggKey names the lines a schedule adds up: one product or one category.
type aggKey struct {
	s   *schedule
	key string
}

// schedules applies the discount schedules to lines, each line's in
// catalog order.
//
// A range schedule prices every unit at the tier the quantity reaches; a
// slab schedule prices each unit at the tier it falls in. Tier i holds the
// units above the previous tier's upper bound (above from − 1 for the
// first) up to its own upper bound, so a quantity between two tiers
// belongs to the higher one. Tiers count stock units. A line's units are
// the ones after its prior quantity and, for a schedule that aggregates,
// after the earlier lines of the same product or category in the request.
func (p *pricer) schedules(lines []*lineState) error {
	var totals, offsets map[aggKey]decimal.Decimal
	var feeTaken map[aggKey]bool
	for _, ls := range lines {
		if ls.skipRules {
			continue
		}
		for _, s := range ls.prod.schedules {
			if s.aggregate == "none" {
				continue
			}
			if totals == nil {
				totals, offsets, feeTaken = map[aggKey]decimal.Decimal{}, map[aggKey]decimal.Decimal{}, map[aggKey]bool{}
			}
			k := p.aggKey(s, ls)
			totals[k] = totals[k].Add(ls.prior).Add(ls.qty)
		}
	}
	for _, ls := range lines {
		if ls.skipRules {
			continue
		}
		for _, s := range ls.prod.schedules {
			if s.unit != "percent" && ls.cur.Code() != s.currency {
				continue
			}
			var start, end, reach decimal.Decimal
			chargeFee := true
			how := ""
			switch {
			case s.term:
				if ls.term == nil {
					continue
				}
				end, reach = ls.term.months, ls.term.months
				how = "term of " + ls.term.months.String() + " months"
			case s.aggregate == "none":
				start = ls.prior
				end = start.Add(ls.qty)
				reach = end
				how = "quantity " + end.String()
				var notes []string
				if start.IsPositive() {
					notes = append(notes, start.String()+" before this line")
				}
				if !ls.factor.Equal(one) {
					how += " " + ls.prod.stock
					notes = append(notes, "this line "+ls.out.Quantity.String()+" "+ls.unitName+", "+unitEq(ls.unitName, ls.factor, ls.prod.stock))
				}
				if len(notes) > 0 {
					how += " (" + strings.Join(notes, "; ") + ")"
				}
			default:
				k := p.aggKey(s, ls)
				start = offsets[k].Add(ls.prior)
				end = start.Add(ls.qty)
				offsets[k] = end
				reach = totals[k]
				chargeFee = !feeTaken[k]
				feeTaken[k] = true
				how = "quantity " + reach.String() + " of " + s.aggregate + " " + k.key + " on the quote"
			}
			var err error
			if s.slab {
				err = p.slab(ls, s, start, end, how)
			} else {
				err = p.rangeTier(ls, s, reach, how, chargeFee)
			}
			if err != nil {
				return p.lineErr(ls, err)
			}
		}
	}
	return nil
}

func (p *pricer) aggKey(s *schedule, ls *lineState) aggKey {
	if s.aggregate == "category" {
		return aggKey{s, ls.prod.category}
	}
	return aggKey{s, ls.prod.sku}
}

// tierFor finds the tier a quantity reaches, or nil below the first tier.
func tierFor(s *schedule, q decimal.Decimal) *tier {
	for i := range s.tiers {
		t := &s.tiers[i]
		if q.GreaterThan(t.lower) && (t.to == nil || q.LessThanOrEqual(*t.to)) {
			return t
		}
	}
	return nil
}

func (p *pricer) rangeTier(ls *lineState, s *schedule, reach decimal.Decimal, how string, chargeFee bool) error {
	t := tierFor(s, reach)
	if t == nil {
		return nil
	}
	before := ls.total()
	var what string
	switch s.unit {
	case "percent":
		if t.value.IsZero() && t.fee == nil {
			return nil
		}
		ls.a = ls.a.Sub(pct(ls.a, t.value))
		what = t.value.String() + "% off"
	case "amount":
		ls.a = ls.a.Sub(t.value.Mul(ls.stockPer()))
		what = ls.perStock(ls.cur, t.value, " off")
	default:
		ls.a = t.value.Mul(ls.stockPer())
		what = "unit price " + ls.stockText(ls.cur, t.value)
	}
	if t.fee != nil && chargeFee {
		ls.f = ls.f.Add(*t.fee)
		what += ", plus a flat fee of " + ls.cur.Amount(*t.fee).String()
	}
	p.step(ls, StepSchedule, s.s.ID, before, ls.cur, s.label+": tier "+t.label+" reached by "+how+": "+what)
	return nil
}

// slab prices the units from start to end, each at its own tier, and adds
// the fee of every tier those units enter first.
func (p *pricer) slab(ls *lineState, s *schedule, start, end decimal.Decimal, how string) error {
	q := end.Sub(start)
	if !q.IsPositive() {
		return nil
	}
	weighted, covered, fees := decimal.Zero, decimal.Zero, decimal.Zero
	var parts []string
	for i := range s.tiers {
		t := &s.tiers[i]
		if !t.lower.LessThan(end) {
			break
		}
		units := overlap(start, end, t.lower, t.to)
		if !units.IsPositive() {
			continue
		}
		weighted = weighted.Add(units.Mul(t.value))
		covered = covered.Add(units)
		if t.fee != nil && !overlap(decimal.Zero, start, t.lower, t.to).IsPositive() {
			fees = fees.Add(*t.fee)
		}
		switch s.unit {
		case "percent":
			parts = append(parts, units.String()+" at "+t.value.String()+"% off")
		default:
			parts = append(parts, units.String()+" at "+ls.cur.Amount(t.value).String())
		}
	}
	if covered.IsZero() {
		return nil
	}
	before := ls.total()
	// k turns amounts per unit of quantity into amounts per priced unit.
	sper := ls.stockPer()
	scale := func(x decimal.Decimal) decimal.Decimal {
		if sper.Equal(q) {
			return x
		}
		return ratio(x.Mul(sper), q)
	}
	switch s.unit {
	case "percent":
		d, err := money.DivDecimal(ls.a.Mul(weighted), q.Mul(hundred), WorkPlaces, money.HalfEven)
		if err != nil {
			return err
		}
		ls.a = ls.a.Sub(d)
	case "amount":
		ls.a = ls.a.Sub(scale(weighted))
	default:
		rest := q.Sub(covered)
		kept := decimal.Zero
		if rest.IsPositive() {
			kept = ratio(ls.a.Mul(rest), q)
		}
		ls.a = scale(weighted).Add(kept)
	}
	what := strings.Join(parts, ", ")
	if fees.IsPositive() {
		ls.f = ls.f.Add(fees)
		what += ", plus flat fees of " + ls.cur.Amount(fees).String()
	}
	p.step(ls, StepSchedule, s.s.ID, before, ls.cur, s.label+": "+how+", units "+start.String()+"–"+end.String()+" graduated: "+what)
	return nil
}

// overlap is the length of (a, b] ∩ (lo, hi]; a nil hi has no bound.
func overlap(a, b, lo decimal.Decimal, hi *decimal.Decimal) decimal.Decimal {
	from := decimal.Max(a, lo)
	to := b
	if hi != nil && hi.LessThan(to) {
		to = *hi
	}
	if to.LessThanOrEqual(from) {
		return decimal.Zero
	}
	return to.Sub(from)
}
