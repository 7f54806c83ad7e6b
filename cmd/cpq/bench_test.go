package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/internal/sample"
)

// TestBenchQuick runs every scenario, scaled down, and reads the JSON
// report: one result per scenario, with as many operations as the quick
// sizes say.
func TestBenchQuick(t *testing.T) {
	code, out, errOut := runCmd("bench", "--quick", "--json")
	require.Equal(t, 0, code, errOut)
	var r benchReport
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.True(t, r.Quick)
	assert.Equal(t, runtime.NumCPU(), r.CPUs)
	assert.Equal(t, runtime.GOARCH, r.GOARCH)
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, r.Date)

	want := map[string]int{
		"catalog load, 50 products, 250 rules": 3,
		// 20 samples of 100 evaluations.
		"formula qty * unit_cost + setup": 2000,
		"formula rule condition":          2000,
		"price a 1,000-line quote":        2,
		"price a 20-line quote":           100,
		"SQLite save a 200-line quote":    5,
		"SQLite load a 200-line quote":    5,
		"PDF of a 20-line quote":          2,
	}
	names := make([]string, len(r.Scenarios))
	for i, s := range r.Scenarios {
		names[i] = s.Name
		if s.Skipped != "" {
			assert.Equal(t, "PDF of a 20-line quote", s.Name, "only the PDF may be skipped (no font)")
			continue
		}
		if n, ok := want[s.Name]; ok {
			assert.Equal(t, n, s.N, s.Name)
		} else {
			assert.Positive(t, s.N, "%s: one choice at least", s.Name)
		}
		assert.LessOrEqual(t, s.P50, s.P99, s.Name)
		assert.LessOrEqual(t, s.P99, s.Total, s.Name)
	}
	assert.Equal(t, []string{
		"catalog load, 50 products, 250 rules",
		"formula qty * unit_cost + setup",
		"formula rule condition",
		"valid domains per choice, server SRV-R2",
		"valid domains per choice, automotive-like tables (5,000 rows)",
		"price a 1,000-line quote",
		"price a 20-line quote",
		"SQLite save a 200-line quote",
		"SQLite load a 200-line quote",
		"PDF of a 20-line quote",
	}, names)
}

func TestBenchTable(t *testing.T) {
	var b strings.Builder
	require.NoError(t, printBenchReport(&b, benchReport{
		Date: "2026-11-28", GOOS: "linux", GOARCH: "amd64", CPUs: 2, Go: "go1.26.8",
		Scenarios: []benchResult{
			{Name: "formula", N: 2000, P50: 396, P99: 1500, Total: 900 * time.Microsecond},
			{Name: "price a 10,000-line quote", N: 5, P50: 72 * time.Millisecond, P99: 81500 * time.Microsecond, Total: 380 * time.Millisecond},
			{Name: "catalog load", N: 5, P50: 546 * time.Millisecond, P99: 1234 * time.Millisecond, Total: 3 * time.Second},
			{Name: "PDF", Skipped: "no font: give one with --font"},
		},
	}))
	assert.Equal(t, `cpq bench: 2026-11-28, linux/amd64, 2 CPUs, go1.26.8

scenario                      n       p50      p99     total
formula                    2000    396 ns   1.5 µs  900.0 µs
price a 10,000-line quote     5   72.0 ms  81.5 ms  380.0 ms
catalog load                  5  546.0 ms   1.23 s    3.00 s
PDF                           -         -        -         -

PDF: skipped: no font: give one with --font
`, b.String())
}

// TestTimingsPercentiles: with the durations 1 ms … 100 ms, the nearest
// rank of the 50th percentile is the 50th value and of the 99th the 99th;
// the total is 100 × 101 / 2 = 5050 ms.
func TestTimingsPercentiles(t *testing.T) {
	var tm timings
	for i := 100; i >= 1; i-- {
		tm.add(time.Duration(i)*time.Millisecond, 1)
	}
	r := tm.result()
	assert.Equal(t, benchResult{N: 100, P50: 50 * time.Millisecond, P99: 99 * time.Millisecond, Total: 5050 * time.Millisecond}, r)

	// A batch of 4 operations in 10 ms counts as 4 operations of 2.5 ms.
	var batch timings
	batch.add(10*time.Millisecond, 4)
	assert.Equal(t, benchResult{N: 4, P50: 2500 * time.Microsecond, P99: 2500 * time.Microsecond, Total: 10 * time.Millisecond}, batch.result())
}

func TestBenchGeneratedModels(t *testing.T) {
	// 3 tables of 50 rows each (the rows asked for, 150, over 3 tables);
	// the first 4 of 40 hidden configurations are in every table.
	x := string(automotiveXCSP(automotiveSpec{Vars: 6, MaxDomain: 5, Tables: 3, MaxArity: 3, Rows: 150, Products: 40}))
	assert.Equal(t, 3, strings.Count(x, "<relation "))
	assert.Equal(t, 6, strings.Count(x, "<variable "))
	assert.Contains(t, x, `<domain name="D0" nbValues="5">0..4</domain>`, "the first variable has the largest domain")
	// The large catalog: 2 constraints per product, the other rules price
	// rules.
	c := string(sample.LargeCatalog(10, 50))
	assert.Equal(t, 10, strings.Count(c, "  - sku: P-"))
	assert.Equal(t, 20, strings.Count(c, "      - id: c"))
	assert.Equal(t, 50-20, strings.Count(c, "  - id: rule"))
	assert.Equal(t, 20, len(pricingRequest(20).Lines))
	assert.Equal(t, pricingProducts, len(regexp.MustCompile(`(?m)^  - \{sku: P\d{3},`).FindAllString(string(pricingCatalog()), -1)))
}

func TestBenchArguments(t *testing.T) {
	code, _, errOut := runCmd("bench", "--quick", "--font", "no-such-font.ttf")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "cpq bench: read font: open no-such-font.ttf: no such file or directory")
	assert.NotContains(t, errOut, "running", "no scenario runs without the font asked for")

	code, _, errOut = runCmd("bench", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: cpq bench")

	code, _, _ = runCmd("bench", "--frobnicate")
	assert.Equal(t, 2, code)
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 200_000: "200,000", 1_234_567: "1,234,567"} {
		assert.Equal(t, want, thousands(n), fmt.Sprint(n))
	}
}
