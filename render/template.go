package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/quote"
)

// The section kinds.
const (
	// SectionLetterhead: logo, company name, address, tax ID.
	SectionLetterhead = "letterhead"
	// SectionTitle: the title, the quote's facts and the approval stamp.
	SectionTitle = "title"
	// SectionCustomer: the customer and contact.
	SectionCustomer = "customer"
	// SectionIntroduction: a paragraph of text (the template's, else the
	// label "introduction").
	SectionIntroduction = "introduction"
	// SectionLines: the line table with groups and subtotals.
	SectionLines = "lines"
	// SectionTotals: net, discounts, tax, grand total, one-time and
	// recurring parts.
	SectionTotals = "totals"
	// SectionTerms: the quote's terms and conditions.
	SectionTerms = "terms"
	// SectionSignature: the customer's acceptance block.
	SectionSignature = "signature"
	// SectionText: a free text with a title.
	SectionText = "text"
)

var sectionKinds = []string{SectionLetterhead, SectionTitle, SectionCustomer, SectionIntroduction, SectionLines, SectionTotals, SectionTerms, SectionSignature, SectionText}

// The column keys of the line table.
const (
	ColPosition  = "position"
	ColProduct   = "product"
	ColItem      = "item" // name, description and options
	ColQuantity  = "quantity"
	ColUnit      = "unit"
	ColListPrice = "list_price"
	ColUnitPrice = "unit_price"
	ColDiscount  = "discount"
	ColTotal     = "total"
)

var columnKeys = []string{ColPosition, ColProduct, ColItem, ColQuantity, ColUnit, ColListPrice, ColUnitPrice, ColDiscount, ColTotal}

// Template chooses a document's sections, their order and conditions, and
// the columns of the line table. The zero Template is DefaultTemplate.
type Template struct {
	Sections []TemplateSection `json:"sections,omitempty" yaml:"sections"`
	// Columns are column keys (ColPosition, …) in order; ColItem is
	// required.
	Columns []string `json:"columns,omitempty" yaml:"columns"`
}

// TemplateSection is a section of a template. When is a condition in the
// formula language (see ConditionSchema); the section shows only when it
// holds. Title and Text override the section's heading and text (a
// SectionText needs them; for the other kinds they are optional, and
// Text is used by SectionIntroduction only).
type TemplateSection struct {
	Kind  string `json:"kind" yaml:"kind"`
	When  string `json:"when,omitempty" yaml:"when"`
	Title string `json:"title,omitempty" yaml:"title"`
	Text  string `json:"text,omitempty" yaml:"text"`
}

// DefaultTemplate returns the template used when none is given: every
// section once, terms only when the quote has some, and the columns
// position, item, quantity, unit, unit price, discount and total.
func DefaultTemplate() Template {
	return Template{
		Sections: []TemplateSection{
			{Kind: SectionLetterhead},
			{Kind: SectionTitle},
			{Kind: SectionCustomer},
			{Kind: SectionIntroduction},
			{Kind: SectionLines},
			{Kind: SectionTotals},
			{Kind: SectionTerms, When: "quote.terms > 0"},
			{Kind: SectionSignature},
		},
		Columns: []string{ColPosition, ColItem, ColQuantity, ColUnit, ColUnitPrice, ColDiscount, ColTotal},
	}
}

// ConditionSchema returns the variables a section condition may read:
//
//	quote.number, quote.currency, quote.language, quote.status      string
//	quote.revision, quote.lines, quote.terms, quote.term_months      decimal
//	quote.list, quote.discount, quote.net, quote.tax, quote.grand    decimal
//	quote.one_time, quote.recurring, quote.discount_percent          decimal
//	quote.has_optional, quote.has_recurring, quote.approved          bool
//	quote.valid_until                                                date
//	customer.name, customer.segment, customer.region, customer.country string
func ConditionSchema() formula.Schema {
	return formula.Schema{
		"quote.number": formula.TypeString, "quote.currency": formula.TypeString,
		"quote.language": formula.TypeString, "quote.status": formula.TypeString,
		"quote.revision": formula.TypeDecimal, "quote.lines": formula.TypeDecimal,
		"quote.terms": formula.TypeDecimal, "quote.term_months": formula.TypeDecimal,
		"quote.list": formula.TypeDecimal, "quote.discount": formula.TypeDecimal,
		"quote.net": formula.TypeDecimal, "quote.tax": formula.TypeDecimal, "quote.grand": formula.TypeDecimal,
		"quote.one_time": formula.TypeDecimal, "quote.recurring": formula.TypeDecimal,
		"quote.discount_percent": formula.TypeDecimal,
		"quote.has_optional":     formula.TypeBool, "quote.has_recurring": formula.TypeBool,
		"quote.approved":    formula.TypeBool,
		"quote.valid_until": formula.TypeDate,
		"customer.name":     formula.TypeString, "customer.segment": formula.TypeString,
		"customer.region": formula.TypeString, "customer.country": formula.TypeString,
	}
}

