package configurator

import (
	"errors"
	"fmt"
	"github.com/cpqkit/cpq/internal/suggest"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/internal/csp"
	"github.com/cpqkit/cpq/formula"
)

// MaxEnumeration bounds the number of value combinations enumerated to turn
// one requires, excludes or expression constraint into a table.
const MaxEnumeration = 1 << 20

// ErrModel is wrapped by every error Compile returns for a product that
// cannot be compiled.
var ErrModel = errors.New("cannot compile configuration model")

// Model is a product's configuration model, compiled once from a catalog
// version and shared read-only by every session. It is safe for concurrent
// use.
type Model struct {
	catalog *catalog.Catalog
	product *catalog.Product
	name    string

	compiled *csp.Compiled
	vars     []modelVar // by solver index
	byID     map[string]int
	// rules maps solver constraint indices back to catalog rules.
	rules []Rule

	// free holds the attributes the solver does not reason about (decimal
	// and text), checked when set; freeRules are the expression
	// constraints that read them.
	free      map[string]*catalog.Attribute
	freeOrder []string
	freeRules []freeRule

	// cnf marks an imported propositional model (DIMACS, UVL), counted
	// with the model counter; source is its plain model.
	cnf    bool
	source *csp.Model
}

// VarKind says what a configuration variable stands for.
type VarKind uint8

// The kinds of variables.
const (
	// KindAttribute is a product attribute.
	KindAttribute VarKind = iota + 1
	// KindOption is an option of a bundle: "true" when selected.
	KindOption
	// KindQuantity is the quantity of a selected option ("0" when it is
	// not selected). Its ID is qty.<option>.
	KindQuantity
	// KindFeature is a feature of an imported model (DIMACS, UVL) or a
	// variable of an imported table model (XCSP).
	KindFeature
)

type modelVar struct {
	id     string
	kind   VarKind
	values []string
	attr   *catalog.Attribute
	option *catalog.Option
	// def is the catalog default value index, or -1.
	def int
	// hidden variables (auxiliary variables of an imported encoding) are
	// not shown to users and cannot be set.
	hidden bool
}

// Rule is a catalog rule as it appears in explanations: the constraint's ID
// and the message that explains it to a salesperson.
type Rule struct {
	ID      string
	Message catalog.Text
}

type freeRule struct {
	rule    Rule
	program *formula.Program
	reads   []string
}

// Compile builds the configuration model of the product with the SKU.
func Compile(c *catalog.Catalog, sku string) (*Model, error) {
	p, err := c.Product(sku)
	if err != nil {
		return nil, fmt.Errorf("compile configuration model: %w", err)
	}
	b := &builder{m: &Model{catalog: c, product: p, name: p.SKU, byID: map[string]int{}, free: map[string]*catalog.Attribute{}}, cat: c}
	if err := b.build(); err != nil {
		return nil, err
	}
	compiled, err := csp.Compile(&b.model)
	if err != nil {
		return nil, fmt.Errorf("product %q: %w: %w", sku, ErrModel, err)
	}
	b.m.compiled = compiled
	return b.m, nil
}

// SetParallelism sets how many goroutines a valid-domains query of a
// session on m may use to search values: n <= 0 means GOMAXPROCS (the
// default), 1 the caller's goroutine only. Extra goroutines shorten a
// costly query on an idle machine; a host serving many sessions at once on
// every core may prefer 1, so that queries do not compete for cores. The
// answers do not depend on it.
func (m *Model) SetParallelism(n int) {
	m.compiled.SetParallelism(n)
}

type builder struct {
	m     *Model
	cat   *catalog.Catalog
	model csp.Model
}

func (b *builder) addVar(v modelVar) int {
	i := len(b.m.vars)
	b.m.vars = append(b.m.vars, v)
	b.m.byID[v.id] = i
	b.model.Vars = append(b.model.Vars, csp.Var{Name: v.id, Values: v.values})
	return i
}

func (b *builder) addConstraint(rule Rule, k csp.Constraint) {
	k.Name = rule.ID
	k.Text = rule.Message.In("en")
	b.model.Constraints = append(b.model.Constraints, k)
	b.m.rules = append(b.m.rules, rule)
}

func (b *builder) fail(format string, args ...any) error {
	return fmt.Errorf("product %q: %w: %s", b.m.product.SKU, ErrModel, fmt.Sprintf(format, args...))
}

