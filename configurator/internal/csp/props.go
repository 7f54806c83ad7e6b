package csp

import "math/bits"

// ---- clauses: two watched literals ----
//
// A clause literal is "x in S" for a value set S; it is false when the domain
// of x misses S and true when the domain lies inside S. Watches are not
// restored on backtracking: undoing only makes literals less false.

func (e *engine) litFalse(cl *clauseData, j int) bool {
	c := e.c
	x := cl.vars[j]
	off, nw, so := c.domOff[x], c.domNW[x], cl.sets[j]
	for w := int32(0); w < nw; w++ {
		if e.mem[off+w]&c.setPool[so+w] != 0 {
			return false
		}
	}
	return true
}

func (e *engine) litTrue(cl *clauseData, j int) bool {
	c := e.c
	x := cl.vars[j]
	off, nw, so := c.domOff[x], c.domNW[x], cl.sets[j]
	for w := int32(0); w < nw; w++ {
		if e.mem[off+w]&^c.setPool[so+w] != 0 {
			return false
		}
	}
	return true
}

func (e *engine) makeTrue(cl *clauseData, j int, cause int32) bool {
	x := cl.vars[j]
	so := cl.sets[j]
	return e.restrict(x, e.c.setPool[so:so+e.c.domNW[x]], cause)
}

func (e *engine) initWatches() bool {
	c := e.c
	if e.watches == nil {
		e.watches = make([][]int32, len(c.domSize))
		e.cw = make([][2]int32, len(c.clauses))
	}
	for v := range e.watches {
		e.watches[v] = e.watches[v][:0]
	}
	for p := range e.props {
		pp := &e.props[p]
		if pp.kind != propClause || e.isOff(int32(p)) {
			continue
		}
		ci := pp.data
		cl := &c.clauses[ci]
		if len(cl.vars) == 1 {
			if !e.makeTrue(cl, 0, int32(p)) {
				e.failed = int32(p)
				return false
			}
			continue
		}
		w := [2]int32{-1, -1}
		nf := 0
		for j := range cl.vars {
			if !e.litFalse(cl, j) {
				w[nf] = int32(j)
				nf++
				if nf == 2 {
					break
				}
			}
		}
		switch nf {
		case 0:
			e.failed = int32(p)
			return false
		case 1:
			if !e.makeTrue(cl, int(w[0]), int32(p)) {
				e.failed = int32(p)
				return false
			}
			w[1] = 0
			if w[0] == 0 {
				w[1] = 1
			}
		}
		e.cw[ci] = w
		e.watches[cl.vars[w[0]]] = append(e.watches[cl.vars[w[0]]], ci)
		e.watches[cl.vars[w[1]]] = append(e.watches[cl.vars[w[1]]], ci)
	}
	return true
}

// propagateClauses visits the clauses watching a literal on v.
func (e *engine) propagateClauses(v int32) bool {
	c := e.c
	ws := e.watches[v]
	for i := 0; i < len(ws); {
		ci := ws[i]
		cl := &c.clauses[ci]
		w := &e.cw[ci]
		k := 0
		if cl.vars[w[0]] != v {
			k = 1
		}
		if !e.litFalse(cl, int(w[k])) {
			i++
			continue
		}
		o := int(w[1-k])
		if e.litTrue(cl, o) {
			i++
			continue
		}
		moved := false
		for j := range cl.vars {
			if j == int(w[0]) || j == int(w[1]) {
				continue
			}
			if !e.litFalse(cl, j) {
				w[k] = int32(j)
				x := cl.vars[j]
				e.watches[x] = append(e.watches[x], ci)
				last := len(ws) - 1
				ws[i] = ws[last]
				ws = ws[:last]
				moved = true
				break
			}
		}
		if moved {
			continue
		}
		p := c.clauseToProp[ci]
		if e.litFalse(cl, o) || !e.makeTrue(cl, o, p) {
			e.watches[v] = ws
			e.failed = p
			return false
		}
		i++
	}
	e.watches[v] = ws
	return true
}

// negClause makes every literal of the clause false.
func (e *engine) negClause(p int32, cl *clauseData) bool {
	c := e.c
	for j, x := range cl.vars {
		nw := c.domNW[x]
		so := cl.sets[j]
		for w := int32(0); w < nw; w++ {
			e.tmp[w] = ^c.setPool[so+w]
		}
		if !e.restrict(x, e.tmp[:nw], p) {
			return false
		}
	}
	return true
}

