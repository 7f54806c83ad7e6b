package csp

import (
	"fmt"
	"slices"
)

// Explanation says why a value is not available.
type Explanation struct {
	Var, Val int
	// Choices is a minimal subset of the user's choices that rules the value
	// out: with these choices alone the value is impossible, and dropping any
	// one of them makes it possible again. Empty when the value is dead
	// (impossible with no choices at all).
	Choices []Choice
	// Constraints are the model constraints involved (indices into
	// Model.Constraints, ascending): with Choices fixed, these constraints
	// alone rule the value out. When Minimal, dropping any one of them makes
	// the value possible again (with Choices still fixed).
	Constraints []int
	// Minimal is false only when minimising Constraints ran out of budget;
	// Constraints is then a sufficient, not necessarily irreducible, set.
	Minimal bool
}

// maxConstraintChecks bounds the satisfiability checks spent minimising the
// constraints of one explanation.
const maxConstraintChecks = 4000

// Explain says why val is not available for v under the current choices.
// It returns ErrValueAvailable if the value is available.
func (s *Session) Explain(v, val int) (*Explanation, error) {
	if err := s.checkValue(v, val); err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	c := s.c
	ent := s.valid()
	if ent.sat && ent.valid[c.domOff[v]+int32(val)>>6]>>(val&63)&1 == 1 {
		return nil, fmt.Errorf("explain %q = %q: %w", c.vars[v].Name, c.vars[v].Values[val], ErrValueAvailable)
	}
	target := Choice{Var: v, Val: val}
	with := func(cs []Choice) bool {
		return s.consistentWith(append(slices.Clip(cs), target))
	}
	x := &Explanation{Var: v, Val: val}
	if with(nil) {
		x.Choices = quickXplain(s.Choices(), with)
	}
	x.Constraints, x.Minimal = minimalConstraints(c, append(slices.Clone(x.Choices), target))
	return x, nil
}

// consistentWith reports whether some solution agrees with cs, trying the
// solutions already known before searching.
func (s *Session) consistentWith(cs []Choice) bool {
	root := s.c.rootValid()
	if !root.sat {
		return false
	}
	for _, ch := range cs {
		if root.valid[s.c.domOff[ch.Var]+int32(ch.Val)>>6]>>(ch.Val&63)&1 == 0 {
			return false
		}
	}
	for _, pool := range [][][]int32{s.pool, root.pool} {
		for _, sol := range pool {
			if compatible(sol, cs) {
				return true
			}
		}
	}
	e := s.engine()
	e.backtrackTo(0)
	if e.solveUnder(cs) != resSat {
		return false
	}
	s.addSolution(slices.Clone(e.sol))
	return true
}

// quickXplain returns a minimal subset X of cands with consistent(X) false,
// given consistent(nil) true and consistent(cands) false (Junker's
// QuickXplain: about k·log(n/k) checks for a conflict of k among n).
func quickXplain(cands []Choice, consistent func([]Choice) bool) []Choice {
	if len(cands) == 0 {
		return nil
	}
	var qx func(bg []Choice, delta bool, cs []Choice) []Choice
	qx = func(bg []Choice, delta bool, cs []Choice) []Choice {
		if delta && !consistent(bg) {
			return nil
		}
		if len(cs) == 1 {
			return []Choice{cs[0]}
		}
		k := len(cs) / 2
		c1, c2 := cs[:k], cs[k:]
		d2 := qx(slices.Concat(bg, c1), true, c2)
		d1 := qx(slices.Concat(bg, d2), len(d2) > 0, c1)
		return slices.Concat(d1, d2)
	}
	x := qx(nil, false, cands)
	slices.SortFunc(x, func(a, b Choice) int { return a.Var - b.Var })
	return x
}

