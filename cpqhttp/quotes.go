package cpqhttp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
)

// QuoteRequest makes a draft quote, owned by the authenticated user in the
// user's tenant, priced today and stored.
type QuoteRequest struct {
	Title    string      `json:"title,omitempty"`
	Account  quote.Party `json:"account"`
	Currency string      `json:"currency,omitempty"`
	Lines    []QuoteLine `json:"lines,omitempty"`
}

// QuoteLine is one line of a QuoteRequest.
type QuoteLine struct {
	// ID names the line; POST /v1/quotes/{id}/lines gives a line without
	// one the smallest whole number no line has.
	ID       string          `json:"id,omitempty"`
	Product  string          `json:"product"`
	Name     string          `json:"name,omitempty"`
	Quantity decimal.Decimal `json:"quantity"`
	// Configuration is the line's configuration, as a session's complete
	// configuration gives it.
	Configuration []quote.ConfigValue `json:"configuration,omitempty"`
	// Adjustment is the salesperson's manual discount or price.
	Adjustment quote.Adjustment `json:"adjustment,omitzero"`
}

// check refuses a request without an account or with a line without an ID
// or a product.
func (req *QuoteRequest) check() error {
	if req.Account.ID == "" {
		return invalid("account.id is required")
	}
	for i, l := range req.Lines {
		if l.ID == "" || l.Product == "" {
			return invalid("line %d: id and product are required", i+1)
		}
	}
	return nil
}

func (req *QuoteRequest) quoteLines() []quote.Line {
	var lines []quote.Line
	for _, l := range req.Lines {
		lines = append(lines, quote.Line{ID: l.ID, Product: l.Product, Name: l.Name, Quantity: l.Quantity, Configuration: l.Configuration, Adjustment: l.Adjustment})
	}
	return lines
}

func (s *server) createQuote(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req QuoteRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if err := req.check(); err != nil {
		return 0, nil, err
	}
	q, err := s.kit.CreateQuote(ctx, id.Tenant, id.User, quote.Header{Title: req.Title, Account: req.Account, Currency: req.Currency}, req.quoteLines())
	if err != nil {
		return 0, nil, err
	}
	if q, err = s.kit.Store().Get(ctx, id.Tenant, q.ID); err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/v1/quotes/"+q.ID)
	w.Header().Set("ETag", etag(q))
	return http.StatusCreated, q, nil
}

func (s *server) getQuote(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("ETag", etag(q))
	return http.StatusOK, q, nil
}

// QuoteSummary is a quote as a listing shows it.
type QuoteSummary struct {
	ID          string       `json:"id"`
	Number      string       `json:"number"`
	Revision    int          `json:"revision"`
	Version     int64        `json:"version"`
	Status      quote.Status `json:"status"`
	Title       string       `json:"title,omitempty"`
	Account     quote.Party  `json:"account"`
	Opportunity string       `json:"opportunity,omitempty"`
	Owner       string       `json:"owner"`
	Currency    string       `json:"currency"`
	Net         string       `json:"net"`
	ValidUntil  time.Time    `json:"valid_until"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// QuotePage is the answer of GET /v1/quotes: a page of the tenant's
// quotes, by number; Next is the cursor of the following page, absent on
// the last.
type QuotePage struct {
	Quotes []QuoteSummary `json:"quotes"`
	Next   string         `json:"next,omitempty"`
}

// statuses are the statuses a listing may filter on.
var statuses = []quote.Status{quote.StatusDraft, quote.StatusInReview, quote.StatusApproved, quote.StatusRejected,
	quote.StatusPresented, quote.StatusAccepted, quote.StatusDeclined, quote.StatusExpired, quote.StatusOrdered, quote.StatusCancelled}

// listQuotes lists the tenant's quotes, filtered by ?status= (one or more,
// repeated or comma-separated), ?owner=, ?opportunity=, a page of ?limit=
// at a time from ?cursor=.
func (s *server) listQuotes(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	query := r.URL.Query()
	f := quote.Filter{Owner: query.Get("owner"), Opportunity: query.Get("opportunity"), Cursor: query.Get("cursor")}
	for _, v := range query["status"] {
		for _, st := range strings.Split(v, ",") {
			st := quote.Status(strings.TrimSpace(st))
			if !slices.Contains(statuses, st) {
				return 0, nil, invalid("status %q is not a quote status", st)
			}
			f.Status = append(f.Status, st)
		}
	}
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > quote.MaxPageSize {
			return 0, nil, invalid("limit must be a number from 1 to %d", quote.MaxPageSize)
		}
		f.Limit = n
	}
	page, err := s.kit.Store().List(ctx, id.Tenant, f)
	if errors.Is(err, quote.ErrInvalid) {
		return 0, nil, invalid("the cursor is not one a listing gave")
	}
	if err != nil {
		return 0, nil, err
	}
	out := QuotePage{Quotes: []QuoteSummary{}, Next: page.Next}
	for _, q := range page.Quotes {
		out.Quotes = append(out.Quotes, QuoteSummary{ID: q.ID, Number: q.Number, Revision: q.Revision, Version: q.Version,
			Status: q.Status, Title: q.Header.Title, Account: q.Header.Account, Opportunity: q.Header.Opportunity,
			Owner: q.Header.Owner, Currency: q.Header.Currency, Net: q.Totals.Net.String(), ValidUntil: q.Header.ValidUntil, UpdatedAt: q.UpdatedAt})
	}
	return http.StatusOK, out, nil
}

// OpportunityRequest makes a quote from a CRM opportunity.
type OpportunityRequest struct {
	Opportunity string `json:"opportunity"`
}

// Prefilled is the answer of POST /v1/quotes/from-opportunity: the draft
// quote stored, owned by the opportunity's owner as the CRM names it,
// and the questionnaire answers the CRM's fields gave, with the fields
// that were missing or mapped to no answer.
type Prefilled struct {
	Quote    *quote.Quote       `json:"quote"`
	Answers  []crm.MappedAnswer `json:"answers"`
	Unmapped []string           `json:"unmapped"`
	// Primary is set when the quote became the opportunity's primary
	// quote.
	Primary bool `json:"primary"`
}

func (s *server) fromOpportunity(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req OpportunityRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.Opportunity == "" {
		return 0, nil, invalid("opportunity is required")
	}
	pf, err := s.kit.Prefill(ctx, id.Tenant, req.Opportunity)
	if err != nil {
		return 0, nil, err
	}
	q, err := s.kit.Store().Get(ctx, id.Tenant, pf.Quote.ID)
	if err != nil {
		return 0, nil, err
	}
	out := Prefilled{Quote: q, Answers: pf.Answers, Unmapped: pf.Unmapped, Primary: pf.Primary}
	if out.Answers == nil {
		out.Answers = []crm.MappedAnswer{}
	}
	if out.Unmapped == nil {
		out.Unmapped = []string{}
	}
	w.Header().Set("Location", "/v1/quotes/"+q.ID)
	w.Header().Set("ETag", etag(q))
	return http.StatusCreated, out, nil
}