func (b *builder) build() error {
	p := b.m.product
	b.model.Name = p.SKU
	for _, v := range b.cat.Variables(p) {
		switch v.Kind {
		case catalog.VarAttribute:
			a := v.Attribute
			dom := a.Domain()
			if dom == nil {
				b.m.free[a.ID] = a
				b.m.freeOrder = append(b.m.freeOrder, a.ID)
				continue
			}
			def := -1
			if a.Default != "" {
				def = indexOfValue(dom, a.Default)
			}
			i := b.addVar(modelVar{id: a.ID, kind: KindAttribute, values: dom, attr: a, def: def})
			for j, val := range a.Values {
				if val.Retired {
					b.addConstraint(Rule{ID: "retired:" + a.ID + "." + val.ID, Message: catalog.Text{"en": fmt.Sprintf("%s is no longer offered", val.ID)}},
						csp.Constraint{Kind: csp.KindClause, Lits: []csp.Lit{{Var: i, Val: j, Neg: true}}})
				}
			}
		case catalog.VarOption:
			o := v.Option
			def := 0
			if o.Default || o.Required {
				def = 1
			}
			i := b.addVar(modelVar{id: o.ID, kind: KindOption, values: []string{"false", "true"}, option: o, def: def})
			if o.Required {
				b.addConstraint(Rule{ID: "required:" + o.ID, Message: catalog.Text{"en": fmt.Sprintf("%s is always included", o.ID)}},
					csp.Constraint{Kind: csp.KindClause, Lits: []csp.Lit{{Var: i, Val: 1}}})
			}
			lo, hi, dq := o.Quantity.Bounds()
			if hi > lo {
				values := []string{"0"}
				for q := lo; q <= hi; q++ {
					values = append(values, fmt.Sprint(q))
				}
				qi := b.addVar(modelVar{id: "qty." + o.ID, kind: KindQuantity, values: values, option: o, def: dq - lo + 1})
				rows := [][]int{{0, 0}}
				for q := 1; q < len(values); q++ {
					rows = append(rows, []int{1, q})
				}
				b.addConstraint(Rule{ID: "quantity:" + o.ID, Message: catalog.Text{"en": fmt.Sprintf("%s has a quantity from %d to %d when selected", o.ID, lo, hi)}},
					csp.Constraint{Kind: csp.KindTable, Scope: []int{i, qi}, Tuples: rows})
			}
		}
	}
	for _, g := range p.Features {
		lits := make([]csp.Lit, 0, len(g.Options))
		for _, o := range g.Options {
			lits = append(lits, csp.Lit{Var: b.m.byID[o.ID], Val: 1})
		}
		hi := len(lits)
		if g.Max != nil && *g.Max < hi {
			hi = *g.Max
		}
		if g.Min == 0 && hi == len(lits) {
			continue
		}
		msg := fmt.Sprintf("choose %d to %d of %s", g.Min, hi, g.Name.In("en"))
		if g.Name.In("en") == "" {
			msg = fmt.Sprintf("choose %d to %d of %s", g.Min, hi, g.ID)
		}
		b.addConstraint(Rule{ID: "group:" + g.ID, Message: catalog.Text{"en": msg}},
			csp.Constraint{Kind: csp.KindCardinality, Lits: lits, Min: g.Min, Max: hi})
	}
	for _, con := range p.Constraints {
		if err := b.constraint(con); err != nil {
			return err
		}
	}
	return nil
}

func indexOfValue(dom []string, value string) int {
	if i := slices.Index(dom, value); i >= 0 {
		return i
	}
	// Integers may be written as 064 or 64.0.
	if d, err := decimal.NewFromString(value); err == nil {
		return slices.Index(dom, d.String())
	}
	return -1
}

// values resolves the values of a condition match to indices.
func (b *builder) matchSet(m catalog.Match) (int, []bool, error) {
	vi, ok := b.m.byID[m.Var]
	if !ok {
		return 0, nil, b.fail("condition on %q, which has no finite domain", m.Var)
	}
	set := make([]bool, len(b.m.vars[vi].values))
	for _, val := range m.Values {
		j := indexOfValue(b.m.vars[vi].values, val)
		if j < 0 {
			return 0, nil, b.fail("%q is not a value of %q", val, m.Var)
		}
		set[j] = true
	}
	return vi, set, nil
}

