package formula_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		result   formula.Type
		maxNodes int
		code     formula.Code
		line     int
		column   int
		message  string // a part of the message
	}{
		{name: "syntax: unclosed paren", src: "qty * (2 + 3", code: formula.CodeSyntax, line: 1, column: 12, message: "unexpected token EOF"},
		{name: "syntax: stray token", src: "qty 2", code: formula.CodeSyntax, line: 1, column: 5, message: "unexpected token"},
		{name: "syntax: second line", src: "qty +\n  * 2", code: formula.CodeSyntax, line: 2, column: 3},
		{name: "syntax: unterminated string", src: `name == "gold`, code: formula.CodeSyntax, line: 1, column: 14},
		{name: "unknown name", src: "qty + qtyy", code: formula.CodeUnknownName, line: 1, column: 7, message: `unknown name "qtyy"`},
		{name: "unknown name on line 3", src: "qty +\n  setup +\n    nope", code: formula.CodeUnknownName, line: 3, column: 5},
		{name: "unknown name after non-ASCII", src: `"é" + "ü" + qtyy`, code: formula.CodeUnknownName, line: 1, column: 13},
		{name: "function used as a name", src: "round", code: formula.CodeUnknownName, line: 1, column: 1, message: "is a function"},
		{name: "unknown member", src: "line.quantty > 1", code: formula.CodeUnknownMember, line: 1, column: 6, message: `line has no member "quantty"`},
		{name: "unknown nested member", src: "attr.disk.sise", code: formula.CodeUnknownMember, line: 1, column: 11, message: `attr.disk has no member "sise"`},
		{name: "unknown member in brackets", src: `attr["cpu speed"]`, code: formula.CodeUnknownMember, line: 1, column: 6},
		{name: "member of a value", src: "qty.total", code: formula.CodeUnknownMember, line: 1, column: 5, message: "qty is a decimal"},
		{name: "object as a value", src: "customer == 1", code: formula.CodeType, line: 1, column: 1, message: "customer is an object"},
		{name: "string plus decimal", src: `"a" + 1`, code: formula.CodeType, line: 1, column: 5, message: "got string and decimal"},
		{name: "decimal compared with string", src: `qty > "x"`, code: formula.CodeType, line: 1, column: 5, message: "cannot compare decimal with string"},
		{name: "non-bool condition", src: "qty ? 1 : 2", code: formula.CodeType, line: 1, column: 1, message: "condition must be a bool"},
		{name: "non-bool operand", src: "rush && qty", code: formula.CodeType, line: 1, column: 6, message: "needs two bools"},
		{name: "not of decimal", src: "!qty", code: formula.CodeType, line: 1, column: 1},
		{name: "branches differ", src: `rush ? 1 : "x"`, code: formula.CodeType, line: 1, column: 12},
		{name: "ordering bools", src: "rush < true", code: formula.CodeType, line: 1, column: 6},
		{name: "date arithmetic", src: "today + 1", code: formula.CodeType, line: 1, column: 7},
		{name: "in non-list", src: "qty in setup", code: formula.CodeType, line: 1, column: 8},
		{name: "in wrong element type", src: "qty in tags", code: formula.CodeType, line: 1, column: 5, message: "cannot look for a decimal in a string list"},
		{name: "mixed list", src: `qty in [1, "a"]`, code: formula.CodeType, line: 1, column: 12},
		{name: "argument type", src: `abs("x")`, code: formula.CodeType, line: 1, column: 5, message: "argument 1 of abs must be a decimal, got string"},
		{name: "argument type of built-in with overloads", src: "min(qty, today)", code: formula.CodeType, line: 1, column: 10},
		{name: "wrong result type", src: "qty * 2", result: formula.TypeBool, code: formula.CodeType, line: 1, column: 1, message: "formula gives a decimal, want a bool"},
		{name: "wrong result type after blank lines", src: "\n\n   qty * 2", result: formula.TypeString, code: formula.CodeType, line: 3, column: 4},
		{name: "unknown table", src: `lookup("nope", 1)`, code: formula.CodeUnknownTable, line: 1, column: 8, message: `unknown table "nope"`},
		{name: "table name not literal", src: `lookup(name, 1)`, code: formula.CodeArgument, line: 1, column: 8},
		{name: "table key count", src: `lookup("prices", "gold")`, code: formula.CodeArity, line: 1, column: 1, message: `table "prices" has 2 keys, lookup gives 1`},
		{name: "table key type", src: `lookup("prices", "gold", "100")`, code: formula.CodeType, line: 1, column: 26, message: "key 2"},
		{name: "arity too few", src: "round(qty)", code: formula.CodeArity, line: 1, column: 1, message: "round takes 2 to 3 arguments, got 1"},
		{name: "arity too many", src: "abs(qty, 1)", code: formula.CodeArity, line: 1, column: 1, message: "abs takes 1 argument, got 2"},
		{name: "arity zero", src: "min()", code: formula.CodeArity, line: 1, column: 1, message: "at least 1 argument"},
		{name: "unknown function", src: "qty + foo(1)", code: formula.CodeUnknownFunction, line: 1, column: 7, message: `unknown function "foo"`},
		{name: "no clock", src: "now()", code: formula.CodeUnknownFunction, line: 1, column: 1, message: "no clock"},
		{name: "bad rounding mode", src: `round(qty, 2, "sideways")`, code: formula.CodeArgument, line: 1, column: 15, message: "unknown rounding mode"},
		{name: "fractional places", src: `round(qty, 1.5)`, code: formula.CodeArgument, line: 1, column: 12},
		{name: "too many places", src: `round(qty, 29)`, code: formula.CodeArgument, line: 1, column: 12},
		{name: "impossible date", src: `date("2026-02-30")`, code: formula.CodeArgument, line: 1, column: 6},
		{name: "bad pattern", src: `name matches "("`, code: formula.CodeArgument, line: 1, column: 14},
		{name: "pattern not literal", src: `name matches name`, code: formula.CodeUnsupported, line: 1, column: 14},
		{name: "closure", src: `all(tags, # == "eu")`, code: formula.CodeUnsupported, line: 1, column: 1},
		{name: "nil", src: `coalesce(discount, nil)`, code: formula.CodeUnsupported, line: 1, column: 20},
		{name: "range", src: `qty in 1..10`, code: formula.CodeUnsupported, line: 1, column: 9},
		{name: "map literal", src: `{"a": 1}`, code: formula.CodeUnsupported, line: 1, column: 1},
		{name: "nil coalescing operator", src: `discount ?? 0`, code: formula.CodeUnsupported, line: 1, column: 10},
		{name: "optional chaining", src: `line?.quantity`, code: formula.CodeUnsupported},
		{name: "method call", src: `name.upper()`, code: formula.CodeUnsupported, line: 1, column: 6},
		{name: "too many nodes", src: "1 + 2 + 3 + 4", maxNodes: 5, code: formula.CodeTooLarge, line: 1, column: 1, message: "7 nodes, more than the limit of 5"},
		{name: "default node limit", src: strings.Repeat("qty + ", 1000) + "qty", code: formula.CodeTooLarge, line: 1, column: 1, message: "limit of 2000"},
		{name: "source too long", src: strings.Repeat(" ", formula.MaxSourceLen) + "1", code: formula.CodeTooLarge, line: 1, column: 1},
		{name: "literal beyond float range", src: "1e5000", code: formula.CodeSyntax, line: 1, column: 6},
		{name: "literal beyond int64", src: "qty + 123456789012345678901234567890", code: formula.CodeSyntax, line: 1, column: 36},
		{name: "literal with too small exponent", src: "qty + 1e-1500", code: formula.CodeSyntax, line: 1, column: 7, message: "out of range"},
		{name: "literal with too many digits", src: "qty + 1." + strings.Repeat("1", 1000), code: formula.CodeSyntax, line: 1, column: 7, message: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := formula.Compile(tt.src, formula.Options{
				Name: "test/rule", Schema: testSchema, Tables: testTables, Result: tt.result, MaxNodes: tt.maxNodes,
			})
			var fe *formula.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.code, fe.Code, fe.Message)
			if tt.line != 0 {
				assert.Equal(t, tt.line, fe.Line, "line: %s", fe.Message)
				assert.Equal(t, tt.column, fe.Column, "column: %s", fe.Message)
			}
			assert.Contains(t, fe.Message, tt.message)
			assert.Equal(t, "test/rule", fe.Rule)
			assert.Equal(t, fe.Message, strings.ToLower(fe.Message[:1])+fe.Message[1:], "message starts lower case")
			assert.Contains(t, err.Error(), fmt.Sprintf(`rule "test/rule": %d:%d: `, fe.Line, fe.Column))
		})
	}
}

