package pricing

import (
	"encoding/binary"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
)

// stages runs the price rules and discount schedules over lines in their
// fixed order: rules before schedules, schedules, rules after schedules,
// rules on totals.
func (p *pricer) stages(lines []*lineState) error {
	if err := p.ruleStage(stageBefore, lines); err != nil {
		return err
	}
	if err := p.schedules(lines); err != nil {
		return err
	}
	if err := p.ruleStage(stageAfter, lines); err != nil {
		return err
	}
	return p.ruleStage(stageTotals, lines)
}

// quoteFacts are the facts of the quote that price rules read.
func (p *pricer) quoteFacts() formula.Vars {
	req := p.req
	f := make(formula.Vars, 16+len(p.e.lineFacts)+len(p.e.summaries))
	f["quote.currency"] = p.qcur.Code()
	f["quote.term_months"] = decimal.NewFromInt(int64(req.TermMonths))
	f["quote.subtotal"] = decimal.Zero
	f["quote.quantity"] = p.quoteQty
	f["quote.date"] = req.Date
	f["customer.id"] = req.Customer.ID
	f["customer.segment"] = req.Customer.Segment
	f["customer.region"] = req.Customer.Region
	f["customer.country"] = req.Customer.Country
	f["today"] = req.Date
	if p.e.readsLists {
		products, categories := map[string]bool{}, map[string]bool{}
		for _, ls := range p.lines {
			products[ls.prod.sku] = true
			if ls.prod.category != "" {
				categories[ls.prod.category] = true
			}
		}
		f["quote.products"], f["quote.categories"] = keysOf(products), keysOf(categories)
	}
	return f
}

// ruleStage applies one stage's rules to every line, with quote.subtotal
// the sum of the lines priced so far as the stage starts.
func (p *pricer) ruleStage(stage int, lines []*lineState) error {
	if p.req.IgnorePriceRules {
		return nil
	}
	if p.e.readsSubtotal {
		subtotal := decimal.Zero
		for _, ls := range p.lines {
			if len(ls.steps) > 0 {
				subtotal = subtotal.Add(ls.total())
			}
		}
		p.facts["quote.subtotal"] = subtotal
	}
	for _, sm := range p.e.summaries {
		p.facts[sm.key] = p.summarize(sm.s)
	}
	clear(p.quoteCond)
	clear(p.lineCond)
	for _, ls := range lines {
		cands := ls.prod.rules[stage]
		if len(cands) == 0 || ls.skipRules {
			continue
		}
		if err := p.applyRules(ls, stage, cands); err != nil {
			if _, conflict := err.(*RuleConflictError); conflict {
				return err
			}
			return p.lineErr(ls, err)
		}
	}
	return nil
}

// summarize works out a summary over the lines priced so far.
func (p *pricer) summarize(s *catalog.Summary) decimal.Decimal {
	out, n := decimal.Zero, 0
	for _, ls := range p.lines {
		if len(ls.steps) == 0 || !inScope(s.Products, s.Categories, ls.prod) {
			continue
		}
		var v decimal.Decimal
		switch s.Of {
		case catalog.SummaryOfAmount:
			v = ls.total()
		case catalog.SummaryOfList:
			v = ls.list
		default:
			v = ls.qty
		}
		switch {
		case s.Function == catalog.SummaryCount:
			out = out.Add(one)
		case n == 0:
			out = v
		case s.Function == catalog.SummaryMin:
			out = decimal.Min(out, v)
		case s.Function == catalog.SummaryMax:
			out = decimal.Max(out, v)
		default:
			out = out.Add(v)
		}
		n++
	}
	return out
}

// setLineFacts puts the facts of a line that rules read into p.facts.
func (p *pricer) setLineFacts(ls *lineState) {
	f := p.facts
	for i := range p.e.lineFacts {
		lf := &p.e.lineFacts[i]
		switch lf.kind {
		case factProduct:
			f[lf.key] = ls.prod.skuValue
		case factCategory:
			f[lf.key] = ls.prod.categoryValue
		case factQuantity:
			if ls.qtyValue == nil {
				ls.qtyValue = ls.qty
			}
			f[lf.key] = ls.qtyValue
		case factListPrice:
			if ls.listValue == nil {
				if ls.scaled {
					ls.listValue = quo(ls.listUnit, ls.factor)
				} else {
					ls.listValue = ls.listUnit
				}
			}
			f[lf.key] = ls.listValue
		case factUnitPrice:
			f[lf.key] = quo(ls.total(), ls.stockPer())
		case factUnitCost:
			f[lf.key] = quo(ls.cost, ls.stockPer())
		case factTerm:
			if ls.term != nil {
				f[lf.key] = ls.term.months
			} else {
				f[lf.key] = decimal.NewFromInt(int64(p.req.TermMonths))
			}
		case factAttr:
			f[lf.key] = p.attrFact(ls, lf.name)
		case factField:
			f[lf.key] = ls.fields[lf.field]
		}
	}
}

