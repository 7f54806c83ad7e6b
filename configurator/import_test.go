package configurator_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator"
)

// The public feature models are kept (with their sources and licences)
// beside the importers.
var modelsDir = filepath.Join("internal", "modelio", "testdata")

func importFile(t *testing.T, rel string) *configurator.Model {
	t.Helper()
	f, err := os.Open(filepath.Join(modelsDir, rel))
	require.NoError(t, err)
	defer f.Close()
	var m *configurator.Model
	switch filepath.Ext(rel) {
	case ".dimacs":
		m, err = configurator.ImportDIMACS(f, filepath.Base(rel))
	case ".uvl":
		m, err = configurator.ImportUVL(f, filepath.Base(rel))
	case ".xml":
		m, err = configurator.ImportXCSP(f, filepath.Base(rel))
	}
	require.NoError(t, err)
	return m
}

// checkAgainstFreshSolves walks random choice sequences, picking only
// offered values, and checks every step's valid domains against an
// independent method: for each value of each variable, a fresh session with
// the choices made so far plus that value either completes (the value must
// be offered) or does not (it must be withheld).
func checkAgainstFreshSolves(t *testing.T, m *configurator.Model, seed uint64, steps int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	s := m.NewSession()
	for step := 0; step < steps && !s.IsComplete(); step++ {
		ds, err := s.ValidDomains()
		require.NoError(t, err)
		for _, d := range ds {
			if d.Chosen != "" {
				continue
			}
			offered := map[string]bool{}
			for _, v := range d.Values {
				offered[v] = true
			}
			for _, v := range m.Variables() {
				if v.ID != d.Var {
					continue
				}
				for _, val := range v.Values {
					fresh := m.NewSession()
					require.NoError(t, fresh.Restore(configurator.Snapshot{Choices: append(s.Choices(), configurator.Choice{Var: d.Var, Value: val})}))
					_, err := fresh.Complete(configurator.Strategy{})
					assert.Equal(t, offered[val], err == nil, "step %d: %s = %s", step, d.Var, val)
				}
			}
		}
		var open []configurator.Domain
		for _, d := range ds {
			if d.Chosen == "" && len(d.Values) > 1 {
				open = append(open, d)
			}
		}
		if len(open) == 0 {
			break
		}
		d := open[rng.IntN(len(open))]
		require.NoError(t, s.Set(d.Var, d.Values[rng.IntN(len(d.Values))]))
	}
}

func TestImportedDIMACSBerkeleyDB(t *testing.T) {
	m := importFile(t, "fm-benchmark-dimacs/database__berkeleydb__Hierons2020.dimacs")
	n, err := m.NewSession().Count(0)
	require.NoError(t, err)
	// 32 configurations, cross-checked by the importers' two counters
	// (the published statistic rounds log10(32) = 1.5 to 2).
	assert.Equal(t, "32", n.String())
	checkAgainstFreshSolves(t, m, 1, 4)
}

func TestImportedDIMACSPCRichmond(t *testing.T) {
	m := importFile(t, "fm-benchmark-dimacs/hardware__pc-richmond__Sprey2020.dimacs")
	n, err := m.NewSession().Count(0)
	require.NoError(t, err)
	assert.Equal(t, "3326549945784326553600", n.String())
	if testing.Short() {
		return
	}
	checkAgainstFreshSolves(t, m, 2, 3)
}

func TestImportedUVLHidesAuxiliaries(t *testing.T) {
	m := importFile(t, "uvl-models/berkeleydb.uvl")
	for _, v := range m.Variables() {
		assert.NotContains(t, v.ID, "aux ")
		assert.Equal(t, configurator.KindFeature, v.Kind)
	}
	n, err := m.NewSession().Count(0)
	require.NoError(t, err)
	assert.Equal(t, "4080389785", n.String())
}

func TestImportErrorsAreSpecific(t *testing.T) {
	_, err := configurator.ImportDIMACS(strings.NewReader("p cnf 2 1\n1 3 0\n"), "bad.dimacs")
	require.ErrorIs(t, err, configurator.ErrImport)
	assert.ErrorContains(t, err, "bad.dimacs")
}
