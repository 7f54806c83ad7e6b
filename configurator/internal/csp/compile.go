package csp

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
)

// Compiled is the immutable, compiled form of a Model: domains laid out as
// bitsets, tables as per-value row bitsets (Compact-Table), clauses as value
// sets per variable, cardinalities as literal lists, plus the state reached by
// propagating the model with no choices. It is safe for concurrent use by any
// number of sessions.
type Compiled struct {
	name    string
	vars    []Var
	headers []constraintHeader

	domSize  []int32 // number of values per variable
	byDomain []int32 // the variables, larger domains first (index order among equals)
	domOff   []int32 // offset of the variable's domain words in the state
	domNW    []int32 // number of 64-bit words of the variable's domain
	maxNW    int32

	props   []prop // one propagator per model constraint, same index
	tables  []tableData
	clauses []clauseData
	cards   []cardData
	setPool []uint64 // value sets of clause literals

	clauseToProp []int32 // clause index -> propagator

	varProps  [][]int32 // per variable: non-clause propagators to wake on change
	varScopes [][]int32 // per variable: every propagator whose scope holds it

	memSize, permSize, resSize int32
	ufLimOff                   int32 // state word holding the number of unfixed variables
	ufPermOff                  int32 // start of the unfixed-variable permutation

	rawMem   []uint64 // state before any propagation
	rawPerm  []int32
	rootMem  []uint64 // state after propagating the model alone
	rootPerm []int32
	rootFail bool // propagation alone proved the model unsatisfiable

	root struct {
		once   sync.Once
		res    validResult              // valid values with no choices
		search atomic.Pointer[Compiled] // the reduced copy sessions search (see reduced)
	}

	parent   *Compiled    // for a reduced copy, the model it was reduced from
	dropped  []bool       // for a reduced copy: propagators never run (see subsume)
	parallel atomic.Int32 // see SetParallelism
	helpers  sync.Pool    // idle helper engines (see searchValues)
}

type constraintHeader struct {
	Name, Text string
	Kind       Kind
}

type propKind uint8

const (
	propNone      propKind = iota // always satisfied
	propFalse                     // never satisfied
	propTable                     // positive table (Compact-Table)
	propTableNeg                  // negative table (Compact-Table, counting)
	propClause                    // clause (watched literals)
	propCard                      // cardinality
	propNegClause                 // every literal of a clause false (redundancy checks)
)

// prop is one propagator: a compiled constraint plus how to enforce it.
type prop struct {
	kind     propKind
	data     int32   // index into tables, clauses or cards
	cons     int32   // model constraint index
	min, max int32   // cardinality bounds
	scope    []int32 // distinct variables
}

func (p *prop) idempotent() bool {
	return p.kind == propTable || p.kind == propNegClause
}

// tableData is a table in Compact-Table form: for scope position i and value
// a, the bitset sup[(supOff[i]+a)*nw : +nw] holds the rows with that value.
type tableData struct {
	scope  []int32
	nrows  int32
	nw     int32
	sup    []uint64
	supOff []int32
	keys   []uint64 // hash set of mixed-radix row keys + 1 (nil if keys overflow)
	radix  []uint64

	wOff   int32   // state: current-table words
	limOff int32   // state: number of non-zero words (sparse bitset limit)
	ldOff  []int32 // state: per position, the domain last seen
	idxOff int32   // permutation: sparse bitset index
	resOff int32   // residues, per (position, value)
}

type clauseData struct {
	vars []int32
	sets []int32 // offset in setPool of each literal's value set
}

type cardData struct {
	vars []int32
	vals []int32
	neg  []bool
}

