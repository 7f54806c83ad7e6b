package pricing

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/money"
)

// Options configure an Engine. The zero value prices without contracted
// prices, currency conversion or tax.
type Options struct {
	// Rates converts between currencies when a quote's currency has no
	// price book, and cost-plus and formula prices (computed in the
	// catalog currency) into the price book's currency.
	Rates *money.RateTable
	// Contracts gives customers' contracted prices.
	Contracts ContractedPrices
	// Tax computes the taxes of a priced quote.
	Tax TaxCalculator
}

// Engine prices requests against one catalog version. It is prepared once
// by New (price books resolved through their parents, rules sorted by
// stage and priority and indexed by product, schedules indexed by product,
// constant formulas evaluated) and is then immutable and safe for
// concurrent use.
type Engine struct {
	cat       *catalog.Catalog
	opts      Options
	version   string
	base      money.Currency
	mode      money.RoundingMode
	roundAt   string
	increment *decimal.Decimal
	atNet     bool

	products  map[string]*product
	books     []*book
	bookByID  map[string]*book
	rules     []*rule
	schedules []*schedule
	fields    []string
	fieldIdx  map[string]int
	// lineFacts are the line facts some rule reads.
	lineFacts  []lineFact
	attrTypes  map[string]formula.Type
	readsUnit  bool
	readsField bool
	// readsSubtotal: some rule reads quote.subtotal; readsLists:
	// quote.products or quote.categories.
	readsSubtotal, readsLists bool
	// summaries are the catalog's summaries that some rule reads.
	summaries []*summary
	readSums  map[string]bool
}

// The stages of price rules, in the order they run.
const (
	stageBefore = iota
	stageAfter
	stageTotals
	nStages
)

var stageNames = [nStages]string{catalog.StageBeforeSchedules, catalog.StageAfterSchedules, catalog.StageTotals}

type product struct {
	p        *catalog.Product
	sku      string
	category string
	// stock is the stock unit; lines in another selling unit carry its
	// factor.
	stock string
	// skuValue and categoryValue are sku and category as formula values.
	skuValue, categoryValue any
	method                  string
	vars                    []*catalog.Variable
	varIdx                  map[string]int
	// ints marks integer attributes, whose values are compared by number.
	ints      []bool
	options   []option
	params    formula.Vars
	costModel *costModel
	inputs    []costInput
	markup    *decimal.Decimal
	margin    *decimal.Decimal
	rules     [nStages][]*rule
	// factsAt says whether a stage's rules for the product read line facts.
	factsAt   [nStages]bool
	schedules []*schedule
	guard     *catalog.LineGuardrail
	sub       *catalog.Subscription
	recurring bool
	// steps is the most steps a line of the product takes when every rule
	// and schedule that may apply does (at most 32): the room its waterfall
	// is given.
	steps int
}

type option struct {
	varIdx   int
	opt      *catalog.Option
	defQty   int
	selected bool
}

type costModel struct {
	m     *catalog.CostModel
	comps []*catalog.CostComponent // in evaluation order
	// shown lists the components in catalog order.
	shown []*catalog.CostComponent
}

// costInput says where a cost model input comes from for one product.
type costInput struct {
	id      string
	expr    *formula.Program
	value   *decimal.Decimal
	attrIdx int
}

type book struct {
	b       *catalog.PriceBook
	entries map[string]*entry
}

type entry struct {
	e      *catalog.PriceEntry
	blocks []*catalog.PriceBlock
	book   string
	// unit is the unit the entry's amounts are per (the stock unit when
	// the entry names none) and factor its stock units.
	unit   string
	factor decimal.Decimal
	// listReason explains the list step but for the quantity.
	listReason [2]string
	surcharges []*surcharge
}

type surcharge struct {
	s    *catalog.Surcharge
	when []match
	// cost is the surcharge's cost when it is a number (costFixed).
	cost      decimal.Decimal
	costFixed bool
}

type match struct {
	varIdx int
	values []string
}

