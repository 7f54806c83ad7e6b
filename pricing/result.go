package pricing

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
)

// Result is a priced quote: its lines, each with its waterfall, and the
// totals. Every total is the sum of the lines' shown amounts.
type Result struct {
	Catalog string `json:"catalog"`
	Version string `json:"version"`
	// Currency is the quote currency every line ends in.
	Currency string `json:"currency"`
	// PriceBook is the price book the quote was priced from, if any.
	PriceBook string    `json:"price_book,omitempty"`
	Date      time.Time `json:"date"`
	// Rounding says where and how amounts were rounded.
	Rounding string        `json:"rounding"`
	Lines    []*PricedLine `json:"lines"`
	Totals   Totals        `json:"totals"`
	Groups   []GroupTotals `json:"groups,omitempty"`
	Taxes    []TaxAmount   `json:"taxes,omitempty"`
	Approval Approval      `json:"approval"`
}

// PricedLine is one priced line and the steps that priced it.
type PricedLine struct {
	ID string `json:"id"`
	// Parent is the bundle line of an option line or of a cost component
	// quoted on its own line.
	Parent   string `json:"parent,omitempty"`
	Product  string `json:"product"`
	Category string `json:"category,omitempty"`
	Group    string `json:"group,omitempty"`
	// Component is the cost component a line quotes on its own (tooling).
	Component string `json:"component,omitempty"`
	// AddedBy is the price rule that added the line, and Trigger the line
	// whose pricing made it do so (empty when the rule looked at the
	// whole quote).
	AddedBy  string          `json:"added_by,omitempty"`
	Trigger  string          `json:"trigger,omitempty"`
	Quantity decimal.Decimal `json:"quantity"`
	// Unit is the selling unit of Quantity, as the request named it
	// (empty: the stock unit). Unit prices are per this unit.
	Unit string `json:"unit,omitempty"`
	// PricedQuantity is the quantity the unit price is multiplied by: the
	// quantity, or 1 for block prices and cost components (the whole line
	// is one price).
	PricedQuantity decimal.Decimal `json:"priced_quantity"`
	Method         string          `json:"method"`
	Recurring      bool            `json:"recurring"`

	// List is the line's list amount: list price with surcharges,
	// proration, uplift and conversion, before any discount.
	List money.Amount `json:"list"`
	// Net is the line's final amount; Discount is List − Net.
	Net      money.Amount `json:"net"`
	Discount money.Amount `json:"discount"`
	// DiscountPercent is Discount in percent of List (two places).
	DiscountPercent decimal.Decimal `json:"discount_percent"`
	// UnitList and UnitNet are List and Net per priced unit (exact, or to
	// twelve places when the division does not end).
	UnitList money.Amount `json:"unit_list"`
	UnitNet  money.Amount `json:"unit_net"`
	// Cost, Margin and MarginPercent are set when the line's cost is known
	// (a cost build-up, or a cost in the price book).
	HasCost       bool            `json:"has_cost"`
	Cost          money.Amount    `json:"cost"`
	Margin        money.Amount    `json:"margin"`
	MarginPercent decimal.Decimal `json:"margin_percent"`

	Subscription *Subscription `json:"subscription,omitempty"`
	// Fields are the line fields set by price rules, by name.
	Fields []Field `json:"fields,omitempty"`
	Steps  []Step  `json:"steps"`
}

// Field is a line field set by a price rule's set_field action.
type Field struct {
	Name  string          `json:"name"`
	Value decimal.Decimal `json:"value"`
}

// StepKind says what a waterfall step did.
type StepKind string

// The kinds of waterfall steps, in the order they happen.
const (
	StepList       StepKind = "list"       // list price, block price, formula price, percent of total
	StepCost       StepKind = "cost"       // one component of a cost build-up
	StepMarkup     StepKind = "markup"     // cost plus markup on cost
	StepMargin     StepKind = "margin"     // cost grossed up to a target margin on price
	StepBound      StepKind = "bound"      // a percent-of-total price raised to its minimum or cut to its maximum
	StepContracted StepKind = "contracted" // a customer's contracted price replacing the list price
	StepSurcharge  StepKind = "surcharge"  // a variant condition on the configuration
	StepProration  StepKind = "proration"  // a periodic price turned into the price of the term
	StepUplift     StepKind = "uplift"     // the renewal uplift
	StepConversion StepKind = "conversion" // conversion to another currency
	StepRule       StepKind = "rule"       // one action of a price rule
	StepSchedule   StepKind = "schedule"   // a discount schedule tier
	StepManual     StepKind = "manual"     // a salesperson's line adjustment
	StepHeader     StepKind = "header"     // the line's share of the header discount
	StepRounding   StepKind = "rounding"   // rounding by the catalog's policy
)

// StepKinds returns every kind of waterfall step, in the order they
// happen: for a host that labels or filters the steps.
func StepKinds() []StepKind {
	return []StepKind{StepList, StepCost, StepMarkup, StepMargin, StepBound, StepContracted, StepSurcharge,
		StepProration, StepUplift, StepConversion, StepRule, StepSchedule, StepManual, StepHeader, StepRounding}
}