// Compile validates m and compiles it. Errors wrap ErrInvalidModel and carry
// a *ModelError naming the variable or constraint at fault. The model is
// copied: later changes to m do not affect the result.
func Compile(m *Model) (*Compiled, error) {
	if m == nil {
		return nil, fmt.Errorf("compile: nil model: %w", ErrInvalidModel)
	}
	c := &Compiled{name: m.Name}
	n := len(m.Vars)
	c.vars = make([]Var, n)
	c.domSize = make([]int32, n)
	c.domOff = make([]int32, n)
	c.domNW = make([]int32, n)
	var mem int32
	for i, v := range m.Vars {
		if len(v.Values) == 0 {
			return nil, fmt.Errorf("compile: %w", &ModelError{Constraint: -1, Var: i, Name: v.Name, Msg: "empty domain"})
		}
		c.vars[i] = Var{Name: v.Name, Values: slices.Clone(v.Values)}
		c.domSize[i] = int32(len(v.Values))
		c.domOff[i] = mem
		c.domNW[i] = int32((len(v.Values) + 63) / 64)
		c.maxNW = max(c.maxNW, c.domNW[i])
		mem += c.domNW[i]
	}
	c.byDomain = make([]int32, n)
	for v := range c.byDomain {
		c.byDomain[v] = int32(v)
	}
	slices.SortStableFunc(c.byDomain, func(x, y int32) int { return cmp.Compare(c.domSize[y], c.domSize[x]) })
	c.headers = make([]constraintHeader, len(m.Constraints))
	c.props = make([]prop, len(m.Constraints))
	for i := range m.Constraints {
		k := &m.Constraints[i]
		c.headers[i] = constraintHeader{Name: k.Name, Text: k.Text, Kind: k.Kind}
		p, err := c.compileConstraint(i, k)
		if err != nil {
			return nil, fmt.Errorf("compile: %w", err)
		}
		p.cons = int32(i)
		c.props[i] = p
	}
	c.clauseToProp = make([]int32, len(c.clauses))
	for i := range c.props {
		if c.props[i].kind == propClause {
			c.clauseToProp[c.props[i].data] = int32(i)
		}
	}

	c.varProps = make([][]int32, n)
	c.varScopes = make([][]int32, n)
	for i := range c.props {
		p := &c.props[i]
		for _, x := range p.scope {
			c.varScopes[x] = append(c.varScopes[x], int32(i))
			if p.kind != propClause && p.kind != propNone {
				c.varProps[x] = append(c.varProps[x], int32(i))
			}
		}
	}
	c.layoutState(mem)
	return c, nil
}

// layoutState places the backtrackable state after the domain words (the
// first domWords words of the state): the number of unfixed variables, then
// per table its current-table words, their limit and its last-seen domains;
// it sizes the permutations and residues, builds the raw state and
// propagates it into the root state.
func (c *Compiled) layoutState(domWords int32) {
	mem := domWords
	c.ufLimOff = mem
	mem++
	c.ufPermOff = 0
	perm := int32(len(c.domSize))
	var res int32
	for i := range c.props {
		p := &c.props[i]
		if p.kind != propTable && p.kind != propTableNeg {
			continue
		}
		t := &c.tables[p.data]
		t.wOff = mem
		mem += t.nw
		t.limOff = mem
		mem++
		t.ldOff = make([]int32, len(t.scope))
		for j, x := range t.scope {
			t.ldOff[j] = mem
			mem += c.domNW[x]
		}
		t.idxOff = perm
		perm += t.nw
		t.resOff = res
		res += int32(len(t.sup)) / t.nw
	}
	c.memSize, c.permSize, c.resSize = mem, perm, res
	c.buildRawState()

	e := newEngine(c, nil, nil, false)
	c.rootFail = !e.ok
	c.rootMem = e.mem
	c.rootPerm = e.perm
}

func (c *Compiled) buildRawState() {
	c.rawMem = make([]uint64, c.memSize)
	c.rawPerm = make([]int32, c.permSize)
	full := func(off int32, size int32) {
		for a := int32(0); a < size; a++ {
			c.rawMem[off+a>>6] |= 1 << (a & 63)
		}
	}
	for v := range c.domSize {
		full(c.domOff[v], c.domSize[v])
		c.rawPerm[c.ufPermOff+int32(v)] = int32(v)
	}
	c.rawMem[c.ufLimOff] = uint64(len(c.domSize))
	for ti := range c.tables {
		t := &c.tables[ti]
		full(t.wOff, t.nrows)
		c.rawMem[t.limOff] = uint64(t.nw)
		for j, x := range t.scope {
			full(t.ldOff[j], c.domSize[x])
		}
		for k := int32(0); k < t.nw; k++ {
			c.rawPerm[t.idxOff+k] = k
		}
	}
}

func (c *Compiled) checkLit(i int, k *Constraint, l Lit) error {
	if l.Var < 0 || l.Var >= len(c.domSize) {
		return constraintError(i, k, "literal variable %d out of range [0,%d)", l.Var, len(c.domSize))
	}
	if l.Val < 0 || l.Val >= int(c.domSize[l.Var]) {
		return constraintError(i, k, "literal value %d out of range for variable %d (%d values)", l.Val, l.Var, c.domSize[l.Var])
	}
	return nil
}

func (c *Compiled) compileConstraint(i int, k *Constraint) (prop, error) {
	switch k.Kind {
	case KindTable:
		return c.compileTable(i, k)
	case KindClause:
		return c.compileClause(i, k)
	case KindCardinality:
		return c.compileCard(i, k)
	}
	return prop{}, constraintError(i, k, "unknown kind %d", k.Kind)
}