type rule struct {
	r         *catalog.PriceRule
	pos       int // in Engine.rules
	id        string
	name      string
	order     int
	stage     int
	priority  int
	additive  bool
	exclusive bool
	// unit limits the rule to lines in that selling unit; its amounts are
	// per that unit. A rule without one is per stock unit.
	unit    string
	cond    *prog
	actions []*action
	class   actionClass
	// quoteLevel rules read no line fact: at the totals stage their
	// add_product actions add one line for the whole quote.
	quoteLevel bool
}

type action struct {
	a       *catalog.Action
	index   int
	value   *prog
	qty     *prog
	field   int
	product string
	// factor (100 ∓ value) and reason are worked out once for a constant
	// compound percentage.
	factor *decimal.Decimal
	reason string
}

// The kinds of line facts.
const (
	factProduct = iota
	factCategory
	factQuantity
	factListPrice
	factUnitPrice
	factUnitCost
	factTerm
	factAttr
	factField
)

// lineFact is a line fact some rule reads, with its key in the facts.
type lineFact struct {
	key   string
	name  string
	kind  int
	field int
}

// prog is a compiled formula, evaluated once at New when it reads nothing.
type prog struct {
	p        *formula.Program
	constant bool
	val      any
	line     bool
	// reads are the keys of the line facts the formula reads.
	reads []string
	// subtotal: the formula reads quote.subtotal; lists: quote.products
	// or quote.categories.
	subtotal, lists bool
	// sums are the summaries the formula reads.
	sums []string
}

// actionClass says how a rule's price actions combine with another rule's
// at the same priority: rules of two different classes do not commute.
type actionClass uint8

const (
	classNone  actionClass = iota // no price action
	classDelta                    // fixed changes: amounts, additive percentages
	classScale                    // compound percentages
	classSet                      // a set price
	classMixed                    // anything else
)

// summary is a catalog summary some rule reads, as quote.summary.<id>.
type summary struct {
	s   *catalog.Summary
	key string
}

type schedule struct {
	s         *catalog.DiscountSchedule
	label     string
	slab      bool
	term      bool
	unit      string
	currency  string
	aggregate string
	tiers     []tier
}

type tier struct {
	label string
	lower decimal.Decimal // units above lower belong to this tier
	to    *decimal.Decimal
	value decimal.Decimal
	fee   *decimal.Decimal
}

// New prepares an engine for a checked catalog.
func New(cat *catalog.Catalog, opts Options) (*Engine, error) {
	if !cat.Checked() {
		return nil, ErrInvalidCatalog
	}
	e := &Engine{
		cat: cat, opts: opts, version: cat.Version, roundAt: cat.Rounding.At,
		increment: cat.Rounding.Increment, atNet: cat.ConvertAt == catalog.ConvertAtNet,
		products: map[string]*product{}, bookByID: map[string]*book{}, fieldIdx: map[string]int{},
		attrTypes: map[string]formula.Type{}, readSums: map[string]bool{},
	}
	if e.roundAt == "" {
		e.roundAt = "unit_price"
	}
	var err error
	if e.base, err = money.LookupCurrency(cat.Currency); err != nil {
		return nil, fmt.Errorf("catalog currency: %w", err)
	}
	if e.mode, err = money.ParseRoundingMode(cat.Rounding.Mode); err != nil {
		return nil, fmt.Errorf("catalog rounding: %w", err)
	}
	if err := e.prepareRules(); err != nil {
		return nil, err
	}
	e.prepareSchedules()
	for _, sm := range cat.Summaries {
		if sm != nil && e.readSums[sm.ID] {
			e.summaries = append(e.summaries, &summary{s: sm, key: "quote.summary." + sm.ID})
		}
	}
	for _, p := range cat.Products {
		if p == nil {
			continue
		}
		if err := e.prepareProduct(p); err != nil {
			return nil, err
		}
	}
	e.prepareBooks()
	return e, nil
}

// Catalog returns the catalog the engine prices from.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

