package csp

import (
	"math/bits"
	"slices"
)

// Sessions search a reduced copy of the compiled model. Once the valid
// values without choices are known (exactly, see computeValid), a row of a
// positive table that holds a value outside them, or that propagation
// removes once the domains are restricted to them, is part of no solution,
// under any choices. Dropping those rows changes no answer of a session
// (the solutions are the same), but every table operation of its searches
// then runs over fewer words: on the synthetic automotive model the tables
// shrink from 3,176 to 959 words (57,000 of 200,000 rows), and valid
// domains take about 15% less time. Tables whose scope lies within another
// table's are then folded into it (see subsume). Witnesses are still
// checked against every constraint: row membership (holds) uses the full
// table's row keys, or, for a table too wide for keys, its reduced rows,
// which are all the rows a solution can use.
//
// The reduced copy is exact only for the model with all its constraints:
// Explain, Conflicts and Redundant, which disable constraints, work on the
// full model.

// reduced returns a copy of c whose positive tables hold only the rows that
// survive restricting every variable to valid (the valid values with no
// choices) and propagating, or nil if there is nothing to reduce or the
// propagation fails.
func (c *Compiled) reduced(valid []uint64) *Compiled {
	positive := false
	for i := range c.props {
		positive = positive || c.props[i].kind == propTable
	}
	if !positive {
		return nil
	}
	e := newEngine(c, nil, nil, false)
	if !e.ok {
		return nil
	}
	e.push()
	for v := range c.domSize {
		off, nw := c.domOff[v], c.domNW[v]
		if !e.restrict(int32(v), valid[off:off+nw], -1) {
			return nil
		}
	}
	if !e.propagate() {
		return nil
	}
	r := &Compiled{
		parent:       c,
		name:         c.name,
		vars:         c.vars,
		headers:      c.headers,
		domSize:      c.domSize,
		byDomain:     c.byDomain,
		domOff:       c.domOff,
		domNW:        c.domNW,
		maxNW:        c.maxNW,
		props:        c.props,
		tables:       make([]tableData, len(c.tables)),
		clauses:      c.clauses,
		cards:        c.cards,
		setPool:      c.setPool,
		clauseToProp: c.clauseToProp,
		varProps:     c.varProps,
		varScopes:    c.varScopes,
	}
	copy(r.tables, c.tables)
	var rank []int32 // rank[w]: live rows in the words before w
	for i := range c.props {
		p := &c.props[i]
		if p.kind != propTable {
			continue
		}
		t := &c.tables[p.data]
		live := e.mem[t.wOff : t.wOff+t.nw]
		rank = append(rank[:0], 0)
		for w, x := range live {
			rank = append(rank, rank[w]+int32(bits.OnesCount64(x)))
		}
		n := rank[t.nw]
		if n == 0 {
			return nil // cannot happen: the model has a solution
		}
		nw := (n + 63) / 64
		pairs := int32(len(t.sup)) / t.nw // (position, value) pairs
		sup := make([]uint64, pairs*nw)
		for si := range pairs {
			dst := sup[si*nw : si*nw+nw]
			for w, x := range t.sup[si*t.nw : si*t.nw+t.nw] {
				l := live[w]
				for m := x & l; m != 0; m &= m - 1 {
					k := rank[w] + int32(bits.OnesCount64(l&(m&-m-1)))
					dst[k>>6] |= 1 << (k & 63)
				}
			}
		}
		// The row keys (t.keys) stay those of the full table.
		rt := &r.tables[p.data]
		rt.nrows, rt.nw, rt.sup = n, nw, sup
	}
	r.subsume()
	r.layoutState(c.ufLimOff)
	if r.rootFail {
		return nil
	}
	return r
}

// searchModel is the compiled model sessions search: the reduced copy once
// the valid domains without choices are known and it exists, else c.
func (c *Compiled) searchModel() *Compiled {
	if r := c.root.search.Load(); r != nil {
		return r
	}
	return c
}

