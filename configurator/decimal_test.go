package configurator_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

const railCatalog = `
id: rails
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - sku: RAIL
    name: Guide rail
    attributes:
      - {id: profile, type: enum, values: [light, heavy]}
      - {id: finish, type: enum, values: [raw, anodised]}
      - {id: length_mm, type: decimal, min: 100, max: 2000, step: 0.5, unit: mm}
    constraints:
      - id: light_short
        message: Light profiles are made up to 1200 mm
        expr: profile == "heavy" || length_mm <= 1200
      - id: min_length
        message: Rails are at least 150 mm long
        expr: length_mm >= 150
      - id: anodise_bath
        message: The anodising bath takes up to 1600 mm
        expr: finish == "raw" || length_mm <= 1600
`

func railSession(t *testing.T) *configurator.Session {
	t.Helper()
	c, err := catalog.Parse([]byte(railCatalog), "rails.yaml")
	require.NoError(t, err)
	m, err := configurator.Compile(c, "RAIL")
	require.NoError(t, err)
	return m.NewSession()
}

func domainOf(t *testing.T, s *configurator.Session, id string) configurator.Domain {
	t.Helper()
	ds, err := s.ValidDomains()
	require.NoError(t, err)
	for _, d := range ds {
		if d.Var == id {
			return d
		}
	}
	t.Fatalf("no domain for %s", id)
	return configurator.Domain{}
}

// Worked by hand: with nothing chosen the length may be 150..2000 (a heavy
// raw rail); a light profile caps it at 1200, an anodised finish at 1600.
func TestDecimalParameterInterval(t *testing.T) {
	s := railSession(t)
	d := domainOf(t, s, "length_mm")
	assert.Equal(t, "150", d.Min.String())
	assert.Equal(t, "2000", d.Max.String())

	require.NoError(t, s.Set("finish", "anodised"))
	d = domainOf(t, s, "length_mm")
	assert.Equal(t, "1600", d.Max.String())
	require.NoError(t, s.Set("profile", "light"))
	d = domainOf(t, s, "length_mm")
	assert.Equal(t, "150", d.Min.String())
	assert.Equal(t, "1200", d.Max.String())

	err := s.Set("length_mm", "1300")
	var re *configurator.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "light_short", re.Rule.ID)
	assert.Equal(t, "length_mm = 1300 is not allowed: Light profiles are made up to 1200 mm", err.Error())
	assert.ErrorIs(t, s.Set("length_mm", "99"), configurator.ErrNotAvailable, "below the declared range")
	require.NoError(t, s.Set("length_mm", "1200"))
}

// Setting the length first narrows the finite choices: a 1500 mm rail must
// be heavy; 1700 mm must also be raw.
func TestDecimalValueNarrowsFiniteChoices(t *testing.T) {
	s := railSession(t)
	require.NoError(t, s.Set("length_mm", "1700"))
	assert.Equal(t, []string{"heavy"}, domainOf(t, s, "profile").Values)
	assert.Equal(t, []string{"raw"}, domainOf(t, s, "finish").Values)
	ex, err := s.Explain("profile", "light")
	require.NoError(t, err)
	assert.Equal(t, []configurator.Choice{{Var: "length_mm", Value: "1700"}}, ex.Choices)
	require.Len(t, ex.Rules, 1)
	assert.Equal(t, "light_short", ex.Rules[0].ID)
	var ce *configurator.ConflictError
	require.ErrorAs(t, s.Set("profile", "light"), &ce)

	c, err := s.Complete(configurator.Strategy{})
	require.NoError(t, err)
	v, _ := c.Value("profile")
	assert.Equal(t, "heavy", v)
	v, _ = c.Value("finish")
	assert.Equal(t, "raw", v)
	assert.True(t, s.IsComplete())
}

// The interval agrees with a brute-force scan of every 0.5 mm step.
func TestDecimalIntervalMatchesScan(t *testing.T) {
	for _, choices := range [][2]string{{"", ""}, {"light", ""}, {"", "anodised"}, {"heavy", "anodised"}, {"light", "raw"}} {
		s := railSession(t)
		if choices[0] != "" {
			require.NoError(t, s.Set("profile", choices[0]))
		}
		if choices[1] != "" {
			require.NoError(t, s.Set("finish", choices[1]))
		}
		var lo, hi *decimal.Decimal
		half := decimal.RequireFromString("0.5")
		for x := decimal.NewFromInt(100); x.LessThanOrEqual(decimal.NewFromInt(2000)); x = x.Add(half) {
			if railAllows(choices[0], choices[1], x) {
				x := x
				if lo == nil {
					lo = &x
				}
				hi = &x
			}
		}
		d := domainOf(t, s, "length_mm")
		assert.True(t, lo.Equal(*d.Min), "%v: min %s want %s", choices, d.Min, lo)
		assert.True(t, hi.Equal(*d.Max), "%v: max %s want %s", choices, d.Max, hi)
	}
}

// railAllows is the rail catalog's rules written again in Go; an empty
// profile or finish means any.
func railAllows(profile, finish string, length decimal.Decimal) bool {
	for _, p := range []string{"light", "heavy"} {
		if profile != "" && p != profile {
			continue
		}
		for _, f := range []string{"raw", "anodised"} {
			if finish != "" && f != finish {
				continue
			}
			if (p == "heavy" || length.LessThanOrEqual(decimal.NewFromInt(1200))) &&
				length.GreaterThanOrEqual(decimal.NewFromInt(150)) &&
				(f == "raw" || length.LessThanOrEqual(decimal.NewFromInt(1600))) {
				return true
			}
		}
	}
	return false
}
