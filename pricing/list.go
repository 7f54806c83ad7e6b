package pricing

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/money"
)

// listPrice prices a line to its list amount: the product's price method,
// then its contracted price, surcharges, proration, renewal uplift and the
// conversion to the quote currency when the catalog converts at list.
func (p *pricer) listPrice(ls *lineState) error {
	pr := ls.prod
	ls.entry = p.entryFor(pr.sku)
	switch {
	case ls.comp != nil:
		if err := p.component(ls); err != nil {
			return err
		}
	case pr.method == catalog.MethodCostPlus:
		if err := p.costPlus(ls); err != nil {
			return err
		}
	case pr.method == catalog.MethodFormula:
		unit, err := pr.p.Pricing.Formula.Program().EvalDecimal(p.priceVars(ls))
		if err != nil {
			return fmt.Errorf("price formula: %w", err)
		}
		ls.cur = p.e.base
		ls.a = unit.Mul(ls.stockPer())
		p.step(ls, StepList, "formula", decimal.Zero, ls.cur, formulaReason(ls, unit))
		if err := p.convert(ls, p.pcur); err != nil {
			return err
		}
	case pr.method == catalog.MethodBlock:
		if err := p.block(ls); err != nil {
			return err
		}
	default:
		en := ls.entry
		if en == nil || en.e.Price == nil {
			return p.noPrice(pr.sku)
		}
		price := ls.fromEntry(en, *en.e.Price)
		ls.a = price.Mul(ls.per)
		if en.e.Unit == "" && !ls.converts(en) {
			p.step(ls, StepList, en.book, decimal.Zero, ls.cur, en.listReason[0]+ls.per.String()+en.listReason[1])
		} else {
			p.step(ls, StepList, en.book, decimal.Zero, ls.cur, fmt.Sprintf("list price %s × %s from price book %s",
				ls.entryText(en, ls.cur, *en.e.Price, price), ls.per, en.book))
		}
	}
	if en := ls.entry; en != nil && ls.comp == nil {
		if en.e.Cost != nil && !ls.hasCost {
			ls.cost, ls.hasCost = ls.fromEntry(en, *en.e.Cost).Mul(ls.per), true
		}
		if en.e.Floor != nil {
			ls.floor, ls.hasFloor = ls.fromEntry(en, *en.e.Floor).Mul(ls.per), true
		}
	}
	ls.list = ls.total()
	// The unit list price is known without a division for a list price.
	unitKnown := pr.method == catalog.MethodList && ls.comp == nil
	if unitKnown {
		ls.listUnit = ls.fromEntry(ls.entry, *ls.entry.e.Price)
	}
	if ls.comp == nil {
		if err := p.contracted(ls); err != nil {
			return err
		}
		if err := p.surcharges(ls); err != nil {
			return err
		}
	}
	if !unitKnown {
		ls.listUnit = quo(ls.list, ls.per)
	}
	if pr.recurring && ls.comp == nil {
		if err := p.prorate(ls); err != nil {
			return err
		}
		p.uplift(ls)
	}
	if !p.e.atNet {
		return p.convert(ls, p.qcur)
	}
	return nil
}

// fromEntry turns an amount per the unit of a price book entry into one
// per the line's unit: times the line unit's factor for an entry per
// stock unit; for an entry per another selling unit, times the line
// unit's factor over the entry unit's (a division that keeps WorkPlaces
// digits when it does not end).
func (ls *lineState) fromEntry(en *entry, x decimal.Decimal) decimal.Decimal {
	fl := ls.factor
	if !ls.scaled {
		fl = one
	}
	switch {
	case en.factor.Equal(fl):
		return x
	case en.factor.Equal(one):
		return x.Mul(fl)
	}
	return quo(x.Mul(fl), en.factor)
}

// converts reports whether an entry's amounts are per another unit than
// the line's (never for a line priced as one block).
func (ls *lineState) converts(en *entry) bool {
	return en.unit != ls.unitName && (ls.scaled || !en.factor.Equal(one))
}

