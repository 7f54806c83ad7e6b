package csp

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// cnfOf turns a model of boolean variables and clauses (as readDIMACS
// builds it) back into DIMACS clauses.
func cnfOf(m *Model) [][]int {
	var out [][]int
	for _, k := range m.Constraints {
		var cl []int
		for _, l := range k.Lits {
			lit := l.Var + 1
			if (l.Val == 0) != l.Neg {
				lit = -lit
			}
			cl = append(cl, lit)
		}
		out = append(out, cl)
	}
	return out
}

// dpllValid computes valid domains with the independent DPLL solver: a
// literal is valid iff the clauses, the choices and the literal are
// satisfiable; each model found settles all its literals at once.
func dpllValid(d *dpll, n int, cs []Choice) ([][]int, bool) {
	assume := make([]int, 0, len(cs)+1)
	for _, ch := range cs {
		if ch.Val == 1 {
			assume = append(assume, ch.Var+1)
		} else {
			assume = append(assume, -(ch.Var + 1))
		}
	}
	ok, model := d.solve(assume)
	if !ok {
		return nil, false
	}
	seen := make([][2]bool, n)
	mark := func(model []int8) {
		for v := 0; v < n; v++ {
			if model[v+1] == 1 {
				seen[v][1] = true
			} else {
				seen[v][0] = true
			}
			// Try the value not seen yet first, so that each model found
			// settles many literals.
			d.prefer[v+1] = 0
			if !seen[v][1] {
				d.prefer[v+1] = 1
			}
		}
	}
	mark(model)
	for v := 0; v < n; v++ {
		for val := 0; val < 2; val++ {
			if seen[v][val] {
				continue
			}
			lit := v + 1
			if val == 0 {
				lit = -lit
			}
			if ok, model := d.solve(append(assume, lit)); ok {
				mark(model)
			}
		}
	}
	out := make([][]int, n)
	for v := range out {
		out[v] = []int{}
		for val := 0; val < 2; val++ {
			if seen[v][val] {
				out[v] = append(out[v], val)
			}
		}
	}
	return out, true
}

// TestValidDomainsDIMACSAgreeWithDPLL cross-checks valid domains on
// automotive01 against a fresh DPLL satisfiability check per literal, along
// random choice sequences of offered values.
func TestValidDomainsDIMACSAgreeWithDPLL(t *testing.T) {
	m := loadAutomotive01(t)
	c, err := Compile(m)
	require.NoError(t, err)
	d := newDPLL(len(m.Vars), cnfOf(m))
	r := rand.New(rand.NewPCG(21, 22))
	sequences, steps := 3, 8
	if testing.Short() || raceEnabled {
		sequences, steps = 1, 5
	}
	checked := 0
	for seq := 0; seq < sequences; seq++ {
		s := NewSession(c)
		for step := 0; step <= steps; step++ {
			got, err := s.ValidDomains()
			require.NoError(t, err)
			want, ok := dpllValid(d, len(m.Vars), s.Choices())
			require.True(t, ok)
			require.Equal(t, want, got, "sequence %d after choices %v", seq, s.Choices())
			checked++
			v, a, ok := randomOffered(r, got)
			if !ok {
				break
			}
			require.NoError(t, s.Assign(v, a))
		}
	}
	require.Greater(t, checked, 5)
}

func TestDPLLOnSmallCNF(t *testing.T) {
	// (a or b) and (not a or b) and (not b or c): b and c forced.
	d := newDPLL(3, [][]int{{1, 2}, {-1, 2}, {-2, 3}})
	ok, model := d.solve(nil)
	require.True(t, ok)
	require.Equal(t, int8(1), model[2])
	require.Equal(t, int8(1), model[3])
	ok, _ = d.solve([]int{-3})
	require.False(t, ok)
}
