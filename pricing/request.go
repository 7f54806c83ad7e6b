package pricing

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
)

// Request is what Price prices: lines with their configurations and the
// context of the quote they stand on. Pricing does not know about quotes
// or storage; the host builds a Request from its quote.
type Request struct {
	// Currency is the quote currency; empty means the catalog currency.
	// When the catalog has no price book in it, prices are converted from
	// the catalog currency through the rate table.
	Currency string
	// Date is the pricing date: it chooses the price books in force and is
	// the date formulas read as today and quote.date. It is required:
	// pricing has no clock.
	Date     time.Time
	Customer Customer
	// PriceBook names the price book to use; empty chooses the book of the
	// customer's segment in the quote currency, else the standard book.
	PriceBook string
	// TermMonths is the quote's subscription term; a line's own term, then
	// the product's default term, take over when it is zero.
	TermMonths int
	// Start and End (inclusive) date the subscription term of every
	// subscription line that has no dates of its own; with them the term
	// is measured by date and prorated by the product's proration method.
	Start, End time.Time
	Lines      []Line
	// HeaderDiscount is a discount on the whole quote (a percent of the
	// subtotal or an amount in the quote currency), allocated to the lines
	// in proportion to their net amounts, to the minor unit.
	HeaderDiscount *Adjustment
	// IgnorePriceRules prices the quote without any price rule.
	IgnorePriceRules bool
	// Rates and Contracts, when set, replace the engine's Options for this
	// request.
	Rates     *money.RateTable
	Contracts ContractedPrices
}

// Customer is who the quote is for, as price rules and contracted prices
// see it.
type Customer struct {
	ID      string
	Segment string
	Region  string
	Country string
}

// Line is one line to price: a product, its quantity and configuration.
type Line struct {
	// ID names the line in the result and in errors; empty gives the
	// line's position ("1", "2", …; "2.1" for the first option of line 2).
	ID       string
	Product  string
	Quantity decimal.Decimal
	// Unit is the selling unit Quantity is in: the product's stock unit
	// (also when empty) or one of its other selling units, whose factor
	// turns the quantity into stock units. The line is priced per this
	// unit; PriorQuantity and a manual unit price are in it too.
	Unit string
	// Values is the configuration: attribute values by attribute ID,
	// options by option ID ("true" when selected), and option quantities
	// as qty.<option>. Attributes without a value take the catalog
	// default; options marked default or required are selected unless set
	// to "false".
	Values map[string]string
	// Options are the lines of the options chosen in a bundle. When nil,
	// they are derived from Values: one line per selected option, for the
	// option's product, with the option quantity times the line quantity.
	// An empty, non-nil slice prices the bundle without option lines.
	Options []Line
	// Group names a group of lines with its own subtotals (a site, a
	// phase); option lines take their parent's group.
	Group string
	// TermMonths, Start and End (inclusive) give this subscription line a
	// term of its own.
	TermMonths int
	Start, End time.Time
	// Renewal marks a renewal line: the product's renewal uplift applies.
	Renewal bool
	// PriorQuantity is the quantity the customer already has (an amendment,
	// or usage already billed): discount schedules price this line's units
	// as the ones after it.
	PriorQuantity decimal.Decimal
	// Manual is the salesperson's adjustment of this line.
	Manual *Adjustment
}

// Adjustment is a manual price change. On a line, UnitPrice replaces the
// unit price, then Percent is taken off the line, then Amount. On the
// header, exactly one of Percent and Amount is given.
type Adjustment struct {
	Percent   *decimal.Decimal
	Amount    *decimal.Decimal
	UnitPrice *decimal.Decimal
	Reason    string
}

// ContractedPrices gives customer-specific prices negotiated outside the
// catalog. Pricing asks once per line of a customer's quote, in the
// currency of the price book in use; the quantity is in the product's
// stock unit and the price is per stock unit.
type ContractedPrices interface {
	ContractedPrice(ctx context.Context, q ContractQuery) (ContractedPrice, bool, error)
}

// ContractQuery asks for the contracted price of a product.
type ContractQuery struct {
	Customer string
	Product  string
	Currency string
	Date     time.Time
	Quantity decimal.Decimal
}

// ContractedPrice is a negotiated unit price. It replaces the list price of
// the product; surcharges for its configuration still apply. A Net price
// is final: no schedule or price rule changes it (manual adjustments
// still may).
type ContractedPrice struct {
	ID        string
	UnitPrice decimal.Decimal
	Net       bool
}

// ContractTable is a ContractedPrices held in memory.
type ContractTable struct {
	// Entries are the contracted prices; the first entry that matches
	// customer, product and currency and is in force on the date wins.
	Entries []Contract
}

// Contract is one contracted price of a ContractTable. Zero From and To
// mean no bound.
type Contract struct {
	ID        string
	Customer  string
	Product   string
	Currency  string
	UnitPrice decimal.Decimal
	Net       bool
	From, To  time.Time
}

// ContractedPrice implements ContractedPrices.
func (t *ContractTable) ContractedPrice(_ context.Context, q ContractQuery) (ContractedPrice, bool, error) {
	for _, c := range t.Entries {
		if c.Customer != q.Customer || c.Product != q.Product || c.Currency != q.Currency {
			continue
		}
		if (!c.From.IsZero() && q.Date.Before(c.From)) || (!c.To.IsZero() && q.Date.After(c.To)) {
			continue
		}
		return ContractedPrice{ID: c.ID, UnitPrice: c.UnitPrice, Net: c.Net}, true, nil
	}
	return ContractedPrice{}, false, nil
}
