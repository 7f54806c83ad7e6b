package catalog_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/internal/sample"
)

func TestLargeCatalogLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("large catalog")
	}
	c, err := catalog.Parse(sample.LargeCatalog(100, 500), "large.yaml")
	require.NoError(t, err)
	s := c.Stats()
	require.Equal(t, 100, s.Products)
	require.Equal(t, 200, s.Constraints)
	require.Equal(t, 300, s.PriceRules)
}

// BenchmarkLoadLargeCatalog loads a catalog of 1,000 products and 5,000
// rules (2,000 constraints and 3,000 price rules), compiling every formula.
func BenchmarkLoadLargeCatalog(b *testing.B) {
	data := sample.LargeCatalog(1000, 5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Parse(data, "large.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
