package guide

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/formula"
)

// Errors a caller may branch on.
var (
	// ErrConflict: an answer, package or suggestion cannot be applied with
	// the choices or answers already made; a *ConflictError says which.
	ErrConflict = errors.New("conflicts with the choices already made")
	// ErrUnknownQuestion: the questionnaire has no such question.
	ErrUnknownQuestion = errors.New("unknown question")
	// ErrInvalidAnswer: the answer is not one the question takes.
	ErrInvalidAnswer = errors.New("invalid answer")
	// ErrNoProduct: the session configures no product (a questionnaire
	// that only recommends products).
	ErrNoProduct = errors.New("no product to configure")
	// ErrUnknownPackage: the product has no such package.
	ErrUnknownPackage = errors.New("unknown package")
	// ErrUnknownSuggestion: no suggestion of that ID is on offer.
	ErrUnknownSuggestion = errors.New("unknown suggestion")
	// ErrMissingInput: a selector input has no value and no default.
	ErrMissingInput = errors.New("missing selector input")
	// ErrUnknownInput: the selector has no input of that name.
	ErrUnknownInput = errors.New("unknown selector input")
	// ErrInvalidNeed: a need names no bound.
	ErrInvalidNeed = errors.New("invalid need")
)

// ConflictError is returned when an answer, a package or a suggestion
// cannot be applied; nothing is changed. Dropping the choices in Drop (and
// clearing the answers in Clear) makes it apply.
type ConflictError struct {
	// What names what was refused: "answer workload = database",
	// "package best", "suggestion nvme".
	What string
	// Drop is a minimal set of configuration choices to drop.
	Drop []configurator.Choice
	// Clear lists questions whose answers clash with it (their
	// requirements cannot hold together).
	Clear []string
	// Explanations say why each choice in Drop is in the way: the rules,
	// and the requirement refused among them.
	Explanations []*configurator.Explanation
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s conflicts with", e.What)
	var parts []string
	if len(e.Drop) > 0 {
		cs := make([]string, len(e.Drop))
		for i, c := range e.Drop {
			cs[i] = c.Var + " = " + c.Value
		}
		parts = append(parts, "the choice of "+strings.Join(cs, " and "))
	}
	if len(e.Clear) > 0 {
		parts = append(parts, "the answers to "+strings.Join(e.Clear, " and "))
	}
	if len(parts) == 0 {
		parts = append(parts, "the rules")
	}
	b.WriteString(" " + strings.Join(parts, " and "))
	var msgs []string
	for _, ex := range e.Explanations {
		for _, r := range ex.Rules {
			msg := r.Message.In("en")
			if msg == "" {
				msg = r.ID
			}
			if !slices.Contains(msgs, msg) {
				msgs = append(msgs, msg)
			}
		}
	}
	if len(msgs) > 0 {
		b.WriteString(": " + strings.Join(msgs, "; "))
	}
	return b.String()
}

// Unwrap makes a ConflictError match ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// maxCachedModels bounds the models with requirements a Guide keeps.
const maxCachedModels = 512

// Guide is the guided-selling data of one catalog version, compiled once:
// questionnaires, packages, suggestion rules, capabilities and selectors,
// with the configuration models of the products they concern. It is safe
// for concurrent use.
type Guide struct {
	cat *catalog.Catalog

	questionnaires map[string]*questionnaire

	// facts are the product facts fits formulas read, built once.
	factsOnce sync.Once
	facts     map[*catalog.Product][]fact
	capVars   []string

	mu     sync.Mutex
	models map[string]*modelEntry
	// required caches models with requirements by product and
	// requirement set.
	required map[string]*configurator.Model
}

type modelEntry struct {
	once  sync.Once
	model *configurator.Model
	err   error
}

// New compiles the guided-selling data of a checked catalog. Configuration
// models are compiled when first needed.
func New(cat *catalog.Catalog) (*Guide, error) {
	g := &Guide{cat: cat, questionnaires: map[string]*questionnaire{}, models: map[string]*modelEntry{}, required: map[string]*configurator.Model{}}
	for _, q := range cat.Questionnaires {
		qn, err := compileQuestionnaire(cat, q)
		if err != nil {
			return nil, err
		}
		g.questionnaires[q.ID] = qn
	}
	return g, nil
}

// Catalog returns the catalog version the guide was compiled from.
func (g *Guide) Catalog() *catalog.Catalog { return g.cat }

// Model returns the configuration model of a product, compiled once.
func (g *Guide) Model(sku string) (*configurator.Model, error) {
	g.mu.Lock()
	e, ok := g.models[sku]
	if !ok {
		e = &modelEntry{}
		g.models[sku] = e
	}
	g.mu.Unlock()
	e.once.Do(func() {
		m, err := configurator.Compile(g.cat, sku)
		if err == nil {
			// The same model, keeping its solver model, so that adding
			// requirements does not rebuild it from the catalog each time.
			m, err = m.Require()
		}
		e.model, e.err = m, err
	})
	return e.model, e.err
}

// require returns base with the requirements, from the cache when the same
// set was asked for before.
func (g *Guide) require(base *configurator.Model, reqs []configurator.Requirement) (*configurator.Model, error) {
	if len(reqs) == 0 {
		return base, nil
	}
	key := requirementKey(base.Name(), reqs)
	g.mu.Lock()
	m, ok := g.required[key]
	g.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := base.Require(reqs...)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	if len(g.required) >= maxCachedModels {
		clear(g.required)
	}
	g.required[key] = m
	g.mu.Unlock()
	return m, nil
}

// requirementKey identifies a requirement set regardless of order.
func requirementKey(product string, reqs []configurator.Requirement) string {
	parts := make([]string, len(reqs))
	for i, r := range reqs {
		parts[i] = r.Rule.ID + "\x00" + r.Var + "\x00" + strings.Join(r.Values, "\x01")
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	return product + "\x02" + strings.Join(parts, "\x02")
}

// evalBool evaluates a condition; one that cannot be evaluated (it reads an
// unanswered question or a fact not given) is false.
func evalBool(e *catalog.Expr, vars formula.Vars) bool {
	p := e.Program()
	if p == nil {
		return true
	}
	ok, err := p.EvalBool(vars)
	return err == nil && ok
}

// configVars are a configuration's values as configuration formulas read
// them.
func configVars(m *configurator.Model, c configurator.Configuration, into formula.Vars) {
	kinds := map[string]configurator.Variable{}
	for _, v := range m.Variables() {
		kinds[v.ID] = v
	}
	for _, ch := range c.Values {
		v, ok := kinds[ch.Var]
		if !ok {
			continue
		}
		into[ch.Var] = formulaValue(v, ch.Value)
	}
}

func formulaValue(v configurator.Variable, value string) any {
	switch v.Kind {
	case configurator.KindOption:
		return value == "true"
	case configurator.KindQuantity:
		return decimalOf(value)
	}
	if v.Attribute == nil {
		return value
	}
	switch v.Attribute.Type {
	case catalog.AttrBoolean:
		return value == "true"
	case catalog.AttrInteger, catalog.AttrDecimal:
		return decimalOf(value)
	}
	return value
}
