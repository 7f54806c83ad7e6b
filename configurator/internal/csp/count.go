package csp

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
)

// DefaultCountBudget is the number of search nodes Count may expand when
// given a budget of zero or less.
const DefaultCountBudget = 1_000_000

// Count returns the exact number of complete solutions extending the
// current choices (zero when they are inconsistent). It searches with
// propagation, splits the unfixed variables into independent components
// (variables linked by constraints not yet entailed), multiplies their
// counts and memoises each component's count by its domains. It expands at
// most budget search nodes (DefaultCountBudget if budget <= 0) and returns
// ErrBudgetExceeded past that. Counting is for small and medium models; CNF
// models with thousands of variables need a dedicated #SAT counter.
func (s *Session) Count(budget int) (*big.Int, error) {
	if budget <= 0 {
		budget = DefaultCountBudget
	}
	e := s.engine()
	e.backtrackTo(0)
	if !e.ok {
		return new(big.Int), nil
	}
	e.push()
	defer e.backtrackTo(0)
	if !e.applyChoices(s.Choices()) || !e.propagate() {
		return new(big.Int), nil
	}
	k := &counter{e: e, budget: budget, cache: make(map[string]*big.Int),
		parent: make([]int32, len(e.c.domSize)), propMark: make([]uint32, len(e.props))}
	vars := make([]int32, len(e.c.domSize))
	for v := range vars {
		vars[v] = int32(v)
	}
	n, ok := k.countVars(vars)
	if !ok {
		return nil, fmt.Errorf("count: more than %d search nodes: %w", budget, ErrBudgetExceeded)
	}
	return n, nil
}

type counter struct {
	e        *engine
	budget   int
	nodes    int
	cache    map[string]*big.Int
	parent   []int32 // union-find over variables
	propMark []uint32
	epoch    uint32
	key      []byte
}

type component struct {
	vars  []int32
	props []int32
}

// countVars counts the solutions over vars (the rest fixed or elsewhere)
// in the current state, which must be a propagation fixpoint.
func (k *counter) countVars(vars []int32) (*big.Int, bool) {
	total := big.NewInt(1)
	for _, comp := range k.components(vars) {
		if len(comp.props) == 0 {
			for _, v := range comp.vars {
				total.Mul(total, big.NewInt(int64(k.e.size(v))))
			}
			continue
		}
		n, ok := k.countComponent(comp)
		if !ok {
			return nil, false
		}
		if n.Sign() == 0 {
			return n, true
		}
		total.Mul(total, n)
	}
	return total, true
}

func (k *counter) find(v int32) int32 {
	for k.parent[v] != v {
		k.parent[v] = k.parent[k.parent[v]]
		v = k.parent[v]
	}
	return v
}

// components splits the unfixed variables among vars into groups linked by
// enabled, not yet entailed constraints.
func (k *counter) components(vars []int32) []component {
	e := k.e
	var unfixed []int32
	for _, v := range vars {
		if e.size(v) > 1 {
			unfixed = append(unfixed, v)
			k.parent[v] = v
		}
	}
	k.epoch++
	var active []int32
	for _, v := range unfixed {
		for _, p := range e.varScopes[v] {
			if k.propMark[p] == k.epoch || e.isOff(p) {
				continue
			}
			k.propMark[p] = k.epoch
			if e.entailed(p) {
				continue
			}
			active = append(active, p)
			first := int32(-1)
			for _, x := range e.props[p].scope {
				if e.size(x) <= 1 {
					continue
				}
				if first < 0 {
					first = k.find(x)
					continue
				}
				if r := k.find(x); r != first {
					k.parent[r] = first
				}
			}
		}
	}
	byRoot := make(map[int32]int)
	var comps []component
	for _, v := range unfixed {
		r := k.find(v)
		i, ok := byRoot[r]
		if !ok {
			i = len(comps)
			byRoot[r] = i
			comps = append(comps, component{})
		}
		comps[i].vars = append(comps[i].vars, v)
	}
	for _, p := range active {
		for _, x := range e.props[p].scope {
			if e.size(x) > 1 {
				i := byRoot[k.find(x)]
				comps[i].props = append(comps[i].props, p)
				break
			}
		}
	}
	return comps
}

func (k *counter) countComponent(comp component) (*big.Int, bool) {
	e := k.e
	c := e.c
	slices.Sort(comp.props)
	key := k.key[:0]
	for _, p := range comp.props {
		key = binary.LittleEndian.AppendUint32(key, uint32(p))
		for _, x := range e.props[p].scope {
			for w := int32(0); w < c.domNW[x]; w++ {
				key = binary.LittleEndian.AppendUint64(key, e.mem[c.domOff[x]+w])
			}
		}
	}
	k.key = key
	if n, ok := k.cache[string(key)]; ok {
		return n, true
	}
	skey := string(key)
	k.nodes++
	if k.nodes > k.budget {
		return nil, false
	}
	// Branch on the variable with the smallest domain, most constraints.
	best, bs, bd := int32(-1), 0, 0
	for _, v := range comp.vars {
		s := e.size(v)
		d := len(e.varScopes[v])
		if best < 0 || s < bs || (s == bs && d > bd) {
			best, bs, bd = v, s, d
		}
	}
	off, nw := c.domOff[best], c.domNW[best]
	dom := slices.Clone(e.mem[off : off+nw])
	total := new(big.Int)
	for w, x := range dom {
		for ; x != 0; x &= x - 1 {
			a := int32(w*64 + bits.TrailingZeros64(x))
			e.push()
			if e.assign(best, a, -1) && e.propagate() {
				n, ok := k.countVars(comp.vars)
				if !ok {
					e.pop()
					return nil, false
				}
				total.Add(total, n)
			}
			e.pop()
		}
	}
	k.cache[skey] = total
	return total, true
}

// entailed reports whether propagator p holds for every combination of the
// current domains (the state must be a propagation fixpoint).
func (e *engine) entailed(p int32) bool {
	pp := &e.props[p]
	c := e.c
	if c.dropped != nil && c.dropped[p] {
		return true
	}
	switch pp.kind {
	case propNone:
		return true
	case propFalse:
		return false
	case propTable:
		t := &c.tables[pp.data]
		lim := int32(e.mem[t.limOff])
		rows := int64(0)
		for _, wi := range e.perm[t.idxOff : t.idxOff+lim] {
			rows += int64(bits.OnesCount64(e.mem[t.wOff+wi]))
		}
		prod := int64(1)
		for _, x := range t.scope {
			prod *= int64(e.size(x))
			if prod > rows {
				return false
			}
		}
		return prod == rows
	case propTableNeg:
		return e.mem[c.tables[pp.data].limOff] == 0
	case propClause:
		cl := &c.clauses[pp.data]
		for j := range cl.vars {
			if e.litTrue(cl, j) {
				return true
			}
		}
		return false
	case propNegClause:
		cl := &c.clauses[pp.data]
		for j := range cl.vars {
			if !e.litFalse(cl, j) {
				return false
			}
		}
		return true
	case propCard:
		cd := &c.cards[pp.data]
		t, u := int32(0), int32(0)
		for j, x := range cd.vars {
			switch e.cardLit(x, cd.vals[j], cd.neg[j]) {
			case 1:
				t++
			case -1:
				u++
			}
		}
		return t >= pp.min && t+u <= pp.max
	}
	return false
}
