package csp

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// This file holds the brute-force oracle the engine is checked against: it
// enumerates every assignment of a small model and evaluates the Model's
// constraints directly from their definition, sharing no code with the
// engine.

// oracle is the solution set of a small model.
type oracle struct {
	m    *Model
	sols [][]int
}

func holds(m *Model, k *Constraint, a []int) bool {
	switch k.Kind {
	case KindTable:
		in := false
		for _, row := range k.Tuples {
			match := true
			for j, x := range k.Scope {
				if a[x] != row[j] {
					match = false
					break
				}
			}
			if match {
				in = true
				break
			}
		}
		return in != k.Forbidden
	case KindClause:
		for _, l := range k.Lits {
			if (a[l.Var] == l.Val) != l.Neg {
				return true
			}
		}
		return false
	case KindCardinality:
		n := 0
		for _, l := range k.Lits {
			if (a[l.Var] == l.Val) != l.Neg {
				n++
			}
		}
		return n >= k.Min && n <= k.Max
	}
	panic("unknown kind")
}

// satisfiesExcept reports whether assignment a satisfies every constraint
// of m except skip (-1: none).
func satisfiesExcept(m *Model, a []int, skip int) bool {
	for i := range m.Constraints {
		if i != skip && !holds(m, &m.Constraints[i], a) {
			return false
		}
	}
	return true
}

// forEachAssignment calls f with every complete assignment of m (the slice
// is reused).
func forEachAssignment(m *Model, f func(a []int)) {
	n := len(m.Vars)
	a := make([]int, n)
	for {
		f(a)
		i := 0
		for i < n {
			a[i]++
			if a[i] < len(m.Vars[i].Values) {
				break
			}
			a[i] = 0
			i++
		}
		if i == n {
			return
		}
	}
}

func newOracle(m *Model) *oracle {
	o := &oracle{m: m}
	forEachAssignment(m, func(a []int) {
		if satisfiesExcept(m, a, -1) {
			o.sols = append(o.sols, slices.Clone(a))
		}
	})
	return o
}

func agrees(sol []int, cs []Choice) bool {
	for _, ch := range cs {
		if sol[ch.Var] != ch.Val {
			return false
		}
	}
	return true
}

// valid returns the values taken by solutions extending cs, and whether any.
func (o *oracle) valid(cs []Choice) ([][]int, bool) {
	sets := make([]map[int]bool, len(o.m.Vars))
	for v := range sets {
		sets[v] = map[int]bool{}
	}
	any := false
	for _, s := range o.sols {
		if agrees(s, cs) {
			any = true
			for v, a := range s {
				sets[v][a] = true
			}
		}
	}
	out := make([][]int, len(sets))
	for v, set := range sets {
		out[v] = []int{}
		for a := range set {
			out[v] = append(out[v], a)
		}
		slices.Sort(out[v])
	}
	return out, any
}

func (o *oracle) consistent(cs []Choice) bool {
	for _, s := range o.sols {
		if agrees(s, cs) {
			return true
		}
	}
	return false
}

func (o *oracle) count(cs []Choice) int {
	n := 0
	for _, s := range o.sols {
		if agrees(s, cs) {
			n++
		}
	}
	return n
}

// ---- random small models ----

type randSpec struct {
	maxVars   int // 2..maxVars variables
	maxDomain int // domain sizes 1..maxDomain
	maxCons   int
	maxSpace  int // bound on the product of domain sizes
	wide      int // if > 0, variable 0 has this many values (multi-word domains)
}

var defaultRandSpec = randSpec{maxVars: 7, maxDomain: 5, maxCons: 9, maxSpace: 6000}

