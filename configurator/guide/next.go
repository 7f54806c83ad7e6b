package guide

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

// Prompt is a question to ask now, with the answers that can be given.
type Prompt struct {
	Step     *catalog.Step
	Question *catalog.Question
	// Options are the answers of a choice or yes/no question, in catalog
	// order (yes before no).
	Options []OptionState
}

// OptionState is one answer of a prompt.
type OptionState struct {
	ID   string       `json:"id"`
	Text catalog.Text `json:"text"`
	// Available is false for an answer whose requirements cannot hold
	// with the choices and answers already made; Conflict says what is in
	// the way.
	Available bool           `json:"available"`
	Conflict  *ConflictError `json:"-"`
}

// QuestionStatus says where a question stands.
type QuestionStatus string

// The statuses of a question.
const (
	// StatusAnswered: answered, and visible.
	StatusAnswered QuestionStatus = "answered"
	// StatusOpen: visible, not answered, and its answer can change
	// something.
	StatusOpen QuestionStatus = "open"
	// StatusSkipped: visible and not answered, but no answer could change
	// anything now (its variable is already settled, say).
	StatusSkipped QuestionStatus = "skipped"
	// StatusHidden: its visibility condition does not hold (an answer it
	// has is then not in force).
	StatusHidden QuestionStatus = "hidden"
)

// QuestionState is a question of the questionnaire with its status.
type QuestionState struct {
	Step     string         `json:"step"`
	Question string         `json:"question"`
	Status   QuestionStatus `json:"status"`
	Answer   *Answer        `json:"answer,omitempty"`
}

// Next returns the next question to ask: the first, in step order, that
// is visible, not answered, and whose answer can still change something —
// the configuration's possible values, the products that fit, the scores,
// or the questions asked next. It returns nil when none is left.
func (s *Session) Next() (*Prompt, error) {
	if s.qn == nil {
		return nil, nil
	}
	r, err := s.newRelevance()
	if err != nil {
		return nil, err
	}
	for _, qu := range s.qn.questions {
		if !s.st.visible[qu.q.ID] {
			continue
		}
		if _, answered := s.answers[qu.q.ID]; answered {
			continue
		}
		if p := r.prompt(qu); p != nil {
			return p, nil
		}
	}
	return nil, nil
}

// Questions returns every question with its status, in order.
func (s *Session) Questions() ([]QuestionState, error) {
	if s.qn == nil {
		return nil, nil
	}
	r, err := s.newRelevance()
	if err != nil {
		return nil, err
	}
	out := make([]QuestionState, 0, len(s.qn.questions))
	for _, qu := range s.qn.questions {
		qs := QuestionState{Step: qu.step.ID, Question: qu.q.ID}
		a, answered := s.answers[qu.q.ID]
		if answered {
			qs.Answer = &a
		}
		switch {
		case !s.st.visible[qu.q.ID]:
			qs.Status = StatusHidden
		case answered:
			qs.Status = StatusAnswered
		case r.prompt(qu) != nil:
			qs.Status = StatusOpen
		default:
			qs.Status = StatusSkipped
		}
		out = append(out, qs)
	}
	return out, nil
}

// relevance decides whether a question's answer can change anything, from
// the current state.
type relevance struct {
	s *Session
	// domains are the values still possible, by variable.
	domains map[string][]string
	// current identifies the requirements in force.
	current map[string]bool
}

func (s *Session) newRelevance() (*relevance, error) {
	r := &relevance{s: s, domains: map[string][]string{}, current: map[string]bool{}}
	if s.cs != nil {
		ds, err := s.cs.ValidDomains()
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Values != nil {
				r.domains[d.Var] = d.Values
			}
		}
	}
	for _, q := range s.st.reqs {
		r.current[reqID(q)] = true
	}
	return r, nil
}

func reqID(r configurator.Requirement) string { return r.Rule.ID + "\x00" + r.Var }

// outcome is what a hypothetical answer would do.
type outcome struct {
	st        *state
	available bool
	// signature sums up the consequences; answers with equal signatures
	// are indistinguishable now.
	signature string
}

// prompt returns the prompt for a question when its answer can change
// something, or nil.
func (r *relevance) prompt(qu *question) *Prompt {
	switch qu.q.Type {
	case catalog.QuestionNumber:
		if !r.numberMatters(qu) {
			return nil
		}
		return &Prompt{Step: qu.step, Question: qu.q}
	}
	p := &Prompt{Step: qu.step, Question: qu.q}
	seen := map[string]bool{}
	for _, e := range qu.options {
		o := r.try(qu, []string{e.option})
		p.Options = append(p.Options, OptionState{ID: e.option, Text: e.text, Available: o.available})
		if o.available {
			seen[o.signature] = true
		}
	}
	if qu.q.Type == catalog.QuestionMultiple {
		// Choosing none of the options is an answer too.
		seen[r.try(qu, nil).signature] = true
	}
	if len(seen) < 2 {
		return nil
	}
	for i := range p.Options {
		if !p.Options[i].Available {
			p.Options[i].Conflict = r.s.answerConflict(qu, []string{p.Options[i].ID})
		}
	}
	return p
}