// unitEqs writes the factors that relate an entry's unit and the line's:
// "1 Box = 10 Nos", or both units' when neither is the stock unit.
func (ls *lineState) unitEqs(en *entry) string {
	stock := ls.prod.stock
	var eqs []string
	if en.unit != stock {
		eqs = append(eqs, unitEq(en.unit, en.factor, stock))
	}
	if ls.unitName != stock {
		eqs = append(eqs, unitEq(ls.unitName, ls.factor, stock))
	}
	return strings.Join(eqs, ", ")
}

// entryText writes an entry's amount per its unit and, when the line is in
// another unit, per the line's: "100.00 USD per Nos, 1000.00 USD per Box
// (1 Box = 10 Nos)".
func (ls *lineState) entryText(en *entry, cur money.Currency, v, lv decimal.Decimal) string {
	s := cur.Amount(v).String() + " per " + en.unit
	if !ls.converts(en) {
		return s
	}
	return s + ", " + cur.Amount(lv).String() + " per " + ls.unitName + " (" + ls.unitEqs(en) + ")"
}

// stockText writes an amount per stock unit and, for a line in another
// selling unit, per the line's unit.
func (ls *lineState) stockText(cur money.Currency, v decimal.Decimal) string {
	if !ls.scaled {
		return cur.Amount(v).String()
	}
	return ls.perStock(cur, v, "")
}

// perStock writes an amount per stock unit: "5 per unit", or for a line in
// another selling unit "5 per Nos, 50 per Box (1 Box = 10 Nos)"; what
// ("" or " off") follows each amount.
func (ls *lineState) perStock(cur money.Currency, v decimal.Decimal, what string) string {
	if !ls.scaled {
		return cur.Amount(v).String() + what + " per unit"
	}
	return cur.Amount(v).String() + what + " per " + ls.prod.stock + ", " + cur.Amount(v.Mul(ls.factor)).String() + what +
		" per " + ls.unitName + " (" + unitEq(ls.unitName, ls.factor, ls.prod.stock) + ")"
}

// stockNote explains a quantity in stock units of a line in another
// selling unit: " Nos (3 Box, 1 Box = 10 Nos)".
func stockNote(ls *lineState) string {
	if ls.factor.Equal(one) {
		return ""
	}
	return " " + ls.prod.stock + " (" + ls.out.Quantity.String() + " " + ls.unitName + ", " + unitEq(ls.unitName, ls.factor, ls.prod.stock) + ")"
}

func (p *pricer) noPrice(sku string) error {
	books := "no price book"
	if p.book != nil {
		books = "price book " + p.book.b.ID
		if p.standard != nil && p.standard != p.book {
			books += " or " + p.standard.b.ID
		}
	}
	return fmt.Errorf("%w: product %q has no price in %s (%s)", ErrNoPrice, sku, books, p.pcur)
}

// block prices a line at the flat price of the block its quantity falls
// in, plus the overage rate for units beyond the last block. The whole
// line is one price: the priced quantity is 1.
func (p *pricer) block(ls *lineState) error {
	en := ls.entry
	if en == nil || len(en.blocks) == 0 {
		return p.noPrice(ls.prod.sku)
	}
	ls.pq, ls.per, ls.scaled = one, one, false
	ls.out.PricedQuantity = one
	blocks := en.blocks
	q := ls.qty
	if q.LessThan(blocks[0].From) {
		return fmt.Errorf("%w: quantity %s is below the first block of %q (from %s)", ErrNoPrice, q, ls.prod.sku, blocks[0].From)
	}
	for _, b := range blocks {
		if b.To == nil || q.LessThanOrEqual(*b.To) {
			ls.a = b.Price
			p.step(ls, StepList, en.book, decimal.Zero, ls.cur, fmt.Sprintf("block %s for quantity %s%s from price book %s", blockRange(b), q, stockNote(ls), en.book))
			return nil
		}
	}
	last := blocks[len(blocks)-1]
	if en.e.Overage == nil {
		return fmt.Errorf("%w: quantity %s is beyond the last block of %q (to %s) and no overage rate is given", ErrNoPrice, q, ls.prod.sku, last.To)
	}
	extra := q.Sub(*last.To)
	ls.a = last.Price.Add(en.e.Overage.Mul(extra))
	p.step(ls, StepList, en.book, decimal.Zero, ls.cur, fmt.Sprintf("block %s at %s plus %s units of overage at %s, from price book %s",
		blockRange(last), last.Price, extra, en.e.Overage, en.book))
	return nil
}

