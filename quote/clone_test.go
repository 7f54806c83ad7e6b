package quote_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/quote"
)

type catalogModels struct{ c *catalog.Catalog }

func (m catalogModels) Model(_ context.Context, sku string) (*configurator.Model, error) {
	return configurator.Compile(m.c, sku)
}

// A newer catalog retires the X7 processor: the clone keeps every other
// choice and reports the X7 as dropped.
func TestCloneRevalidatesConfigurations(t *testing.T) {
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	newer := replaceOnce(t, string(data), "values: [X5, X7, X9]", "values: [X5, {id: X7, retired: true}, X9]")
	c, err := catalog.Parse([]byte(newer), "server.yaml")
	require.NoError(t, err)

	q := serverQuote()
	q.Status = quote.StatusPresented
	q.Seal = "sha256:x"
	q.Lines = append(q.Lines, quote.Line{ID: "1.ssd_960", Product: "DRV-SSD-960", Quantity: d("4"), Parent: "1", Derived: true})
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	clone, report, err := q.CloneAs(context.Background(), "q8", "Q-8", at, catalogModels{c})
	require.NoError(t, err)
	assert.Equal(t, "Q-8", clone.Number)
	assert.Equal(t, 1, clone.Revision)
	assert.Equal(t, quote.StatusDraft, clone.Status)
	assert.Empty(t, clone.Seal)
	assert.Len(t, clone.Lines, 3, "the derived line is left for pricing to make again")
	require.Len(t, report, 1)
	assert.Equal(t, "1", report[0].Line)
	require.Len(t, report[0].Dropped, 1)
	assert.Equal(t, configurator.Choice{Var: "cpu", Value: "X7"}, report[0].Dropped[0].Choice)
	var vars []string
	for _, v := range clone.Lines[0].Configuration {
		vars = append(vars, v.Var)
	}
	assert.Equal(t, []string{"sockets", "memory_gb", "psu", "ssd_960", "qty.ssd_960"}, vars)
	assert.Equal(t, "Q-7", q.Number, "the original is untouched")
	assert.Len(t, q.Lines[0].Configuration, 6)
}
