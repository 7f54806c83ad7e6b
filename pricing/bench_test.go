package pricing_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/pricing"
)

// The benchmark catalog: 200 products in 20 categories, one in twenty
// priced by a cost build-up of five components, 50 price rules and 10
// discount schedules. The same rules are written once as data (benchRules,
// benchSchedules) and turned both into the catalog and into the
// hand-written pricing function the engine is measured against.
//
// Two rule sets: in the selective one every rule names a category, and a
// line meets about three of them; in the broad one ten rules apply to every
// line, which then takes about twelve rule steps.

const benchProducts, benchCategories = 200, 20

type benchRule struct {
	id       string
	stage    string
	category int // -1: every line
	minQty   int64
	// kind: "gold" (line quantity and customer segment), "region" (the
	// customer's region only), "list" (line list price and quantity).
	kind    string
	percent decimal.Decimal
}

type benchSchedule struct {
	categories []int
	slab       bool
	aggregate  bool
	mid        decimal.Decimal // percent of the 10–49 tier
}

func benchRules(broad bool) []benchRule {
	var rs []benchRule
	for i := 0; i < 50; i++ {
		r := benchRule{id: fmt.Sprintf("r%02d", i), stage: catalog.StageAfterSchedules, category: i % benchCategories,
			minQty: int64(i%10 + 1), kind: "gold", percent: decimal.NewFromInt(int64(1 + i%5))}
		switch {
		case i >= 45:
			r.kind, r.stage, r.percent = "list", catalog.StageTotals, decimal.RequireFromString("0.5")
		case i >= 40:
			r.kind, r.percent = "region", decimal.NewFromInt(1)
		case i%3 == 0:
			r.stage = catalog.StageBeforeSchedules
		}
		if broad && i >= 40 {
			r.category = -1
		}
		rs = append(rs, r)
	}
	return rs
}

var mixes = []string{"selective", "broad"}

func benchSchedules() []benchSchedule {
	var ss []benchSchedule
	for j := 0; j < 10; j++ {
		ss = append(ss, benchSchedule{categories: []int{2 * j, 2*j + 1}, slab: j%3 == 0, aggregate: j%2 == 0, mid: decimal.NewFromInt(int64(2 + j%3))})
	}
	return ss
}

func benchCatalog(broad bool) string {
	var b strings.Builder
	b.WriteString("id: bench\nversion: \"1\"\neffective_from: 2026-01-01\ncurrency: EUR\n")
	b.WriteString(`cost_models:
  - id: part
    inputs: [{id: weight}, {id: price_per_kg}, {id: cycle_s}, {id: rate, default: 48}]
    components:
      - {id: material, formula: weight * price_per_kg * 1.03}
      - {id: machine, formula: rate * cycle_s / 3600}
      - {id: setup, formula: 120 / quantity}
      - {id: labour, formula: 0.02 * cycle_s}
      - {id: overhead, formula: 0.1 * (material + machine + setup + labour)}
    markup: 0.25
products:
`)
	for i := 0; i < benchProducts; i++ {
		fmt.Fprintf(&b, "  - {sku: P%03d, name: Product %d, category: cat%02d", i, i, i%benchCategories)
		if i%20 == 0 {
			fmt.Fprintf(&b, ", parameters: {weight: 0.%d, price_per_kg: 2.4, cycle_s: %d}, pricing: {method: cost_plus, cost_model: part}", 1+i%9, 10+i%30)
		}
		b.WriteString("}\n")
	}
	b.WriteString("price_books:\n  - id: list\n    currency: EUR\n    standard: true\n    entries:\n")
	for i := 0; i < benchProducts; i++ {
		if i%20 != 0 {
			fmt.Fprintf(&b, "      - {product: P%03d, price: %d.%02d}\n", i, 10+i, i%100)
		}
	}
	b.WriteString("discount_schedules:\n")
	for j, s := range benchSchedules() {
		typ, agg := "range", "none"
		if s.slab {
			typ = "slab"
		}
		if s.aggregate {
			agg = "category"
		}
		fmt.Fprintf(&b, "  - {id: s%d, type: %s, unit: percent, aggregate: %s, categories: [cat%02d, cat%02d], tiers: [{from: 1, to: 9, value: 0}, {from: 10, to: 49, value: %s}, {from: 50, value: 5}]}\n",
			j, typ, agg, s.categories[0], s.categories[1], s.mid)
	}
	b.WriteString("price_rules:\n")
	for i, r := range benchRules(broad) {
		fmt.Fprintf(&b, "  - id: %s\n    stage: %s\n    priority: %d\n", r.id, r.stage, i)
		if r.category >= 0 {
			fmt.Fprintf(&b, "    categories: [cat%02d]\n", r.category)
		}
		switch r.kind {
		case "gold":
			fmt.Fprintf(&b, "    condition: line.quantity >= %d && customer.segment == \"gold\"\n", r.minQty)
		case "region":
			b.WriteString("    condition: customer.region == \"north\"\n")
		case "list":
			b.WriteString("    condition: line.list_price > 50 && line.quantity > 5\n")
		}
		fmt.Fprintf(&b, "    actions: [{type: discount_percent, value: \"%s\"}]\n", r.percent)
	}
	return b.String()
}