// attrFact is line.attr.<id>: the line's value, or the zero value of the
// attribute's type when the line's product has no such attribute.
func (p *pricer) attrFact(ls *lineState, id string) any {
	t := p.e.attrTypes[id]
	if i, ok := ls.prod.varIdx[id]; ok && ls.set[i] && ls.prod.vars[i].Attribute != nil {
		if v, ok := typedValue(ls.prod.vars[i].Attribute.Type, ls.vals[i]); ok {
			return v
		}
	}
	switch t {
	case formula.TypeBool:
		return false
	case formula.TypeDecimal:
		return decimal.Zero
	}
	return ""
}

// refreshLineFacts updates the facts a rule may have changed.
func (p *pricer) refreshLineFacts(ls *lineState) {
	if p.e.readsUnit {
		p.facts["line.unit_price"] = quo(ls.total(), ls.stockPer())
	}
	if p.e.readsField {
		for i := range p.e.lineFacts {
			if lf := &p.e.lineFacts[i]; lf.kind == factField {
				p.facts[lf.key] = ls.fields[lf.field]
			}
		}
	}
}

// applyRules applies a stage's rules to a line. Rules run by priority;
// rules of one priority are simultaneous: their conditions and values see
// the line as the priority starts, and two that both apply must not
// conflict.
func (p *pricer) applyRules(ls *lineState, stage int, cands []*rule) error {
	if ls.prod.factsAt[stage] {
		p.setLineFacts(ls)
	}
	baseA, baseF := ls.a, ls.f
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].priority == cands[i].priority {
			j++
		}
		matched := p.matched[:0]
		for _, r := range cands[i:j] {
			if r.unit != "" && r.unit != ls.unitName {
				continue
			}
			ok, err := p.condition(r)
			if err != nil {
				return fmt.Errorf("price rule %q condition: %w", r.id, err)
			}
			if ok {
				matched = append(matched, r)
			}
		}
		p.matched = matched
		i = j
		if len(matched) == 0 {
			continue
		}
		for x := 0; x < len(matched); x++ {
			for y := x + 1; y < len(matched); y++ {
				if err := p.conflict(ls, stage, matched[x], matched[y]); err != nil {
					return err
				}
			}
		}
		exclusive := false
		for _, r := range matched {
			for _, a := range r.actions {
				set, err := p.apply(ls, stage, r, a, baseA, baseF)
				if err != nil {
					return fmt.Errorf("price rule %q: %w", r.id, err)
				}
				if set {
					baseA, baseF = ls.a, ls.f
				}
			}
			exclusive = exclusive || r.exclusive
		}
		if exclusive {
			break
		}
		p.refreshLineFacts(ls)
	}
	return nil
}

func (p *pricer) condition(r *rule) (bool, error) {
	c := r.cond
	switch {
	case c == nil:
		return true, nil
	case c.constant:
		return c.val.(bool), nil
	case !c.line:
		if v, ok := p.quoteCond[r]; ok {
			return v, nil
		}
		v, err := c.p.EvalBool(p.facts)
		if err != nil {
			return false, err
		}
		if p.quoteCond == nil {
			p.quoteCond = map[*rule]bool{}
		}
		p.quoteCond[r] = v
		return v, nil
	}
	key, ok := p.condKey(r)
	if ok {
		if v, hit := p.lineCond[string(key)]; hit {
			return v, nil
		}
	}
	v, err := c.p.EvalBool(p.facts)
	if err != nil {
		return false, err
	}
	if ok {
		if p.lineCond == nil {
			p.lineCond = map[string]bool{}
		}
		p.lineCond[string(key)] = v
	}
	return v, nil
}

// condKey writes the key of a condition's value: the rule and the values
// of the line facts it reads. It reports false for a value it cannot write
// compactly (a long decimal or text), which is then not cached.
func (p *pricer) condKey(r *rule) ([]byte, bool) {
	b := binary.AppendUvarint(p.key[:0], uint64(r.pos))
	for _, k := range r.cond.reads {
		switch v := p.facts[k].(type) {
		case string:
			if len(v) > 64 {
				return nil, false
			}
			b = append(b, 's', byte(len(v)))
			b = append(b, v...)
		case bool:
			b = append(b, 'b')
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case decimal.Decimal:
			if v.NumDigits() > 18 {
				return nil, false
			}
			b = binary.LittleEndian.AppendUint64(append(b, 'd'), uint64(v.CoefficientInt64()))
			b = binary.LittleEndian.AppendUint32(b, uint32(v.Exponent()))
		default:
			return nil, false
		}
	}
	p.key = b
	return b, true
}

