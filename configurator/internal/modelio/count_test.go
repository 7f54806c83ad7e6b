package modelio

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

func boolModel(n int) *csp.Model {
	m := &csp.Model{}
	for i := range n {
		m.Vars = append(m.Vars, csp.Var{Name: string(rune('a' + i)), Values: []string{"false", "true"}})
	}
	return m
}

// cl builds a clause from DIMACS-style literals (1-based, negative = not).
func cl(lits ...int) csp.Constraint {
	c := csp.Constraint{Kind: csp.KindClause}
	for _, l := range lits {
		v := l
		if v < 0 {
			v = -v
		}
		c.Lits = append(c.Lits, csp.Lit{Var: v - 1, Val: 1, Neg: l < 0})
	}
	return c
}

func card(lo, hi int, lits ...int) csp.Constraint {
	c := cl(lits...)
	c.Kind, c.Min, c.Max = csp.KindCardinality, lo, hi
	return c
}

func TestCountCNFHandExamples(t *testing.T) {
	tests := []struct {
		name string
		n    int
		cons []csp.Constraint
		want int64
		hand string
	}{
		{"no variables", 0, nil, 1, "the empty assignment"},
		{"free variables", 3, nil, 8, "2^3"},
		{"unit", 3, []csp.Constraint{cl(1)}, 4, "a fixed, b and c free"},
		{"or of two", 2, []csp.Constraint{cl(1, 2)}, 3, "all but a=b=false"},
		{"empty clause", 2, []csp.Constraint{cl()}, 0, "unsatisfiable"},
		{"tautology", 2, []csp.Constraint{cl(1, -1)}, 4, "always true"},
		{"contradiction", 1, []csp.Constraint{cl(1), cl(-1)}, 0, "a and not a"},
		{"implication chain", 3, []csp.Constraint{cl(-1, 2), cl(-2, 3)}, 4, "a<=b<=c: 000 001 011 111"},
		{"exactly one of three", 3, []csp.Constraint{card(1, 1, 1, 2, 3)}, 3, "C(3,1)"},
		{"two of four", 4, []csp.Constraint{card(2, 2, 1, 2, 3, 4)}, 6, "C(4,2)"},
		{"at most two of five", 5, []csp.Constraint{card(0, 2, 1, 2, 3, 4, 5)}, 16, "1+5+10"},
		{"duplicate literal counts twice", 2, []csp.Constraint{card(2, 2, 1, 1)}, 2, "a true, b free"},
		{"complementary literals", 1, []csp.Constraint{card(1, 1, 1, -1)}, 2, "exactly one of a, not a always holds"},
		{"impossible bounds", 2, []csp.Constraint{card(3, 3, 1, 2)}, 0, "3 of 2"},
		{"two components", 4, []csp.Constraint{cl(1, 2), cl(3, 4)}, 9, "3*3"},
		{"pigeonhole 3 into 2", 6, []csp.Constraint{
			cl(1, 2), cl(3, 4), cl(5, 6), // pigeon i in hole 1 or 2: vars 2i-1, 2i
			card(0, 1, 1, 3, 5), card(0, 1, 2, 4, 6),
		}, 0, "no injection from 3 to 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := boolModel(tt.n)
			m.Constraints = tt.cons
			got, err := CountCNF(m, CountOptions{})
			require.NoError(t, err)
			assert.Equal(t, big.NewInt(tt.want), got, tt.hand)
			assert.Equal(t, tt.want, bruteCount(m), "oracle agrees: "+tt.hand)
		})
	}
}

// randomModel draws a boolean model of clauses and cardinalities, with
// duplicated and complementary literals now and then.
func randomModel(r *rand.Rand, n int) *csp.Model {
	m := boolModel(n)
	nc := r.IntN(3*n + 2)
	for range nc {
		k := 1 + r.IntN(min(n, 4))
		var lits []int
		for range k {
			v := 1 + r.IntN(n)
			if r.IntN(2) == 0 {
				v = -v
			}
			lits = append(lits, v)
		}
		if r.IntN(5) == 0 {
			lo := r.IntN(k + 1)
			hi := lo + r.IntN(k+1-lo)
			if r.IntN(10) == 0 {
				lo, hi = hi+1, lo // sometimes impossible
			}
			c := card(lo, hi, lits...)
			// the counter must not care how a literal is spelled
			if r.IntN(2) == 0 {
				l := &c.Lits[0]
				l.Val, l.Neg = 1-l.Val, !l.Neg
			}
			m.Constraints = append(m.Constraints, c)
			continue
		}
		m.Constraints = append(m.Constraints, cl(lits...))
	}
	return m
}

func TestCountCNFMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	nonzero := 0
	for i := range iters {
		n := 1 + r.IntN(12)
		m := randomModel(r, n)
		want := bruteCount(m)
		got, err := CountCNF(m, CountOptions{})
		require.NoError(t, err)
		require.Equal(t, big.NewInt(want), got, "instance %d: %+v", i, m.Constraints)
		if want > 0 {
			nonzero++
		}
		// conditioning on a random literal
		l := csp.Lit{Var: r.IntN(n), Val: r.IntN(2), Neg: r.IntN(2) == 0}
		got, err = CountCNF(m, CountOptions{Assume: []csp.Lit{l}})
		require.NoError(t, err)
		require.Equal(t, big.NewInt(bruteCount(m, l)), got, "instance %d assuming %+v", i, l)
	}
	// the instances must not all be trivial
	assert.Greater(t, nonzero, iters/4)
	assert.Less(t, nonzero, iters)
}

func TestCountCNFConditioning(t *testing.T) {
	// (a | b) & (!a | c): a=1 forces c (b free): 2; a=0 forces b (c free): 2
	m := boolModel(3)
	m.Constraints = []csp.Constraint{cl(1, 2), cl(-1, 3)}
	a := func(lits ...csp.Lit) int64 {
		n, err := CountCNF(m, CountOptions{Assume: lits})
		require.NoError(t, err)
		return n.Int64()
	}
	assert.Equal(t, int64(4), a())
	assert.Equal(t, int64(2), a(csp.Lit{Var: 0, Val: 1}))
	assert.Equal(t, int64(2), a(csp.Lit{Var: 0, Val: 0}))
	assert.Equal(t, int64(2), a(csp.Lit{Var: 0, Val: 1, Neg: true}), "a != true is a = false")
	assert.Equal(t, int64(1), a(csp.Lit{Var: 0, Val: 1}, csp.Lit{Var: 1, Val: 0}))
	assert.Equal(t, int64(0), a(csp.Lit{Var: 0, Val: 1}, csp.Lit{Var: 0, Val: 0}), "contradictory assumptions")
	assert.Equal(t, int64(0), a(csp.Lit{Var: 0, Val: 1}, csp.Lit{Var: 2, Val: 0}), "assumption violates a clause")
}

func TestCountCNFRejectsNonBooleanModels(t *testing.T) {
	m := boolModel(2)
	m.Vars[1].Values = []string{"s", "m", "l"}
	_, err := CountCNF(m, CountOptions{})
	require.ErrorIs(t, err, ErrNotCNF)

	m = boolModel(2)
	m.Constraints = []csp.Constraint{{Kind: csp.KindTable, Scope: []int{0, 1}, Tuples: [][]int{{0, 1}}}}
	_, err = CountCNF(m, CountOptions{})
	require.ErrorIs(t, err, ErrNotCNF)

	m = boolModel(2)
	m.Constraints = []csp.Constraint{{Kind: csp.KindClause, Lits: []csp.Lit{{Var: 2, Val: 1}}}}
	_, err = CountCNF(m, CountOptions{})
	require.ErrorIs(t, err, ErrNotCNF)

	_, err = CountCNF(boolModel(1), CountOptions{Assume: []csp.Lit{{Var: 0, Val: 2}}})
	require.ErrorIs(t, err, ErrNotCNF)
}

func TestCountCNFBudget(t *testing.T) {
	// A chain of clauses (x1 | x2 | !x3), (x3 | x4 | !x5), ... is one
	// component that needs several branches.
	m := boolModel(17)
	for i := 0; i+2 < 17; i += 2 {
		m.Constraints = append(m.Constraints, cl(i+1, i+2, -(i+3)))
	}
	var st CountStats
	_, err := CountCNF(m, CountOptions{MaxNodes: 3, Stats: &st})
	require.ErrorIs(t, err, ErrBudgetExceeded)
	assert.Contains(t, err.Error(), "more than 3 search nodes")
	assert.Equal(t, int64(4), st.Nodes)

	// an unbounded count of the same model gives the exact answer
	want := plainDPLLCount(m, 1<<20)
	require.NotNil(t, want)
	got, err := CountCNF(m, CountOptions{MaxNodes: -1})
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// a tiny cache stops caching, not counting
	got, err = CountCNF(m, CountOptions{MaxCacheBytes: 1, Stats: &st})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Zero(t, st.CacheEntries)
}

func TestPlainDPLLOracleMatchesBruteForce(t *testing.T) {
	// The second oracle is itself checked against the first.
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		m := randomModel(r, 1+r.IntN(10))
		got := plainDPLLCount(m, 1<<20)
		require.NotNil(t, got)
		require.Equal(t, big.NewInt(bruteCount(m)), got, "instance %d", i)
	}
}

func TestCountCNFLargeCountIsExact(t *testing.T) {
	// 200 free variables and one clause over the first three: 2^200 - 2^197.
	m := boolModel(200)
	m.Constraints = []csp.Constraint{cl(1, 2, 3)}
	got, err := CountCNF(m, CountOptions{})
	require.NoError(t, err)
	want := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 200), new(big.Int).Lsh(big.NewInt(1), 197))
	assert.Equal(t, want, got)
}