func (e *Engine) prepareProduct(p *catalog.Product) error {
	pr := &product{p: p, sku: p.SKU, category: p.Category, stock: p.Unit, skuValue: p.SKU, categoryValue: p.Category, method: catalog.MethodList, varIdx: map[string]int{},
		sub: p.Subscription, recurring: p.Subscription != nil || p.Kind == catalog.KindSubscription}
	if p.Pricing != nil {
		pr.method = p.Pricing.Method
	}
	pr.vars = variables(e.cat, p)
	pr.ints = make([]bool, len(pr.vars))
	for i, v := range pr.vars {
		pr.varIdx[v.ID] = i
		if v.Kind == catalog.VarAttribute {
			pr.ints[i] = v.Attribute.Type == catalog.AttrInteger
			e.attrTypes[v.ID] = attrType(v.Attribute.Type)
		}
	}
	for i, v := range pr.vars {
		if v.Kind != catalog.VarOption {
			continue
		}
		_, _, def := v.Option.Quantity.Bounds()
		pr.options = append(pr.options, option{varIdx: i, opt: v.Option, defQty: def, selected: v.Option.Default || v.Option.Required})
	}
	if len(p.Parameters) > 0 {
		pr.params = formula.Vars{}
		for k, v := range p.Parameters {
			pr.params[k] = v
		}
	}
	if p.Pricing != nil {
		pr.markup, pr.margin = p.Pricing.Markup, p.Pricing.Margin
		switch p.Pricing.Method {
		case catalog.MethodCostPlus:
			if err := e.prepareCost(pr); err != nil {
				return err
			}
		}
	}
	for _, r := range e.rules {
		if _, sold := p.UnitFactor(r.unit); sold && inScope(r.r.Products, r.r.Categories, pr) {
			pr.rules[r.stage] = append(pr.rules[r.stage], r)
			pr.factsAt[r.stage] = pr.factsAt[r.stage] || !r.quoteLevel
		}
	}
	for _, s := range e.schedules {
		if inScope(s.s.Products, s.s.Categories, pr) {
			pr.schedules = append(pr.schedules, s)
		}
	}
	pr.guard = e.guardrail(pr)
	pr.steps = 6 + len(pr.schedules) + len(pr.options)
	for _, rs := range pr.rules {
		for _, r := range rs {
			pr.steps += len(r.actions)
		}
	}
	if pr.costModel != nil {
		pr.steps += len(pr.costModel.comps)
	}
	pr.steps = min(pr.steps, 32)
	e.products[p.SKU] = pr
	return nil
}

// variables lists a product's configuration variables: attributes, then
// options, in catalog order.
func variables(c *catalog.Catalog, p *catalog.Product) []*catalog.Variable {
	var out []*catalog.Variable
	add := func(id string) {
		if v, err := c.Variable(p, id); err == nil {
			out = append(out, v)
		}
	}
	for _, a := range p.Attributes {
		if a != nil {
			add(a.ID)
		}
	}
	for _, g := range p.Features {
		if g == nil {
			continue
		}
		for _, o := range g.Options {
			if o != nil {
				add(o.ID)
			}
		}
	}
	return out
}

// inScope reports whether a product is named by a rule's, schedule's or
// guardrail's products or categories; naming none takes every product.
func inScope(products, categories []string, pr *product) bool {
	if len(products) == 0 && len(categories) == 0 {
		return true
	}
	for _, s := range products {
		if s == pr.sku {
			return true
		}
	}
	for _, c := range categories {
		if c == pr.category {
			return true
		}
	}
	return false
}

// guardrail chooses a product's line guardrail: one naming the product,
// else one naming its category, else one naming neither.
func (e *Engine) guardrail(pr *product) *catalog.LineGuardrail {
	g := e.cat.Guardrails
	if g == nil {
		return nil
	}
	var byCategory, general *catalog.LineGuardrail
	for _, l := range g.Lines {
		if l == nil {
			continue
		}
		for _, s := range l.Products {
			if s == pr.sku {
				return l
			}
		}
		for _, c := range l.Categories {
			if c == pr.category && byCategory == nil {
				byCategory = l
			}
		}
		if len(l.Products) == 0 && len(l.Categories) == 0 && general == nil {
			general = l
		}
	}
	if byCategory != nil {
		return byCategory
	}
	return general
}