func benchRequest(n int) pricing.Request {
	req := pricing.Request{Date: day, Customer: pricing.Customer{ID: "C1", Segment: "gold", Region: "north"}}
	for i := 0; i < n; i++ {
		req.Lines = append(req.Lines, pricing.Line{Product: fmt.Sprintf("P%03d", (i*37)%benchProducts), Quantity: decimal.NewFromInt(int64(1 + (i*7)%60))})
	}
	return req
}

func benchEngine(tb testing.TB, broad bool) *pricing.Engine {
	tb.Helper()
	c, err := catalog.Parse([]byte(benchCatalog(broad)), "bench.yaml")
	require.NoError(tb, err)
	e, err := pricing.New(c, pricing.Options{})
	require.NoError(tb, err)
	return e
}

// handProduct is what the hand-written function knows of a product.
type handProduct struct {
	sku, cat      int
	list          decimal.Decimal // unit list price, for list-priced products
	costPlus      bool
	weight, cycle decimal.Decimal
}

// handTables is the benchmark catalog as Go values, built once.
type handTables struct {
	products  map[string]handProduct
	rules     []benchRule
	reasons   []string
	schedules []benchSchedule
}

func handCatalog(broad bool) *handTables {
	t := &handTables{products: map[string]handProduct{}, rules: benchRules(broad), schedules: benchSchedules()}
	for _, r := range t.rules {
		t.reasons = append(t.reasons, "rule "+r.id+": "+r.percent.String()+"% off")
	}
	out := t.products
	for i := 0; i < benchProducts; i++ {
		p := handProduct{sku: i, cat: i % benchCategories}
		if i%20 == 0 {
			p.costPlus = true
			p.weight = decimal.RequireFromString(fmt.Sprintf("0.%d", 1+i%9))
			p.cycle = decimal.NewFromInt(int64(10 + i%30))
		} else {
			p.list = decimal.RequireFromString(fmt.Sprintf("%d.%02d", 10+i, i%100))
		}
		out[fmt.Sprintf("P%03d", i)] = p
	}
	return t
}

var (
	kgPrice, scrap, tenth, markup = decimal.RequireFromString("2.4"), decimal.RequireFromString("1.03"), decimal.RequireFromString("0.1"), decimal.RequireFromString("0.25")
	labourRate, machineRate       = decimal.RequireFromString("0.02"), decimal.NewFromInt(48)
	hourSeconds, setupCost        = decimal.NewFromInt(3600), decimal.NewFromInt(120)
	fifty, five                   = decimal.NewFromInt(50), decimal.NewFromInt(5)
)

// handStep is a waterfall step as a hand-written pricer would keep it.
type handStep struct {
	kind, source  string
	before, after decimal.Decimal
	reason        string
}

// handPrice prices the benchmark request with the same waterfall written
// directly in Go with shopspring decimals: no formulas, no generic engine.
// With trace it also keeps each line's steps with a reason, its list and
// discount percent and the quote's list and discount totals, as the engine
// does; without, it computes the numbers alone.
func handPrice(t *handTables, req pricing.Request, trace bool) (decimal.Decimal, error) {
	products, rules, schedules, reasons := t.products, t.rules, t.schedules, t.reasons
	type hl struct {
		cat                        int
		qty, list, unitList, a, pq decimal.Decimal
		steps                      []handStep
	}
	step := func(h *hl, kind, source string, before decimal.Decimal, reason string) {
		if trace {
			h.steps = append(h.steps, handStep{kind, source, before, h.a, reason})
		}
	}
	lines := make([]hl, len(req.Lines))
	hundred := decimal.NewFromInt(100)
	for i, l := range req.Lines {
		p := products[l.Product]
		h := hl{cat: p.cat, qty: l.Quantity, pq: l.Quantity}
		if p.costPlus {
			material := p.weight.Mul(kgPrice).Mul(scrap)
			machine, err := money.DivDecimal(machineRate.Mul(p.cycle), hourSeconds, 28, money.HalfEven)
			if err != nil {
				return decimal.Zero, err
			}
			setup, err := money.DivDecimal(setupCost, l.Quantity, 28, money.HalfEven)
			if err != nil {
				return decimal.Zero, err
			}
			labour := labourRate.Mul(p.cycle)
			sum := material.Add(machine).Add(setup).Add(labour)
			unit := sum.Add(sum.Mul(tenth))
			h.unitList = unit.Add(unit.Mul(markup))
		} else {
			h.unitList = p.list
		}
		h.a = h.unitList.Mul(l.Quantity)
		h.list = h.a
		if trace {
			h.steps = make([]handStep, 0, 16)
			step(&h, "list", "list", decimal.Zero, "list price "+h.unitList.String()+" × "+l.Quantity.String())
		}
		lines[i] = h
	}
	gold, north := req.Customer.Segment == "gold", req.Customer.Region == "north"
	stage := func(name string) {
		for i := range lines {
			h := &lines[i]
			for ri, r := range rules {
				if r.stage != name || (r.category >= 0 && r.category != h.cat) {
					continue
				}
				ok := false
				switch r.kind {
				case "gold":
					ok = gold && h.qty.GreaterThanOrEqual(decimal.NewFromInt(r.minQty))
				case "region":
					ok = north
				case "list":
					ok = h.unitList.GreaterThan(fifty) && h.qty.GreaterThan(five)
				}
				if ok {
					before := h.a
					h.a = h.a.Sub(h.a.Mul(r.percent).Shift(-2))
					step(h, "rule", r.id, before, reasons[ri])
				}
			}
		}
	}
	stage(catalog.StageBeforeSchedules)
	totals := map[[2]int]decimal.Decimal{}
	for j, s := range schedules {
		if s.aggregate {
			for _, h := range lines {
				if h.cat == s.categories[0] || h.cat == s.categories[1] {
					k := [2]int{j, h.cat}
					totals[k] = totals[k].Add(h.qty)
				}
			}
		}
	}
	offsets := map[[2]int]decimal.Decimal{}
	for i := range lines {
		h := &lines[i]
		for j, s := range schedules {
			if h.cat != s.categories[0] && h.cat != s.categories[1] {
				continue
			}
			start, end := decimal.Zero, h.qty
			if s.aggregate {
				k := [2]int{j, h.cat}
				start = offsets[k]
				end = start.Add(h.qty)
				offsets[k] = end
			}
			if s.slab {
				// Units 10–49 at mid %, from 50 at 5 %.
				w := overlapUnits(start, end, 9, 49).Mul(s.mid).Add(overlapUnits(start, end, 49, -1).Mul(decimal.NewFromInt(5)))
				dd, err := money.DivDecimal(h.a.Mul(w), h.qty.Mul(hundred), 12, money.HalfEven)
				if err != nil {
					return decimal.Zero, err
				}
				before := h.a
				h.a = h.a.Sub(dd)
				if trace {
					step(h, "schedule", "s", before, "units "+start.String()+"–"+end.String()+" graduated")
				}
				continue
			}
			reach := end
			if s.aggregate {
				reach = totals[[2]int{j, h.cat}]
			}
			p := decimal.Zero
			switch {
			case reach.GreaterThan(decimal.NewFromInt(49)):
				p = decimal.NewFromInt(5)
			case reach.GreaterThan(decimal.NewFromInt(9)):
				p = s.mid
			}
			before := h.a
			h.a = h.a.Sub(h.a.Mul(p).Shift(-2))
			if trace {
				step(h, "schedule", "s", before, "tier reached by "+reach.String()+": "+p.String()+"% off")
			}
		}
	}
	stage(catalog.StageAfterSchedules)
	stage(catalog.StageTotals)
	net, list := decimal.Zero, decimal.Zero
	for i := range lines {
		h := &lines[i]
		unit, err := money.DivDecimal(h.a, h.pq, 2, money.HalfEven)
		if err != nil {
			return decimal.Zero, err
		}
		before := h.a
		h.a = unit.Mul(h.pq)
		net = net.Add(h.a)
		if trace {
			step(h, "rounding", "half_even", before, "unit price rounded")
			list = list.Add(h.list)
			if _, err := money.DivDecimal(h.list.Sub(h.a).Mul(hundred), h.list, 2, money.HalfEven); err != nil {
				return decimal.Zero, err
			}
		}
	}
	_ = list.Sub(net)
	return net, nil
}