func blockRange(b *catalog.PriceBlock) string {
	if b.To == nil {
		return b.From.String() + "+"
	}
	return b.From.String() + "–" + b.To.String()
}

// costPlus builds a line's cost from its cost model and prices it with a
// markup on cost or a target margin on price, in the catalog currency.
func (p *pricer) costPlus(ls *lineState) error {
	pr := ls.prod
	cm := pr.costModel
	vars := make(formula.Vars, len(pr.inputs)+len(cm.comps)+1)
	vars["quantity"] = ls.qty
	for _, in := range pr.inputs {
		switch {
		case in.expr != nil:
			v, err := in.expr.EvalDecimal(p.priceVars(ls))
			if err != nil {
				return fmt.Errorf("cost input %q: %w", in.id, err)
			}
			vars[in.id] = v
		case in.attrIdx >= 0 && ls.set[in.attrIdx]:
			v, _ := decimal.NewFromString(ls.vals[in.attrIdx])
			vars[in.id] = v
		case in.value != nil:
			vars[in.id] = *in.value
		default:
			for _, ci := range cm.m.Inputs {
				if ci.ID == in.id && ci.Default != nil {
					vars[in.id] = *ci.Default
				}
			}
			if _, ok := vars[in.id]; !ok {
				return fmt.Errorf("%w: cost input %q of cost model %q has no value", ErrInvalidRequest, in.id, cm.m.ID)
			}
		}
	}
	for _, c := range cm.comps {
		v, err := c.Formula.Program().EvalDecimal(vars)
		if err != nil {
			return fmt.Errorf("cost component %q: %w", c.ID, err)
		}
		vars[c.ID] = v
	}
	ls.cur = p.e.base
	unit := decimal.Zero
	for _, c := range cm.shown {
		v := vars[c.ID].(decimal.Decimal)
		if c.Separate {
			if ls.sep == nil {
				ls.sep = map[string]decimal.Decimal{}
			}
			ls.sep[c.ID] = v.Mul(ls.qty)
			continue
		}
		before := ls.total()
		unit = unit.Add(v)
		ls.a = unit.Mul(ls.stockPer())
		p.step(ls, StepCost, cm.m.ID+"."+c.ID, before, ls.cur, costReason(ls, c, v))
	}
	ls.cost, ls.hasCost = ls.a, true
	if err := p.markup(ls); err != nil {
		return err
	}
	return p.convert(ls, p.pcur)
}

// component prices a cost component quoted on a line of its own: its cost
// for the parent's quantity, with the parent's markup or margin.
func (p *pricer) component(ls *lineState) error {
	v, ok := ls.parent.sep[ls.comp.ID]
	if !ok {
		return fmt.Errorf("cost component %q was not computed", ls.comp.ID)
	}
	ls.pq, ls.per = one, one
	ls.out.PricedQuantity = one
	// The parent has been converted already: its components are in the
	// catalog currency.
	ls.cur = p.e.base
	ls.a = v
	p.step(ls, StepCost, ls.prod.costModel.m.ID+"."+ls.comp.ID, decimal.Zero, ls.cur,
		fmt.Sprintf("%s for %s units of line %s, quoted apart", textOr(ls.comp.Name, ls.comp.ID), ls.parent.qty, ls.parent.out.ID))
	ls.cost, ls.hasCost = ls.a, true
	if err := p.markup(ls); err != nil {
		return err
	}
	return p.convert(ls, p.pcur)
}

// markup turns a line's cost into its list amount.
func (p *pricer) markup(ls *lineState) error {
	pr := ls.prod
	before := ls.total()
	switch {
	case pr.markup != nil:
		ls.a = ls.a.Add(ls.a.Mul(*pr.markup))
		p.step(ls, StepMarkup, pr.sku, before, ls.cur, "markup of "+pr.markup.Shift(2).String()+"% on cost")
	case pr.margin != nil:
		q, err := money.DivDecimal(ls.a, one.Sub(*pr.margin), WorkPlaces, money.HalfEven)
		if err != nil {
			return err
		}
		ls.a = trim(q)
		p.step(ls, StepMargin, pr.sku, before, ls.cur, "target margin of "+pr.margin.Shift(2).String()+"% on price: cost ÷ "+one.Sub(*pr.margin).String())
	}
	return nil
}

