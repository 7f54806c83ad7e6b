package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	toolsOld    = filepath.Join("testdata", "diffcatalog", "old.yaml")
	toolsNew    = filepath.Join("testdata", "diffcatalog", "new.yaml")
	toolsQuotes = filepath.Join("testdata", "diffcatalog", "quotes")
)

// TestDiffCatalog re-prices the tool quotes under the next catalog version
// (drills 5 % dearer, a bulk discount of 12 % from five drills instead of
// 10 % from ten, the saw blade gone).
func TestDiffCatalog(t *testing.T) {
	code, out, errOut := runCmd("diff-catalog", toolsOld, toolsNew, "--quotes", toolsQuotes)
	require.Equal(t, 0, code, errOut)
	goldenFile(t, filepath.Join("diffcatalog", "report.golden"), filepath.ToSlash(out))
	for i := 0; i < 3; i++ {
		_, again, _ := runCmd("diff-catalog", "--quotes", toolsQuotes, toolsOld, toolsNew)
		require.Equal(t, out, again)
	}

	code, out, errOut = runCmd("diff-catalog", "--json", toolsOld, toolsNew, "--quotes", toolsQuotes)
	require.Equal(t, 0, code, errOut)
	var r impactReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, catalogRef{File: toolsOld, ID: "tools", Version: "2026.1"}, r.Old)
	assert.Equal(t, "2026.2", r.New.Version)
	assert.Equal(t, impactSummary{Quotes: 5, Changed: 3, Unchanged: 1, FailNew: 1}, r.Summary)
	require.Len(t, r.Quotes, 5)
	byFile := map[string]*quoteImpact{}
	for _, q := range r.Quotes {
		byFile[q.File] = q
	}

	// Ten drills: 1200 − 10 % = 1080 before; 1260 − 12 % = 1108.80 after;
	// 28.80 ÷ 1080 = 2.67 %.
	a := byFile["a-drills.yaml"]
	assert.Equal(t, quoteImpact{File: "a-drills.yaml", Status: impactChanged, Currency: "USD", OldNet: "1080.00 USD", NewNet: "1108.80 USD",
		Change: "+28.80 USD", Percent: "+2.67%",
		Lines: []*lineImpact{{ID: "drills", Product: "DRILL", Status: impactChanged, OldNet: "1080.00 USD", NewNet: "1108.80 USD", Change: "+28.80 USD", Percent: "+2.67%"}}}, *a)

	assert.Equal(t, impactUnchanged, byFile["b-saw.yaml"].Status)
	assert.Equal(t, "0.00 USD", byFile["b-saw.yaml"].Change)

	// The blade is gone: the quote is reported, not fatal.
	c := byFile["c-blades.yaml"]
	assert.Equal(t, impactFailNew, c.Status)
	assert.Equal(t, "130.00 USD", c.OldNet)
	assert.Contains(t, c.NewError, `c-blades.yaml:4:27: quote.unknown-reference: unknown product "BLADE"`)

	// Six drills now reach the bulk discount: 720 → 756 − 12 % = 665.28,
	// − 7.60 %; the three saws stay at 240.
	d := byFile["d-mixed.yaml"]
	assert.Equal(t, "-54.72 USD", d.Change)
	assert.Equal(t, "-5.70%", d.Percent)
	require.Len(t, d.Lines, 2)
	assert.Equal(t, lineImpact{ID: "drills", Product: "DRILL", Status: impactChanged, OldNet: "720.00 USD", NewNet: "665.28 USD", Change: "-54.72 USD", Percent: "-7.60%"}, *d.Lines[0])
	assert.Equal(t, impactUnchanged, d.Lines[1].Status)

	// Totals by currency, over the quotes priced under both catalogs:
	// USD 1080 + 80 + 960 = 2120 → 1108.80 + 80 + 905.28 = 2094.08.
	require.Len(t, r.Totals, 2)
	assert.Equal(t, impactTotals{Currency: "EUR", Quotes: 1, OldNet: "220.00 EUR", NewNet: "231.00 EUR", Change: "+11.00 EUR", Percent: "+5.00%"}, *r.Totals[0])
	assert.Equal(t, impactTotals{Currency: "USD", Quotes: 3, OldNet: "2120.00 USD", NewNet: "2094.08 USD", Change: "-25.92 USD", Percent: "-1.22%"}, *r.Totals[1])
}

// TestDiffCatalogAddedAndRemovedLines compares lines by ID: a line only
// one catalog prices is reported as added or removed.
func TestDiffCatalogAddedAndRemovedLines(t *testing.T) {
	dir := t.TempDir()
	quotes := filepath.Join(dir, "quotes")
	require.NoError(t, os.Mkdir(quotes, 0o755))
	cat := func(name, extra string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(`id: kit
version: "`+name+`"
effective_from: 2026-01-01
currency: EUR
products:
  - {sku: KIT, name: Kit}
  - {sku: GIFT, name: Gift}
price_books:
  - {id: list, currency: EUR, standard: true, entries: [{product: KIT, price: 50}, {product: GIFT, price: 5}]}
`+extra), 0o644))
		return path
	}
	oldCat := cat("1", "")
	newCat := cat("2", `price_rules:
  - id: free_gift
    products: [KIT]
    condition: "true"
    actions: [{type: add_product, product: GIFT, quantity: 1, discount: 100}]
`)
	require.NoError(t, os.WriteFile(filepath.Join(quotes, "q.yaml"), []byte("date: 2026-03-02\nlines: [{id: kit, product: KIT, quantity: 1}]\n"), 0o644))

	code, out, errOut := runCmd("diff-catalog", "--json", oldCat, newCat, "--quotes", quotes)
	require.Equal(t, 0, code, errOut)
	var r impactReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	q := r.Quotes[0]
	// The gift is free: the total does not move, but the quote changed.
	assert.Equal(t, impactChanged, q.Status)
	assert.Equal(t, "0.00 EUR", q.Change)
	require.Len(t, q.Lines, 2)
	assert.Equal(t, impactUnchanged, q.Lines[0].Status)
	assert.Equal(t, impactAdded, q.Lines[1].Status)
	assert.Equal(t, "GIFT", q.Lines[1].Product)
	assert.Equal(t, "0.00 EUR", q.Lines[1].NewNet)

	// The other way round, the gift line is removed.
	code, out, errOut = runCmd("diff-catalog", newCat, oldCat, "--quotes", quotes)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "(removed)")
}

func TestDiffCatalogErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff-catalog", toolsOld, toolsNew}, "usage: cpq diff-catalog"},
		{[]string{"diff-catalog", toolsOld, "--quotes", toolsQuotes}, "usage: cpq diff-catalog"},
		{[]string{"diff-catalog", "no-such.yaml", toolsNew, "--quotes", toolsQuotes}, "no-such.yaml"},
		{[]string{"diff-catalog", toolsOld, filepath.Join("testdata", "test", "mistakes.test.yaml"), "--quotes", toolsQuotes}, "mistakes.test.yaml:1:1: catalog.unknown-key"},
		{[]string{"diff-catalog", toolsOld, toolsNew, "--quotes", "no-such-dir"}, "no-such-dir"},
		{[]string{"diff-catalog", toolsOld, toolsNew, "--quotes", empty}, "no quote files"},
	} {
		code, out, errOut := runCmd(tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.Contains(t, errOut, tc.want, "%v", tc.args)
	}
}
