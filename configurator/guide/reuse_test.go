package guide_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator"
)

// Reusing an earlier configuration in a guided session revalidates it
// under the answers too: a database server needs 256 GB, so the earlier
// 128 GB is dropped (the answer is named) and the completion takes 256;
// the X7 is kept.
func TestReuseUnderAnswers(t *testing.T) {
	s := sizing(t, serverGuide(t))
	require.NoError(t, s.Answer("workload", "database"))
	rv, err := s.Reuse(configurator.Snapshot{Product: "SRV-R2", Choices: []configurator.Choice{
		{Var: "cpu", Value: "X7"}, {Var: "memory_gb", Value: "128"},
	}})
	require.NoError(t, err)
	assert.Equal(t, []configurator.Choice{{Var: "cpu", Value: "X7"}}, rv.Kept)
	require.Len(t, rv.Dropped, 1)
	d := rv.Dropped[0]
	assert.Equal(t, configurator.DropRule, d.Reason)
	assert.Equal(t, "256", d.Now)
	assert.Equal(t, []string{"answer:workload=database"}, ruleIDs(d.Explanation.Rules))
	assert.Equal(t, "memory_gb = 128 was dropped: What will the server mainly run? — Databases; now 256", d.Text("en"))
	assert.Equal(t, rv.Kept, s.Choices())

	// The session goes on from there: answers still apply.
	require.NoError(t, s.Answer("users", "600"))
	assert.Equal(t, "512", domain(t, s, "memory_gb")[0])
}