func TestNodeLimitCanBeRaised(t *testing.T) {
	src := strings.Repeat("qty + ", 1000) + "qty"
	p, err := formula.Compile(src, formula.Options{Schema: testSchema, MaxNodes: 3000})
	require.NoError(t, err)
	got, err := p.EvalDecimal(formula.Vars{"qty": 2})
	require.NoError(t, err)
	assert.Equal(t, "2002", got.String())
}

func TestInvalidOptions(t *testing.T) {
	call := func([]any) (any, error) { return true, nil }
	tests := map[string]formula.Options{
		"variable without type":   {Schema: formula.Schema{"x": formula.TypeAny}},
		"unknown result type":     {Result: formula.Type(99)},
		"empty name part":         {Schema: formula.Schema{"line..qty": formula.TypeDecimal}},
		"reserved name":           {Schema: formula.Schema{"$env": formula.TypeDecimal}},
		"variable and object":     {Schema: formula.Schema{"line": formula.TypeString, "line.qty": formula.TypeDecimal}},
		"function without call":   {Functions: []formula.Function{{Name: "f", Result: formula.TypeBool}}},
		"function named built-in": {Functions: []formula.Function{{Name: "round", Result: formula.TypeBool, Call: call}}},
		"function name not ident": {Functions: []formula.Function{{Name: "a-b", Result: formula.TypeBool, Call: call}}},
		"function without result": {Functions: []formula.Function{{Name: "f", Call: call}}},
		"function bad parameter":  {Functions: []formula.Function{{Name: "f", Params: []formula.Type{0}, Result: formula.TypeBool, Call: call}}},
		"variadic without params": {Functions: []formula.Function{{Name: "f", Variadic: true, Result: formula.TypeBool, Call: call}}},
		"function twice": {Functions: []formula.Function{
			{Name: "f", Result: formula.TypeBool, Call: call}, {Name: "f", Result: formula.TypeBool, Call: call},
		}},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := formula.Compile("true", opts)
			require.ErrorIs(t, err, formula.ErrInvalidOptions)
		})
	}
}

func TestRuntimeErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		vars   formula.Vars
		want   error
		column int    // of the failing operation; 0 when not checked
		text   string // a part of the message
	}{
		{name: "division by zero", src: "qty / discount", vars: formula.Vars{"qty": 1, "discount": 0}, want: formula.ErrDivisionByZero, column: 5},
		{name: "remainder by zero", src: "qty + qty % discount", vars: formula.Vars{"qty": 1, "discount": 0}, want: formula.ErrDivisionByZero, column: 11},
		{name: "constant division by zero", src: "1 / 0", want: formula.ErrDivisionByZero, column: 3},
		{name: "zero to a negative power", src: "discount ** -1", vars: formula.Vars{"discount": 0}, want: formula.ErrDivisionByZero},
		{name: "missing row", src: `lookup("prices", customer.segment, qty)`, vars: formula.Vars{"customer.segment": "bronze", "qty": 7}, want: formula.ErrNoRow, column: 1, text: `no row in lookup table "prices" for keys ("bronze", 7)`},
		{name: "missing variable", src: "qty * 2", vars: formula.Vars{}, want: formula.ErrMissingValue, text: "variable qty"},
		{name: "nil variable", src: "name == \"x\"", vars: formula.Vars{"name": nil}, want: formula.ErrMissingValue, text: "variable name"},
		{name: "float variable", src: "qty * 2", vars: formula.Vars{"qty": 1.5}, want: formula.ErrValueType, text: "float64 is not exact"},
		{name: "string for decimal", src: "qty * 2", vars: formula.Vars{"qty": "2"}, want: formula.ErrValueType},
		{name: "decimal for bool", src: "rush", vars: formula.Vars{"rush": dec("1")}, want: formula.ErrValueType, text: "variable rush"},
		{name: "string for date", src: "add_days(today, 1)", vars: formula.Vars{"today": "2026-01-01"}, want: formula.ErrValueType},
		{name: "any slice for list", src: `"a" in tags`, vars: formula.Vars{"tags": []any{"a"}}, want: formula.ErrValueType},
		{name: "huge variable", src: "qty + 1", vars: formula.Vars{"qty": decimal.New(1, 2_000_000_000)}, want: formula.ErrTooLarge},
		{name: "fractional days", src: "add_days(today, discount)", vars: formula.Vars{"today": day("2026-01-01"), "discount": dec("0.5")}, want: formula.ErrBadArgument},
		{name: "fractional exponent", src: "qty ** 0.5", vars: formula.Vars{"qty": 2}, want: formula.ErrBadArgument},
		{name: "bad date text", src: "date(name)", vars: formula.Vars{"name": "31/01/2026"}, want: formula.ErrBadArgument, text: `"31/01/2026" is not a date`},
		{name: "bad number text", src: "decimal(name)", vars: formula.Vars{"name": "12,5"}, want: formula.ErrBadArgument},
		{name: "power too large", src: "qty ** 5000", vars: formula.Vars{"qty": 10}, want: formula.ErrTooLarge},
		{name: "product too large", src: "let a = qty * qty; let b = a * a; let c = b * b; c * c * c * c", vars: formula.Vars{"qty": decimal.New(1, 60)}, want: formula.ErrTooLarge},
		{name: "string too large", src: "let a = name + name; let b = a + a; let c = b + b; c + c", vars: formula.Vars{"name": strings.Repeat("x", formula.MaxStringLen/8)}, want: formula.ErrTooLarge},
		{name: "replace too large", src: `replace(name, "x", "xxxxxxxxxx")`, vars: formula.Vars{"name": strings.Repeat("x", formula.MaxStringLen/8)}, want: formula.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compile(t, tt.src, formula.TypeAny)
			out, err := p.Eval(tt.vars)
			assert.Nil(t, out)
			require.ErrorIs(t, err, tt.want)
			var ee *formula.EvalError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, "test/rule", ee.Rule)
			assert.Contains(t, err.Error(), `rule "test/rule"`)
			if tt.column != 0 {
				assert.Equal(t, 1, ee.Line)
				assert.Equal(t, tt.column, ee.Column)
			}
			assert.Contains(t, err.Error(), tt.text)
		})
	}
}

