package csp

import (
	"math/bits"
	"slices"
)

// Valid domains: every value in the propagated domains is either covered by
// a solution (a witness) or proven impossible by an exhaustive search. The
// work is ordered from cheap to expensive:
//
//  1. known solutions that agree with the choices cover their values; the
//     others are tried with the chosen values written in (adapt);
//  2. recent solutions are widened: single values (or a value plus one
//     repairing change) are switched to uncovered ones while the assignment
//     stays a solution, checked constraint by constraint without search;
//  3. each value still uncovered gets a search with that value assigned,
//     guided by a known solution that holds it (its witness under earlier
//     choices); the solution found is widened in turn. A search that fails
//     proves the value impossible, which is removed at once and propagated,
//     strengthening the later checks. Searches start with a small fail
//     limit; a value whose search gives up is retried, after the others,
//     with a larger one, so that hard values are proven last.
//
// Steps 2 and 3 are shared among workers on other goroutines when a query
// proves costly (parallel.go).

// Fail limits of the successive searches of a value: the first, then
// those of each retry after the search gave up.
var passLimits = [...]int64{16, 256, 4096, -1}

// widenTries is how many recent known solutions are widened.
const widenTries = 32

// computeValid returns the values of every variable that extend to a
// solution under the choices, whether there is a solution, and the
// solutions found. restrict (if not nil) is a known superset of the answer,
// known a known subset; pools hold solutions of the model.
func (e *engine) computeValid(cs []Choice, restrict, known []uint64, pools ...[][]int32) ([]uint64, bool, [][]int32) {
	c := e.c
	e.backtrackTo(0)
	if !e.ok {
		return nil, false, nil
	}
	e.push()
	defer e.backtrackTo(0)
	if !e.applyChoices(cs) || !e.propagate() {
		return nil, false, nil
	}
	if restrict != nil {
		for v := range c.domSize {
			off, nw := c.domOff[v], c.domNW[v]
			if !e.restrict(int32(v), restrict[off:off+nw], -1) {
				e.clearQueues()
				return nil, false, nil
			}
		}
		if !e.propagate() {
			return nil, false, nil
		}
	}
	cover := e.cover
	clear(cover)
	haveSol := false
	if known != nil {
		for k := range cover {
			cover[k] = known[k] & e.mem[k]
			if cover[k] != 0 {
				haveSol = true
			}
		}
	}
	chosen := e.chosen
	clear(chosen)
	for _, ch := range cs {
		chosen[ch.Var] = true
	}
	e.guided = true
	e.failLimit = -1
	defer func() { e.guided = false; e.failLimit = -1; e.base = nil }()

	// 1. Known solutions.
	var found [][]int32
	work := e.work[:0]
	for _, pool := range pools {
		for _, sol := range pool {
			if ns := e.adapt(sol, cs); ns == nil {
				continue
			} else if &ns[0] == &sol[0] {
				e.markSolution(sol)
				work = append(work, sol)
			} else {
				e.markSolution(ns)
				work = append(work, ns)
				found = append(found, ns)
			}
		}
	}
	e.base = nil
	if len(work) > 0 {
		haveSol = true
		e.base = work[len(work)-1]
	}
	if !haveSol {
		e.push()
		r := e.search()
		e.pop()
		if r != resSat {
			return nil, false, nil
		}
		sol := slices.Clone(e.sol)
		e.markSolution(sol)
		work = append(work, sol)
		found = append(found, sol)
		e.base = sol
	}

	// 2. and 3. Widen recent solutions, then search the values left (both
	// shared among workers when there are many values).
	recent := work[max(0, len(work)-widenTries):]
	found, ok := e.searchValues(cs, pools, found, recent)
	clear(work)
	e.work = work[:0]
	if !ok {
		return nil, false, found
	}
	return slices.Clone(e.mem[:c.ufLimOff]), true, found
}

// findWitness returns the most recent known solution (of the model, not
// of the current choices: those are covered already) in which v = a, or
// nil.
func findWitness(v, a int32, pools [][][]int32) []int32 {
	for i := len(pools) - 1; i >= 0; i-- {
		pool := pools[i]
		for j := len(pool) - 1; j >= 0; j-- {
			if pool[j][v] == a {
				return pool[j]
			}
		}
	}
	return nil
}

