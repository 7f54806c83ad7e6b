package formula_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/render"
)

// The language reference, docs/formula.md, documents a schema with sample
// values and lookup tables at its top, then gives examples: each ```formula
// block holds one formula and a last line "// => result". The result is a
// value written as a formula literal (a date as YYYY-MM-DD), a compile
// error as "code: error text", or an evaluation error as "ErrName: error
// text". These tests check every example against the page's own schema.

const docPath = "../docs/formula.md"

// docSentinels are the evaluation errors the page may name.
var docSentinels = map[string]error{
	"ErrDivisionByZero": formula.ErrDivisionByZero,
	"ErrNoRow":          formula.ErrNoRow,
	"ErrMissingValue":   formula.ErrMissingValue,
	"ErrValueType":      formula.ErrValueType,
	"ErrBadArgument":    formula.ErrBadArgument,
	"ErrTooLarge":       formula.ErrTooLarge,
	"ErrResultType":     formula.ErrResultType,
}

var docTypes = map[string]formula.Type{
	"decimal":      formula.TypeDecimal,
	"bool":         formula.TypeBool,
	"string":       formula.TypeString,
	"date":         formula.TypeDate,
	"string list":  formula.TypeStringList,
	"decimal list": formula.TypeDecimalList,
}

// docPage is what the tests read from the page.
type docPage struct {
	text     string
	schema   formula.Schema
	vars     formula.Vars
	tables   map[string]formula.Table
	examples []docExample
}

type docExample struct {
	line     int // of the block in the page
	src      string
	expected string
}

var (
	schemaRow = regexp.MustCompile("^\\| `([^`]+)` \\| ([a-z ]+) \\| (?:`(.*)`|\\(no value\\)) \\|$")
	tableRow  = regexp.MustCompile("^\\| `([a-z_]+)` \\| `(.*)` \\| `(.*)` \\|$")
)

func readDocPage(t *testing.T) *docPage {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(docPath))
	require.NoError(t, err)
	page := &docPage{text: string(data), schema: formula.Schema{}, vars: formula.Vars{}, tables: map[string]formula.Table{}}

	// The schema and the tables: the rows of the first section.
	const heading = "## The variables and tables of the examples"
	start := strings.Index(page.text, heading)
	require.GreaterOrEqual(t, start, 0, "the page lacks %q", heading)
	section := page.text[start+len(heading):]
	section = section[:strings.Index(section, "\n## ")]
	for _, line := range strings.Split(section, "\n") {
		if m := schemaRow.FindStringSubmatch(line); m != nil {
			typ, ok := docTypes[m[2]]
			require.True(t, ok, "unknown type in %q", line)
			page.schema[m[1]] = typ
			if strings.HasSuffix(line, "(no value) |") {
				continue
			}
			if typ == formula.TypeDate {
				page.vars[m[1]] = docDate(t, m[3])
				continue
			}
			v, vt := docLiteral(t, m[3])
			require.Equal(t, typ, vt, "the value of %s", m[1])
			page.vars[m[1]] = v
			continue
		}
		if m := tableRow.FindStringSubmatch(line); m != nil {
			var keys []any
			var keyTypes []formula.Type
			for _, k := range splitKeys(m[2]) {
				v, vt := docLiteral(t, k)
				keys, keyTypes = append(keys, v), append(keyTypes, vt)
			}
			value, valueType := docLiteral(t, m[3])
			tb, _ := page.tables[m[1]].(*docTable)
			if tb == nil {
				tb = &docTable{keys: keyTypes, value: valueType, rows: map[string]any{}}
				page.tables[m[1]] = tb
			}
			require.Equal(t, tb.keys, keyTypes, "the keys of table %s", m[1])
			require.Equal(t, tb.value, valueType, "the values of table %s", m[1])
			tb.rows[docKey(keys)] = value
		}
	}
	require.GreaterOrEqual(t, len(page.schema), 15, "schema rows")
	require.GreaterOrEqual(t, len(page.tables), 4, "lookup tables")

	// The examples.
	blocks := regexp.MustCompile("(?s)```formula\n(.*?)```").FindAllStringSubmatchIndex(page.text, -1)
	for _, b := range blocks {
		body := strings.TrimRight(page.text[b[2]:b[3]], "\n")
		line := strings.Count(page.text[:b[0]], "\n") + 1
		cut := strings.LastIndex(body, "\n")
		require.Greater(t, cut, 0, "the example at line %d has no result line", line)
		result, ok := strings.CutPrefix(body[cut+1:], "// => ")
		require.True(t, ok, "the example at line %d does not end with // => result", line)
		page.examples = append(page.examples, docExample{line: line, src: body[:cut], expected: result})
	}
	return page
}

