package guide

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/formula"
)

// Options say what a session guides.
type Options struct {
	// Product is the SKU of the product configured; empty means the
	// questionnaire's product.
	Product string
	// Questionnaire is the ID of the questionnaire asked, if any.
	Questionnaire string
	// Facts are the context facts formulas read (customer.segment,
	// quote.currency, …; see catalog.GuideFacts).
	Facts formula.Vars
	// Suggestions adds the host's own suggestions (products often bought
	// together) to the catalog's rules.
	Suggestions SuggestionSource
}

// Session is one salesperson's guided configuration: the configuration of
// a product, the answers given to a questionnaire, and the suggestions
// accepted or dismissed. It is not safe for concurrent use.
type Session struct {
	g     *Guide
	qn    *questionnaire
	prod  *catalog.Product
	facts formula.Vars

	// base is the product's model; model is base with the requirements of
	// the answers in force, and cs the configuration on it.
	base  *configurator.Model
	model *configurator.Model
	cs    *configurator.Session

	answers map[string]Answer
	st      *state

	// fitMemo remembers which products the filters let through, by
	// fitKey.
	fitMemo map[string]map[string]bool

	decided   map[string]SuggestionStatus
	additions []Addition
	source    SuggestionSource
}

// NewSession starts a guided session.
func (g *Guide) NewSession(opts Options) (*Session, error) {
	s := &Session{g: g, facts: maps.Clone(opts.Facts), answers: map[string]Answer{}, decided: map[string]SuggestionStatus{},
		source: opts.Suggestions, fitMemo: map[string]map[string]bool{}}
	if s.facts == nil {
		s.facts = formula.Vars{}
	}
	sku := opts.Product
	if opts.Questionnaire != "" {
		qn, ok := g.questionnaires[opts.Questionnaire]
		if !ok {
			return nil, fmt.Errorf("questionnaire %q in catalog %s@%s: %w", opts.Questionnaire, g.cat.ID, g.cat.Version, catalog.ErrNotFound)
		}
		s.qn = qn
		if sku == "" && qn.prod != nil {
			sku = qn.prod.SKU
		}
		if qn.prod != nil && sku != qn.prod.SKU {
			return nil, fmt.Errorf("questionnaire %q configures %s, not %s: %w", qn.q.ID, qn.prod.SKU, sku, ErrNoProduct)
		}
	}
	if sku != "" {
		p, err := g.cat.Product(sku)
		if err != nil {
			return nil, fmt.Errorf("start session: %w", err)
		}
		s.prod = p
		if s.base, err = g.Model(sku); err != nil {
			return nil, err
		}
		s.model = s.base
		s.cs = s.base.NewSession()
	}
	s.st = s.evaluate(s.answers)
	if s.cs != nil && len(s.st.reqs) > 0 {
		// Rules on facts alone (a customer segment) may hold already.
		if err := s.switchModel(s.st, "the context"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// evaluate works out the state of answers (an empty state without a
// questionnaire).
func (s *Session) evaluate(answers map[string]Answer) *state {
	if s.qn == nil {
		return &state{vars: maps.Clone(s.facts), visible: map[string]bool{}}
	}
	return s.qn.evaluate(answers, s.facts)
}

// Product returns the product configured, or nil.
func (s *Session) Product() *catalog.Product { return s.prod }

// Configurator returns the configuration session, which holds the product's
// rules and the requirements of the answers in force. It is replaced when
// answers change; take it anew after each answer.
func (s *Session) Configurator() *configurator.Session { return s.cs }

func (s *Session) needProduct() error {
	if s.cs == nil {
		return ErrNoProduct
	}
	return nil
}

// Set chooses a value, as configurator.Session.Set does; a value ruled out
// by the answers is refused with an explanation naming them.
func (s *Session) Set(id, value string) error {
	if err := s.needProduct(); err != nil {
		return err
	}
	return s.cs.Set(id, value)
}

// Unset withdraws a choice.
func (s *Session) Unset(id string) error {
	if err := s.needProduct(); err != nil {
		return err
	}
	return s.cs.Unset(id)
}

// Drop withdraws the choices that are still made as given (the Drop of a
// ConflictError), as one change.
func (s *Session) Drop(choices []configurator.Choice) error {
	if err := s.needProduct(); err != nil {
		return err
	}
	cur := s.cs.Choices()
	kept := slices.DeleteFunc(slices.Clone(cur), func(c configurator.Choice) bool { return slices.Contains(choices, c) })
	if len(kept) == len(cur) {
		return nil
	}
	return s.cs.Restore(configurator.Snapshot{Product: s.prod.SKU, Choices: kept})
}

// Choices returns the configuration choices made.
func (s *Session) Choices() []configurator.Choice {
	if s.cs == nil {
		return nil
	}
	return s.cs.Choices()
}

// ValidDomains returns the values still possible with the choices and the
// answers.
func (s *Session) ValidDomains() ([]configurator.Domain, error) {
	if err := s.needProduct(); err != nil {
		return nil, err
	}
	return s.cs.ValidDomains()
}

// Explain says why a value is not available: the choices and the rules,
// answers among them.
func (s *Session) Explain(id, value string) (*configurator.Explanation, error) {
	if err := s.needProduct(); err != nil {
		return nil, err
	}
	return s.cs.Explain(id, value)
}

// Complete completes the configuration under the choices and the answers.
func (s *Session) Complete(strategy configurator.Strategy) (configurator.Configuration, error) {
	if err := s.needProduct(); err != nil {
		return configurator.Configuration{}, err
	}
	return s.cs.Complete(strategy)
}

// Snapshot returns the configuration choices as data.
func (s *Session) Snapshot() configurator.Snapshot {
	if s.cs == nil {
		return configurator.Snapshot{}
	}
	return s.cs.Snapshot()
}

// Reuse replaces the configuration by an earlier one (from an earlier
// quote line, possibly under an older catalog version), revalidated against
// the product's current rules and the answers given: every choice still
// valid is kept, each dropped one is reported with its reason.
func (s *Session) Reuse(snap configurator.Snapshot) (*configurator.Revalidation, error) {
	if err := s.needProduct(); err != nil {
		return nil, err
	}
	cs, rv, err := configurator.Revalidate(s.model, snap)
	if err != nil {
		return nil, err
	}
	s.cs = cs
	return rv, nil
}

// Answers returns the answers given, in question order.
func (s *Session) Answers() []Answer {
	var out []Answer
	if s.qn == nil {
		return nil
	}
	for _, qu := range s.qn.questions {
		if a, ok := s.answers[qu.q.ID]; ok {
			out = append(out, a)
		}
	}
	return out
}

// Answer answers a question, or changes its answer: option IDs for a
// choice question, yes or no, or a number (with a unit, converted to the
// question's: "2 t" for a question in kg). An answer whose requirements
// conflict with the configuration choices, or with other answers, is
// refused with a *ConflictError and nothing changes.
func (s *Session) Answer(questionID string, values ...string) error {
	qu, err := s.question(questionID)
	if err != nil {
		return err
	}
	a, err := parseAnswer(qu, values)
	if err != nil {
		return err
	}
	next := maps.Clone(s.answers)
	next[qu.q.ID] = a
	return s.setAnswers(next, fmt.Sprintf("answer %s = %s", qu.q.ID, a), qu.q.ID)
}

// Clear withdraws the answer to a question.
func (s *Session) Clear(questionID string) error {
	qu, err := s.question(questionID)
	if err != nil {
		return err
	}
	if _, ok := s.answers[qu.q.ID]; !ok {
		return nil
	}
	next := maps.Clone(s.answers)
	delete(next, qu.q.ID)
	return s.setAnswers(next, "clearing "+qu.q.ID, "")
}

func (s *Session) question(id string) (*question, error) {
	if s.qn == nil {
		return nil, fmt.Errorf("question %q: the session has no questionnaire: %w", id, ErrUnknownQuestion)
	}
	qu, ok := s.qn.byID[id]
	if !ok {
		return nil, fmt.Errorf("questionnaire %s has no question %q: %w", s.qn.q.ID, id, ErrUnknownQuestion)
	}
	return qu, nil
}

// setAnswers puts answers in force, moving the configuration onto the
// model with their requirements, or refuses them.
func (s *Session) setAnswers(answers map[string]Answer, what, keep string) error {
	st := s.evaluate(answers)
	if s.cs != nil {
		if err := s.switchModel(st, what); err != nil {
			var ce *ConflictError
			if errors.As(err, &ce) {
				ce.Clear = s.clashingAnswers(answers, nil, keep)
				if len(ce.Clear) > 0 {
					ce.Drop, ce.Explanations = s.choicesInWay(s.evaluate(without(answers, ce.Clear)).reqs, nil, s.cs.Choices())
				}
			}
			return err
		}
	}
	s.answers = answers
	s.st = st
	return nil
}

func without(answers map[string]Answer, clear []string) map[string]Answer {
	out := maps.Clone(answers)
	for _, q := range clear {
		delete(out, q)
	}
	return out
}

// switchModel moves the configuration choices onto the model with the
// state's requirements; when they do not hold there it returns a
// *ConflictError and changes nothing.
func (s *Session) switchModel(st *state, what string) error {
	m, err := s.g.require(s.base, st.reqs)
	if err != nil {
		return err
	}
	if m == s.model {
		return nil
	}
	ns := m.NewSession()
	if err := ns.Restore(s.cs.Snapshot()); err != nil {
		return err
	}
	if _, err := ns.ValidDomains(); err != nil {
		if !errors.Is(err, configurator.ErrInconsistent) {
			return err
		}
		ce := &ConflictError{What: what}
		ce.Drop, ce.Explanations = s.choicesInWay(st.reqs, nil, s.cs.Choices())
		return ce
	}
	s.model, s.cs = m, ns
	return nil
}

// consistent reports whether the choices have a valid completion on m.
func consistent(m *configurator.Model, choices []configurator.Choice) bool {
	ns := m.NewSession()
	if err := ns.Restore(configurator.Snapshot{Product: m.Name(), Choices: choices}); err != nil {
		return false
	}
	_, err := ns.ValidDomains()
	return err == nil
}

// choicesInWay returns a minimal set of the choices to drop so that they
// hold with the requirements (those of answers and extra ones), and why
// each is in the way. Both are empty when the requirements cannot hold
// even without choices.
func (s *Session) choicesInWay(reqs, extra []configurator.Requirement, choices []configurator.Choice) ([]configurator.Choice, []*configurator.Explanation) {
	m, err := s.g.require(s.base, append(slices.Clone(reqs), extra...))
	if err != nil {
		return nil, nil
	}
	ns := m.NewSession()
	if err := ns.Restore(configurator.Snapshot{Product: m.Name(), Choices: choices}); err != nil {
		return nil, nil
	}
	drop, err := ns.Conflicts()
	if err != nil || len(drop) == 0 {
		return nil, nil
	}
	kept := slices.DeleteFunc(slices.Clone(choices), func(c configurator.Choice) bool { return slices.Contains(drop, c) })
	if err := ns.Restore(configurator.Snapshot{Product: m.Name(), Choices: kept}); err != nil {
		return drop, nil
	}
	var exs []*configurator.Explanation
	for _, d := range drop {
		if ex, err := ns.Explain(d.Var, d.Value); err == nil {
			exs = append(exs, ex)
		}
	}
	return drop, exs
}

// clashingAnswers returns a minimal set of answered questions whose answers
// must be cleared for the requirements of answers (and extra ones) to hold
// together without any choice; the answer to keep stays. It is empty when
// they hold, or when clearing answers does not help.
func (s *Session) clashingAnswers(answers map[string]Answer, extra []configurator.Requirement, keep string) []string {
	if s.qn == nil {
		return nil
	}
	ok := func(a map[string]Answer) bool {
		m, err := s.g.require(s.base, append(s.evaluate(a).reqs, extra...))
		return err == nil && consistent(m, nil)
	}
	if ok(answers) {
		return nil
	}
	var others []string
	for _, qu := range s.qn.questions {
		if _, given := answers[qu.q.ID]; given && qu.q.ID != keep {
			others = append(others, qu.q.ID)
		}
	}
	if !ok(without(answers, others)) {
		return nil
	}
	// Deletion filter: keep each answer that can be kept.
	clear := slices.Clone(others)
	for _, q := range others {
		try := slices.DeleteFunc(slices.Clone(clear), func(x string) bool { return x == q })
		if ok(without(answers, try)) {
			clear = try
		}
	}
	return clear
}
