package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The -update flag rewrites golden files; it is registered here unless
// another test file of the package has done so.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

// TestPriceTable prints the office quote's lines, waterfalls and totals as
// a table; the output is the same on every run (golden file).
func TestPriceTable(t *testing.T) {
	cat, quote := filepath.Join("testdata", "office.yaml"), filepath.Join("testdata", "office-quote.yaml")
	code, out, errOut := runCmd("price", cat, quote)
	require.Equal(t, 0, code, errOut)
	goldenFile(t, "office-quote.golden", out)
	// Hand-checked: four steel desks list at (640 + 85) × 4 = 2900; the
	// 12 furniture units reach the 5 % tier (2755), gold takes 3 %
	// (2672.35), the salesperson 5 % (2538.7325), the unit price rounds to
	// 634.68 (2538.72).
	assert.Contains(t, out, "2538.7325 EUR    2538.72 EUR  unit price rounded half_even to 2 places")
	for i := 0; i < 3; i++ {
		_, again, _ := runCmd("price", cat, quote)
		require.Equal(t, out, again)
	}
}

func TestPriceJSON(t *testing.T) {
	cat, quote := filepath.Join("testdata", "office.yaml"), filepath.Join("testdata", "office-quote.yaml")
	code, out, errOut := runCmd("price", "--json", cat, quote)
	require.Equal(t, 0, code, errOut)
	goldenFile(t, "office-quote.json", out)
	var res struct {
		Currency string `json:"currency"`
		Lines    []struct {
			ID    string `json:"id"`
			Net   string `json:"net"`
			Steps []struct {
				Kind, Source, Version, Before, After, Reason string
			} `json:"steps"`
		} `json:"lines"`
		Totals struct {
			Net string `json:"net"`
		} `json:"totals"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, "EUR", res.Currency)
	assert.Equal(t, "6533.23 EUR", res.Totals.Net)
	require.Len(t, res.Lines, 5)
	assert.Equal(t, "2026.3", res.Lines[0].Steps[0].Version)
}

func TestPriceErrors(t *testing.T) {
	cat := filepath.Join("testdata", "office.yaml")
	code, out, errOut := runCmd("price", cat, filepath.Join("testdata", "office-mistakes.yaml"))
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 2, errOut)
	assert.True(t, strings.HasSuffix(lines[0], `office-mistakes.yaml:3:51: quote.invalid: "walnut" is not a value of attribute "finish" (at lines[0].values.finish)`), lines[0])
	assert.True(t, strings.HasSuffix(lines[1], `office-mistakes.yaml:4:15: quote.unknown-reference: unknown product "LAMPS"; did you mean "LAMP"? (at lines[1].product)`), lines[1])

	code, _, errOut = runCmd("price", "no-such-catalog.yaml", "q.yaml")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no-such-catalog.yaml: no such file or directory")
	code, _, _ = runCmd("price", cat)
	assert.Equal(t, 2, code)
}

// TestPriceExampleCatalogs prices a small quote against each example
// catalog that has prices.
func TestPriceExampleCatalogs(t *testing.T) {
	for _, tc := range []struct{ catalog, quote, want string }{
		{"injection-moulding.yaml", "moulding-quote.yaml", "MP-HOUSING-A"},
		{"saas.yaml", "saas-quote.yaml", "FA-PRO"},
	} {
		code, out, errOut := runCmd("price", filepath.Join("..", "..", "examples", "catalogs", tc.catalog), filepath.Join("testdata", tc.quote))
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, tc.want)
	}
}
