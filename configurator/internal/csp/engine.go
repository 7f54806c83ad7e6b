package csp

import "math/bits"

// engine is the mutable search state over a compiled model: domains and
// propagator state in one reversible word array (mem) restored from a trail,
// permutations that need no restoring (sparse-set indexes), propagation
// queues, heuristics and scratch space. An engine is owned by one goroutine.
type engine struct {
	c     *Compiled
	props []prop
	off   []bool // disabled propagators (nil: all enabled)

	varProps  [][]int32
	varScopes [][]int32

	mem       []uint64
	stamp     []uint32
	trail     []trailEntry
	levels    []levelMark
	curStamp  uint32
	nextStamp uint32
	perm      []int32
	res       []residue // per (position, value): a current-table word supporting it

	watches [][]int32  // per variable: clauses watching a literal on it
	cw      [][2]int32 // per clause: the two watched literal positions

	varQ     []int32
	varHead  int
	varQd    []bool
	fastQ    []int32
	fastH    int
	slowQ    []int32
	slowH    int
	propQd   []bool
	running  int32
	failed   int32 // propagator that failed last
	rowsLost bool  // the last table update removed rows
	ok       bool  // false when propagation at level 0 failed

	wdeg  []uint32
	phase []int32
	sol   []int32

	// search control
	order     valueOrder
	guided    bool      // solution-guided dives (tryComplete, repairMove)
	cover     []uint64  // values covered by a solution (domain layout)
	work      [][]int32 // solutions a valid-domains query starts from
	chosen    []bool
	override  []int32 // per variable, a value replacing a solution's (-1: none)
	base      []int32 // a solution under the current query, for tryComplete
	propMark  []uint32
	epoch     uint32
	prefOrder [][]int32 // per variable preferred value order, for orderPref
	staticVar bool      // choose variables in index order
	firstVars []int32   // variables to decide before any other
	fails     int64
	joined    bool // a helper that has joined its query (see searchValues)
	lost      bool // a helper that panicked, not to be used again
	// seenRemove is how many refutations of its query's workers the
	// engine has applied (see syncRemoved); refuteBuf is scratch.
	seenRemove int
	refuteBuf  []int32
	failLimit  int64 // <0: unlimited

	// tracking: which propagators a failure depends on
	tracking bool
	causes   []causeEntry
	coreMark []bool
	core     []int32

	tmp  []uint64
	vals []int32
	bufA []int32

	// widening: the repairing changes flip found, flipTable's row bitsets
	flipVar, flipVal [maxTableRepairs]int32
	flipBuf          []uint64
}

// residue caches, for a table position and value, a word of the current
// table that had a supporting row and the support bitset's word there (one
// array, so that a check touches one cache line).
type residue struct {
	mask uint64
	word int32
}

type trailEntry struct {
	i     int32
	stamp uint32
	old   uint64
}

type levelMark struct {
	trail  int32
	causes int32
	stamp  uint32
}

type causeEntry struct {
	v, p int32
}

type valueOrder uint8

const (
	orderPhase valueOrder = iota
	orderPref
)

type searchResult uint8

const (
	resUnsat searchResult = iota
	resSat
	resAborted
)

