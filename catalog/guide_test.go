package catalog_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// TestGuideMistakes loads guided-selling data with deliberate mistakes;
// each is reported at the line and column of the offending text, found by
// hand in the file.
func TestGuideMistakes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "guide_mistakes.yaml"))
	require.NoError(t, err)
	_, err = catalog.Parse(data, "guide_mistakes.yaml")
	var list catalog.Errors
	require.ErrorAs(t, err, &list)

	type want struct {
		line, col int
		code      string
		path      string
	}
	wants := []want{
		{17, 69, "catalog.unknown-reference", "products[0].capabilities[0].values.xl"}, // size has no value xl
		{19, 27, "catalog.unknown-reference", "products[0].capabilities[2].from"},      // no attribute colour
		{21, 50, "catalog.invalid", "products[0].packages[0].choices.size"},            // two values
		{22, 72, "catalog.range", "products[0].packages[1].quantities.lid"},            // 9 > max 4
		{24, 9, "catalog.invalid", "products[0].suggestions[0]"},                       // set and add_product
		{28, 28, "catalog.conflict", "products[1].capabilities[0].unit"},               // kg here, mm on BOX
		{32, 29, "catalog.unknown-reference", "questionnaires[0].recommends.products[0]"},
		{39, 22, "catalog.cycle", "questionnaires[0].steps[0].questions[0].visible"}, // count is asked later
		{41, 44, "catalog.unknown-reference", "questionnaires[0].steps[0].questions[0].options[0].require.colour"},
		{42, 50, "catalog.unknown-reference", "questionnaires[0].steps[0].questions[0].options[1].require.size"},
		{43, 48, "formula.unknown-member", "questionnaires[0].steps[0].questions[0].options[2].fits"},
		{44, 50, "catalog.invalid", "questionnaires[0].steps[0].questions[0].options[3].require.size"},       // a range on an enum
		{44, 67, "catalog.empty-domain", "questionnaires[0].steps[0].questions[0].options[3].require.depth"}, // depth ≤ 50
		{49, 22, "catalog.invalid", "questionnaires[0].steps[0].questions[1].options[0].id"},                 // maybe
		{54, 15, "catalog.invalid", "questionnaires[0].steps[0].questions[2].options"},                       // a number with options
		{56, 9, "catalog.required", "questionnaires[0].rules[0]"},                                            // no consequence
		{62, 22, "catalog.unknown-reference", "selectors[0].needs[0].capability"},
		{63, 51, "formula.syntax", "selectors[0].needs[1].min"},
	}
	require.Len(t, list, len(wants), "problems:\n%s", list.Error())
	for i, w := range wants {
		got := list[i]
		assert.Equal(t, w.line, got.Pos.Line, "problem %d: %s", i, got)
		assert.Equal(t, w.col, got.Pos.Column, "problem %d: %s", i, got)
		assert.Equal(t, w.code, got.Code, "problem %d: %s", i, got)
		assert.Equal(t, w.path, got.Path, "problem %d: %s", i, got)
	}
}

// The example server's guided-selling data: ranges resolved to values,
// capabilities by configuration.
func TestServerGuideData(t *testing.T) {
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	q, err := c.Questionnaire("server_sizing")
	require.NoError(t, err)
	db := q.Steps[0].Questions[0].Options[0]
	require.Equal(t, "database", db.ID)
	mem := db.Require[0]
	assert.Equal(t, "memory_gb", mem.Var)
	// {min: 256} of 32..1024 in steps of 32: 256, 288, …, 1024.
	require.Len(t, mem.Allowed(), 25)
	assert.Equal(t, "256", mem.Allowed()[0])
	assert.Equal(t, []string{"true"}, db.Require[1].Allowed())

	p, err := c.Product("SRV-R2")
	require.NoError(t, err)
	cores := p.Capability("cores")
	require.NotNil(t, cores)
	lo, hi, ok := cores.Range(c, p)
	require.True(t, ok)
	assert.Equal(t, "16", lo.String())
	assert.Equal(t, "32", hi.String())
	unit, ok := c.CapabilityUnit("memory")
	assert.True(t, ok)
	assert.Equal(t, "GB", unit)
	pk, err := p.Package("best")
	require.NoError(t, err)
	assert.Equal(t, 4, pk.Quantities["nvme_3840"])
	_, err = p.Package("platinum")
	assert.ErrorIs(t, err, catalog.ErrNotFound)
	_, err = c.Questionnaire("nope")
	assert.ErrorIs(t, err, catalog.ErrNotFound)
}

func TestConvertUnit(t *testing.T) {
	tests := []struct {
		value, from, to, want string
	}{
		{"1", "t", "kg", "1000"},
		{"420", "g", "kg", "0.42"},
		{"25.4", "mm", "in", "1"},
		{"1", "lb", "g", "453.59237"},
		{"2.5", "MN", "kN", "2500"},
		{"0.5", "TB", "GB", "500"},
		{"1", "t", "lb", "2204.622621848776"},
		{"7", "users", "users", "7"},
	}
	for _, tt := range tests {
		got, err := catalog.ConvertUnit(decimal.RequireFromString(tt.value), tt.from, tt.to)
		require.NoError(t, err, "%s %s → %s", tt.value, tt.from, tt.to)
		assert.Equal(t, tt.want, got.String(), "%s %s → %s", tt.value, tt.from, tt.to)
	}
	for _, bad := range [][2]string{{"mm", "kg"}, {"t", "kN"}, {"furlong", "m"}, {"", "mm"}} {
		_, err := catalog.ConvertUnit(decimal.NewFromInt(1), bad[0], bad[1])
		assert.ErrorIs(t, err, catalog.ErrUnit, "%s → %s", bad[0], bad[1])
	}

	m, err := catalog.ParseMeasure("0.42kg")
	require.NoError(t, err)
	assert.Equal(t, catalog.Measure{Value: decimal.RequireFromString("0.42"), Unit: "kg"}, m)
	g, err := m.In("g")
	require.NoError(t, err)
	assert.Equal(t, "420", g.String())
	m, err = catalog.ParseMeasure("12")
	require.NoError(t, err)
	assert.Equal(t, "12", m.String())
	_, err = catalog.ParseMeasure("kg")
	assert.ErrorIs(t, err, catalog.ErrUnit)
}

// FuzzParseMeasure: any text either parses to an amount whose text (when
// not too long) parses back to the same measure, or is refused with
// ErrUnit.
func FuzzParseMeasure(f *testing.F) {
	for _, s := range []string{"420 g", "0.42kg", "12", "1e3 mm", "-5 t", "kg", "", "1_000 m", "3.5 t/cm2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := catalog.ParseMeasure(s)
		if err != nil {
			assert.ErrorIs(t, err, catalog.ErrUnit)
			return
		}
		if len(m.String()) > 256 {
			return // ParseMeasure reads at most 256 characters
		}
		back, err := catalog.ParseMeasure(m.String())
		require.NoError(t, err, "%q → %q", s, m.String())
		assert.True(t, back.Value.Equal(m.Value), "%q → %q", s, m.String())
	})
}
