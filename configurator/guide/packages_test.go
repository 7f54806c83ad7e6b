package guide_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

func productSession(t *testing.T, g *guide.Guide, sku string) *guide.Session {
	t.Helper()
	s, err := g.NewSession(guide.Options{Product: sku})
	require.NoError(t, err)
	return s
}

// Applying "better" to an empty server sets its choices at once: the
// values, the options and the NVMe quantity (server.yaml).
func TestApplyPackage(t *testing.T) {
	s := productSession(t, serverGuide(t), "SRV-R2")
	require.NoError(t, s.ApplyPackage("better"))
	assert.Equal(t, []configurator.Choice{
		{Var: "cpu", Value: "X7"}, {Var: "sockets", Value: "2"}, {Var: "memory_gb", Value: "384"},
		{Var: "psu", Value: "W1200"}, {Var: "nvme_3840", Value: "true"}, {Var: "qty.nvme_3840", Value: "2"},
		{Var: "nic_25g", Value: "true"},
	}, s.Choices())
	assert.True(t, s.Configurator() != nil)
	_, err := s.ValidDomains()
	require.NoError(t, err)

	assert.ErrorIs(t, s.ApplyPackage("platinum"), guide.ErrUnknownPackage)
}

// A package that conflicts with choices already made is refused with the
// fewest choices to drop, and nothing changes until they are dropped.
//
// With chassis = 1U, cpu = X5 and the 25 GbE adapter chosen, "best" needs
// the 2U chassis and the X9 (so chassis = 1U and cpu = X5 are in the way),
// and the 100 GbE adapter, which shares the one network slot with the
// 25 GbE one (group:network), so nic_25g = true is in the way too.
func TestApplyPackageConflict(t *testing.T) {
	s := productSession(t, serverGuide(t), "SRV-R2")
	require.NoError(t, s.Set("chassis", "1U"))
	require.NoError(t, s.Set("cpu", "X5"))
	require.NoError(t, s.Set("nic_25g", "true"))
	before := s.Choices()

	err := s.ApplyPackage("best")
	var ce *guide.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "package best", ce.What)
	assert.ElementsMatch(t, []configurator.Choice{{Var: "chassis", Value: "1U"}, {Var: "cpu", Value: "X5"}, {Var: "nic_25g", Value: "true"}}, ce.Drop)
	assert.Equal(t, before, s.Choices(), "nothing changes until the user decides")
	require.Len(t, ce.Explanations, 3)
	for _, ex := range ce.Explanations {
		assert.Contains(t, ruleIDs(ex.Rules), "package:best", ex.Var)
		if ex.Var == "nic_25g" {
			assert.Contains(t, ruleIDs(ex.Rules), "group:network")
		}
	}

	require.NoError(t, s.Drop(ce.Drop))
	require.NoError(t, s.ApplyPackage("best"))
	assert.Contains(t, s.Choices(), configurator.Choice{Var: "cpu", Value: "X9"})
	assert.Contains(t, s.Choices(), configurator.Choice{Var: "qty.nvme_3840", Value: "4"})
}

// A package the answers rule out names the answer to clear: 600 users need
// 512 GB, the good package has 128 GB.
func TestApplyPackageClashesWithAnswers(t *testing.T) {
	s := sizing(t, serverGuide(t))
	require.NoError(t, s.Answer("users", "600"))
	err := s.ApplyPackage("good")
	var ce *guide.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"users"}, ce.Clear)
	assert.Empty(t, ce.Drop)
	assert.Empty(t, s.Choices())

	r, err := s.Recommendations()
	require.NoError(t, err)
	// Good (128 GB) and better (384 GB) have less than 512 GB.
	assert.Equal(t, []string{"best"}, ids(r.Packages))
	assert.Equal(t, 10, r.Packages[0].Score, "many_users")
}
