package cpqtest

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/internal/yamlpos"
	"github.com/cpqkit/cpq/money"
)

// Expect is what a case asserts. What it leaves out is not checked.
type Expect struct {
	// Lines are the expectations of lines, by line ID, in file order.
	Lines  LineExpectations `yaml:"lines"`
	Totals *TotalsExpect    `yaml:"totals"`
	// Approvals lists exactly the approval rules the quote needs; nil
	// does not check them, an empty list means none.
	Approvals *[]string `yaml:"approvals"`
	// Error, when set, says pricing must fail: see the package
	// documentation for what it matches.
	Error string `yaml:"error"`
}

// LineExpectations are line expectations in the order they are written.
type LineExpectations []*LineExpect

// LineExpect is what one priced line must be.
type LineExpect struct {
	// ID is the line's ID (the key it is written under).
	ID       string           `yaml:"-"`
	Product  string           `yaml:"product"`
	Quantity *decimal.Decimal `yaml:"quantity"`
	// UnitPrice is the net unit price; UnitList the list unit price.
	UnitPrice       *Amount          `yaml:"unit_price"`
	UnitList        *Amount          `yaml:"unit_list"`
	List            *Amount          `yaml:"list"`
	Net             *Amount          `yaml:"net"`
	Discount        *Amount          `yaml:"discount"`
	DiscountPercent *decimal.Decimal `yaml:"discount_percent"`
	Cost            *Amount          `yaml:"cost"`
	Margin          *Amount          `yaml:"margin"`
	MarginPercent   *decimal.Decimal `yaml:"margin_percent"`
	// Rules and Schedules must each have changed the line; NotRules
	// (price rules or discount schedules) must not have.
	Rules     []string `yaml:"rules"`
	Schedules []string `yaml:"schedules"`
	NotRules  []string `yaml:"not_rules"`
	// Steps is the whole waterfall, in order.
	Steps []*StepExpect `yaml:"steps"`

	Pos catalog.Pos `yaml:"-"`
}

// StepExpect is one expected step of a waterfall. Kind and Source identify
// it; Before, After and Reason (a part of the reason) are checked when
// given.
type StepExpect struct {
	Kind   string  `yaml:"kind"`
	Source string  `yaml:"source"`
	Before *Amount `yaml:"before"`
	After  *Amount `yaml:"after"`
	Reason string  `yaml:"reason"`

	Pos catalog.Pos `yaml:"-"`
}

// TotalsExpect is what the quote's totals must be.
type TotalsExpect struct {
	List     *Amount `yaml:"list"`
	Discount *Amount `yaml:"discount"`
	// DiscountPercent is the quote's discount off list in percent.
	DiscountPercent *decimal.Decimal `yaml:"discount_percent"`
	Net             *Amount          `yaml:"net"`
	Cost            *Amount          `yaml:"cost"`
	Margin          *Amount          `yaml:"margin"`
	MarginPercent   *decimal.Decimal `yaml:"margin_percent"`
	OneTime         *Amount          `yaml:"one_time"`
	Recurring       *Amount          `yaml:"recurring"`
	MRR             *Amount          `yaml:"mrr"`
	ARR             *Amount          `yaml:"arr"`
	TCV             *Amount          `yaml:"tcv"`
	HeaderDiscount  *Amount          `yaml:"header_discount"`
	Rounding        *Amount          `yaml:"rounding"`
	Tax             *Amount          `yaml:"tax"`
	Gross           *Amount          `yaml:"gross"`

	Pos catalog.Pos `yaml:"-"`
}

// Amount is an expected amount: an exact decimal, and the currency when
// the test names it ("4123.00 USD").
type Amount struct {
	Value decimal.Decimal
	// Currency is empty when any currency will do.
	Currency string

	text string // as written in the test file
}

// String writes the amount as the test states it.
func (a Amount) String() string {
	if a.text != "" {
		return a.text
	}
	if a.Currency == "" {
		return a.Value.String()
	}
	return money.MustNew(a.Value, a.Currency).String()
}

// Matches reports whether a money amount is the expected one: the same
// value, and the same currency when one is expected.
func (a Amount) Matches(m money.Amount) bool {
	if a.Currency != "" && a.Currency != m.Currency().Code() {
		return false
	}
	return a.Value.Equal(m.Value())
}

// UnmarshalYAMLNode reads an amount written as a number or as a number
// and a currency code.
func (a *Amount) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, p string) {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode:
	default:
		d.TypeError(n, p, "an amount (1234.50 or 1234.50 EUR)")
		return
	}
	fields := strings.Fields(strings.ReplaceAll(yamlpos.ScalarText(n), "_", ""))
	if len(fields) == 0 || len(fields) > 2 {
		d.Add(d.Pos(n), p, yamlpos.KindType, "%q is not an amount (1234.50 or 1234.50 EUR)", yamlpos.ScalarText(n))
		return
	}
	v, err := decimal.NewFromString(fields[0])
	if err != nil {
		d.Add(d.Pos(n), p, yamlpos.KindType, "%q is not an amount (1234.50 or 1234.50 EUR)", yamlpos.ScalarText(n))
		return
	}
	a.Value, a.text = v, strings.Join(fields, " ")
	if len(fields) == 2 {
		if _, err := money.LookupCurrency(fields[1]); err != nil {
			d.Add(d.Pos(n), p, yamlpos.KindType, "%q is not an ISO 4217 currency with a minor unit", fields[1])
			return
		}
		a.Currency = fields[1]
	}
}