// newEngine builds an engine over c. With off and extra nil it starts from
// the compiled root state (once there is one); otherwise it starts from the
// raw state and propagates the enabled propagators (those not off) plus the
// extra ones. e.ok is false if that propagation failed.
func newEngine(c *Compiled, off []bool, extra []prop, tracking bool) *engine {
	e := &engine{c: c, props: c.props, varProps: c.varProps, varScopes: c.varScopes, off: off, tracking: tracking}
	if len(extra) > 0 {
		e.props = append(append([]prop(nil), c.props...), extra...)
		e.varProps = make([][]int32, len(c.varProps))
		e.varScopes = make([][]int32, len(c.varScopes))
		for v := range c.varProps {
			e.varProps[v] = append([]int32(nil), c.varProps[v]...)
			e.varScopes[v] = append([]int32(nil), c.varScopes[v]...)
		}
		for i := range extra {
			id := int32(len(c.props) + i)
			for _, x := range extra[i].scope {
				e.varScopes[x] = append(e.varScopes[x], id)
				if extra[i].kind != propClause && extra[i].kind != propNone {
					e.varProps[x] = append(e.varProps[x], id)
				}
			}
		}
		if off != nil {
			e.off = append(append([]bool(nil), off...), make([]bool, len(extra))...)
		}
	}
	n := len(c.domSize)
	e.stamp = make([]uint32, c.memSize)
	e.res = make([]residue, c.resSize)
	e.varQd = make([]bool, n)
	e.propQd = make([]bool, len(e.props))
	e.wdeg = make([]uint32, n)
	for v := range e.wdeg {
		e.wdeg[v] = 1
	}
	e.phase = make([]int32, n)
	e.sol = make([]int32, n)
	e.cover = make([]uint64, c.ufLimOff)
	e.chosen = make([]bool, n)
	e.override = make([]int32, n)
	for v := range e.override {
		e.override[v] = -1
	}
	e.propMark = make([]uint32, len(e.props))
	e.tmp = make([]uint64, c.maxNW)
	e.coreMark = make([]bool, len(e.props))
	e.running = -1
	e.failLimit = -1
	fromRoot := off == nil && len(extra) == 0 && c.rootMem != nil
	e.reset(fromRoot)
	return e
}

// reset restores the engine to its level-0 state: the compiled root state,
// or the raw state followed by propagation of every enabled propagator.
func (e *engine) reset(fromRoot bool) {
	c := e.c
	if fromRoot {
		e.mem = append(e.mem[:0], c.rootMem...)
		e.perm = append(e.perm[:0], c.rootPerm...)
	} else {
		e.mem = append(e.mem[:0], c.rawMem...)
		e.perm = append(e.perm[:0], c.rawPerm...)
	}
	clear(e.stamp)
	e.trail = e.trail[:0]
	e.levels = e.levels[:0]
	e.causes = e.causes[:0]
	e.curStamp, e.nextStamp = 0, 0
	e.clearQueues()
	e.ok = true
	if fromRoot && c.rootFail {
		e.ok = false
		return
	}
	if !e.initWatches() {
		e.fail()
		e.ok = false
		return
	}
	if !fromRoot {
		for p := range e.props {
			if e.isOff(int32(p)) || e.props[p].kind == propClause {
				continue
			}
			e.running = int32(p)
			ok := e.runProp(int32(p), true)
			e.running = -1
			if !ok {
				e.failed = int32(p)
				e.fail()
				e.ok = false
				return
			}
		}
	}
	e.ok = e.propagate()
}

func (e *engine) isOff(p int32) bool { return e.off != nil && e.off[p] }

// ---- reversible memory ----

func (e *engine) write(i int32, x uint64) {
	if e.stamp[i] != e.curStamp {
		e.trail = append(e.trail, trailEntry{i: i, stamp: e.stamp[i], old: e.mem[i]})
		e.stamp[i] = e.curStamp
	}
	e.mem[i] = x
}

func (e *engine) level() int { return len(e.levels) }

func (e *engine) push() {
	e.levels = append(e.levels, levelMark{trail: int32(len(e.trail)), causes: int32(len(e.causes)), stamp: e.curStamp})
	e.nextStamp++
	e.curStamp = e.nextStamp
}

func (e *engine) pop() {
	l := e.levels[len(e.levels)-1]
	e.levels = e.levels[:len(e.levels)-1]
	for i := len(e.trail) - 1; i >= int(l.trail); i-- {
		t := &e.trail[i]
		e.mem[t.i] = t.old
		e.stamp[t.i] = t.stamp
	}
	e.trail = e.trail[:l.trail]
	e.causes = e.causes[:l.causes]
	e.curStamp = l.stamp
}

func (e *engine) backtrackTo(lvl int) {
	for len(e.levels) > lvl {
		e.pop()
	}
	if lvl == 0 && e.nextStamp > 1<<30 {
		clear(e.stamp)
		e.nextStamp = 0
	}
}