func (e *Engine) prepareCost(pr *product) error {
	m, err := e.cat.CostModel(pr.p.Pricing.CostModel)
	if err != nil {
		return err
	}
	cm := &costModel{m: m}
	for _, c := range m.Components {
		if c != nil {
			cm.shown = append(cm.shown, c)
		}
	}
	// Components in an order where each comes after those it reads (the
	// catalog has rejected cycles).
	done := map[string]bool{}
	var visit func(c *catalog.CostComponent)
	byID := map[string]*catalog.CostComponent{}
	for _, c := range m.Components {
		if c != nil {
			byID[c.ID] = c
		}
	}
	visit = func(c *catalog.CostComponent) {
		if done[c.ID] {
			return
		}
		done[c.ID] = true
		if p := c.Formula.Program(); p != nil {
			for _, v := range p.Variables() {
				if d, ok := byID[v]; ok {
					visit(d)
				}
			}
		}
		cm.comps = append(cm.comps, c)
	}
	for _, c := range m.Components {
		if c != nil {
			visit(c)
		}
	}
	pr.costModel = cm
	if pr.markup == nil && pr.margin == nil {
		pr.markup, pr.margin = m.Markup, m.Margin
	}
	for _, in := range m.Inputs {
		if in == nil {
			continue
		}
		ci := costInput{id: in.ID, attrIdx: -1}
		if x, ok := pr.p.Pricing.Inputs[in.ID]; ok {
			ci.expr = x.Program()
		} else if v, ok := pr.p.Parameters[in.ID]; ok {
			ci.value = &v
		} else if i, ok := pr.varIdx[in.ID]; ok && pr.vars[i].Kind == catalog.VarAttribute {
			ci.attrIdx = i
		} else {
			ci.value = in.Default
		}
		pr.inputs = append(pr.inputs, ci)
	}
	return nil
}

func (e *Engine) prepareBooks() {
	for _, b := range e.cat.PriceBooks {
		if b == nil {
			continue
		}
		bk := &book{b: b, entries: map[string]*entry{}}
		e.books = append(e.books, bk)
		e.bookByID[b.ID] = bk
	}
	for _, bk := range e.books {
		// Walk up the parents; a nearer book's entry wins.
		seen := map[string]bool{}
		for cur := bk.b; cur != nil && !seen[cur.ID]; {
			seen[cur.ID] = true
			for _, en := range cur.Entries {
				if en == nil {
					continue
				}
				if _, ok := bk.entries[en.Product]; !ok {
					bk.entries[en.Product] = e.prepareEntry(en, cur.ID)
				}
			}
			next, ok := e.bookByID[cur.Parent]
			if !ok {
				break
			}
			cur = next.b
		}
	}
}

func (e *Engine) prepareEntry(en *catalog.PriceEntry, bookID string) *entry {
	out := &entry{e: en, book: bookID, unit: en.Unit, factor: one}
	pr := e.products[en.Product]
	if out.unit == "" {
		out.unit = pr.stock
	} else if f, ok := pr.p.UnitFactor(en.Unit); ok {
		out.factor = f
	}
	for _, b := range en.Blocks {
		if b != nil {
			out.blocks = append(out.blocks, b)
		}
	}
	if cur, err := money.LookupCurrency(e.bookByID[bookID].b.Currency); err == nil && en.Price != nil {
		out.listReason = [2]string{"list price " + cur.Amount(*en.Price).String() + " × ", " from price book " + bookID}
	}
	for _, s := range en.Surcharges {
		if s == nil {
			continue
		}
		sc := &surcharge{s: s}
		if d, err := decimal.NewFromString(strings.TrimSpace(s.Cost.Source)); err == nil {
			sc.cost, sc.costFixed = d, true
		}
		for _, m := range s.When {
			i := pr.varIdx[m.Var]
			mt := match{varIdx: i}
			for _, v := range m.Values {
				mt.values = append(mt.values, normalize(pr, i, v))
			}
			sc.when = append(sc.when, mt)
		}
		out.surcharges = append(out.surcharges, sc)
	}
	return out
}

