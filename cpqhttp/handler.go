package cpqhttp

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

// DefaultMaxBody is the largest request body accepted when Config.MaxBody
// is zero: 1 MiB.
const DefaultMaxBody = 1 << 20

// Config is what New serves.
type Config struct {
	// Kit answers every request. Required.
	Kit *cpq.Kit
	// Authenticator tells the tenant and user of every request. Required.
	Authenticator Authenticator
	// Sessions keeps configuration sessions; nil means a MemorySessions,
	// which suits a single instance only.
	Sessions SessionStore
	// MaxBody bounds request bodies, in bytes; zero means DefaultMaxBody.
	MaxBody int64
	// Now tells the time pricing previews are dated; nil means the system
	// clock. It should agree with the Kit's clock.
	Now func() time.Time
	// Language is the language of explanations; empty means "en".
	Language string
	// WebUI serves the reference web user interface at / when true. The
	// interface calls the API with the browser's credentials (a cookie the
	// host's Authenticator reads; see TokenAuthenticator.Cookie).
	WebUI bool
	// TrustedOrigins are origins besides the server's own (e.g.
	// "https://crm.example.com") whose pages may send the API requests
	// that change something. Requests a browser marks as cross-site from
	// any other origin are refused with 403 (request.cross_origin), which
	// protects cookie-authenticated users from cross-site request forgery;
	// requests without a browser's Origin or Sec-Fetch-Site header (other
	// servers, curl) are not affected.
	TrustedOrigins []string
}

type server struct {
	kit      *cpq.Kit
	auth     Authenticator
	sessions SessionStore
	maxBody  int64
	now      func() time.Time
	lang     string
}

// ErrConfig is returned by New for a Config without a Kit or an
// Authenticator.
var ErrConfig = errors.New("cpqhttp: invalid configuration")

// New returns the handler of the JSON API, under /v1/. Every request is
// authenticated first; errors are answered as application/problem+json.
func New(cfg Config) (http.Handler, error) {
	if cfg.Kit == nil || cfg.Authenticator == nil {
		return nil, errors.Join(ErrConfig, errors.New("a Kit and an Authenticator are required"))
	}
	s := &server{kit: cfg.Kit, auth: cfg.Authenticator, sessions: cfg.Sessions, maxBody: cfg.MaxBody, now: cfg.Now, lang: cfg.Language}
	if s.sessions == nil {
		s.sessions = NewMemorySessions()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.lang == "" {
		s.lang = "en"
	}
	mux := &api{ServeMux: http.NewServeMux()}
	for _, rt := range s.routes() {
		mux.register(rt.Method+" "+rt.Pattern, s.handle(rt.handler))
	}
	mux.register("GET /openapi.json", http.HandlerFunc(s.openAPI))
	if cfg.WebUI {
		s.registerUI(mux)
	}
	mux.register("/", s.handle(func(_ context.Context, _ Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
		return 0, nil, newProblem(http.StatusNotFound, CodeNotFound, "no such resource: "+r.URL.Path)
	}))
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, errors.Join(ErrConfig, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, newProblem(http.StatusForbidden, CodeCrossOrigin, "cross-origin request refused: the page that sent it is not of this server or a trusted origin"))
	}))
	mux.protected = cop.Handler(mux.ServeMux)
	return mux, nil
}

// api is the mux of the API, remembering the patterns it serves.
type api struct {
	*http.ServeMux
	patterns []string
	// protected is the mux behind the cross-origin protection.
	protected http.Handler
}

// ServeHTTP serves a request through the cross-origin protection.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.protected.ServeHTTP(w, r) }

func (a *api) register(pattern string, h http.Handler) {
	a.ServeMux.Handle(pattern, h)
	a.patterns = append(a.patterns, pattern)
}

// route is one endpoint of the API: what the mux serves and what the
// OpenAPI document describes, from the same table.
type route struct {
	Method, Pattern, Summary string
	// Body names the request body's schema, if the route takes one.
	Body    string
	handler handlerFunc
}

// routes returns every authenticated endpoint of the API.
func (s *server) routes() []route {
	return []route{
		{"GET", "/v1/me", "Who the credentials name: tenant and user", "", s.me},
		{"POST", "/v1/sessions", "Start a configuration session", "createSessionRequest", s.createSession},
		{"GET", "/v1/sessions/{id}", "A session's choices and valid domains", "", s.getSession},
		{"POST", "/v1/sessions/{id}/choices", "Choose a value", "choiceRequest", s.setChoice},
		{"DELETE", "/v1/sessions/{id}/choices/{var}", "Withdraw a choice", "", s.unsetChoice},
		{"GET", "/v1/sessions/{id}/explain", "Why a value is withheld", "", s.explain},
		{"POST", "/v1/sessions/{id}/complete", "A complete valid configuration", "", s.complete},
		{"POST", "/v1/price", "Price lines without storing them", "PriceRequest", s.price},
		{"POST", "/v1/quotes", "Make, price and store a draft quote", "QuoteRequest", s.createQuote},
		{"GET", "/v1/quotes/{id}", "A quote of the tenant", "", s.getQuote},
		{"PUT", "/v1/quotes/{id}", "Edit and reprice a draft quote (If-Match: version)", "QuoteRequest", s.updateQuote},
		{"GET", "/v1/quotes/{id}/approvals/preview", "The approvals a submission would need, and discount guidance", "", s.previewApprovals},
		{"GET", "/v1/approvals/inbox", "The pending steps the user may decide now, as an assignee or a delegate", "", s.inbox},
		{"POST", "/v1/quotes/{id}/submit", "Submit the quote for approval", "ApprovalRequest", s.submit},
		{"POST", "/v1/quotes/{id}/steps/{step}/approve", "Approve a step", "DecisionRequest", s.approve},
		{"POST", "/v1/quotes/{id}/steps/{step}/reject", "Reject a step", "DecisionRequest", s.reject},
		{"POST", "/v1/quotes/{id}/recall", "Take a pending approval back", "ApprovalRequest", s.recall},
		{"POST", "/v1/quotes/{id}/present", "Present the quote, through the approval gate", "ApprovalRequest", s.present},
		{"GET", "/v1/quotes/{id}/document", "The quote's document (html, json, csv, pdf)", "", s.document},
	}
}

