package crm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/quote"
)

// Order is what the ERP receives when a quote is accepted: the lines the
// customer took with their prices and full configurations, the terms, and
// the seal of the accepted revision with the content it seals, so that the
// ERP can check that the order is what the customer accepted (Verify).
type Order struct {
	// Key is the idempotency key: the ID of the ordered event.
	Key         string        `json:"key"`
	Tenant      string        `json:"tenant"`
	QuoteID     string        `json:"quote_id"`
	QuoteNumber string        `json:"quote_number"`
	Revision    int           `json:"revision"`
	Opportunity string        `json:"opportunity,omitempty"`
	Account     quote.Party   `json:"account"`
	Contacts    []Contact     `json:"contacts,omitempty"`
	BillTo      quote.Address `json:"bill_to"`
	ShipTo      quote.Address `json:"ship_to"`
	Owner       string        `json:"owner,omitempty"`
	Currency    string        `json:"currency"`
	// PaymentTerms, PaymentDays, DeliveryTerms and TermMonths are the
	// commercial terms of the quote.
	PaymentTerms  string       `json:"payment_terms,omitempty"`
	PaymentDays   int          `json:"payment_days,omitempty"`
	DeliveryTerms string       `json:"delivery_terms,omitempty"`
	TermMonths    int          `json:"term_months,omitempty"`
	Terms         []quote.Term `json:"terms,omitempty"`
	// Lines are the lines that count in the quote's totals: optional
	// lines not taken and alternatives not chosen are left out.
	Lines  []OrderLine `json:"lines"`
	Totals OrderTotals `json:"totals"`
	// AcceptedBy and AcceptedAt say who accepted the quote and when.
	AcceptedBy string    `json:"accepted_by,omitempty"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
	// Seal is the seal of the accepted revision, and Content the
	// canonical content it is the SHA-256 of (see quote.Quote.Content).
	Seal    string `json:"seal"`
	Content string `json:"content"`
}

// OrderLine is one line of an order.
type OrderLine struct {
	ID          string          `json:"id"`
	Product     string          `json:"product"`
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit,omitempty"`
	// Parent is the line this one is an option of.
	Parent        string          `json:"parent,omitempty"`
	ListUnitPrice decimal.Decimal `json:"list_unit_price"`
	UnitPrice     decimal.Decimal `json:"unit_price"`
	NetTotal      decimal.Decimal `json:"net_total"`
	Recurring     bool            `json:"recurring,omitempty"`
	TermMonths    int             `json:"term_months,omitempty"`
	// Configuration is the line's full configuration, as accepted.
	Configuration []quote.ConfigValue `json:"configuration,omitempty"`
}

// OrderTotals are the order's totals, as on the accepted quote.
type OrderTotals struct {
	Net       decimal.Decimal `json:"net"`
	Tax       decimal.Decimal `json:"tax"`
	Grand     decimal.Decimal `json:"grand"`
	OneTime   decimal.Decimal `json:"one_time"`
	Recurring decimal.Decimal `json:"recurring"`
}

// NewOrder builds the order of a quote revision, with the given
// idempotency key. The Recorder builds it when a quote is ordered; a host
// may build one to show what will be sent.
func NewOrder(q *quote.Quote, key string) *Order {
	h := q.Header
	o := &Order{
		Key: key, Tenant: q.Tenant, QuoteID: q.ID, QuoteNumber: q.Number, Revision: q.Revision,
		Opportunity: h.Opportunity, Account: h.Account, Contacts: slices.Clone(h.Contacts),
		BillTo: h.BillTo, ShipTo: h.ShipTo, Owner: h.Owner, Currency: h.Currency,
		PaymentTerms: h.PaymentTerms, PaymentDays: h.PaymentDays, DeliveryTerms: h.DeliveryTerms, TermMonths: h.TermMonths,
		Terms: slices.Clone(q.Terms),
		Totals: OrderTotals{
			Net: q.Totals.Net, Tax: q.Totals.Tax, Grand: q.Totals.Grand,
			OneTime: q.Totals.OneTime, Recurring: q.Totals.Recurring,
		},
		Seal:    q.Seal,
		Content: string(q.Content()),
	}
	for _, t := range q.History {
		if t.Revision == q.Revision && t.To == quote.StatusAccepted {
			o.AcceptedBy, o.AcceptedAt = t.Actor, t.At
		}
	}
	for _, l := range q.Lines {
		if !l.Counts() {
			continue
		}
		o.Lines = append(o.Lines, OrderLine{
			ID: l.ID, Product: l.Product, Name: l.Name, Description: l.Description,
			Quantity: l.Quantity, Unit: l.Unit, Parent: l.Parent,
			ListUnitPrice: l.Price.ListUnitPrice, UnitPrice: l.Price.UnitPrice, NetTotal: l.Price.NetTotal,
			Recurring: l.Price.Recurring, TermMonths: l.Price.TermMonths,
			Configuration: slices.Clone(l.Configuration),
		})
	}
	return o
}

