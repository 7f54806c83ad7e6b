package catalog_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadErrors(t *testing.T, src string) catalog.Errors {
	t.Helper()
	c, err := catalog.Parse([]byte(src), "test.yaml")
	require.Error(t, err)
	require.Nil(t, c)
	require.ErrorIs(t, err, catalog.ErrInvalid)
	var list catalog.Errors
	require.ErrorAs(t, err, &list)
	return list
}

// TestSeededMistakes loads a catalog with eighteen deliberate mistakes and
// checks that each is reported at the line and column worked out by hand
// from the file (columns count from 1 at the first character of the line).
func TestSeededMistakes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mistakes.yaml"))
	require.NoError(t, err)
	_, err = catalog.Parse(data, "mistakes.yaml")
	var list catalog.Errors
	require.ErrorAs(t, err, &list)

	type want struct {
		line, col int
		code      string
		path      string
	}
	wants := []want{
		{11, 5, "catalog.unknown-key", "products[0].categroy"}, // typo for category
		{15, 17, "catalog.empty-domain", "products[0].attributes[0].values"},
		{18, 14, "catalog.range", "products[0].attributes[1].min"}, // min 10 > max 5
		{23, 18, "catalog.invalid", "products[0].attributes[2].default"},
		{26, 14, "catalog.type", "products[0].features[0].min"}, // "many" is not a number
		{28, 32, "catalog.unknown-reference", "products[0].features[0].options[0].product"},
		{33, 26, "catalog.unknown-reference", "products[0].constraints[0].requires.then.colour"},
		{35, 20, "catalog.unknown-reference", "products[0].constraints[1].excludes.shape"},
		{41, 15, "catalog.invalid", "products[0].constraints[2].table.allowed[1]"}, // one value for two variables
		{43, 0, "formula.syntax", "products[0].constraints[3].expr"},               // column checked below
		{45, 15, "formula.unknown-name", "products[0].constraints[4].expr"},
		{46, 10, "catalog.duplicate-id", "products[1].sku"},
		{50, 15, "catalog.invalid", "price_books[0].currency"}, // EURO is not ISO 4217
		{53, 19, "catalog.unknown-reference", "price_books[0].entries[1].product"},
		{57, 26, "catalog.cycle", "cost_models[0].components[0].formula"}, // a needs b needs a
		{65, 16, "catalog.tier-overlap", "discount_schedules[0].tiers[1].from"},
		{67, 5, "catalog.cycle", "price_rules[0]"}, // r1 reads band set by r2, which reads tier set by r1
		{78, 15, "catalog.invalid", "approval_rules[0].approver"},
	}
	require.Len(t, list, len(wants), "problems:\n%s", list.Error())
	for i, w := range wants {
		got := list[i]
		assert.Equal(t, "mistakes.yaml", got.Pos.File)
		assert.Equal(t, w.line, got.Pos.Line, "problem %d: %s", i, got)
		if w.col > 0 {
			assert.Equal(t, w.col, got.Pos.Column, "problem %d: %s", i, got)
		}
		assert.Equal(t, w.code, got.Code, "problem %d: %s", i, got)
		assert.Equal(t, w.path, got.Path, "problem %d: %s", i, got)
	}
	// `expr: colour == "red" &&` starts at column 15 and is 18 characters
	// long: the missing operand is reported at the && or just after it.
	assert.GreaterOrEqual(t, list[9].Pos.Column, 15+16-1)
	assert.LessOrEqual(t, list[9].Pos.Column, 15+18)

	var b strings.Builder
	for _, e := range list {
		fmt.Fprintln(&b, e.Error())
	}
	golden(t, filepath.Join("testdata", "mistakes.golden"), b.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestExampleCatalogsLoadClean(t *testing.T) {
	for _, name := range catalogs.Files {
		t.Run(name, func(t *testing.T) {
			c, err := catalog.LoadFS(catalogs.FS, name)
			require.NoError(t, err)
			assert.NotEmpty(t, c.Products)
		})
	}
}

func TestServerCatalogContent(t *testing.T) {
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	p, err := c.Product("SRV-R2")
	require.NoError(t, err)
	assert.Equal(t, "R2机架式服务器", p.Name.In("zh-CN"))
	assert.Equal(t, "R2 rack server", p.Name.In("en-GB"), "falls back to the base language")
	vars := c.Variables(p)
	ids := make([]string, len(vars))
	for i, v := range vars {
		ids[i] = v.ID
	}
	assert.Equal(t, []string{"chassis", "cpu", "sockets", "memory_gb", "cooling", "psu", "redundant_psu",
		"ssd_960", "nvme_3840", "hdd_8t", "nic_25g", "nic_100g", "gpu_l4", "gpu_h100"}, ids)
	mem, err := c.Variable(p, "memory_gb")
	require.NoError(t, err)
	dom := mem.Domain()
	assert.Len(t, dom, 32, "32..1024 step 32")
	assert.Equal(t, "32", dom[0])
	assert.Equal(t, "1024", dom[31])

	_, err = c.Product("SRV-R3")
	assert.ErrorIs(t, err, catalog.ErrNotFound)

	s := c.Stats()
	assert.Equal(t, 9, s.Products)
	assert.Equal(t, 7, s.Constraints)
	assert.Equal(t, 4, s.ApprovalRules)
}

func TestMouldingCostModelFormulasCompile(t *testing.T) {
	c, err := catalog.LoadFS(catalogs.FS, "injection-moulding.yaml")
	require.NoError(t, err)
	m, err := c.CostModel("moulded_part")
	require.NoError(t, err)
	require.Len(t, m.Components, 6)
	assert.Equal(t, []string{"cavities", "cycle_time_s", "labour_rate_per_hour", "operators_per_press"},
		m.Components[2].Formula.Program().Variables())
	p, err := c.Product("MP-HOUSING-A")
	require.NoError(t, err)
	in := p.Pricing.Inputs["resin_price"]
	require.NotNil(t, in.Program())
	got, err := in.Program().EvalDecimal(map[string]any{"resin": "PC"})
	require.NoError(t, err)
	assert.Equal(t, "3.8", got.String())
}

// TestJSONCatalog loads a catalog written in JSON: positions point into the
// JSON text.
func TestJSONCatalog(t *testing.T) {
	src := `{
  "id": "j",
  "version": "1",
  "effective_from": "2026-03-01",
  "currency": "USD",
  "products": [
    {"sku": "A", "name": "Thing", "colour": "red"}
  ]
}`
	list := loadErrors(t, src)
	require.Len(t, list, 1)
	assert.Equal(t, 7, list[0].Pos.Line)
	assert.Equal(t, 35, list[0].Pos.Column)
	assert.Equal(t, catalog.CodeUnknownKey, list[0].Code)

	ok := strings.Replace(src, `, "colour": "red"`, "", 1)
	c, err := catalog.Parse([]byte(ok), "j.json")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), c.EffectiveFrom)
}

