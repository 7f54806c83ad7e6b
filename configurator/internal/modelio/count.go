package modelio

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// CountOptions configures CountCNF. The zero value counts with the default
// budget and no assumptions.
type CountOptions struct {
	// Assume lists literals that must hold: the count is then the number of
	// solutions in which all of them hold (conditioning). Contradictory
	// assumptions give zero.
	Assume []csp.Lit
	// MaxNodes bounds the number of branching decisions. Counting that needs
	// more fails with ErrBudgetExceeded. Default 2,000,000 (a minute or two
	// on large models); negative means no bound.
	MaxNodes int64
	// MaxCacheBytes bounds the approximate memory held by the component
	// cache. Once it is reached, no further components are cached: the count
	// stays exact, only slower (and bounded by MaxNodes). Default 512 MiB.
	MaxCacheBytes int64
	// Stats, when not nil, receives counters about the search.
	Stats *CountStats
}

// CountStats describes one CountCNF call.
type CountStats struct {
	Nodes        int64 // branching decisions
	CacheHits    int64 // components whose count came from the cache
	CacheEntries int64 // components cached
	CacheBytes   int64 // approximate memory held by the cache
	Components   int64 // components met (each counted or found in the cache)
}

// CountCNF returns the exact number of solutions of m, counted over all of
// its variables. Every variable must have exactly two values; constraints
// must be KindClause or KindCardinality (duplicated and complementary
// literals are allowed and count as written). Otherwise the error wraps
// ErrNotCNF. A model with no variables has one solution (the empty one).
//
// The procedure is exact #SAT as published for component-caching counters:
// DPLL search with unit propagation (generalised to cardinality bounds),
// splitting the residual problem into variable-disjoint components whose
// counts multiply, and caching each component's count under a key made of
// its unassigned variables and its active constraints (with the number of
// literals already true, for cardinalities). The branching variable is the
// one with the most occurrences in the component's active constraints.
// Exceeding opts.MaxNodes returns an error wrapping ErrBudgetExceeded.
func CountCNF(m *csp.Model, opts CountOptions) (*big.Int, error) {
	if opts.MaxNodes == 0 {
		opts.MaxNodes = 2_000_000
	}
	if opts.MaxCacheBytes <= 0 {
		opts.MaxCacheBytes = 512 << 20
	}
	s, err := newCounter(m, opts)
	if err != nil {
		return nil, err
	}
	res, err := s.run()
	if opts.Stats != nil {
		*opts.Stats = s.stats
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// A literal is 2*var+neg; it holds when the variable is true and neg is 0,
// or the variable is false and neg is 1.
type cons struct {
	lits          []int32
	min, max      int32
	ntrue, nfalse int32
	clause        bool
	// weight is what each occurrence adds to a variable's branching score:
	// 1 for a clause, len-1 for a cardinality (as many as the binary clauses
	// of a pairwise at-most-one encoding would give).
	weight int32
}

type counter struct {
	opts  CountOptions
	nv    int
	cons  []cons
	occ   [][]int32 // occ[v]: constraint index<<1 | neg, one per occurrence
	val   []int8    // 0 unassigned, 1 true, -1 false
	trail []int32
	qhead int
	unsat bool

	seen   []uint32 // per variable stamp for component search
	cseen  []uint32 // per constraint stamp
	compOf []int32  // per variable component index in the last search
	ccomp  []int32  // per constraint component index in the last search
	stamp  uint32
	score  []int32
	cache  map[string]*big.Int
	stats  CountStats
	keyBuf []byte
	queue  []int32
	sizes  []int32 // scratch: per component variable and constraint counts
	// arena holds the components' variable and constraint lists; product
	// releases what it took on return (the lists are used last in, first
	// out).
	arena []int32
}

func newCounter(m *csp.Model, opts CountOptions) (*counter, error) {
	s := &counter{opts: opts, nv: len(m.Vars)}
	for i, v := range m.Vars {
		if len(v.Values) != 2 {
			return nil, fmt.Errorf("variable %d (%q) has %d values: %w", i, v.Name, len(v.Values), ErrNotCNF)
		}
	}
	lit := func(ci int, l csp.Lit) (int32, error) {
		if l.Var < 0 || l.Var >= s.nv || l.Val < 0 || l.Val > 1 {
			return 0, fmt.Errorf("constraint %d: literal %+v out of range: %w", ci, l, ErrNotCNF)
		}
		// Val 1 holds when the variable is true (value index 1); Neg flips.
		neg := int32(0)
		if (l.Val == 0) != l.Neg {
			neg = 1
		}
		return int32(l.Var)<<1 | neg, nil
	}
	for ci, c := range m.Constraints {
		switch c.Kind {
		case csp.KindClause:
			ls := make([]int32, 0, len(c.Lits))
			for _, l := range c.Lits {
				x, err := lit(ci, l)
				if err != nil {
					return nil, err
				}
				ls = append(ls, x)
			}
			slices.Sort(ls)
			ls = slices.Compact(ls)
			taut := false
			for i := 1; i < len(ls); i++ {
				if ls[i]>>1 == ls[i-1]>>1 {
					taut = true
					break
				}
			}
			if taut {
				continue
			}
			if len(ls) == 0 {
				s.unsat = true
				continue
			}
			s.cons = append(s.cons, cons{lits: ls, min: 1, max: int32(len(ls)), clause: true, weight: 1})
		case csp.KindCardinality:
			ls := make([]int32, 0, len(c.Lits))
			for _, l := range c.Lits {
				x, err := lit(ci, l)
				if err != nil {
					return nil, err
				}
				ls = append(ls, x)
			}
			lo, hi := c.Min, c.Max
			if lo < 0 {
				lo = 0
			}
			if hi > len(ls) {
				hi = len(ls)
			}
			if lo > hi {
				s.unsat = true
				continue
			}
			if lo == 0 && hi == len(ls) {
				continue
			}
			s.cons = append(s.cons, cons{lits: ls, min: int32(lo), max: int32(hi), weight: int32(max(1, len(ls)-1))})
		default:
			return nil, fmt.Errorf("constraint %d (%q) has kind %d: %w", ci, c.Name, c.Kind, ErrNotCNF)
		}
	}
	s.occ = make([][]int32, s.nv)
	for ci, c := range s.cons {
		for _, l := range c.lits {
			v := l >> 1
			s.occ[v] = append(s.occ[v], int32(ci)<<1|l&1)
		}
	}
	s.val = make([]int8, s.nv)
	s.seen = make([]uint32, s.nv)
	s.score = make([]int32, s.nv)
	s.cseen = make([]uint32, len(s.cons))
	s.compOf = make([]int32, s.nv)
	s.ccomp = make([]int32, len(s.cons))
	s.cache = map[string]*big.Int{}
	return s, nil
}

// assign sets v and updates the counters of its constraints.
func (s *counter) assign(v int32, b bool) {
	if b {
		s.val[v] = 1
	} else {
		s.val[v] = -1
	}
	s.trail = append(s.trail, v)
	for _, o := range s.occ[v] {
		c := &s.cons[o>>1]
		if b == (o&1 == 0) {
			c.ntrue++
		} else {
			c.nfalse++
		}
	}
}

func (s *counter) undo(mark int) {
	for i := len(s.trail) - 1; i >= mark; i-- {
		v := s.trail[i]
		b := s.val[v] == 1
		for _, o := range s.occ[v] {
			c := &s.cons[o>>1]
			if b == (o&1 == 0) {
				c.ntrue--
			} else {
				c.nfalse--
			}
		}
		s.val[v] = 0
	}
	s.trail = s.trail[:mark]
	s.qhead = mark
}

// check enforces constraint ci on the current assignment; false on conflict.
func (s *counter) check(ci int32) bool {
	c := &s.cons[ci]
	u := int32(len(c.lits)) - c.ntrue - c.nfalse
	if c.ntrue > c.max || c.ntrue+u < c.min {
		return false
	}
	if u == 0 {
		return true
	}
	var want int8
	switch {
	case c.ntrue == c.max:
		want = -1 // every open literal must be false
	case c.ntrue+u == c.min:
		want = 1 // every open literal must be true
	default:
		return true
	}
	for _, l := range c.lits {
		v := l >> 1
		if s.val[v] != 0 {
			continue
		}
		// the literal is true when val == 1 xor neg
		litTrue := want == 1
		s.assign(v, litTrue == (l&1 == 0))
	}
	return true
}

func (s *counter) propagate() bool {
	for s.qhead < len(s.trail) {
		v := s.trail[s.qhead]
		s.qhead++
		for _, o := range s.occ[v] {
			if !s.check(o >> 1) {
				return false
			}
		}
	}
	return true
}

func (s *counter) active(ci int32) bool {
	c := &s.cons[ci]
	u := int32(len(c.lits)) - c.ntrue - c.nfalse
	return !(c.ntrue >= c.min && c.ntrue+u <= c.max)
}

type component struct {
	vars   []int32
	cons   []int32
	branch int32
	best   int32 // branch's score
}

func (s *counter) nextStamp() uint32 {
	s.stamp++
	if s.stamp == 0 { // wrapped: clear the marks
		clear(s.seen)
		clear(s.cseen)
		s.stamp = 1
	}
	return s.stamp
}

// components splits the unassigned variables among vars into connected
// components over the active constraints among cs. Both lists are sorted and
// so are the components' lists. Variables in no active constraint are counted
// in free.
func (s *counter) components(vars, cs []int32) (comps []component, free int) {
	st := s.nextStamp()
	n := int32(0)
	sizes := s.sizes[:0] // pairs: variables, constraints
	for _, v := range vars {
		if s.val[v] != 0 || s.seen[v] == st {
			continue
		}
		s.seen[v] = st
		s.compOf[v] = n
		q := append(s.queue[:0], v)
		found := false
		ncons := int32(0)
		for i := 0; i < len(q); i++ {
			x := q[i]
			for _, o := range s.occ[x] {
				ci := o >> 1
				if s.cseen[ci] == st || !s.active(ci) {
					continue
				}
				s.cseen[ci] = st
				s.ccomp[ci] = n
				found = true
				ncons++
				k := &s.cons[ci]
				w := k.weight
				for _, l := range k.lits {
					y := l >> 1
					if s.val[y] == 0 {
						s.score[y] += w
						if s.seen[y] != st {
							s.seen[y] = st
							s.compOf[y] = n
							q = append(q, y)
						}
					}
				}
			}
		}
		s.queue = q
		if !found {
			free++
			s.compOf[v] = -1
			continue
		}
		sizes = append(sizes, int32(len(q)), ncons)
		n++
	}
	s.sizes = sizes
	if n == 0 {
		return nil, free
	}
	comps = make([]component, n)
	total := 0
	for _, z := range sizes {
		total += int(z)
	}
	base := len(s.arena)
	s.arena = slices.Grow(s.arena, total)[:base+total]
	at := base
	for i := range comps {
		nv, nc := int(sizes[2*i]), int(sizes[2*i+1])
		comps[i].vars = s.arena[at : at : at+nv]
		at += nv
		comps[i].cons = s.arena[at : at : at+nc]
		at += nc
		comps[i].branch, comps[i].best = -1, -1
	}
	for _, v := range vars {
		if s.val[v] != 0 || s.seen[v] != st {
			continue
		}
		k := s.compOf[v]
		if k < 0 {
			continue
		}
		c := &comps[k]
		c.vars = append(c.vars, v)
		if s.score[v] > c.best {
			c.best, c.branch = s.score[v], v
		}
		s.score[v] = 0
	}
	for _, ci := range cs {
		if s.cseen[ci] == st {
			c := &comps[s.ccomp[ci]]
			c.cons = append(c.cons, ci)
		}
	}
	return comps, free
}

// key encodes a component for the cache into s.keyBuf.
func (s *counter) key(c *component) []byte {
	b := s.keyBuf[:0]
	b = binary.AppendUvarint(b, uint64(len(c.vars)))
	prev := int32(0)
	for _, v := range c.vars {
		b = binary.AppendUvarint(b, uint64(v-prev))
		prev = v
	}
	prev = 0
	for _, ci := range c.cons {
		b = binary.AppendUvarint(b, uint64(ci-prev))
		prev = ci
		if k := &s.cons[ci]; !k.clause {
			b = binary.AppendUvarint(b, uint64(k.ntrue))
		}
	}
	s.keyBuf = b
	return b
}

func (s *counter) run() (*big.Int, error) {
	if s.unsat {
		return new(big.Int), nil
	}
	for _, l := range s.opts.Assume {
		if l.Var < 0 || l.Var >= s.nv || l.Val < 0 || l.Val > 1 {
			return nil, fmt.Errorf("assumption %+v out of range: %w", l, ErrNotCNF)
		}
		want := (l.Val == 1) != l.Neg
		switch cur := s.val[l.Var]; {
		case cur == 0:
			s.assign(int32(l.Var), want)
		case (cur == 1) != want:
			return new(big.Int), nil
		}
	}
	for ci := range s.cons {
		if !s.check(int32(ci)) {
			return new(big.Int), nil
		}
	}
	if !s.propagate() {
		return new(big.Int), nil
	}
	all := make([]int32, s.nv)
	for i := range all {
		all[i] = int32(i)
	}
	cs := make([]int32, len(s.cons))
	for i := range cs {
		cs[i] = int32(i)
	}
	return s.product(all, cs)
}

// product counts the residual problem over the unassigned variables of vars.
func (s *counter) product(vars, cs []int32) (*big.Int, error) {
	mark := len(s.arena)
	defer func() { s.arena = s.arena[:mark] }()
	comps, free := s.components(vars, cs)
	res := new(big.Int).Lsh(big.NewInt(1), uint(free))
	slices.SortFunc(comps, func(a, b component) int { return len(a.vars) - len(b.vars) })
	for i := range comps {
		n, err := s.count(&comps[i])
		if err != nil {
			return nil, err
		}
		if n.Sign() == 0 {
			return n, nil
		}
		res.Mul(res, n)
	}
	return res, nil
}

func (s *counter) count(c *component) (*big.Int, error) {
	s.stats.Components++
	kb := s.key(c)
	if n, ok := s.cache[string(kb)]; ok {
		s.stats.CacheHits++
		return n, nil
	}
	var k string
	if s.stats.CacheBytes < s.opts.MaxCacheBytes {
		k = string(kb)
	}
	s.stats.Nodes++
	if s.opts.MaxNodes > 0 && s.stats.Nodes > s.opts.MaxNodes {
		return nil, fmt.Errorf("more than %d search nodes: %w", s.opts.MaxNodes, ErrBudgetExceeded)
	}
	total := new(big.Int)
	for _, b := range [2]bool{true, false} {
		mark := len(s.trail)
		s.assign(c.branch, b)
		if s.propagate() {
			n, err := s.product(c.vars, c.cons)
			if err != nil {
				return nil, err
			}
			total.Add(total, n)
		}
		s.undo(mark)
	}
	size := int64(len(k)) + int64(len(total.Bits()))*8 + 96
	if k != "" && s.stats.CacheBytes+size <= s.opts.MaxCacheBytes {
		s.cache[k] = total
		s.stats.CacheBytes += size
		s.stats.CacheEntries++
	}
	return total, nil
}
