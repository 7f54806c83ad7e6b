package csp

import (
	"fmt"
	"math/bits"
	"slices"
)

// Choice is a user's choice: variable Var takes value Val.
type Choice struct {
	Var, Val int
}

// Session is one user's configuration over a compiled model: a set of
// choices and the queries on it. It keeps its own mutable search state and
// is not safe for concurrent use; many sessions may share one Compiled.
type Session struct {
	c      *Compiled
	e      *engine // created on first use, on c.searchModel()
	choice []int32 // per variable, -1 when not chosen

	hist    []validEntry // recent valid-domain results, most recent last
	pool    [][]int32    // recent solutions
	poolPos int
}

type validEntry struct {
	choices []Choice // sorted by variable
	sat     bool
	valid   []uint64 // domain layout
}

const (
	histSize = 16
	poolSize = 128
)

// NewSession starts a session with no choices.
func NewSession(c *Compiled) *Session {
	s := &Session{c: c, choice: make([]int32, len(c.domSize))}
	for v := range s.choice {
		s.choice[v] = -1
	}
	return s
}

// engine returns the session's search state, on the model sessions search:
// the full model until the valid domains without choices are known, then
// its reduced copy (see reduced).
func (s *Session) engine() *engine {
	if m := s.c.searchModel(); s.e == nil || s.e.c != m {
		s.e = newEngine(m, nil, nil, false)
	}
	return s.e
}

func (s *Session) checkValue(v, val int) error {
	if v < 0 || v >= len(s.c.domSize) {
		return fmt.Errorf("variable %d not in [0,%d): %w", v, len(s.c.domSize), ErrOutOfRange)
	}
	if val < 0 || val >= int(s.c.domSize[v]) {
		return fmt.Errorf("value %d of variable %d (%q) not in [0,%d): %w", val, v, s.c.vars[v].Name, s.c.domSize[v], ErrOutOfRange)
	}
	return nil
}

// Assign records the user's choice var = val, replacing any earlier choice
// for var. Any value in the domain is accepted, even one that is not valid:
// ValidDomains then reports ErrInconsistent and Conflicts says what to drop.
func (s *Session) Assign(v, val int) error {
	if err := s.checkValue(v, val); err != nil {
		return fmt.Errorf("assign: %w", err)
	}
	s.choice[v] = int32(val)
	return nil
}

// Unassign removes the user's choice for v, if any.
func (s *Session) Unassign(v int) {
	if v >= 0 && v < len(s.choice) {
		s.choice[v] = -1
	}
}

// Choices returns the current choices, ordered by variable. The slice is a
// snapshot: plain data that SetChoices restores.
func (s *Session) Choices() []Choice {
	var cs []Choice
	for v, a := range s.choice {
		if a >= 0 {
			cs = append(cs, Choice{Var: v, Val: int(a)})
		}
	}
	return cs
}

// SetChoices replaces all choices by cs (for instance a snapshot taken with
// Choices, or an imported configuration). A later choice for the same
// variable wins.
func (s *Session) SetChoices(cs []Choice) error {
	for _, ch := range cs {
		if err := s.checkValue(ch.Var, ch.Val); err != nil {
			return fmt.Errorf("set choices: %w", err)
		}
	}
	for v := range s.choice {
		s.choice[v] = -1
	}
	for _, ch := range cs {
		s.choice[ch.Var] = int32(ch.Val)
	}
	return nil
}

// ValidDomains returns, for every variable, exactly the values (ascending)
// that some complete solution extending the current choices takes: offering
// only these never leads to a dead end, and every value withheld is
// impossible. A chosen variable's domain is its chosen value. If no solution
// extends the choices it returns ErrInconsistent.
func (s *Session) ValidDomains() ([][]int, error) {
	ent := s.valid()
	if !ent.sat {
		return nil, fmt.Errorf("valid domains: %w", ErrInconsistent)
	}
	c := s.c
	out := make([][]int, len(c.domSize))
	total := 0
	for v := range c.domSize {
		for w := int32(0); w < c.domNW[v]; w++ {
			total += bits.OnesCount64(ent.valid[c.domOff[v]+w])
		}
	}
	flat := make([]int, 0, total)
	for v := range c.domSize {
		start := len(flat)
		flat = appendValues(flat, ent.valid[c.domOff[v]:c.domOff[v]+c.domNW[v]])
		out[v] = flat[start:len(flat):len(flat)]
	}
	return out, nil
}