// widen switches values of solution sol to values not yet covered (in the
// current domains, for variables not chosen) as long as it stays a
// solution, possibly together with repairing changes of other variables
// (see flip), and marks them covered. With inPlace it changes sol itself;
// otherwise it returns a changed copy, or nil when nothing changed.
func (e *engine) widen(sol []int32, inPlace bool) []int32 {
	c := e.c
	var ns []int32
	if inPlace {
		ns = sol
	}
	for v := int32(0); v < int32(len(c.domSize)); v++ {
		if e.chosen[v] {
			continue
		}
		off, nw := c.domOff[v], c.domNW[v]
		for w := int32(0); w < nw; w++ {
			for x := e.mem[off+w] &^ e.cover[off+w]; x != 0; x &= x - 1 {
				a := w*64 + int32(bits.TrailingZeros64(x))
				cur := sol
				if ns != nil {
					cur = ns
				}
				n := e.flip(cur, v, a)
				if n < 0 {
					continue
				}
				if ns == nil {
					ns = slices.Clone(sol)
				}
				ns[v] = a
				e.cover[off+w] |= 1 << (a & 63)
				for i := range n {
					y, b := e.flipVar[i], e.flipVal[i]
					ns[y] = b
					e.cover[c.domOff[y]+b>>6] |= 1 << (b & 63)
				}
				w = nw // v has changed: go on with the next variable
				break
			}
		}
	}
	return ns
}

// flip says how sol can stay a solution with v set to a: -1 when it
// cannot (as far as flip looks), else the number n of other variables that
// must change with it, in e.flipVar[:n] and e.flipVal[:n] (values in the
// current domains). Only a change that breaks a single constraint is
// repaired: one other variable for any constraint, up to two for a positive
// table.
func (e *engine) flip(sol []int32, v, a int32) int {
	c := e.c
	ov := e.override
	ov[v] = a
	defer func() { ov[v] = -1 }()
	bad := int32(-1)
	for _, p := range e.varScopes[v] {
		if e.isOff(p) || c.holdsOver(&e.props[p], sol, ov) {
			continue
		}
		if bad >= 0 {
			return -1
		}
		bad = p
	}
	if bad < 0 {
		return 0
	}
	if e.props[bad].kind == propTable {
		return e.flipTable(sol, v, bad)
	}
	for _, x := range e.props[bad].scope {
		if x == v || e.chosen[x] {
			continue
		}
		off, nw := c.domOff[x], c.domNW[x]
		for w := int32(0); w < nw; w++ {
			for d := e.mem[off+w]; d != 0; d &= d - 1 {
				val := w*64 + int32(bits.TrailingZeros64(d))
				if val == sol[x] {
					continue
				}
				ov[x] = val
				e.flipVar[0], e.flipVal[0] = x, val
				ok := e.holdsAround(sol, v, e.flipVar[:1])
				ov[x] = -1
				if ok {
					return 1
				}
			}
		}
	}
	return -1
}

// flipTable is flip when v = a (in e.override) breaks only the positive
// table propagator p. The rows of p's current table with v = a that differ
// from sol in exactly one other position, then in exactly two, are the
// candidate repairs; bitwise counters over the positions find them in a few
// word operations per position, where trying every value of every other
// variable of the scope (as for other constraints) took about half of the
// widening time. Each candidate is checked against the constraints on the
// variables it changes.
func (e *engine) flipTable(sol []int32, v, p int32) int {
	c := e.c
	ov := e.override
	t := &c.tables[e.props[p].data]
	tnw := t.nw
	lim := int32(e.mem[t.limOff])
	idx := e.perm[t.idxOff : t.idxOff+lim]
	if len(e.flipBuf) < int(4*tnw) {
		e.flipBuf = make([]uint64, 4*c.maxTableNW())
	}
	// rows: current rows with v = a; one, two, three: rows that differ
	// from sol in at least that many other positions.
	rows, one, two, three := e.flipBuf[:tnw], e.flipBuf[tnw:2*tnw], e.flipBuf[2*tnw:3*tnw], e.flipBuf[3*tnw:4*tnw]
	vpos := slices.Index(t.scope, v)
	vs := t.sup[(t.supOff[vpos]+ov[v])*tnw:]
	for _, wi := range idx {
		rows[wi] = e.mem[t.wOff+wi] & vs[wi]
		one[wi], two[wi], three[wi] = 0, 0, 0
	}
	for j, x := range t.scope {
		if j == vpos {
			continue
		}
		agree := t.sup[(t.supOff[j]+sol[x])*tnw:]
		for _, wi := range idx {
			d := rows[wi] &^ agree[wi]
			three[wi] |= two[wi] & d
			two[wi] |= one[wi] & d
			one[wi] |= d
		}
	}
	for k := 1; k <= maxTableRepairs; k++ {
		for _, wi := range idx {
			m := rows[wi] & one[wi] &^ two[wi]
			if k == 2 {
				m = rows[wi] & two[wi] &^ three[wi]
			}
			for ; m != 0; m &= m - 1 {
				if n := e.rowRepair(sol, t, vpos, wi, m&-m); n == k {
					for i := range n {
						ov[e.flipVar[i]] = e.flipVal[i]
					}
					ok := e.holdsAround(sol, v, e.flipVar[:n])
					for i := range n {
						ov[e.flipVar[i]] = -1
					}
					if ok {
						return n
					}
				}
			}
		}
	}
	return -1
}

