package pricing

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/internal/suggest"
	"github.com/cpqkit/cpq/money"
)

// WorkPlaces is the number of fractional digits kept by the few divisions
// pricing cannot avoid and that need not end: a price grossed up to a
// target margin, a proration by day, the average of a slab schedule in
// percent, a unit price shown for a line amount, a price per one selling
// unit turned into one per another. They are rounded half-even;
// the catalog's rounding policy then rounds money to the minor unit.
const WorkPlaces = 12

var (
	one     = decimal.NewFromInt(1)
	hundred = decimal.NewFromInt(100)
)

// pricer holds the state of one Price call.
type pricer struct {
	e   *Engine
	ctx context.Context
	req *Request
	// qcur is the quote currency; pcur the currency of the price books in
	// use, from which lines are converted when it differs.
	qcur, pcur money.Currency
	book       *book
	standard   *book
	rates      *money.RateTable
	contracts  ContractedPrices
	lines      []*lineState
	ids        map[string]bool
	facts      formula.Vars
	// quoteCond caches, per rule, the value of a condition that reads no
	// line fact, for the current stage.
	quoteCond  map[*rule]bool
	quoteAdded map[*rule]bool
	// lineCond caches, for the current stage, a condition's value for the
	// values of the line facts it reads (conditions are pure); key is its
	// scratch buffer.
	lineCond  map[string]bool
	key       []byte
	matched   []*rule
	rateCache map[[2]string]decimal.Decimal
	quoteQty  decimal.Decimal
	// Lines and their results are carved from chunks.
	lineBuf []lineState
	outBuf  []PricedLine
	// stepBuf is the room for lines' steps, each line's a part of it.
	stepBuf []Step
	// roundWhy is the reason of rounding steps in roundCur.
	roundWhy string
	roundCur money.Currency
}

// lineState is a line being priced. Its amount is a + f: a is the part
// that scales with the priced quantity (unit price × priced quantity,
// kept exact), f the flat part (tier fees, manual amounts, the header
// discount share).
type lineState struct {
	out    *PricedLine
	in     *Line
	prod   *product
	entry  *entry
	parent *lineState
	comp   *catalog.CostComponent
	// qty is the quantity in stock units: rules, schedules and formulas
	// count it. pq, the priced quantity, is in the line's unit.
	qty decimal.Decimal
	pq  decimal.Decimal
	// unitName is the line's selling unit (the stock unit when it names none)
	// and factor its stock units; scaled says that amounts per stock unit
	// are multiplied by factor to be per the line's unit (a line in
	// another selling unit, not priced as one block). prior is the
	// line's prior quantity in stock units.
	unitName string
	factor   decimal.Decimal
	scaled   bool
	prior    decimal.Decimal
	// per is what a unit price is multiplied by: the priced quantity, times
	// the term multiplier once a recurring line is prorated (unit prices
	// of recurring lines are per price period).
	per  decimal.Decimal
	a, f decimal.Decimal
	list decimal.Decimal
	// listUnit is list ÷ per, worked out once the list amount is known;
	// unit is the net unit price once rounded, while unitOK.
	listUnit decimal.Decimal
	unit     decimal.Decimal
	unitOK   bool
	// qtyValue and listValue are qty and listUnit as formula values, boxed
	// once.
	qtyValue, listValue any
	cost                decimal.Decimal
	floor               decimal.Decimal
	cur                 money.Currency

	hasCost, hasFloor bool
	skipRules, pot    bool
	added             bool

	// The configuration: values by the product's variable index, and the
	// quantity of each option.
	vals   []string
	set    []bool
	optQty []decimal.Decimal
	vars   formula.Vars
	// sep holds the line totals of the cost components quoted apart.
	sep    map[string]decimal.Decimal
	term   *term
	fields []decimal.Decimal
	steps  []Step
}

// stockPer is what an amount per stock unit is multiplied by to be the
// line's: per, times the unit factor of a line in another selling unit.
func (ls *lineState) stockPer() decimal.Decimal {
	if !ls.scaled {
		return ls.per
	}
	return ls.per.Mul(ls.factor)
}

