package cpqhttp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// DefaultSessionLife is how long the sessions of the default in-memory
// store live unwritten.
const DefaultSessionLife = 24 * time.Hour

// DefaultMaxBody is the largest request body accepted when Config.MaxBody
// is zero: 1 MiB.
const DefaultMaxBody = 1 << 20

// DefaultMaxVerifications is how many documents POST /v1/verify reads at
// once when Config.MaxVerifications is zero.
const DefaultMaxVerifications = 4

// Config is what New serves.
type Config struct {
	// Kit answers every request. Required.
	Kit *cpq.Kit
	// Authenticator tells the tenant and user of every request. Required.
	Authenticator Authenticator
	// Sessions keeps configuration sessions; nil means a memory.Sessions
	// whose sessions expire after DefaultSessionLife unwritten, which
	// suits a single instance only. Instances that share a database
	// share its sessions (sqlite.Store.Sessions, postgres.Store.Sessions).
	Sessions SessionStore
	// MaxBody bounds request bodies, in bytes; zero means DefaultMaxBody.
	MaxBody int64
	// Now tells the time of the API: the catalog version in force, the
	// date of price previews and recalculations. Nil means the Kit's
	// clock, which dates everything else; give another only for tests.
	Now func() time.Time
	// Language is the language of explanations; empty means "en".
	Language string
	// WebUI serves the reference web user interface at / when true. The
	// interface calls the API with the browser's credentials (a cookie the
	// host's Authenticator reads; see TokenAuthenticator.Cookie).
	WebUI bool
	// LoginURL is where the web interface sends a user who is not signed
	// in (with the page to come back to as ?next=); empty means it only
	// says so.
	LoginURL string
	// TrustedOrigins are origins besides the server's own (e.g.
	// "https://crm.example.com") whose pages may send the API requests
	// that change something. Requests a browser marks as cross-site from
	// any other origin are refused with 403 (request.cross_origin), which
	// protects cookie-authenticated users from cross-site request forgery;
	// requests without a browser's Origin or Sec-Fetch-Site header (other
	// servers, curl) are not affected.
	TrustedOrigins []string
	// MaxVerifications bounds how many documents POST /v1/verify reads at
	// once (each up to MaxDocumentBody bytes); zero means
	// DefaultMaxVerifications. A request beyond it is answered 503
	// (request.busy, with Retry-After) without reading its body.
	MaxVerifications int
}

