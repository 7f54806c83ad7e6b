package csp

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consistentUnder reports whether some assignment satisfies cs and every
// constraint whose index is in cons (brute force).
func consistentUnder(m *Model, cons []int, cs []Choice) bool {
	found := false
	forEachAssignment(m, func(a []int) {
		if found || !agrees(a, cs) {
			return
		}
		for _, i := range cons {
			if !holds(m, &m.Constraints[i], a) {
				return
			}
		}
		found = true
	})
	return found
}

func withoutIndex[T any](s []T, i int) []T {
	return slices.Delete(slices.Clone(s), i, i+1)
}

func TestRandomWalkOnOfferedValuesNeverDeadEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	walks := iterations(1500, 600)
	for wi := 0; wi < walks; wi++ {
		m := randomModel(r, defaultRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		if len(o.sols) == 0 {
			_, err := s.ValidDomains()
			require.ErrorIs(t, err, ErrInconsistent)
			continue
		}
		for {
			doms, err := s.ValidDomains()
			require.NoError(t, err, "walk %d reached a dead end at %v", wi, s.Choices())
			var open []int
			for v, d := range doms {
				require.NotEmpty(t, d)
				if slices.IndexFunc(s.Choices(), func(ch Choice) bool { return ch.Var == v }) < 0 {
					open = append(open, v)
				}
			}
			if len(open) == 0 {
				break
			}
			v := open[r.IntN(len(open))]
			require.NoError(t, s.Assign(v, doms[v][r.IntN(len(doms[v]))]))
		}
		full := make([]int, len(m.Vars))
		for _, ch := range s.Choices() {
			full[ch.Var] = ch.Val
		}
		assert.True(t, satisfiesExcept(m, full, -1), "walk %d ended on a non-solution %v", wi, full)
	}
}

func TestExplainIsSufficientAndMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	models := iterations(300, 120)
	explained, dead := 0, 0
	for mi := 0; mi < models; mi++ {
		m := randomModel(r, defaultRandSpec)
		o := newOracle(m)
		if len(o.sols) == 0 {
			continue
		}
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		all := make([]int, len(m.Constraints))
		for i := range all {
			all[i] = i
		}
		for step := 0; step < 4; step++ {
			randomChoiceStep(r, m, s)
			cs := s.Choices()
			want, ok := o.valid(cs)
			for v := range m.Vars {
				for a := range m.Vars[v].Values {
					if ok && slices.Contains(want[v], a) {
						_, err := s.Explain(v, a)
						require.ErrorIs(t, err, ErrValueAvailable)
						continue
					}
					x, err := s.Explain(v, a)
					require.NoError(t, err)
					explained++
					target := Choice{Var: v, Val: a}
					for _, ch := range x.Choices {
						require.Contains(t, cs, ch)
					}
					// Sufficient: the explaining choices alone rule the value out.
					require.False(t, o.consistent(append(slices.Clone(x.Choices), target)),
						"model %d choices %v: %v does not rule out %v", mi, cs, x.Choices, target)
					// Minimal: dropping any one makes the value possible.
					for i := range x.Choices {
						require.True(t, o.consistent(append(withoutIndex(x.Choices, i), target)),
							"model %d: %v is not minimal for %v", mi, x.Choices, target)
					}
					if !o.consistent([]Choice{target}) {
						dead++
						require.Empty(t, x.Choices, "a dead value is explained without choices")
					}
					// Constraints: sufficient with the explaining choices, and
					// irreducible.
					require.True(t, x.Minimal)
					fixed := append(slices.Clone(x.Choices), target)
					require.False(t, consistentUnder(m, x.Constraints, fixed))
					for i := range x.Constraints {
						require.True(t, consistentUnder(m, withoutIndex(x.Constraints, i), fixed),
							"model %d: constraint %d of %v is not needed for %v with %v", mi, x.Constraints[i], x.Constraints, target, x.Choices)
					}
				}
			}
		}
	}
	require.Greater(t, explained, 500)
	require.Greater(t, dead, 20)
}

