package guide_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/examples/catalogs"
)

func mouldingGuide(t testing.TB) *guide.Guide {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "injection-moulding.yaml")
	require.NoError(t, err)
	g, err := guide.New(c)
	require.NoError(t, err)
	return g
}

func measure(t testing.TB, s string) catalog.Measure {
	t.Helper()
	m, err := catalog.ParseMeasure(s)
	require.NoError(t, err)
	return m
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The press for a 120 × 80 mm part with a 42.5 g shot in a 4-cavity mould,
// worked by hand from the selector in injection-moulding.yaml:
//
//	clamp force   ≥ 120 × 80 / 100 cm² × 4 × 0.35 t/cm² = 134.4 t
//	shot capacity ≥ 42.5 g × 4 × 1.25                     = 212.5 g
//	tie bars      ≥ max(120, 80) + 200 mm                 = 320 mm
//
// P80 has 80 t; P150 has 150 t, 420 g and 470 mm: the smallest press that
// does the job. The same part given in m, cm and kg gives the same answer.
func TestSelectPress(t *testing.T) {
	g := mouldingGuide(t)
	for _, inputs := range []map[string]string{
		{"part_length": "120 mm", "part_width": "80 mm", "shot_weight": "42.5 g", "cavities": "4"},
		{"part_length": "0.12 m", "part_width": "8 cm", "shot_weight": "0.0425 kg", "cavities": "4"},
	} {
		in := map[string]catalog.Measure{}
		for k, v := range inputs {
			in[k] = measure(t, v)
		}
		sel, err := g.Select(context.Background(), guide.SelectRequest{Selector: "press_for_part", Inputs: in})
		require.NoError(t, err)
		require.Len(t, sel.Needs, 3)
		assert.True(t, dec("134.4").Equal(sel.Needs[0].Min.Value), sel.Needs[0].Min.String())
		assert.Equal(t, "t", sel.Needs[0].Min.Unit)
		assert.True(t, dec("212.5").Equal(sel.Needs[1].Min.Value), sel.Needs[1].Min.String())
		assert.True(t, dec("320").Equal(sel.Needs[2].Min.Value), sel.Needs[2].Min.String())

		require.Len(t, sel.Candidates, 1)
		c := sel.Candidates[0]
		assert.Equal(t, "MP-CUSTOM", c.Product)
		require.NotNil(t, c.Configuration)
		press, _ := c.Configuration.Value("press")
		assert.Equal(t, "P150", press)
		assert.Equal(t, "150 t", c.Delivers[0].Amount.String())
		assert.Equal(t, "420 g", c.Delivers[1].Amount.String())
		assert.Equal(t, "470 mm", c.Delivers[2].Amount.String())
		assert.Empty(t, sel.Unmet)
		assert.Empty(t, sel.Nearest)
	}
}

// A 300 × 250 mm part in four cavities needs 300 × 250 / 100 × 4 × 0.35 =
// 1050 t; the largest press has 250 t: 800 t short, 800 / 1050 = 0.7619 of
// the need. The other needs are met (500 g ≤ 900 g, 500 mm ≤ 620 mm).
func TestSelectUnmetNeed(t *testing.T) {
	g := mouldingGuide(t)
	sel, err := g.Select(context.Background(), guide.SelectRequest{Selector: "press_for_part", Inputs: map[string]catalog.Measure{
		"part_length": measure(t, "300 mm"), "part_width": measure(t, "250 mm"), "shot_weight": measure(t, "100 g"), "cavities": measure(t, "4"),
	}})
	require.NoError(t, err)
	assert.Empty(t, sel.Candidates)
	require.Len(t, sel.Unmet, 1)
	u := sel.Unmet[0]
	assert.Equal(t, "clamp_force", u.Need.Capability)
	require.Len(t, u.Nearest, 1)
	miss := u.Nearest[0].Misses[0]
	assert.Equal(t, "MP-CUSTOM", u.Nearest[0].Product)
	assert.Equal(t, "250 t", miss.Best.String())
	assert.Equal(t, "800 t", miss.Short.String())
	assert.Equal(t, "0.7619", miss.Ratio.String())
	require.Len(t, sel.Nearest, 1)
	assert.Len(t, sel.Nearest[0].Misses, 1)
}

// Needs given directly, in a unit the catalog converts: half a terabyte of
// memory is 500 GB, met first by 512 GB (the least that does), which one
// socket carries (512 ≤ 512 × 1).
func TestSelectServerMemory(t *testing.T) {
	g := serverGuide(t)
	half := measure(t, "0.5 TB")
	sel, err := g.Select(context.Background(), guide.SelectRequest{Needs: []guide.Need{{Capability: "memory", Min: &half}}})
	require.NoError(t, err)
	require.Len(t, sel.Candidates, 1)
	c := sel.Candidates[0]
	v, _ := c.Configuration.Value("memory_gb")
	assert.Equal(t, "512", v)
	assert.True(t, dec("0.512").Equal(c.Delivers[0].Amount.Value), "delivered in the need's unit: %s", c.Delivers[0].Amount)

	// 600 GB of memory and 32 cores: the X9 (32 cores) with 608 GB,
	// which needs both sockets (608 > 512).
	six := measure(t, "600 GB")
	cores := measure(t, "32")
	sel, err = g.Select(context.Background(), guide.SelectRequest{Needs: []guide.Need{{Capability: "memory", Min: &six}, {Capability: "cores", Min: &cores}}})
	require.NoError(t, err)
	require.Len(t, sel.Candidates, 1)
	conf := sel.Candidates[0].Configuration
	for k, want := range map[string]string{"memory_gb": "608", "cpu": "X9", "sockets": "2", "cooling": "liquid"} {
		v, _ := conf.Value(k)
		assert.Equal(t, want, v, k)
	}

	kg := measure(t, "5 kg")
	_, err = g.Select(context.Background(), guide.SelectRequest{Needs: []guide.Need{{Capability: "memory", Min: &kg}}})
	assert.ErrorIs(t, err, catalog.ErrUnit)
}

const pressCatalog = `
id: presses
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - {sku: PRESS-A, name: Press A, category: presses, capabilities: [{id: clamp_force, unit: kN, value: 1000}, {id: platen, unit: mm, value: 500}]}
  - {sku: PRESS-B, name: Press B, category: presses, capabilities: [{id: clamp_force, unit: kN, value: 1500}, {id: platen, unit: m, value: 0.6}]}
  - {sku: PRESS-C, name: Press C, category: presses, capabilities: [{id: clamp_force, unit: MN, value: 2.5}, {id: platen, unit: m, value: 0.8}]}
  - {sku: PRESS-D, name: Press D, category: presses, capabilities: [{id: clamp_force, unit: kN, value: 5000}, {id: platen, unit: mm, value: 400}]}
selectors:
  - id: press
    needs:
      - {capability: platen, unit: mm, min: "450"}
    prefer: [PRESS-C]
`

// priceList scores presses by a price the host knows.
type priceList map[string]string

func (p priceList) Score(_ context.Context, c *guide.Candidate) (decimal.Decimal, error) {
	return decimal.RequireFromString(p[c.Product]), nil
}

// Ranking: with a platen of at least 450 mm, presses A (500 mm), B (0.6 m)
// and C (0.8 m) qualify, D (400 mm) does not. The catalog prefers C; then
// the least surplus: A has 50/450, B 150/450. A host scorer (a price) puts
// the cheapest first.
func TestSelectRanking(t *testing.T) {
	c, err := catalog.Parse([]byte(pressCatalog), "presses.yaml")
	require.NoError(t, err)
	g, err := guide.New(c)
	require.NoError(t, err)
	sel, err := g.Select(context.Background(), guide.SelectRequest{Selector: "press"})
	require.NoError(t, err)
	assert.Equal(t, []string{"PRESS-C", "PRESS-A", "PRESS-B"}, candidateIDs(sel))

	sel, err = g.Select(context.Background(), guide.SelectRequest{Selector: "press", Scorer: priceList{"PRESS-A": "90000", "PRESS-B": "70000", "PRESS-C": "120000"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"PRESS-B", "PRESS-A", "PRESS-C"}, candidateIDs(sel))
	assert.True(t, dec("70000").Equal(*sel.Candidates[0].Score))

	// Clamp force between 1200 kN and 3 MN: A (1000 kN) is too weak and
	// D (5000 kN) too strong; B (1500 kN) does with the least surplus.
	lo, hi := measure(t, "1200 kN"), measure(t, "3 MN")
	sel, err = g.Select(context.Background(), guide.SelectRequest{Needs: []guide.Need{{Capability: "clamp_force", Min: &lo, Max: &hi}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"PRESS-B", "PRESS-C"}, candidateIDs(sel))
	assert.Equal(t, "2500 kN", sel.Candidates[1].Delivers[0].Amount.String())
	// kN and t are force and mass: they do not convert.
	tonnes := measure(t, "140 t")
	_, err = g.Select(context.Background(), guide.SelectRequest{Needs: []guide.Need{{Capability: "clamp_force", Min: &tonnes}}})
	assert.ErrorIs(t, err, catalog.ErrUnit)

	// Nothing has a 1 m platen: the nearest are C (0.2 m short of 1 m),
	// then B and A.
	one := measure(t, "1 m")
	sel, err = g.Select(context.Background(), guide.SelectRequest{Needs: []guide.Need{{Capability: "platen", Min: &one}}, Nearest: 2})
	require.NoError(t, err)
	assert.Empty(t, sel.Candidates)
	require.Len(t, sel.Nearest, 2)
	assert.Equal(t, "PRESS-C", sel.Nearest[0].Product)
	assert.Equal(t, "0.2 m", sel.Nearest[0].Misses[0].Short.String())
	assert.Equal(t, "PRESS-B", sel.Nearest[1].Product)
}

func candidateIDs(sel *guide.Selection) []string {
	out := make([]string, len(sel.Candidates))
	for i, c := range sel.Candidates {
		out[i] = c.Product
	}
	return out
}

func TestSelectBadRequests(t *testing.T) {
	g := mouldingGuide(t)
	ctx := context.Background()
	_, err := g.Select(ctx, guide.SelectRequest{Selector: "press_for_part", Inputs: map[string]catalog.Measure{"part_length": measure(t, "1 mm")}})
	assert.ErrorIs(t, err, guide.ErrMissingInput, "part_width has no default")
	_, err = g.Select(ctx, guide.SelectRequest{Selector: "press_for_part", Inputs: map[string]catalog.Measure{
		"part_length": measure(t, "1 mm"), "part_width": measure(t, "1 mm"), "shot_weight": measure(t, "1 g"), "colour": measure(t, "1")}})
	assert.ErrorIs(t, err, guide.ErrUnknownInput)
	_, err = g.Select(ctx, guide.SelectRequest{Selector: "press_for_part", Inputs: map[string]catalog.Measure{
		"part_length": measure(t, "1 kg"), "part_width": measure(t, "1 mm"), "shot_weight": measure(t, "1 g")}})
	assert.ErrorIs(t, err, catalog.ErrUnit)
	_, err = g.Select(ctx, guide.SelectRequest{Needs: []guide.Need{{Capability: "clamp_force"}}})
	assert.ErrorIs(t, err, guide.ErrInvalidNeed)
	_, err = g.Select(ctx, guide.SelectRequest{Selector: "nope"})
	assert.ErrorIs(t, err, catalog.ErrNotFound)
}