// predicateTable enumerates every combination of the scope's values and
// returns the table (supports or conflicts, whichever is smaller) of the
// combinations for which ok holds.
func (b *builder) predicateTable(rule Rule, scope []int, ok func(tuple []int) (bool, error)) error {
	n := 1
	for _, v := range scope {
		n *= len(b.m.vars[v].values)
		if n > MaxEnumeration {
			return b.fail("rule %q ranges over more than %d combinations of values", rule.ID, MaxEnumeration)
		}
	}
	var good, bad [][]int
	tuple := make([]int, len(scope))
	for {
		holds, err := ok(tuple)
		if err != nil {
			return b.fail("rule %q: %v", rule.ID, err)
		}
		if holds {
			good = append(good, slices.Clone(tuple))
		} else {
			bad = append(bad, slices.Clone(tuple))
		}
		i := len(tuple) - 1
		for ; i >= 0; i-- {
			tuple[i]++
			if tuple[i] < len(b.m.vars[scope[i]].values) {
				break
			}
			tuple[i] = 0
		}
		if i < 0 {
			break
		}
	}
	k := csp.Constraint{Kind: csp.KindTable, Scope: scope, Tuples: good}
	if len(bad) < len(good) {
		k.Tuples, k.Forbidden = bad, true
	}
	if len(bad) == 0 {
		return nil // the rule never binds on its own
	}
	b.addConstraint(rule, k)
	return nil
}

// conditionScope returns the distinct variables of conditions, and for each
// condition match its position in the scope and its value set.
func (b *builder) conditionScope(conds ...catalog.Condition) (scope []int, pos [][]int, sets [][][]bool, err error) {
	where := map[int]int{}
	for _, c := range conds {
		var cp []int
		var cs [][]bool
		for _, m := range c {
			vi, set, err := b.matchSet(m)
			if err != nil {
				return nil, nil, nil, err
			}
			at, ok := where[vi]
			if !ok {
				at = len(scope)
				where[vi] = at
				scope = append(scope, vi)
			}
			cp = append(cp, at)
			cs = append(cs, set)
		}
		pos = append(pos, cp)
		sets = append(sets, cs)
	}
	return scope, pos, sets, nil
}

func holdsAll(tuple, pos []int, sets [][]bool) bool {
	for i, at := range pos {
		if !sets[i][tuple[at]] {
			return false
		}
	}
	return true
}

func (b *builder) constraint(con *catalog.Constraint) error {
	rule := Rule{ID: con.ID, Message: con.Message}
	switch {
	case con.Requires != nil:
		scope, pos, sets, err := b.conditionScope(con.Requires.If, con.Requires.Then)
		if err != nil {
			return err
		}
		return b.predicateTable(rule, scope, func(t []int) (bool, error) {
			return !holdsAll(t, pos[0], sets[0]) || holdsAll(t, pos[1], sets[1]), nil
		})
	case con.Excludes != nil:
		scope, pos, sets, err := b.conditionScope(con.Excludes)
		if err != nil {
			return err
		}
		return b.predicateTable(rule, scope, func(t []int) (bool, error) {
			return !holdsAll(t, pos[0], sets[0]), nil
		})
	case con.Table != nil:
		return b.compatibilityTable(rule, con.Table)
	case !con.Expr.IsZero():
		return b.expression(rule, con.Expr.Program())
	}
	return nil
}

func (b *builder) compatibilityTable(rule Rule, t *catalog.CompatibilityTable) error {
	scope := make([]int, len(t.Vars))
	for i, name := range t.Vars {
		vi, ok := b.m.byID[name]
		if !ok {
			return b.fail("table of rule %q reads %q, which has no finite domain", rule.ID, name)
		}
		scope[i] = vi
	}
	rows := t.Allowed
	forbidden := false
	if rows == nil {
		rows, forbidden = t.Forbidden, true
	}
	var tuples [][]int
	for _, row := range rows {
		// A "*" stands for every value of its column.
		expanded := [][]int{{}}
		for j, val := range row {
			var choices []int
			if val == "*" {
				for x := range b.m.vars[scope[j]].values {
					choices = append(choices, x)
				}
			} else {
				x := indexOfValue(b.m.vars[scope[j]].values, val)
				if x < 0 {
					return b.fail("rule %q: %q is not a value of %q", rule.ID, val, t.Vars[j])
				}
				choices = []int{x}
			}
			next := make([][]int, 0, len(expanded)*len(choices))
			for _, prefix := range expanded {
				for _, x := range choices {
					next = append(next, append(slices.Clone(prefix), x))
				}
			}
			expanded = next
			if len(expanded) > MaxEnumeration {
				return b.fail("rule %q: wildcards expand to more than %d rows", rule.ID, MaxEnumeration)
			}
		}
		tuples = append(tuples, expanded...)
	}
	b.addConstraint(rule, csp.Constraint{Kind: csp.KindTable, Scope: scope, Tuples: tuples, Forbidden: forbidden})
	return nil
}

