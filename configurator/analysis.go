package configurator

import (
	"fmt"
	"strings"

	"github.com/cpqkit/cpq/catalog"
)

// The codes of static-analysis findings.
const (
	// CodeUnsatisfiable: the product has no valid configuration at all.
	CodeUnsatisfiable = "config.unsatisfiable"
	// CodeDeadValue: a value no valid configuration takes.
	CodeDeadValue = "config.dead-value"
	// CodeForced: a variable that takes the same value in every valid
	// configuration although its domain has others.
	CodeForced = "config.forced"
	// CodeRedundant: a constraint implied by the others, which never
	// binds.
	CodeRedundant = "config.redundant"
)

// Finding is one result of the static analysis of a model.
type Finding struct {
	Code string `json:"code"`
	// Var and Value name the variable and value concerned; Rule the
	// constraint, for redundant ones.
	Var   string `json:"var,omitempty"`
	Value string `json:"value,omitempty"`
	Rule  string `json:"rule,omitempty"`
	// Message explains the finding in words, naming the rules involved.
	Message string `json:"message"`
	// Pos is where the attribute, option or constraint is defined.
	Pos catalog.Pos `json:"-"`
}

// IsError reports whether the finding makes the product unusable (rather
// than pointing at a probable mistake).
func (f Finding) IsError() bool { return f.Code == CodeUnsatisfiable }

// Analyze checks the model for products that cannot be configured at all,
// values that can never be chosen, variables that are always forced to one
// value, and constraints that never bind. Retired values and the
// quantities of options are not reported on their own.
func (m *Model) Analyze() ([]Finding, error) {
	if !m.compiled.Satisfiable() {
		f := Finding{Code: CodeUnsatisfiable, Message: fmt.Sprintf("%s cannot be configured at all: no combination satisfies every rule", m.name)}
		if m.product != nil {
			f.Pos = m.product.Pos
		}
		s := m.NewSession()
		// The smallest set of rules in conflict shows through any dead
		// value's explanation with no choices made.
		for vi := range m.vars {
			if ex, err := s.explain(vi, 0); err == nil && len(ex.Rules) > 0 {
				f.Message += ": " + ruleList(ex.Rules)
				break
			}
		}
		return []Finding{f}, nil
	}
	var out []Finding
	s := m.NewSession()
	deadVar := map[int]bool{}
	for _, d := range m.compiled.DeadValues() {
		v := m.vars[d.Var]
		if v.kind == KindQuantity || m.retired(v, d.Val) {
			continue
		}
		ex, err := s.explain(d.Var, d.Val)
		if err != nil {
			return nil, err
		}
		deadVar[d.Var] = true
		msg := fmt.Sprintf("%s = %s can never be chosen", v.id, v.values[d.Val])
		if v.kind == KindOption {
			if v.values[d.Val] == "true" {
				msg = fmt.Sprintf("option %s can never be selected", v.id)
			} else {
				msg = fmt.Sprintf("option %s is always selected", v.id)
			}
		}
		if len(ex.Rules) > 0 {
			msg += ": " + ruleList(ex.Rules)
		}
		out = append(out, Finding{Code: CodeDeadValue, Var: v.id, Value: v.values[d.Val], Message: msg, Pos: m.varPos(v)})
	}
	for _, f := range m.compiled.ForcedValues() {
		v := m.vars[f.Var]
		if v.kind == KindQuantity || len(v.values) < 2 || m.activeValues(v) < 2 {
			continue
		}
		if v.option != nil && v.option.Required {
			continue
		}
		out = append(out, Finding{Code: CodeForced, Var: v.id, Value: v.values[f.Val],
			Message: fmt.Sprintf("%s is always %s", v.id, v.values[f.Val]), Pos: m.varPos(v)})
	}
	for i, r := range m.rules {
		if strings.Contains(r.ID, ":") { // rules the model adds itself
			continue
		}
		red, err := m.compiled.Redundant(i)
		if err != nil {
			return nil, err
		}
		if red {
			out = append(out, Finding{Code: CodeRedundant, Rule: r.ID,
				Message: fmt.Sprintf("rule %s never binds: the other rules already imply it", r.ID), Pos: m.rulePos(r.ID)})
		}
	}
	return out, nil
}

func ruleList(rs []Rule) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		msg := r.Message.In("en")
		if msg == "" || strings.Contains(r.ID, ":") {
			parts[i] = r.ID
			if msg != "" {
				parts[i] = msg
			}
			continue
		}
		parts[i] = fmt.Sprintf("%s (%s)", r.ID, msg)
	}
	return strings.Join(parts, "; ")
}

func (m *Model) retired(v modelVar, val int) bool {
	if v.attr == nil || v.attr.Type != catalog.AttrEnum {
		return false
	}
	return val < len(v.attr.Values) && v.attr.Values[val].Retired
}

func (m *Model) activeValues(v modelVar) int {
	n := 0
	for i := range v.values {
		if !m.retired(v, i) {
			n++
		}
	}
	return n
}

func (m *Model) varPos(v modelVar) catalog.Pos {
	switch {
	case v.attr != nil:
		return v.attr.Pos
	case v.option != nil:
		return v.option.Pos
	}
	return catalog.Pos{}
}

func (m *Model) rulePos(id string) catalog.Pos {
	if m.product == nil {
		return catalog.Pos{}
	}
	for _, c := range m.product.Constraints {
		if c.ID == id {
			return c.Pos
		}
	}
	return m.product.Pos
}
