package catalog

import (
	"fmt"
	"github.com/cpqkit/cpq/internal/suggest"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// index gives fast access to a checked catalog's parts by ID.
type index struct {
	products      map[string]*Product
	tables        map[string]*Table
	priceBooks    map[string]*PriceBook
	costModels    map[string]*CostModel
	schedules     map[string]*DiscountSchedule
	priceRules    map[string]*PriceRule
	approvalRules map[string]*ApprovalRule
	categories    map[string]bool
	// vars holds each product's configuration variables by ID.
	vars map[*Product]map[string]*Variable
}

// VarKind says what a configuration variable stands for.
type VarKind uint8

// The kinds of configuration variables.
const (
	VarAttribute VarKind = iota + 1
	VarOption
)

// Variable is a configuration variable of a product: an attribute, or an
// option (selected or not).
type Variable struct {
	ID        string
	Kind      VarKind
	Attribute *Attribute
	Option    *Option
	Group     *FeatureGroup
}

// Domain returns the values of a finite variable (options are "false" and
// "true"), or nil for decimal and text attributes.
func (v *Variable) Domain() []string {
	if v.Kind == VarOption {
		return []string{"false", "true"}
	}
	return v.Attribute.Domain()
}

// checker runs the semantic checks over a decoded catalog.
type checker struct {
	c *Catalog
	p *problems
	x *index
	// exprs compiles formulas; it is set up once the tables are known.
	exprs *exprCompiler
}

func check(c *Catalog, p *problems) {
	checkFields(c, p)
	k := &checker{c: c, p: p, x: &index{
		products:      map[string]*Product{},
		tables:        map[string]*Table{},
		priceBooks:    map[string]*PriceBook{},
		costModels:    map[string]*CostModel{},
		schedules:     map[string]*DiscountSchedule{},
		priceRules:    map[string]*PriceRule{},
		approvalRules: map[string]*ApprovalRule{},
		categories:    map[string]bool{},
		vars:          map[*Product]map[string]*Variable{},
	}}
	k.indexAll()
	k.checkTables()
	k.exprs = newExprCompiler(c, k.x, p)
	for i, prod := range c.Products {
		if prod != nil {
			k.checkProduct(indexPath("products", i), prod)
		}
	}
	k.checkPriceBooks()
	k.checkCostModels()
	k.checkSchedules()
	k.checkPriceRules()
	k.checkApprovalRules()
	k.checkApprovalPolicy()
	k.checkGuide()
	k.checkPricing()
	c.index = k.x
}

// unique records id under path in seen, reporting a duplicate.
func (k *checker) unique(seen map[string]string, id, path, what string) bool {
	if id == "" {
		return false
	}
	if first, dup := seen[id]; dup {
		k.p.addAt(path, CodeDuplicateID, "%s %q is defined twice (first at %s)", what, id, k.p.at(first))
		return false
	}
	seen[id] = path
	return true
}

func (k *checker) indexAll() {
	seen := map[string]string{}
	for i, prod := range k.c.Products {
		if prod == nil {
			continue
		}
		if k.unique(seen, prod.SKU, joinPath(indexPath("products", i), "sku"), "product") {
			k.x.products[prod.SKU] = prod
		}
		if prod.Category != "" {
			k.x.categories[prod.Category] = true
		}
	}
	seen = map[string]string{}
	for i, t := range k.c.Tables {
		if t != nil && k.unique(seen, t.ID, joinPath(indexPath("tables", i), "id"), "table") {
			k.x.tables[t.ID] = t
		}
	}
	seen = map[string]string{}
	for i, b := range k.c.PriceBooks {
		if b != nil && k.unique(seen, b.ID, joinPath(indexPath("price_books", i), "id"), "price book") {
			k.x.priceBooks[b.ID] = b
		}
	}
	seen = map[string]string{}
	for i, m := range k.c.CostModels {
		if m != nil && k.unique(seen, m.ID, joinPath(indexPath("cost_models", i), "id"), "cost model") {
			k.x.costModels[m.ID] = m
		}
	}
	seen = map[string]string{}
	for i, s := range k.c.DiscountSchedules {
		if s != nil && k.unique(seen, s.ID, joinPath(indexPath("discount_schedules", i), "id"), "discount schedule") {
			k.x.schedules[s.ID] = s
		}
	}
	seen = map[string]string{}
	for i, r := range k.c.PriceRules {
		if r != nil && k.unique(seen, r.ID, joinPath(indexPath("price_rules", i), "id"), "price rule") {
			k.x.priceRules[r.ID] = r
		}
	}
	seen = map[string]string{}
	for i, r := range k.c.ApprovalRules {
		if r != nil && k.unique(seen, r.ID, joinPath(indexPath("approval_rules", i), "id"), "approval rule") {
			k.x.approvalRules[r.ID] = r
		}
	}
}

// refProduct reports an unknown product SKU at path.
func (k *checker) refProduct(sku, path string) *Product {
	if sku == "" {
		return nil
	}
	prod, ok := k.x.products[sku]
	if !ok {
		k.unknown(path, "product", sku, keys(k.x.products))
		return nil
	}
	return prod
}

func (k *checker) unknown(path, what, name string, candidates []string) {
	msg := fmt.Sprintf("unknown %s %q", what, name)
	if s := suggest.Closest(name, candidates); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	k.p.addAt(path, CodeUnknownReference, "%s", msg)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (k *checker) checkTables() {
	for i, t := range k.c.Tables {
		if t == nil {
			continue
		}
		path := indexPath("tables", i)
		t.rows = map[string]any{}
		width := len(t.Keys) + 1
		for r, row := range t.Rows {
			rp := indexPath(joinPath(path, "rows"), r)
			if len(row) != width {
				k.p.addAt(rp, CodeInvalid, "row has %d columns; table %q needs %d (%d keys and the value)", len(row), t.ID, width, len(t.Keys))
				continue
			}
			keyParts := make([]string, len(t.Keys))
			ok := true
			for j, kt := range t.Keys {
				keyParts[j] = row[j]
				if kt == "decimal" {
					d, err := decimal.NewFromString(row[j])
					if err != nil {
						k.p.addAt(indexPath(rp, j), CodeType, "%q is not a decimal number", row[j])
						ok = false
						continue
					}
					keyParts[j] = d.String()
				}
			}
			var value any = row[len(row)-1]
			if t.Value == "" || t.Value == "decimal" {
				d, err := decimal.NewFromString(row[len(row)-1])
				if err != nil {
					k.p.addAt(indexPath(rp, len(row)-1), CodeType, "%q is not a decimal number", row[len(row)-1])
					ok = false
				}
				value = d
			}
			if !ok {
				continue
			}
			key := tableKey(keyParts)
			if _, dup := t.rows[key]; dup {
				k.p.addAt(rp, CodeDuplicateID, "table %q has two rows for key %s", t.ID, strings.Join(keyParts, ", "))
				continue
			}
			t.rows[key] = value
		}
	}
}

func tableKey(parts []string) string { return strings.Join(parts, "\x00") }

func (k *checker) checkProduct(path string, prod *Product) {
	vars := map[string]*Variable{}
	k.x.vars[prod] = vars
	seen := map[string]string{}
	if prod.Kind == KindBundle && len(prod.Features) == 0 {
		k.p.addAt(joinPath(path, "kind"), CodeInvalid, "bundle %q has no feature groups", prod.SKU)
	}
	for i, a := range prod.Attributes {
		if a == nil {
			continue
		}
		ap := indexPath(joinPath(path, "attributes"), i)
		if k.unique(seen, a.ID, joinPath(ap, "id"), "attribute or option") {
			vars[a.ID] = &Variable{ID: a.ID, Kind: VarAttribute, Attribute: a}
		}
		k.checkAttribute(ap, a)
	}
	groups := map[string]string{}
	for i, g := range prod.Features {
		if g == nil {
			continue
		}
		gp := indexPath(joinPath(path, "features"), i)
		k.unique(groups, g.ID, joinPath(gp, "id"), "feature group")
		if g.Max != nil && g.Min > *g.Max {
			k.p.addAt(joinPath(gp, "min"), CodeRange, "feature group %q has min %d greater than max %d", g.ID, g.Min, *g.Max)
		}
		if g.Min > len(g.Options) {
			k.p.addAt(joinPath(gp, "min"), CodeEmptyDomain, "feature group %q needs at least %d options but has %d", g.ID, g.Min, len(g.Options))
		}
		for j, o := range g.Options {
			if o == nil {
				continue
			}
			op := indexPath(joinPath(gp, "options"), j)
			if k.unique(seen, o.ID, joinPath(op, "id"), "attribute or option") {
				vars[o.ID] = &Variable{ID: o.ID, Kind: VarOption, Option: o, Group: g}
			}
			if o.Product == prod.SKU && o.Product != "" {
				k.p.addAt(joinPath(op, "product"), CodeCycle, "option %q adds its own bundle %q", o.ID, prod.SKU)
			} else {
				k.refProduct(o.Product, joinPath(op, "product"))
			}
			lo, hi, def := o.Quantity.Bounds()
			if lo > hi {
				k.p.addAt(joinPath(op, "quantity"), CodeRange, "option %q has quantity min %d greater than max %d", o.ID, lo, hi)
			} else if def < lo || def > hi {
				k.p.addAt(joinPath(op, "quantity.default"), CodeRange, "option %q has default quantity %d outside %d..%d", o.ID, def, lo, hi)
			}
		}
	}
	for name := range prod.Parameters {
		pp := joinPath(joinPath(path, "parameters"), name)
		if !identPattern.MatchString(name) {
			k.p.addAt(pp, CodeInvalid, "parameter %q is not an identifier", name)
		}
		if _, clash := vars[name]; clash {
			k.p.addAt(pp, CodeConflict, "parameter %q has the name of an attribute or option", name)
		}
	}
	cseen := map[string]string{}
	for i, con := range prod.Constraints {
		if con == nil {
			continue
		}
		cp := indexPath(joinPath(path, "constraints"), i)
		k.unique(cseen, con.ID, joinPath(cp, "id"), "constraint")
		k.checkConstraint(cp, prod, con)
	}
	if prod.Pricing != nil {
		k.checkPriceMethod(joinPath(path, "pricing"), prod)
	}
}

func (k *checker) checkAttribute(path string, a *Attribute) {
	switch a.Type {
	case AttrEnum:
		if len(a.Values) == 0 {
			k.p.addAt(joinPath(path, "values"), CodeEmptyDomain, "enum attribute %q has no values", a.ID)
		}
		seen := map[string]string{}
		active := 0
		for i, v := range a.Values {
			if v == nil {
				continue
			}
			k.unique(seen, v.ID, indexPath(joinPath(path, "values"), i), "value")
			if !v.Retired {
				active++
			}
		}
		if len(a.Values) > 0 && active == 0 {
			k.p.addAt(joinPath(path, "values"), CodeEmptyDomain, "every value of attribute %q is retired", a.ID)
		}
	case AttrInteger, AttrDecimal:
		if a.Min != nil && a.Max != nil && a.Min.GreaterThan(*a.Max) {
			k.p.addAt(joinPath(path, "min"), CodeRange, "attribute %q has min %s greater than max %s", a.ID, a.Min, a.Max)
			return
		}
		if a.Step != nil && !a.Step.IsPositive() {
			k.p.addAt(joinPath(path, "step"), CodeRange, "attribute %q has step %s; must be greater than zero", a.ID, a.Step)
			return
		}
		if a.Type == AttrInteger {
			for _, f := range []struct {
				name string
				d    *decimal.Decimal
			}{{"min", a.Min}, {"max", a.Max}, {"step", a.Step}} {
				if f.d != nil && !f.d.IsInteger() {
					k.p.addAt(joinPath(path, f.name), CodeType, "integer attribute %q has %s %s, not a whole number", a.ID, f.name, f.d)
					return
				}
			}
			if a.Min == nil || a.Max == nil {
				k.p.addAt(path, CodeRange, "integer attribute %q needs min and max", a.ID)
				return
			}
			if a.Domain() == nil {
				k.p.addAt(path, CodeRange, "integer attribute %q has more than %d values", a.ID, MaxIntegerDomain)
				return
			}
		}
	}
	if a.Type != AttrEnum && len(a.Values) > 0 {
		k.p.addAt(joinPath(path, "values"), CodeInvalid, "%s attribute %q cannot list values", a.Type, a.ID)
	}
	if a.Default != "" {
		if msg := valueProblem(a, a.Default); msg != "" {
			k.p.addAt(joinPath(path, "default"), CodeInvalid, "default %s", msg)
		}
	}
}

// valueProblem says why value is not a valid value of attribute a, or "".
func valueProblem(a *Attribute, value string) string {
	switch a.Type {
	case AttrText:
		return ""
	case AttrDecimal:
		d, err := decimal.NewFromString(value)
		if err != nil {
			return fmt.Sprintf("%q is not a decimal number", value)
		}
		if (a.Min != nil && d.LessThan(*a.Min)) || (a.Max != nil && d.GreaterThan(*a.Max)) {
			return fmt.Sprintf("%s is outside the range of %q", value, a.ID)
		}
		return ""
	case AttrEnum:
		for _, v := range a.Values {
			if v != nil && v.ID == value {
				return ""
			}
		}
	}
	for _, v := range a.Domain() {
		if v == value {
			return ""
		}
		if a.Type == AttrInteger {
			if d, err := decimal.NewFromString(value); err == nil && d.String() == v {
				return ""
			}
		}
	}
	cands := a.Domain()
	msg := fmt.Sprintf("%q is not a value of %q", value, a.ID)
	if s := suggest.Closest(value, cands); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg
}

// normalValue returns the canonical spelling of a value of v (integers
// without trailing zeros), or "" when it is not in v's domain.
func normalValue(v *Variable, value string) string {
	if v.Kind == VarOption || (v.Attribute != nil && v.Attribute.Type == AttrBoolean) {
		switch value {
		case "true", "false":
			return value
		}
		return ""
	}
	if valueProblem(v.Attribute, value) != "" {
		return ""
	}
	if v.Attribute.Type == AttrInteger {
		d, _ := decimal.NewFromString(value)
		return d.String()
	}
	return value
}

// finiteVar resolves a variable named in a condition or table, which must be
// finite.
func (k *checker) finiteVar(prod *Product, name, path string, pos Pos) *Variable {
	v, ok := k.x.vars[prod][name]
	if !ok {
		msg := fmt.Sprintf("unknown attribute or option %q", name)
		if s := suggest.Closest(name, keys(k.x.vars[prod])); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		k.p.add(pos, path, CodeUnknownReference, "%s", msg)
		return nil
	}
	if v.Kind == VarAttribute && v.Attribute.Domain() == nil {
		k.p.add(pos, path, CodeInvalid, "%s attribute %q has no finite domain; use an expr constraint", v.Attribute.Type, name)
		return nil
	}
	return v
}

func (k *checker) checkCondition(prod *Product, path string, c Condition) {
	for _, m := range c {
		mp := joinPath(path, m.Var)
		v := k.finiteVar(prod, m.Var, mp, m.Pos)
		if v == nil {
			continue
		}
		if len(m.Values) == 0 {
			k.p.addAt(mp, CodeEmptyDomain, "no values given for %q", m.Var)
		}
		for i, val := range m.Values {
			if normalValue(v, val) == "" {
				vp := mp
				if len(m.Values) > 1 {
					vp = indexPath(mp, i)
				}
				k.p.addAt(vp, CodeUnknownReference, "%s", valueMessage(v, val))
			}
		}
	}
}

func valueMessage(v *Variable, val string) string {
	if v.Kind == VarOption {
		return fmt.Sprintf("option %q takes true or false, not %q", v.ID, val)
	}
	return "unknown value: " + valueProblem(v.Attribute, val)
}

func (k *checker) checkConstraint(path string, prod *Product, con *Constraint) {
	forms := 0
	if con.Requires != nil {
		forms++
		k.checkCondition(prod, joinPath(path, "requires.if"), con.Requires.If)
		k.checkCondition(prod, joinPath(path, "requires.then"), con.Requires.Then)
	}
	if con.Excludes != nil {
		forms++
		if len(con.Excludes) < 1 {
			k.p.addAt(joinPath(path, "excludes"), CodeRequired, "excludes needs at least one condition")
		}
		k.checkCondition(prod, joinPath(path, "excludes"), con.Excludes)
	}
	if con.Table != nil {
		forms++
		k.checkCompatibilityTable(joinPath(path, "table"), prod, con.Table)
	}
	if !con.Expr.IsZero() {
		forms++
		k.exprs.constraint(joinPath(path, "expr"), prod, &con.Expr)
	}
	if forms != 1 {
		k.p.addAt(path, CodeInvalid, "constraint %q needs exactly one of requires, excludes, table and expr; it has %d", con.ID, forms)
	}
}

func (k *checker) checkCompatibilityTable(path string, prod *Product, t *CompatibilityTable) {
	vars := make([]*Variable, len(t.Vars))
	seen := map[string]string{}
	for i, name := range t.Vars {
		vp := indexPath(joinPath(path, "vars"), i)
		k.unique(seen, name, vp, "table variable")
		vars[i] = k.finiteVar(prod, name, vp, k.p.at(vp))
	}
	if (t.Allowed == nil) == (t.Forbidden == nil) {
		k.p.addAt(path, CodeInvalid, "a compatibility table needs exactly one of allowed and forbidden")
	}
	for _, rows := range []struct {
		key  string
		rows [][]string
	}{{"allowed", t.Allowed}, {"forbidden", t.Forbidden}} {
		for r, row := range rows.rows {
			rp := indexPath(joinPath(path, rows.key), r)
			if len(row) != len(t.Vars) {
				k.p.addAt(rp, CodeInvalid, "row has %d values; the table has %d variables", len(row), len(t.Vars))
				continue
			}
			for j, val := range row {
				if vars[j] != nil && val != "*" && normalValue(vars[j], val) == "" {
					k.p.addAt(indexPath(rp, j), CodeUnknownReference, "%s", valueMessage(vars[j], val))
				}
			}
		}
	}
}

func (k *checker) checkPriceMethod(path string, prod *Product) {
	m := prod.Pricing
	if m.Markup != nil && m.Margin != nil {
		k.p.addAt(joinPath(path, "margin"), CodeConflict, "give a markup on cost or a margin on price, not both")
	}
	if m.Margin != nil && m.Margin.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		k.p.addAt(joinPath(path, "margin"), CodeRange, "margin %s must be below 1 (a fraction of the price)", m.Margin)
	}
	switch m.Method {
	case MethodCostPlus:
		if m.CostModel == "" {
			k.p.addAt(path, CodeRequired, "cost_plus pricing needs a cost_model")
			return
		}
		cm, ok := k.x.costModels[m.CostModel]
		if !ok {
			k.unknown(joinPath(path, "cost_model"), "cost model", m.CostModel, keys(k.x.costModels))
			return
		}
		inputs := map[string]bool{}
		for _, in := range cm.Inputs {
			if in != nil {
				inputs[in.ID] = true
			}
		}
		for name, e := range m.Inputs {
			ip := joinPath(joinPath(path, "inputs"), name)
			if !inputs[name] {
				k.unknown(ip, "input of cost model "+strconv.Quote(cm.ID), name, keys(inputs))
				continue
			}
			k.exprs.price(ip, prod, &e)
			m.Inputs[name] = e
		}
		for _, in := range cm.Inputs {
			if in == nil || in.Default != nil {
				continue
			}
			if _, ok := m.Inputs[in.ID]; ok {
				continue
			}
			if _, ok := prod.Parameters[in.ID]; ok {
				continue
			}
			if v, ok := k.x.vars[prod][in.ID]; ok && v.Kind == VarAttribute &&
				(v.Attribute.Type == AttrInteger || v.Attribute.Type == AttrDecimal) {
				continue
			}
			k.p.addAt(joinPath(path, "cost_model"), CodeUnknownReference,
				"cost model %q needs input %q; product %q has no pricing input, parameter or numeric attribute %q", cm.ID, in.ID, prod.SKU, in.ID)
		}
	case MethodPercentOfTotal:
		if m.Percent == nil {
			k.p.addAt(path, CodeRequired, "percent_of_total pricing needs a percent")
		}
		for i, sku := range m.Of.Products {
			k.refProduct(sku, indexPath(joinPath(path, "of.products"), i))
		}
		for i, cat := range m.Of.Categories {
			if !k.x.categories[cat] {
				k.unknown(indexPath(joinPath(path, "of.categories"), i), "category", cat, keys(k.x.categories))
			}
		}
		if m.MinAmount != nil && m.MaxAmount != nil && m.MinAmount.GreaterThan(*m.MaxAmount) {
			k.p.addAt(joinPath(path, "min_amount"), CodeRange, "min_amount %s is greater than max_amount %s", m.MinAmount, m.MaxAmount)
		}
	case MethodFormula:
		if m.Formula.IsZero() {
			k.p.addAt(path, CodeRequired, "formula pricing needs a formula")
			return
		}
		k.exprs.price(joinPath(path, "formula"), prod, &m.Formula)
	}
}

func (k *checker) checkPriceBooks() {
	standard := map[string]string{}
	for i, b := range k.c.PriceBooks {
		if b == nil {
			continue
		}
		path := indexPath("price_books", i)
		if b.EffectiveFrom != nil && b.EffectiveTo != nil && b.EffectiveTo.Before(*b.EffectiveFrom) {
			k.p.addAt(joinPath(path, "effective_to"), CodeRange, "price book %q ends before it starts", b.ID)
		}
		if b.Standard {
			if first, dup := standard[b.Currency]; dup {
				k.p.addAt(joinPath(path, "standard"), CodeConflict, "two standard price books for %s (the other at %s)", b.Currency, k.p.at(first))
			} else {
				standard[b.Currency] = path
			}
		}
		if b.Parent != "" {
			if _, ok := k.x.priceBooks[b.Parent]; !ok {
				k.unknown(joinPath(path, "parent"), "price book", b.Parent, keys(k.x.priceBooks))
			} else if k.parentCycle(b) {
				k.p.addAt(joinPath(path, "parent"), CodeCycle, "price book %q is its own ancestor", b.ID)
			}
		}
		seen := map[string]string{}
		for j, e := range b.Entries {
			if e == nil {
				continue
			}
			ep := indexPath(joinPath(path, "entries"), j)
			k.unique(seen, e.Product, joinPath(ep, "product"), "price book entry for product")
			prod := k.refProduct(e.Product, joinPath(ep, "product"))
			k.checkPriceEntry(ep, prod, e)
		}
	}
}

func (k *checker) parentCycle(b *PriceBook) bool {
	seen := map[string]bool{b.ID: true}
	for cur := k.x.priceBooks[b.Parent]; cur != nil; cur = k.x.priceBooks[cur.Parent] {
		if seen[cur.ID] {
			return cur.ID == b.ID
		}
		seen[cur.ID] = true
	}
	return false
}

func (k *checker) checkPriceEntry(path string, prod *Product, e *PriceEntry) {
	block := prod != nil && prod.Pricing != nil && prod.Pricing.Method == MethodBlock
	switch {
	case block && len(e.Blocks) == 0:
		k.p.addAt(path, CodeRequired, "product %q is block priced; its entry needs blocks", prod.SKU)
	case !block && prod != nil && len(e.Blocks) > 0:
		k.p.addAt(joinPath(path, "blocks"), CodeInvalid, "product %q is not block priced; blocks are not used", prod.SKU)
	case !block && e.Price == nil && prod != nil && (prod.Pricing == nil || prod.Pricing.Method == MethodList):
		k.p.addAt(path, CodeRequired, "price is required for list-priced product %q", prod.SKU)
	}
	tiers := make([]tierBounds, 0, len(e.Blocks))
	for i, bl := range e.Blocks {
		if bl != nil {
			tiers = append(tiers, tierBounds{from: bl.From, to: bl.To, path: indexPath(joinPath(path, "blocks"), i)})
		}
	}
	k.checkTiers(tiers)
	seen := map[string]string{}
	for i, s := range e.Surcharges {
		if s == nil {
			continue
		}
		sp := indexPath(joinPath(path, "surcharges"), i)
		k.unique(seen, s.ID, joinPath(sp, "id"), "surcharge")
		if (s.Amount == nil) == s.Formula.IsZero() {
			k.p.addAt(sp, CodeInvalid, "surcharge %q needs exactly one of amount and formula", s.ID)
		}
		if prod == nil {
			continue
		}
		k.checkCondition(prod, joinPath(sp, "when"), s.When)
		if !s.If.IsZero() {
			k.exprs.priceCondition(joinPath(sp, "if"), prod, &s.If)
		}
		if !s.Formula.IsZero() {
			k.exprs.price(joinPath(sp, "formula"), prod, &s.Formula)
		}
	}
}

type tierBounds struct {
	from decimal.Decimal
	to   *decimal.Decimal
	path string
}

// checkTiers reports tiers out of order, inverted or overlapping.
func (k *checker) checkTiers(tiers []tierBounds) {
	for i, t := range tiers {
		if t.from.IsNegative() {
			k.p.addAt(joinPath(t.path, "from"), CodeRange, "tier starts at %s; must not be negative", t.from)
		}
		if t.to != nil && t.to.LessThan(t.from) {
			k.p.addAt(joinPath(t.path, "to"), CodeRange, "tier ends at %s before it starts at %s", t.to, t.from)
			continue
		}
		if i == 0 {
			continue
		}
		prev := tiers[i-1]
		switch {
		case !t.from.GreaterThan(prev.from):
			k.p.addAt(joinPath(t.path, "from"), CodeTierOverlap, "tier starting at %s is not after the previous tier starting at %s", t.from, prev.from)
		case prev.to == nil:
			k.p.addAt(joinPath(t.path, "from"), CodeTierOverlap, "tier starting at %s overlaps the previous tier, which has no upper bound", t.from)
		case !t.from.GreaterThan(*prev.to):
			k.p.addAt(joinPath(t.path, "from"), CodeTierOverlap, "tier starting at %s overlaps the previous tier ending at %s", t.from, prev.to)
		}
	}
}

func (k *checker) checkCostModels() {
	for i, m := range k.c.CostModels {
		if m == nil {
			continue
		}
		path := indexPath("cost_models", i)
		if m.Markup != nil && m.Margin != nil {
			k.p.addAt(joinPath(path, "margin"), CodeConflict, "give a markup on cost or a margin on price, not both")
		}
		if m.Margin != nil && m.Margin.GreaterThanOrEqual(decimal.NewFromInt(1)) {
			k.p.addAt(joinPath(path, "margin"), CodeRange, "margin %s must be below 1 (a fraction of the price)", m.Margin)
		}
		seen := map[string]string{}
		for j, in := range m.Inputs {
			if in != nil {
				k.unique(seen, in.ID, joinPath(indexPath(joinPath(path, "inputs"), j), "id"), "cost input or component")
			}
		}
		for j, c := range m.Components {
			if c != nil {
				k.unique(seen, c.ID, joinPath(indexPath(joinPath(path, "components"), j), "id"), "cost input or component")
			}
		}
		k.exprs.costModel(path, m)
	}
}

func (k *checker) checkSchedules() {
	hundred := decimal.NewFromInt(100)
	for i, s := range k.c.DiscountSchedules {
		if s == nil {
			continue
		}
		path := indexPath("discount_schedules", i)
		for j, sku := range s.Products {
			k.refProduct(sku, indexPath(joinPath(path, "products"), j))
		}
		for j, cat := range s.Categories {
			if !k.x.categories[cat] {
				k.unknown(indexPath(joinPath(path, "categories"), j), "category", cat, keys(k.x.categories))
			}
		}
		tiers := make([]tierBounds, 0, len(s.Tiers))
		for j, t := range s.Tiers {
			if t == nil {
				continue
			}
			tp := indexPath(joinPath(path, "tiers"), j)
			tiers = append(tiers, tierBounds{from: t.From, to: t.To, path: tp})
			if s.Unit == "percent" && (t.Value.IsNegative() || t.Value.GreaterThan(hundred)) {
				k.p.addAt(joinPath(tp, "value"), CodeRange, "discount of %s%% is outside 0..100", t.Value)
			}
			if s.Unit != "percent" && t.Value.IsNegative() {
				k.p.addAt(joinPath(tp, "value"), CodeRange, "tier value %s must not be negative", t.Value)
			}
		}
		k.checkTiers(tiers)
	}
}

func (k *checker) checkPriceRules() {
	for i, r := range k.c.PriceRules {
		if r == nil {
			continue
		}
		path := indexPath("price_rules", i)
		if !r.Condition.IsZero() {
			k.exprs.rule(joinPath(path, "condition"), &r.Condition, true)
		}
		for j, a := range r.Actions {
			if a == nil {
				continue
			}
			ap := indexPath(joinPath(path, "actions"), j)
			switch a.Type {
			case ActionSetField:
				if !identPattern.MatchString(a.Field) {
					k.p.addAt(joinPath(ap, "field"), CodeRequired, "set_field needs a field name (an identifier)")
				} else if builtinLineFields[a.Field] {
					k.p.addAt(joinPath(ap, "field"), CodeInvalid, "field %q is computed by pricing and cannot be set; use set_price or a discount", a.Field)
				}
			case ActionAddProduct:
				if a.Product == "" {
					k.p.addAt(ap, CodeRequired, "add_product needs a product")
				} else {
					k.refProduct(a.Product, joinPath(ap, "product"))
				}
				if a.Quantity.IsZero() {
					k.p.addAt(ap, CodeRequired, "add_product needs a quantity")
				} else {
					k.exprs.rule(joinPath(ap, "quantity"), &a.Quantity, false)
				}
				if a.Discount != nil && (a.Discount.IsNegative() || a.Discount.GreaterThan(decimal.NewFromInt(100))) {
					k.p.addAt(joinPath(ap, "discount"), CodeRange, "discount of %s%% is outside 0..100", a.Discount)
				}
				continue
			}
			if a.Value.IsZero() {
				k.p.addAt(ap, CodeRequired, "%s needs a value", a.Type)
			} else {
				k.exprs.rule(joinPath(ap, "value"), &a.Value, false)
			}
		}
	}
	k.checkRuleCycles()
}

// checkRuleCycles reports price rules that feed each other: a rule that sets
// a line field read by another rule of the same stage depends on it.
func (k *checker) checkRuleCycles() {
	setters := map[string][]int{} // stage/field -> rules that set it
	for i, r := range k.c.PriceRules {
		if r == nil {
			continue
		}
		for _, a := range r.Actions {
			if a != nil && a.Type == ActionSetField && a.Field != "" {
				key := ruleStage(r) + "/" + a.Field
				setters[key] = append(setters[key], i)
			}
		}
	}
	if len(setters) == 0 {
		return
	}
	edges := make([][]int, len(k.c.PriceRules)) // reader -> setters it reads from
	for i, r := range k.c.PriceRules {
		if r == nil {
			continue
		}
		for _, field := range k.exprs.readFields(r) {
			edges[i] = append(edges[i], setters[ruleStage(r)+"/"+field]...)
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(edges))
	var stack []int
	reported := map[int]bool{}
	var visit func(int)
	visit = func(i int) {
		color[i] = grey
		stack = append(stack, i)
		for _, j := range edges[i] {
			switch color[j] {
			case white:
				visit(j)
			case grey:
				start := len(stack) - 1
				for stack[start] != j {
					start--
				}
				cycle := stack[start:]
				if reported[j] {
					continue
				}
				names := make([]string, 0, len(cycle)+1)
				for _, c := range cycle {
					names = append(names, strconv.Quote(k.c.PriceRules[c].ID))
					reported[c] = true
				}
				names = append(names, strconv.Quote(k.c.PriceRules[j].ID))
				k.p.addAt(indexPath("price_rules", j), CodeCycle, "price rules depend on each other through set_field: %s", strings.Join(names, " → "))
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
	}
	for i := range edges {
		if color[i] == white {
			visit(i)
		}
	}
}

func ruleStage(r *PriceRule) string {
	if r.Stage == "" {
		return StageAfterSchedules
	}
	return r.Stage
}

func (k *checker) checkApprovalRules() {
	for i, r := range k.c.ApprovalRules {
		if r == nil {
			continue
		}
		path := indexPath("approval_rules", i)
		n := 0
		for _, s := range []string{r.Approver.User, r.Approver.Role, r.Approver.Group, r.Approver.Relation} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			k.p.addAt(joinPath(path, "approver"), CodeInvalid, "approval rule %q needs exactly one of user, role, group and relation as approver", r.ID)
		}
		if !r.Condition.IsZero() {
			k.exprs.approval(joinPath(path, "condition"), &r.Condition)
		}
	}
}
