package catalog

import (
	"errors"
	"sort"
	"strings"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
)

// The variables that formulas may read, by where the formula stands.
//
// Configuration formulas (expr constraints) read the product's attributes
// by ID (enum and text attributes as strings, booleans as bools, numbers as
// decimals), its options by ID (true when selected) and their quantities as
// qty.<option>.
//
// Price formulas (formula pricing, surcharges) read the configuration
// variables, the product's parameters by name, quantity (the line
// quantity) and today.
//
// Cost component formulas read the cost model's inputs, quantity, and the
// other components by ID (cost per unit).
//
// Price rule formulas read the line, quote and customer facts below, and
// line.attr.<id> for every attribute whose ID has one type across the
// catalog, and line.<field> for every field a set_field action sets, and
// quote.summary.<id> for every summary.
//
// Approval rule formulas read the quote and customer facts below.
var (
	// RuleFacts are the facts price rules read besides line.attr.* and
	// fields set by rules.
	RuleFacts = formula.Schema{
		"line.product":      formula.TypeString,
		"line.category":     formula.TypeString,
		"line.quantity":     formula.TypeDecimal,
		"line.list_price":   formula.TypeDecimal,
		"line.unit_price":   formula.TypeDecimal,
		"line.unit_cost":    formula.TypeDecimal,
		"line.term_months":  formula.TypeDecimal,
		"quote.currency":    formula.TypeString,
		"quote.term_months": formula.TypeDecimal,
		"quote.subtotal":    formula.TypeDecimal,
		"quote.quantity":    formula.TypeDecimal,
		"quote.date":        formula.TypeDate,
		"quote.categories":  formula.TypeStringList,
		"quote.products":    formula.TypeStringList,
		"customer.id":       formula.TypeString,
		"customer.segment":  formula.TypeString,
		"customer.region":   formula.TypeString,
		"customer.country":  formula.TypeString,
		"today":             formula.TypeDate,
	}
	// ApprovalFacts are the facts approval rules read.
	ApprovalFacts = formula.Schema{
		"quote.currency":                  formula.TypeString,
		"quote.list_total":                formula.TypeDecimal,
		"quote.total":                     formula.TypeDecimal,
		"quote.discount_total":            formula.TypeDecimal,
		"quote.discount_percent":          formula.TypeDecimal,
		"quote.header_discount_percent":   formula.TypeDecimal,
		"quote.max_line_discount_percent": formula.TypeDecimal,
		"quote.margin_percent":            formula.TypeDecimal,
		"quote.term_months":               formula.TypeDecimal,
		"quote.payment_terms_days":        formula.TypeDecimal,
		"quote.edited_terms":              formula.TypeBool,
		"quote.lines_below_floor":         formula.TypeDecimal,
		"quote.lines_below_min_margin":    formula.TypeDecimal,
		"quote.categories":                formula.TypeStringList,
		"quote.products":                  formula.TypeStringList,
		"customer.id":                     formula.TypeString,
		"customer.segment":                formula.TypeString,
		"customer.region":                 formula.TypeString,
		"customer.country":                formula.TypeString,
		"today":                           formula.TypeDate,
	}
)

// builtinLineFields are line facts that pricing computes.
var builtinLineFields = map[string]bool{
	"product": true, "category": true, "quantity": true, "list_price": true,
	"unit_price": true, "unit_cost": true, "term_months": true, "attr": true,
}

// exprCompiler compiles a catalog's formulas with the right schema for
// where each stands, reporting errors at their position in the file.
type exprCompiler struct {
	c      *Catalog
	x      *index
	p      *problems
	tables map[string]formula.Table
	// ruleSchema is built on first use.
	ruleSchema formula.Schema
}

func newExprCompiler(c *Catalog, x *index, p *problems) *exprCompiler {
	ec := &exprCompiler{c: c, x: x, p: p, tables: map[string]formula.Table{}}
	for id, t := range x.tables {
		ec.tables[id] = t
	}
	return ec
}

