package cpqhttp

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

// Questionnaire is the answer of GET /v1/sessions/{id}/questionnaire: the
// next question to ask, if any, and where every question stands.
type Questionnaire struct {
	// ID and Name name the questionnaire; both are empty for a session
	// without one.
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	Language string `json:"language"`
	// Done is true when no question is left whose answer could change
	// anything; Next is then absent.
	Done      bool            `json:"done"`
	Next      *Question       `json:"next,omitempty"`
	Questions []QuestionState `json:"questions"`
}

// Question is a question to ask, with its answers.
type Question struct {
	Step     string `json:"step"`
	StepName string `json:"step_name,omitempty"`
	ID       string `json:"id"`
	Text     string `json:"text"`
	Help     string `json:"help,omitempty"`
	// Type is single, multiple, number or yes_no.
	Type string `json:"type"`
	// Unit, Min and Max describe the answer of a number question.
	Unit string           `json:"unit,omitempty"`
	Min  *decimal.Decimal `json:"min,omitempty"`
	Max  *decimal.Decimal `json:"max,omitempty"`
	// Options are the answers of a choice or yes/no question.
	Options []AnswerOption `json:"options,omitempty"`
}

// AnswerOption is one answer of a question. An answer that is not
// available cannot be given with the choices and answers already made:
// Conflict says what is in the way.
type AnswerOption struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	Available bool      `json:"available"`
	Conflict  *Conflict `json:"conflict,omitempty"`
}

// Conflict says what is in the way of an answer, package or suggestion:
// the choices to drop and the answers to clear.
type Conflict struct {
	Drop  []configurator.Choice `json:"drop,omitempty"`
	Clear []string              `json:"clear,omitempty"`
}

// QuestionState is a question of the questionnaire with its status
// (answered, open, skipped or hidden) and answer.
type QuestionState struct {
	Step     string               `json:"step"`
	Question string               `json:"question"`
	Text     string               `json:"text"`
	Status   guide.QuestionStatus `json:"status"`
	Answer   *guide.Answer        `json:"answer,omitempty"`
}

// yesNo are the texts of a yes/no question's answers the catalog leaves
// without one.
var yesNo = map[string]catalog.Text{
	"yes": {"en": "Yes", "zh-CN": "是"},
	"no":  {"en": "No", "zh-CN": "否"},
}

func (s *server) questionnaire(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	cat, lang, err := s.catalogIn(r)
	if err != nil {
		return 0, nil, err
	}
	st, gs, _, err := s.load(ctx, id, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out := Questionnaire{Language: lang, Done: true, Questions: []QuestionState{}}
	if st.Questionnaire == "" {
		return http.StatusOK, out, nil
	}
	qn, err := cat.Questionnaire(st.Questionnaire)
	if err != nil {
		return 0, nil, err
	}
	out.ID, out.Name = qn.ID, qn.Name.In(lang)
	texts := map[string]catalog.Text{}
	for _, step := range qn.Steps {
		for _, q := range step.Questions {
			texts[q.ID] = q.Text
		}
	}
	states, err := gs.Questions()
	if err != nil {
		return 0, nil, err
	}
	for _, qs := range states {
		out.Questions = append(out.Questions, QuestionState{Step: qs.Step, Question: qs.Question, Text: texts[qs.Question].In(lang), Status: qs.Status, Answer: qs.Answer})
	}
	p, err := gs.Next()
	if err != nil {
		return 0, nil, err
	}
	if p != nil {
		out.Done = false
		q := &Question{Step: p.Step.ID, StepName: p.Step.Name.In(lang), ID: p.Question.ID, Text: p.Question.Text.In(lang),
			Help: p.Question.Help.In(lang), Type: p.Question.Type, Unit: p.Question.Unit, Min: p.Question.Min, Max: p.Question.Max}
		for _, o := range p.Options {
			text := o.Text
			if len(text) == 0 {
				text = yesNo[o.ID]
			}
			ao := AnswerOption{ID: o.ID, Text: text.In(lang), Available: o.Available}
			if o.Conflict != nil {
				ao.Conflict = &Conflict{Drop: o.Conflict.Drop, Clear: o.Conflict.Clear}
			}
			q.Options = append(q.Options, ao)
		}
		out.Next = q
	}
	return http.StatusOK, out, nil
}

func (s *server) answer(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req AnswerRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.Question == "" || len(req.Values) == 0 {
		return 0, nil, invalid("question and values are required")
	}
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		return gs.Answer(req.Question, req.Values...)
	})
}

func (s *server) clearAnswer(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		return gs.Clear(r.PathValue("question"))
	})
}

// Package is a package of the product as a session sees it.
type Package struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Choices are the choices applying it makes, option quantities as
	// qty.<option>.
	Choices []configurator.Choice `json:"choices"`
	// Applicable says whether it applies without dropping a choice made
	// or clearing an answer given; Score is what the answers give it.
	Applicable bool `json:"applicable"`
	Score      int  `json:"score"`
}

// Packages is the answer of GET /v1/sessions/{id}/packages.
type Packages struct {
	Language string    `json:"language"`
	Packages []Package `json:"packages"`
}

// packageChoices are the choices a package makes: its values, and its
// options with their quantities.
func packageChoices(m *configurator.Model, pk *catalog.Package) []configurator.Choice {
	out := []configurator.Choice{}
	for _, mt := range pk.Choices {
		if len(mt.Values) == 1 {
			out = append(out, configurator.Choice{Var: mt.Var, Value: mt.Values[0]})
		}
	}
	qty := map[string]bool{}
	for _, v := range m.Variables() {
		if v.Kind == configurator.KindQuantity {
			qty[v.ID] = true
		}
	}
	var opts []string
	for opt := range pk.Quantities {
		opts = append(opts, opt)
	}
	slices.Sort(opts)
	for _, opt := range opts {
		if !slices.Contains(out, configurator.Choice{Var: opt, Value: "true"}) {
			out = append(out, configurator.Choice{Var: opt, Value: "true"})
		}
		if qty["qty."+opt] {
			out = append(out, configurator.Choice{Var: "qty." + opt, Value: strconv.Itoa(pk.Quantities[opt])})
		}
	}
	return out
}