// perLine turns an amount per stock unit into one per the line's unit.
func (ls *lineState) perLine(x decimal.Decimal) decimal.Decimal {
	if !ls.scaled {
		return x
	}
	return x.Mul(ls.factor)
}

func (ls *lineState) total() decimal.Decimal {
	if ls.f.IsZero() {
		return ls.a
	}
	return ls.a.Add(ls.f)
}

// Price prices a request. It fails with an error wrapping ErrInvalidRequest
// for a request that cannot be priced as given (often in a *LineError that
// names the line), ErrNoPrice or ErrNoRates, a *RuleConflictError, one
// *GuardrailError per hard limit crossed (joined), or the context's error
// when it is done.
func (e *Engine) Price(ctx context.Context, req Request) (*Result, error) {
	if req.Date.IsZero() {
		return nil, fmt.Errorf("%w: no pricing date", ErrInvalidRequest)
	}
	p := &pricer{e: e, ctx: ctx, req: &req, ids: make(map[string]bool, len(req.Lines)), rates: req.Rates, contracts: req.Contracts}
	if p.rates == nil {
		p.rates = e.opts.Rates
	}
	if p.contracts == nil {
		p.contracts = e.opts.Contracts
	}
	if err := p.chooseBook(); err != nil {
		return nil, err
	}
	for i := range req.Lines {
		in := &req.Lines[i]
		id := in.ID
		if id == "" {
			id = strconv.Itoa(i + 1)
		}
		if err := p.expand(in, id, nil, in.Group); err != nil {
			return nil, err
		}
	}
	return p.run()
}

func (p *pricer) run() (*Result, error) {
	var main, pot []*lineState
	for _, ls := range p.lines {
		if ls.pot {
			pot = append(pot, ls)
			continue
		}
		if err := p.listPrice(ls); err != nil {
			return nil, p.lineErr(ls, err)
		}
		main = append(main, ls)
	}
	for _, ls := range main {
		if !ls.added {
			p.quoteQty = p.quoteQty.Add(ls.qty)
		}
	}
	for _, ls := range pot {
		p.quoteQty = p.quoteQty.Add(ls.qty)
	}
	if err := p.ctx.Err(); err != nil {
		return nil, err
	}
	p.facts = p.quoteFacts()
	if err := p.stages(main); err != nil {
		return nil, err
	}
	if err := p.ctx.Err(); err != nil {
		return nil, err
	}
	if len(pot) > 0 {
		for _, ls := range pot {
			if err := p.percentOfTotal(ls); err != nil {
				return nil, p.lineErr(ls, err)
			}
		}
		if err := p.stages(pot); err != nil {
			return nil, err
		}
	}
	for _, ls := range p.lines {
		if p.pcur != p.qcur && p.e.atNet {
			if err := p.convert(ls, p.qcur); err != nil {
				return nil, p.lineErr(ls, err)
			}
		}
		if err := p.manual(ls); err != nil {
			return nil, p.lineErr(ls, err)
		}
		p.round(ls)
	}
	res := p.result()
	if err := p.header(res); err != nil {
		return nil, err
	}
	if err := p.guardrails(res); err != nil {
		return nil, err
	}
	p.totals(res)
	if err := p.tax(res); err != nil {
		return nil, err
	}
	return res, nil
}

func (p *pricer) lineErr(ls *lineState, err error) error {
	return &LineError{Line: ls.out.ID, Product: ls.prod.sku, Err: err}
}

// step records a waterfall step that moved the line's amount from before
// to its current amount.
func (p *pricer) step(ls *lineState, kind StepKind, source string, before decimal.Decimal, beforeCur money.Currency, reason string) {
	ls.steps = append(ls.steps, Step{Kind: kind, Source: source, Version: p.e.version,
		Before: beforeCur.Amount(before), After: ls.cur.Amount(ls.total()), Reason: reason})
}

