package modelio

import (
	"math/big"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// Test oracles, written independently of the counter: they read csp.Lit
// semantics straight from the model.

func litHolds(a []int, l csp.Lit) bool { return (a[l.Var] == l.Val) != l.Neg }

// satisfied reports whether a full assignment satisfies every constraint.
func satisfied(m *csp.Model, a []int) bool {
	for _, c := range m.Constraints {
		switch c.Kind {
		case csp.KindClause:
			ok := false
			for _, l := range c.Lits {
				if litHolds(a, l) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		case csp.KindCardinality:
			n := 0
			for _, l := range c.Lits {
				if litHolds(a, l) {
					n++
				}
			}
			if n < c.Min || n > c.Max {
				return false
			}
		case csp.KindTable:
			row := make([]int, len(c.Scope))
			for i, v := range c.Scope {
				row[i] = a[v]
			}
			found := false
			for _, t := range c.Tuples {
				eq := true
				for i := range t {
					if t[i] != row[i] {
						eq = false
						break
					}
				}
				if eq {
					found = true
					break
				}
			}
			if found == c.Forbidden {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// bruteCount enumerates every assignment of every variable (any domain
// sizes) and counts those satisfying m and the assumptions.
func bruteCount(m *csp.Model, assume ...csp.Lit) int64 {
	a := make([]int, len(m.Vars))
	var n int64
	for {
		ok := true
		for _, l := range assume {
			if !litHolds(a, l) {
				ok = false
				break
			}
		}
		if ok && satisfied(m, a) {
			n++
		}
		i := 0
		for ; i < len(a); i++ {
			a[i]++
			if a[i] < len(m.Vars[i].Values) {
				break
			}
			a[i] = 0
		}
		if i == len(a) {
			return n
		}
	}
}

// plainDPLLCount counts a boolean clause/cardinality model by DPLL without
// component decomposition or caching: propagate forced literals by scanning
// every constraint until nothing changes, prune when some constraint can no
// longer hold, multiply by 2^open once every constraint is sure to hold,
// else branch on the first open variable (each branch on a copy of the
// assignment). It gives up (returns nil) after maxNodes branches.
func plainDPLLCount(m *csp.Model, maxNodes int) *big.Int {
	nodes := 0
	bounds := func(c csp.Constraint) (int, int) {
		if c.Kind == csp.KindClause {
			return 1, len(c.Lits)
		}
		return c.Min, c.Max
	}
	// settle propagates; false when a constraint is violated.
	settle := func(a []int) (ok, all bool) {
		for changed := true; changed; {
			changed, all = false, true
			for _, c := range m.Constraints {
				t, open := 0, 0
				for _, l := range c.Lits {
					switch {
					case a[l.Var] < 0:
						open++
					case litHolds(a, l):
						t++
					}
				}
				lo, hi := bounds(c)
				if t > hi || t+open < lo {
					return false, false
				}
				if t >= lo && t+open <= hi {
					continue
				}
				all = false
				if t != hi && t+open != lo {
					continue
				}
				want := t+open == lo // every open literal must hold
				for _, l := range c.Lits {
					if a[l.Var] >= 0 {
						continue
					}
					// make the literal hold (want) or fail
					if want != l.Neg {
						a[l.Var] = l.Val
					} else {
						a[l.Var] = 1 - l.Val
					}
					changed = true
				}
			}
		}
		return true, all
	}
	var rec func(a []int) *big.Int
	rec = func(a []int) *big.Int {
		ok, all := settle(a)
		if !ok {
			return new(big.Int)
		}
		open, next := 0, -1
		for i, x := range a {
			if x < 0 {
				open++
				if next < 0 {
					next = i
				}
			}
		}
		if all {
			return new(big.Int).Lsh(big.NewInt(1), uint(open))
		}
		nodes++
		if nodes > maxNodes {
			return nil
		}
		total := new(big.Int)
		for v := 0; v < 2; v++ {
			b := append([]int(nil), a...)
			b[next] = v
			n := rec(b)
			if n == nil {
				return nil
			}
			total.Add(total, n)
		}
		return total
	}
	a := make([]int, len(m.Vars)) // -1 open
	for i := range a {
		a[i] = -1
	}
	return rec(a)
}