// costReason explains one component of a cost build-up.
func costReason(ls *lineState, c *catalog.CostComponent, v decimal.Decimal) string {
	if !ls.scaled {
		return textOr(c.Name, c.ID) + ": " + v.String() + " per unit"
	}
	return textOr(c.Name, c.ID) + ": " + ls.perStock(money.Currency{}, v, "")
}

// formulaReason explains a formula price.
func formulaReason(ls *lineState, unit decimal.Decimal) string {
	if !ls.scaled {
		return fmt.Sprintf("price formula: %s per unit × %s", unit, ls.per)
	}
	return fmt.Sprintf("price formula: %s × %s", ls.perStock(money.Currency{}, unit, ""), ls.per)
}

// percentOfTotal prices a line at a percentage of the chosen other lines'
// amounts after their rules and schedules.
func (p *pricer) percentOfTotal(ls *lineState) error {
	m := ls.prod.p.Pricing
	base := decimal.Zero
	var cur money.Currency
	var names []string
	for _, o := range p.lines {
		if o.pot || o == ls || o.out == nil || len(o.steps) == 0 {
			continue
		}
		if !inScope(m.Of.Products, m.Of.Categories, o.prod) {
			continue
		}
		base = base.Add(o.total())
		cur = o.cur
		names = append(names, o.out.ID)
	}
	if cur.IsZero() {
		cur = p.pcur
		if !p.e.atNet {
			cur = p.qcur
		}
	}
	ls.cur = cur
	percent := decimal.Zero
	if m.Percent != nil {
		percent = *m.Percent
	}
	// The chosen lines are priced for their terms: so is this line. Its
	// bounds are per unit and, for a recurring line, per price period.
	if ls.prod.recurring {
		if err := p.termOf(ls); err != nil {
			return err
		}
		ls.per = ls.pq.Mul(ls.term.mult)
	}
	ls.a = pct(base, percent).Mul(ls.perLine(ls.pq))
	of := "every other line"
	if len(m.Of.Products)+len(m.Of.Categories) > 0 {
		of = strings.Join(append(append([]string{}, m.Of.Products...), m.Of.Categories...), ", ")
	}
	p.step(ls, StepList, catalog.MethodPercentOfTotal, decimal.Zero, ls.cur,
		fmt.Sprintf("%s%% of %s (%s: lines %s) × %s%s", percent, ls.cur.Amount(base), of, strings.Join(names, ", "), ls.perLine(ls.pq), stockNote(ls)))
	for _, b := range []struct {
		limit *decimal.Decimal
		what  string
	}{{m.MinAmount, "minimum"}, {m.MaxAmount, "maximum"}} {
		if b.limit == nil {
			continue
		}
		limit := *b.limit
		if ls.cur != p.e.base {
			r, err := p.rate(p.e.base, ls.cur)
			if err != nil {
				return err
			}
			limit = limit.Mul(r)
		}
		bound := limit.Mul(ls.stockPer())
		if (b.what == "minimum" && ls.a.LessThan(bound)) || (b.what == "maximum" && ls.a.GreaterThan(bound)) {
			before := ls.total()
			ls.a = bound
			p.step(ls, StepBound, catalog.MethodPercentOfTotal, before, ls.cur, fmt.Sprintf("%s of %s × %s", b.what, ls.perStock(ls.cur, limit, ""), ls.per))
		}
	}
	ls.list = ls.total()
	ls.listUnit = quo(ls.list, ls.per)
	return nil
}

