package formula_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
)

// A cost build-up formula, compiled once and evaluated with exact decimals.
func ExampleCompile() {
	p, err := formula.Compile("round(qty * unit_cost * (1 + overhead) + setup, 2)", formula.Options{
		Name: "cost/moulding",
		Schema: formula.Schema{
			"qty":       formula.TypeDecimal,
			"unit_cost": formula.TypeDecimal,
			"overhead":  formula.TypeDecimal,
			"setup":     formula.TypeDecimal,
		},
		Result: formula.TypeDecimal,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cost, err := p.EvalDecimal(formula.Vars{
		"qty":       500, // integers are accepted for decimals
		"unit_cost": decimal.RequireFromString("0.0125"),
		"overhead":  decimal.RequireFromString("0.18"),
		"setup":     decimal.RequireFromString("120"),
	})
	fmt.Println(cost.StringFixed(2), err)
	// Output: 127.38 <nil>
}

// A discount condition over nested names, and the variables it reads.
func ExampleProgram_EvalBool() {
	p, err := formula.Compile(`customer.segment in ["gold", "platinum"] && line.quantity >= 100`, formula.Options{
		Name:   "discount/volume",
		Schema: formula.Schema{"customer.segment": formula.TypeString, "line.quantity": formula.TypeDecimal},
		Result: formula.TypeBool,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Variables())
	ok, err := p.EvalBool(formula.Vars{"customer.segment": "gold", "line.quantity": 250})
	fmt.Println(ok, err)
	// Output:
	// [customer.segment line.quantity]
	// true <nil>
}

// A compile error carries a stable code and the position in the formula.
func ExampleError() {
	_, err := formula.Compile("line.quantity * unit_prize", formula.Options{
		Name:   "price/line",
		Schema: formula.Schema{"line.quantity": formula.TypeDecimal, "unit_price": formula.TypeDecimal},
	})
	var fe *formula.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Code, fe.Line, fe.Column)
		fmt.Println(fe.Message)
	}
	// Output:
	// formula.unknown-name 1 17
	// unknown name "unit_prize"
}

// A runtime error names the rule and wraps a sentinel.
func ExampleEvalError() {
	p, err := formula.Compile("margin / price", formula.Options{
		Name:   "approval/margin",
		Schema: formula.Schema{"margin": formula.TypeDecimal, "price": formula.TypeDecimal},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = p.Eval(formula.Vars{"margin": 10, "price": 0})
	fmt.Println(errors.Is(err, formula.ErrDivisionByZero))
	fmt.Println(err)
	// Output:
	// true
	// rule "approval/margin" at 1:8: division by zero
}

// volumeTiers is a lookup table: a unit price per product and tier.
type volumeTiers map[[2]string]decimal.Decimal

func (volumeTiers) KeyTypes() []formula.Type {
	return []formula.Type{formula.TypeString, formula.TypeString}
}
func (volumeTiers) ValueType() formula.Type { return formula.TypeDecimal }
func (t volumeTiers) Lookup(keys []any) (any, bool) {
	v, ok := t[[2]string{keys[0].(string), keys[1].(string)}]
	return v, ok
}

// A price read from a lookup table; the table and its keys are checked at
// compile time, a missing row is ErrNoRow.
func ExampleTable() {
	tiers := volumeTiers{
		{"press-200", "small"}: decimal.RequireFromString("980.00"),
		{"press-200", "large"}: decimal.RequireFromString("905.50"),
	}
	p, err := formula.Compile(`lookup("tiers", product, qty >= 10 ? "large" : "small") * qty`, formula.Options{
		Name:   "price/press",
		Schema: formula.Schema{"product": formula.TypeString, "qty": formula.TypeDecimal},
		Tables: map[string]formula.Table{"tiers": tiers},
		Result: formula.TypeDecimal,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	total, _ := p.EvalDecimal(formula.Vars{"product": "press-200", "qty": 12})
	fmt.Println(total)
	_, err = p.EvalDecimal(formula.Vars{"product": "press-300", "qty": 12})
	fmt.Println(errors.Is(err, formula.ErrNoRow))
	// Output:
	// 10866
	// true
}

// A host function, type-checked like the built-ins.
func ExampleFunction() {
	fx := formula.Function{
		Name:   "fx",
		Params: []formula.Type{formula.TypeString},
		Result: formula.TypeDecimal,
		Call: func(args []any) (any, error) {
			rates := map[string]string{"EUR": "1", "USD": "1.08"}
			rate, ok := rates[args[0].(string)]
			if !ok {
				return nil, fmt.Errorf("no rate for %s", args[0])
			}
			return decimal.RequireFromString(rate), nil
		},
	}
	p, err := formula.Compile(`round(amount * fx(currency), 2)`, formula.Options{
		Schema:    formula.Schema{"amount": formula.TypeDecimal, "currency": formula.TypeString},
		Functions: []formula.Function{fx},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := p.EvalDecimal(formula.Vars{"amount": decimal.RequireFromString("99.99"), "currency": "USD"})
	fmt.Println(v, err)
	// Output: 107.99 <nil>
}

// Date arithmetic: the host passes today; months clamp at month end.
func Example_dates() {
	p, err := formula.Compile(`add_months(start, term)`, formula.Options{
		Schema: formula.Schema{"start": formula.TypeDate, "term": formula.TypeDecimal},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	end, _ := p.EvalDate(formula.Vars{"start": time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), "term": 1})
	fmt.Println(end.Format("2006-01-02"))

	p, _ = formula.Compile(`months_between(start, today) >= 12`, formula.Options{
		Schema: formula.Schema{"start": formula.TypeDate, "today": formula.TypeDate},
	})
	renewal, _ := p.EvalBool(formula.Vars{
		"start": time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC),
		"today": time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC),
	})
	fmt.Println(renewal)
	// Output:
	// 2024-02-29
	// true
}

// Exact decimal arithmetic: no float64 anywhere.
func Example_decimals() {
	for _, src := range []string{"0.1 + 0.2 == 0.3", "7 / 2", "10 / 3", "round(2.5, 0)", `round(2.5, 0, "half_up")`} {
		p, err := formula.Compile(src, formula.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		v, _ := p.Eval(nil)
		fmt.Println(src, "=", v)
	}
	// Output:
	// 0.1 + 0.2 == 0.3 = true
	// 7 / 2 = 3.5
	// 10 / 3 = 3.3333333333333333333333333333
	// round(2.5, 0) = 2
	// round(2.5, 0, "half_up") = 3
}
