package catalog

import "github.com/shopspring/decimal"

// Pricing policy: the parts of a catalog that only pricing reads besides
// price books, cost models, schedules and rules — where a quote in a
// currency without its own price book is converted, and the guardrails that
// manual discounts may not cross or that send a quote for approval.

// The places where a quote is converted from the catalog currency.
const (
	// ConvertAtList converts the list price (after surcharges, proration
	// and uplift): rules, schedules and manual adjustments then work in the
	// quote currency. The default.
	ConvertAtList = "list"
	// ConvertAtNet converts the net price after every catalog rule and
	// schedule, before manual adjustments: rules and schedules work in the
	// catalog currency.
	ConvertAtNet = "net"
)

// Guardrails limit what manual pricing may do. Hard limits (a floor, a
// minimum margin, a maximum header discount) are never crossed: pricing
// refuses the quote. Approval limits are flagged for the approval engine
// and never clamped.
type Guardrails struct {
	// MaxHeaderDiscountPercent is the largest header discount a quote may
	// carry, in percent of its subtotal (a hard limit).
	MaxHeaderDiscountPercent *decimal.Decimal `yaml:"max_header_discount_percent"`
	// ApprovalHeaderDiscountPercent is the header discount beyond which the
	// quote needs approval.
	ApprovalHeaderDiscountPercent *decimal.Decimal `yaml:"approval_header_discount_percent"`
	// Lines are the limits on lines, each for the products and categories
	// it names (or every line when it names none). A line takes the most
	// specific guardrail: one naming its product, else one naming its
	// category, else one naming neither; among equals, the first.
	Lines []*LineGuardrail `yaml:"lines" validate:"dive"`

	Pos Pos `yaml:"-"`
}

// LineGuardrail holds the limits on the net price of lines. Percentages are
// 0 to 100. The discount of a line is what it lost from its list amount
// (list price with surcharges, proration and uplift) to its net amount.
type LineGuardrail struct {
	ID         string   `yaml:"id" validate:"required,ident"`
	Name       Text     `yaml:"name"`
	Products   []string `yaml:"products"`
	Categories []string `yaml:"categories"`

	// FloorPercent is the lowest net price, in percent of the list price,
	// that a line may reach (a hard limit).
	FloorPercent *decimal.Decimal `yaml:"floor_percent"`
	// MinMarginPercent is the lowest margin, in percent of the net price,
	// that a line with a known cost may reach (a hard limit).
	MinMarginPercent *decimal.Decimal `yaml:"min_margin_percent"`

	// ApprovalDiscountPercent is the discount beyond which a line needs
	// approval.
	ApprovalDiscountPercent *decimal.Decimal `yaml:"approval_discount_percent"`
	// ApprovalFloorPercent is the net price, in percent of the list price,
	// below which a line needs approval.
	ApprovalFloorPercent *decimal.Decimal `yaml:"approval_floor_percent"`
	// ApprovalMarginPercent is the margin below which a line needs
	// approval.
	ApprovalMarginPercent *decimal.Decimal `yaml:"approval_margin_percent"`

	Pos Pos `yaml:"-"`
}

// The functions and values of summaries.
const (
	SummarySum   = "sum"
	SummaryCount = "count"
	SummaryMin   = "min"
	SummaryMax   = "max"

	SummaryOfQuantity = "quantity"
	SummaryOfAmount   = "amount"
	SummaryOfList     = "list"
)

// Summary adds up lines of a quote into a number that price rules read as
// quote.summary.<id>, like the total amount of one product on the quote
// for a rule that discounts another. It is worked out as each stage of
// rules starts, over the lines priced so far.
type Summary struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Function is sum (the default), count, min or max.
	Function string `yaml:"function" validate:"omitempty,oneof=sum count min max"`
	// Of is what is added up: the lines' quantity (the default), amount
	// (as the stage starts) or list amount.
	Of string `yaml:"of" validate:"omitempty,oneof=quantity amount list"`
	// Products and Categories choose the lines; none chooses every line.
	Products   []string `yaml:"products"`
	Categories []string `yaml:"categories"`

	Pos Pos `yaml:"-"`
}

// Checked reports whether the catalog has passed Load, Parse or Build and
// can be used.
func (c *Catalog) Checked() bool { return c != nil && c.index != nil }

// Category reports whether some product of the catalog is in the category.
func (c *Catalog) Category(name string) bool { return c.index != nil && c.index.categories[name] }

// SellingUnit is a unit of measure a product is sold in besides its stock
// unit (Product.Unit), such as a box of ten: one Unit holds Factor stock
// units. A quote line may be in any of a product's selling units; pricing
// turns amounts per stock unit into amounts per the line's unit by the
// factor (see the pricing package).
type SellingUnit struct {
	Unit   string          `yaml:"unit" validate:"required"`
	Factor decimal.Decimal `yaml:"factor"`

	Pos Pos `yaml:"-"`
}

// UnitFactor returns how many stock units one unit of the product holds:
// 1 for the stock unit (or an empty unit), the factor of a selling unit,
// and false for a unit the product is not sold in.
func (p *Product) UnitFactor(unit string) (decimal.Decimal, bool) {
	if unit == "" || unit == p.Unit {
		return decimal.NewFromInt(1), true
	}
	for _, u := range p.Units {
		if u != nil && u.Unit == unit {
			return u.Factor, true
		}
	}
	return decimal.Decimal{}, false
}

// SellingUnits lists the units the product is sold in: its stock unit,
// when named, then its other selling units.
func (p *Product) SellingUnits() []string {
	var out []string
	if p.Unit != "" {
		out = append(out, p.Unit)
	}
	for _, u := range p.Units {
		if u != nil && u.Unit != "" {
			out = append(out, u.Unit)
		}
	}
	return out
}
