package crm

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/quote"
)

// Errors a caller may branch on.
var (
	// ErrNotFound: the CRM has no opportunity with that ID in the tenant.
	ErrNotFound = errors.New("opportunity not found")
	// ErrMissingField: the CRM lacks a field the quote needs; the error
	// names every field missing.
	ErrMissingField = errors.New("required field missing in the CRM")
	// ErrMapping: a field mapping names a question, answer or field that
	// does not exist, or a CRM value maps to no answer.
	ErrMapping = errors.New("invalid field mapping")
	// ErrNotReleased: the approval gate does not release the quote, so it
	// cannot be presented, accepted or ordered.
	ErrNotReleased = errors.New("quote not released by the approval gate")
	// ErrPermanent marks a delivery error that retrying cannot cure (a
	// payload the receiver refuses, a missing sink): the dispatcher
	// dead-letters the event at once. See Permanent.
	ErrPermanent = errors.New("permanent delivery failure")
	// ErrNoOrderSink: an order event reached a handler without an
	// OrderSink.
	ErrNoOrderSink = errors.New("no order sink to hand the order to")
)

// Source is the host's CRM as the quote reads it.
type Source interface {
	// Opportunity returns the opportunity with its account and contacts,
	// or an error wrapping ErrNotFound.
	Opportunity(ctx context.Context, tenant, id string) (*Opportunity, error)
}

// Sink is the host's CRM as the quote updates it. Each call carries an
// idempotency key (the event's ID): the outbox delivers at least once, so a
// sink sees a key again after a lost answer and must apply it only once.
// Calls for one quote arrive in the order of its changes; calls for
// different quotes of one opportunity may interleave, so the sink decides
// by its own record of the primary quote (see UpdateOpportunity).
type Sink interface {
	// UpdateOpportunity records the quote's state on the opportunity.
	// When the quote is the opportunity's primary quote, the opportunity
	// follows it: amount, status, lines and expected margin. A quote that
	// is not primary must not change them.
	UpdateOpportunity(ctx context.Context, u OpportunityUpdate) error
	// SetPrimary makes the quote its opportunity's primary quote, and
	// every other quote of the opportunity not primary: exactly one
	// primary quote per opportunity. The opportunity then follows it, as
	// in UpdateOpportunity.
	SetPrimary(ctx context.Context, u OpportunityUpdate) error
}

// OrderSink is the host's ERP. SubmitOrder must apply an order's key only
// once. An ERP should check Order.Verify before it books the order.
type OrderSink interface {
	SubmitOrder(ctx context.Context, o Order) error
}

// Opportunity is a deal as the CRM knows it.
type Opportunity struct {
	ID       string    `json:"id"`
	Name     string    `json:"name,omitempty"`
	Account  Account   `json:"account"`
	Contacts []Contact `json:"contacts,omitempty"`
	Stage    string    `json:"stage,omitempty"`
	// Owner is the salesperson who owns the deal.
	Owner string `json:"owner,omitempty"`
	// Currency is the opportunity's currency, when the CRM sets one; the
	// account's takes precedence.
	Currency  string    `json:"currency,omitempty"`
	CloseDate time.Time `json:"close_date,omitzero"`
	// Needs describes what the customer needs, as the salesperson wrote
	// it down.
	Needs string `json:"needs,omitempty"`
	// Fields are the CRM's custom fields, by name.
	Fields map[string]string `json:"fields,omitempty"`
	// PrimaryQuote is the ID of the opportunity's primary quote, if any.
	PrimaryQuote string `json:"primary_quote,omitempty"`
}

// Account is the customer of an opportunity.
type Account struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Segment string `json:"segment,omitempty"`
	Region  string `json:"region,omitempty"`
	Country string `json:"country,omitempty"`
	TaxID   string `json:"tax_id,omitempty"`
	// Currency is the currency the account buys in.
	Currency string `json:"currency,omitempty"`
	// PriceBook is the price book the CRM assigns the account, if any.
	PriceBook    string        `json:"price_book,omitempty"`
	PaymentTerms string        `json:"payment_terms,omitempty"`
	PaymentDays  int           `json:"payment_days,omitempty"`
	Language     string        `json:"language,omitempty"`
	BillTo       quote.Address `json:"bill_to"`
	ShipTo       quote.Address `json:"ship_to"`
}

// Contact is a person at the customer.
type Contact = quote.Contact

// OpportunityUpdate is what the CRM is told about one change of a quote.
type OpportunityUpdate struct {
	// Key is the idempotency key: the ID of the event.
	Key         string    `json:"key"`
	Tenant      string    `json:"tenant"`
	Opportunity string    `json:"opportunity"`
	Kind        string    `json:"kind"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor,omitempty"`
	Quote       Summary   `json:"quote"`
}

// Summary is the state of a quote as the CRM shows it, taken in the
// transaction of the change: delivering it later or again shows the same.
type Summary struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Revision int    `json:"revision"`
	// Version is the quote's storage version after the change; it grows
	// with every change of the quote.
	Version     int64        `json:"version"`
	Status      quote.Status `json:"status"`
	Opportunity string       `json:"opportunity,omitempty"`
	Account     string       `json:"account,omitempty"`
	Owner       string       `json:"owner,omitempty"`
	Currency    string       `json:"currency"`
	ValidUntil  time.Time    `json:"valid_until,omitzero"`
	// Amount is the net total of the lines that count; OneTime and
	// Recurring split it.
	Amount    decimal.Decimal `json:"amount"`
	OneTime   decimal.Decimal `json:"one_time"`
	Recurring decimal.Decimal `json:"recurring"`
	// ExpectedMargin is net minus cost, and MarginPercent that as a
	// percent of net.
	ExpectedMargin decimal.Decimal `json:"expected_margin"`
	MarginPercent  decimal.Decimal `json:"margin_percent"`
	Seal           string          `json:"seal,omitempty"`
	Lines          []SummaryLine   `json:"lines,omitempty"`
}

// SummaryLine is a line of the quote that counts in its totals.
type SummaryLine struct {
	ID        string          `json:"id"`
	Product   string          `json:"product"`
	Name      string          `json:"name,omitempty"`
	Parent    string          `json:"parent,omitempty"`
	Quantity  decimal.Decimal `json:"quantity"`
	UnitPrice decimal.Decimal `json:"unit_price"`
	NetTotal  decimal.Decimal `json:"net_total"`
	Recurring bool            `json:"recurring,omitempty"`
}

// Summarize returns the summary of a quote as it stands.
func Summarize(q *quote.Quote) Summary {
	s := Summary{
		ID: q.ID, Number: q.Number, Revision: q.Revision, Version: q.Version, Status: q.Status,
		Opportunity: q.Header.Opportunity, Account: q.Header.Account.ID, Owner: q.Header.Owner,
		Currency: q.Header.Currency, ValidUntil: q.Header.ValidUntil,
		Amount: q.Totals.Net, OneTime: q.Totals.OneTime, Recurring: q.Totals.Recurring,
		ExpectedMargin: q.Totals.Margin, MarginPercent: q.Totals.MarginPercent(),
		Seal: q.Seal,
	}
	for _, l := range q.Lines {
		if !l.Counts() {
			continue
		}
		s.Lines = append(s.Lines, SummaryLine{
			ID: l.ID, Product: l.Product, Name: l.Name, Parent: l.Parent, Quantity: l.Quantity,
			UnitPrice: l.Price.UnitPrice, NetTotal: l.Price.NetTotal, Recurring: l.Price.Recurring,
		})
	}
	return s
}