// MarshalText writes the amount as String does.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalYAMLNode reads line expectations keyed by line ID, keeping
// their order.
func (ls *LineExpectations) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, p string) {
	if yamlpos.IsNull(n) {
		return
	}
	es, ok := yamlpos.Entries(n)
	if !ok {
		d.TypeError(n, p, "a mapping of line IDs to what each line must be")
		return
	}
	seen := map[string]bool{}
	for _, e := range es {
		id := yamlpos.ScalarText(e.Key)
		kp := yamlpos.Join(p, id)
		if seen[id] {
			d.Add(d.Pos(e.Key), kp, yamlpos.KindDuplicateKey, "line %q appears twice", id)
			continue
		}
		seen[id] = true
		le := &LineExpect{}
		d.Decode(e.Value, reflectValue(le), kp)
		le.ID = id
		le.Pos = d.Pos(e.Key)
		*ls = append(*ls, le)
	}
}

// inputNode holds a case's inline input: the quote file it writes, in YAML
// flow style, for the quote reader. The positions of its paths are
// recorded so that the reader's problems can be placed in the test file.
type inputNode struct {
	text string
}

func (in *inputNode) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, p string) {
	if !isMapping(n) {
		d.TypeError(n, p, "a quote (a mapping with date, customer, lines, …)")
		return
	}
	var b strings.Builder
	emitFlow(&b, d, n, p, 0)
	in.text = b.String()
}

func isMapping(n ast.Node) bool {
	_, ok := yamlpos.Entries(n)
	return ok
}

// emitFlow writes node n as YAML in flow style, recording the position of
// every path below p. Scalars keep their kind: numbers, booleans and null
// as written, strings quoted.
func emitFlow(b *strings.Builder, d *yamlpos.Decoder, n ast.Node, p string, depth int) {
	n = d.Resolve(n)
	d.Record(p, d.Pos(n))
	if depth > yamlpos.MaxDepth {
		d.Add(d.Pos(n), p, yamlpos.KindSyntax, "nesting deeper than %d levels", yamlpos.MaxDepth)
		b.WriteString("null")
		return
	}
	if es, ok := yamlpos.Entries(n); ok {
		b.WriteByte('{')
		for i, e := range es {
			if i > 0 {
				b.WriteString(", ")
			}
			key := yamlpos.ScalarText(d.Resolve(e.Key))
			b.WriteString(quote(key))
			b.WriteString(": ")
			emitFlow(b, d, e.Value, yamlpos.Join(p, key), depth+1)
		}
		b.WriteByte('}')
		return
	}
	switch t := n.(type) {
	case *ast.SequenceNode:
		b.WriteByte('[')
		for i, v := range t.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			emitFlow(b, d, v, yamlpos.Index(p, i), depth+1)
		}
		b.WriteByte(']')
	case *ast.StringNode, *ast.LiteralNode:
		b.WriteString(quote(yamlpos.ScalarText(t)))
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		b.WriteString(yamlpos.ScalarText(t))
	default:
		b.WriteString("null")
	}
}

// quote writes s as a double-quoted YAML string.
func quote(s string) string {
	data, _ := json.Marshal(s) // a string always encodes
	return string(data)
}

// factsNode holds a case's approval facts, typed by catalog.ApprovalFacts.
type factsNode struct {
	facts formula.Vars
}

func (fn *factsNode) vars() formula.Vars {
	if fn == nil {
		return nil
	}
	return fn.facts
}

func (fn *factsNode) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, p string) {
	if yamlpos.IsNull(n) {
		return
	}
	es, ok := yamlpos.Entries(n)
	if !ok {
		d.TypeError(n, p, "a mapping of approval facts (quote.payment_terms_days: 60)")
		return
	}
	names := make([]string, 0, len(catalog.ApprovalFacts))
	for name := range catalog.ApprovalFacts {
		names = append(names, name)
	}
	sort.Strings(names)
	fn.facts = formula.Vars{}
	for _, e := range es {
		name := yamlpos.ScalarText(e.Key)
		kp := yamlpos.Join(p, name)
		typ, ok := catalog.ApprovalFacts[name]
		if !ok {
			d.Add(d.Pos(e.Key), kp, "unknown-reference", "unknown approval fact %q%s", name, didYouMean(name, names))
			continue
		}
		if _, dup := fn.facts[name]; dup {
			d.Add(d.Pos(e.Key), kp, yamlpos.KindDuplicateKey, "key %q appears twice", name)
			continue
		}
		var v any
		switch typ {
		case formula.TypeDecimal:
			var x decimal.Decimal
			d.Decode(e.Value, reflectValue(&x), kp)
			v = x
		case formula.TypeBool:
			var x bool
			d.Decode(e.Value, reflectValue(&x), kp)
			v = x
		case formula.TypeDate:
			var x time.Time
			d.Decode(e.Value, reflectValue(&x), kp)
			v = x
		case formula.TypeStringList:
			var x []string
			d.Decode(e.Value, reflectValue(&x), kp)
			if x == nil {
				x = []string{}
			}
			v = x
		default:
			var x string
			d.Decode(e.Value, reflectValue(&x), kp)
			v = x
		}
		fn.facts[name] = v
	}
}

// reflectValue is the settable value a pointer points to.
func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }
