package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/internal/sample"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/sqlite"
)

// benchResult is the measurement of one scenario: N operations, the 50th
// and 99th percentile of one operation's wall-clock time, and the time of
// all of them together.
type benchResult struct {
	Name    string        `json:"name"`
	N       int           `json:"n"`
	P50     time.Duration `json:"p50_ns"`
	P99     time.Duration `json:"p99_ns"`
	Total   time.Duration `json:"total_ns"`
	Skipped string        `json:"skipped,omitempty"`
}

// benchReport is what cpq bench prints: the machine, the date and every
// scenario.
type benchReport struct {
	Date      string        `json:"date"`
	GOOS      string        `json:"goos"`
	GOARCH    string        `json:"goarch"`
	CPUs      int           `json:"cpus"`
	Go        string        `json:"go"`
	Quick     bool          `json:"quick"`
	Scenarios []benchResult `json:"scenarios"`
}

// benchSizes scales the scenarios: the full sizes are those of the
// project's benchmarks; quick ones finish in a few seconds.
type benchSizes struct {
	catalogProducts, catalogRules, catalogLoads int
	formulaSamples, formulaBatch                int
	serverSequences                             int
	automotive                                  automotiveSpec
	automotiveSequences                         int
	bigQuoteLines, bigQuotePrices               int
	smallQuotePrices                            int
	storeOps                                    int
	pdfs                                        int
}

var (
	fullSizes = benchSizes{
		catalogProducts: 1000, catalogRules: 5000, catalogLoads: 5,
		formulaSamples: 200, formulaBatch: 1000,
		serverSequences: 200,
		automotive: automotiveSpec{
			Vars: 100, MaxDomain: 42, Tables: 100, MaxArity: 10, Rows: 200_000, Products: 2000,
		},
		automotiveSequences: 3,
		bigQuoteLines:       10_000, bigQuotePrices: 5,
		smallQuotePrices: 2000,
		storeOps:         200,
		pdfs:             30,
	}
	quickSizes = benchSizes{
		catalogProducts: 50, catalogRules: 250, catalogLoads: 3,
		formulaSamples: 20, formulaBatch: 100,
		serverSequences: 5,
		automotive: automotiveSpec{
			Vars: 30, MaxDomain: 12, Tables: 30, MaxArity: 5, Rows: 5000, Products: 300,
		},
		automotiveSequences: 1,
		bigQuoteLines:       1000, bigQuotePrices: 2,
		smallQuotePrices: 100,
		storeOps:         5,
		pdfs:             2,
	}
)

// runBench runs the benchmark scenarios in this process and prints one
// table of them.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "scale every scenario down to finish in a few seconds")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	font := fs.String("font", "", "TrueType font `file` (.ttf or .ttc) for the PDF scenario (default: WenQuanYi Micro Hei or DejaVu Sans where Debian installs them; the scenario is skipped without one)")
	fontIndex := fs.Int("font-index", 0, "face of a .ttc font")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq bench [--quick] [--json] [--font FILE [--font-index N]]")
		fmt.Fprintln(stderr, "Runs the benchmark scenarios in this process: loading a large catalog, evaluating formulas,")
		fmt.Fprintln(stderr, "valid domains per choice, pricing, storing quotes in SQLite and rendering a PDF.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	face, err := benchFont(*font, *fontIndex)
	if err != nil {
		fmt.Fprintf(stderr, "cpq bench: %v\n", err)
		return 1
	}
	sizes := fullSizes
	if *quick {
		sizes = quickSizes
	}
	report := benchReport{
		Date: time.Now().Format(time.DateOnly), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPUs: runtime.NumCPU(), Go: runtime.Version(), Quick: *quick,
	}
	b := &bencher{ctx: context.Background(), sizes: sizes, font: face}
	for _, s := range b.scenarios() {
		fmt.Fprintf(stderr, "cpq bench: running %s\n", s.name)
		runtime.GC()
		res, err := s.run()
		if err != nil {
			fmt.Fprintf(stderr, "cpq bench: %s: %v\n", s.name, err)
			return 1
		}
		res.Name = s.name
		report.Scenarios = append(report.Scenarios, res)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "cpq bench: %v\n", err)
			return 1
		}
		return 0
	}
	if err := printBenchReport(stdout, report); err != nil {
		fmt.Fprintf(stderr, "cpq bench: %v\n", err)
		return 1
	}
	return 0
}

// benchFont reads the font named by the flags, or the first of Debian's
// that is installed; nil when there is none.
func benchFont(path string, index int) (*render.FontFace, error) {
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read font: %w", err)
		}
		return &render.FontFace{Data: data, Index: index}, nil
	}
	for _, p := range fontPaths {
		if data, err := os.ReadFile(p); err == nil {
			return &render.FontFace{Data: data}, nil
		}
	}
	return nil, nil
}

func printBenchReport(w io.Writer, r benchReport) error {
	mode := ""
	if r.Quick {
		mode = ", quick"
	}
	fmt.Fprintf(w, "cpq bench%s: %s, %s/%s, %d CPUs, %s\n\n", mode, r.Date, r.GOOS, r.GOARCH, r.CPUs, r.Go)
	// The scenario column is aligned left, the figures right.
	rows := [][]string{{"scenario", "n", "p50", "p99", "total"}}
	for _, s := range r.Scenarios {
		if s.Skipped != "" {
			rows = append(rows, []string{s.Name, "-", "-", "-", "-"})
			continue
		}
		rows = append(rows, []string{s.Name, fmt.Sprint(s.N), formatDuration(s.P50), formatDuration(s.P99), formatDuration(s.Total)})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		line := fmt.Sprintf("%-*s", widths[0], row[0])
		for i, cell := range row[1:] {
			line += fmt.Sprintf("  %*s", widths[i+1], cell)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	for _, s := range r.Scenarios {
		if s.Skipped != "" {
			fmt.Fprintf(w, "\n%s: skipped: %s\n", s.Name, s.Skipped)
		}
	}
	return nil
}

// formatDuration writes a duration with three significant digits or so, in
// the unit that suits it.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// timings collects the durations of single operations.
type timings struct {
	each  []time.Duration
	total time.Duration
}

// add records a measured span of batch operations.
func (t *timings) add(d time.Duration, batch int) {
	t.total += d
	per := d / time.Duration(batch)
	for range batch {
		t.each = append(t.each, per)
	}
}

// result sorts the durations and takes their percentiles (nearest rank).
func (t *timings) result() benchResult {
	if len(t.each) == 0 {
		return benchResult{}
	}
	s := slices.Clone(t.each)
	slices.Sort(s)
	rank := func(p int) time.Duration { return s[(len(s)*p+99)/100-1] }
	return benchResult{N: len(s), P50: rank(50), P99: rank(99), Total: t.total}
}

// measure runs op n times, once before to warm up, timing each run.
func measure(n int, op func() error) (benchResult, error) {
	if err := op(); err != nil {
		return benchResult{}, err
	}
	var t timings
	for range n {
		start := time.Now()
		if err := op(); err != nil {
			return benchResult{}, err
		}
		t.add(time.Since(start), 1)
	}
	return t.result(), nil
}

type benchScenario struct {
	name string
	run  func() (benchResult, error)
}

type bencher struct {
	ctx   context.Context
	sizes benchSizes
	font  *render.FontFace
	// priced is the engine of the pricing scenarios, shared by both.
	priced *pricing.Engine
}

func (b *bencher) scenarios() []benchScenario {
	z := b.sizes
	return []benchScenario{
		{fmt.Sprintf("catalog load, %s products, %s rules", thousands(z.catalogProducts), thousands(z.catalogRules)), b.catalogLoad},
		{"formula qty * unit_cost + setup", func() (benchResult, error) {
			return b.formula("qty * unit_cost + setup", formula.Schema{"qty": formula.TypeDecimal, "unit_cost": formula.TypeDecimal, "setup": formula.TypeDecimal},
				formula.Vars{"qty": 500, "unit_cost": decimal.RequireFromString("0.0125"), "setup": decimal.RequireFromString("120")})
		}},
		{"formula rule condition", func() (benchResult, error) {
			return b.formula(`customer.segment == "gold" && line.quantity >= 100`, formula.Schema{"customer.segment": formula.TypeString, "line.quantity": formula.TypeDecimal},
				formula.Vars{"customer.segment": "gold", "line.quantity": 150})
		}},
		{"valid domains per choice, server SRV-R2", b.serverDomains},
		{fmt.Sprintf("valid domains per choice, automotive-like tables (%s rows)", thousands(z.automotive.Rows)), b.automotiveDomains},
		{fmt.Sprintf("price a %s-line quote", thousands(z.bigQuoteLines)), func() (benchResult, error) { return b.price(z.bigQuoteLines, z.bigQuotePrices) }},
		{"price a 20-line quote", func() (benchResult, error) { return b.price(20, z.smallQuotePrices) }},
		{"SQLite save a 200-line quote", func() (benchResult, error) { return b.store(true) }},
		{"SQLite load a 200-line quote", func() (benchResult, error) { return b.store(false) }},
		{"PDF of a 20-line quote", b.pdf},
	}
}

// thousands writes n with thousands separators: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// catalogLoad parses and checks a generated catalog, compiling every
// formula.
func (b *bencher) catalogLoad() (benchResult, error) {
	data := sample.LargeCatalog(b.sizes.catalogProducts, b.sizes.catalogRules)
	return measure(b.sizes.catalogLoads, func() error {
		_, err := catalog.Parse(data, "large.yaml")
		return err
	})
}

// formula evaluates a compiled formula, timed in batches: a single
// evaluation is too short for the clock.
func (b *bencher) formula(src string, schema formula.Schema, vars formula.Vars) (benchResult, error) {
	p, err := formula.Compile(src, formula.Options{Schema: schema})
	if err != nil {
		return benchResult{}, err
	}
	var t timings
	batch := b.sizes.formulaBatch
	for range b.sizes.formulaSamples {
		start := time.Now()
		for range batch {
			if _, err := p.Eval(vars); err != nil {
				return benchResult{}, err
			}
		}
		t.add(time.Since(start), batch)
	}
	return t.result(), nil
}

// serverDomains plays random configurations of the example server (see
// choiceSequences).
func (b *bencher) serverDomains() (benchResult, error) {
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		return benchResult{}, err
	}
	m, err := configurator.Compile(cat, "SRV-R2")
	if err != nil {
		return benchResult{}, err
	}
	return choiceSequences(m, b.sizes.serverSequences)
}

// automotiveDomains does the same on a generated table model shaped like a
// car's, imported from XCSP as a host would import one.
func (b *bencher) automotiveDomains() (benchResult, error) {
	m, err := configurator.ImportXCSP(bytes.NewReader(automotiveXCSP(b.sizes.automotive)), "automotive")
	if err != nil {
		return benchResult{}, err
	}
	// The first query of a model takes longer: it is not a choice.
	if _, err := m.NewSession().ValidDomains(); err != nil {
		return benchResult{}, err
	}
	return choiceSequences(m, b.sizes.automotiveSequences)
}

// choiceSequences plays random configurations: a random offered value of a
// random open variable is chosen, and the exact valid domains computed,
// until every variable has one value left. One operation is one choice.
func choiceSequences(m *configurator.Model, sequences int) (benchResult, error) {
	r := rand.New(rand.NewPCG(42, 43))
	var t timings
	for range sequences {
		s := m.NewSession()
		doms, err := s.ValidDomains()
		if err != nil {
			return benchResult{}, err
		}
		for {
			var open []configurator.Domain
			for _, d := range doms {
				if len(d.Values) > 1 {
					open = append(open, d)
				}
			}
			if len(open) == 0 {
				break
			}
			d := open[r.IntN(len(open))]
			start := time.Now()
			if err := s.Set(d.Var, d.Values[r.IntN(len(d.Values))]); err != nil {
				return benchResult{}, err
			}
			if doms, err = s.ValidDomains(); err != nil {
				return benchResult{}, err
			}
			t.add(time.Since(start), 1)
		}
	}
	return t.result(), nil
}

// automotiveSpec shapes a generated table model.
type automotiveSpec struct {
	Vars, MaxDomain, Tables, MaxArity, Rows int
	// Products is the number of hidden complete configurations the tables
	// are projections of; the first tenth are in every table, so the
	// model has solutions.
	Products int
}

// automotiveXCSP writes a table model shaped like a car's in XCSP 2.1:
// domains of 1 to MaxDomain values, mostly small; most variables depending
// on an earlier one; tables of arity 2 to MaxArity whose rows are
// projections of hidden configurations, plus a quarter of random rows that
// only search tells apart from valid ones. The same spec gives the same
// model.
func automotiveXCSP(sp automotiveSpec) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	n := sp.Vars
	doms := make([]int, n)
	for v := range doms {
		u := r.Float64()
		doms[v] = 1 + int(float64(sp.MaxDomain)*u*u*u)
	}
	doms[0] = sp.MaxDomain
	// Most variables follow an earlier one: each value of the parent
	// allows one to three of theirs.
	parent := make([]int, n)
	allowed := make([][][]int, n)
	for v := range parent {
		parent[v] = -1
		if v > 0 && r.Float64() < 0.8 {
			parent[v] = r.IntN(v)
			allowed[v] = make([][]int, doms[parent[v]])
			for pa := range allowed[v] {
				allowed[v][pa] = r.Perm(doms[v])[:1+r.IntN(min(3, doms[v]))]
			}
		}
	}
	products := make([][]int, sp.Products)
	for i := range products {
		p := make([]int, n)
		for v := range p {
			if parent[v] >= 0 {
				opts := allowed[v][p[parent[v]]]
				p[v] = opts[r.IntN(len(opts))]
			} else {
				p[v] = r.IntN(doms[v])
			}
		}
		products[i] = p
	}
	core := max(1, sp.Products/10)

	var sb, cons strings.Builder
	sb.WriteString("<instance>\n<presentation name=\"automotive\" format=\"XCSP 2.1\"/>\n<domains>\n")
	for v, d := range doms {
		fmt.Fprintf(&sb, "<domain name=\"D%d\" nbValues=\"%d\">0..%d</domain>\n", v, d, d-1)
	}
	sb.WriteString("</domains>\n<variables>\n")
	for v := range doms {
		fmt.Fprintf(&sb, "<variable name=\"V%03d\" domain=\"D%d\"/>\n", v, v)
	}
	sb.WriteString("</variables>\n<relations>\n")
	uncovered := r.Perm(n)
	for t := range sp.Tables {
		arity := 2 + int(float64(sp.MaxArity-1)*math.Pow(r.Float64(), 1.5))
		arity = min(arity, sp.MaxArity, n)
		var scope []int
		add := func(v int) {
			if v >= 0 && len(scope) < arity && !slices.Contains(scope, v) {
				scope = append(scope, v)
			}
		}
		if len(uncovered) > 0 {
			add(uncovered[0])
			uncovered = uncovered[1:]
		} else {
			add(r.IntN(n))
		}
		for tries := 0; len(scope) < arity && tries < 20*arity; tries++ {
			if x := scope[r.IntN(len(scope))]; r.Float64() < 0.5 {
				add(parent[x])
			} else {
				add(r.IntN(n))
			}
		}
		// The rows: the core configurations, others, then random ones.
		seen := map[string]bool{}
		var rows []string
		row := func(vals func(v int) int) {
			parts := make([]string, len(scope))
			for j, v := range scope {
				parts[j] = fmt.Sprint(vals(v))
			}
			if key := strings.Join(parts, " "); !seen[key] {
				seen[key] = true
				rows = append(rows, key)
			}
		}
		want := sp.Rows / sp.Tables
		for i, p := range products {
			if i >= core && len(rows) >= want*3/4 {
				break
			}
			row(func(v int) int { return p[v] })
		}
		for tries := 0; len(rows) < want && tries < 2*want; tries++ {
			row(func(v int) int { return r.IntN(doms[v]) })
		}
		fmt.Fprintf(&sb, "<relation name=\"R%d\" arity=\"%d\" nbTuples=\"%d\" semantics=\"supports\">%s</relation>\n",
			t, len(scope), len(rows), strings.Join(rows, "|"))
		names := make([]string, len(scope))
		for j, v := range scope {
			names[j] = fmt.Sprintf("V%03d", v)
		}
		fmt.Fprintf(&cons, "<constraint name=\"C%d\" arity=\"%d\" scope=\"%s\" reference=\"R%d\"/>\n", t, len(scope), strings.Join(names, " "), t)
	}
	sb.WriteString("</relations>\n<constraints>\n" + cons.String() + "</constraints>\n</instance>\n")
	return []byte(sb.String())
}