func TestSyntaxError(t *testing.T) {
	list := loadErrors(t, "id: x\nproducts: [\n")
	require.Len(t, list, 1)
	assert.Equal(t, catalog.CodeSyntax, list[0].Code)
	assert.Equal(t, 2, list[0].Pos.Line)
}

func TestDecimalsAreExact(t *testing.T) {
	src := `
id: d
version: "1"
effective_from: 2026-01-01
currency: USD
products:
  - {sku: A, name: A}
price_books:
  - id: b
    currency: USD
    entries:
      - {product: A, price: 0.1}
`
	c, err := catalog.Parse([]byte(src), "d.yaml")
	require.NoError(t, err)
	b, err := c.PriceBook("b")
	require.NoError(t, err)
	assert.True(t, b.Entries[0].Price.Equal(decimal.RequireFromString("0.1")), "0.1 read from its text, not through float64")
	assert.Equal(t, "0.1", b.Entries[0].Price.String())
}

func TestBuildFromGoRunsTheSameChecks(t *testing.T) {
	hundred := decimal.NewFromInt(100)
	c := &catalog.Catalog{
		ID: "go", Version: "1", Currency: "USD",
		EffectiveFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Products: []*catalog.Product{{
			SKU: "P", Name: catalog.Text{"en": "P"},
			Attributes: []*catalog.Attribute{{ID: "size", Type: catalog.AttrEnum, Values: []*catalog.Value{{ID: "s"}, {ID: "m"}}}},
			Constraints: []*catalog.Constraint{{
				ID: "c", Expr: catalog.Expr{Source: `size == "xl" || sizes == "m"`},
			}},
		}},
		PriceBooks: []*catalog.PriceBook{{ID: "b", Currency: "USD", Entries: []*catalog.PriceEntry{{Product: "P", Price: &hundred}}}},
	}
	_, err := catalog.Build(c)
	var list catalog.Errors
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	assert.Equal(t, "formula.unknown-name", list[0].Code)
	assert.Equal(t, "products[0].constraints[0].expr", list[0].Path)

	c.Products[0].Constraints[0].Expr.Source = `size == "s" || size == "m"`
	built, err := catalog.Build(c)
	require.NoError(t, err)
	p, err := built.Product("P")
	require.NoError(t, err)
	assert.Equal(t, "P", p.SKU)
}

