package formula_test

import (
	"errors"
	"math/big"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
)

// expectedEvalErrors are the conditions an evaluation may legitimately
// fail with; anything else is a bug.
var expectedEvalErrors = []error{
	formula.ErrDivisionByZero, formula.ErrNoRow, formula.ErrMissingValue,
	formula.ErrValueType, formula.ErrBadArgument, formula.ErrTooLarge,
}

func zeroVars() formula.Vars {
	vars := formula.Vars{}
	for name, t := range testSchema {
		switch t {
		case formula.TypeDecimal:
			vars[name] = decimal.Decimal{}
		case formula.TypeBool:
			vars[name] = false
		case formula.TypeString:
			vars[name] = ""
		case formula.TypeDate:
			vars[name] = time.Time{}
		case formula.TypeStringList:
			vars[name] = []string(nil)
		case formula.TypeDecimalList:
			vars[name] = []decimal.Decimal(nil)
		}
	}
	return vars
}

var fuzzFunctions = []formula.Function{{
	Name:     "tally",
	Params:   []formula.Type{formula.TypeDecimal},
	Variadic: true,
	Result:   formula.TypeDecimal,
	Call: func(args []any) (any, error) {
		total := decimal.Decimal{}
		for _, a := range args {
			total = total.Add(a.(decimal.Decimal))
		}
		return total, nil
	},
}}

// FuzzCompile: no source makes Compile panic or fail with anything but an
// *Error positioned inside the source; a compiled program evaluates on
// zero values, on no values and on typical values without panicking and
// fails only with the documented sentinels.
func FuzzCompile(f *testing.F) {
	for _, src := range []string{
		"qty * unit_cost + setup",
		`customer.segment == "gold" && line.quantity >= 100`,
		`round(qty / 3, 2, "half_up")`,
		`lookup("prices", customer.segment, line.quantity) * qty`,
		`add_months(start, 1) <= today ? "late" : "ok"`,
		`coalesce(discount, 0) * 100`,
		`let a = qty ** 2; a % 7`,
		`name in ["x", "y"] || qty in sizes`,
		`attr["cpu-speed"] / attr.cpu`,
		`join(split(upper(name), "-"), "+")`,
		`tally(qty, setup, 1.5)`,
		`"é" + string(today)`,
		"qty +\n  * 2",
		`all(tags, # == "eu")`,
		`1 / 0`,
		`((((qty))))`,
		`date(name)`,
		`decimal(name) ^ -3`,
	} {
		f.Add(src)
	}
	vars := testVars()
	f.Fuzz(func(t *testing.T, src string) {
		p, err := formula.Compile(src, formula.Options{
			Name: "fuzz", Schema: testSchema, Tables: testTables, Functions: fuzzFunctions,
		})
		if err != nil {
			var fe *formula.Error
			if !errors.As(err, &fe) {
				t.Fatalf("compile %q: error is not an *Error: %v", src, err)
			}
			lines := 1
			for _, r := range src {
				if r == '\n' {
					lines++
				}
			}
			if fe.Line < 1 || fe.Line > lines || fe.Column < 1 || fe.Column > utf8.RuneCountInString(src)+1 {
				t.Fatalf("compile %q: position %d:%d outside the source", src, fe.Line, fe.Column)
			}
			if fe.Code == "" || fe.Message == "" {
				t.Fatalf("compile %q: error without code or message: %#v", src, fe)
			}
			return
		}
		for _, v := range []formula.Vars{zeroVars(), nil, vars} {
			out, err := p.Eval(v)
			if err != nil {
				checkEvalError(t, src, err)
				continue
			}
			if got := typeOf(out); got != p.ResultType() {
				t.Fatalf("eval %q: result %T, want %s", src, out, p.ResultType())
			}
		}
	})
}

func checkEvalError(t *testing.T, src string, err error) {
	t.Helper()
	var ee *formula.EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("eval %q: error is not an *EvalError: %v", src, err)
	}
	for _, want := range expectedEvalErrors {
		if errors.Is(err, want) {
			return
		}
	}
	t.Fatalf("eval %q: unexpected error: %v", src, err)
}

func typeOf(v any) formula.Type {
	switch v.(type) {
	case decimal.Decimal:
		return formula.TypeDecimal
	case bool:
		return formula.TypeBool
	case string:
		return formula.TypeString
	case time.Time:
		return formula.TypeDate
	case []string:
		return formula.TypeStringList
	case []decimal.Decimal:
		return formula.TypeDecimalList
	}
	return formula.TypeAny
}

