package configurator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// nextServerVersion is server.yaml as a later version: the X5 is retired
// (the default becomes the X7) and a rule asks for at least 64 GB.
func nextServerVersion(t *testing.T) *configurator.Model {
	t.Helper()
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	src := string(data)
	for old, repl := range map[string]string{
		`version: "2026.2"`:                         `version: "2026.3"`,
		"values: [X5, X7, X9]\n        default: X5": "values: [{id: X5, retired: true}, X7, X9]\n        default: X7",
		"        expr: memory_gb <= 512 * sockets\n": "        expr: memory_gb <= 512 * sockets\n" +
			"      - id: min_memory\n        message: {en: At least 64 GB of memory}\n        expr: memory_gb >= 64\n",
	} {
		require.Equal(t, 1, strings.Count(src, old), old)
		src = strings.Replace(src, old, repl, 1)
	}
	c, err := catalog.Parse([]byte(src), "server-2026.3.yaml")
	require.NoError(t, err)
	m, err := configurator.Compile(c, "SRV-R2")
	require.NoError(t, err)
	return m
}

// An earlier configuration revalidated against the new version, worked by
// hand: colour no longer exists, W2000 is no value of psu, the X5 is
// retired, and 32 GB breaks the new min_memory rule; chassis and cooling
// are kept. Completed with defaults, the CPU becomes the X7 (the new
// default), memory 64 GB and the power supply W800.
func TestRevalidate(t *testing.T) {
	m := nextServerVersion(t)
	old := configurator.Snapshot{Product: "SRV-R2", Choices: []configurator.Choice{
		{Var: "chassis", Value: "2U"}, {Var: "cpu", Value: "X5"}, {Var: "memory_gb", Value: "32"},
		{Var: "psu", Value: "W2000"}, {Var: "colour", Value: "blue"}, {Var: "cooling", Value: "air"},
	}}
	s, rv, err := configurator.Revalidate(m, old)
	require.NoError(t, err)
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "2U"}, {Var: "cooling", Value: "air"}}, rv.Kept)
	assert.Equal(t, rv.Kept, s.Choices())

	require.Len(t, rv.Dropped, 4)
	want := []struct {
		v      string
		reason configurator.DropReason
		now    string
		text   string
	}{
		{"cpu", configurator.DropRetired, "X7", "cpu = X5 was dropped: the value is retired; now X7"},
		{"memory_gb", configurator.DropRule, "64", "memory_gb = 32 was dropped: At least 64 GB of memory; now 64"},
		{"psu", configurator.DropUnknownValue, "W800", "psu = W2000 was dropped: W2000 is no longer a value of psu; now W800"},
		{"colour", configurator.DropUnknownVariable, "", "colour = blue was dropped: the catalog no longer has colour"},
	}
	for i, w := range want {
		d := rv.Dropped[i]
		assert.Equal(t, w.v, d.Choice.Var)
		assert.Equal(t, w.reason, d.Reason, w.v)
		assert.Equal(t, w.now, d.Now, w.v)
		assert.Equal(t, w.text, d.Text("en"))
	}
	assert.Equal(t, []string{"retired:cpu.X5"}, ruleIDs(rv.Dropped[0].Explanation.Rules))
	assert.Equal(t, []string{"min_memory"}, ruleIDs(rv.Dropped[1].Explanation.Rules))
	assert.ErrorIs(t, s.Undo(), configurator.ErrNothingToUndo, "the revalidated session starts afresh")

	// A configuration still valid is kept whole.
	_, rv, err = configurator.Revalidate(m, configurator.Snapshot{Choices: []configurator.Choice{{Var: "cpu", Value: "X9"}}})
	require.NoError(t, err)
	assert.Empty(t, rv.Dropped)

	_, _, err = configurator.Revalidate(m, configurator.Snapshot{Product: "SRV-R9"})
	assert.Error(t, err)
}

