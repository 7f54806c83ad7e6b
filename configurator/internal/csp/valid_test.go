package csp

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// iterations scales a loop count down under -short.
func iterations(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

// randomChoiceStep changes the choices of s at random: mostly a new choice
// (any value, so inconsistent states occur too), sometimes a removal.
func randomChoiceStep(r *rand.Rand, m *Model, s *Session) {
	v := r.IntN(len(m.Vars))
	if r.IntN(5) == 0 {
		s.Unassign(v)
		return
	}
	if err := s.Assign(v, r.IntN(len(m.Vars[v].Values))); err != nil {
		panic(err)
	}
}

// largerRandSpec gives models with more variables, where searches go
// deeper.
var largerRandSpec = randSpec{maxVars: 10, maxDomain: 4, maxCons: 12, maxSpace: 40000}

func TestValidDomainsMatchOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	models := iterations(600, 250)
	sequences := 0
	for mi := 0; mi < models; mi++ {
		spec := defaultRandSpec
		if mi%4 == 3 {
			spec = largerRandSpec
		}
		m := randomModel(r, spec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		for seq := 0; seq < 4; seq++ {
			sequences++
			s := NewSession(c)
			for step := 0; step < 6; step++ {
				want, ok := o.valid(s.Choices())
				got, err := s.ValidDomains()
				if !ok {
					require.ErrorIs(t, err, ErrInconsistent, "model %d choices %v", mi, s.Choices())
					require.False(t, s.Consistent())
				} else {
					require.NoError(t, err, "model %d choices %v", mi, s.Choices())
					require.Equal(t, want, got, "model %d choices %v", mi, s.Choices())
				}
				randomChoiceStep(r, m, s)
			}
		}
	}
	require.GreaterOrEqual(t, sequences, 1000)
}

// TestValidDomainsExactUnderTinyFailLimits forces the pass machinery (values
// left for later passes when a search hits its fail limit) on every model.
func TestValidDomainsExactUnderTinyFailLimits(t *testing.T) {
	saved := passLimits
	passLimits = [...]int64{0, 1, 2, -1}
	defer func() { passLimits = saved }()
	r := rand.New(rand.NewPCG(31, 32))
	models := iterations(300, 120)
	for mi := 0; mi < models; mi++ {
		m := randomModel(r, largerRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		for step := 0; step < 5; step++ {
			want, ok := o.valid(s.Choices())
			got, err := s.ValidDomains()
			if ok {
				require.NoError(t, err)
				require.Equal(t, want, got, "model %d choices %v", mi, s.Choices())
			} else {
				require.ErrorIs(t, err, ErrInconsistent)
			}
			randomChoiceStep(r, m, s)
		}
	}
}

// TestPropagationIsGeneralisedArcConsistent checks the propagators of
// tables and clauses on their own: with a single constraint, the domains
// after propagation are exactly the values of its solutions.
func TestPropagationIsGeneralisedArcConsistent(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for i := 0; i < iterations(800, 300); i++ {
		m := randomModel(r, defaultRandSpec)
		var k Constraint
		for _, cand := range m.Constraints {
			if cand.Kind != KindCardinality {
				k = cand
				break
			}
		}
		if k.Kind == 0 {
			continue
		}
		m.Constraints = []Constraint{k}
		want, ok := newOracle(m).valid(nil)
		c, err := Compile(m)
		require.NoError(t, err)
		e := newEngine(c, nil, nil, false)
		require.Equal(t, ok, e.ok)
		if !ok {
			continue
		}
		for v := range m.Vars {
			var got []int
			for a := 0; a < len(m.Vars[v].Values); a++ {
				if e.has(int32(v), int32(a)) {
					got = append(got, a)
				}
			}
			require.Equal(t, want[v], got, "constraint %+v variable %d", k, v)
		}
	}
}

// TestSessionsShareCompiledModelConcurrently runs sessions on one compiled
// model from several goroutines (run with -race).
func TestSessionsShareCompiledModelConcurrently(t *testing.T) {
	m := randomModel(rand.New(rand.NewPCG(51, 52)), largerRandSpec)
	t.Run("default", func(t *testing.T) { sessionsConcurrently(t, m) })
	// Every query of every session with helpers from the one pool, values
	// given up on and retried while other workers search.
	t.Run("helpers", func(t *testing.T) {
		startHelpersAtOnce(t)
		saved := passLimits
		passLimits = [...]int64{0, 1, 2, -1}
		defer func() { passLimits = saved }()
		sessionsConcurrently(t, m, 3)
	})
}

// sessionsConcurrently plays four random configurations of m at once on
// one compiled model (with the given parallelism, if any) and checks every
// answer against the oracle.
func sessionsConcurrently(t *testing.T, m *Model, parallelism ...int) {
	o := newOracle(m)
	c, err := Compile(m)
	require.NoError(t, err)
	for _, n := range parallelism {
		c.SetParallelism(n)
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(seed uint64) {
			r := rand.New(rand.NewPCG(seed, seed))
			s := NewSession(c)
			for step := 0; step < 30; step++ {
				randomChoiceStep(r, m, s)
				want, ok := o.valid(s.Choices())
				got, err := s.ValidDomains()
				if ok && (err != nil || !equalDomains(want, got)) {
					errs <- fmt.Errorf("choices %v: got %v, %v; want %v", s.Choices(), got, err, want)
					return
				}
				if !ok && !errors.Is(err, ErrInconsistent) {
					errs <- fmt.Errorf("choices %v: inconsistency not reported: %v", s.Choices(), err)
					return
				}
			}
			errs <- nil
		}(uint64(g))
	}
	for g := 0; g < 4; g++ {
		require.NoError(t, <-errs)
	}
}

func equalDomains(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestMultiWordDomains runs the oracle checks on models with a variable of
// more than 64 values, whose domain spans several bitset words.
func TestMultiWordDomains(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for mi := 0; mi < iterations(150, 60); mi++ {
		spec := randSpec{maxVars: 4, maxDomain: 4, maxCons: 7, maxSpace: 20000, wide: 65 + r.IntN(70)}
		m := randomModel(r, spec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		for step := 0; step < 5; step++ {
			cs := s.Choices()
			want, ok := o.valid(cs)
			got, err := s.ValidDomains()
			if !ok {
				require.ErrorIs(t, err, ErrInconsistent)
			} else {
				require.NoError(t, err)
				require.Equal(t, want, got, "model %d choices %v", mi, cs)
				sol, err := s.Complete(Preference{})
				require.NoError(t, err)
				require.True(t, satisfiesExcept(m, sol, -1))
				// Explain a few withheld values of the wide variable.
				for a, n := 0, 0; a < len(m.Vars[0].Values) && n < 3; a++ {
					if slices.Contains(want[0], a) {
						continue
					}
					n++
					x, err := s.Explain(0, a)
					require.NoError(t, err)
					target := Choice{Var: 0, Val: a}
					require.False(t, o.consistent(append(slices.Clone(x.Choices), target)))
					require.False(t, consistentUnder(m, x.Constraints, append(slices.Clone(x.Choices), target)))
				}
			}
			n, err := s.Count(0)
			require.NoError(t, err)
			require.Equal(t, int64(o.count(cs)), n.Int64())
			randomChoiceStep(r, m, s)
		}
	}
}

// A table whose scope lies within another table's scope is not propagated
// in the reduced copy; the larger table keeps only the rows the smaller
// one allows, and every answer stays the same (worked by hand: the
// solutions are 000, 120, 222 and 210).
func TestReducedCopyFoldsSubsumedTables(t *testing.T) {
	vals := []string{"0", "1", "2"}
	m := &Model{Vars: []Var{{Name: "x", Values: vals}, {Name: "y", Values: vals}, {Name: "z", Values: vals}},
		Constraints: []Constraint{
			{Name: "xyz", Kind: KindTable, Scope: []int{0, 1, 2},
				Tuples: [][]int{{0, 0, 0}, {0, 1, 1}, {1, 0, 2}, {1, 2, 0}, {2, 2, 2}, {2, 1, 0}}},
			{Name: "xy", Kind: KindTable, Scope: []int{0, 1},
				Tuples: [][]int{{0, 0}, {1, 2}, {2, 1}, {2, 2}, {0, 2}}},
		}}
	c, err := Compile(m)
	require.NoError(t, err)
	s := NewSession(c)
	doms, err := s.ValidDomains()
	require.NoError(t, err)
	assert.Equal(t, [][]int{{0, 1, 2}, {0, 1, 2}, {0, 2}}, doms)

	r := c.root.search.Load()
	require.NotNil(t, r)
	require.Len(t, r.dropped, 2)
	assert.Equal(t, []bool{false, true}, r.dropped, "xy is folded into xyz")
	// 011 goes with z = 1, which no solution takes; 102 with xy = 10.
	assert.Equal(t, int32(4), r.tables[r.props[0].data].nrows)
	for v := range r.varProps {
		assert.NotContains(t, r.varProps[v], int32(1))
	}

	n, err := s.Count(0)
	require.NoError(t, err)
	assert.Equal(t, int64(4), n.Int64())
	for _, tc := range []struct {
		choice Choice
		doms   [][]int
		count  int64
	}{
		{Choice{Var: 0, Val: 2}, [][]int{{2}, {1, 2}, {0, 2}}, 2},
		{Choice{Var: 2, Val: 0}, [][]int{{0, 1, 2}, {0, 1, 2}, {0}}, 3},
		{Choice{Var: 1, Val: 0}, [][]int{{0}, {0}, {0}}, 1},
	} {
		s := NewSession(c)
		require.NoError(t, s.Assign(tc.choice.Var, tc.choice.Val))
		doms, err := s.ValidDomains()
		require.NoError(t, err)
		assert.Equal(t, tc.doms, doms, "%v", tc.choice)
		n, err := s.Count(0)
		require.NoError(t, err)
		assert.Equal(t, tc.count, n.Int64(), "%v", tc.choice)
	}
	// A value the folded table alone forbids (x = 1, y = 0 is in xyz
	// but not in xy) is not offered.
	s = NewSession(c)
	require.NoError(t, s.Assign(0, 1))
	doms, err = s.ValidDomains()
	require.NoError(t, err)
	assert.Equal(t, [][]int{{1}, {2}, {0}}, doms)
}

// TestReducedModelKeepsAnswers checks the reduced copy sessions search on
// generated table models too large for the oracle: along random choice
// sequences, a session's valid domains (searched on the reduced copy) equal
// those computed on the full model, and the copy has fewer rows.
func TestReducedModelKeepsAnswers(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for seed := int64(1); seed <= int64(iterations(6, 2)); seed++ {
		m := GenerateAutomotive(seed, AutomotiveSpec{Vars: 40, MaxDomain: 30, Tables: 30, Rows: 10000, Products: 300, NearMisses: seed%2 == 0})
		c, err := Compile(m)
		require.NoError(t, err)
		s := NewSession(c)
		_, err = s.ValidDomains()
		require.NoError(t, err)
		red := c.searchModel()
		require.NotSame(t, c, red, "seed %d: no reduced copy", seed)
		rows, redRows := 0, 0
		for i := range c.tables {
			rows += int(c.tables[i].nrows)
			redRows += int(red.tables[i].nrows)
		}
		require.Less(t, redRows, rows, "seed %d", seed)
		full := newEngine(c, nil, nil, false)
		root := c.rootValid()
		for step := 0; step < 8; step++ {
			doms, err := s.ValidDomains()
			require.NoError(t, err, "seed %d choices %v", seed, s.Choices())
			valid, sat, _ := full.computeValid(s.Choices(), slices.Clone(root.valid), nil, root.pool)
			require.True(t, sat, "seed %d choices %v", seed, s.Choices())
			want := make([][]int, len(c.domSize))
			for v := range want {
				want[v] = appendValues([]int{}, valid[c.domOff[v]:c.domOff[v]+c.domNW[v]])
			}
			require.Equal(t, want, doms, "seed %d choices %v", seed, s.Choices())
			v, a, ok := randomOffered(r, doms)
			if !ok {
				break
			}
			require.NoError(t, s.Assign(v, a))
		}
	}
}

// startHelpersAtOnce makes every query start its helpers at its first
// item, with a single value left, for the rest of the test.
func startHelpersAtOnce(t *testing.T) {
	savedMin, savedDelay := minValuesPerWorker, helperDelay
	minValuesPerWorker, helperDelay = 1, 0
	t.Cleanup(func() { minValuesPerWorker, helperDelay = savedMin, savedDelay })
}

// TestValidDomainsParallelMatchOracle shares every query's searches among
// three workers, with tiny fail limits on some models so that values go
// through several passes, and compares with brute force.
func TestValidDomainsParallelMatchOracle(t *testing.T) {
	startHelpersAtOnce(t)
	r := rand.New(rand.NewPCG(61, 62))
	savedLimits := passLimits
	defer func() { passLimits = savedLimits }()
	for mi := 0; mi < iterations(300, 100); mi++ {
		passLimits = savedLimits
		if mi%3 == 2 {
			passLimits = [...]int64{0, 1, 2, -1}
		}
		m := randomModel(r, largerRandSpec)
		o := newOracle(m)
		c, err := Compile(m)
		require.NoError(t, err)
		c.SetParallelism(3)
		s := NewSession(c)
		for step := 0; step < 5; step++ {
			want, ok := o.valid(s.Choices())
			got, err := s.ValidDomains()
			if ok {
				require.NoError(t, err, "model %d choices %v", mi, s.Choices())
				require.Equal(t, want, got, "model %d choices %v", mi, s.Choices())
			} else {
				require.ErrorIs(t, err, ErrInconsistent, "model %d choices %v", mi, s.Choices())
			}
			randomChoiceStep(r, m, s)
		}
	}
}

// TestParallelValidDomainsEqualSequential plays random configurations on
// generated table models too large for the oracle: valid domains with four
// workers equal those of a session on the same model with one.
func TestParallelValidDomainsEqualSequential(t *testing.T) {
	startHelpersAtOnce(t)
	r := rand.New(rand.NewPCG(71, 72))
	for seed := int64(1); seed <= int64(iterations(4, 2)); seed++ {
		m := GenerateAutomotive(seed, AutomotiveSpec{Vars: 40, MaxDomain: 30, Tables: 30, Rows: 10000, Products: 300, NearMisses: seed%2 == 0})
		par, err := Compile(m)
		require.NoError(t, err)
		par.SetParallelism(4)
		seq, err := Compile(m)
		require.NoError(t, err)
		seq.SetParallelism(1)
		ps, ss := NewSession(par), NewSession(seq)
		for step := 0; step < 10; step++ {
			want, err := ss.ValidDomains()
			require.NoError(t, err, "seed %d choices %v", seed, ss.Choices())
			got, err := ps.ValidDomains()
			require.NoError(t, err, "seed %d choices %v", seed, ps.Choices())
			require.Equal(t, want, got, "seed %d choices %v", seed, ps.Choices())
			v, a, ok := randomOffered(r, want)
			if !ok {
				break
			}
			require.NoError(t, ss.Assign(v, a))
			require.NoError(t, ps.Assign(v, a))
		}
	}
}

// Three configurations at once on one compiled table model, every query
// shared with helpers from its pool and most values given up on and
// retried: each answer equals the one a session with one worker and the
// usual fail limits gave.
func TestConcurrentParallelSessionsOnTables(t *testing.T) {
	m := GenerateAutomotive(3, AutomotiveSpec{Vars: 40, MaxDomain: 30, Tables: 30, Rows: 10000, Products: 300, NearMisses: true})
	seq, err := Compile(m)
	require.NoError(t, err)
	seq.SetParallelism(1)
	type step struct {
		doms [][]int
		v, a int
	}
	plays := make([][]step, 3)
	for g := range plays {
		r := rand.New(rand.NewPCG(uint64(g), 81))
		s := NewSession(seq)
		for range iterations(12, 6) {
			doms, err := s.ValidDomains()
			require.NoError(t, err)
			v, a, ok := randomOffered(r, doms)
			if !ok {
				plays[g] = append(plays[g], step{doms, -1, -1})
				break
			}
			plays[g] = append(plays[g], step{doms, v, a})
			require.NoError(t, s.Assign(v, a))
		}
	}

	startHelpersAtOnce(t)
	saved := passLimits
	passLimits = [...]int64{0, 1, 2, -1}
	defer func() { passLimits = saved }()
	par, err := Compile(m)
	require.NoError(t, err)
	par.SetParallelism(2)
	errs := make(chan error, len(plays))
	for _, play := range plays {
		go func() {
			errs <- func() error {
				s := NewSession(par)
				for _, st := range play {
					got, err := s.ValidDomains()
					if err != nil {
						return err
					}
					if !equalDomains(st.doms, got) {
						return fmt.Errorf("choices %v: got %v, want %v", s.Choices(), got, st.doms)
					}
					if st.v < 0 {
						break
					}
					if err := s.Assign(st.v, st.a); err != nil {
						return err
					}
				}
				return nil
			}()
		}()
	}
	for range plays {
		require.NoError(t, <-errs)
	}
}

// TestHelperPanicReachesTheCaller makes every helper panic as it starts:
// the query panics on the caller's goroutine, where a host (an HTTP
// server, say) can recover it, with the helper's panic inside; the model
// goes on serving new sessions.
func TestHelperPanicReachesTheCaller(t *testing.T) {
	startHelpersAtOnce(t)
	m := GenerateAutomotive(3, AutomotiveSpec{Vars: 40, MaxDomain: 30, Tables: 30, Rows: 10000, Products: 300})
	c, err := Compile(m)
	require.NoError(t, err)
	c.SetParallelism(2)
	_, err = NewSession(c).ValidDomains()
	require.NoError(t, err)

	// Choices in turn until a query has values to search (the first
	// choices may be answered from known solutions alone).
	boom := errors.New("boom")
	testHelperStart = func() { panic(boom) }
	var got any
	var choice Choice
	for v := 0; v < len(m.Vars) && got == nil; v++ {
		for a := range m.Vars[v].Values {
			s := NewSession(c)
			require.NoError(t, s.Assign(v, a))
			func() {
				defer func() { got = recover() }()
				_, _ = s.ValidDomains()
			}()
			if got != nil {
				choice = Choice{Var: v, Val: a}
				break
			}
		}
	}
	testHelperStart = nil
	require.NotNil(t, got, "no query panicked")
	perr, ok := got.(error)
	require.True(t, ok, "%v", got)
	assert.ErrorIs(t, perr, boom)
	assert.Contains(t, perr.Error(), "valid-domains helper panicked")

	// A fresh session on the same model answers as one on one worker.
	fresh := NewSession(c)
	require.NoError(t, fresh.Assign(choice.Var, choice.Val))
	got2, err := fresh.ValidDomains()
	require.NoError(t, err)
	one, err := Compile(m)
	require.NoError(t, err)
	one.SetParallelism(1)
	ref := NewSession(one)
	require.NoError(t, ref.Assign(choice.Var, choice.Val))
	want, err := ref.ValidDomains()
	require.NoError(t, err)
	assert.Equal(t, want, got2)
}