// price prices a generated quote of n lines, times times.
func (b *bencher) price(lines, times int) (benchResult, error) {
	if b.priced == nil {
		c, err := catalog.Parse(pricingCatalog(), "pricing.yaml")
		if err != nil {
			return benchResult{}, err
		}
		if b.priced, err = pricing.New(c, pricing.Options{}); err != nil {
			return benchResult{}, err
		}
	}
	req := pricingRequest(lines)
	return measure(times, func() error {
		_, err := b.priced.Price(b.ctx, req)
		return err
	})
}

// The pricing catalog: 200 products in 20 categories, one in twenty priced
// by a cost build-up of five components, 50 price rules each naming a
// category (a line meets about three), and 10 discount schedules.
const pricingProducts, pricingCategories = 200, 20

func pricingCatalog() []byte {
	var b strings.Builder
	b.WriteString(`id: pricing
version: "1"
effective_from: 2026-01-01
currency: EUR
cost_models:
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
	for i := range pricingProducts {
		fmt.Fprintf(&b, "  - {sku: P%03d, name: Product %d, category: cat%02d", i, i, i%pricingCategories)
		if i%20 == 0 {
			fmt.Fprintf(&b, ", parameters: {weight: 0.%d, price_per_kg: 2.4, cycle_s: %d}, pricing: {method: cost_plus, cost_model: part}", 1+i%9, 10+i%30)
		}
		b.WriteString("}\n")
	}
	b.WriteString("price_books:\n  - id: list\n    currency: EUR\n    standard: true\n    entries:\n")
	for i := range pricingProducts {
		if i%20 != 0 {
			fmt.Fprintf(&b, "      - {product: P%03d, price: %d.%02d}\n", i, 10+i, i%100)
		}
	}
	b.WriteString("discount_schedules:\n")
	for j := range 10 {
		typ, agg := "range", "none"
		if j%3 == 0 {
			typ = "slab"
		}
		if j%2 == 0 {
			agg = "category"
		}
		fmt.Fprintf(&b, "  - {id: s%d, type: %s, unit: percent, aggregate: %s, categories: [cat%02d, cat%02d], tiers: [{from: 1, to: 9, value: 0}, {from: 10, to: 49, value: %d}, {from: 50, value: 5}]}\n",
			j, typ, agg, 2*j, 2*j+1, 2+j%3)
	}
	b.WriteString("price_rules:\n")
	for i := range 50 {
		stage := "after_schedules"
		switch {
		case i >= 45:
			stage = "totals"
		case i < 40 && i%3 == 0:
			stage = "before_schedules"
		}
		fmt.Fprintf(&b, "  - id: r%02d\n    stage: %s\n    priority: %d\n    categories: [cat%02d]\n", i, stage, i, i%pricingCategories)
		switch {
		case i >= 45:
			b.WriteString("    condition: line.list_price > 50 && line.quantity > 5\n    actions: [{type: discount_percent, value: \"0.5\"}]\n")
		case i >= 40:
			b.WriteString("    condition: customer.region == \"north\"\n    actions: [{type: discount_percent, value: \"1\"}]\n")
		default:
			fmt.Fprintf(&b, "    condition: line.quantity >= %d && customer.segment == \"gold\"\n    actions: [{type: discount_percent, value: \"%d\"}]\n", i%10+1, 1+i%5)
		}
	}
	return []byte(b.String())
}

func pricingRequest(lines int) pricing.Request {
	req := pricing.Request{
		Date:     time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Customer: pricing.Customer{ID: "C1", Segment: "gold", Region: "north"},
	}
	for i := range lines {
		req.Lines = append(req.Lines, pricing.Line{
			Product:  fmt.Sprintf("P%03d", (i*37)%pricingProducts),
			Quantity: decimal.NewFromInt(int64(1 + (i*7)%60)),
		})
	}
	return req
}

// store saves (or loads) a 200-line quote in an SQLite database in a
// temporary directory, with the default full sync.
func (b *bencher) store(save bool) (benchResult, error) {
	dir, err := os.MkdirTemp("", "cpq-bench-")
	if err != nil {
		return benchResult{}, err
	}
	defer os.RemoveAll(dir)
	s, err := sqlite.Open(b.ctx, sqlite.Config{Path: filepath.Join(dir, "bench.db")})
	if err != nil {
		return benchResult{}, err
	}
	defer s.Close()
	const tenant = "bench"
	q := sample.Quote(tenant, 1, 200)
	if err := s.Create(b.ctx, q); err != nil {
		return benchResult{}, err
	}
	n := 0
	return measure(b.sizes.storeOps, func() error {
		if save {
			n++
			q.Header.Notes = fmt.Sprintf("save %d", n)
			return s.Update(b.ctx, q)
		}
		got, err := s.Get(b.ctx, tenant, q.ID)
		if err == nil && len(got.Lines) != 200 {
			err = fmt.Errorf("loaded %d lines, want 200", len(got.Lines))
		}
		return err
	})
}

// pdf renders a 20-line sample quote, whose text is in Latin and Chinese
// script; it is skipped without a font that has both.
func (b *bencher) pdf() (benchResult, error) {
	if b.font == nil {
		return benchResult{Skipped: "no font: give one with --font"}, nil
	}
	r, err := render.New(render.Config{
		Letterhead: render.Letterhead{Company: "cpqkit bench", Address: []string{"1 Example Street"}},
		Fonts:      render.Fonts{Regular: *b.font},
	})
	if err != nil {
		return benchResult{}, err
	}
	q := sample.Quote("bench", 1, 20)
	var buf bytes.Buffer
	res, err := measure(b.sizes.pdfs, func() error {
		buf.Reset()
		return r.PDF(b.ctx, &buf, q, render.Options{Language: "en"})
	})
	if errors.Is(err, render.ErrMissingGlyph) {
		return benchResult{Skipped: err.Error()}, nil
	}
	return res, err
}