// normalize writes a value of a product's variable in its canonical form
// (integers without trailing zeros).
func normalize(pr *product, i int, v string) string {
	if i >= 0 && i < len(pr.ints) && pr.ints[i] {
		if d, err := decimal.NewFromString(v); err == nil {
			return d.String()
		}
	}
	return v
}

func (e *Engine) prepareRules() error {
	lineFacts := map[string]bool{}
	for _, r := range e.cat.PriceRules {
		if r == nil {
			continue
		}
		for _, a := range r.Actions {
			if a != nil && a.Type == catalog.ActionSetField {
				if _, ok := e.fieldIdx[a.Field]; !ok {
					e.fieldIdx[a.Field] = len(e.fields)
					e.fields = append(e.fields, a.Field)
				}
			}
		}
	}
	// Fields are listed by name; indexes follow.
	sort.Strings(e.fields)
	for i, f := range e.fields {
		e.fieldIdx[f] = i
	}
	for i, r := range e.cat.PriceRules {
		if r == nil || r.Disabled {
			continue
		}
		ru := &rule{r: r, id: r.ID, name: r.Name.String(), order: i, priority: r.Priority,
			additive: r.Stacking == "additive", exclusive: r.Exclusive, unit: r.Unit, quoteLevel: r.Unit == ""}
		switch r.Stage {
		case catalog.StageBeforeSchedules:
			ru.stage = stageBefore
		case catalog.StageTotals:
			ru.stage = stageTotals
		default:
			ru.stage = stageAfter
		}
		var err error
		if ru.cond, err = prepareProg(r.Condition.Program(), lineFacts); err != nil {
			return fmt.Errorf("price rule %q condition: %w", r.ID, err)
		}
		if ru.cond != nil && ru.cond.line {
			ru.quoteLevel = false
		}
		for j, a := range r.Actions {
			if a == nil {
				continue
			}
			ac := &action{a: a, index: j, field: -1, product: a.Product}
			if ac.value, err = prepareProg(a.Value.Program(), lineFacts); err != nil {
				return fmt.Errorf("price rule %q action %d: %w", r.ID, j+1, err)
			}
			if ac.qty, err = prepareProg(a.Quantity.Program(), lineFacts); err != nil {
				return fmt.Errorf("price rule %q action %d quantity: %w", r.ID, j+1, err)
			}
			for _, p := range []*prog{ac.value, ac.qty} {
				if p != nil && p.line {
					ru.quoteLevel = false
				}
			}
			if a.Type == catalog.ActionSetField {
				ac.field = e.fieldIdx[a.Field]
			}
			if (a.Type == catalog.ActionDiscountPct || a.Type == catalog.ActionMarkupPct) && ac.value != nil && ac.value.constant {
				v := ac.value.val.(decimal.Decimal)
				ac.reason = percentReason(ru, ac, v)
				if !ru.additive {
					f := hundred.Add(v)
					if a.Type == catalog.ActionDiscountPct {
						f = hundred.Sub(v)
					}
					ac.factor = &f
				}
			}
			ru.actions = append(ru.actions, ac)
		}
		for _, p := range append(actionProgs(ru), ru.cond) {
			if p == nil {
				continue
			}
			e.readsSubtotal = e.readsSubtotal || p.subtotal
			e.readsLists = e.readsLists || p.lists
			for _, id := range p.sums {
				e.readSums[id] = true
			}
		}
		ru.class = classify(ru)
		e.rules = append(e.rules, ru)
	}
	sort.SliceStable(e.rules, func(i, j int) bool {
		a, b := e.rules[i], e.rules[j]
		if a.stage != b.stage {
			return a.stage < b.stage
		}
		if a.priority != b.priority {
			return a.priority < b.priority
		}
		return a.order < b.order
	})
	for i, r := range e.rules {
		r.pos = i
	}
	names := keysOf(lineFacts)
	for _, f := range names {
		lf := lineFact{key: "line." + f, name: f, field: -1}
		switch f {
		case "product":
			lf.kind = factProduct
		case "category":
			lf.kind = factCategory
		case "quantity":
			lf.kind = factQuantity
		case "list_price":
			lf.kind = factListPrice
		case "unit_price":
			lf.kind, e.readsUnit = factUnitPrice, true
		case "unit_cost":
			lf.kind = factUnitCost
		case "term_months":
			lf.kind = factTerm
		default:
			if attr, ok := strings.CutPrefix(f, "attr."); ok {
				lf.kind, lf.name = factAttr, attr
			} else if i, ok := e.fieldIdx[f]; ok {
				lf.kind, lf.field, e.readsField = factField, i, true
			} else {
				continue
			}
		}
		e.lineFacts = append(e.lineFacts, lf)
	}
	return nil
}

