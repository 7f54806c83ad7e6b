package quote_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/quote"
)

func serverEngine(t *testing.T) *pricing.Engine {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	eng, err := pricing.New(c, pricing.Options{})
	require.NoError(t, err)
	return eng
}

func serverQuote() *quote.Quote {
	return &quote.Quote{
		ID: "q7", Tenant: "acme", Number: "Q-7", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{Account: quote.Party{ID: "C1", Name: "Contoso", Segment: "gold"}, Owner: "sam", Currency: "USD"},
		Lines: []quote.Line{
			{ID: "1", Product: "SRV-R2", Name: "R2", Quantity: d("2"), Configuration: []quote.ConfigValue{
				{Var: "cpu", Value: "X7"}, {Var: "sockets", Value: "1"}, {Var: "memory_gb", Value: "64"},
				{Var: "psu", Value: "W800"}, {Var: "ssd_960", Value: "true"}, {Var: "qty.ssd_960", Value: "2"},
			}},
			{ID: "2", Product: "SVC-CARE-3Y", Name: "Care", Quantity: d("1")},
			{ID: "3", Product: "GPU-L4", Name: "L4", Quantity: d("1"), Optional: true},
		},
	}
}

// Worked by hand from server.yaml: the R2 lists at 4200 + 1350 (X7) + 140
// (64 GB is one step of 32 GB above 32) = 5690; two of them are 11380, and
// the gold-customer rule takes 5 % off: 10811. Each server has two 960 GB
// drives at 210: 4 × 210 = 840. Care is 8 % of servers and storage:
// 8 % × (10811 + 840) = 932.08. The optional L4 (3100) does not count.
func TestPriceQuote(t *testing.T) {
	q := serverQuote()
	date := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, q.Price(context.Background(), serverEngine(t), date))

	byID := map[string]quote.Line{}
	for _, l := range q.Lines {
		byID[l.ID] = l
	}
	assert.Equal(t, "5690", byID["1"].Price.ListUnitPrice.String())
	assert.Equal(t, "10811", byID["1"].Price.NetTotal.String())
	require.Contains(t, byID, "1.ssd_960", "the drives are a derived line of the server")
	assert.Equal(t, "DRV-SSD-960", byID["1.ssd_960"].Product)
	assert.True(t, byID["1.ssd_960"].Derived)
	assert.Equal(t, "1", byID["1.ssd_960"].Parent)
	assert.Equal(t, "840", byID["1.ssd_960"].Price.NetTotal.String())
	assert.Equal(t, "932.08", byID["2"].Price.NetTotal.String())
	assert.Equal(t, "3100", byID["3"].Price.NetTotal.String(), "optional lines are priced too")

	assert.Equal(t, "12583.08", q.Totals.Net.String())
	assert.Equal(t, "13152.08", q.Totals.List.String())
	assert.Equal(t, "569", q.Totals.Discount.String())
	assert.Equal(t, "servers", q.CatalogID)
	assert.Equal(t, "2026.2", q.CatalogVersion)
	var kinds []string
	for _, s := range byID["1"].Price.Waterfall {
		kinds = append(kinds, s.Kind)
	}
	assert.Contains(t, kinds, "surcharge")
	assert.Contains(t, kinds, "rule")

	// Pricing again replaces the derived lines rather than adding more.
	n := len(q.Lines)
	require.NoError(t, q.Price(context.Background(), serverEngine(t), date))
	assert.Len(t, q.Lines, n)
}

type fixedEngines struct {
	versions map[string]*pricing.Engine
	current  *pricing.Engine
}

func (f fixedEngines) Version(_ context.Context, id, v string) (*pricing.Engine, error) {
	if e, ok := f.versions[id+"@"+v]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("no version %s@%s", id, v)
}

func (f fixedEngines) Current(context.Context, string, time.Time) (*pricing.Engine, error) {
	return f.current, nil
}

func TestRepricePinsTheCatalogVersion(t *testing.T) {
	old := serverEngine(t)
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	newer := string(data)
	newer = replaceOnce(t, newer, `version: "2026.2"`, `version: "2026.3"`)
	newer = replaceOnce(t, newer, "      - product: SRV-R2\n        price: 4200", "      - product: SRV-R2\n        price: 4400")
	c, err := catalog.Parse([]byte(newer), "server-2026.3.yaml")
	require.NoError(t, err)
	cur, err := pricing.New(c, pricing.Options{})
	require.NoError(t, err)
	engines := fixedEngines{versions: map[string]*pricing.Engine{"servers@2026.2": old}, current: cur}

	q := serverQuote()
	date := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, q.Price(context.Background(), old, date))
	diff, err := q.Reprice(context.Background(), engines, date, false)
	require.NoError(t, err)
	assert.True(t, diff.Empty(), "the pinned version gives the same prices: %+v", diff)

	diff, err = q.Reprice(context.Background(), engines, date, true)
	require.NoError(t, err)
	assert.Equal(t, "2026.3", q.CatalogVersion)
	// 200 more per server: list 5890, net 2 × 5890 × 0.95 = 11191.
	var line1 *quote.LineChange
	for i := range diff.LinesChanged {
		if diff.LinesChanged[i].Line == "1" {
			line1 = &diff.LinesChanged[i]
		}
	}
	require.NotNil(t, line1)
	assert.Contains(t, line1.Changes, quote.Change{Field: "net_total", Before: "10811", After: "11191"})

	q.Status = quote.StatusApproved
	_, err = q.Reprice(context.Background(), engines, date, false)
	assert.ErrorIs(t, err, quote.ErrLocked)
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	i := indexOf(s, old)
	require.GreaterOrEqual(t, i, 0, "%q not found", old)
	return s[:i] + new + s[i+len(old):]
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// Pricing names what the user left unnamed, from server.yaml, in the
// quote's language: the line's product name, the derived drives' product
// name, and the label of an enumerated value; a name given stays.
func TestPriceNamesLinesFromTheCatalog(t *testing.T) {
	for _, tc := range []struct {
		lang, server, drives string
	}{
		{"", "R2 rack server", "960 GB SATA SSD"},
		{"zh-CN", "R2机架式服务器", "960GB SATA固态硬盘"},
	} {
		q := serverQuote()
		q.Header.Language = tc.lang
		q.Lines[0].Name = ""
		q.Lines[0].Configuration = append(q.Lines[0].Configuration, quote.ConfigValue{Var: "chassis", Value: "2U"})
		require.NoError(t, q.Price(context.Background(), serverEngine(t), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
		byID := map[string]quote.Line{}
		for _, l := range q.Lines {
			byID[l.ID] = l
		}
		assert.Equal(t, tc.server, byID["1"].Name, tc.lang)
		assert.Equal(t, tc.drives, byID["1.ssd_960"].Name, tc.lang)
		assert.Equal(t, "Care", byID["2"].Name, "a name given is kept")
		last := byID["1"].Configuration[len(byID["1"].Configuration)-1]
		assert.Equal(t, quote.ConfigValue{Var: "chassis", Value: "2U", Label: "2U"}, last)
		assert.Empty(t, byID["1"].Configuration[0].Label, "cpu values have no names in the catalog")
	}
}