func TestConflictsIsMinimumCorrectionSet(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	models := iterations(400, 150)
	inconsistent := 0
	for mi := 0; mi < models; mi++ {
		m := randomModel(r, defaultRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		if len(o.sols) == 0 {
			_, err := s.Conflicts()
			require.ErrorIs(t, err, ErrInconsistent)
			continue
		}
		for step := 0; step < 5; step++ {
			randomChoiceStep(r, m, s)
			cs := s.Choices()
			drop, err := s.Conflicts()
			require.NoError(t, err)
			if o.consistent(cs) {
				require.Empty(t, drop)
				continue
			}
			inconsistent++
			rest := slices.DeleteFunc(slices.Clone(cs), func(ch Choice) bool { return slices.Contains(drop, ch) })
			require.Len(t, rest, len(cs)-len(drop), "dropped choices must be current choices")
			require.True(t, o.consistent(rest), "dropping %v from %v leaves an inconsistent set", drop, cs)
			// No smaller set of choices (in particular no strict subset of
			// drop) can be dropped instead.
			for mask := 0; mask < 1<<len(cs); mask++ {
				var keep []Choice
				dropped := 0
				for i, ch := range cs {
					if mask>>i&1 == 1 {
						dropped++
					} else {
						keep = append(keep, ch)
					}
				}
				if dropped < len(drop) {
					require.False(t, o.consistent(keep), "dropping %d choices suffices, Conflicts gave %v", dropped, drop)
				}
			}
		}
	}
	require.Greater(t, inconsistent, 150)
}

func TestCountMatchesOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	models := iterations(400, 150)
	for mi := 0; mi < models; mi++ {
		m := randomModel(r, defaultRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		for step := 0; step < 4; step++ {
			n, err := s.Count(0)
			require.NoError(t, err)
			require.Equal(t, big.NewInt(int64(o.count(s.Choices()))), n, "model %d choices %v", mi, s.Choices())
			randomChoiceStep(r, m, s)
		}
	}
}

func TestCountBudgetExceeded(t *testing.T) {
	// 12 unconstrained-ish variables linked in a chain: more than 5 nodes.
	m := &Model{}
	for i := 0; i < 12; i++ {
		m.Vars = append(m.Vars, Var{Name: "x", Values: []string{"0", "1", "2"}})
	}
	for i := 0; i+1 < 12; i++ {
		m.Constraints = append(m.Constraints, Constraint{Kind: KindTable, Forbidden: true, Scope: []int{i, i + 1}, Tuples: [][]int{{0, 0}}})
	}
	c, err := Compile(m)
	require.NoError(t, err)
	_, err = NewSession(c).Count(5)
	require.ErrorIs(t, err, ErrBudgetExceeded)
	n, err := NewSession(c).Count(0)
	require.NoError(t, err)
	require.Equal(t, big.NewInt(int64(newOracle(m).count(nil))), n)
}

// rankOf returns the position of val in the preference order of v.
func rankOf(order [][]int, score func(v, val int) float64, dom, v, val int) float64 {
	if v < len(order) {
		if i := slices.Index(order[v], val); i >= 0 {
			return float64(i) - 1e9
		}
	}
	if score != nil {
		return -score(v, val)*1e3 + float64(val)*1e-3
	}
	return float64(val)
}

func TestCompleteReturnsMostPreferredSolution(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	models := iterations(500, 200)
	for mi := 0; mi < models; mi++ {
		m := randomModel(r, defaultRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		for step := 0; step < 4; step++ {
			randomChoiceStep(r, m, s)
			var pref Preference
			for v := range m.Vars {
				if r.IntN(2) == 0 {
					pref.Order = append(pref.Order, r.Perm(len(m.Vars[v].Values))[:r.IntN(len(m.Vars[v].Values)+1)])
				} else {
					pref.Order = append(pref.Order, nil)
				}
			}
			if r.IntN(2) == 0 {
				weights := make([]float64, 64)
				for i := range weights {
					weights[i] = float64(r.IntN(3))
				}
				pref.Score = func(v, val int) float64 { return weights[(v*7+val)%64] }
			}
			sol, err := s.Complete(pref)
			cs := s.Choices()
			if !o.consistent(cs) {
				require.ErrorIs(t, err, ErrInconsistent)
				continue
			}
			require.NoError(t, err)
			require.True(t, satisfiesExcept(m, sol, -1))
			require.True(t, agrees(sol, cs))
			// The oracle's lexicographically most preferred solution.
			var best []int
			less := func(a, b []int) bool {
				for v := range a {
					ra := rankOf(pref.Order, pref.Score, len(m.Vars[v].Values), v, a[v])
					rb := rankOf(pref.Order, pref.Score, len(m.Vars[v].Values), v, b[v])
					if ra != rb {
						return ra < rb
					}
				}
				return false
			}
			for _, so := range o.sols {
				if agrees(so, cs) && (best == nil || less(so, best)) {
					best = so
				}
			}
			require.Equal(t, best, sol, "model %d choices %v", mi, cs)
		}
	}
}

func TestStaticAnalysisMatchesOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	models := iterations(400, 150)
	redundant := 0
	for mi := 0; mi < models; mi++ {
		m := randomModel(r, defaultRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		want, sat := o.valid(nil)
		require.Equal(t, sat, c.Satisfiable())
		var dead, forced []Choice
		for v := range m.Vars {
			for a := range m.Vars[v].Values {
				if !sat || !slices.Contains(want[v], a) {
					dead = append(dead, Choice{v, a})
				}
			}
			if sat && len(want[v]) == 1 {
				forced = append(forced, Choice{v, want[v][0]})
			}
		}
		assert.Equal(t, dead, c.DeadValues(), "model %d", mi)
		assert.Equal(t, forced, c.ForcedValues(), "model %d", mi)
		for i := range m.Constraints {
			wantRed := true
			forEachAssignment(m, func(a []int) {
				if wantRed && satisfiesExcept(m, a, i) && !holds(m, &m.Constraints[i], a) {
					wantRed = false
				}
			})
			got, err := c.Redundant(i)
			require.NoError(t, err)
			require.Equal(t, wantRed, got, "model %d constraint %d %+v", mi, i, m.Constraints[i])
			if got {
				redundant++
			}
		}
	}
	require.Greater(t, redundant, 50)
}