// sealedContent is the part of quote.Quote.Content an order is checked
// against.
type sealedContent struct {
	Number   string `json:"number"`
	Revision int    `json:"revision"`
	Header   struct {
		Currency string `json:"currency"`
	} `json:"header"`
	Lines []struct {
		ID            string              `json:"id"`
		Product       string              `json:"product"`
		Quantity      decimal.Decimal     `json:"quantity"`
		Optional      bool                `json:"optional"`
		Alternative   string              `json:"alternative"`
		Selected      bool                `json:"selected"`
		Configuration []quote.ConfigValue `json:"configuration"`
		UnitPrice     decimal.Decimal     `json:"unit_price"`
		NetTotal      decimal.Decimal     `json:"net_total"`
	} `json:"lines"`
	Totals struct {
		Net   decimal.Decimal `json:"net"`
		Grand decimal.Decimal `json:"grand"`
	} `json:"totals"`
}

// Verify checks the order against the seal of the accepted revision: the
// content's SHA-256 must be the seal, and the order's quote number,
// revision, currency, totals and lines (products, quantities, prices and
// configurations) must be those of the content. Any difference is an
// error wrapping quote.ErrSealMismatch naming it.
func (o *Order) Verify() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("order for quote %s revision %d: %s: %w", o.QuoteNumber, o.Revision, fmt.Sprintf(format, args...), quote.ErrSealMismatch)
	}
	sum := sha256.Sum256([]byte(o.Content))
	if got := quote.SealPrefix + hex.EncodeToString(sum[:]); got != o.Seal {
		return fail("content hashes to %s, not the seal %s", got, o.Seal)
	}
	var c sealedContent
	if err := json.Unmarshal([]byte(o.Content), &c); err != nil {
		return fail("content is not a quote's sealed content: %v", err)
	}
	switch {
	case c.Number != o.QuoteNumber || c.Revision != o.Revision:
		return fail("the seal is of quote %s revision %d", c.Number, c.Revision)
	case c.Header.Currency != o.Currency:
		return fail("currency %s, sealed %s", o.Currency, c.Header.Currency)
	case !c.Totals.Net.Equal(o.Totals.Net) || !c.Totals.Grand.Equal(o.Totals.Grand):
		return fail("totals net %s grand %s, sealed net %s grand %s", o.Totals.Net, o.Totals.Grand, c.Totals.Net, c.Totals.Grand)
	}
	lines := map[string]OrderLine{}
	for _, l := range o.Lines {
		if _, dup := lines[l.ID]; dup {
			return fail("line %s appears twice", l.ID)
		}
		lines[l.ID] = l
	}
	for _, s := range c.Lines {
		counts := !(s.Optional && !s.Selected) && !(s.Alternative != "" && !s.Selected)
		l, ok := lines[s.ID]
		switch {
		case !counts && ok:
			return fail("line %s was not taken by the customer", s.ID)
		case !counts:
			continue
		case !ok:
			return fail("line %s is missing", s.ID)
		case l.Product != s.Product:
			return fail("line %s is product %s, sealed %s", l.ID, l.Product, s.Product)
		case !l.Quantity.Equal(s.Quantity):
			return fail("line %s quantity %s, sealed %s", l.ID, l.Quantity, s.Quantity)
		case !l.UnitPrice.Equal(s.UnitPrice) || !l.NetTotal.Equal(s.NetTotal):
			return fail("line %s price %s (net %s), sealed %s (net %s)", l.ID, l.UnitPrice, l.NetTotal, s.UnitPrice, s.NetTotal)
		case !slices.Equal(l.Configuration, s.Configuration) && (len(l.Configuration) > 0 || len(s.Configuration) > 0):
			return fail("line %s configuration differs from the sealed one", l.ID)
		}
		delete(lines, s.ID)
	}
	for id := range lines {
		return fail("line %s is not in the sealed quote", id)
	}
	return nil
}