func overlapUnits(start, end decimal.Decimal, lo, hi int64) decimal.Decimal {
	from := decimal.Max(start, decimal.NewFromInt(lo))
	to := end
	if hi >= 0 && decimal.NewFromInt(hi).LessThan(to) {
		to = decimal.NewFromInt(hi)
	}
	if to.LessThanOrEqual(from) {
		return decimal.Zero
	}
	return to.Sub(from)
}

// TestBenchBaselineAgrees: the hand-written function and the engine give
// the same total for the benchmark quote, so the benchmarks compare the
// same work.
func TestBenchBaselineAgrees(t *testing.T) {
	for _, broad := range []bool{false, true} {
		e := benchEngine(t, broad)
		for _, n := range []int{20, 2000} {
			req := benchRequest(n)
			res, err := e.Price(context.Background(), req)
			require.NoError(t, err)
			want, err := handPrice(handCatalog(broad), req, true)
			require.NoError(t, err)
			assert.Equal(t, want.StringFixed(2), res.Totals.Net.Value().StringFixed(2), "%d lines", n)
		}
	}
}

// cpuTime is the processor time the process has used, in every thread
// (the garbage collector's included). On a machine shared with other work
// it measures the benchmark more steadily than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports wall and processor time per line.
func loop(b *testing.B, lines int, f func() error) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - start
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(lines), "ns/line")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(lines), "cpu-ns/line")
}

// BenchmarkPrice prices quotes of 20 and 10,000 lines against the catalog
// of 50 price rules, 10 discount schedules and cost-plus lines, with each
// rule set.
func BenchmarkPrice(b *testing.B) {
	for _, mix := range mixes {
		e := benchEngine(b, mix == "broad")
		for _, n := range []int{20, 10000} {
			b.Run(fmt.Sprintf("%s/%dLines", mix, n), func(b *testing.B) {
				req := benchRequest(n)
				ctx := context.Background()
				loop(b, n, func() error {
					_, err := e.Price(ctx, req)
					return err
				})
			})
		}
	}
}

// BenchmarkPriceParallel prices 20-line quotes from every processor on one
// shared engine.
func BenchmarkPriceParallel(b *testing.B) {
	e := benchEngine(b, false)
	req := benchRequest(20)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := e.Price(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHandWritten is the baseline: the same waterfall for the same
// lines written directly in Go, with its steps and totals (waterfall) and
// as bare numbers (numbers).
func BenchmarkHandWritten(b *testing.B) {
	for _, mix := range mixes {
		tables := handCatalog(mix == "broad")
		for _, n := range []int{20, 10000} {
			for _, trace := range []bool{true, false} {
				what := "numbers"
				if trace {
					what = "waterfall"
				}
				b.Run(fmt.Sprintf("%s/%dLines/%s", mix, n, what), func(b *testing.B) {
					req := benchRequest(n)
					loop(b, n, func() error {
						_, err := handPrice(tables, req, trace)
						return err
					})
				})
			}
		}
	}
}

// BenchmarkNew prepares an engine for the benchmark catalog.
func BenchmarkNew(b *testing.B) {
	c, err := catalog.Parse([]byte(benchCatalog(false)), "bench.yaml")
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pricing.New(c, pricing.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
