package modelio

import (
	"math/big"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// The shared public models, with their sizes and exact counts. The counts
// were cross-checked as described beside each; see also the tests below.
var dimacsModels = []struct {
	file          string
	vars, clauses int
	count         string
	heavy         bool // takes seconds: skipped with -short and -race
}{
	// Plain DPLL (TestDIMACSCountsPlainDPLL) and an external BDD count agree.
	{"database__berkeleydb__Hierons2020", 117, 417, "32", false},
	// SoftVarE statistics: log10 rounds to 21. An external BDD count agrees.
	{"hardware__pc-richmond__Sprey2020", 377, 1356, "3326549945784326553600", false},
	// Equal to the count of financialservices01.uvl, encoded independently.
	{"finance__FinancialServices01__Nieke2018-2018-05-09", 771, 7238, "97451212554676", false},
	// automotive01.uvl plus the 17 clauses only this file has gives the same
	// count (TestAutomotiveUVLAndDIMACSAgree).
	{"automotive__automotive01__Kowal2016", 2513, 10300, "5278539219821314670274577698978249614226329764180035258768650428139431316943478950493164460261562310215535134411549961261182654628944393235199702191846914047929088235490694238744799357173760000000000000000000000", true},
}

var uvlModels = []struct {
	file              string
	features, crossTr int
	count             string // "" when not counted
	heavy             bool
}{
	{"berkeleydb", 76, 20, "4080389785", false},
	{"financialservices01", 771, 1080, "97451212554676", false},
	{"automotive01", 2513, 2833, "54337953889526644797436357304783500234473556203012469981705794070419609376066883019863858681556047971579366711252721976681982553481954710208375451836305175948768348959659511355551303323044387225600000000000000000000000", true},
	{"busybox_2010-05-02_14-17-07", 631, 681, "", false},
	{"linux", 1245, 859, "", false},
}

func skipHeavy(t *testing.T, heavy bool) {
	if heavy && (testing.Short() || raceEnabled) {
		t.Skip("seconds of counting: run without -short and -race")
	}
}

func readDIMACSFile(t testing.TB, file string) *csp.Model {
	f, err := os.Open("testdata/fm-benchmark-dimacs/" + file + ".dimacs")
	require.NoError(t, err)
	defer f.Close()
	m, err := ReadDIMACS(f)
	require.NoError(t, err)
	return m
}

func readUVLFile(t testing.TB, file string) *FeatureModel {
	f, err := os.Open("testdata/uvl-models/" + file + ".uvl")
	require.NoError(t, err)
	defer f.Close()
	fm, err := ReadUVL(f)
	require.NoError(t, err)
	return fm
}

func mustBig(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return n
}

func TestSharedDIMACSModels(t *testing.T) {
	for _, tm := range dimacsModels {
		t.Run(tm.file, func(t *testing.T) {
			m := readDIMACSFile(t, tm.file)
			assert.Len(t, m.Vars, tm.vars)
			assert.Len(t, m.Constraints, tm.clauses)
			assert.NotEqual(t, "1", m.Vars[0].Name, "variables are named from the comments")
			skipHeavy(t, tm.heavy)
			got, err := CountCNF(m, CountOptions{})
			require.NoError(t, err)
			assert.Equal(t, mustBig(tm.count), got)
		})
	}
}

func TestSharedUVLModels(t *testing.T) {
	for _, tm := range uvlModels {
		t.Run(tm.file, func(t *testing.T) {
			fm := readUVLFile(t, tm.file)
			assert.Len(t, fm.Features, tm.features)
			assert.Len(t, fm.Constraints, tm.crossTr)
			if tm.count == "" {
				return
			}
			skipHeavy(t, tm.heavy)
			got, err := CountCNF(fm.Model, CountOptions{})
			require.NoError(t, err)
			assert.Equal(t, mustBig(tm.count), got)
		})
	}
}

// The UVL and DIMACS versions of FinancialServices01 name features
// differently but describe one model: the counts, from independent
// encodings, agree (pinned above). berkeleydb's two files are different
// models (117 vs 76 features, different names).

func TestDIMACSCountsPlainDPLL(t *testing.T) {
	// A second, much simpler counter (no components, no cache) agrees on
	// the model small enough for it.
	m := readDIMACSFile(t, "database__berkeleydb__Hierons2020")
	got := plainDPLLCount(m, 1<<20)
	require.NotNil(t, got)
	assert.Equal(t, mustBig("32"), got)
}

func TestCountConditioningOnSharedModel(t *testing.T) {
	// Summing the counts with a feature assumed on and off gives the total,
	// for every fifth feature of pc-richmond.
	m := readDIMACSFile(t, "hardware__pc-richmond__Sprey2020")
	total := mustBig(dimacsModels[1].count)
	step := 5
	if testing.Short() || raceEnabled {
		step = 37
	}
	for v := 0; v < len(m.Vars); v += step {
		on, err := CountCNF(m, CountOptions{Assume: []csp.Lit{{Var: v, Val: 1}}})
		require.NoError(t, err)
		off, err := CountCNF(m, CountOptions{Assume: []csp.Lit{{Var: v, Val: 0}}})
		require.NoError(t, err)
		require.Equal(t, total, new(big.Int).Add(on, off), "variable %s", m.Vars[v].Name)
	}
}

func TestAutomotiveUVLAndDIMACSAgree(t *testing.T) {
	// The two automotive01 files have the same 2513 features. Every clause
	// of the UVL encoding is implied by the DIMACS file and all but 17 DIMACS
	// clauses are implied by the UVL model (each checked once by counting
	// under the clause's negation; the 17 make features required that are
	// optional in the UVL file). Adding those 17 to the UVL model must give
	// exactly the DIMACS count: the two models are then the same.
	skipHeavy(t, true)
	fm := readUVLFile(t, "automotive01")
	dm := readDIMACSFile(t, "automotive__automotive01__Kowal2016")
	idx := map[string]int{}
	for i, f := range fm.Features {
		idx[f.Name] = i
	}
	m := *fm.Model
	m.Constraints = append([]csp.Constraint(nil), fm.Model.Constraints...)
	for _, k := range dimacsOnlyAutomotiveClauses {
		c := dm.Constraints[k-1]
		mapped := csp.Constraint{Name: c.Name, Kind: csp.KindClause}
		for _, l := range c.Lits {
			v, ok := idx[dm.Vars[l.Var].Name]
			require.True(t, ok)
			mapped.Lits = append(mapped.Lits, csp.Lit{Var: v, Val: l.Val, Neg: l.Neg})
		}
		m.Constraints = append(m.Constraints, mapped)
	}
	got, err := CountCNF(&m, CountOptions{})
	require.NoError(t, err)
	assert.Equal(t, mustBig(dimacsModels[3].count), got)
}

// dimacsOnlyAutomotiveClauses are the 1-based numbers of the clauses of
// automotive__automotive01__Kowal2016.dimacs that the UVL encoding of
// automotive01.uvl does not imply (found by counting the UVL model under the
// negation of each of the 10,300 clauses).
var dimacsOnlyAutomotiveClauses = []int{61, 271, 326, 1777, 3330, 3369, 3491, 3792, 4122, 4300, 4544, 5207, 6006, 6303, 8108, 9292, 9953}
