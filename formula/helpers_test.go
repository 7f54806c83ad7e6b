package formula_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// testSchema is the schema most tests compile against.
var testSchema = formula.Schema{
	"qty":              formula.TypeDecimal,
	"unit_cost":        formula.TypeDecimal,
	"setup":            formula.TypeDecimal,
	"discount":         formula.TypeDecimal,
	"rush":             formula.TypeBool,
	"name":             formula.TypeString,
	"today":            formula.TypeDate,
	"start":            formula.TypeDate,
	"tags":             formula.TypeStringList,
	"sizes":            formula.TypeDecimalList,
	"line.quantity":    formula.TypeDecimal,
	"line.product":     formula.TypeString,
	"customer.segment": formula.TypeString,
	"customer.region":  formula.TypeString,
	"attr.cpu":         formula.TypeDecimal,
	"attr.cpu-speed":   formula.TypeDecimal,
	"attr.disk.size":   formula.TypeDecimal,
}

// testVars gives every variable of testSchema a value.
func testVars() formula.Vars {
	return formula.Vars{
		"qty":              dec("12"),
		"unit_cost":        dec("3.75"),
		"setup":            dec("25.50"),
		"discount":         dec("0.15"),
		"rush":             true,
		"name":             "Widget",
		"today":            day("2026-03-15"),
		"start":            day("2026-01-31"),
		"tags":             []string{"eu", "industrial"},
		"sizes":            []decimal.Decimal{dec("1"), dec("2.5"), dec("10")},
		"line.quantity":    dec("150"),
		"line.product":     "press-200",
		"customer.segment": "gold",
		"customer.region":  "EMEA",
		"attr.cpu":         dec("16"),
		"attr.cpu-speed":   dec("3.2"),
		"attr.disk.size":   dec("512"),
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// memTable is a lookup table in memory. Decimal keys are compared by value
// through their canonical text.
type memTable struct {
	keys  []formula.Type
	value formula.Type
	rows  map[string]any
}

func (t *memTable) KeyTypes() []formula.Type { return t.keys }
func (t *memTable) ValueType() formula.Type  { return t.value }
func (t *memTable) Lookup(keys []any) (any, bool) {
	v, ok := t.rows[rowKey(keys...)]
	return v, ok
}

func rowKey(keys ...any) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		switch k := k.(type) {
		case decimal.Decimal:
			parts[i] = k.String()
		case string:
			parts[i] = k
		case time.Time:
			parts[i] = k.Format("2006-01-02")
		case bool:
			parts[i] = map[bool]string{true: "true", false: "false"}[k]
		}
	}
	return strings.Join(parts, "\x00")
}

// priceTable maps (segment, quantity) to a unit price.
func priceTable() *memTable {
	return &memTable{
		keys:  []formula.Type{formula.TypeString, formula.TypeDecimal},
		value: formula.TypeDecimal,
		rows: map[string]any{
			rowKey("gold", dec("100")):   dec("9.50"),
			rowKey("gold", dec("150")):   dec("9.25"),
			rowKey("silver", dec("150")): dec("9.90"),
		},
	}
}

var testTables = map[string]formula.Table{"prices": priceTable()}

func compile(t testing.TB, src string, result formula.Type) *formula.Program {
	t.Helper()
	p, err := formula.Compile(src, formula.Options{Name: "test/rule", Schema: testSchema, Tables: testTables, Result: result})
	require.NoError(t, err, "compile %q", src)
	return p
}