// conditionVars gives a quote's values for ConditionSchema.
func conditionVars(q *quote.Quote, language string, approved bool) formula.Vars {
	t := q.Totals
	hasOptional, hasRecurring := false, false
	for _, l := range q.Lines {
		hasOptional = hasOptional || l.Optional || l.Alternative != ""
		hasRecurring = hasRecurring || l.Price.Recurring
	}
	pct := decimal.Zero
	if !t.List.IsZero() {
		pct = t.Discount.Mul(decimal.NewFromInt(100)).DivRound(t.List, 2)
	}
	return formula.Vars{
		"quote.number": q.Number, "quote.currency": q.Header.Currency, "quote.language": language,
		"quote.status": string(q.Status), "quote.revision": q.Revision, "quote.lines": len(q.Lines),
		"quote.terms": len(q.Terms), "quote.term_months": q.Header.TermMonths,
		"quote.list": t.List, "quote.discount": t.Discount, "quote.net": t.Net, "quote.tax": t.Tax,
		"quote.grand": t.Grand, "quote.one_time": t.OneTime, "quote.recurring": t.Recurring,
		"quote.discount_percent": pct, "quote.has_optional": hasOptional, "quote.has_recurring": hasRecurring,
		"quote.approved": approved, "quote.valid_until": q.Header.ValidUntil,
		"customer.name": q.Header.Account.Name, "customer.segment": q.Header.Account.Segment,
		"customer.region": q.Header.Account.Region, "customer.country": q.Header.Account.Country,
	}
}

type compiledSection struct {
	TemplateSection
	when *formula.Program
}

type compiledTemplate struct {
	sections []compiledSection
	columns  []string
}

// compileTemplate checks a template and compiles its conditions once.
func compileTemplate(t Template) (*compiledTemplate, error) {
	def := DefaultTemplate()
	if len(t.Sections) == 0 {
		t.Sections = def.Sections
	}
	if len(t.Columns) == 0 {
		t.Columns = def.Columns
	}
	ct := &compiledTemplate{}
	schema := ConditionSchema()
	for i, s := range t.Sections {
		if !slices.Contains(sectionKinds, s.Kind) {
			return nil, fmt.Errorf("template section %d: unknown kind %q (one of %s): %w", i+1, s.Kind, strings.Join(sectionKinds, ", "), ErrInvalidConfig)
		}
		if s.Kind == SectionText && s.Text == "" {
			return nil, fmt.Errorf("template section %d: a text section needs text: %w", i+1, ErrInvalidConfig)
		}
		cs := compiledSection{TemplateSection: s}
		if strings.TrimSpace(s.When) != "" {
			p, err := formula.Compile(s.When, formula.Options{
				Name:   fmt.Sprintf("template/sections[%d]/when", i),
				Schema: schema,
				Result: formula.TypeBool,
			})
			if err != nil {
				return nil, fmt.Errorf("template section %d (%s) condition: %w: %w", i+1, s.Kind, err, ErrInvalidConfig)
			}
			cs.when = p
		}
		ct.sections = append(ct.sections, cs)
	}
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if !slices.Contains(columnKeys, c) {
			return nil, fmt.Errorf("template column %q is unknown (one of %s): %w", c, strings.Join(columnKeys, ", "), ErrInvalidConfig)
		}
		if seen[c] {
			return nil, fmt.Errorf("template column %q appears twice: %w", c, ErrInvalidConfig)
		}
		seen[c] = true
	}
	if !seen[ColItem] {
		return nil, fmt.Errorf("template columns lack %q: %w", ColItem, ErrInvalidConfig)
	}
	ct.columns = t.Columns
	return ct, nil
}