// chooseBook decides the price book and the currencies of the quote.
func (p *pricer) chooseBook() error {
	e, req := p.e, p.req
	code := req.Currency
	if code == "" {
		code = e.base.Code()
	}
	var err error
	if p.qcur, err = money.LookupCurrency(code); err != nil {
		return fmt.Errorf("%w: quote currency: %w", ErrInvalidRequest, err)
	}
	inForce := func(b *catalog.PriceBook) bool {
		return (b.EffectiveFrom == nil || !req.Date.Before(*b.EffectiveFrom)) && (b.EffectiveTo == nil || !req.Date.After(*b.EffectiveTo))
	}
	if req.PriceBook != "" {
		bk, ok := e.bookByID[req.PriceBook]
		if !ok {
			return fmt.Errorf("%w: unknown price book %q%s", ErrInvalidRequest, req.PriceBook, didYouMean(req.PriceBook, keysOf(e.bookByID)))
		}
		if !inForce(bk.b) {
			return fmt.Errorf("%w: price book %q is not in force on %s", ErrInvalidRequest, req.PriceBook, req.Date.Format(time.DateOnly))
		}
		p.book = bk
		p.pcur, _ = money.LookupCurrency(bk.b.Currency)
	} else {
		p.pcur = e.base
		for _, bk := range e.books {
			if bk.b.Currency == p.qcur.Code() && inForce(bk.b) {
				p.pcur = p.qcur
				break
			}
		}
		for _, bk := range e.books {
			b := bk.b
			if b.Currency == p.pcur.Code() && b.Segment != "" && b.Segment == req.Customer.Segment && inForce(b) {
				p.book = bk
				break
			}
		}
	}
	for _, bk := range e.books {
		if bk.b.Standard && bk.b.Currency == p.pcur.Code() && inForce(bk.b) {
			p.standard = bk
			if p.book == nil {
				p.book = bk
			}
			break
		}
	}
	return nil
}

// entryFor finds a product's price book entry: in the book in use or its
// parents, else in the standard book of the currency.
func (p *pricer) entryFor(sku string) *entry {
	if p.book != nil {
		if en, ok := p.book.entries[sku]; ok {
			return en
		}
	}
	if p.standard != nil {
		if en, ok := p.standard.entries[sku]; ok {
			return en
		}
	}
	return nil
}

// rate returns how many units of to one unit of from is worth.
func (p *pricer) rate(from, to money.Currency) (decimal.Decimal, error) {
	key := [2]string{from.Code(), to.Code()}
	if r, ok := p.rateCache[key]; ok {
		return r, nil
	}
	if p.rates == nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %s to %s needs a rate table", ErrNoRates, from, to)
	}
	r, err := p.rates.Rate(from.Code(), to.Code())
	if err != nil {
		return decimal.Decimal{}, err
	}
	if p.rateCache == nil {
		p.rateCache = map[[2]string]decimal.Decimal{}
	}
	p.rateCache[key] = r
	return r, nil
}

// convert converts a line's amounts into another currency at the exact
// rate; rounding happens where the catalog's policy says.
func (p *pricer) convert(ls *lineState, to money.Currency) error {
	if ls.cur == to {
		return nil
	}
	r, err := p.rate(ls.cur, to)
	if err != nil {
		return err
	}
	before, from := ls.total(), ls.cur
	ls.a, ls.f, ls.list, ls.listUnit = ls.a.Mul(r), ls.f.Mul(r), ls.list.Mul(r), ls.listUnit.Mul(r)
	ls.cost, ls.floor = ls.cost.Mul(r), ls.floor.Mul(r)
	ls.cur = to
	p.step(ls, StepConversion, from.Code()+"/"+to.Code(), before, from,
		fmt.Sprintf("converted from %s to %s at %s", from, to, r))
	return nil
}