// TestFormulaReferenceExamples compiles and evaluates every example of the
// page and checks its result.
func TestFormulaReferenceExamples(t *testing.T) {
	page := readDocPage(t)
	require.GreaterOrEqual(t, len(page.examples), 90, "examples in %s", docPath)
	for _, ex := range page.examples {
		t.Run(fmt.Sprintf("line_%d", ex.line), func(t *testing.T) {
			checkExample(t, page, ex)
		})
	}
}

func checkExample(t *testing.T, page *docPage, ex docExample) {
	p, err := formula.Compile(ex.src, formula.Options{Schema: page.schema, Tables: page.tables})
	if strings.HasPrefix(ex.expected, "formula.") {
		var fe *formula.Error
		require.ErrorAs(t, err, &fe, "%s should not compile", ex.src)
		assert.Equal(t, ex.expected, string(fe.Code)+": "+fe.Error(), ex.src)
		return
	}
	require.NoError(t, err, ex.src)
	got, err := p.Eval(page.vars)
	if name, text, ok := strings.Cut(ex.expected, ": "); ok && strings.HasPrefix(name, "Err") {
		sentinel, known := docSentinels[name]
		require.True(t, known, "unknown error %s", name)
		require.ErrorIs(t, err, sentinel, ex.src)
		var ee *formula.EvalError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, text, err.Error(), ex.src)
		return
	}
	require.NoError(t, err, ex.src)
	if p.ResultType() == formula.TypeDate {
		assert.Equal(t, docDate(t, ex.expected), got, ex.src)
		return
	}
	want, wantType := docLiteral(t, ex.expected)
	require.Equal(t, wantType, p.ResultType(), "the type of %s", ex.src)
	switch w := want.(type) {
	case decimal.Decimal:
		assert.True(t, w.Equal(got.(decimal.Decimal)), "%s = %v, the page says %s", ex.src, got, ex.expected)
	case []decimal.Decimal:
		g := got.([]decimal.Decimal)
		require.Len(t, g, len(w), ex.src)
		for i := range w {
			assert.True(t, w[i].Equal(g[i]), "%s = %v, the page says %s", ex.src, got, ex.expected)
		}
	default:
		assert.Equal(t, want, got, ex.src)
	}
}

// TestFormulaReferenceRuleFacts checks that the page lists every fact the
// rules of a catalog and the conditions of a document read.
func TestFormulaReferenceRuleFacts(t *testing.T) {
	page := readDocPage(t)
	section := page.text[strings.Index(page.text, "## What each rule reads"):]
	for _, schema := range []formula.Schema{catalog.RuleFacts, catalog.ApprovalFacts, catalog.GuideFacts, render.ConditionSchema()} {
		for name := range schema {
			assert.Contains(t, section, "`"+name+"`", "the page does not list %s", name)
		}
	}
}

// docLiteral evaluates a value written as a formula literal ("gold",
// 2.45, true, ["a", "b"]).
func docLiteral(t *testing.T, text string) (any, formula.Type) {
	t.Helper()
	p, err := formula.Compile(text, formula.Options{})
	require.NoError(t, err, "literal %s", text)
	v, err := p.Eval(nil)
	require.NoError(t, err, "literal %s", text)
	return v, p.ResultType()
}

func docDate(t *testing.T, text string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, text)
	require.NoError(t, err)
	return d
}

// splitKeys splits the keys of a table row at the commas outside quotes.
func splitKeys(s string) []string {
	var out []string
	quoted, from := false, 0
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, strings.TrimSpace(s[from:i]))
			from = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[from:]))
}

// docTable is a lookup table of the page. Decimal keys are compared by
// value through their canonical text.
type docTable struct {
	keys  []formula.Type
	value formula.Type
	rows  map[string]any
}

func (t *docTable) KeyTypes() []formula.Type { return t.keys }
func (t *docTable) ValueType() formula.Type  { return t.value }
func (t *docTable) Lookup(keys []any) (any, bool) {
	v, ok := t.rows[docKey(keys)]
	return v, ok
}

func docKey(keys []any) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		if d, ok := k.(decimal.Decimal); ok {
			parts[i] = d.String()
		} else {
			parts[i] = fmt.Sprint(k)
		}
	}
	return strings.Join(parts, "\x00")
}
