package cpqhttp

import (
	"context"
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/pricing"
)

// PriceRequest is a pricing preview: lines with their configurations,
// priced today by the catalog version in force, without storing anything.
type PriceRequest struct {
	Currency  string      `json:"currency,omitempty"`
	PriceBook string      `json:"price_book,omitempty"`
	Customer  Customer    `json:"customer,omitzero"`
	Lines     []PriceLine `json:"lines"`
}

// Customer is who a price preview is for, as price rules and contracted
// prices see it.
type Customer struct {
	ID      string `json:"id,omitempty"`
	Segment string `json:"segment,omitempty"`
	Region  string `json:"region,omitempty"`
	Country string `json:"country,omitempty"`
}

// PriceLine is one line of a PriceRequest.
type PriceLine struct {
	ID       string          `json:"id,omitempty"`
	Product  string          `json:"product"`
	Quantity decimal.Decimal `json:"quantity"`
	Unit     string          `json:"unit,omitempty"`
	Group    string          `json:"group,omitempty"`
	// Values is the configuration: attribute and option values by ID.
	Values map[string]string `json:"values,omitempty"`
}

func (s *server) price(ctx context.Context, _ Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req PriceRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if len(req.Lines) == 0 {
		return 0, nil, invalid("at least one line is required")
	}
	now := s.now()
	engine, err := s.kit.Pricing(now)
	if err != nil {
		return 0, nil, err
	}
	preq := pricing.Request{Currency: req.Currency, PriceBook: req.PriceBook, Customer: pricing.Customer(req.Customer), Date: now}
	for i, l := range req.Lines {
		if l.Product == "" {
			return 0, nil, invalid("line %d: product is required", i+1)
		}
		preq.Lines = append(preq.Lines, pricing.Line{ID: l.ID, Product: l.Product, Quantity: l.Quantity, Unit: l.Unit, Group: l.Group, Values: l.Values})
	}
	res, err := engine.Price(ctx, preq)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, res, nil
}