// ---- domains ----

func (e *engine) size(v int32) int {
	off, nw := e.c.domOff[v], e.c.domNW[v]
	if nw == 1 {
		return bits.OnesCount64(e.mem[off])
	}
	s := 0
	for w := int32(0); w < nw; w++ {
		s += bits.OnesCount64(e.mem[off+w])
	}
	return s
}

func (e *engine) has(v, a int32) bool {
	return e.mem[e.c.domOff[v]+a>>6]>>(a&63)&1 == 1
}

// value returns the value of v if its domain is a singleton, else -1.
func (e *engine) value(v int32) int32 {
	off, nw := e.c.domOff[v], e.c.domNW[v]
	r := int32(-1)
	for w := int32(0); w < nw; w++ {
		x := e.mem[off+w]
		if x == 0 {
			continue
		}
		if x&(x-1) != 0 || r >= 0 {
			return -1
		}
		r = w*64 + int32(bits.TrailingZeros64(x))
	}
	return r
}

func (e *engine) firstValue(v int32) int32 {
	off, nw := e.c.domOff[v], e.c.domNW[v]
	for w := int32(0); w < nw; w++ {
		if x := e.mem[off+w]; x != 0 {
			return w*64 + int32(bits.TrailingZeros64(x))
		}
	}
	return -1
}

func (e *engine) changed(v, cause int32) {
	if e.tracking {
		e.causes = append(e.causes, causeEntry{v: v, p: cause})
	}
	if !e.varQd[v] {
		e.varQd[v] = true
		e.varQ = append(e.varQ, v)
	}
}

func (e *engine) remove(v, a, cause int32) bool {
	i := e.c.domOff[v] + a>>6
	old := e.mem[i]
	bit := uint64(1) << (a & 63)
	if old&bit == 0 {
		return true
	}
	nv := old &^ bit
	if nv == 0 && e.c.domNW[v] == 1 {
		return false
	}
	e.write(i, nv)
	if nv == 0 && e.size(v) == 0 {
		return false
	}
	e.changed(v, cause)
	return true
}

func (e *engine) assign(v, a, cause int32) bool {
	off, nw := e.c.domOff[v], e.c.domNW[v]
	if !e.has(v, a) {
		return false
	}
	ch := false
	for w := int32(0); w < nw; w++ {
		var want uint64
		if w == a>>6 {
			want = 1 << (a & 63)
		}
		if e.mem[off+w] != want {
			e.write(off+w, want)
			ch = true
		}
	}
	if ch {
		e.changed(v, cause)
	}
	return true
}

// restrict intersects the domain of v with mask (nw words).
func (e *engine) restrict(v int32, mask []uint64, cause int32) bool {
	off, nw := e.c.domOff[v], e.c.domNW[v]
	ch, any := false, false
	for w := int32(0); w < nw; w++ {
		x := e.mem[off+w]
		y := x & mask[w]
		if y != x {
			ch = true
		}
		if y != 0 {
			any = true
		}
	}
	if !any {
		return false
	}
	if !ch {
		return true
	}
	for w := int32(0); w < nw; w++ {
		x := e.mem[off+w]
		if y := x & mask[w]; y != x {
			e.write(off+w, y)
		}
	}
	e.changed(v, cause)
	return true
}

// ---- propagation ----

func (e *engine) clearQueues() {
	for _, v := range e.varQ[e.varHead:] {
		e.varQd[v] = false
	}
	for _, p := range e.fastQ[e.fastH:] {
		e.propQd[p] = false
	}
	for _, p := range e.slowQ[e.slowH:] {
		e.propQd[p] = false
	}
	e.varQ, e.varHead = e.varQ[:0], 0
	e.fastQ, e.fastH = e.fastQ[:0], 0
	e.slowQ, e.slowH = e.slowQ[:0], 0
}