// expand adds a request line, its cost components quoted apart and its
// option lines.
func (p *pricer) expand(in *Line, id string, parent *lineState, group string) error {
	pr, ok := p.e.products[in.Product]
	if !ok {
		return &LineError{Line: id, Product: in.Product, Err: fmt.Errorf("%w: unknown product %q%s",
			ErrInvalidRequest, in.Product, didYouMean(in.Product, keysOf(p.e.products)))}
	}
	if !in.Quantity.IsPositive() {
		return &LineError{Line: id, Product: in.Product, Err: fmt.Errorf("%w: quantity %s is not above zero", ErrInvalidRequest, in.Quantity)}
	}
	if in.PriorQuantity.IsNegative() {
		return &LineError{Line: id, Product: in.Product, Err: fmt.Errorf("%w: prior quantity %s is below zero", ErrInvalidRequest, in.PriorQuantity)}
	}
	ls := p.newLine(pr, id, in.Quantity, group)
	ls.in, ls.parent, ls.prior = in, parent, in.PriorQuantity
	if parent != nil {
		ls.out.Parent = parent.out.ID
	}
	if err := p.add(ls); err != nil {
		return err
	}
	if in.Unit != "" {
		f, ok := pr.p.UnitFactor(in.Unit)
		if !ok {
			return p.lineErr(ls, fmt.Errorf("%w: product %q is not sold in unit %q%s", ErrInvalidRequest, pr.sku, in.Unit, unitsHint(in.Unit, pr.p.SellingUnits())))
		}
		ls.unitName, ls.out.Unit = in.Unit, in.Unit
		if !f.Equal(one) {
			ls.factor, ls.scaled = f, true
			ls.qty, ls.prior = in.Quantity.Mul(f), in.PriorQuantity.Mul(f)
		}
	}
	if err := configure(pr, in.Values, ls); err != nil {
		return p.lineErr(ls, fmt.Errorf("%w: %w", ErrInvalidRequest, err))
	}
	if cm := pr.costModel; cm != nil {
		for _, c := range cm.shown {
			if !c.Separate {
				continue
			}
			cl := p.newLine(pr, id+"."+c.ID, one, group)
			cl.in, cl.parent, cl.comp, cl.skipRules = &Line{}, ls, c, true
			cl.out.Parent, cl.out.Component, cl.out.Method, cl.out.Category = id, c.ID, catalog.MethodCostPlus, pr.category
			if err := p.add(cl); err != nil {
				return err
			}
		}
	}
	if in.Options != nil {
		for j := range in.Options {
			ch := &in.Options[j]
			cid := ch.ID
			if cid == "" {
				cid = id + "." + strconv.Itoa(j+1)
			}
			if err := p.expand(ch, cid, ls, group); err != nil {
				return err
			}
		}
		return nil
	}
	for j, o := range pr.options {
		if ls.vals[o.varIdx] != "true" {
			continue
		}
		ch := &Line{Product: o.opt.Product, Quantity: ls.optQty[j].Mul(ls.qty), Options: []Line{}}
		if err := p.expand(ch, id+"."+o.opt.ID, ls, group); err != nil {
			return err
		}
	}
	return nil
}

func (p *pricer) newLine(pr *product, id string, qty decimal.Decimal, group string) *lineState {
	if len(p.lineBuf) == 0 {
		n := max(8, len(p.req.Lines)+len(p.req.Lines)/4)
		p.lineBuf, p.outBuf = make([]lineState, n), make([]PricedLine, n)
	}
	ls, out := &p.lineBuf[0], &p.outBuf[0]
	p.lineBuf, p.outBuf = p.lineBuf[1:], p.outBuf[1:]
	*out = PricedLine{ID: id, Product: pr.sku, Category: pr.category, Group: group, Quantity: qty, Method: pr.method, Recurring: pr.recurring}
	*ls = lineState{prod: pr, qty: qty, pq: qty, per: qty, unitName: pr.stock, factor: one, cur: p.pcur, out: out, pot: pr.method == catalog.MethodPercentOfTotal}
	if len(p.e.fields) > 0 {
		ls.fields = make([]decimal.Decimal, len(p.e.fields))
	}
	// The line's steps go in one room for every line, sized when pricing
	// starts; a line that takes more grows a slice of its own.
	if len(p.stepBuf) < pr.steps {
		n := 0
		if p.stepBuf == nil {
			for i := range p.req.Lines {
				if q, ok := p.e.products[p.req.Lines[i].Product]; ok {
					n += q.steps
				}
			}
		}
		p.stepBuf = make([]Step, max(n, 8*pr.steps))
	}
	ls.steps = p.stepBuf[:0:pr.steps]
	p.stepBuf = p.stepBuf[pr.steps:]
	return ls
}