// Diff lists changed, removed and added variables; integers compare by
// number.
func TestDiff(t *testing.T) {
	a := configurator.Configuration{Product: "SRV-R2", Values: []configurator.Choice{
		{Var: "cpu", Value: "X5"}, {Var: "memory_gb", Value: "064"}, {Var: "psu", Value: "W800"}, {Var: "colour", Value: "blue"},
	}}
	b := configurator.Configuration{Product: "SRV-R2", Values: []configurator.Choice{
		{Var: "cpu", Value: "X7"}, {Var: "memory_gb", Value: "64"}, {Var: "psu", Value: "W800"}, {Var: "gpu_l4", Value: "true"},
	}}
	assert.Equal(t, []configurator.Difference{
		{Var: "cpu", Kind: configurator.ChangeChanged, Before: "X5", After: "X7"},
		{Var: "colour", Kind: configurator.ChangeRemoved, Before: "blue"},
		{Var: "gpu_l4", Kind: configurator.ChangeAdded, After: "true"},
	}, configurator.Diff(a, b))
	assert.Empty(t, configurator.Diff(a, a))
}

// Revalidating an earlier configuration: the X9 needs liquid cooling, so
// the X9 or the air cooling must go; of two equally small sets to drop,
// the one keeping the earlier choice (the X9) is taken.
func ExampleRevalidate() {
	c, _ := catalog.LoadFS(catalogs.FS, "server.yaml")
	m, _ := configurator.Compile(c, "SRV-R2")
	earlier := configurator.Snapshot{Product: "SRV-R2", Choices: []configurator.Choice{
		{Var: "cpu", Value: "X9"}, {Var: "cooling", Value: "air"}, {Var: "sockets", Value: "2"}, {Var: "colour", Value: "red"},
	}}
	_, rv, err := configurator.Revalidate(m, earlier)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("kept:", rv.Kept)
	for _, d := range rv.Dropped {
		fmt.Println(d.Text("en"))
	}
	// Output:
	// kept: [{cpu X9} {sockets 2}]
	// cooling = air was dropped: The X9 processor needs liquid cooling (with cpu = X9); now liquid
	// colour = red was dropped: the catalog no longer has colour
}

func ExampleDiff() {
	a := configurator.Configuration{Values: []configurator.Choice{{Var: "cpu", Value: "X5"}, {Var: "memory_gb", Value: "64"}}}
	b := configurator.Configuration{Values: []configurator.Choice{{Var: "cpu", Value: "X7"}, {Var: "memory_gb", Value: "64"}}}
	for _, d := range configurator.Diff(a, b) {
		fmt.Printf("%s %s: %s → %s\n", d.Kind, d.Var, d.Before, d.After)
	}
	// Output:
	// changed cpu: X5 → X7
}

// Of the smallest sets of choices to drop, revalidation keeps the earliest
// choices: with chassis = 1U first, the X9 (which needs liquid cooling,
// hence 2U) goes; with the X9 first, the 1U chassis goes. Either way one
// choice is dropped, never both.
func TestRevalidateKeepsEarlierChoices(t *testing.T) {
	m := serverModel(t)
	for _, tt := range []struct {
		first, second configurator.Choice
	}{
		{configurator.Choice{Var: "chassis", Value: "1U"}, configurator.Choice{Var: "cpu", Value: "X9"}},
		{configurator.Choice{Var: "cpu", Value: "X9"}, configurator.Choice{Var: "chassis", Value: "1U"}},
	} {
		_, rv, err := configurator.Revalidate(m, configurator.Snapshot{Choices: []configurator.Choice{tt.first, {Var: "sockets", Value: "2"}, tt.second}})
		require.NoError(t, err)
		assert.Equal(t, []configurator.Choice{tt.first, {Var: "sockets", Value: "2"}}, rv.Kept)
		require.Len(t, rv.Dropped, 1)
		assert.Equal(t, tt.second, rv.Dropped[0].Choice)
		assert.Equal(t, configurator.DropRule, rv.Dropped[0].Reason)
	}
}