func (c *Compiled) compileTable(i int, k *Constraint) (prop, error) {
	// Merge repeated scope variables: position j reads column cols[j].
	var scope []int32
	colOf := make([]int, len(k.Scope))
	for j, x := range k.Scope {
		if x < 0 || x >= len(c.domSize) {
			return prop{}, constraintError(i, k, "scope variable %d out of range [0,%d)", x, len(c.domSize))
		}
		at := slices.Index(scope, int32(x))
		if at < 0 {
			at = len(scope)
			scope = append(scope, int32(x))
		}
		colOf[j] = at
	}
	rows := make([][]int32, 0, len(k.Tuples))
	for r, row := range k.Tuples {
		if len(row) != len(k.Scope) {
			return prop{}, constraintError(i, k, "row %d has %d values, scope has %d variables", r, len(row), len(k.Scope))
		}
		out := make([]int32, len(scope))
		for j := range out {
			out[j] = -1
		}
		consistent := true
		for j, a := range row {
			x := k.Scope[j]
			if a < 0 || a >= int(c.domSize[x]) {
				return prop{}, constraintError(i, k, "row %d: value %d out of range for variable %d (%d values)", r, a, x, c.domSize[x])
			}
			if out[colOf[j]] >= 0 && out[colOf[j]] != int32(a) {
				consistent = false
			}
			out[colOf[j]] = int32(a)
		}
		if consistent {
			rows = append(rows, out)
		}
	}
	slices.SortFunc(rows, slices.Compare[[]int32])
	rows = slices.CompactFunc(rows, slices.Equal[[]int32])

	if len(scope) == 0 || len(rows) == 0 {
		// No scope: the only tuple is the empty one. No rows: a positive
		// table allows nothing, a negative one forbids nothing.
		satisfied := (len(rows) > 0) != k.Forbidden
		if satisfied {
			return prop{kind: propNone}, nil
		}
		return prop{kind: propFalse}, nil
	}
	t := tableData{scope: scope, nrows: int32(len(rows)), nw: int32((len(rows) + 63) / 64)}
	t.supOff = make([]int32, len(scope))
	var nb int32
	for j, x := range scope {
		t.supOff[j] = nb
		nb += c.domSize[x]
	}
	t.sup = make([]uint64, int(nb)*int(t.nw))
	for r, row := range rows {
		for j, a := range row {
			t.sup[int(t.supOff[j]+a)*int(t.nw)+r>>6] |= 1 << (r & 63)
		}
	}
	t.radix = make([]uint64, len(scope))
	r := uint64(1)
	overflow := false
	for j, x := range scope {
		t.radix[j] = r
		hi, lo := bits.Mul64(r, uint64(c.domSize[x]))
		if hi != 0 {
			overflow = true
			break
		}
		r = lo
	}
	if !overflow {
		size := 4
		for size < 2*len(rows) {
			size *= 2
		}
		t.keys = make([]uint64, size)
		for _, row := range rows {
			var k uint64
			for j, a := range row {
				k += uint64(a) * t.radix[j]
			}
			i := keySlot(k, size)
			for t.keys[i] != 0 {
				i = (i + 1) & (size - 1)
			}
			t.keys[i] = k + 1
		}
	}
	kind := propTable
	if k.Forbidden {
		kind = propTableNeg
	}
	c.tables = append(c.tables, t)
	return prop{kind: kind, data: int32(len(c.tables) - 1), scope: scope}, nil
}

// valueSet returns the values of l.Var for which l holds, as domain words.
func (c *Compiled) valueSet(l Lit, dst []uint64) {
	nw := c.domNW[l.Var]
	for w := int32(0); w < nw; w++ {
		dst[w] = 0
	}
	if l.Neg {
		for a := int32(0); a < c.domSize[l.Var]; a++ {
			if int(a) != l.Val {
				dst[a>>6] |= 1 << (a & 63)
			}
		}
		return
	}
	dst[l.Val>>6] |= 1 << (l.Val & 63)
}