// handlerFunc answers an authenticated request with a status and a value to
// write as JSON, or an error to write as a problem; a zero status and no
// error mean the handler wrote the response itself.
type handlerFunc func(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error)

func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.auth.Authenticate(r)
		if err != nil || id.Tenant == "" || id.User == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cpqkit"`)
			writeProblem(w, newProblem(http.StatusUnauthorized, CodeUnauthenticated, "missing or invalid credentials"))
			return
		}
		status, v, err := h(r.Context(), id, w, r)
		if err != nil {
			writeProblem(w, problemFor(err, s.lang))
			return
		}
		if status == 0 {
			return // the handler wrote the response itself
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	})
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
}

type createSessionRequest struct {
	Product string `json:"product"`
}

type choiceRequest struct {
	Var   string `json:"var"`
	Value string `json:"value"`
}

// model returns the model of a product of the catalog in force today,
// checking first that the catalog has it, so that unknown SKUs are not
// compiled (nor remembered).
func (s *server) model(ctx context.Context, sku string) (*configurator.Model, error) {
	if sku == "" {
		return nil, invalid("product is required")
	}
	cat, err := s.kit.Catalog(s.now())
	if err != nil {
		return nil, err
	}
	p, err := cat.Product(sku)
	if err != nil {
		return nil, err
	}
	if !p.IsConfigurable() {
		return nil, errors.Join(catalog.ErrNotFound, errors.New("product "+sku+" is not configurable"))
	}
	return s.kit.Model(ctx, sku)
}

// load restores a stored session into a fresh session of its model.
func (s *server) load(ctx context.Context, id Identity, sid string) (*configurator.Session, int64, error) {
	state, version, err := s.sessions.Get(ctx, id.Tenant, sid)
	if err != nil {
		return nil, 0, err
	}
	var snap configurator.Snapshot
	if err := json.Unmarshal(state, &snap); err != nil {
		return nil, 0, fmt.Errorf("session %s: %w", sid, err)
	}
	m, err := s.model(ctx, snap.Product)
	if err != nil {
		return nil, 0, err
	}
	sess := m.NewSession()
	if err := sess.Restore(snap); err != nil {
		return nil, 0, err
	}
	return sess, version, nil
}

// put stores a session's snapshot as JSON.
func (s *server) put(ctx context.Context, id Identity, sid string, sess *configurator.Session, version int64) (int64, error) {
	state, err := json.Marshal(sess.Snapshot())
	if err != nil {
		return 0, err
	}
	return s.sessions.Put(ctx, id.Tenant, sid, state, version)
}

func (s *server) view(sid string, version int64, sess *configurator.Session) (*Session, error) {
	domains, err := sess.ValidDomains()
	if err != nil {
		return nil, err
	}
	choices := sess.Choices()
	if choices == nil {
		choices = []configurator.Choice{}
	}
	return &Session{ID: sid, Product: sess.Model().Name(), Version: version, Choices: choices, Domains: domains, Complete: sess.IsComplete()}, nil
}

func (s *server) createSession(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req createSessionRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	m, err := s.model(ctx, req.Product)
	if err != nil {
		return 0, nil, err
	}
	sess := m.NewSession()
	sid := rand.Text()
	version, err := s.put(ctx, id, sid, sess, 0)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.view(sid, version, sess)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/v1/sessions/"+sid)
	return http.StatusCreated, v, nil
}

func (s *server) getSession(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	sid := r.PathValue("id")
	sess, version, err := s.load(ctx, id, sid)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.view(sid, version, sess)
	return http.StatusOK, v, err
}

// change applies a change to a stored session and stores the result; a
// refused change stores nothing.
func (s *server) change(ctx context.Context, id Identity, sid string, f func(*configurator.Session) error) (int, any, error) {
	sess, version, err := s.load(ctx, id, sid)
	if err != nil {
		return 0, nil, err
	}
	if err := f(sess); err != nil {
		return 0, nil, err
	}
	version, err = s.put(ctx, id, sid, sess, version)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.view(sid, version, sess)
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
	return s.change(ctx, id, r.PathValue("id"), func(sess *configurator.Session) error {
		return sess.Set(req.Var, req.Value)
	})
}

func (s *server) unsetChoice(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.change(ctx, id, r.PathValue("id"), func(sess *configurator.Session) error {
		return sess.Unset(r.PathValue("var"))
	})
}

func (s *server) explain(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	variable, value := r.URL.Query().Get("var"), r.URL.Query().Get("value")
	if variable == "" || value == "" {
		return 0, nil, invalid("the var and value query parameters are required")
	}
	sess, _, err := s.load(ctx, id, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	e, err := sess.Explain(variable, value)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Explanation{Explanation: e, Text: e.Text(s.lang)}, nil
}

func (s *server) complete(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	sess, _, err := s.load(ctx, id, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	c, err := sess.Complete(configurator.Strategy{})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c, nil
}

// Me is the answer of GET /v1/me.
type Me struct {
	Tenant string `json:"tenant"`
	User   string `json:"user"`
}

func (s *server) me(_ context.Context, id Identity, _ http.ResponseWriter, _ *http.Request) (int, any, error) {
	return http.StatusOK, Me{Tenant: id.Tenant, User: id.User}, nil
}
