package approval

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/quote"
)

// Facts are what approval rules read about a quote: one field for each
// name of catalog.ApprovalFacts. Percentages are 0 to 100 with two places.
type Facts struct {
	// Currency is the quote currency (quote.currency).
	Currency string `json:"currency"`
	// ListTotal, Total and DiscountTotal are the list, net and discount
	// totals of the lines that count (quote.list_total, quote.total,
	// quote.discount_total); Total is net of discounts and before tax.
	ListTotal     decimal.Decimal `json:"list_total"`
	Total         decimal.Decimal `json:"total"`
	DiscountTotal decimal.Decimal `json:"discount_total"`
	// DiscountPercent is DiscountTotal in percent of ListTotal
	// (quote.discount_percent).
	DiscountPercent decimal.Decimal `json:"discount_percent"`
	// HeaderDiscountPercent is the quote's header discount
	// (quote.header_discount_percent).
	HeaderDiscountPercent decimal.Decimal `json:"header_discount_percent"`
	// MaxLineDiscountPercent is the largest discount off list of any line,
	// optional and alternative lines included: the customer sees their
	// prices too (quote.max_line_discount_percent).
	MaxLineDiscountPercent decimal.Decimal `json:"max_line_discount_percent"`
	// MarginPercent is the margin in percent of the net total
	// (quote.margin_percent).
	MarginPercent decimal.Decimal `json:"margin_percent"`
	// TermMonths is the header's term, or the longest line term when the
	// header has none (quote.term_months).
	TermMonths int `json:"term_months"`
	// PaymentTermsDays is the header's payment days
	// (quote.payment_terms_days).
	PaymentTermsDays int `json:"payment_terms_days"`
	// EditedTerms is true when a term was changed from the standard text
	// or added (quote.edited_terms). EditedTermsDigest identifies the
	// edited terms' IDs and texts, so that re-approval notices a term
	// edited differently although EditedTerms stays true.
	EditedTerms       bool   `json:"edited_terms"`
	EditedTermsDigest string `json:"edited_terms_digest,omitempty"`
	// LinesBelowFloor and LinesBelowMinMargin count the lines below their
	// guardrail's approval floor or approval margin; pricing knows them,
	// so a FactSource supplies them (quote.lines_below_floor,
	// quote.lines_below_min_margin).
	LinesBelowFloor     int `json:"lines_below_floor"`
	LinesBelowMinMargin int `json:"lines_below_min_margin"`
	// Categories and Products are the sorted, distinct product categories
	// and SKUs of the lines (quote.categories, quote.products).
	Categories []string `json:"categories"`
	Products   []string `json:"products"`
	// The customer (customer.id, customer.segment, customer.region,
	// customer.country).
	CustomerID      string `json:"customer_id"`
	CustomerSegment string `json:"customer_segment"`
	CustomerRegion  string `json:"customer_region"`
	CustomerCountry string `json:"customer_country"`
	// Today is the date of the evaluation (today).
	Today time.Time `json:"today"`
}

var hundred = decimal.NewFromInt(100)

// QuoteFacts computes the facts of a quote as it stands. Categories are
// looked up in the catalog (a product the catalog does not know has none);
// the counts of lines below floor or minimum margin are zero, as only
// pricing knows them: a FactSource supplies them to the Engine.
func QuoteFacts(q *quote.Quote, c *catalog.Catalog, today time.Time) Facts {
	h := q.Header
	f := Facts{
		Currency:              h.Currency,
		ListTotal:             q.Totals.List,
		Total:                 q.Totals.Net,
		DiscountTotal:         q.Totals.Discount,
		HeaderDiscountPercent: h.HeaderDiscount,
		MarginPercent:         q.Totals.MarginPercent(),
		TermMonths:            h.TermMonths,
		PaymentTermsDays:      h.PaymentDays,
		CustomerID:            h.Account.ID,
		CustomerSegment:       h.Account.Segment,
		CustomerRegion:        h.Account.Region,
		CustomerCountry:       h.Account.Country,
		Today:                 dateOf(today),
		Categories:            []string{},
		Products:              []string{},
	}
	if !q.Totals.List.IsZero() {
		f.DiscountPercent = q.Totals.Discount.Mul(hundred).DivRound(q.Totals.List, 2)
	}
	digest := sha256.New()
	for _, t := range q.Terms {
		if t.Edited {
			f.EditedTerms = true
			fmt.Fprintf(digest, "%q %q %q\n", t.ID, t.Title, t.Text)
		}
	}
	if f.EditedTerms {
		f.EditedTermsDigest = hex.EncodeToString(digest.Sum(nil)[:16])
	}
	for _, l := range q.Lines {
		if d := l.Price.DiscountPercent(); d.GreaterThan(f.MaxLineDiscountPercent) {
			f.MaxLineDiscountPercent = d
		}
		if h.TermMonths == 0 && l.Price.TermMonths > f.TermMonths {
			f.TermMonths = l.Price.TermMonths
		}
		f.Products = append(f.Products, l.Product)
		if c != nil {
			if p, err := c.Product(l.Product); err == nil && p.Category != "" {
				f.Categories = append(f.Categories, p.Category)
			}
		}
	}
	f.Products = sortedSet(f.Products)
	f.Categories = sortedSet(f.Categories)
	return f
}