func (c *Compiled) compileClause(i int, k *Constraint) (prop, error) {
	var cl clauseData
	buf := make([]uint64, c.maxNW)
	for _, l := range k.Lits {
		if err := c.checkLit(i, k, l); err != nil {
			return prop{}, err
		}
		c.valueSet(l, buf)
		x := int32(l.Var)
		nw := c.domNW[x]
		at := slices.Index(cl.vars, x)
		if at < 0 {
			cl.vars = append(cl.vars, x)
			cl.sets = append(cl.sets, int32(len(c.setPool)))
			c.setPool = append(c.setPool, buf[:nw]...)
			continue
		}
		set := c.setPool[cl.sets[at] : cl.sets[at]+nw]
		for w := range set {
			set[w] |= buf[w]
		}
	}
	// Drop literals that can never hold; a literal that always holds makes
	// the clause a tautology.
	var kept clauseData
	for j, x := range cl.vars {
		nw := c.domNW[x]
		set := c.setPool[cl.sets[j] : cl.sets[j]+nw]
		empty, fullSet := true, true
		for a := int32(0); a < c.domSize[x]; a++ {
			if set[a>>6]>>(a&63)&1 == 1 {
				empty = false
			} else {
				fullSet = false
			}
		}
		if fullSet {
			return prop{kind: propNone, scope: cl.vars}, nil
		}
		if !empty {
			kept.vars = append(kept.vars, x)
			kept.sets = append(kept.sets, cl.sets[j])
		}
	}
	if len(kept.vars) == 0 {
		return prop{kind: propFalse}, nil
	}
	c.clauses = append(c.clauses, kept)
	return prop{kind: propClause, data: int32(len(c.clauses) - 1), scope: kept.vars}, nil
}

func (c *Compiled) compileCard(i int, k *Constraint) (prop, error) {
	if k.Min < 0 || k.Max < k.Min {
		return prop{}, constraintError(i, k, "cardinality bounds [%d,%d] are not 0 <= min <= max", k.Min, k.Max)
	}
	var cd cardData
	var scope []int32
	for _, l := range k.Lits {
		if err := c.checkLit(i, k, l); err != nil {
			return prop{}, err
		}
		cd.vars = append(cd.vars, int32(l.Var))
		cd.vals = append(cd.vals, int32(l.Val))
		cd.neg = append(cd.neg, l.Neg)
		if !slices.Contains(scope, int32(l.Var)) {
			scope = append(scope, int32(l.Var))
		}
	}
	mx := min(k.Max, len(k.Lits))
	if k.Min > len(k.Lits) {
		return prop{kind: propFalse}, nil
	}
	if k.Min == 0 && mx == len(k.Lits) {
		return prop{kind: propNone, scope: scope}, nil
	}
	c.cards = append(c.cards, cd)
	return prop{kind: propCard, data: int32(len(c.cards) - 1), min: int32(k.Min), max: int32(mx), scope: scope}, nil
}

// Name is the model's name.
func (c *Compiled) Name() string { return c.name }

// NumVars is the number of variables.
func (c *Compiled) NumVars() int { return len(c.vars) }

// NumConstraints is the number of constraints.
func (c *Compiled) NumConstraints() int { return len(c.headers) }

// Var returns variable v (name and value labels). The result must not be
// modified.
func (c *Compiled) Var(v int) Var { return c.vars[v] }

// DomainSize is the number of values of variable v.
func (c *Compiled) DomainSize(v int) int { return int(c.domSize[v]) }

// ConstraintName returns the name and human-readable text of constraint i.
func (c *Compiled) ConstraintName(i int) (name, text string) {
	return c.headers[i].Name, c.headers[i].Text
}

// MemoryBytes estimates the memory held by the compiled model (the shared,
// read-only part, including the reduced copy sessions search once the first
// valid domains are computed; every session adds about StateBytes).
func (c *Compiled) MemoryBytes() int {
	b := c.stateAndTableBytes(true) + len(c.setPool)*8
	if r := c.root.search.Load(); r != nil {
		b += r.stateAndTableBytes(false)
	}
	for i := range c.clauses {
		b += len(c.clauses[i].vars) * 8
	}
	for i := range c.cards {
		b += len(c.cards[i].vars) * 9
	}
	for v := range c.varScopes {
		b += (len(c.varScopes[v]) + len(c.varProps[v])) * 4
	}
	return b
}

// maxTableNW is the largest number of row words of a table.
func (c *Compiled) maxTableNW() int32 {
	m := int32(0)
	for i := range c.tables {
		m = max(m, c.tables[i].nw)
	}
	return m
}

// stateAndTableBytes is the part of MemoryBytes a reduced copy does not
// share with the full model: raw and root states and table bitsets, plus
// the row keys with keys (they are shared).
func (c *Compiled) stateAndTableBytes(keys bool) int {
	b := len(c.rawMem)*8*2 + len(c.rawPerm)*4*2
	for i := range c.tables {
		t := &c.tables[i]
		b += len(t.sup)*8 + len(t.scope)*16
		if keys {
			b += len(t.keys) * 8
		}
	}
	return b
}

// StateBytes estimates the mutable search state one session allocates.
func (c *Compiled) StateBytes() int {
	m := c.searchModel()
	return int(m.memSize)*12 + int(m.permSize)*4 + int(m.resSize)*16
}