// Step is one step of a line's waterfall. Before and After are the line's
// amount (not the unit price) around the step.
type Step struct {
	Kind StepKind `json:"kind"`
	// Source is what caused the step: the price book, cost component,
	// surcharge, contract, rule, schedule or rounding mode.
	Source  string       `json:"source"`
	Version string       `json:"version"`
	Before  money.Amount `json:"before"`
	After   money.Amount `json:"after"`
	Reason  string       `json:"reason"`
}

// Subscription is the term of a recurring line.
type Subscription struct {
	// TermMonths is the term in months (fractional when prorated by day).
	TermMonths decimal.Decimal `json:"term_months"`
	// Multiplier turns the price of one period into the price of the term.
	Multiplier  decimal.Decimal `json:"multiplier"`
	PricePeriod string          `json:"price_period"`
	Proration   string          `json:"proration"`
	Billing     string          `json:"billing"`
	Start       *time.Time      `json:"start,omitempty"`
	End         *time.Time      `json:"end,omitempty"`
	// MRR is the net amount per month (rounded to the minor unit), ARR
	// twelve times MRR.
	MRR money.Amount `json:"mrr"`
	ARR money.Amount `json:"arr"`
}

// Totals are the quote's totals, each the sum of the lines' amounts.
type Totals struct {
	List     money.Amount `json:"list"`
	Discount money.Amount `json:"discount"`
	// Rounding is the adjustment that brings the sum of the lines to the
	// rounded grand total (only when the catalog rounds the grand total).
	Rounding money.Amount `json:"rounding"`
	// Net is the sum of the lines' net amounts plus Rounding.
	Net money.Amount `json:"net"`
	// Cost and Margin add up the lines whose cost is known; MarginPercent
	// is Margin in percent of those lines' net.
	Cost          money.Amount    `json:"cost"`
	Margin        money.Amount    `json:"margin"`
	MarginPercent decimal.Decimal `json:"margin_percent"`
	// OneTime and Recurring split Net by line (Recurring covers the whole
	// term); TCV, the total contract value, is their sum.
	OneTime   money.Amount `json:"one_time"`
	Recurring money.Amount `json:"recurring"`
	MRR       money.Amount `json:"mrr"`
	ARR       money.Amount `json:"arr"`
	TCV       money.Amount `json:"tcv"`
	// HeaderDiscount is the header discount allocated to the lines.
	HeaderDiscount money.Amount `json:"header_discount"`
	Tax            money.Amount `json:"tax"`
	// Gross is Net plus Tax.
	Gross money.Amount `json:"gross"`
}

// GroupTotals are the totals of one group of lines.
type GroupTotals struct {
	Group     string       `json:"group"`
	List      money.Amount `json:"list"`
	Discount  money.Amount `json:"discount"`
	Net       money.Amount `json:"net"`
	Cost      money.Amount `json:"cost"`
	Margin    money.Amount `json:"margin"`
	OneTime   money.Amount `json:"one_time"`
	Recurring money.Amount `json:"recurring"`
}

// TaxAmount is a tax on one line.
type TaxAmount struct {
	Line    string          `json:"line"`
	Name    string          `json:"name"`
	Percent decimal.Decimal `json:"percent"`
	Base    money.Amount    `json:"base"`
	Amount  money.Amount    `json:"amount"`
}

// Approval is what the approval engine reads from pricing: the discount
// and margin facts of the quote and the guardrail limits it crossed.
type Approval struct {
	// DiscountPercent is the quote's discount off list in percent;
	// MaxLineDiscountPercent the largest line discount off list.
	DiscountPercent        decimal.Decimal `json:"discount_percent"`
	MaxLineDiscountPercent decimal.Decimal `json:"max_line_discount_percent"`
	HeaderDiscountPercent  decimal.Decimal `json:"header_discount_percent"`
	// LinesBelowFloor and LinesBelowMinMargin count the lines below their
	// guardrail's approval floor or approval margin.
	LinesBelowFloor     int            `json:"lines_below_floor"`
	LinesBelowMinMargin int            `json:"lines_below_min_margin"`
	Flags               []ApprovalFlag `json:"flags,omitempty"`
}

// The codes of approval flags.
const (
	FlagLineDiscount   = "line-discount"
	FlagLineFloor      = "line-floor"
	FlagLineMargin     = "line-margin"
	FlagHeaderDiscount = "header-discount"
)

// ApprovalFlag is a limit a quote crossed that needs approval.
type ApprovalFlag struct {
	Code string `json:"code"`
	// Line is the line that crossed it (empty for the header).
	Line string `json:"line,omitempty"`
	// Guardrail is the ID of the guardrail that set the limit.
	Guardrail string          `json:"guardrail,omitempty"`
	Limit     decimal.Decimal `json:"limit"`
	Actual    decimal.Decimal `json:"actual"`
	Reason    string          `json:"reason"`
}