// compile compiles e, reporting a compile error at its position in the file.
func (ec *exprCompiler) compile(path, name string, e *Expr, schema formula.Schema, result formula.Type) {
	prog, err := formula.Compile(e.Source, formula.Options{Name: name, Schema: schema, Result: result, Tables: ec.tables})
	if err != nil {
		ec.report(path, e, err)
		return
	}
	e.program = prog
}

func (ec *exprCompiler) report(path string, e *Expr, err error) {
	var fe *formula.Error
	if !errors.As(err, &fe) {
		ec.p.add(e.Pos, path, CodeInvalid, "%s", err.Error())
		return
	}
	pos := e.Pos
	if pos.Line > 0 && fe.Line > 0 {
		if fe.Line == 1 {
			pos.Column += fe.Column - 1
		} else {
			pos.Line += fe.Line - 1
			pos.Column += fe.Column - 1
		}
	}
	ec.p.errs = append(ec.p.errs, &Error{Pos: pos, Path: path, Code: string(fe.Code), Message: fe.Message, Err: err})
}

// configSchema is what a product's configuration formulas read.
func (ec *exprCompiler) configSchema(prod *Product) formula.Schema {
	s := formula.Schema{}
	for id, v := range ec.x.vars[prod] {
		if v.Kind == VarOption {
			s[id] = formula.TypeBool
			s["qty."+id] = formula.TypeDecimal
			continue
		}
		s[id] = attrType(v.Attribute.Type)
	}
	return s
}

func attrType(t AttributeType) formula.Type {
	switch t {
	case AttrBoolean:
		return formula.TypeBool
	case AttrInteger, AttrDecimal:
		return formula.TypeDecimal
	}
	return formula.TypeString
}

func (ec *exprCompiler) priceSchema(prod *Product) formula.Schema {
	s := ec.configSchema(prod)
	if _, clash := s["quantity"]; !clash {
		s["quantity"] = formula.TypeDecimal
	}
	s["today"] = formula.TypeDate
	for name := range prod.Parameters {
		if _, clash := s[name]; !clash {
			s[name] = formula.TypeDecimal
		}
	}
	return s
}

func (ec *exprCompiler) constraint(path string, prod *Product, e *Expr) {
	ec.compile(path, prod.SKU+"/"+path, e, ec.configSchema(prod), formula.TypeBool)
}

func (ec *exprCompiler) price(path string, prod *Product, e *Expr) {
	ec.compile(path, path, e, ec.priceSchema(prod), formula.TypeDecimal)
}

func (ec *exprCompiler) priceCondition(path string, prod *Product, e *Expr) {
	ec.compile(path, path, e, ec.priceSchema(prod), formula.TypeBool)
}

// costModel compiles a cost model's components and reports cycles between
// them.
func (ec *exprCompiler) costModel(path string, m *CostModel) {
	s := formula.Schema{"quantity": formula.TypeDecimal}
	for _, in := range m.Inputs {
		if in != nil {
			s[in.ID] = formula.TypeDecimal
		}
	}
	for _, c := range m.Components {
		if c != nil {
			s[c.ID] = formula.TypeDecimal
		}
	}
	deps := map[string][]string{}
	compIndex := map[string]int{}
	for i, c := range m.Components {
		if c == nil || c.Formula.IsZero() {
			continue
		}
		compIndex[c.ID] = i
		cp := joinPath(indexPath(joinPath(path, "components"), i), "formula")
		ec.compile(cp, m.ID+"."+c.ID, &c.Formula, s, formula.TypeDecimal)
		if c.Formula.program != nil {
			deps[c.ID] = c.Formula.program.Variables()
		}
	}
	// Depth-first search for a component that reaches itself.
	state := map[string]int{}
	var chain []string
	var visit func(id string) bool
	visit = func(id string) bool {
		state[id] = 1
		chain = append(chain, id)
		for _, dep := range deps[id] {
			if _, isComp := compIndex[dep]; !isComp {
				continue
			}
			switch state[dep] {
			case 0:
				if visit(dep) {
					return true
				}
			case 1:
				start := 0
				for chain[start] != dep {
					start++
				}
				cycle := append(append([]string{}, chain[start:]...), dep)
				ec.p.addAt(joinPath(indexPath(joinPath(path, "components"), compIndex[dep]), "formula"), CodeCycle,
					"cost components depend on each other: %s", strings.Join(cycle, " → "))
				return true
			}
		}
		chain = chain[:len(chain)-1]
		state[id] = 2
		return false
	}
	for _, c := range m.Components {
		if c != nil && state[c.ID] == 0 {
			chain = chain[:0]
			if visit(c.ID) {
				return
			}
		}
	}
}

