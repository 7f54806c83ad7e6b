package guide

import (
	"maps"
	"slices"

	"github.com/cpqkit/cpq/configurator"
)

// State is what a session holds as plain, serialisable data: the
// configuration choices (option quantities among them, as qty.<option>),
// the answers given, the suggestions accepted or dismissed and the
// products they added. A host that keeps sessions between requests stores
// it and restores it into a fresh session of the same product and
// questionnaire (Restore).
type State struct {
	Choices   []configurator.Choice       `json:"choices"`
	Answers   []Answer                    `json:"answers,omitempty"`
	Decisions map[string]SuggestionStatus `json:"decisions,omitempty"`
	Additions []Addition                  `json:"additions,omitempty"`
}

// State returns the session's state as data.
func (s *Session) State() State {
	st := State{Choices: s.Choices(), Answers: s.Answers(), Additions: slices.Clone(s.additions)}
	if len(s.decided) > 0 {
		st.Decisions = maps.Clone(s.decided)
	}
	return st
}

// Restore replaces the session's answers, choices, suggestion decisions
// and additions with a state's, as one change. Each answer is checked as
// Answer checks it (ErrUnknownQuestion, ErrInvalidAnswer), and the answers
// must hold together (else a *ConflictError listing those to clear).
// Choices are taken as configurator.Session.Restore takes them: unknown
// variables or values are refused, and choices that conflict (with each
// other or with the answers' requirements, say under a newer catalog) are
// kept, ValidDomains then reporting configurator.ErrInconsistent. On error
// nothing changes.
func (s *Session) Restore(st State) error {
	answers := map[string]Answer{}
	for _, a := range st.Answers {
		qu, err := s.question(a.Question)
		if err != nil {
			return err
		}
		values := a.Options
		if a.Number != nil {
			values = []string{a.Number.String()}
		}
		checked, err := parseAnswer(qu, values)
		if err != nil {
			return err
		}
		answers[qu.q.ID] = checked
	}
	if len(st.Choices) > 0 {
		if err := s.needProduct(); err != nil {
			return err
		}
	}
	next := s.evaluate(answers)
	model, cs := s.model, s.cs
	if s.base != nil {
		m, err := s.g.require(s.base, next.reqs)
		if err != nil {
			return err
		}
		if len(next.reqs) > 0 && !consistent(m, nil) {
			return &ConflictError{What: "restoring the answers", Clear: s.clashingAnswers(answers, nil, "")}
		}
		ns := m.NewSession()
		if err := ns.Restore(configurator.Snapshot{Product: s.prod.SKU, Choices: st.Choices}); err != nil {
			return err
		}
		model, cs = m, ns
	}
	s.answers, s.st, s.model, s.cs = answers, next, model, cs
	s.decided = maps.Clone(st.Decisions)
	if s.decided == nil {
		s.decided = map[string]SuggestionStatus{}
	}
	s.additions = slices.Clone(st.Additions)
	return nil
}