// contracted replaces the list price with the customer's contracted price.
func (p *pricer) contracted(ls *lineState) error {
	if p.contracts == nil || p.req.Customer.ID == "" || ls.added {
		return nil
	}
	c, ok, err := p.contracts.ContractedPrice(p.ctx, ContractQuery{Customer: p.req.Customer.ID, Product: ls.prod.sku,
		Currency: ls.cur.Code(), Date: p.req.Date, Quantity: ls.qty})
	if err != nil {
		return fmt.Errorf("contracted price: %w", err)
	}
	if !ok {
		return nil
	}
	before := ls.total()
	ls.a = c.UnitPrice.Mul(ls.stockPer())
	reason := fmt.Sprintf("contracted price %s for customer %s", ls.stockText(ls.cur, c.UnitPrice), p.req.Customer.ID)
	if c.Net {
		ls.skipRules = true
		reason += " (net: no schedule or rule applies)"
	}
	p.step(ls, StepContracted, c.ID, before, ls.cur, reason)
	return nil
}

// surcharges adds the variant conditions of the line's configuration.
func (p *pricer) surcharges(ls *lineState) error {
	en := ls.entry
	if en == nil {
		return nil
	}
	for _, sc := range en.surcharges {
		ok := true
		for _, m := range sc.when {
			if !contains(m.values, ls.vals[m.varIdx]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		s := sc.s
		if prog := s.If.Program(); prog != nil {
			hold, err := prog.EvalBool(p.priceVars(ls))
			if err != nil {
				return fmt.Errorf("surcharge %q: %w", s.ID, err)
			}
			if !hold {
				continue
			}
		}
		var amount decimal.Decimal
		if s.Amount != nil {
			amount = *s.Amount
		} else {
			v, err := s.Formula.Program().EvalDecimal(p.priceVars(ls))
			if err != nil {
				return fmt.Errorf("surcharge %q: %w", s.ID, err)
			}
			amount = v
		}
		cost, err := p.surchargeCost(ls, sc)
		if err != nil {
			return err
		}
		if amount.IsZero() && cost.IsZero() {
			continue
		}
		before := ls.total()
		unit := ls.fromEntry(en, amount)
		delta := unit.Mul(ls.per)
		ls.a = ls.a.Add(delta)
		ls.list = ls.list.Add(delta)
		ls.listUnit = ls.listUnit.Add(unit)
		per := "per unit"
		if conv := ls.converts(en); conv || en.e.Unit != "" {
			per = "per " + en.unit
			if conv {
				per += ", " + signed(unit) + " per " + ls.unitName + " (" + ls.unitEqs(en) + ")"
			}
		}
		reason := fmt.Sprintf("surcharge %s%s: %s %s", s.ID, describeWhen(ls, sc), signed(amount), per)
		if !cost.IsZero() {
			ls.cost = ls.cost.Add(ls.fromEntry(en, cost).Mul(ls.per))
			reason += ", cost " + signed(cost)
		}
		p.step(ls, StepSurcharge, s.ID, before, ls.cur, reason)
	}
	return nil
}

// surchargeCost is the cost per the entry's unit that a surcharge which
// applies adds to the line's cost: zero when it has none or the line's
// cost is unknown.
func (p *pricer) surchargeCost(ls *lineState, sc *surcharge) (decimal.Decimal, error) {
	s := sc.s
	switch {
	case !ls.hasCost:
		return decimal.Zero, nil
	case sc.costFixed:
		return sc.cost, nil
	}
	prog := s.Cost.Program()
	if prog == nil {
		return decimal.Zero, nil
	}
	v, err := prog.EvalDecimal(p.priceVars(ls))
	if err != nil {
		return decimal.Zero, fmt.Errorf("surcharge %q cost: %w", s.ID, err)
	}
	if v.IsNegative() {
		return decimal.Zero, fmt.Errorf("surcharge %q: cost formula gives %s; a cost is never negative", s.ID, v)
	}
	return v, nil
}

func describeWhen(ls *lineState, sc *surcharge) string {
	if len(sc.when) == 0 {
		return ""
	}
	parts := make([]string, len(sc.when))
	for i, m := range sc.when {
		parts[i] = ls.prod.vars[m.varIdx].ID + " = " + ls.vals[m.varIdx]
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func signed(d decimal.Decimal) string {
	if d.IsNegative() {
		return d.String()
	}
	return "+" + d.String()
}

func textOr(t catalog.Text, id string) string {
	if s := t.String(); s != "" {
		return s
	}
	return id
}