// unitValue is the value of a rule's action per the line's unit: a rule
// without a unit is per stock unit.
func (p *pricer) unitValue(ls *lineState, r *rule, a *action) (decimal.Decimal, error) {
	v, err := p.value(a.value)
	if err != nil || r.unit != "" {
		return v, err
	}
	return ls.perLine(v), nil
}

func (p *pricer) value(pg *prog) (decimal.Decimal, error) {
	if pg.constant {
		return pg.val.(decimal.Decimal), nil
	}
	return pg.p.EvalDecimal(p.facts)
}

// conflict reports two rules of one priority that both apply to a line
// and cannot both apply whatever their order.
func (p *pricer) conflict(ls *lineState, stage int, a, b *rule) error {
	reason := ""
	switch {
	case a.exclusive || b.exclusive:
		reason = "one of them is exclusive"
	case a.class != classNone && b.class != classNone && (a.class != b.class || a.class == classMixed):
		reason = "their price actions give different results in different orders"
	case a.class == classSet && b.class == classSet:
		va, err := p.unitValue(ls, a, a.actions[0])
		if err != nil {
			return err
		}
		vb, err := p.unitValue(ls, b, b.actions[0])
		if err != nil {
			return err
		}
		if !va.Equal(vb) {
			reason = fmt.Sprintf("they set different prices (%s and %s)", va, vb)
		}
	}
	if reason == "" {
		for _, x := range a.actions {
			for _, y := range b.actions {
				if x.a.Type != catalog.ActionSetField || y.a.Type != catalog.ActionSetField || x.field != y.field {
					continue
				}
				vx, err := p.value(x.value)
				if err != nil {
					return err
				}
				vy, err := p.value(y.value)
				if err != nil {
					return err
				}
				if !vx.Equal(vy) {
					reason = fmt.Sprintf("they set field %s to %s and %s", x.a.Field, vx, vy)
				}
			}
		}
	}
	if reason == "" {
		return nil
	}
	first, second := a, b
	if b.order < a.order {
		first, second = b, a
	}
	return &RuleConflictError{Line: ls.out.ID, Stage: stageNames[stage], Priority: a.priority, First: first.id, Second: second.id, Reason: reason}
}

// apply carries out one action of a rule on a line. It reports whether the
// action set the price, which restarts the base of additive discounts.
func (p *pricer) apply(ls *lineState, stage int, r *rule, a *action, baseA, baseF decimal.Decimal) (bool, error) {
	typ := a.a.Type
	if typ == catalog.ActionAddProduct {
		return false, p.addProduct(ls, stage, r, a)
	}
	v, err := p.value(a.value)
	if err != nil {
		return false, err
	}
	before := ls.total()
	switch typ {
	case catalog.ActionSetPrice:
		ls.a = p.perRuleUnit(ls, r, v).Mul(ls.per)
		p.step(ls, StepRule, r.id, before, ls.cur, ruleAmount(ls, r, ruleLabel(r)+": unit price set to ", v, ""))
		return true, nil
	case catalog.ActionDiscountPct, catalog.ActionMarkupPct:
		discount := typ == catalog.ActionDiscountPct
		switch {
		case r.additive:
			da, df := pct(baseA, v), pct(baseF, v)
			if discount {
				ls.a, ls.f = ls.a.Sub(da), ls.f.Sub(df)
			} else {
				ls.a, ls.f = ls.a.Add(da), ls.f.Add(df)
			}
		case a.factor != nil:
			ls.a = ls.a.Mul(*a.factor).Shift(-2)
			if !ls.f.IsZero() {
				ls.f = ls.f.Mul(*a.factor).Shift(-2)
			}
		default:
			factor := hundred.Add(v)
			if discount {
				factor = hundred.Sub(v)
			}
			ls.a, ls.f = ls.a.Mul(factor).Shift(-2), ls.f.Mul(factor).Shift(-2)
		}
		p.step(ls, StepRule, r.id, before, ls.cur, a.reasonFor(r, v))
	case catalog.ActionDiscountAmt:
		ls.a = ls.a.Sub(p.perRuleUnit(ls, r, v).Mul(ls.per))
		p.step(ls, StepRule, r.id, before, ls.cur, ruleAmount(ls, r, ruleLabel(r)+": ", v, " off"))
	case catalog.ActionSetField:
		ls.fields[a.field] = v
		p.step(ls, StepRule, r.id, before, ls.cur, ruleLabel(r)+": field "+a.a.Field+" set to "+v.String())
	}
	return false, nil
}

// perRuleUnit turns a rule's amount into one per the line's unit: a rule
// without a unit is per stock unit.
func (p *pricer) perRuleUnit(ls *lineState, r *rule, v decimal.Decimal) decimal.Decimal {
	if r.unit != "" {
		return v
	}
	return ls.perLine(v)
}