// maxTableRepairs is how many other variables flipTable may change.
const maxTableRepairs = 2

// rowRepair writes into e.flipVar and e.flipVal the positions (other than
// vpos) where row (word wi, bit) of table t differs from sol, with the
// row's values, and returns their number, or -1 if one of them is a chosen
// variable or there are more than maxTableRepairs.
func (e *engine) rowRepair(sol []int32, t *tableData, vpos int, wi int32, bit uint64) int {
	c := e.c
	tnw := t.nw
	n := 0
	for j, x := range t.scope {
		if j == vpos || t.sup[(t.supOff[j]+sol[x])*tnw+wi]&bit != 0 {
			continue
		}
		if e.chosen[x] || n == maxTableRepairs {
			return -1
		}
		// The row's value of x: the one whose support holds the row.
		off, nw := c.domOff[x], c.domNW[x]
		val := int32(-1)
	find:
		for w := int32(0); w < nw; w++ {
			for d := e.mem[off+w]; d != 0; d &= d - 1 {
				b := w*64 + int32(bits.TrailingZeros64(d))
				if t.sup[(t.supOff[j]+b)*tnw+wi]&bit != 0 {
					val = b
					break find
				}
			}
		}
		if val < 0 {
			return -1
		}
		e.flipVar[n], e.flipVal[n] = x, val
		n++
	}
	return n
}

// holdsAround checks the propagators on v and on xs against sol with the
// values in e.override.
func (e *engine) holdsAround(sol []int32, v int32, xs []int32) bool {
	for _, p := range e.varScopes[v] {
		if !e.isOff(p) && !e.c.holdsOver(&e.props[p], sol, e.override) {
			return false
		}
	}
	for _, x := range xs {
		for _, p := range e.varScopes[x] {
			if !e.isOff(p) && !e.c.holdsOver(&e.props[p], sol, e.override) {
				return false
			}
		}
	}
	return true
}

// adapt returns sol itself if it agrees with the choices, a copy with the
// chosen values written in if that is a solution, else nil. Solutions that
// disagree with more than maxAdapt choices are not tried.
func (e *engine) adapt(sol []int32, cs []Choice) []int32 {
	ov := e.override
	changed := e.bufA[:0]
	for _, ch := range cs {
		if sol[ch.Var] != int32(ch.Val) {
			if len(changed) == maxAdapt {
				for _, x := range changed {
					ov[x] = -1
				}
				e.bufA = changed[:0]
				return nil
			}
			ov[ch.Var] = int32(ch.Val)
			changed = append(changed, int32(ch.Var))
		}
	}
	e.bufA = changed
	if len(changed) == 0 {
		return sol
	}
	ok := true
	e.epoch++
	for _, x := range changed {
		for _, p := range e.varScopes[x] {
			if e.propMark[p] == e.epoch || e.isOff(p) {
				continue
			}
			e.propMark[p] = e.epoch
			if !e.c.holdsOver(&e.props[p], sol, ov) {
				ok = false
				break
			}
		}
		if !ok {
			break
		}
	}
	var ns []int32
	if ok {
		ns = slices.Clone(sol)
	}
	for _, x := range changed {
		if ok {
			ns[x] = ov[x]
		}
		ov[x] = -1
	}
	return ns
}

