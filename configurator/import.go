package configurator

import (
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/internal/csp"
	"github.com/cpqkit/cpq/configurator/internal/modelio"
)

// ErrImport is wrapped by every error of the importers.
var ErrImport = errors.New("cannot import model")

// ImportDIMACS reads a propositional model in DIMACS CNF (the format of
// public feature-model benchmarks): every variable becomes a feature with
// the values "false" and "true" (named by FeatureIDE-style "c N name"
// comments when present), every clause a rule.
func ImportDIMACS(r io.Reader, name string) (*Model, error) {
	m, err := modelio.ReadDIMACS(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrImport, err)
	}
	return newImported(name, m, len(m.Vars), true)
}

// ImportUVL reads a feature model in the Universal Variability Language:
// every feature becomes a variable with the values "false" and "true";
// groups, mandatory features and cross-tree constraints become rules.
// Auxiliary variables of the encoding are hidden.
func ImportUVL(r io.Reader, name string) (*Model, error) {
	fm, err := modelio.ReadUVL(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrImport, err)
	}
	return newImported(name, fm.Model, len(fm.Features), true)
}

// ImportXCSP reads a constraint model in the XCSP 2.1 format with
// extensional constraints (tables of supports or conflicts), such as the
// published automotive configuration benchmarks.
func ImportXCSP(r io.Reader, name string) (*Model, error) {
	m, err := modelio.ReadXCSP(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrImport, err)
	}
	return newImported(name, m, len(m.Vars), false)
}

// newImported compiles an imported model. Variables from visible on are
// auxiliary: determined by the others and hidden from users.
func newImported(name string, cm *csp.Model, visible int, cnf bool) (*Model, error) {
	m := &Model{name: name, byID: map[string]int{}, free: map[string]*catalog.Attribute{}, cnf: cnf, source: cm}
	for i, v := range cm.Vars {
		id := v.Name
		if _, dup := m.byID[id]; dup || id == "" {
			id = fmt.Sprintf("%s#%d", v.Name, i+1)
		}
		m.vars = append(m.vars, modelVar{id: id, kind: KindFeature, values: v.Values, def: -1, hidden: i >= visible})
		m.byID[id] = i
	}
	compiled, err := csp.Compile(cm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrImport, err)
	}
	m.compiled = compiled
	return m, nil
}

// countCNF counts the solutions of a propositional model under the choices
// with the component-caching model counter, which handles large feature
// models that plain search cannot.
func (m *Model) countCNF(choices []csp.Choice, budget int) (*big.Int, error) {
	assume := make([]csp.Lit, len(choices))
	for i, c := range choices {
		assume[i] = csp.Lit{Var: c.Var, Val: c.Val}
	}
	n, err := modelio.CountCNF(m.source, modelio.CountOptions{Assume: assume, MaxNodes: int64(budget)})
	if err != nil {
		if errors.Is(err, modelio.ErrBudgetExceeded) {
			return nil, fmt.Errorf("count %s: %w", m.name, ErrBudgetExceeded)
		}
		return nil, fmt.Errorf("count %s: %w", m.name, err)
	}
	return n, nil
}
