package csp

import (
	"fmt"
	"slices"
)

// Preference ranks the values Complete tries. For each variable it tries,
// in order: the values listed in Order[v] (catalog default first), then the
// other values ranked by Score (higher first), ties and the no-Score case in
// domain order.
type Preference struct {
	// Order[v] lists preferred values of variable v, best first. Variables
	// at or beyond len(Order) have no listed values; out-of-range values are
	// ignored.
	Order [][]int
	// Score, when not nil, ranks values not listed in Order.
	Score func(v, val int) float64
}

// Complete extends the current choices to a full solution (one value per
// variable) and returns it. Variables are decided in index order, each
// taking its most preferred value that still extends to a solution, so the
// result is the lexicographically most preferred solution. It returns
// ErrInconsistent when no solution extends the choices.
func (s *Session) Complete(pref Preference) ([]int, error) {
	c := s.c
	order := make([][]int32, len(c.domSize))
	for v := range order {
		d := int(c.domSize[v])
		seen := make([]bool, d)
		var o []int32
		if v < len(pref.Order) {
			for _, a := range pref.Order[v] {
				if a >= 0 && a < d && !seen[a] {
					seen[a] = true
					o = append(o, int32(a))
				}
			}
		}
		start := len(o)
		for a := 0; a < d; a++ {
			if !seen[a] {
				o = append(o, int32(a))
			}
		}
		if pref.Score != nil {
			rest := o[start:]
			scores := make(map[int32]float64, len(rest))
			for _, a := range rest {
				scores[a] = pref.Score(v, int(a))
			}
			slices.SortStableFunc(rest, func(a, b int32) int {
				switch {
				case scores[a] > scores[b]:
					return -1
				case scores[a] < scores[b]:
					return 1
				}
				return 0
			})
		}
		order[v] = o
	}
	e := s.engine()
	e.backtrackTo(0)
	e.order, e.prefOrder, e.staticVar = orderPref, order, true
	r := e.solveUnder(s.Choices())
	e.order, e.prefOrder, e.staticVar = orderPhase, nil, false
	if r != resSat {
		return nil, fmt.Errorf("complete: %w", ErrInconsistent)
	}
	s.addSolution(slices.Clone(e.sol))
	out := make([]int, len(e.sol))
	for v, a := range e.sol {
		out[v] = int(a)
	}
	return out, nil
}
