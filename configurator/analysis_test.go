package configurator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

const analysisCatalog = `
id: a
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - sku: LAMP
    name: Lamp
    attributes:
      - {id: base, type: enum, values: [wood, steel, marble]}
      - {id: shade, type: enum, values: [linen, glass]}
      - {id: bulb, type: enum, values: [led, halogen, {id: incandescent, retired: true}]}
    constraints:
      - id: marble_glass
        message: Marble bases take only glass shades
        requires: {if: {base: marble}, then: {shade: glass}}
      - id: no_marble_glass
        message: Glass shades are too heavy for marble
        excludes: {base: marble, shade: glass}
      - id: linen_led
        message: Linen shades need LED bulbs
        requires: {if: {shade: linen}, then: {bulb: led}}
      - id: led_only
        message: Only LED bulbs are sold
        excludes: {bulb: halogen}
      - id: wide
        message: Halogen needs glass
        requires: {if: {bulb: halogen}, then: {shade: glass}}
  - sku: BROKEN
    name: Broken
    attributes:
      - {id: x, type: boolean}
    constraints:
      - {id: yes, requires: {if: {x: "true"}, then: {x: "false"}}}
      - {id: no, requires: {if: {x: "false"}, then: {x: "true"}}}
`

// In LAMP, worked by hand: marble needs glass but glass is excluded with
// marble, so marble is dead; halogen is excluded outright, so bulb is
// always led (incandescent is retired and not reported); the rule "wide"
// only speaks of halogen, which never occurs, so it never binds.
func TestAnalyze(t *testing.T) {
	c, err := catalog.Parse([]byte(analysisCatalog), "a.yaml")
	require.NoError(t, err)
	m, err := configurator.Compile(c, "LAMP")
	require.NoError(t, err)
	fs, err := m.Analyze()
	require.NoError(t, err)
	type short struct{ code, v, val, rule string }
	var got []short
	for _, f := range fs {
		got = append(got, short{f.Code, f.Var, f.Value, f.Rule})
	}
	assert.ElementsMatch(t, []short{
		{configurator.CodeDeadValue, "base", "marble", ""},
		{configurator.CodeDeadValue, "bulb", "halogen", ""},
		{configurator.CodeForced, "bulb", "led", ""},
		{configurator.CodeRedundant, "", "", "wide"},
		{configurator.CodeRedundant, "", "", "linen_led"},
	}, got)
	for _, f := range fs {
		if f.Code == configurator.CodeDeadValue && f.Var == "base" {
			assert.Contains(t, f.Message, "marble_glass")
			assert.Contains(t, f.Message, "no_marble_glass")
			assert.Equal(t, 10, f.Pos.Line)
		}
	}

	m, err = configurator.Compile(c, "BROKEN")
	require.NoError(t, err)
	fs, err = m.Analyze()
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.True(t, fs[0].IsError())
	assert.Equal(t, configurator.CodeUnsatisfiable, fs[0].Code)
}