// ---- cardinality ----

// litState: 1 true, 0 false, -1 undetermined.
func (e *engine) cardLit(x, a int32, neg bool) int {
	in := e.has(x, a)
	fixed := in && e.size(x) == 1
	var st int
	switch {
	case fixed:
		st = 1
	case !in:
		st = 0
	default:
		return -1
	}
	if neg {
		st = 1 - st
	}
	return st
}

func (e *engine) cardinality(p int32, pp *prop) bool {
	cd := &e.c.cards[pp.data]
	t, u := int32(0), int32(0)
	for j, x := range cd.vars {
		switch e.cardLit(x, cd.vals[j], cd.neg[j]) {
		case 1:
			t++
		case -1:
			u++
		}
	}
	if t > pp.max || t+u < pp.min {
		return false
	}
	if u == 0 {
		return true
	}
	var makeTrue bool
	switch {
	case t == pp.max:
		makeTrue = false
	case t+u == pp.min:
		makeTrue = true
	default:
		return true
	}
	for j, x := range cd.vars {
		a := cd.vals[j]
		if e.cardLit(x, a, cd.neg[j]) != -1 {
			continue
		}
		// x = a when the literal must be true and is positive, or must be
		// false and is negative; otherwise x != a.
		var ok bool
		if makeTrue != cd.neg[j] {
			ok = e.assign(x, a, p)
		} else {
			ok = e.remove(x, a, p)
		}
		if !ok {
			return false
		}
	}
	return true
}

// ---- tables: Compact-Table with reversible sparse bitsets and residues ----

// tableUpdate brings the current table in line with the scope's domains.
// It returns the number of changed positions and the last one, and false on
// an empty table.
func (e *engine) tableUpdate(t *tableData) (nChanged, lastPos int, ok bool) {
	e.rowsLost = false
	c := e.c
	mem := e.mem
	lim := int32(mem[t.limOff])
	origLim := lim
	idx := e.perm[t.idxOff : t.idxOff+t.nw]
	tnw := t.nw
	lastPos = -1
	for i, x := range t.scope {
		off, nw, ld := c.domOff[x], c.domNW[x], t.ldOff[i]
		same := true
		for w := int32(0); w < nw; w++ {
			if mem[off+w] != mem[ld+w] {
				same = false
				break
			}
		}
		if same {
			continue
		}
		delta, cur := 0, 0
		for w := int32(0); w < nw; w++ {
			delta += bits.OnesCount64(mem[ld+w] &^ mem[off+w])
			cur += bits.OnesCount64(mem[off+w])
		}
		incremental := delta < cur
		vals := e.vals[:0]
		for w := int32(0); w < nw; w++ {
			var x uint64
			if incremental {
				x = mem[ld+w] &^ mem[off+w]
			} else {
				x = mem[off+w]
			}
			for ; x != 0; x &= x - 1 {
				vals = append(vals, (t.supOff[i]+w*64+int32(bits.TrailingZeros64(x)))*tnw)
			}
		}
		nChanged++
		lastPos = i
		e.vals = vals
		sup := t.sup
		words := mem[t.wOff : t.wOff+tnw]
		for k := lim - 1; k >= 0; k-- {
			wi := idx[k]
			var m uint64
			if len(vals) == 1 {
				m = sup[vals[0]+wi]
			} else {
				for _, s := range vals {
					m |= sup[s+wi]
				}
			}
			if !incremental {
				m = ^m
			}
			old := words[wi]
			if old&m == 0 {
				continue
			}
			nv := old &^ m
			e.rowsLost = true
			e.write(t.wOff+wi, nv)
			if nv == 0 {
				lim--
				idx[k], idx[lim] = idx[lim], idx[k]
			}
		}
		for w := int32(0); w < nw; w++ {
			e.write(ld+w, mem[off+w])
		}
		if lim == 0 {
			break
		}
	}
	if lim != origLim {
		e.write(t.limOff, uint64(lim))
	}
	return nChanged, lastPos, lim > 0
}

