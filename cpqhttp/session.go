package cpqhttp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

// stateFormat is the format of the session state this server writes. A
// state without a format is the bare configuration snapshot earlier
// servers wrote (product and choices), read as such.
const stateFormat = 2

// MaxUndo is how many earlier states of a session are kept for undo.
const MaxUndo = 50

// sessionState is a configuration session as it is stored: everything
// the session holds, as data, so that any instance of the server restores
// it into a fresh guided session of the product. Its JSON is
//
//	{"format": 2, "owner": "alice", "product": "SRV-R2", "questionnaire": "server_sizing",
//	 "choices": [{"var": "chassis", "value": "1U"}, {"var": "qty.ssd_960", "value": "4"}],
//	 "answers": [{"question": "workload", "options": ["database"]}, {"question": "users", "number": "600"}],
//	 "decisions": {"redundant_power": "accepted", "nvme_upgrade": "dismissed"},
//	 "additions": [{"product": "SVC-CARE-3Y", "quantity": 1, "suggestion": "care"}],
//	 "undo": [{"choices": [...], "answers": [...], ...}, ...]}
//
// where choices hold option quantities as qty.<option> (as the
// configurator does), and undo holds up to MaxUndo earlier states, the
// most recent last.
type sessionState struct {
	Format int `json:"format"`
	// Owner is the user who started the session: a session belongs to
	// one user, and is not found for another of the tenant.
	Owner         string `json:"owner,omitempty"`
	Product       string `json:"product"`
	Questionnaire string `json:"questionnaire,omitempty"`
	guide.State
	Undo []guide.State `json:"undo,omitempty"`
}

// Session is a configuration session as the API shows it.
type Session struct {
	ID      string                `json:"id"`
	Product string                `json:"product"`
	Version int64                 `json:"version"`
	Choices []configurator.Choice `json:"choices"`
	// Domains are what every variable can still take.
	Domains []configurator.Domain `json:"domains"`
	// Complete says whether every variable is settled.
	Complete bool `json:"complete"`
	// Questionnaire is the questionnaire the session asks, if any, and
	// Answers the answers given to it, in question order.
	Questionnaire string         `json:"questionnaire,omitempty"`
	Answers       []guide.Answer `json:"answers"`
	// Decisions are the suggestions accepted or dismissed, and Additions
	// the products accepted suggestions add to the quote.
	Decisions map[string]guide.SuggestionStatus `json:"decisions,omitempty"`
	Additions []guide.Addition                  `json:"additions,omitempty"`
	// CanUndo says whether undo has a change to take back.
	CanUndo bool `json:"can_undo"`
}

type createSessionRequest struct {
	Product string `json:"product"`
	// Questionnaire is the questionnaire to ask; empty means the first
	// of the catalog's questionnaires that configures the product, if any.
	Questionnaire string `json:"questionnaire,omitempty"`
}

type choiceRequest struct {
	Var   string `json:"var"`
	Value string `json:"value"`
}

// QuantityRequest sets the quantity of an option, replacing the option's
// choices made before (its selection and quantity); zero deselects it.
type QuantityRequest struct {
	Option   string `json:"option"`
	Quantity *int   `json:"quantity"`
}

// AnswerRequest answers a question: option IDs for a choice question, yes
// or no, or one number (with or without its unit, "600" or "2 t").
type AnswerRequest struct {
	Question string   `json:"question"`
	Values   []string `json:"values"`
}

// configurable returns a product of the catalog in force today that can
// be configured.
func (s *server) configurable(sku string, now time.Time) (*catalog.Catalog, *catalog.Product, error) {
	if sku == "" {
		return nil, nil, invalid("product is required")
	}
	cat, err := s.kit.Catalog(now)
	if err != nil {
		return nil, nil, err
	}
	p, err := cat.Product(sku)
	if err != nil {
		return nil, nil, err
	}
	if !p.IsConfigurable() {
		return nil, nil, errors.Join(catalog.ErrNotFound, errors.New("product "+sku+" is not configurable"))
	}
	return cat, p, nil
}

