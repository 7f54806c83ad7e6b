package configurator

import (
	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
)

// maxIntervalCombinations bounds the combinations of open finite variables
// over which a decimal parameter's interval is computed.
const maxIntervalCombinations = 4096

// bisectSteps bounds the bisection that finds an interval end.
const bisectSteps = 200

// decimalInterval returns the interval of values of the decimal attribute a
// that the expression constraints still allow, given the choices. The
// answer is exact when the constraints on a are bounds (the allowed values
// form one interval for each combination of the other variables): each end
// is found by bisection to the attribute's step (or 0.001), over the
// attribute's declared range. Other decimal and text attributes the rules
// read must be set for the rule to count. It returns ok=false when no value
// in the range is allowed.
func (s *Session) decimalInterval(a *catalog.Attribute) (lo, hi *decimal.Decimal, ok bool) {
	lo, hi = a.Min, a.Max
	var rules []*freeRule
	for i := range s.m.freeRules {
		fr := &s.m.freeRules[i]
		for _, r := range fr.reads {
			if r == a.ID {
				rules = append(rules, fr)
				break
			}
		}
	}
	if len(rules) == 0 || a.Min == nil || a.Max == nil {
		return lo, hi, true
	}
	// The open finite variables the rules read range over their valid
	// values; every other variable has its value.
	dom, err := s.validIndices()
	if err != nil {
		return lo, hi, true
	}
	fixed := formula.Vars{}
	var open []int
	seen := map[string]bool{}
	for _, fr := range rules {
		for _, name := range fr.reads {
			if seen[name] || name == a.ID {
				continue
			}
			seen[name] = true
			if fa, isFree := s.m.free[name]; isFree {
				v, set := s.free[name]
				if !set {
					continue
				}
				if fa.Type == catalog.AttrDecimal {
					fixed[name] = decimal.RequireFromString(v)
				} else {
					fixed[name] = v
				}
				continue
			}
			vi := s.m.byID[name]
			if len(dom[vi]) == 1 {
				fixed[name] = s.m.formulaValue(vi, dom[vi][0])
			} else {
				open = append(open, vi)
			}
		}
	}
	combos := 1
	for _, vi := range open {
		combos *= len(dom[vi])
		if combos > maxIntervalCombinations {
			return a.Min, a.Max, true
		}
	}
	step := decimal.New(1, -3)
	if a.Step != nil {
		step = *a.Step
	}
	var hullLo, hullHi *decimal.Decimal
	idx := make([]int, len(open))
	for {
		vars := formula.Vars{}
		for k, v := range fixed {
			vars[k] = v
		}
		for i, vi := range open {
			vars[s.m.vars[vi].id] = s.m.formulaValue(vi, dom[vi][idx[i]])
		}
		allowed := func(x decimal.Decimal) bool {
			vars[a.ID] = x
			for _, fr := range rules {
				complete := true
				for _, name := range fr.reads {
					if _, ok := vars[name]; !ok {
						complete = false
						break
					}
				}
				if !complete {
					continue
				}
				if ok, err := fr.program.EvalBool(vars); err != nil || !ok {
					return false
				}
			}
			return true
		}
		if l, h, found := interval(*a.Min, *a.Max, step, allowed); found {
			if hullLo == nil || l.LessThan(*hullLo) {
				hullLo = &l
			}
			if hullHi == nil || h.GreaterThan(*hullHi) {
				hullHi = &h
			}
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(dom[open[i]]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	if hullLo == nil {
		return nil, nil, false
	}
	return hullLo, hullHi, true
}

// interval finds the allowed interval within [min, max] for a predicate
// that holds on one interval: first a point where it holds (the ends, then
// a grid), then each end by bisection to the step.
func interval(min, max, step decimal.Decimal, allowed func(decimal.Decimal) bool) (lo, hi decimal.Decimal, ok bool) {
	var inside decimal.Decimal
	found := false
	switch {
	case allowed(min):
		inside, found = min, true
	case allowed(max):
		inside, found = max, true
	default:
		const grid = 256
		span := max.Sub(min)
		for k := 1; k < grid && !found; k++ {
			x := snap(min.Add(span.Mul(decimal.NewFromInt(int64(k))).DivRound(decimal.NewFromInt(grid), 28)), min, step)
			if x.GreaterThan(min) && x.LessThan(max) && allowed(x) {
				inside, found = x, true
			}
		}
	}
	if !found {
		return lo, hi, false
	}
	// Lower end: the smallest allowed value, between min and inside.
	lo = inside
	if !allowed(min) {
		bad, good := min, inside
		for i := 0; i < bisectSteps && good.Sub(bad).GreaterThan(step); i++ {
			mid := snap(bad.Add(good).DivRound(decimal.NewFromInt(2), 28), min, step)
			if mid.LessThanOrEqual(bad) || mid.GreaterThanOrEqual(good) {
				break
			}
			if allowed(mid) {
				good = mid
			} else {
				bad = mid
			}
		}
		lo = good
	} else {
		lo = min
	}
	if allowed(max) {
		hi = max
	} else {
		good, bad := inside, max
		for i := 0; i < bisectSteps && bad.Sub(good).GreaterThan(step); i++ {
			mid := snap(good.Add(bad).DivRound(decimal.NewFromInt(2), 28), min, step)
			if mid.LessThanOrEqual(good) || mid.GreaterThanOrEqual(bad) {
				break
			}
			if allowed(mid) {
				good = mid
			} else {
				bad = mid
			}
		}
		hi = good
	}
	return lo, hi, true
}

// snap rounds x down to the grid min + k·step.
func snap(x, min, step decimal.Decimal) decimal.Decimal {
	k := x.Sub(min).DivRound(step, 28).Floor()
	return min.Add(k.Mul(step))
}