func (s *server) packages(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	_, gs, lang, err := s.loadIn(ctx, id, r)
	if err != nil {
		return 0, nil, err
	}
	ranking, err := gs.Recommendations()
	if err != nil {
		return 0, nil, err
	}
	scores := map[string]int{}
	for _, rec := range ranking.Packages {
		scores[rec.ID] = rec.Score
	}
	out := Packages{Language: lang, Packages: []Package{}}
	m := gs.Configurator().Model()
	for _, pk := range gs.Product().Packages {
		score, ok := scores[pk.ID]
		out.Packages = append(out.Packages, Package{ID: pk.ID, Name: pk.Name.In(lang), Description: pk.Description.In(lang),
			Choices: packageChoices(m, pk), Applicable: ok, Score: score})
	}
	return http.StatusOK, out, nil
}

func (s *server) applyPackage(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		return gs.ApplyPackage(r.PathValue("package"))
	})
}

// Suggestion is an up-sell or cross-sell on offer, with its reason in the
// language asked for.
type Suggestion struct {
	ID string `json:"id"`
	// Kind is upsell or cross_sell.
	Kind string `json:"kind"`
	// Set are the choices accepting makes (replacing the values they
	// upgrade); AddProduct and Quantity the product it adds to the quote.
	Set        []configurator.Choice `json:"set,omitempty"`
	AddProduct string                `json:"add_product,omitempty"`
	Quantity   int                   `json:"quantity,omitempty"`
	Reason     string                `json:"reason"`
	Priority   int                   `json:"priority"`
}

// Suggestions is the answer of GET /v1/sessions/{id}/suggestions.
type Suggestions struct {
	Language    string                            `json:"language"`
	Suggestions []Suggestion                      `json:"suggestions"`
	Decisions   map[string]guide.SuggestionStatus `json:"decisions"`
	Additions   []guide.Addition                  `json:"additions"`
}

func (s *server) suggestions(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	_, gs, lang, err := s.loadIn(ctx, id, r)
	if err != nil {
		return 0, nil, err
	}
	list, err := gs.Suggestions(ctx)
	if err != nil {
		return 0, nil, err
	}
	out := Suggestions{Language: lang, Suggestions: []Suggestion{}, Decisions: gs.Decisions(), Additions: gs.Additions()}
	if out.Additions == nil {
		out.Additions = []guide.Addition{}
	}
	for _, sg := range list {
		out.Suggestions = append(out.Suggestions, Suggestion{ID: sg.ID, Kind: sg.Kind, Set: sg.Set, AddProduct: sg.AddProduct,
			Quantity: sg.Quantity, Reason: sg.Reason.In(lang), Priority: sg.Priority})
	}
	return http.StatusOK, out, nil
}

func (s *server) acceptSuggestion(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		return gs.AcceptSuggestion(ctx, r.PathValue("sid"))
	})
}

// dismissSuggestion dismisses a suggestion on offer; one that is not (an
// unknown ID, one decided already) is refused, so that the session
// remembers only what the salesperson saw.
func (s *server) dismissSuggestion(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	sid := r.PathValue("sid")
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		list, err := gs.Suggestions(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(list, func(sg guide.Suggestion) bool { return sg.ID == sid }) {
			return newProblem(http.StatusNotFound, CodeUnknownSuggestion, "suggestion "+strconv.Quote(sid)+" is not on offer")
		}
		gs.DismissSuggestion(sid)
		return nil
	})
}

// Recommendation is a product or package that fits the answers, with its
// score and the reasons for it in the language asked for.
type Recommendation struct {
	Kind    guide.RecommendationKind `json:"kind"`
	ID      string                   `json:"id"`
	Name    string                   `json:"name"`
	Score   int                      `json:"score"`
	Reasons []Reason                 `json:"reasons"`
}

// Reason is an answer, or answer rule, behind a recommendation.
type Reason struct {
	Question string `json:"question,omitempty"`
	Answer   string `json:"answer,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Text     string `json:"text"`
	Points   int    `json:"points,omitempty"`
	Fits     bool   `json:"fits,omitempty"`
}

// Recommendations is the answer of GET /v1/sessions/{id}/recommendations.
type Recommendations struct {
	Language string           `json:"language"`
	Products []Recommendation `json:"products"`
	Packages []Recommendation `json:"packages"`
}

func recommendations(recs []guide.Recommendation, lang string) []Recommendation {
	out := []Recommendation{}
	for _, rec := range recs {
		v := Recommendation{Kind: rec.Kind, ID: rec.ID, Name: rec.Name.In(lang), Score: rec.Score, Reasons: []Reason{}}
		for _, re := range rec.Reasons {
			v.Reasons = append(v.Reasons, Reason{Question: re.Question, Answer: re.Answer, Rule: re.Rule, Text: re.Text.In(lang), Points: re.Points, Fits: re.Fits})
		}
		out = append(out, v)
	}
	return out
}

func (s *server) recommendations(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	_, gs, lang, err := s.loadIn(ctx, id, r)
	if err != nil {
		return 0, nil, err
	}
	ranking, err := gs.Recommendations()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Recommendations{Language: lang, Products: recommendations(ranking.Products, lang), Packages: recommendations(ranking.Packages, lang)}, nil
}
