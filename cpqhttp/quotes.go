package cpqhttp

import (
	"context"
	"net/http"

	"github.com/shopspring/decimal"

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
	ID       string          `json:"id"`
	Product  string          `json:"product"`
	Name     string          `json:"name,omitempty"`
	Quantity decimal.Decimal `json:"quantity"`
	// Configuration is the line's configuration, as a session's complete
	// configuration gives it.
	Configuration []quote.ConfigValue `json:"configuration,omitempty"`
	// Adjustment is the salesperson's manual discount or price.
	Adjustment quote.Adjustment `json:"adjustment"`
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
	// Check the lines price before anything is stored.
	probe := &quote.Quote{Tenant: id.Tenant, Status: quote.StatusDraft, Revision: 1, Header: quote.Header{Title: req.Title, Account: req.Account, Currency: req.Currency, Owner: id.User}}
	probe.Lines = req.quoteLines()
	if err := s.kit.PriceQuote(ctx, probe); err != nil {
		return 0, nil, err
	}
	q, err := s.kit.NewQuote(ctx, id.Tenant, id.User, quote.Header{Title: req.Title, Account: req.Account, Currency: req.Currency})
	if err != nil {
		return 0, nil, err
	}
	if len(probe.Lines) > 0 {
		q.Lines = probe.Lines
		if err := s.kit.PriceQuote(ctx, q); err != nil {
			return 0, nil, err
		}
		if err := s.kit.SaveQuote(ctx, id.User, q); err != nil {
			return 0, nil, err
		}
		if q, err = s.kit.Store().Get(ctx, id.Tenant, q.ID); err != nil {
			return 0, nil, err
		}
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