func (p *pricer) add(ls *lineState) error {
	if p.ids[ls.out.ID] {
		return &LineError{Line: ls.out.ID, Product: ls.prod.sku, Err: fmt.Errorf("%w: line ID %q is used twice", ErrInvalidRequest, ls.out.ID)}
	}
	p.ids[ls.out.ID] = true
	p.lines = append(p.lines, ls)
	return nil
}

// configure reads a line's configuration into the product's variables,
// filling in catalog defaults.
func configure(pr *product, values map[string]string, ls *lineState) error {
	n := len(pr.vars)
	ls.vals, ls.set = make([]string, n), make([]bool, n)
	ls.optQty = make([]decimal.Decimal, len(pr.options))
	var qtys map[string]decimal.Decimal
	if len(values) > 0 {
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := values[k]
			if opt, ok := strings.CutPrefix(k, "qty."); ok {
				d, err := optionQuantity(pr, opt, v)
				if err != nil {
					return err
				}
				if qtys == nil {
					qtys = map[string]decimal.Decimal{}
				}
				qtys[opt] = d
				continue
			}
			i, ok := pr.varIdx[k]
			if !ok {
				return fmt.Errorf("product %q has no attribute or option %q%s", pr.sku, k, didYouMean(k, keysOf(pr.varIdx)))
			}
			if msg := valueProblem(pr.vars[i], v); msg != "" {
				return fmt.Errorf("%s", msg)
			}
			ls.vals[i], ls.set[i] = normalize(pr, i, v), true
		}
	}
	for i, v := range pr.vars {
		if ls.set[i] || v.Kind != catalog.VarAttribute || v.Attribute.Default == "" {
			continue
		}
		ls.vals[i], ls.set[i] = normalize(pr, i, v.Attribute.Default), true
	}
	for j, o := range pr.options {
		q, hasQty := qtys[o.opt.ID]
		if !ls.set[o.varIdx] {
			selected := o.selected
			if hasQty {
				selected = !q.IsZero()
			}
			ls.vals[o.varIdx], ls.set[o.varIdx] = strconv.FormatBool(selected), true
		}
		if ls.vals[o.varIdx] != "true" {
			continue
		}
		if hasQty && q.IsZero() {
			return fmt.Errorf("option %q is selected with quantity 0", o.opt.ID)
		}
		if hasQty {
			ls.optQty[j] = q
		} else {
			ls.optQty[j] = decimal.NewFromInt(int64(o.defQty))
		}
	}
	return nil
}

func optionQuantity(pr *product, opt, v string) (decimal.Decimal, error) {
	i, ok := pr.varIdx[opt]
	if !ok || pr.vars[i].Kind != catalog.VarOption {
		return decimal.Decimal{}, fmt.Errorf("product %q has no option %q", pr.sku, opt)
	}
	d, err := decimal.NewFromString(v)
	if err == nil && d.IsZero() {
		// The configurator's quantity of an option not taken.
		return d, nil
	}
	lo, hi, _ := pr.vars[i].Option.Quantity.Bounds()
	if err != nil || !d.IsInteger() || d.LessThan(decimal.NewFromInt(int64(lo))) || d.GreaterThan(decimal.NewFromInt(int64(hi))) {
		return decimal.Decimal{}, fmt.Errorf("quantity %q of option %q is not a whole number in %d..%d", v, opt, lo, hi)
	}
	return d, nil
}