// ruleAmount writes a rule's amount after prefix, with what it is per:
// "5.00 USD" or "5.00 USD off per unit" on a line in the stock unit,
// "101.00 USD per Box" for a rule per a selling unit, "101.00 USD per
// Nos, 1010.00 USD per Box (1 Box = 10 Nos)" for a rule per stock unit on
// a line in another unit.
func ruleAmount(ls *lineState, r *rule, prefix string, v decimal.Decimal, off string) string {
	switch {
	case r.unit != "":
		return prefix + ls.cur.Amount(v).String() + off + " per " + r.unit
	case !ls.scaled && off == "":
		return prefix + ls.cur.Amount(v).String()
	case !ls.scaled:
		return prefix + ls.cur.Amount(v).String() + off + " per unit"
	}
	return prefix + ls.perStock(ls.cur, v, off)
}

// reasonFor explains a percentage action; the reason of a constant one is
// written once, when the engine is prepared.
func (a *action) reasonFor(r *rule, v decimal.Decimal) string {
	if a.reason != "" {
		return a.reason
	}
	return percentReason(r, a, v)
}

func percentReason(r *rule, a *action, v decimal.Decimal) string {
	word, how := "% off", " of the running price"
	if a.a.Type == catalog.ActionMarkupPct {
		word = "% markup"
	}
	if r.additive {
		how = " of the price the stage started with (additive)"
	}
	return ruleLabel(r) + ": " + v.String() + word + how
}

func ruleLabel(r *rule) string {
	if r.name != "" {
		return r.name
	}
	return "rule " + r.id
}

// addProduct adds the item of an add_product action: a line for the
// product, priced from its list price, then at the action's price and
// discount. Added lines are not priced by rules or schedules, so they
// never add lines themselves: there is no recursion.
func (p *pricer) addProduct(trigger *lineState, stage int, r *rule, a *action) error {
	if r.quoteLevel && stage == stageTotals {
		if p.quoteAdded[r] {
			return nil
		}
		if p.quoteAdded == nil {
			p.quoteAdded = map[*rule]bool{}
		}
		p.quoteAdded[r] = true
		trigger = nil
	}
	qty, err := p.value(a.qty)
	if err != nil {
		return fmt.Errorf("quantity: %w", err)
	}
	if qty.IsNegative() {
		return fmt.Errorf("%w: add_product quantity %s is below zero", ErrInvalidRequest, qty)
	}
	if qty.IsZero() {
		return nil
	}
	var price *decimal.Decimal
	if a.value != nil {
		v, err := p.value(a.value)
		if err != nil {
			return fmt.Errorf("price: %w", err)
		}
		price = &v
	}
	pr := p.e.products[a.product]
	id, group, trig := "+"+r.id, "", ""
	if trigger != nil {
		id, group, trig = trigger.out.ID+id, trigger.out.Group, trigger.out.ID
	}
	if a.index > 0 {
		id += fmt.Sprintf(".%d", a.index+1)
	}
	ls := p.newLine(pr, id, qty, group)
	ls.in, ls.added, ls.skipRules = &Line{Product: pr.sku, Quantity: qty}, true, true
	ls.out.AddedBy, ls.out.Trigger = r.id, trig
	if err := p.add(ls); err != nil {
		return err
	}
	if err := configure(pr, nil, ls); err != nil {
		return err
	}
	if ls.pot {
		return fmt.Errorf("%w: add_product cannot add %q, which is priced as a percent of total", ErrInvalidRequest, pr.sku)
	}
	if err := p.listPrice(ls); err != nil {
		return p.lineErr(ls, err)
	}
	label := ruleLabel(r)
	if price != nil {
		before := ls.total()
		ls.a = price.Mul(ls.per)
		p.step(ls, StepRule, r.id, before, ls.cur, fmt.Sprintf("%s: added at a unit price of %s", label, ls.cur.Amount(*price)))
	}
	if d := a.a.Discount; d != nil && d.IsPositive() {
		before := ls.total()
		ls.a, ls.f = ls.a.Sub(pct(ls.a, *d)), ls.f.Sub(pct(ls.f, *d))
		what := fmt.Sprintf("%s%% off", d)
		if d.Equal(hundred) {
			what = "free"
		}
		p.step(ls, StepRule, r.id, before, ls.cur, fmt.Sprintf("%s: added %s", label, what))
	}
	return nil
}

// sortedFields lists the fields a line's rules set (to other than zero),
// by name.
func sortedFields(e *Engine, ls *lineState) []Field {
	if len(ls.fields) == 0 {
		return nil
	}
	var out []Field
	for i, name := range e.fields { // sorted by name
		if !ls.fields[i].IsZero() {
			out = append(out, Field{Name: name, Value: ls.fields[i]})
		}
	}
	return out
}