// restore replays a stored state into a fresh guided session of its
// product, in the catalog version in force today.
func (s *server) restore(st *sessionState) (*guide.Session, error) {
	// One moment for both, so that they are of one catalog version.
	now := s.now()
	if _, _, err := s.configurable(st.Product, now); err != nil {
		return nil, err
	}
	g, err := s.kit.Guide(now)
	if err != nil {
		return nil, err
	}
	gs, err := g.NewSession(guide.Options{Product: st.Product, Questionnaire: st.Questionnaire})
	if err != nil {
		return nil, err
	}
	if err := gs.Restore(st.State); err != nil {
		return nil, err
	}
	return gs, nil
}

// load reads a stored session's state and restores it.
func (s *server) load(ctx context.Context, id Identity, sid string) (*sessionState, *guide.Session, int64, error) {
	data, version, err := s.sessions.Get(ctx, id.Tenant, sid)
	if err != nil {
		return nil, nil, 0, err
	}
	var st sessionState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, nil, 0, fmt.Errorf("session %s: %w", sid, err)
	}
	if st.Format > stateFormat {
		return nil, nil, 0, fmt.Errorf("session %s: state format %d is newer than this server's %d", sid, st.Format, stateFormat)
	}
	if st.Owner != "" && st.Owner != id.User {
		return nil, nil, 0, fmt.Errorf("session %s of another user: %w", sid, ErrSessionNotFound)
	}
	st.Format = stateFormat
	gs, err := s.restore(&st)
	if err != nil {
		return nil, nil, 0, err
	}
	return &st, gs, version, nil
}

// put stores a session's state; version is the version it was read at
// (zero for a new session).
func (s *server) put(ctx context.Context, id Identity, sid string, st *sessionState, version int64) (int64, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return 0, err
	}
	return s.sessions.Put(ctx, id.Tenant, sid, data, version)
}

func (s *server) view(sid string, version int64, st *sessionState, gs *guide.Session) (*Session, error) {
	domains, err := gs.ValidDomains()
	if err != nil {
		return nil, err
	}
	v := &Session{ID: sid, Product: st.Product, Version: version, Choices: gs.Choices(), Domains: domains,
		Complete: gs.Configurator().IsComplete(), Questionnaire: st.Questionnaire, Answers: gs.Answers(),
		Decisions: gs.Decisions(), Additions: gs.Additions(), CanUndo: len(st.Undo) > 0}
	if v.Choices == nil {
		v.Choices = []configurator.Choice{}
	}
	if v.Answers == nil {
		v.Answers = []guide.Answer{}
	}
	if len(v.Decisions) == 0 {
		v.Decisions = nil
	}
	return v, nil
}

// questionnaireOf returns the questionnaire a new session of the product
// asks: the one requested, which must configure the product, or the first
// of the catalog's that does.
func questionnaireOf(cat *catalog.Catalog, sku, requested string) (string, error) {
	if requested != "" {
		q, err := cat.Questionnaire(requested)
		if err != nil || q.Product != sku {
			return "", invalid("questionnaire %q does not configure %s", requested, sku)
		}
		return requested, nil
	}
	for _, q := range cat.Questionnaires {
		if q.Product == sku {
			return q.ID, nil
		}
	}
	return "", nil
}

func (s *server) createSession(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req createSessionRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	cat, _, err := s.configurable(req.Product, s.now())
	if err != nil {
		return 0, nil, err
	}
	qn, err := questionnaireOf(cat, req.Product, req.Questionnaire)
	if err != nil {
		return 0, nil, err
	}
	st := &sessionState{Format: stateFormat, Owner: id.User, Product: req.Product, Questionnaire: qn}
	gs, err := s.restore(st)
	if err != nil {
		return 0, nil, err
	}
	st.State = gs.State()
	sid := rand.Text()
	version, err := s.put(ctx, id, sid, st, 0)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.view(sid, version, st, gs)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/v1/sessions/"+sid)
	return http.StatusCreated, v, nil
}