// numberMatters reports whether a number question can change anything:
// some visibility condition reads it, or some rule reading it would
// change something if it held now. Numbers are not enumerated, so this
// errs towards asking.
func (r *relevance) numberMatters(qu *question) bool {
	if qu.readByVisible {
		return true
	}
	if !qu.readByRules {
		return false
	}
	for _, e := range r.s.qn.rules {
		if !slices.Contains(e.rule.When.Program().Variables(), catalog.AnswerVar(qu.q.ID)) {
			continue
		}
		if e.fits != nil || !e.score.IsZero() {
			return true
		}
		for _, q := range e.reqs {
			if narrows(r.domains[q.Var], q.Values) {
				return true
			}
		}
	}
	return false
}

// narrows reports whether allowed rules out some value of dom.
func narrows(dom, allowed []string) bool {
	for _, v := range dom {
		if !slices.Contains(allowed, v) {
			return true
		}
	}
	return false
}

// try works out the outcome of answering qu with the options.
func (r *relevance) try(qu *question, options []string) outcome {
	answers := maps.Clone(r.s.answers)
	answers[qu.q.ID] = Answer{Question: qu.q.ID, Options: options}
	st := r.s.evaluate(answers)
	o := outcome{st: st, available: true}

	// Requirements: what each variable could still take.
	added := map[string][]string{}
	removed := 0
	next := map[string]bool{}
	for _, q := range st.reqs {
		next[reqID(q)] = true
		if !r.current[reqID(q)] {
			if cur, ok := added[q.Var]; ok {
				added[q.Var] = intersect(cur, q.Values)
			} else {
				added[q.Var] = intersect(r.domains[q.Var], q.Values)
			}
		}
	}
	for id := range r.current {
		if !next[id] {
			removed++
		}
	}
	if r.s.cs != nil {
		for _, vals := range added {
			if len(vals) == 0 {
				o.available = false
			}
		}
		if o.available && (removed > 0 || len(added) > 1) {
			m, err := r.s.g.require(r.s.base, st.reqs)
			o.available = err == nil && consistent(m, r.s.cs.Choices())
		}
	}

	var b strings.Builder
	vars := make([]string, 0, len(added))
	for v, vals := range added {
		if narrows(r.domains[v], vals) {
			vars = append(vars, v)
		}
	}
	sort.Strings(vars)
	for _, v := range vars {
		b.WriteString(v + "=" + strings.Join(added[v], ",") + ";")
	}
	b.WriteString("|removed:" + strconv.Itoa(removed) + "|")
	var ids []string
	for id := range r.current {
		if !next[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	b.WriteString(strings.Join(ids, ","))

	// Questions asked next.
	b.WriteString("|visible:")
	for _, q := range r.s.qn.questions {
		if _, answered := answers[q.q.ID]; !answered && st.visible[q.q.ID] {
			b.WriteString(q.q.ID + ",")
		}
	}
	// Scores and fits.
	b.WriteString("|scores:")
	scores := totals(st.active)
	for _, k := range sortedKeys(scores) {
		b.WriteString(k + "=" + strconv.Itoa(scores[k]) + ",")
	}
	if r.s.qn.anyFits {
		b.WriteString("|fits:")
		fit := r.s.fitting(st)
		for _, p := range r.s.qn.candidates {
			if fit[p.SKU] {
				b.WriteString(p.SKU + ",")
			}
		}
	}
	o.signature = b.String()
	return o
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// totals adds up the points of the effects by product (p:SKU) and package
// (k:ID).
func totals(effects []*effect) map[string]int {
	out := map[string]int{}
	for _, e := range effects {
		for sku, n := range e.score.Products {
			out["p:"+sku] += n
		}
		for id, n := range e.score.Packages {
			out["k:"+id] += n
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// answerConflict says why answering qu with options is refused: the
// choices to drop, or the answers to clear.
func (s *Session) answerConflict(qu *question, options []string) *ConflictError {
	answers := maps.Clone(s.answers)
	a := Answer{Question: qu.q.ID, Options: options}
	answers[qu.q.ID] = a
	ce := &ConflictError{What: "answer " + qu.q.ID + " = " + a.String()}
	ce.Clear = s.clashingAnswers(answers, nil, qu.q.ID)
	ce.Drop, ce.Explanations = s.choicesInWay(s.evaluate(without(answers, ce.Clear)).reqs, nil, s.cs.Choices())
	return ce
}