func (e *engine) schedule(p int32) {
	if e.propQd[p] || e.isOff(p) {
		return
	}
	pp := &e.props[p]
	if p == e.running && pp.idempotent() {
		return
	}
	e.propQd[p] = true
	if pp.kind == propTable || pp.kind == propTableNeg {
		e.slowQ = append(e.slowQ, p)
	} else {
		e.fastQ = append(e.fastQ, p)
	}
}

// propagate runs propagators to a fixpoint; false means a domain wipe-out
// (e.failed names the propagator).
func (e *engine) propagate() bool {
	for {
		if e.varHead < len(e.varQ) {
			v := e.varQ[e.varHead]
			e.varHead++
			e.varQd[v] = false
			if len(e.watches[v]) > 0 && !e.propagateClauses(v) {
				return e.fail()
			}
			for _, p := range e.varProps[v] {
				e.schedule(p)
			}
			continue
		}
		e.varQ, e.varHead = e.varQ[:0], 0
		var p int32
		switch {
		case e.fastH < len(e.fastQ):
			p = e.fastQ[e.fastH]
			e.fastH++
		case e.slowH < len(e.slowQ):
			p = e.slowQ[e.slowH]
			e.slowH++
		default:
			e.fastQ, e.fastH = e.fastQ[:0], 0
			e.slowQ, e.slowH = e.slowQ[:0], 0
			return true
		}
		e.propQd[p] = false
		e.running = p
		ok := e.runProp(p, false)
		e.running = -1
		if !ok {
			e.failed = p
			return e.fail()
		}
	}
}

func (e *engine) fail() bool {
	e.clearQueues()
	p := e.failed
	if p >= 0 {
		for _, x := range e.props[p].scope {
			e.wdeg[x]++
		}
		if e.tracking {
			e.collectCore(p)
		}
	}
	return false
}

func (e *engine) runProp(p int32, force bool) bool {
	pp := &e.props[p]
	switch pp.kind {
	case propNone:
		return true
	case propFalse:
		return false
	case propTable:
		return e.tablePos(p, &e.c.tables[pp.data], force)
	case propTableNeg:
		return e.tableNeg(p, &e.c.tables[pp.data], force)
	case propCard:
		return e.cardinality(p, pp)
	case propNegClause:
		return e.negClause(p, &e.c.clauses[pp.data])
	}
	return true
}

// collectCore adds to e.core the propagators the failure of p depends on:
// p and, transitively, every propagator that pruned a variable in the scope
// of one already added (along the current branch).
func (e *engine) collectCore(p int32) {
	e.collectCoreFrom(p, -1)
}

// collectCoreFrom adds the dependencies of a failure of propagator p, or
// (p < 0) of an emptied domain of variable x.
func (e *engine) collectCoreFrom(p, x int32) {
	byVar := make(map[int32][]int32)
	for _, ce := range e.causes {
		if ce.p >= 0 {
			byVar[ce.v] = append(byVar[ce.v], ce.p)
		}
	}
	seenVar := make(map[int32]bool)
	var queue []int32
	local := map[int32]bool{}
	if p >= 0 {
		queue = append(queue, p)
		local[p] = true
	} else {
		seenVar[x] = true
		for _, r := range byVar[x] {
			if !local[r] {
				local[r] = true
				queue = append(queue, r)
			}
		}
	}
	for len(queue) > 0 {
		q := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if !e.coreMark[q] {
			e.coreMark[q] = true
			e.core = append(e.core, q)
		}
		for _, x := range e.props[q].scope {
			if seenVar[x] {
				continue
			}
			seenVar[x] = true
			for _, r := range byVar[x] {
				if !local[r] {
					local[r] = true
					queue = append(queue, r)
				}
			}
		}
	}
}

func (e *engine) resetCore() {
	for _, p := range e.core {
		e.coreMark[p] = false
	}
	e.core = e.core[:0]
}

// ---- search ----