func (s *server) getSession(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	sid := r.PathValue("id")
	st, gs, version, err := s.load(ctx, id, sid)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.view(sid, version, st, gs)
	return http.StatusOK, v, err
}

// change applies a change to a stored session and stores the result,
// with the state before it in the undo history when it changed
// something; a refused change stores nothing.
func (s *server) change(ctx context.Context, id Identity, sid string, f func(*guide.Session) error) (int, any, error) {
	st, gs, version, err := s.load(ctx, id, sid)
	if err != nil {
		return 0, nil, err
	}
	if err := f(gs); err != nil {
		return 0, nil, err
	}
	next := gs.State()
	same, err := sameState(st.State, next)
	if err != nil {
		return 0, nil, err
	}
	// A change that changes nothing writes nothing.
	if !same {
		st.Undo = append(st.Undo, st.State)
		if n := len(st.Undo) - MaxUndo; n > 0 {
			st.Undo = append([]guide.State(nil), st.Undo[n:]...)
		}
		st.State = next
		if version, err = s.put(ctx, id, sid, st, version); err != nil {
			return 0, nil, err
		}
	}
	v, err := s.view(sid, version, st, gs)
	return http.StatusOK, v, err
}

// sameState reports whether two states hold the same.
func sameState(a, b guide.State) (bool, error) {
	ja, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	jb, err := json.Marshal(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ja, jb), nil
}

func (s *server) undo(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	sid := r.PathValue("id")
	st, _, version, err := s.load(ctx, id, sid)
	if err != nil {
		return 0, nil, err
	}
	if len(st.Undo) == 0 {
		return 0, nil, newProblem(http.StatusConflict, CodeNothingToUndo, "the session has no change to take back")
	}
	st.State = st.Undo[len(st.Undo)-1]
	st.Undo = st.Undo[:len(st.Undo)-1]
	gs, err := s.restore(st)
	if err != nil {
		return 0, nil, err
	}
	version, err = s.put(ctx, id, sid, st, version)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.view(sid, version, st, gs)
	return http.StatusOK, v, err
}

func (s *server) setChoice(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req choiceRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.Var == "" || req.Value == "" {
		return 0, nil, invalid("var and value are required")
	}
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		// A variable already chosen is changed: its choice is withdrawn
		// first, so that a refusal explains what else stands in the way
		// (and, refused, the change stores nothing).
		for _, c := range gs.Choices() {
			if c.Var != req.Var {
				continue
			}
			if c.Value == req.Value {
				return nil
			}
			if err := gs.Unset(req.Var); err != nil {
				return err
			}
		}
		return gs.Set(req.Var, req.Value)
	})
}

func (s *server) unsetChoice(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		return gs.Unset(r.PathValue("var"))
	})
}

func (s *server) setQuantity(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req QuantityRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.Option == "" || req.Quantity == nil {
		return 0, nil, invalid("option and quantity are required")
	}
	if *req.Quantity < 0 {
		return 0, nil, invalid("quantity must not be negative")
	}
	return s.change(ctx, id, r.PathValue("id"), func(gs *guide.Session) error {
		// The quantity replaces the option's choices: its selection and
		// its quantity, whatever they were.
		cs := gs.Configurator()
		for _, c := range cs.Choices() {
			if c.Var == req.Option || c.Var == "qty."+req.Option {
				if err := cs.Unset(c.Var); err != nil {
					return err
				}
			}
		}
		return cs.SetQuantity(req.Option, *req.Quantity)
	})
}

func (s *server) explain(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	variable, value := r.URL.Query().Get("var"), r.URL.Query().Get("value")
	if variable == "" || value == "" {
		return 0, nil, invalid("the var and value query parameters are required")
	}
	_, gs, lang, err := s.loadIn(ctx, id, r)
	if err != nil {
		return 0, nil, err
	}
	e, err := gs.Explain(variable, value)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Explanation{Explanation: e, Text: e.Text(lang)}, nil
}

func (s *server) complete(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	_, gs, _, err := s.load(ctx, id, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	c, err := gs.Complete(configurator.Strategy{})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c, nil
}