func sortedSet(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// dateOf is the calendar date of t, at midnight UTC.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Vars returns the facts as formula variables, keyed by the names of
// catalog.ApprovalFacts.
func (f Facts) Vars() formula.Vars {
	return formula.Vars{
		"quote.currency":                  f.Currency,
		"quote.list_total":                f.ListTotal,
		"quote.total":                     f.Total,
		"quote.discount_total":            f.DiscountTotal,
		"quote.discount_percent":          f.DiscountPercent,
		"quote.header_discount_percent":   f.HeaderDiscountPercent,
		"quote.max_line_discount_percent": f.MaxLineDiscountPercent,
		"quote.margin_percent":            f.MarginPercent,
		"quote.term_months":               decimal.NewFromInt(int64(f.TermMonths)),
		"quote.payment_terms_days":        decimal.NewFromInt(int64(f.PaymentTermsDays)),
		"quote.edited_terms":              f.EditedTerms,
		"quote.lines_below_floor":         decimal.NewFromInt(int64(f.LinesBelowFloor)),
		"quote.lines_below_min_margin":    decimal.NewFromInt(int64(f.LinesBelowMinMargin)),
		"quote.categories":                nonNil(f.Categories),
		"quote.products":                  nonNil(f.Products),
		"customer.id":                     f.CustomerID,
		"customer.segment":                f.CustomerSegment,
		"customer.region":                 f.CustomerRegion,
		"customer.country":                f.CustomerCountry,
		"today":                           f.Today,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Direction says which way a fact gets worse, for smart re-approval.
type Direction int

// The directions.
const (
	// AnyChange: every change is worse (currency, customer, categories,
	// products, today, and any fact not listed with another direction).
	AnyChange Direction = iota
	// HigherIsWorse: a larger value is worse (discounts, totals, term,
	// payment days, lines below floor or margin).
	HigherIsWorse
	// LowerIsWorse: a smaller value is worse (margin).
	LowerIsWorse
	// TrueIsWorse: true is worse than false (edited terms).
	TrueIsWorse
)

func (d Direction) String() string {
	switch d {
	case HigherIsWorse:
		return "higher is worse"
	case LowerIsWorse:
		return "lower is worse"
	case TrueIsWorse:
		return "true is worse"
	}
	return "any change is worse"
}

var directions = map[string]Direction{
	"quote.list_total":                HigherIsWorse,
	"quote.total":                     HigherIsWorse,
	"quote.discount_total":            HigherIsWorse,
	"quote.discount_percent":          HigherIsWorse,
	"quote.header_discount_percent":   HigherIsWorse,
	"quote.max_line_discount_percent": HigherIsWorse,
	"quote.term_months":               HigherIsWorse,
	"quote.payment_terms_days":        HigherIsWorse,
	"quote.lines_below_floor":         HigherIsWorse,
	"quote.lines_below_min_margin":    HigherIsWorse,
	"quote.margin_percent":            LowerIsWorse,
	"quote.edited_terms":              TrueIsWorse,
}

// DirectionOf returns the direction in which a fact gets worse.
func DirectionOf(fact string) Direction { return directions[fact] }

// NoWorse reports whether the value of a fact in after is no worse than in
// before, by the fact's direction. Decimals compare by value (18.0 equals
// 18); lists compare as sets; edited terms are no worse than edited terms
// only when the same terms were edited to the same text.
func NoWorse(fact string, before, after Facts) bool {
	b, a := before.Vars()[fact], after.Vars()[fact]
	switch DirectionOf(fact) {
	case HigherIsWorse:
		return a.(decimal.Decimal).LessThanOrEqual(b.(decimal.Decimal))
	case LowerIsWorse:
		return a.(decimal.Decimal).GreaterThanOrEqual(b.(decimal.Decimal))
	case TrueIsWorse:
		if fact == "quote.edited_terms" && a.(bool) && b.(bool) {
			// Terms edited before and now: no worse only if edited alike.
			return before.EditedTermsDigest == after.EditedTermsDigest
		}
		return !a.(bool) || b.(bool)
	}
	return sameValue(b, a)
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(sortedSet(slices.Clone(x)), sortedSet(slices.Clone(y)))
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	return a == b
}

// Show writes the value of a fact as approvers read it: decimals exactly,
// lists in brackets, dates as YYYY-MM-DD.
func (f Facts) Show(fact string) string {
	return showValue(f.Vars()[fact])
}

func showValue(v any) string {
	switch x := v.(type) {
	case decimal.Decimal:
		return x.String()
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format(time.DateOnly)
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
