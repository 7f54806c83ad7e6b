package guide

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/formula"
)

// questionnaire is a catalog questionnaire prepared for sessions.
type questionnaire struct {
	q    *catalog.Questionnaire
	prod *catalog.Product
	// questions in the order they are asked.
	questions []*question
	byID      map[string]*question
	rules     []*effect
	// candidates are the products ranked, in catalog order.
	candidates []*catalog.Product
	// anyFits tells whether some effect filters products.
	anyFits bool
}

type question struct {
	q     *catalog.Question
	step  *catalog.Step
	order int
	// options are the answers in catalog order (yes and no for a yes_no
	// question), each with its consequences.
	options []*effect
	// readers are the rules and visibility conditions that read the
	// answer.
	readByRules   bool
	readByVisible bool
}

// effect is the consequences of an answer option or an answer rule.
type effect struct {
	// id names the effect in explanations: answer:<question>=<option> or
	// rule:<rule>.
	id       string
	question string
	option   string
	rule     *catalog.AnswerRule
	text     catalog.Text
	// message explains the effect's requirements in explanations: the
	// question and the answer, or the rule's reason.
	message catalog.Text
	reqs    []configurator.Requirement
	fits    *catalog.Expr
	score   catalog.Scores
	// neutral effects change nothing (a yes_no answer without options).
	neutral bool
}

func compileQuestionnaire(cat *catalog.Catalog, q *catalog.Questionnaire) (*questionnaire, error) {
	qn := &questionnaire{q: q, byID: map[string]*question{}}
	if q.Product != "" {
		p, err := cat.Product(q.Product)
		if err != nil {
			return nil, fmt.Errorf("questionnaire %q: %w", q.ID, err)
		}
		qn.prod = p
	}
	for _, st := range q.Steps {
		for _, cq := range st.Questions {
			qu := &question{q: cq, step: st, order: len(qn.questions)}
			for _, o := range cq.Options {
				e := newEffect("answer:"+cq.ID+"="+o.ID, o.Require, &o.Fits, o.Score)
				e.question, e.option = cq.ID, o.ID
				e.text = o.Text
				if len(e.text) == 0 {
					e.text = catalog.Text{"": o.ID}
				}
				e.message = answerMessage(cq, e.text)
				qu.options = append(qu.options, e)
			}
			if cq.Type == catalog.QuestionYesNo {
				for _, id := range []string{"yes", "no"} {
					if !slices.ContainsFunc(qu.options, func(e *effect) bool { return e.option == id }) {
						e := &effect{id: "answer:" + cq.ID + "=" + id, question: cq.ID, option: id, text: catalog.Text{"": id}, neutral: true}
						qu.options = append(qu.options, e)
					}
				}
				// yes first, as people ask.
				slices.SortStableFunc(qu.options, func(a, b *effect) int { return strings.Compare(b.option, a.option) })
			}
			qn.questions = append(qn.questions, qu)
			qn.byID[cq.ID] = qu
		}
	}
	for _, r := range q.Rules {
		if r.When.Program() == nil {
			return nil, fmt.Errorf("questionnaire %q rule %q was not compiled; load the catalog with catalog.Load or catalog.Build: %w", q.ID, r.ID, catalog.ErrInvalid)
		}
		e := newEffect("rule:"+r.ID, r.Require, &r.Fits, r.Score)
		e.rule = r
		e.text = r.Reason
		if len(e.text) == 0 {
			e.text = catalog.Text{"": r.ID}
		}
		e.message = e.text
		qn.rules = append(qn.rules, e)
		for _, name := range r.When.Program().Variables() {
			if id, ok := strings.CutPrefix(name, "answer."); ok && qn.byID[id] != nil {
				qn.byID[id].readByRules = true
			}
		}
	}
	for _, qu := range qn.questions {
		for _, e := range []*catalog.Expr{&qu.q.Visible, &qu.step.Visible} {
			if e.Program() == nil {
				continue
			}
			for _, name := range e.Program().Variables() {
				if id, ok := strings.CutPrefix(name, "answer."); ok && qn.byID[id] != nil {
					qn.byID[id].readByVisible = true
				}
			}
		}
		for _, e := range qu.options {
			qn.anyFits = qn.anyFits || e.fits != nil
		}
	}
	for _, e := range qn.rules {
		qn.anyFits = qn.anyFits || e.fits != nil
	}
	qn.candidates = productSet(cat, q.Recommends)
	return qn, nil
}

// answerMessage is "question — answer" in every language either is in.
func answerMessage(q *catalog.Question, answer catalog.Text) catalog.Text {
	out := catalog.Text{}
	for lang := range q.Text {
		out[lang] = q.Text.In(lang) + " — " + answer.In(lang)
	}
	for lang := range answer {
		out[lang] = q.Text.In(lang) + " — " + answer.In(lang)
	}
	return out
}

func newEffect(id string, rs catalog.Restrictions, fits *catalog.Expr, score catalog.Scores) *effect {
	e := &effect{id: id, score: score}
	if !fits.IsZero() {
		e.fits = fits
	}
	for _, r := range rs {
		e.reqs = append(e.reqs, configurator.Requirement{Var: r.Var, Values: r.Allowed()})
	}
	e.neutral = len(e.reqs) == 0 && e.fits == nil && score.IsZero()
	return e
}