var fuzzOperators = []string{"+", "-", "*", "/", "%", "<", "<=", "==", "!=", ">", ">="}

// FuzzEval checks the decimal operators against exact rational arithmetic
// (math/big.Rat) as the oracle.
func FuzzEval(f *testing.F) {
	f.Add(int64(1), uint8(1), int64(2), uint8(1), uint8(0))    // 0.1 + 0.2
	f.Add(int64(10), uint8(0), int64(3), uint8(0), uint8(3))   // 10 / 3
	f.Add(int64(-7), uint8(0), int64(2), uint8(0), uint8(3))   // -7 / 2
	f.Add(int64(1), uint8(0), int64(0), uint8(0), uint8(3))    // 1 / 0
	f.Add(int64(3), uint8(0), int64(2), uint8(28), uint8(3))   // a tie at the last place
	f.Add(int64(-75), uint8(1), int64(2), uint8(0), uint8(4))  // -7.5 % 2
	f.Add(int64(110), uint8(2), int64(11), uint8(1), uint8(7)) // 1.10 == 1.1
	f.Add(int64(1<<62), uint8(30), int64(-3), uint8(5), uint8(2))

	programs := make([]*formula.Program, len(fuzzOperators))
	for i, op := range fuzzOperators {
		p, err := formula.Compile("x "+op+" y", formula.Options{Schema: formula.Schema{"x": formula.TypeDecimal, "y": formula.TypeDecimal}})
		if err != nil {
			f.Fatal(err)
		}
		programs[i] = p
	}
	halfULP := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(formula.DivisionPlaces), nil)))

	f.Fuzz(func(t *testing.T, a int64, aScale uint8, b int64, bScale uint8, op uint8) {
		x, y := decimal.New(a, -int32(aScale%40)), decimal.New(b, -int32(bScale%40))
		i := int(op) % len(fuzzOperators)
		out, err := programs[i].Eval(formula.Vars{"x": x, "y": y})
		rx, ry := x.Rat(), y.Rat()
		name := x.String() + " " + fuzzOperators[i] + " " + y.String()
		if (fuzzOperators[i] == "/" || fuzzOperators[i] == "%") && y.IsZero() {
			if !errors.Is(err, formula.ErrDivisionByZero) {
				t.Fatalf("%s: got %v, %v; want division by zero", name, out, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch fuzzOperators[i] {
		case "+", "-", "*":
			want := new(big.Rat)
			switch fuzzOperators[i] {
			case "+":
				want.Add(rx, ry)
			case "-":
				want.Sub(rx, ry)
			case "*":
				want.Mul(rx, ry)
			}
			if got := out.(decimal.Decimal).Rat(); got.Cmp(want) != 0 {
				t.Fatalf("%s = %s, want %s", name, out, want.RatString())
			}
		case "/":
			got := out.(decimal.Decimal)
			exact := new(big.Rat).Quo(rx, ry)
			diff := new(big.Rat).Sub(got.Rat(), exact)
			diff.Abs(diff)
			switch c := diff.Cmp(halfULP); {
			case c > 0:
				t.Fatalf("%s = %s, more than half a unit of the last place from %s", name, got, exact.RatString())
			case c == 0 && got.Shift(formula.DivisionPlaces).BigInt().Bit(0) != 0:
				t.Fatalf("%s = %s: a tie must round to an even last digit", name, got)
			}
			if got.Exponent() < -formula.DivisionPlaces {
				t.Fatalf("%s = %s has more than %d places", name, got, formula.DivisionPlaces)
			}
		case "%":
			r := out.(decimal.Decimal)
			// x = q·y + r with q a whole number, |r| < |y|, r with x's sign.
			q := new(big.Rat).Quo(new(big.Rat).Sub(rx, r.Rat()), ry)
			if !q.IsInt() || r.Abs().Cmp(y.Abs()) >= 0 || (r.Sign() != 0 && r.Sign() != x.Sign()) {
				t.Fatalf("%s = %s is not the truncated remainder", name, r)
			}
		default:
			c := rx.Cmp(ry)
			want := map[string]bool{"<": c < 0, "<=": c <= 0, "==": c == 0, "!=": c != 0, ">": c > 0, ">=": c >= 0}[fuzzOperators[i]]
			if out != want {
				t.Fatalf("%s = %v, want %v", name, out, want)
			}
		}
	})
}