func TestEvalAsWrongType(t *testing.T) {
	p := compile(t, "qty > 1", formula.TypeBool)
	_, err := p.EvalDecimal(formula.Vars{"qty": 2})
	require.ErrorIs(t, err, formula.ErrResultType)
	_, err = compile(t, "qty", formula.TypeDecimal).EvalBool(formula.Vars{"qty": 2})
	require.ErrorIs(t, err, formula.ErrResultType)
}

func TestHostFunctions(t *testing.T) {
	errNoCustomer := errors.New("no such customer")
	// loyalty returns a discount rate for a segment and a quantity.
	loyalty := formula.Function{
		Name:   "loyalty",
		Params: []formula.Type{formula.TypeString, formula.TypeDecimal},
		Result: formula.TypeDecimal,
		Call: func(args []any) (any, error) {
			segment, qty := args[0].(string), args[1].(decimal.Decimal)
			switch {
			case segment == "nobody":
				return nil, errNoCustomer
			case segment == "gold" && qty.GreaterThanOrEqual(decimal.NewFromInt(100)):
				return dec("0.10"), nil
			}
			return 0, nil // an int is accepted for a decimal result
		},
	}
	count := formula.Function{
		Name:     "count_true",
		Params:   []formula.Type{formula.TypeBool},
		Variadic: true,
		Result:   formula.TypeDecimal,
		Call: func(args []any) (any, error) {
			n := 0
			for _, a := range args {
				if a.(bool) {
					n++
				}
			}
			return n, nil
		},
	}
	broken := formula.Function{
		Name:   "broken",
		Result: formula.TypeDecimal,
		Call:   func([]any) (any, error) { return 1.5, nil },
	}
	panicky := formula.Function{
		Name:   "panicky",
		Result: formula.TypeBool,
		Call:   func([]any) (any, error) { panic("host bug") },
	}
	// all is an expr built-in with a closure argument; a host function of
	// that name is an ordinary call.
	all := formula.Function{
		Name:     "all",
		Params:   []formula.Type{formula.TypeBool},
		Variadic: true,
		Result:   formula.TypeBool,
		Call: func(args []any) (any, error) {
			for _, a := range args {
				if !a.(bool) {
					return false, nil
				}
			}
			return true, nil
		},
	}
	opts := formula.Options{Name: "host", Schema: testSchema, Functions: []formula.Function{loyalty, count, broken, panicky, all}}

	compileHost := func(src string) *formula.Program {
		p, err := formula.Compile(src, opts)
		require.NoError(t, err)
		return p
	}
	p := compileHost("qty * unit_cost * (1 - loyalty(customer.segment, qty))")
	got, err := p.EvalDecimal(formula.Vars{"qty": 100, "unit_cost": dec("2"), "customer.segment": "gold"})
	require.NoError(t, err)
	assert.Equal(t, "180", got.String())
	got, err = p.EvalDecimal(formula.Vars{"qty": 100, "unit_cost": dec("2"), "customer.segment": "silver"})
	require.NoError(t, err)
	assert.Equal(t, "200", got.String())
	_, err = p.EvalDecimal(formula.Vars{"qty": 100, "unit_cost": dec("2"), "customer.segment": "nobody"})
	require.ErrorIs(t, err, errNoCustomer)
	assert.Contains(t, err.Error(), `rule "host"`)

	got, err = compileHost("count_true(rush, qty > 1, false)").EvalDecimal(formula.Vars{"rush": true, "qty": 2})
	require.NoError(t, err)
	assert.Equal(t, "2", got.String())
	got, err = compileHost("count_true()").EvalDecimal(nil)
	require.NoError(t, err)
	assert.Equal(t, "0", got.String())

	ok, err := compileHost("all(rush, qty > 1)").EvalBool(formula.Vars{"rush": true, "qty": 2})
	require.NoError(t, err)
	assert.True(t, ok)

	_, err = compileHost("broken()").Eval(nil)
	require.ErrorIs(t, err, formula.ErrValueType)

	_, err = compileHost("panicky()").Eval(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "host bug")

	// Host functions are type-checked at compile time.
	for src, code := range map[string]formula.Code{
		"loyalty(qty, qty)":       formula.CodeType,
		"loyalty(name)":           formula.CodeArity,
		`count_true(rush, "yes")`: formula.CodeType,
		"loyalty(name, qty) == 1": "",
		"broken(1)":               formula.CodeArity,
	} {
		_, err := formula.Compile(src, opts)
		if code == "" {
			assert.NoError(t, err, src)
			continue
		}
		var fe *formula.Error
		require.ErrorAs(t, err, &fe, src)
		assert.Equal(t, code, fe.Code, src)
	}
}

