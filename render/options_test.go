package render_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// The document lists what a line includes: an option not taken and a
// quantity of zero are left out, a labelled value shows its label.
func TestDocumentListsWhatTheLineIncludes(t *testing.T) {
	q := &quote.Quote{
		ID: "q1", Tenant: "acme", Number: "Q-1", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{Account: quote.Party{ID: "C1", Name: "Contoso"}, Currency: "USD"},
		Lines: []quote.Line{{ID: "1", Product: "SRV-R2", Name: "R2 rack server", Quantity: decimal.NewFromInt(1),
			Configuration: []quote.ConfigValue{
				{Var: "chassis", Value: "2U", Label: "2U rack"},
				{Var: "cpu", Value: "X7"},
				{Var: "redundant_psu", Value: "false"},
				{Var: "ssd_960", Value: "true"},
				{Var: "qty.ssd_960", Value: "2"},
				{Var: "qty.hdd_8t", Value: "0"},
			}}},
	}
	doc, err := newRenderer(t, render.Config{}).Document(context.Background(), q, render.Options{})
	require.NoError(t, err)
	require.NotEmpty(t, doc.Groups)
	require.NotEmpty(t, doc.Groups[0].Rows)
	assert.Equal(t, []string{"Chassis: 2U rack", "Cpu: X7", "Ssd 960: true", "Qty.ssd 960: 2"}, doc.Groups[0].Rows[0].Options)
}
