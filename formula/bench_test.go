package formula_test

import (
	"testing"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
)

// BenchmarkDecimalRaw is the baseline: the shopspring operations of
// round(qty * unit_cost + setup, 2) written directly in Go.
func BenchmarkDecimalRaw(b *testing.B) {
	qty, unitCost, setup := dec("12"), dec("3.75"), dec("25.50")
	b.ReportAllocs()
	for b.Loop() {
		_ = qty.Mul(unitCost).Add(setup).RoundBank(2)
	}
}

// BenchmarkDecimalRawMulAdd is the baseline without rounding.
func BenchmarkDecimalRawMulAdd(b *testing.B) {
	qty, unitCost, setup := dec("12"), dec("3.75"), dec("25.50")
	b.ReportAllocs()
	for b.Loop() {
		_ = qty.Mul(unitCost).Add(setup)
	}
}

func BenchmarkEval(b *testing.B) {
	vars := testVars()
	for _, bm := range []struct{ name, src string }{
		{"cost", "qty * unit_cost + setup"},
		{"cost-rounded", "round(qty * unit_cost + setup, 2)"},
		{"condition", `customer.segment == "gold" && line.quantity >= 100`},
		{"lookup", `lookup("prices", customer.segment, line.quantity)`},
		{"dates", `months_between(start, today) >= 1`},
	} {
		p := compile(b, bm.src, formula.TypeAny)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Eval(vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEvalParallel(b *testing.B) {
	p := compile(b, "round(qty * unit_cost + setup, 2)", formula.TypeDecimal)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		vars := formula.Vars{"qty": dec("12"), "unit_cost": dec("3.75"), "setup": decimal.New(2550, -2)}
		for pb.Next() {
			if _, err := p.EvalDecimal(vars); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	opts := formula.Options{Name: "bench", Schema: testSchema, Tables: testTables, Result: formula.TypeDecimal}
	src := `round(lookup("prices", customer.segment, line.quantity) * qty * (1 - coalesce(discount, 0)) + setup, 2)`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := formula.Compile(src, opts); err != nil {
			b.Fatal(err)
		}
	}
}