// One program, many goroutines, each with its own values; every result is
// checked against the arithmetic done by hand in integers of cents.
func TestConcurrentEval(t *testing.T) {
	p := compile(t, `round(qty * unit_cost + setup, 2) + (customer.segment == "gold" ? 1 : 0)`, formula.TypeDecimal)
	const goroutines, evals = 8, 300
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range evals {
				qty := int64(g*evals + i)
				vars := formula.Vars{
					"qty":              qty,
					"unit_cost":        decimal.New(125, -2), // 1.25
					"setup":            decimal.New(int64(g), 0),
					"customer.segment": []string{"gold", "silver"}[i%2],
				}
				got, err := p.EvalDecimal(vars)
				if err != nil {
					errs <- err
					return
				}
				cents := qty*125 + int64(g)*100
				if i%2 == 0 {
					cents += 100
				}
				if want := decimal.New(cents, -2); !got.Equal(want) {
					errs <- fmt.Errorf("qty %d: got %s, want %s", qty, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEvalDoesNotModifyVars(t *testing.T) {
	vars := formula.Vars{"qty": 3, "today": day("2026-01-31"), "customer.segment": "gold"}
	p := compile(t, `lookup("prices", customer.segment, qty * 50) + qty + days_between(today, add_months(today, 1))`, formula.TypeDecimal)
	got, err := p.EvalDecimal(vars)
	require.NoError(t, err)
	assert.Equal(t, "40.25", got.String()) // 9.25 + 3 + 28
	assert.Equal(t, formula.Vars{"qty": 3, "today": day("2026-01-31"), "customer.segment": "gold"}, vars)
}

func TestTableWithInvalidTypes(t *testing.T) {
	bad := &memTable{keys: []formula.Type{formula.TypeAny}, value: formula.TypeDecimal}
	_, err := formula.Compile(`lookup("bad", 1)`, formula.Options{Tables: map[string]formula.Table{"bad": bad}})
	var fe *formula.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, formula.CodeUnknownTable, fe.Code)
	assert.Equal(t, 8, fe.Column)
}