// ruleFacts is what price rules read: the fixed facts, line.attr.<id> for
// every attribute with one type across the catalog, and line.<field> for
// every field set by a rule.
func (ec *exprCompiler) ruleFacts() formula.Schema {
	if ec.ruleSchema != nil {
		return ec.ruleSchema
	}
	s := formula.Schema{}
	for k, v := range RuleFacts {
		s[k] = v
	}
	types := map[string]formula.Type{}
	clash := map[string]bool{}
	for _, prod := range ec.c.Products {
		if prod == nil {
			continue
		}
		for _, a := range prod.Attributes {
			if a == nil || a.ID == "" {
				continue
			}
			t := attrType(a.Type)
			if prev, ok := types[a.ID]; ok && prev != t {
				clash[a.ID] = true
			}
			types[a.ID] = t
		}
	}
	for id, t := range types {
		if !clash[id] {
			s["line.attr."+id] = t
		}
	}
	for _, r := range ec.c.PriceRules {
		if r == nil {
			continue
		}
		for _, a := range r.Actions {
			if a != nil && a.Type == ActionSetField && identPattern.MatchString(a.Field) && !builtinLineFields[a.Field] {
				s["line."+a.Field] = formula.TypeDecimal
			}
		}
	}
	for _, sm := range ec.c.Summaries {
		if sm != nil && identPattern.MatchString(sm.ID) {
			s["quote.summary."+sm.ID] = formula.TypeDecimal
		}
	}
	ec.ruleSchema = s
	return s
}

func (ec *exprCompiler) rule(path string, e *Expr, condition bool) {
	result := formula.TypeDecimal
	if condition {
		result = formula.TypeBool
	}
	ec.compile(path, path, e, ec.ruleFacts(), result)
}

// readFields returns the rule-set line fields a price rule reads.
func (ec *exprCompiler) readFields(r *PriceRule) []string {
	var out []string
	add := func(e *Expr) {
		if e.program == nil {
			return
		}
		for _, v := range e.program.Variables() {
			if f, ok := strings.CutPrefix(v, "line."); ok && !strings.Contains(f, ".") && !builtinLineFields[f] {
				out = append(out, f)
			}
		}
	}
	add(&r.Condition)
	for _, a := range r.Actions {
		if a != nil {
			add(&a.Value)
			add(&a.Quantity)
		}
	}
	sort.Strings(out)
	return out
}

func (ec *exprCompiler) approval(path string, e *Expr) {
	ec.compile(path, path, e, ApprovalFacts, formula.TypeBool)
}

// KeyTypes implements formula.Table.
func (t *Table) KeyTypes() []formula.Type {
	out := make([]formula.Type, len(t.Keys))
	for i, k := range t.Keys {
		out[i] = formula.TypeString
		if k == "decimal" {
			out[i] = formula.TypeDecimal
		}
	}
	return out
}

// ValueType implements formula.Table.
func (t *Table) ValueType() formula.Type {
	if t.Value == "string" {
		return formula.TypeString
	}
	return formula.TypeDecimal
}

// Lookup implements formula.Table: it finds the row for keys, comparing
// decimal keys by value.
func (t *Table) Lookup(keys []any) (any, bool) {
	parts := make([]string, len(keys))
	for i, k := range keys {
		switch v := k.(type) {
		case string:
			parts[i] = v
		case decimal.Decimal:
			parts[i] = v.String()
		default:
			return nil, false
		}
	}
	v, ok := t.rows[tableKey(parts)]
	return v, ok
}