// productSet returns the products of a set in catalog order, or every
// product that is not retired when the set is empty.
func productSet(cat *catalog.Catalog, s catalog.ProductSet) []*catalog.Product {
	var out []*catalog.Product
	for _, p := range cat.Products {
		if p.Retired {
			continue
		}
		if len(s.Products) == 0 && len(s.Categories) == 0 ||
			slices.Contains(s.Products, p.SKU) || slices.Contains(s.Categories, p.Category) {
			out = append(out, p)
		}
	}
	return out
}

// Answer is the answer given to a question.
type Answer struct {
	Question string `json:"question"`
	// Options are the options chosen: one for a single choice, any number
	// for a multiple choice, yes or no for a yes/no question.
	Options []string `json:"options,omitempty"`
	// Number is the answer to a number question, in the question's unit.
	Number *decimal.Decimal `json:"number,omitempty"`
}

// String formats the answer as the salesperson gave it.
func (a Answer) String() string {
	if a.Number != nil {
		return a.Number.String()
	}
	return strings.Join(a.Options, ", ")
}

// state is what a set of answers means: the answers in force (those of
// visible questions), the effects that hold, and the requirements on the
// configuration.
type state struct {
	vars    formula.Vars
	visible map[string]bool
	active  []*effect
	reqs    []configurator.Requirement
}

// evaluate works out the state of answers. Questions are taken in order:
// a visibility condition reads only questions asked before, so one pass
// settles which questions are visible and which answers count.
func (qn *questionnaire) evaluate(answers map[string]Answer, facts formula.Vars) *state {
	st := &state{vars: formula.Vars{}, visible: map[string]bool{}}
	for k, v := range facts {
		st.vars[k] = v
	}
	for _, qu := range qn.questions {
		if !evalBool(&qu.step.Visible, st.vars) || !evalBool(&qu.q.Visible, st.vars) {
			continue
		}
		st.visible[qu.q.ID] = true
		a, ok := answers[qu.q.ID]
		if !ok {
			continue
		}
		st.vars[catalog.AnswerVar(qu.q.ID)] = answerValue(qu.q, a)
		for _, e := range qu.options {
			if slices.Contains(a.Options, e.option) {
				st.active = append(st.active, e)
			}
		}
	}
	for _, e := range qn.rules {
		if evalBool(&e.rule.When, st.vars) {
			st.active = append(st.active, e)
		}
	}
	for _, e := range st.active {
		for _, r := range e.reqs {
			r.Rule = configurator.Rule{ID: e.id, Message: e.message}
			st.reqs = append(st.reqs, r)
		}
	}
	return st
}

func answerValue(q *catalog.Question, a Answer) any {
	switch q.Type {
	case catalog.QuestionNumber:
		if a.Number != nil {
			return *a.Number
		}
		return nil
	case catalog.QuestionMultiple:
		return slices.Clone(a.Options)
	case catalog.QuestionYesNo:
		return len(a.Options) == 1 && a.Options[0] == "yes"
	}
	if len(a.Options) == 1 {
		return a.Options[0]
	}
	return nil
}

// parseAnswer checks an answer to a question given as option IDs or a
// number (with or without unit) and returns it.
func parseAnswer(qu *question, values []string) (Answer, error) {
	q := qu.q
	a := Answer{Question: q.ID}
	bad := func(format string, args ...any) (Answer, error) {
		return Answer{}, fmt.Errorf("question %s: %s: %w", q.ID, fmt.Sprintf(format, args...), ErrInvalidAnswer)
	}
	switch q.Type {
	case catalog.QuestionNumber:
		if len(values) != 1 {
			return bad("give one number")
		}
		m, err := catalog.ParseMeasure(values[0])
		if err != nil {
			return bad("%q is not a number", values[0])
		}
		v := m.Value
		if m.Unit != "" && m.Unit != q.Unit {
			if v, err = m.In(q.Unit); err != nil {
				return bad("%v", err)
			}
		}
		if (q.Min != nil && v.LessThan(*q.Min)) || (q.Max != nil && v.GreaterThan(*q.Max)) {
			return bad("%s is outside %s..%s", v, bound(q.Min), bound(q.Max))
		}
		a.Number = &v
		return a, nil
	case catalog.QuestionYesNo:
		if len(values) != 1 {
			return bad("answer yes or no")
		}
		switch strings.ToLower(values[0]) {
		case "yes", "y", "true":
			a.Options = []string{"yes"}
		case "no", "n", "false":
			a.Options = []string{"no"}
		default:
			return bad("answer yes or no, not %q", values[0])
		}
		return a, nil
	case catalog.QuestionSingle:
		if len(values) != 1 {
			return bad("choose one answer")
		}
	}
	for _, v := range values {
		if !slices.ContainsFunc(qu.options, func(e *effect) bool { return e.option == v }) {
			ids := make([]string, len(qu.options))
			for i, e := range qu.options {
				ids[i] = e.option
			}
			return bad("%q is not one of %s", v, strings.Join(ids, ", "))
		}
		if !slices.Contains(a.Options, v) {
			a.Options = append(a.Options, v)
		}
	}
	return a, nil
}

func bound(d *decimal.Decimal) string {
	if d == nil {
		return "*"
	}
	return d.String()
}

func decimalOf(s string) any {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return nil
	}
	return d
}