// Consistent reports whether some complete solution extends the current
// choices.
func (s *Session) Consistent() bool { return s.valid().sat }

func appendValues(dst []int, words []uint64) []int {
	for w, x := range words {
		for ; x != 0; x &= x - 1 {
			dst = append(dst, w*64+bits.TrailingZeros64(x))
		}
	}
	return dst
}

// isSubset reports whether sorted choice list a is contained in sorted b.
func isSubset(a, b []Choice) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j].Var < x.Var {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
		j++
	}
	return true
}

// valid computes (or recalls) the valid domains for the current choices.
func (s *Session) valid() *validEntry {
	cs := s.Choices()
	for i := len(s.hist) - 1; i >= 0; i-- {
		if slices.Equal(s.hist[i].choices, cs) {
			h := s.hist[i]
			s.hist = append(slices.Delete(s.hist, i, i+1), h)
			return &s.hist[len(s.hist)-1]
		}
	}
	c := s.c
	root := c.rootValid()
	if len(cs) == 0 {
		return s.remember(validEntry{sat: root.sat, valid: root.valid})
	}
	if !root.sat {
		return s.remember(validEntry{choices: cs})
	}
	// Results for fewer choices bound this one from above; results for more
	// choices are solutions of this one too.
	restrict := slices.Clone(root.valid)
	var known []uint64
	for i := range s.hist {
		h := &s.hist[i]
		switch {
		case !h.sat && isSubset(h.choices, cs):
			return s.remember(validEntry{choices: cs})
		case h.sat && isSubset(h.choices, cs):
			for k := range restrict {
				restrict[k] &= h.valid[k]
			}
		case h.sat && isSubset(cs, h.choices):
			if known == nil {
				known = make([]uint64, len(restrict))
			}
			for k := range known {
				known[k] |= h.valid[k]
			}
		}
	}
	valid, sat, found := s.engine().computeValid(cs, restrict, known, root.pool, s.pool)
	for _, sol := range found {
		s.addSolution(sol)
	}
	return s.remember(validEntry{choices: cs, sat: sat, valid: valid})
}

func (s *Session) remember(v validEntry) *validEntry {
	if len(s.hist) == histSize {
		s.hist = slices.Delete(s.hist, 0, 1)
	}
	s.hist = append(s.hist, v)
	return &s.hist[len(s.hist)-1]
}

func (s *Session) addSolution(sol []int32) {
	if len(s.pool) < poolSize {
		s.pool = append(s.pool, sol)
		return
	}
	s.pool[s.poolPos] = sol
	s.poolPos = (s.poolPos + 1) % poolSize
}

// compatible reports whether solution sol agrees with every choice.
func compatible(sol []int32, cs []Choice) bool {
	for _, ch := range cs {
		if sol[ch.Var] != int32(ch.Val) {
			return false
		}
	}
	return true
}

// rootValid computes, once, the valid domains with no choices, and from
// them the reduced copy of the model that sessions search.
func (c *Compiled) rootValid() *validResult {
	c.root.once.Do(func() {
		e := newEngine(c, nil, nil, false)
		valid, sat, found := e.computeValid(nil, nil, nil)
		c.root.res = validResult{sat: sat, valid: valid, pool: found}
		if sat {
			if r := c.reduced(valid); r != nil {
				c.root.search.Store(r)
			}
		}
	})
	return &c.root.res
}

type validResult struct {
	sat   bool
	valid []uint64
	pool  [][]int32
}
