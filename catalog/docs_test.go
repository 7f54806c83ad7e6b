package catalog_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
)

// TestCatalogGuideExamplesLoad loads every YAML example in the catalog
// authoring guide: each is a complete catalog that must load clean.
func TestCatalogGuideExamplesLoad(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "catalog.md"))
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(data, -1)
	require.GreaterOrEqual(t, len(blocks), 5)
	for i, b := range blocks {
		_, err := catalog.Parse(b[1], filepath.Join("docs", "catalog.md"))
		require.NoError(t, err, "example %d", i+1)
	}
}
