package configurator

import (
	"fmt"
	"slices"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// Requirement restricts a variable to some of its values, as a rule that
// comes from outside the product's constraints: a questionnaire answer
// ("memory at least 256 GB"), a customer's technical need, a package being
// tried on. A session of a model made with Require honours it everywhere —
// valid domains, explanations (which name Rule), conflicts and completion —
// so exactness holds with the requirement as with any catalog rule.
type Requirement struct {
	// Rule names the requirement in explanations.
	Rule Rule
	// Var is a finite variable of the model; Values are the values it may
	// take.
	Var    string
	Values []string
}

// Require returns a model that is m with the requirements added as rules;
// m is not changed. Requirements of m itself (when m was made by Require)
// are kept. Sessions are moved between the two with Snapshot and Restore.
// A model made by Require keeps its solver model, so requiring more of it
// is cheaper than of a model compiled from the catalog: m.Require() with
// no requirements gives an equivalent model to start from.
//
// A requirement on an unknown variable fails with ErrUnknownVariable, one
// on a decimal or text attribute or with no values with ErrModel, and an
// unknown value with ErrUnknownValue.
func (m *Model) Require(reqs ...Requirement) (*Model, error) {
	plain, err := m.plainModel()
	if err != nil {
		return nil, err
	}
	next := &csp.Model{Name: plain.Name, Vars: plain.Vars, Constraints: slices.Clip(plain.Constraints)}
	rules := m.allRules(len(plain.Constraints))
	for _, r := range reqs {
		if _, free := m.free[r.Var]; free {
			return nil, fmt.Errorf("requirement %q: %s is a %s attribute without a finite domain: %w", r.Rule.ID, r.Var, m.free[r.Var].Type, ErrModel)
		}
		vi, ok := m.byID[r.Var]
		if !ok || m.vars[vi].hidden {
			return nil, fmt.Errorf("requirement %q: %w", r.Rule.ID, m.unknownVar(r.Var))
		}
		if len(r.Values) == 0 {
			return nil, fmt.Errorf("requirement %q allows no value of %s: %w", r.Rule.ID, r.Var, ErrModel)
		}
		lits := make([]csp.Lit, 0, len(r.Values))
		for _, val := range r.Values {
			x := indexOfValue(m.vars[vi].values, val)
			if x < 0 {
				return nil, fmt.Errorf("requirement %q: %q is not a value of %s: %w", r.Rule.ID, val, r.Var, ErrUnknownValue)
			}
			lits = append(lits, csp.Lit{Var: vi, Val: x})
		}
		next.Constraints = append(next.Constraints, csp.Constraint{
			Name: r.Rule.ID, Text: r.Rule.Message.In("en"), Kind: csp.KindClause, Lits: lits,
		})
		rules = append(rules, r.Rule)
	}
	compiled, err := csp.Compile(next)
	if err != nil {
		return nil, fmt.Errorf("%s with requirements: %w: %w", m.name, ErrModel, err)
	}
	out := *m
	out.compiled = compiled
	out.rules = rules
	out.source = next
	return &out, nil
}

// plainModel returns the solver model m was compiled from: kept for
// imported and required models, rebuilt from the catalog otherwise.
func (m *Model) plainModel() (*csp.Model, error) {
	if m.source != nil {
		return m.source, nil
	}
	if m.product == nil {
		return nil, fmt.Errorf("%s has no source model: %w", m.name, ErrModel)
	}
	b := &builder{m: &Model{catalog: m.catalog, product: m.product, name: m.name, byID: map[string]int{}, free: map[string]*catalog.Attribute{}}, cat: m.catalog}
	if err := b.build(); err != nil {
		return nil, err
	}
	if len(b.m.vars) != len(m.vars) || len(b.m.rules) != len(m.rules) {
		return nil, fmt.Errorf("%s: the rebuilt model differs from the compiled one: %w", m.name, ErrModel)
	}
	return &b.model, nil
}

// allRules returns the rules of the model's n solver constraints, one per
// constraint, in a new slice.
func (m *Model) allRules(n int) []Rule {
	out := make([]Rule, 0, n+4)
	for i := range n {
		out = append(out, m.rule(i))
	}
	return out
}