// randomModel builds a small random model mixing positive and negative
// tables, clauses and cardinalities; most are satisfiable by construction
// (built around a hidden assignment), some are not.
func randomModel(r *rand.Rand, spec randSpec) *Model {
	m := &Model{Name: "random"}
	n := 2 + r.IntN(spec.maxVars-1)
	space := 1
	for i := 0; i < n; i++ {
		d := 1 + r.IntN(spec.maxDomain)
		if r.IntN(6) == 0 {
			d = 2
		}
		if i == 0 && spec.wide > 0 {
			d = spec.wide
		}
		if space*d > spec.maxSpace {
			d = 1
		}
		space *= d
		vals := make([]string, d)
		for a := range vals {
			vals[a] = fmt.Sprint(a)
		}
		m.Vars = append(m.Vars, Var{Name: string(rune('A' + i)), Values: vals})
	}
	hidden := make([]int, n)
	for v := range hidden {
		hidden[v] = r.IntN(len(m.Vars[v].Values))
	}
	planted := r.IntN(5) != 0
	dom := func(v int) int { return len(m.Vars[v].Values) }
	randLit := func() Lit {
		v := r.IntN(n)
		return Lit{Var: v, Val: r.IntN(dom(v)), Neg: r.IntN(3) == 0}
	}
	litHolds := func(l Lit) bool { return (hidden[l.Var] == l.Val) != l.Neg }
	nc := 1 + r.IntN(spec.maxCons)
	for ci := 0; ci < nc; ci++ {
		k := Constraint{Name: "c" + string(rune('0'+ci))}
		switch r.IntN(7) {
		case 0, 1, 2: // positive table
			k.Kind = KindTable
			ar := 1 + r.IntN(min(4, n))
			k.Scope = randomScope(r, n, ar)
			density := 0.2 + 0.7*r.Float64()
			forEachTuple(m, k.Scope, func(t []int) {
				if r.Float64() < density {
					k.Tuples = append(k.Tuples, slices.Clone(t))
				}
			})
			if planted {
				k.Tuples = append(k.Tuples, project(hidden, k.Scope))
			}
			r.Shuffle(len(k.Tuples), func(i, j int) { k.Tuples[i], k.Tuples[j] = k.Tuples[j], k.Tuples[i] })
		case 3: // negative table
			k.Kind = KindTable
			k.Forbidden = true
			ar := 1 + r.IntN(min(3, n))
			k.Scope = randomScope(r, n, ar)
			density := 0.1 + 0.4*r.Float64()
			hp := project(hidden, k.Scope)
			forEachTuple(m, k.Scope, func(t []int) {
				if r.Float64() < density && !(planted && slices.Equal(t, hp)) {
					k.Tuples = append(k.Tuples, slices.Clone(t))
				}
			})
		case 4, 5: // clause
			k.Kind = KindClause
			nl := 1 + r.IntN(4)
			for j := 0; j < nl; j++ {
				k.Lits = append(k.Lits, randLit())
			}
			if planted && !slices.ContainsFunc(k.Lits, litHolds) {
				v := r.IntN(n)
				k.Lits = append(k.Lits, Lit{Var: v, Val: hidden[v]})
			}
		default: // cardinality
			k.Kind = KindCardinality
			nl := 1 + r.IntN(5)
			for j := 0; j < nl; j++ {
				k.Lits = append(k.Lits, randLit())
			}
			lo, hi := r.IntN(nl+1), r.IntN(nl+1)
			if lo > hi {
				lo, hi = hi, lo
			}
			if planted {
				cnt := 0
				for _, l := range k.Lits {
					if litHolds(l) {
						cnt++
					}
				}
				lo, hi = min(lo, cnt), max(hi, cnt)
			}
			k.Min, k.Max = lo, hi
		}
		m.Constraints = append(m.Constraints, k)
	}
	return m
}

// randomScope picks ar variables, occasionally repeating one.
func randomScope(r *rand.Rand, n, ar int) []int {
	scope := r.Perm(n)[:ar]
	if ar >= 2 && r.IntN(8) == 0 {
		scope[ar-1] = scope[0]
	}
	return scope
}

func project(a []int, scope []int) []int {
	t := make([]int, len(scope))
	for j, x := range scope {
		t[j] = a[x]
	}
	return t
}

func forEachTuple(m *Model, scope []int, f func(t []int)) {
	t := make([]int, len(scope))
	for {
		f(t)
		i := 0
		for i < len(t) {
			t[i]++
			if t[i] < len(m.Vars[scope[i]].Values) {
				break
			}
			t[i] = 0
			i++
		}
		if i == len(t) {
			return
		}
	}
}