// expression turns an expression constraint over finite variables into a
// table by evaluating it on every combination of their values. One that
// reads a decimal or text attribute is checked when values are set instead.
func (b *builder) expression(rule Rule, prog *formula.Program) error {
	if prog == nil {
		return b.fail("rule %q was not compiled; load the catalog with catalog.Load or catalog.Build", rule.ID)
	}
	reads := prog.Variables()
	var scope []int
	for _, name := range reads {
		if _, ok := b.m.free[name]; ok {
			b.m.freeRules = append(b.m.freeRules, freeRule{rule: rule, program: prog, reads: reads})
			return nil
		}
		vi, ok := b.m.byID[name]
		if !ok {
			return b.fail("rule %q reads %q, which is not a variable of the product", rule.ID, name)
		}
		scope = append(scope, vi)
	}
	vars := formula.Vars{}
	return b.predicateTable(rule, scope, func(t []int) (bool, error) {
		for i, vi := range scope {
			vars[b.m.vars[vi].id] = b.m.formulaValue(vi, t[i])
		}
		ok, err := prog.EvalBool(vars)
		if err != nil {
			// A combination on which the rule cannot be evaluated (a
			// division by zero, a missing table row) is not allowed.
			return false, nil
		}
		return ok, nil
	})
}

// formulaValue is the value of variable vi's value index as formulas see it.
func (m *Model) formulaValue(vi, val int) any {
	v := m.vars[vi]
	label := v.values[val]
	switch v.kind {
	case KindOption:
		return label == "true"
	case KindQuantity:
		return decimal.RequireFromString(label)
	}
	switch v.attr.Type {
	case catalog.AttrBoolean:
		return label == "true"
	case catalog.AttrInteger:
		return decimal.RequireFromString(label)
	}
	return label
}

// Product returns the product the model configures; nil for an imported
// model.
func (m *Model) Product() *catalog.Product { return m.product }

// Catalog returns the catalog version the model was compiled from; nil for
// an imported model.
func (m *Model) Catalog() *catalog.Catalog { return m.catalog }

// Name names the model: the product's SKU, or the imported model's name.
func (m *Model) Name() string { return m.name }

// Variable describes one variable of a model.
type Variable struct {
	ID   string
	Kind VarKind
	// Values is the domain of a finite variable, in catalog order; nil
	// for decimal and text attributes.
	Values []string
	// Default is the catalog default, or "".
	Default string
	// Attribute or Option is the catalog definition, when there is one.
	Attribute *catalog.Attribute
	Option    *catalog.Option
}

// Variables lists the model's variables: the finite ones in catalog order
// (an option's quantity right after the option), then the decimal and text
// attributes.
func (m *Model) Variables() []Variable {
	out := make([]Variable, 0, len(m.vars)+len(m.free))
	for _, v := range m.vars {
		if v.hidden {
			continue
		}
		def := ""
		if v.def >= 0 && v.def < len(v.values) {
			def = v.values[v.def]
		}
		out = append(out, Variable{ID: v.id, Kind: v.kind, Values: slices.Clone(v.values), Default: def, Attribute: v.attr, Option: v.option})
	}
	for _, id := range m.freeOrder {
		a := m.free[id]
		out = append(out, Variable{ID: id, Kind: KindAttribute, Default: a.Default, Attribute: a})
	}
	return out
}

func (m *Model) rule(i int) Rule {
	if i < len(m.rules) {
		return m.rules[i]
	}
	name, text := m.compiled.ConstraintName(i)
	return Rule{ID: name, Message: catalog.Text{"en": text}}
}

func (m *Model) unknownVar(id string) error {
	ids := make([]string, 0, len(m.vars)+len(m.free))
	for _, v := range m.vars {
		if !v.hidden {
			ids = append(ids, v.id)
		}
	}
	ids = append(ids, m.freeOrder...)
	msg := fmt.Sprintf("%s has no attribute or option %q", m.name, id)
	if s := suggest.Closest(id, ids); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return fmt.Errorf("%s: %w", msg, ErrUnknownVariable)
}