func TestProblemsAreSpecific(t *testing.T) {
	head := "id: t\nversion: \"1\"\neffective_from: 2026-01-01\ncurrency: USD\n"
	tests := []struct {
		name string
		body string
		code string
		msg  string
	}{
		{"duplicate key", "products: []\nversion: \"\"\n", "catalog.duplicate-key", `key "version" appears twice`},
		{"unknown option product kind", "products:\n  - {sku: A, name: A, kind: gadget}\n", "catalog.invalid",
			`kind is "gadget"; must be one of standard, configurable, bundle, service, subscription`},
		{"group min above options", "products:\n  - sku: A\n    name: A\n    features:\n      - {id: g, min: 2, options: [{id: o, product: B}]}\n  - {sku: B, name: B}\n",
			"catalog.empty-domain", `feature group "g" needs at least 2 options but has 1`},
		{"both markup and margin", "products:\n  - {sku: A, name: A, pricing: {method: formula, formula: \"1\", markup: 0.1, margin: 0.2}}\n",
			"catalog.conflict", "give a markup on cost or a margin on price, not both"},
		{"unknown cost model", "products:\n  - {sku: A, name: A, pricing: {method: cost_plus, cost_model: cm}}\n",
			"catalog.unknown-reference", `unknown cost model "cm"`},
		{"price formula wrong type", "products:\n  - {sku: A, name: A, pricing: {method: formula, formula: '\"x\"'}}\n",
			"formula.type", ""},
		{"parent cycle", "price_books:\n  - {id: a, currency: USD, parent: b}\n  - {id: b, currency: USD, parent: a}\n",
			"catalog.cycle", `price book "a" is its own ancestor`},
		{"unknown table in formula", "products:\n  - {sku: A, name: A, pricing: {method: formula, formula: 'lookup(\"nope\", \"x\")'}}\n",
			"formula.unknown-table", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := loadErrors(t, head+tt.body)
			var codes []string
			for _, e := range list {
				codes = append(codes, e.Code)
				if e.Code == tt.code && (tt.msg == "" || strings.Contains(e.Message, tt.msg)) {
					return
				}
			}
			t.Fatalf("no %s problem with %q; got %v:\n%s", tt.code, tt.msg, codes, list.Error())
		})
	}
}

func TestVersionsPickByDate(t *testing.T) {
	load := func(version, from string) *catalog.Catalog {
		src := fmt.Sprintf("id: v\nversion: %q\neffective_from: %s\ncurrency: EUR\nproducts: [{sku: A, name: A}]\n", version, from)
		c, err := catalog.Parse([]byte(src), version+".yaml")
		require.NoError(t, err)
		return c
	}
	v1, v2 := load("1", "2026-01-01"), load("2", "2026-07-01")
	vs, err := catalog.NewVersions(v2, v1)
	require.NoError(t, err)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tt := range []struct{ date, want string }{
		{"2026-01-01", "1"}, {"2026-06-30", "1"}, {"2026-07-01", "2"}, {"2027-01-01", "2"},
	} {
		c, err := vs.At(day(tt.date))
		require.NoError(t, err)
		assert.Equal(t, tt.want, c.Version, tt.date)
	}
	_, err = vs.At(day("2025-12-31"))
	assert.ErrorIs(t, err, catalog.ErrNotFound)

	_, err = catalog.NewVersions(v1, load("1b", "2026-01-01"))
	assert.ErrorContains(t, err, "take effect on the same day")
	_, err = catalog.NewVersions(v1, v1)
	assert.ErrorContains(t, err, `version "1" of catalog "v" appears twice`)
	var ce *catalog.Error
	assert.True(t, errors.As(err, &ce))
}