type server struct {
	kit      *cpq.Kit
	auth     Authenticator
	sessions SessionStore
	maxBody  int64
	now      func() time.Time
	lang     string
	// verifying holds a token per document POST /v1/verify is reading.
	verifying chan struct{}
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
		s.sessions = memory.NewSessions().ExpireAfter(DefaultSessionLife)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.now == nil {
		s.now = cfg.Kit.Now
	}
	if s.lang == "" {
		s.lang = "en"
	}
	n := cfg.MaxVerifications
	if n <= 0 {
		n = DefaultMaxVerifications
	}
	s.verifying = make(chan struct{}, n)
	mux := &api{ServeMux: http.NewServeMux()}
	for _, rt := range s.routes() {
		mux.register(rt.Method+" "+rt.Pattern, s.handle(rt.handler))
	}
	mux.register("GET /openapi.json", http.HandlerFunc(s.openAPI))
	if cfg.WebUI {
		if err := s.registerUI(mux, cfg.LoginURL); err != nil {
			return nil, err
		}
	}
	mux.register("/", s.handle(func(_ context.Context, _ Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
		if allow := mux.allowed(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return 0, nil, newProblem(http.StatusMethodNotAllowed, CodeMethodNotAllowed, r.Method+" is not served at "+r.URL.Path+"; "+strings.Join(allow, ", ")+" are")
		}
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

// allowed returns the methods the mux serves at the request's path
// (besides the catch-all).
func (a *api) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.ServeMux.Handler(probe); pattern != "/" && pattern != "" {
			out = append(out, m)
		}
	}
	return out
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
	// Body is a value of the request body's type, if the route takes
	// one: a Go value it decodes from JSON, an optional such value, or a
	// document.
	Body any
	// Status is the status of a success, and Resp a value of the type
	// the route answers: a Go value it encodes as JSON, or a document.
	Status  int
	Resp    any
	handler handlerFunc
}

// routes returns every authenticated endpoint of the API.
func (s *server) routes() []route {
	return []route{
		{"GET", "/v1/me", "Who the credentials name: tenant and user", nil, http.StatusOK, Me{}, s.me},
		{"GET", "/v1/catalogs", "The catalog's versions, and which is in force today", nil, http.StatusOK, Catalogs{}, s.catalogs},
		{"GET", "/v1/products", "The products of the catalog in force, with labels", nil, http.StatusOK, Products{}, s.products},
		{"GET", "/v1/products/{sku}", "A product's form: attributes, feature groups, packages, questionnaires, with labels", nil, http.StatusOK, ProductForm{}, s.product},
		{"POST", "/v1/sessions", "Start a configuration session", createSessionRequest{}, http.StatusCreated, Session{}, s.createSession},
		{"GET", "/v1/sessions/{id}", "A session's choices, answers and valid domains", nil, http.StatusOK, Session{}, s.getSession},
		{"POST", "/v1/sessions/{id}/choices", "Choose a value", choiceRequest{}, http.StatusOK, Session{}, s.setChoice},
		{"DELETE", "/v1/sessions/{id}/choices/{var}", "Withdraw a choice", nil, http.StatusOK, Session{}, s.unsetChoice},
		{"POST", "/v1/sessions/{id}/quantities", "Set an option's quantity", QuantityRequest{}, http.StatusOK, Session{}, s.setQuantity},
		{"POST", "/v1/sessions/{id}/undo", "Take back the session's last change", nil, http.StatusOK, Session{}, s.undo},
		{"GET", "/v1/sessions/{id}/explain", "Why a value is withheld", nil, http.StatusOK, Explanation{}, s.explain},
		{"POST", "/v1/sessions/{id}/complete", "A complete valid configuration", nil, http.StatusOK, configurator.Configuration{}, s.complete},
		{"GET", "/v1/sessions/{id}/questionnaire", "The next question with its answers, and every question's state", nil, http.StatusOK, Questionnaire{}, s.questionnaire},
		{"POST", "/v1/sessions/{id}/answers", "Answer a question, or change its answer", AnswerRequest{}, http.StatusOK, Session{}, s.answer},
		{"DELETE", "/v1/sessions/{id}/answers/{question}", "Withdraw an answer", nil, http.StatusOK, Session{}, s.clearAnswer},
		{"GET", "/v1/sessions/{id}/packages", "The product's packages and which apply without dropping a choice", nil, http.StatusOK, Packages{}, s.packages},
		{"POST", "/v1/sessions/{id}/packages/{package}", "Apply a package", nil, http.StatusOK, Session{}, s.applyPackage},
		{"GET", "/v1/sessions/{id}/suggestions", "The up-sells and cross-sells on offer", nil, http.StatusOK, Suggestions{}, s.suggestions},
		{"POST", "/v1/sessions/{id}/suggestions/{sid}/accept", "Accept a suggestion", nil, http.StatusOK, Session{}, s.acceptSuggestion},
		{"POST", "/v1/sessions/{id}/suggestions/{sid}/dismiss", "Dismiss a suggestion", nil, http.StatusOK, Session{}, s.dismissSuggestion},
		{"GET", "/v1/sessions/{id}/recommendations", "The products and packages that fit the answers, ranked", nil, http.StatusOK, Recommendations{}, s.recommendations},
		{"POST", "/v1/price", "Price lines without storing them", PriceRequest{}, http.StatusOK, pricing.Result{}, s.price},
		{"GET", "/v1/quotes", "The tenant's quotes, a page at a time", nil, http.StatusOK, QuotePage{}, s.listQuotes},
		{"POST", "/v1/quotes", "Make, price and store a draft quote", QuoteRequest{}, http.StatusCreated, quote.Quote{}, s.createQuote},
		{"POST", "/v1/quotes/from-opportunity", "Make a draft quote from a CRM opportunity", OpportunityRequest{}, http.StatusCreated, Prefilled{}, s.fromOpportunity},
		{"GET", "/v1/quotes/{id}", "A quote of the tenant", nil, http.StatusOK, quote.Quote{}, s.getQuote},
		{"PUT", "/v1/quotes/{id}", "Edit and reprice a draft quote (If-Match: version)", QuoteRequest{}, http.StatusOK, quote.Quote{}, s.updateQuote},
		{"POST", "/v1/quotes/{id}/lines", "Add a line and reprice (If-Match: version)", QuoteLine{}, http.StatusOK, quote.Quote{}, s.addLine},
		{"DELETE", "/v1/quotes/{id}/lines/{line}", "Remove a line and reprice (If-Match: version)", nil, http.StatusOK, quote.Quote{}, s.removeLine},
		{"POST", "/v1/quotes/{id}/recalculate", "Price a draft again (If-Match: version)", optional{RecalculateRequest{}}, http.StatusOK, Recalculated{}, s.recalculate},
		{"GET", "/v1/quotes/{id}/revisions", "Every revision of a quote", nil, http.StatusOK, Revisions{}, s.revisions},
		{"GET", "/v1/quotes/{id}/revisions/{rev}", "One revision of a quote, as last stored", nil, http.StatusOK, quote.Quote{}, s.revision},
		{"POST", "/v1/quotes/{id}/revise", "Start a new revision of a locked quote", nil, http.StatusOK, quote.Quote{}, s.revise},
		{"GET", "/v1/quotes/{id}/diff", "What changed between two revisions", nil, http.StatusOK, quote.Diff{}, s.diff},
		{"POST", "/v1/quotes/{id}/clone", "Make a new draft quote from this one", nil, http.StatusCreated, Cloned{}, s.clone},
		{"GET", "/v1/quotes/{id}/verify", "Whether the stored content matches its seal", nil, http.StatusOK, SealCheck{}, s.verifyQuote},
		{"POST", "/v1/verify", "Whether a document (PDF, HTML, JSON) matches the stored quote", verifiable, http.StatusOK, DocumentCheck{}, s.verifyDocument},
		{"GET", "/v1/quotes/{id}/approvals", "A quote's approvals and audit trail", nil, http.StatusOK, Approvals{}, s.approvals},
		{"GET", "/v1/quotes/{id}/approvals/preview", "The approvals a submission would need, and discount guidance", nil, http.StatusOK, approval.Preview{}, s.previewApprovals},
		{"GET", "/v1/approvals/inbox", "The pending steps the user may decide now, as an assignee or a delegate", nil, http.StatusOK, Inbox{}, s.inbox},
		{"POST", "/v1/quotes/{id}/submit", "Submit the quote for approval", optional{ApprovalRequest{}}, http.StatusOK, approval.Approval{}, s.submit},
		{"POST", "/v1/quotes/{id}/steps/{step}/approve", "Approve a step", DecisionRequest{}, http.StatusOK, approval.Approval{}, s.approve},
		{"POST", "/v1/quotes/{id}/steps/{step}/reject", "Reject a step", DecisionRequest{}, http.StatusOK, approval.Approval{}, s.reject},
		{"POST", "/v1/quotes/{id}/steps/{step}/reassign", "Hand an assignee's part of a step to another user", ReassignRequest{}, http.StatusOK, approval.Approval{}, s.reassign},
		{"POST", "/v1/quotes/{id}/recall", "Take a pending approval back", optional{ApprovalRequest{}}, http.StatusOK, approval.Approval{}, s.recall},
		{"POST", "/v1/quotes/{id}/present", "Present the quote, through the approval gate", optional{ApprovalRequest{}}, http.StatusOK, quote.Quote{}, s.present},
		{"GET", "/v1/quotes/{id}/document", "The quote's document (html, json, csv, pdf)", nil, http.StatusOK, quoteDocument, s.document},
		{"GET", "/v1/delegations", "The delegations given by or to the user", nil, http.StatusOK, Delegations{}, s.delegations},
		{"POST", "/v1/delegations", "Let another user decide one's steps for a period", DelegationRequest{}, http.StatusCreated, Delegation{}, s.delegate},
		{"DELETE", "/v1/delegations/{id}", "Revoke a delegation", nil, http.StatusOK, Delegation{}, s.revokeDelegation},
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
			writeProblem(w, problemFor(err, s.problemLanguage(r)))
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

// Me is the answer of GET /v1/me.
type Me struct {
	Tenant string `json:"tenant"`
	User   string `json:"user"`
}

func (s *server) me(_ context.Context, id Identity, _ http.ResponseWriter, _ *http.Request) (int, any, error) {
	return http.StatusOK, Me{Tenant: id.Tenant, User: id.User}, nil
}

// problemLanguage is the language of a problem's explanation: the
// request's lang parameter when it names a language, else the server's.
// Texts a catalog lacks in it fall back to English.
func (s *server) problemLanguage(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" && len(l) <= 16 {
		return l
	}
	return s.lang
}