// subsume drops from propagation every positive table whose scope lies
// within the scope of another positive table, after removing from that
// table the rows whose projection is not a row of the smaller one (those
// rows are part of no solution). Propagating the larger table then
// enforces both; the smaller one is still checked by row membership
// (holds), and Count counts it as entailed (its variables are linked by
// the larger table for as long as that one is not entailed).
func (r *Compiled) subsume() {
	var tabs []int32
	for i := range r.props {
		if r.props[i].kind == propTable {
			tabs = append(tabs, int32(i))
		}
	}
	slices.SortStableFunc(tabs, func(a, b int32) int {
		return len(r.tables[r.props[a].data].scope) - len(r.tables[r.props[b].data].scope)
	})
	dropped := make([]bool, len(r.props))
	any := false
	for i, pa := range tabs {
		ta := &r.tables[r.props[pa].data]
		pb := int32(-1)
		for _, q := range tabs[i+1:] {
			if containsAll(r.tables[r.props[q].data].scope, ta.scope) {
				pb = q
				break
			}
		}
		if pb < 0 {
			continue
		}
		tb := &r.tables[r.props[pb].data]
		pos := make([]int, len(ta.scope))
		for j, x := range ta.scope {
			pos[j] = slices.Index(tb.scope, x)
		}
		in := make(map[string]bool, ta.nrows)
		arows := r.tableTuples(ta)
		ka := len(ta.scope)
		key := make([]byte, 0, 4*ka)
		for k := 0; k < len(arows); k += ka {
			key = key[:0]
			for _, a := range arows[k : k+ka] {
				key = append(key, byte(a), byte(a>>8), byte(a>>16), byte(a>>24))
			}
			in[string(key)] = true
		}
		brows := r.tableTuples(tb)
		kb := len(tb.scope)
		keep := brows[:0]
		for k := 0; k < len(brows); k += kb {
			key = key[:0]
			for _, j := range pos {
				a := brows[k+j]
				key = append(key, byte(a), byte(a>>8), byte(a>>16), byte(a>>24))
			}
			if in[string(key)] {
				keep = append(keep, brows[k:k+kb]...)
			}
		}
		if len(keep) == 0 {
			return // cannot happen: the model has a solution
		}
		r.setTuples(tb, keep)
		dropped[pa] = true
		any = true
	}
	if !any {
		return
	}
	r.dropped = dropped
	varProps := make([][]int32, len(r.varProps))
	for v, ps := range r.varProps {
		for _, p := range ps {
			if !dropped[p] {
				varProps[v] = append(varProps[v], p)
			}
		}
	}
	r.varProps = varProps
}

func containsAll(set, sub []int32) bool {
	for _, x := range sub {
		if !slices.Contains(set, x) {
			return false
		}
	}
	return true
}

// tableTuples returns the rows of t, row by row, one value per position.
func (r *Compiled) tableTuples(t *tableData) []int32 {
	k := int32(len(t.scope))
	rows := make([]int32, t.nrows*k)
	for j, x := range t.scope {
		for b := int32(0); b < r.domSize[x]; b++ {
			s := t.sup[(t.supOff[j]+b)*t.nw:]
			for w := int32(0); w < t.nw; w++ {
				for m := s[w]; m != 0; m &= m - 1 {
					row := w*64 + int32(bits.TrailingZeros64(m))
					rows[row*k+int32(j)] = b
				}
			}
		}
	}
	return rows
}

// setTuples replaces the rows of t (tuples as from tableTuples).
func (r *Compiled) setTuples(t *tableData, rows []int32) {
	k := int32(len(t.scope))
	n := int32(len(rows)) / k
	nw := (n + 63) / 64
	pairs := int32(len(t.sup)) / t.nw
	sup := make([]uint64, pairs*nw)
	for row := int32(0); row < n; row++ {
		for j := range k {
			a := rows[row*k+j]
			sup[(t.supOff[j]+a)*nw+row>>6] |= 1 << (row & 63)
		}
	}
	t.nrows, t.nw, t.sup = n, nw, sup
}
