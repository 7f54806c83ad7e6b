package csp

// holds reports whether propagator pp is satisfied by the complete
// assignment sol.
func (c *Compiled) holds(pp *prop, sol []int32) bool {
	return c.holdsWith(pp, sol, -1, 0)
}

// holdsWith is holds for sol with variable x set to a (x < 0: unchanged).
func (c *Compiled) holdsWith(pp *prop, sol []int32, x, a int32) bool {
	val := func(y int32) int32 {
		if y == x {
			return a
		}
		return sol[y]
	}
	switch pp.kind {
	case propNone:
		return true
	case propFalse:
		return false
	case propTable, propTableNeg:
		return c.tableHas(&c.tables[pp.data], sol, x, a) == (pp.kind == propTable)
	case propClause, propNegClause:
		cl := &c.clauses[pp.data]
		for j, y := range cl.vars {
			b := val(y)
			if c.setPool[cl.sets[j]+b>>6]>>(b&63)&1 == 1 {
				return pp.kind == propClause
			}
		}
		return pp.kind == propNegClause
	case propCard:
		cd := &c.cards[pp.data]
		n := int32(0)
		for j, y := range cd.vars {
			if (val(y) == cd.vals[j]) != cd.neg[j] {
				n++
			}
		}
		return n >= pp.min && n <= pp.max
	}
	return false
}

// tableHas reports whether the projection of sol on the table's scope is
// one of its rows.
func (c *Compiled) tableHas(t *tableData, sol []int32, x, a int32) bool {
	if t.keys != nil {
		var k uint64
		for j, y := range t.scope {
			b := sol[y]
			if y == x {
				b = a
			}
			k += uint64(b) * t.radix[j]
		}
		return hasKey(t.keys, k)
	}
	for w := int32(0); w < t.nw; w++ {
		m := ^uint64(0)
		for j, y := range t.scope {
			b := sol[y]
			if y == x {
				b = a
			}
			m &= t.sup[(t.supOff[j]+b)*t.nw+w]
			if m == 0 {
				break
			}
		}
		if m != 0 {
			return true
		}
	}
	return false
}

// holdsOver is holds for sol with the values in ov (>= 0) replacing sol's.
func (c *Compiled) holdsOver(pp *prop, sol, ov []int32) bool {
	val := func(y int32) int32 {
		if b := ov[y]; b >= 0 {
			return b
		}
		return sol[y]
	}
	switch pp.kind {
	case propNone:
		return true
	case propFalse:
		return false
	case propTable, propTableNeg:
		t := &c.tables[pp.data]
		in := false
		if t.keys != nil {
			var k uint64
			for j, y := range t.scope {
				k += uint64(val(y)) * t.radix[j]
			}
			in = hasKey(t.keys, k)
		} else {
			for w := int32(0); w < t.nw && !in; w++ {
				m := ^uint64(0)
				for j, y := range t.scope {
					m &= t.sup[(t.supOff[j]+val(y))*t.nw+w]
				}
				in = m != 0
			}
		}
		return in == (pp.kind == propTable)
	case propClause, propNegClause:
		cl := &c.clauses[pp.data]
		for j, y := range cl.vars {
			b := val(y)
			if c.setPool[cl.sets[j]+b>>6]>>(b&63)&1 == 1 {
				return pp.kind == propClause
			}
		}
		return pp.kind == propNegClause
	case propCard:
		cd := &c.cards[pp.data]
		n := int32(0)
		for j, y := range cd.vars {
			if (val(y) == cd.vals[j]) != cd.neg[j] {
				n++
			}
		}
		return n >= pp.min && n <= pp.max
	}
	return false
}

// keySlot is the home slot of row key k in a hash set of size slots (a
// power of two).
func keySlot(k uint64, size int) int {
	return int((k * 0x9e3779b97f4a7c15) >> 32 & uint64(size-1))
}

// hasKey reports whether the open-addressing set keys holds row key k.
func hasKey(keys []uint64, k uint64) bool {
	mask := len(keys) - 1
	for i := keySlot(k, len(keys)); ; i = (i + 1) & mask {
		switch keys[i] {
		case k + 1:
			return true
		case 0:
			return false
		}
	}
}