func (e *engine) tablePos(p int32, t *tableData, force bool) bool {
	nChanged, lastPos, ok := e.tableUpdate(t)
	if !ok {
		return false
	}
	if !force && (nChanged == 0 || !e.rowsLost) {
		return true
	}
	c := e.c
	mem := e.mem
	lim := int32(mem[t.limOff])
	idx := e.perm[t.idxOff : t.idxOff+lim]
	tnw := t.nw
	sup := t.sup
	words := mem[t.wOff : t.wOff+tnw]
	for i, x := range t.scope {
		if !force && nChanged == 1 && i == lastPos {
			continue
		}
		off, nw := c.domOff[x], c.domNW[x]
		if nw == 1 && mem[off]&(mem[off]-1) == 0 {
			continue
		}
		res := e.res[t.resOff+t.supOff[i]:]
		sup := sup[t.supOff[i]*tnw:]
		changed := false
		for w := int32(0); w < nw; w++ {
			dw := mem[off+w]
			e.tmp[w] = supported(dw, w, res, sup, words, idx)
			changed = changed || e.tmp[w] != dw
		}
		if changed {
			if !e.restrict(x, e.tmp[:nw], p) {
				return false
			}
			ld := t.ldOff[i]
			for w := int32(0); w < nw; w++ {
				if mem[ld+w] != mem[off+w] {
					e.write(ld+w, mem[off+w])
				}
			}
		}
	}
	return true
}

// supported returns the values of domain word w (dw) of a table position
// that still have a supporting row in the current table (words, non-zero
// at idx): res and sup are the position's residues and support bitsets,
// indexed by value. A residue whose word still holds a supporting row is
// enough; otherwise the current table is scanned and the residue updated.
func supported(dw uint64, w int32, res []residue, sup, words []uint64, idx []int32) uint64 {
	tnw := int32(len(words))
	keep := dw
values:
	for b := dw; b != 0; b &= b - 1 {
		a := w*64 + int32(bits.TrailingZeros64(b))
		r := &res[a]
		if words[r.word]&r.mask != 0 {
			continue
		}
		s := sup[a*tnw : (a+1)*tnw]
		for _, wi := range idx {
			if words[wi]&s[wi] != 0 {
				*r = residue{mask: s[wi], word: wi}
				continue values
			}
		}
		keep &^= 1 << (a & 63)
	}
	return keep
}

func (e *engine) tableNeg(p int32, t *tableData, force bool) bool {
	nChanged, _, _ := e.tableUpdate(t)
	if nChanged == 0 && !force {
		return true
	}
	c := e.c
	mem := e.mem
	lim := int32(mem[t.limOff])
	if lim == 0 {
		return true
	}
	idx := e.perm[t.idxOff : t.idxOff+lim]
	tnw := t.nw
	words := mem[t.wOff : t.wOff+tnw]
	total := int64(0)
	for _, wi := range idx {
		total += int64(bits.OnesCount64(words[wi]))
	}
	// prod[i] = product of the other positions' domain sizes, capped above
	// total (a value is supported as soon as it exceeds the conflicts).
	sizes := e.bufA[:0]
	for _, x := range t.scope {
		sizes = append(sizes, int32(e.size(x)))
	}
	e.bufA = sizes
	for i, x := range t.scope {
		prod := int64(1)
		for j, s := range sizes {
			if j != i {
				prod *= int64(s)
				if prod > total {
					break
				}
			}
		}
		if prod > total {
			continue
		}
		off, nw := c.domOff[x], c.domNW[x]
		changed := false
		for w := int32(0); w < nw; w++ {
			dw := mem[off+w]
			keep := dw
			for b := dw; b != 0; b &= b - 1 {
				a := w*64 + int32(bits.TrailingZeros64(b))
				si := t.supOff[i] + a
				s := t.sup[si*tnw : si*tnw+tnw]
				cnt := int64(0)
				for _, wi := range idx {
					cnt += int64(bits.OnesCount64(words[wi] & s[wi]))
				}
				if cnt >= prod {
					keep &^= 1 << (a & 63)
				}
			}
			e.tmp[w] = keep
			if keep != dw {
				changed = true
			}
		}
		if changed && !e.restrict(x, e.tmp[:nw], p) {
			return false
		}
	}
	return true
}
