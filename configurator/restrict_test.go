package configurator_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

// A requirement acts as a rule: "memory at least 768 GB" leaves 768..1024
// (9 values in steps of 32), forces two sockets (512 GB per socket), and
// is named in explanations; the model it came from is unchanged.
func TestRequire(t *testing.T) {
	m := serverModel(t)
	var big []string
	for v := 768; v <= 1024; v += 32 {
		big = append(big, strconv.Itoa(v))
	}
	need := configurator.Requirement{Rule: configurator.Rule{ID: "need:memory", Message: catalog.Text{"en": "at least 768 GB"}}, Var: "memory_gb", Values: big}
	r, err := m.Require(need)
	require.NoError(t, err)

	s := r.NewSession()
	d := domains(t, s)
	assert.Equal(t, big, d["memory_gb"])
	assert.Equal(t, []string{"2"}, d["sockets"])

	ex, err := s.Explain("sockets", "1")
	require.NoError(t, err)
	assert.Empty(t, ex.Choices)
	assert.ElementsMatch(t, []string{"need:memory", "memory_per_socket"}, ruleIDs(ex.Rules))

	conf, err := s.Complete(configurator.Strategy{})
	require.NoError(t, err)
	v, _ := conf.Value("memory_gb")
	assert.Equal(t, "768", v)

	assert.Len(t, domains(t, m.NewSession())["memory_gb"], 32, "the original model is unchanged")

	// Requirements stack: the X9 on top needs liquid cooling.
	r2, err := r.Require(configurator.Requirement{Rule: configurator.Rule{ID: "need:cpu"}, Var: "cpu", Values: []string{"X9"}})
	require.NoError(t, err)
	d = domains(t, r2.NewSession())
	assert.Equal(t, []string{"liquid"}, d["cooling"])
	assert.Equal(t, big, d["memory_gb"])

	// A choice against a requirement: Conflicts drops it.
	s = r2.NewSession()
	require.NoError(t, s.Restore(configurator.Snapshot{Choices: []configurator.Choice{{Var: "cooling", Value: "air"}, {Var: "chassis", Value: "2U"}}}))
	drop, err := s.Conflicts()
	require.NoError(t, err)
	assert.Equal(t, []configurator.Choice{{Var: "cooling", Value: "air"}}, drop)
}

func TestRequireRefusesBadRequirements(t *testing.T) {
	m := serverModel(t)
	tests := []struct {
		name string
		req  configurator.Requirement
		want error
	}{
		{"unknown variable", configurator.Requirement{Var: "colour", Values: []string{"red"}}, configurator.ErrUnknownVariable},
		{"unknown value", configurator.Requirement{Var: "cpu", Values: []string{"X11"}}, configurator.ErrUnknownValue},
		{"no values", configurator.Requirement{Var: "cpu"}, configurator.ErrModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Require(tt.req)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

// Requirements on two imported features: both must hold.
func TestRequireImportedModel(t *testing.T) {
	m, err := configurator.ImportDIMACS(strings.NewReader("p cnf 3 1\n1 2 3 0\n"), "abc.dimacs")
	require.NoError(t, err)
	r, err := m.Require(
		configurator.Requirement{Rule: configurator.Rule{ID: "a"}, Var: "1", Values: []string{"false"}},
		configurator.Requirement{Rule: configurator.Rule{ID: "b"}, Var: "2", Values: []string{"false"}},
	)
	require.NoError(t, err)
	assert.Equal(t, []string{"true"}, domains(t, r.NewSession())["3"])
}
