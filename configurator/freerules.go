package configurator

import (
	"errors"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/internal/csp"
	"github.com/cpqkit/cpq/formula"
)

// maxFreeCombinations bounds the combinations of finite variables that the
// rules on decimal and text attributes are checked over.
const maxFreeCombinations = 4096

// Rules that read decimal or text attributes are not compiled into the
// solver. Once every decimal and text attribute a rule reads has a value,
// the rule is a condition on the finite variables it reads; the session
// then reasons over the combinations of those variables' values that
// satisfy it, so that valid domains stay exact: a value is offered when
// some allowed combination, with the value, extends to a complete
// configuration.

// activeFreeRules returns the rules whose decimal and text attributes all
// have values, and the finite variables they read that are not chosen.
func (s *Session) activeFreeRules() (rules []*freeRule, open []int) {
	chosen := map[int]bool{}
	for _, c := range s.s.Choices() {
		chosen[c.Var] = true
	}
	seen := map[int]bool{}
	for i := range s.m.freeRules {
		fr := &s.m.freeRules[i]
		active := true
		for _, name := range fr.reads {
			if _, isFree := s.m.free[name]; isFree {
				if _, set := s.free[name]; !set {
					active = false
					break
				}
			}
		}
		if !active {
			continue
		}
		rules = append(rules, fr)
		for _, name := range fr.reads {
			if vi, ok := s.m.byID[name]; ok && !chosen[vi] && !seen[vi] {
				seen[vi] = true
				open = append(open, vi)
			}
		}
	}
	slices.Sort(open)
	return rules, open
}

// freeVars are the values of the set decimal and text attributes and the
// chosen finite variables, as formulas see them.
func (s *Session) freeVars() formula.Vars {
	vars := formula.Vars{}
	for name, v := range s.free {
		if s.m.free[name].Type == catalog.AttrDecimal {
			vars[name] = decimal.RequireFromString(v)
		} else {
			vars[name] = v
		}
	}
	for _, c := range s.s.Choices() {
		vars[s.m.vars[c.Var].id] = s.m.formulaValue(c.Var, c.Val)
	}
	return vars
}

// firstBroken returns the first rule that does not hold for vars.
func firstBroken(rules []*freeRule, vars formula.Vars) *freeRule {
	for _, fr := range rules {
		ok, err := fr.program.EvalBool(vars)
		if err != nil || !ok {
			return fr
		}
	}
	return nil
}

// forEachAllowed calls fn with the choices extended by each combination of
// the open variables' values (from plain valid domains) that satisfies the
// rules, until fn returns true. It reports whether fn did.
func (s *Session) forEachAllowed(rules []*freeRule, open []int, plain [][]int, fn func() bool) (bool, error) {
	combos := 1
	for _, vi := range open {
		combos *= len(plain[vi])
		if combos > maxFreeCombinations {
			return false, fmt.Errorf("%s: rules on decimal attributes range over more than %d combinations", s.m.name, maxFreeCombinations)
		}
	}
	vars := s.freeVars()
	idx := make([]int, len(open))
	defer func() {
		for _, vi := range open {
			s.s.Unassign(vi)
		}
	}()
	for combos > 0 {
		for i, vi := range open {
			val := plain[vi][idx[i]]
			vars[s.m.vars[vi].id] = s.m.formulaValue(vi, val)
			if err := s.s.Assign(vi, val); err != nil {
				return false, err
			}
		}
		if firstBroken(rules, vars) == nil && fn() {
			return true, nil
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(plain[open[i]]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	return false, nil
}

// validIndices returns the exact valid domains, honouring the rules on
// decimal and text attributes that have values.
func (s *Session) validIndices() ([][]int, error) {
	plain, err := s.s.ValidDomains()
	if err != nil {
		if errors.Is(err, csp.ErrInconsistent) {
			return nil, fmt.Errorf("%s: %w", s.m.name, ErrInconsistent)
		}
		return nil, err
	}
	rules, open := s.activeFreeRules()
	if len(rules) == 0 {
		return plain, nil
	}
	union := make([][]bool, len(plain))
	for vi := range plain {
		union[vi] = make([]bool, len(s.m.vars[vi].values))
	}
	any := false
	_, err = s.forEachAllowed(rules, open, plain, func() bool {
		dom, err := s.s.ValidDomains()
		if err != nil {
			return false
		}
		any = true
		for vi, vals := range dom {
			for _, x := range vals {
				union[vi][x] = true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if !any {
		return nil, fmt.Errorf("%s: the decimal and text values break %s: %w", s.m.name, ruleNames(rules), ErrInconsistent)
	}
	out := make([][]int, len(union))
	for vi, set := range union {
		out[vi] = []int{}
		for x, ok := range set {
			if ok {
				out[vi] = append(out[vi], x)
			}
		}
	}
	return out, nil
}

func ruleNames(rules []*freeRule) string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.rule.ID
	}
	return fmt.Sprint(names)
}

// completeFree completes the configuration under the rules on decimal and
// text attributes.
func (s *Session) completeFree(pref csp.Preference) ([]int, error) {
	rules, open := s.activeFreeRules()
	if len(rules) == 0 {
		return s.s.Complete(pref)
	}
	plain, err := s.s.ValidDomains()
	if err != nil {
		return nil, err
	}
	var sol []int
	found, err := s.forEachAllowed(rules, open, plain, func() bool {
		out, err := s.s.Complete(pref)
		if err != nil {
			return false
		}
		sol = out
		return true
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, csp.ErrInconsistent
	}
	return sol, nil
}

// freeExplanation explains a value that the solver allows but the rules on
// decimal and text attributes rule out: the set values those rules read,
// and the rules.
func (s *Session) freeExplanation(vi, val int) *Explanation {
	out := &Explanation{Var: s.m.vars[vi].id, Value: s.m.vars[vi].values[val]}
	rules, _ := s.activeFreeRules()
	vars := s.freeVars()
	vars[out.Var] = s.m.formulaValue(vi, val)
	seen := map[string]bool{}
	for _, fr := range rules {
		if !slices.Contains(fr.reads, out.Var) {
			continue
		}
		complete := true
		for _, name := range fr.reads {
			if _, ok := vars[name]; !ok {
				complete = false
			}
		}
		if complete {
			if ok, err := fr.program.EvalBool(vars); err == nil && ok {
				continue
			}
		}
		out.Rules = append(out.Rules, fr.rule)
		for _, name := range fr.reads {
			if v, ok := s.free[name]; ok && !seen[name] {
				seen[name] = true
				out.Choices = append(out.Choices, Choice{Var: name, Value: v})
			}
		}
	}
	return out
}
