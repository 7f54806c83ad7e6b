package csp

import "fmt"

// Satisfiable reports whether the model has at least one solution.
func (c *Compiled) Satisfiable() bool { return c.rootValid().sat }

// ValidValues returns, for every variable, the values (ascending) some
// solution of the model takes: the valid domains with no choices. All are
// empty when the model has no solution.
func (c *Compiled) ValidValues() [][]int {
	root := c.rootValid()
	out := make([][]int, len(c.domSize))
	for v := range out {
		out[v] = []int{}
		if root.sat {
			out[v] = appendValues(out[v], root.valid[c.domOff[v]:c.domOff[v]+c.domNW[v]])
		}
	}
	return out
}

// DeadValues returns the values no solution takes (all values when the
// model has no solution), ordered by variable then value.
func (c *Compiled) DeadValues() []Choice {
	root := c.rootValid()
	var out []Choice
	for v := range c.domSize {
		for a := int32(0); a < c.domSize[v]; a++ {
			if !root.sat || root.valid[c.domOff[v]+a>>6]>>(a&63)&1 == 0 {
				out = append(out, Choice{Var: v, Val: int(a)})
			}
		}
	}
	return out
}

// ForcedValues returns, for each variable that takes the same value in
// every solution, that value (variables with a single-value domain
// included), ordered by variable. It is empty when the model has no
// solution.
func (c *Compiled) ForcedValues() []Choice {
	var out []Choice
	for v, vals := range c.ValidValues() {
		if len(vals) == 1 {
			out = append(out, Choice{Var: v, Val: vals[0]})
		}
	}
	return out
}

// Redundant reports whether constraint i is implied by the others: no
// solution of the other constraints violates it. It decides this by
// searching for a solution of the other constraints and the negation of i.
func (c *Compiled) Redundant(i int) (bool, error) {
	if i < 0 || i >= len(c.props) {
		return false, fmt.Errorf("redundant: constraint %d not in [0,%d): %w", i, len(c.props), ErrOutOfRange)
	}
	p := c.props[i]
	var negations [][]prop
	switch p.kind {
	case propNone:
		return true, nil
	case propFalse:
		negations = [][]prop{nil}
	case propTable:
		negations = [][]prop{{{kind: propTableNeg, data: p.data, cons: p.cons, scope: p.scope}}}
	case propTableNeg:
		negations = [][]prop{{{kind: propTable, data: p.data, cons: p.cons, scope: p.scope}}}
	case propClause:
		negations = [][]prop{{{kind: propNegClause, data: p.data, cons: p.cons, scope: p.scope}}}
	case propCard:
		n := int32(len(c.cards[p.data].vars))
		if p.min > 0 {
			negations = append(negations, []prop{{kind: propCard, data: p.data, cons: p.cons, min: 0, max: p.min - 1, scope: p.scope}})
		}
		if p.max < n {
			negations = append(negations, []prop{{kind: propCard, data: p.data, cons: p.cons, min: p.max + 1, max: n, scope: p.scope}})
		}
	}
	off := make([]bool, len(c.props))
	off[i] = true
	for _, neg := range negations {
		e := newEngine(c, off, neg, false)
		// Deciding the constraint's own variables first makes its negation
		// prune as early as possible.
		e.firstVars = p.scope
		if e.solveUnder(nil) == resSat {
			return false, nil
		}
	}
	return true, nil
}