// maxAdapt bounds the choices a known solution may disagree with to be
// adapted.
const maxAdapt = 8

// markSolution adds the values of sol to the covered set.
func (e *engine) markSolution(sol []int32) {
	c := e.c
	for v, a := range sol {
		e.cover[c.domOff[v]+a>>6] |= 1 << (a & 63)
	}
}

// tryComplete guesses a value for every unfixed variable (its phase when
// still in the domain, else the base solution's, else the first) and checks
// the guess against the propagators on variables whose value differs from
// the base solution (the others hold: the base is a solution). On success
// the solution is in e.sol and the phase; otherwise it returns a violated
// propagator, or -1 when there is no base.
func (e *engine) tryComplete() (bool, int32) {
	base := e.base
	if base == nil {
		return false, -1
	}
	c := e.c
	cand := e.sol
	changed := e.bufA[:0]
	for v := range cand {
		x := int32(v)
		var a int32
		if c.domNW[v] == 1 {
			a = -1
			if d := e.mem[c.domOff[v]]; d&(d-1) == 0 {
				a = int32(bits.TrailingZeros64(d))
			}
		} else {
			a = e.value(x)
		}
		if a < 0 {
			if p := e.phase[v]; p >= 0 && p < c.domSize[v] && e.has(x, p) {
				a = p
			} else if b := base[v]; e.has(x, b) {
				a = b
			} else {
				a = e.firstValue(x)
			}
		}
		cand[v] = a
		if a != base[v] {
			changed = append(changed, x)
		}
	}
	e.bufA = changed
	e.epoch++
	for _, x := range changed {
		for _, p := range e.varScopes[x] {
			if e.propMark[p] == e.epoch || e.isOff(p) {
				continue
			}
			e.propMark[p] = e.epoch
			if !c.holds(&e.props[p], cand) {
				return false, p
			}
		}
	}
	copy(e.phase, cand)
	return true, -1
}

// repairMove picks a decision that repairs propagator p, violated by the
// guess in e.sol: an unfixed variable of p and a value of its domain that
// satisfies p with the rest of the guess, breaking the fewest other
// constraints among the first few such changes (min-conflicts). It returns
// -1, -1 when no single change repairs p.
//
// The guided search uses it when the violated constraint is not a positive
// table (for clauses, as on automotive01, it makes valid domains about four
// times faster than dom/wdeg decisions). For a table, a single changed
// value rarely leads to one of its rows that fits the rest of the guess;
// there the search decides, on its first dive, the variable of the table
// with the smallest dom/wdeg, and after a failure any variable by dom/wdeg:
// on the synthetic automotive model this takes more decisions but fewer
// failures and about 15% less time than repairMove.
func (e *engine) repairMove(p int32) (int32, int32) {
	c := e.c
	cand := e.sol
	bv, ba, bb := int32(-1), int32(-1), 1<<30
	tries := 0
scan:
	for _, x := range e.props[p].scope {
		if e.size(x) <= 1 {
			continue
		}
		off, nw := c.domOff[x], c.domNW[x]
		for w := int32(0); w < nw; w++ {
			for d := e.mem[off+w]; d != 0; d &= d - 1 {
				a := w*64 + int32(bits.TrailingZeros64(d))
				if a == cand[x] || !c.holdsWith(&e.props[p], cand, x, a) {
					continue
				}
				// Count the other constraints the change would break.
				breaks := 0
				for _, q := range e.varScopes[x] {
					if q != p && !e.isOff(q) && c.holdsWith(&e.props[q], cand, x, a) != c.holdsWith(&e.props[q], cand, -1, 0) {
						breaks++
					}
				}
				if breaks < bb {
					bv, ba, bb = x, a, breaks
				}
				tries++
				if bb == 0 || tries >= repairTries {
					break scan
				}
			}
		}
	}
	if bv >= 0 {
		e.phase[bv] = ba
	}
	return bv, ba
}

// repairTries bounds the repairing changes repairMove compares.
const repairTries = 8