// minimalConstraints returns an irreducible set of constraints that, with
// the assumptions fixed, has no solution. It starts from the constraints a
// failed search depended on and removes them one at a time, shrinking the
// candidate set to each new failure's dependencies.
func minimalConstraints(c *Compiled, assume []Choice) ([]int, bool) {
	nc := len(c.props)
	off := make([]bool, nc)
	e := newEngine(c, off, nil, true)
	check := func(set []int32) (bool, []int32) {
		for i := range off {
			off[i] = true
		}
		for _, p := range set {
			off[p] = false
		}
		e.resetCore()
		e.reset(false)
		if e.ok && e.solveUnder(assume) == resSat {
			return true, nil
		}
		core := slices.Clone(e.core)
		slices.Sort(core)
		return false, core
	}
	all := make([]int32, nc)
	for i := range all {
		all[i] = int32(i)
	}
	sat, core := check(all)
	if sat {
		// Cannot happen: the caller established the conflict.
		return nil, false
	}
	necessary := make(map[int32]bool)
	checks := 0
	minimal := true
	for {
		i := slices.IndexFunc(core, func(p int32) bool { return !necessary[p] })
		if i < 0 {
			break
		}
		if checks == maxConstraintChecks {
			minimal = false
			break
		}
		checks++
		trial := slices.Delete(slices.Clone(core), i, i+1)
		if sat, sub := check(trial); sat {
			necessary[core[i]] = true
		} else {
			core = sub
		}
	}
	out := make([]int, len(core))
	for i, p := range core {
		out[i] = int(c.props[p].cons)
	}
	return out, minimal
}

// maxHittingSetNodes bounds the search for a smallest hitting set; past it
// Conflicts falls back to a subset-minimal correction set.
const (
	maxHittingSetNodes = 200000
	maxConflictCores   = 64
)

// Conflicts returns a smallest set of the current choices whose removal
// leaves the others consistent (nil when the choices are consistent). The
// set is minimum-cardinality when found within budget (implicit hitting
// sets over minimal conflicts), and always subset-minimal: putting back any
// one of its choices makes the rest inconsistent again. If the model itself
// has no solution it returns ErrInconsistent.
func (s *Session) Conflicts() ([]Choice, error) {
	if !s.consistentWith(nil) {
		return nil, fmt.Errorf("conflicts: model has no solution: %w", ErrInconsistent)
	}
	cs := s.Choices()
	if s.consistentWith(cs) {
		return nil, nil
	}
	var cores [][]int
	without := func(drop []int) []Choice {
		out := make([]Choice, 0, len(cs))
		for i, ch := range cs {
			if !slices.Contains(drop, i) {
				out = append(out, ch)
			}
		}
		return out
	}
	for len(cores) < maxConflictCores {
		hs, ok := minHittingSet(cores)
		if !ok {
			break
		}
		rest := without(hs)
		if s.consistentWith(rest) {
			out := make([]Choice, len(hs))
			for i, h := range hs {
				out[i] = cs[h]
			}
			slices.SortFunc(out, func(a, b Choice) int { return a.Var - b.Var })
			return out, nil
		}
		core := quickXplain(rest, s.consistentWith)
		idx := make([]int, len(core))
		for i, ch := range core {
			idx[i] = slices.Index(cs, ch)
		}
		cores = append(cores, idx)
	}
	// Fallback: keep each choice that stays consistent with those kept.
	var kept, dropped []Choice
	for _, ch := range cs {
		if s.consistentWith(append(slices.Clip(kept), ch)) {
			kept = append(kept, ch)
		} else {
			dropped = append(dropped, ch)
		}
	}
	return dropped, nil
}

// minHittingSet returns a smallest set of elements meeting every core.
func minHittingSet(cores [][]int) ([]int, bool) {
	var best []int
	found := false
	nodes := 0
	var rec func(chosen []int) bool
	rec = func(chosen []int) bool {
		nodes++
		if nodes > maxHittingSetNodes {
			return false
		}
		// Lower bound: cores pairwise disjoint from each other and unhit.
		var open []int
		for i, core := range cores {
			if !slices.ContainsFunc(core, func(x int) bool { return slices.Contains(chosen, x) }) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			if !found || len(chosen) < len(best) {
				best, found = slices.Clone(chosen), true
			}
			return true
		}
		if found && len(chosen)+disjointCount(cores, open) >= len(best) {
			return true
		}
		// Branch on the smallest open core.
		pick := open[0]
		for _, i := range open {
			if len(cores[i]) < len(cores[pick]) {
				pick = i
			}
		}
		for _, x := range cores[pick] {
			if !rec(append(slices.Clip(chosen), x)) {
				return false
			}
		}
		return true
	}
	if !rec(nil) {
		return nil, false
	}
	return best, true
}

// disjointCount greedily counts pairwise disjoint cores among open: a lower
// bound on how many more elements a hitting set needs.
func disjointCount(cores [][]int, open []int) int {
	var used []int
	n := 0
	for _, i := range open {
		if slices.ContainsFunc(cores[i], func(x int) bool { return slices.Contains(used, x) }) {
			continue
		}
		used = append(used, cores[i]...)
		n++
	}
	return n
}