// selectVar returns an unfixed variable (dom/wdeg, or the first in index
// order when staticVar), or -1 when every variable is fixed.
func (e *engine) selectVar() int32 {
	c := e.c
	if e.staticVar {
		for v := range c.domSize {
			if e.size(int32(v)) > 1 {
				return int32(v)
			}
		}
		return -1
	}
	best := int32(-1)
	bs := 0
	for _, v := range e.firstVars {
		if s := e.size(v); s > 1 && (best < 0 || s < bs) {
			best, bs = v, s
		}
	}
	if best >= 0 {
		return best
	}
	lim := int(e.mem[c.ufLimOff])
	orig := lim
	perm := e.perm[c.ufPermOff:]
	var bw uint64
	for k := 0; k < lim; {
		v := perm[k]
		s := e.size(v)
		if s <= 1 {
			lim--
			perm[k], perm[lim] = perm[lim], perm[k]
			continue
		}
		k++
		w := uint64(e.wdeg[v])
		if best < 0 || uint64(s)*bw < uint64(bs)*w {
			best, bs, bw = v, s, w
		}
	}
	if lim != orig {
		e.write(c.ufLimOff, uint64(lim))
	}
	return best
}

// selectVarOf returns the unfixed variable of vars with the smallest
// dom/wdeg, or -1 when all are fixed.
func (e *engine) selectVarOf(vars []int32) int32 {
	best := int32(-1)
	bs := 0
	var bw uint64
	for _, v := range vars {
		s := e.size(v)
		if s <= 1 {
			continue
		}
		w := uint64(e.wdeg[v])
		if best < 0 || uint64(s)*bw < uint64(bs)*w {
			best, bs, bw = v, s, w
		}
	}
	return best
}

func (e *engine) selectValue(v int32) int32 {
	c := e.c
	if e.order == orderPref {
		for _, a := range e.prefOrder[v] {
			if e.has(v, a) {
				return a
			}
		}
	}
	if a := e.phase[v]; a >= 0 && a < c.domSize[v] && e.has(v, a) {
		return a
	}
	return e.firstValue(v)
}

// search looks for a solution extending the current state (which must be
// at a fixpoint), depth first with binary branching. On resSat the solution
// is in e.sol. The state is restored to the level search started at.
func (e *engine) search() searchResult {
	lvl := e.level()
	e.fails = 0
	r := e.dfs()
	e.backtrackTo(lvl)
	return r
}

func (e *engine) dfs() searchResult {
	for {
		var v, a int32 = -1, -1
		if e.guided {
			ok, bad := e.tryComplete()
			if ok {
				return resSat
			}
			switch {
			case bad < 0:
			case e.props[bad].kind != propTable:
				v, a = e.repairMove(bad)
			case e.fails == 0:
				// First dive: decide a variable of the violated table.
				if v = e.selectVarOf(e.props[bad].scope); v >= 0 {
					a = e.selectValue(v)
				}
			}
		}
		if v < 0 {
			v = e.selectVar()
			if v >= 0 {
				a = e.selectValue(v)
			}
		}
		if v < 0 {
			for x := range e.sol {
				e.sol[x] = e.value(int32(x))
			}
			copy(e.phase, e.sol)
			return resSat
		}
		e.push()
		if e.assign(v, a, -1) && e.propagate() {
			if r := e.dfs(); r != resUnsat {
				return r
			}
		}
		e.pop()
		e.fails++
		if e.failLimit >= 0 && e.fails > e.failLimit {
			return resAborted
		}
		if !e.remove(v, a, -1) {
			return resUnsat
		}
		if !e.propagate() {
			return resUnsat
		}
	}
}

// solveUnder pushes a level, applies the assumptions and searches. The
// engine is back at the starting level afterwards.
func (e *engine) solveUnder(assume []Choice) searchResult {
	if !e.ok {
		return resUnsat
	}
	lvl := e.level()
	e.push()
	r := resUnsat
	if e.applyChoices(assume) && e.propagate() {
		r = e.search()
	}
	e.backtrackTo(lvl)
	return r
}

func (e *engine) applyChoices(cs []Choice) bool {
	for _, ch := range cs {
		if !e.assign(int32(ch.Var), int32(ch.Val), -1) {
			e.clearQueues()
			if e.tracking {
				e.collectCoreFrom(-1, int32(ch.Var))
			}
			return false
		}
	}
	return true
}