// prepareProg evaluates a formula that reads nothing and records the line
// facts the others read.
func prepareProg(p *formula.Program, lineFacts map[string]bool) (*prog, error) {
	if p == nil {
		return nil, nil
	}
	out := &prog{p: p}
	vars := p.Variables()
	for _, v := range vars {
		switch v {
		case "quote.subtotal":
			out.subtotal = true
		case "quote.products", "quote.categories":
			out.lists = true
		}
		if id, ok := strings.CutPrefix(v, "quote.summary."); ok {
			out.sums = append(out.sums, id)
		}
		if f, ok := strings.CutPrefix(v, "line."); ok {
			out.line = true
			out.reads = append(out.reads, v)
			lineFacts[f] = true
		}
	}
	if len(vars) == 0 {
		val, err := p.Eval(nil)
		if err != nil {
			return nil, err
		}
		out.constant, out.val = true, val
	}
	return out, nil
}

// actionProgs lists the formulas of a rule's actions.
func actionProgs(r *rule) []*prog {
	var out []*prog
	for _, a := range r.actions {
		for _, p := range []*prog{a.value, a.qty} {
			if p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// classify finds how a rule's price actions combine with another's.
func classify(r *rule) actionClass {
	class := classNone
	join := func(c actionClass) {
		switch {
		case class == classNone:
			class = c
		case class != c:
			class = classMixed
		}
	}
	for _, a := range r.actions {
		switch a.a.Type {
		case catalog.ActionSetPrice:
			join(classSet)
			if len(r.actions) > 1 {
				class = classMixed
			}
		case catalog.ActionDiscountAmt:
			join(classDelta)
		case catalog.ActionDiscountPct, catalog.ActionMarkupPct:
			if r.additive {
				join(classDelta)
			} else {
				join(classScale)
			}
		}
	}
	return class
}

func (e *Engine) prepareSchedules() {
	for _, s := range e.cat.DiscountSchedules {
		if s == nil {
			continue
		}
		sc := &schedule{s: s, label: textOr(s.Name, s.ID), slab: s.Type == "slab", term: s.Basis == "term", unit: s.Unit,
			currency: s.Currency, aggregate: s.Aggregate}
		if sc.currency == "" {
			sc.currency = e.cat.Currency
		}
		if sc.aggregate == "" || sc.term {
			sc.aggregate = "none"
		}
		var tiers []*catalog.Tier
		for _, t := range s.Tiers {
			if t != nil {
				tiers = append(tiers, t)
			}
		}
		for j, t := range tiers {
			tr := tier{to: t.To, value: t.Value, fee: t.Fee, label: t.From.String() + "+"}
			if t.To != nil {
				tr.label = t.From.String() + "–" + t.To.String()
			}
			if j == 0 {
				tr.lower = t.From.Sub(decimal.NewFromInt(1))
			} else if prev := tiers[j-1]; prev.To != nil {
				tr.lower = *prev.To
			} else {
				tr.lower = t.From
			}
			sc.tiers = append(sc.tiers, tr)
		}
		e.schedules = append(e.schedules, sc)
	}
}

func attrType(t catalog.AttributeType) formula.Type {
	switch t {
	case catalog.AttrBoolean:
		return formula.TypeBool
	case catalog.AttrInteger, catalog.AttrDecimal:
		return formula.TypeDecimal
	}
	return formula.TypeString
}
