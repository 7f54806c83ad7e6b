package render_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/render"
)

func TestCSV(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	var b bytes.Buffer
	require.NoError(t, newRenderer(t, render.Config{Approvals: approvedBy(approvalTime, "Dana Fischer")}).CSV(context.Background(), &b, q, render.Options{}))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 7)
	assert.Equal(t, render.CSVHeader, rows[0])
	assert.Equal(t, []string{"Q-2026-0042", "2", "approved", "1", "10", "", "Floor 1", "DESK", "Standing desk",
		"Electric height adjustment, 160 × 80 cm", "finish=steel;top=oak", "4", "pcs", "725", "652.5", "10", "2610",
		"EUR", "false", "0", "false", "", "false", "true"}, rows[1])
	assert.Equal(t, []string{"Q-2026-0042", "2", "approved", "1.1", "10.1", "10", "Floor 1", "DRAWER", "Drawer unit",
		"", "", "4", "pcs", "120", "120", "0", "480", "EUR", "false", "0", "false", "", "false", "true"}, rows[2])
	assert.Equal(t, []string{"Q-2026-0042", "2", "approved", "3", "30", "", "Floor 1", "LAMP", "Desk lamp",
		"", "", "4", "pcs", "45", "45", "0", "180", "EUR", "false", "0", "true", "", "false", "false"}, rows[4])
	assert.Equal(t, []string{"Q-2026-0042", "2", "approved", "5", "50", "", "Services", "CARE", "Care plan",
		"Inspection and repairs, billed monthly", "", "1", "plan", "25", "25", "0", "300", "EUR", "true", "12", "false", "", "false", "true"}, rows[6])

	b.Reset()
	require.NoError(t, newRenderer(t, render.Config{}).CSV(context.Background(), &b, q, render.Options{}))
	rows, err = csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, "draft", rows[1][2])
}

func TestJSON(t *testing.T) {
	q := loadQuote(t, "quote-zh.json")
	var b bytes.Buffer
	r := newRenderer(t, render.Config{Letterhead: letterhead(), Approvals: approvedBy(approvalTime, "赵敏")})
	require.NoError(t, r.JSON(context.Background(), &b, q, render.Options{}))
	var d render.Document
	require.NoError(t, json.Unmarshal(b.Bytes(), &d))
	assert.False(t, d.Draft)
	assert.Equal(t, q.Seal, d.Seal)
	assert.Equal(t, "¥36,205.20", d.Totals[4].Amount)
	assert.Equal(t, "合计", d.Totals[4].Label)
	assert.Equal(t, "¥23,040.00", d.Groups[0].Rows[0].Total)
	assert.True(t, d.Letterhead.HasLogo)
	assert.Equal(t, "报价单", d.Labels["title"])
	assert.NotContains(t, b.String(), "iVBOR", "the logo's bytes are not in the model")
	assert.Contains(t, b.String(), `"seal_short": "`+render.SealShort(q.Seal)+`"`)
}