// valueProblem says why value is not a value of the variable, or "".
func valueProblem(v *catalog.Variable, value string) string {
	if v.Kind == catalog.VarOption {
		if value == "true" || value == "false" {
			return ""
		}
		return fmt.Sprintf("option %q takes true or false, not %q", v.ID, value)
	}
	a := v.Attribute
	switch a.Type {
	case catalog.AttrText:
		return ""
	case catalog.AttrBoolean:
		if value == "true" || value == "false" {
			return ""
		}
		return fmt.Sprintf("attribute %q takes true or false, not %q", a.ID, value)
	case catalog.AttrEnum:
		ids := make([]string, 0, len(a.Values))
		for _, val := range a.Values {
			if val == nil {
				continue
			}
			if val.ID == value {
				return ""
			}
			ids = append(ids, val.ID)
		}
		return fmt.Sprintf("%q is not a value of attribute %q%s", value, a.ID, didYouMean(value, ids))
	}
	d, err := decimal.NewFromString(value)
	if err != nil {
		return fmt.Sprintf("%q is not a number (attribute %q)", value, a.ID)
	}
	if (a.Min != nil && d.LessThan(*a.Min)) || (a.Max != nil && d.GreaterThan(*a.Max)) {
		return fmt.Sprintf("%s is outside the range of attribute %q", value, a.ID)
	}
	if a.Type == catalog.AttrInteger {
		step := one
		if a.Step != nil {
			step = *a.Step
		}
		base := decimal.Zero
		if a.Min != nil {
			base = *a.Min
		}
		if !d.IsInteger() || !d.Sub(base).Mod(step).IsZero() {
			return fmt.Sprintf("%s is not a value of attribute %q (steps of %s)", value, a.ID, step)
		}
	}
	return ""
}

// priceVars are the variables of a line's price formulas: configuration,
// parameters, quantity and today.
func (p *pricer) priceVars(ls *lineState) formula.Vars {
	if ls.vars != nil {
		return ls.vars
	}
	pr := ls.prod
	v := make(formula.Vars, len(pr.params)+len(pr.vars)+len(pr.options)+2)
	for k, x := range pr.params {
		v[k] = x
	}
	for i, x := range pr.vars {
		if !ls.set[i] {
			continue
		}
		if x.Kind == catalog.VarOption {
			v[x.ID] = ls.vals[i] == "true"
			continue
		}
		if val, ok := typedValue(x.Attribute.Type, ls.vals[i]); ok {
			v[x.ID] = val
		}
	}
	for j, o := range pr.options {
		v["qty."+o.opt.ID] = ls.optQty[j]
	}
	v["quantity"] = ls.qty
	v["today"] = p.req.Date
	ls.vars = v
	return v
}

// typedValue converts a configuration value to the type formulas read it
// as.
func typedValue(t catalog.AttributeType, s string) (any, bool) {
	switch t {
	case catalog.AttrBoolean:
		return s == "true", true
	case catalog.AttrInteger, catalog.AttrDecimal:
		d, err := decimal.NewFromString(s)
		return d, err == nil
	}
	return s, true
}

// unitsHint suggests the closest of a product's units, or lists them.
func unitsHint(unit string, units []string) string {
	if s := didYouMean(unit, units); s != "" {
		return s
	}
	if len(units) == 0 {
		return " (it names no units)"
	}
	return " (its units: " + strings.Join(units, ", ") + ")"
}

// unitEq writes a selling unit's factor: "1 Box = 10 Nos".
func unitEq(unit string, factor decimal.Decimal, stock string) string {
	return "1 " + unit + " = " + factor.String() + " " + stock
}

func didYouMean(name string, candidates []string) string {
	if s := suggest.Closest(name, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pct returns x × percent / 100, exactly.
func pct(x, percent decimal.Decimal) decimal.Decimal { return x.Mul(percent).Shift(-2) }

// quo divides for display and facts: exact when the quotient ends within
// WorkPlaces digits, else rounded half-even to them.
func quo(x, y decimal.Decimal) decimal.Decimal {
	if y.Equal(one) {
		return x
	}
	q, err := money.DivDecimal(x, y, WorkPlaces, money.HalfEven)
	if err != nil {
		return decimal.Zero
	}
	return q
}

// trim drops trailing fractional zeros so that equal values print alike.
func trim(d decimal.Decimal) decimal.Decimal { return d.Normalize() }
