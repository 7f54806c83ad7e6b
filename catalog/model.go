package catalog

import (
	"sort"

	"github.com/cpqkit/cpq/formula"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Catalog is one immutable version of what is sold and how it is priced.
// A Catalog returned by Load or Build has passed every check; it must not be
// modified afterwards, and it is safe for concurrent use.
type Catalog struct {
	// ID names the catalog across its versions; Version names this version.
	ID      string `yaml:"id" validate:"required,ident"`
	Version string `yaml:"version" validate:"required"`
	Name    Text   `yaml:"name"`
	// EffectiveFrom is the first day this version prices quotes; the
	// version in force on a date is the latest one effective by then.
	EffectiveFrom time.Time `yaml:"effective_from" validate:"required"`
	// Currency is the base currency: cost models are in it, and prices in
	// other currencies are converted from it when no price book exists.
	Currency string `yaml:"currency" validate:"required,iso4217"`
	// Languages lists the languages the catalog's texts are written in,
	// the first being the default (BCP 47 tags such as "en", "zh-CN").
	Languages []string `yaml:"languages"`
	// Rounding is the rounding policy of prices computed from this catalog.
	Rounding RoundingPolicy `yaml:"rounding"`
	// ConvertAt is where a quote in a currency without a price book of
	// its own is converted from Currency: list (the default) or net.
	ConvertAt string `yaml:"convert_at" validate:"omitempty,oneof=list net"`
	// Guardrails limit manual discounts (see pricing.go).
	Guardrails *Guardrails `yaml:"guardrails"`
	// Summaries add up lines of the quote for price rules (see pricing.go).
	Summaries []*Summary `yaml:"summaries" validate:"dive"`

	Products          []*Product          `yaml:"products" validate:"dive"`
	Tables            []*Table            `yaml:"tables" validate:"dive"`
	PriceBooks        []*PriceBook        `yaml:"price_books" validate:"dive"`
	CostModels        []*CostModel        `yaml:"cost_models" validate:"dive"`
	DiscountSchedules []*DiscountSchedule `yaml:"discount_schedules" validate:"dive"`
	PriceRules        []*PriceRule        `yaml:"price_rules" validate:"dive"`
	ApprovalRules     []*ApprovalRule     `yaml:"approval_rules" validate:"dive"`
	ApprovalPolicy    *ApprovalPolicy     `yaml:"approval_policy"` // defaults of approval rules (see approval.go)
	// Questionnaires and Selectors are guided-selling data (see guide.go).
	Questionnaires []*Questionnaire `yaml:"questionnaires" validate:"dive"`
	Selectors      []*Selector      `yaml:"selectors" validate:"dive"`

	// Pos is where the catalog was read from (file name; line 1).
	Pos Pos `yaml:"-"`

	index *index
	guide *guideIndex
}

// RoundingPolicy says how and where prices are rounded.
type RoundingPolicy struct {
	// Mode is a rounding mode name: half_even (the default), half_up, down,
	// up, ceiling, floor.
	Mode string `yaml:"mode" validate:"omitempty,oneof=half_even half_up down up ceiling floor"`
	// At is where rounding to the currency's minor units happens:
	// unit_price (the default), line_total, or grand_total.
	At string `yaml:"at" validate:"omitempty,oneof=unit_price line_total grand_total"`
	// Increment, when set, rounds to a multiple of it where At says
	// (0.05 for cash rounding, 10 for "round to 10").
	Increment *decimal.Decimal `yaml:"increment" validate:"omitempty,positive"`
}

// ProductKind says how a product is sold.
type ProductKind string

// The product kinds.
const (
	KindStandard     ProductKind = "standard"
	KindConfigurable ProductKind = "configurable"
	KindBundle       ProductKind = "bundle"
	KindService      ProductKind = "service"
	KindSubscription ProductKind = "subscription"
)

// Product is something that can be put on a quote line.
type Product struct {
	SKU         string      `yaml:"sku" validate:"required,sku"`
	Name        Text        `yaml:"name" validate:"required"`
	Description Text        `yaml:"description"`
	Category    string      `yaml:"category"`
	Unit        string      `yaml:"unit"`
	Kind        ProductKind `yaml:"kind" validate:"omitempty,oneof=standard configurable bundle service subscription"`
	// Retired products stay in the catalog so that earlier configurations
	// can be revalidated, but cannot be added to new quotes.
	Retired bool `yaml:"retired"`
	// Units are the selling units besides the stock unit Unit (see pricing.go).
	Units []*SellingUnit `yaml:"units" validate:"dive"`

	Attributes  []*Attribute    `yaml:"attributes" validate:"dive"`
	Features    []*FeatureGroup `yaml:"features" validate:"dive"`
	Constraints []*Constraint   `yaml:"constraints" validate:"dive"`
	// Packages, Suggestions and Capabilities are guided-selling data
	// (see guide.go).
	Packages     []*Package        `yaml:"packages" validate:"dive"`
	Suggestions  []*SuggestionRule `yaml:"suggestions" validate:"dive"`
	Capabilities []*Capability     `yaml:"capabilities" validate:"dive"`

	// Parameters are fixed numbers of this product that its cost model or
	// price formula reads (part weight, cycle time, cavities).
	Parameters map[string]decimal.Decimal `yaml:"parameters"`
	// Pricing says how the product is priced; nil means from its price
	// book entry (list price).
	Pricing      *PriceMethod  `yaml:"pricing"`
	Subscription *Subscription `yaml:"subscription"`

	Pos Pos `yaml:"-"`
}

// IsConfigurable reports whether the product has anything to configure.
func (p *Product) IsConfigurable() bool {
	return len(p.Attributes) > 0 || len(p.Features) > 0
}

// AttributeType is the type of an attribute's values.
type AttributeType string

// The attribute types.
const (
	AttrEnum    AttributeType = "enum"
	AttrBoolean AttributeType = "boolean"
	AttrInteger AttributeType = "integer"
	AttrDecimal AttributeType = "decimal"
	AttrText    AttributeType = "text"
)

// Attribute is a characteristic of a product the customer chooses.
type Attribute struct {
	ID   string        `yaml:"id" validate:"required,ident"`
	Name Text          `yaml:"name"`
	Type AttributeType `yaml:"type" validate:"required,oneof=enum boolean integer decimal text"`
	// Values is the domain of an enum attribute.
	Values []*Value `yaml:"values" validate:"dive"`
	// Min, Max and Step bound integer and decimal attributes (Step only for
	// integers; default 1).
	Min  *decimal.Decimal `yaml:"min"`
	Max  *decimal.Decimal `yaml:"max"`
	Step *decimal.Decimal `yaml:"step"`
	// Unit is the unit of measure of a numeric attribute ("mm", "GB").
	Unit string `yaml:"unit"`
	// Default is the value taken when the user does not choose one.
	Default  string `yaml:"default"`
	Required bool   `yaml:"required"`

	Pos Pos `yaml:"-"`
}

// Value returns the declared value id of the attribute (an enum value,
// or a boolean's value when the catalog names it), or nil.
func (a *Attribute) Value(id string) *Value {
	for _, v := range a.Values {
		if v != nil && v.ID == id {
			return v
		}
	}
	return nil
}

// Domain returns the values of a finite attribute in order: the enum values,
// false and true for a boolean, every step of an integer range. It returns
// nil for decimal and text attributes and for integer ranges that are not
// bounded.
func (a *Attribute) Domain() []string {
	switch a.Type {
	case AttrEnum:
		out := make([]string, 0, len(a.Values))
		for _, v := range a.Values {
			out = append(out, v.ID)
		}
		return out
	case AttrBoolean:
		return []string{"false", "true"}
	case AttrInteger:
		if a.Min == nil || a.Max == nil {
			return nil
		}
		step := decimal.NewFromInt(1)
		if a.Step != nil {
			step = *a.Step
		}
		if !step.IsPositive() || a.Min.GreaterThan(*a.Max) {
			return nil
		}
		n := a.Max.Sub(*a.Min).DivRound(step, 8).IntPart() + 1
		if n > MaxIntegerDomain {
			return nil
		}
		out := make([]string, 0, n)
		for v := *a.Min; v.LessThanOrEqual(*a.Max); v = v.Add(step) {
			out = append(out, v.String())
		}
		return out
	}
	return nil
}

// MaxIntegerDomain is the largest number of values an integer attribute may
// have to take part in exact configuration reasoning.
const MaxIntegerDomain = 100_000

// Value is one value of an enum attribute. In YAML a value may be written as
// a plain string (its ID).
type Value struct {
	ID   string `yaml:"id" validate:"required"`
	Name Text   `yaml:"name"`
	// Retired values remain for revalidating earlier configurations but are
	// never offered.
	Retired bool `yaml:"retired"`

	Pos Pos `yaml:"-"`
}

// FeatureGroup is a group of options in a bundle, of which between Min and
// Max are chosen.
type FeatureGroup struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	Min  int    `yaml:"min" validate:"gte=0"`
	// Max is the largest number of options chosen; nil means no limit.
	Max     *int      `yaml:"max" validate:"omitempty,gte=0"`
	Options []*Option `yaml:"options" validate:"dive"`

	Pos Pos `yaml:"-"`
}

// Option is a product that can be chosen inside a bundle.
type Option struct {
	// ID names the option in constraints and formulas.
	ID string `yaml:"id" validate:"required,ident"`
	// Product is the SKU of the product the option adds.
	Product string `yaml:"product" validate:"required"`
	Name    Text   `yaml:"name"`
	// Default options are selected until the user says otherwise;
	// Required options are always selected.
	Default  bool           `yaml:"default"`
	Required bool           `yaml:"required"`
	Quantity OptionQuantity `yaml:"quantity"`

	Pos Pos `yaml:"-"`
}

// OptionQuantity bounds the quantity of a selected option. Zero fields mean
// a fixed quantity of one.
type OptionQuantity struct {
	Min     int `yaml:"min" validate:"gte=0"`
	Max     int `yaml:"max" validate:"gte=0"`
	Default int `yaml:"default" validate:"gte=0"`
}

// Bounds returns the effective minimum, maximum and default quantity.
func (q OptionQuantity) Bounds() (lo, hi, def int) {
	lo, hi, def = q.Min, q.Max, q.Default
	if lo == 0 {
		lo = 1
	}
	if hi == 0 {
		hi = lo
	}
	if def == 0 {
		def = lo
	}
	return lo, hi, def
}

// Constraint restricts the combinations of a product's attribute values and
// options. Exactly one of Requires, Excludes, Table and Expr is set.
type Constraint struct {
	ID string `yaml:"id" validate:"required,ident"`
	// Message explains the rule to a salesperson.
	Message Text `yaml:"message"`

	// Requires: when every condition in If holds, every condition in Then
	// must hold.
	Requires *Implication `yaml:"requires"`
	// Excludes: the conditions may not all hold together.
	Excludes Condition `yaml:"excludes"`
	// Table: the listed variables take only the allowed rows (or any row
	// but the forbidden ones).
	Table *CompatibilityTable `yaml:"table"`
	// Expr is a boolean formula over the product's attributes and options
	// that every configuration must satisfy.
	Expr Expr `yaml:"expr"`

	Pos Pos `yaml:"-"`
}

// Implication is the body of a requires constraint.
type Implication struct {
	If   Condition `yaml:"if" validate:"required"`
	Then Condition `yaml:"then" validate:"required"`
}

// Condition is a conjunction of matches: each names a variable (an
// attribute or option ID) and the values it must take. In YAML it is a
// mapping from variable to a value or a list of values; for options the
// values are true (selected) or false.
type Condition []Match

// Match is one variable of a condition with its allowed values.
type Match struct {
	Var    string
	Values []string
	Pos    Pos
}

// CompatibilityTable lists allowed or forbidden combinations of values.
type CompatibilityTable struct {
	Vars      []string   `yaml:"vars" validate:"required,min=1"`
	Allowed   [][]string `yaml:"allowed"`
	Forbidden [][]string `yaml:"forbidden"`
}

// Table is a lookup table that formulas read with lookup("id", key...).
type Table struct {
	ID string `yaml:"id" validate:"required,ident"`
	// Keys are the types of the key columns: string or decimal.
	Keys []string `yaml:"keys" validate:"required,min=1,dive,oneof=string decimal"`
	// Value is the type of the value column: decimal (default) or string.
	Value string `yaml:"value" validate:"omitempty,oneof=string decimal"`
	// Rows hold the keys followed by the value.
	Rows [][]string `yaml:"rows"`

	Pos Pos `yaml:"-"`

	rows map[string]any
}

// PriceBook is a list of prices in one currency.
type PriceBook struct {
	ID       string `yaml:"id" validate:"required,ident"`
	Name     Text   `yaml:"name"`
	Currency string `yaml:"currency" validate:"required,iso4217"`
	// Standard marks the book used when no segment book applies.
	Standard bool `yaml:"standard"`
	// Segment is the customer segment this book serves.
	Segment string `yaml:"segment"`
	// Parent is the book consulted for products this one lacks.
	Parent        string        `yaml:"parent"`
	EffectiveFrom *time.Time    `yaml:"effective_from"`
	EffectiveTo   *time.Time    `yaml:"effective_to"`
	Entries       []*PriceEntry `yaml:"entries" validate:"dive"`

	Pos Pos `yaml:"-"`
}

// PriceEntry is a product's price in a price book.
type PriceEntry struct {
	Product string `yaml:"product" validate:"required"`
	Unit    string `yaml:"unit"` // the unit Price, Cost, Floor and surcharges are per; empty: the stock unit
	// Price is the list unit price (the price of the whole block for block
	// pricing is in Blocks).
	Price *decimal.Decimal `yaml:"price" validate:"omitempty,nonnegative"`
	// Blocks give flat prices for quantity bands (block pricing).
	Blocks []*PriceBlock `yaml:"blocks" validate:"dive"`
	// Overage is the unit price beyond the last block.
	Overage *decimal.Decimal `yaml:"overage" validate:"omitempty,nonnegative"`
	// Surcharges add to the price depending on the configuration.
	Surcharges []*Surcharge `yaml:"surcharges" validate:"dive"`
	// Cost is the unit cost (for margins); Floor is the lowest net unit
	// price a quote may reach.
	Cost  *decimal.Decimal `yaml:"cost" validate:"omitempty,nonnegative"`
	Floor *decimal.Decimal `yaml:"floor" validate:"omitempty,nonnegative"`

	Pos Pos `yaml:"-"`
}

// PriceBlock is a flat price for quantities from From to To inclusive.
type PriceBlock struct {
	From  decimal.Decimal  `yaml:"from"`
	To    *decimal.Decimal `yaml:"to"`
	Price decimal.Decimal  `yaml:"price" validate:"nonnegative"`

	Pos Pos `yaml:"-"`
}

// Surcharge is a variant condition: an amount added to the unit price when
// a condition on the configuration holds.
type Surcharge struct {
	ID string `yaml:"id" validate:"required,ident"`
	// When matches attribute values and options; If is a boolean formula.
	// Either, both or neither may be given.
	When Condition `yaml:"when"`
	If   Expr      `yaml:"if"`
	// Amount is a fixed surcharge; Formula computes one.
	Amount  *decimal.Decimal `yaml:"amount"`
	Formula Expr             `yaml:"formula"`
	// Cost is what the surcharge adds to the line's unit cost when it
	// applies, per the entry's unit like the amount: a number (cost: 1900)
	// or a formula over the same values as Formula. Empty adds nothing.
	Cost Expr `yaml:"cost"`

	Pos Pos `yaml:"-"`
}

// The price methods.
const (
	MethodList           = "list"
	MethodCostPlus       = "cost_plus"
	MethodBlock          = "block"
	MethodPercentOfTotal = "percent_of_total"
	MethodFormula        = "formula"
)

// PriceMethod says how a product is priced.
type PriceMethod struct {
	Method string `yaml:"method" validate:"required,oneof=list cost_plus block percent_of_total formula"`
	// CostModel names the cost model of a cost_plus product.
	CostModel string `yaml:"cost_model"`
	// Inputs compute cost model inputs from the configuration: formulas
	// over the product's attributes, options and parameters, such as
	// lookup("resin_price_per_kg", resin).
	Inputs map[string]Expr `yaml:"inputs"`
	// Markup on cost (price = cost × (1 + markup)) or target Margin on
	// price (price = cost ÷ (1 − margin)), as fractions; they override the
	// cost model's.
	Markup *decimal.Decimal `yaml:"markup" validate:"omitempty,nonnegative"`
	Margin *decimal.Decimal `yaml:"margin" validate:"omitempty,nonnegative"`
	// Percent of the net of the chosen lines (percent_of_total), with
	// optional bounds.
	Percent   *decimal.Decimal `yaml:"percent" validate:"omitempty,nonnegative"`
	Of        PercentBase      `yaml:"of"`
	MinAmount *decimal.Decimal `yaml:"min_amount"`
	MaxAmount *decimal.Decimal `yaml:"max_amount"`
	// Formula computes the unit price (formula method).
	Formula Expr `yaml:"formula"`

	Pos Pos `yaml:"-"`
}

// PercentBase selects the lines a percent-of-total price is computed on;
// empty means every other line.
type PercentBase struct {
	Products   []string `yaml:"products"`
	Categories []string `yaml:"categories"`
}

// CostModel is a cost build-up: named components, each a formula, then a
// markup on cost or a target margin on price.
type CostModel struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Inputs are the numbers the formulas read besides quantity: each is
	// supplied by the product's pricing inputs, a product parameter or a
	// numeric attribute of the same ID, or takes its default.
	Inputs     []*CostInput     `yaml:"inputs" validate:"dive"`
	Components []*CostComponent `yaml:"components" validate:"required,min=1,dive"`
	Markup     *decimal.Decimal `yaml:"markup" validate:"omitempty,nonnegative"`
	Margin     *decimal.Decimal `yaml:"margin" validate:"omitempty,nonnegative"`

	Pos Pos `yaml:"-"`
}

// CostInput is a number a cost model reads.
type CostInput struct {
	ID      string           `yaml:"id" validate:"required,ident"`
	Name    Text             `yaml:"name"`
	Unit    string           `yaml:"unit"`
	Default *decimal.Decimal `yaml:"default"`

	Pos Pos `yaml:"-"`
}

// CostComponent is one line of a cost build-up. Its formula gives the cost
// per unit and may read the inputs, quantity, and other components.
type CostComponent struct {
	ID      string `yaml:"id" validate:"required,ident"`
	Name    Text   `yaml:"name"`
	Formula Expr   `yaml:"formula" validate:"required"`
	// Separate components (tooling quoted on its own) are not part of the
	// unit cost; pricing puts them on a line of their own.
	Separate bool `yaml:"separate"`

	Pos Pos `yaml:"-"`
}

// DiscountSchedule is a tiered discount by quantity or term.
type DiscountSchedule struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Type is range (every unit at the tier reached) or slab (each unit at
	// the tier it falls in).
	Type string `yaml:"type" validate:"required,oneof=range slab"`
	// Basis is quantity (default) or term (months).
	Basis string `yaml:"basis" validate:"omitempty,oneof=quantity term"`
	// Unit is what a tier's value is: percent off, amount off per unit, or
	// the unit price itself.
	Unit string `yaml:"unit" validate:"required,oneof=percent amount price"`
	// Currency of amount and price tiers.
	Currency string `yaml:"currency" validate:"omitempty,iso4217"`
	// Aggregate adds up quantities across the quote's lines of the same
	// product or category before finding the tier: none (default),
	// product, category.
	Aggregate  string   `yaml:"aggregate" validate:"omitempty,oneof=none product category"`
	Products   []string `yaml:"products"`
	Categories []string `yaml:"categories"`
	Tiers      []*Tier  `yaml:"tiers" validate:"required,min=1,dive"`

	Pos Pos `yaml:"-"`
}

// Tier is one tier of a discount schedule, from From to To inclusive (To nil
// means no upper bound).
type Tier struct {
	From  decimal.Decimal  `yaml:"from"`
	To    *decimal.Decimal `yaml:"to"`
	Value decimal.Decimal  `yaml:"value"`
	// Fee is a flat amount added once when the tier applies.
	Fee *decimal.Decimal `yaml:"fee"`

	Pos Pos `yaml:"-"`
}

// The price rule stages, in the order pricing applies them.
const (
	StageBeforeSchedules = "before_schedules"
	StageAfterSchedules  = "after_schedules"
	StageTotals          = "totals"
)

// PriceRule is a condition on the line, quote and customer, with actions.
type PriceRule struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Stage is when the rule runs: before_schedules, after_schedules
	// (default), or totals.
	Stage string `yaml:"stage" validate:"omitempty,oneof=before_schedules after_schedules totals"`
	// Priority orders rules within a stage, lower first.
	Priority int `yaml:"priority"`
	// Stacking says how this rule's discount combines with earlier ones in
	// the stage: compound (default: applied to the running price) or
	// additive (percentages added up and applied to the price the stage
	// started with).
	Stacking string `yaml:"stacking" validate:"omitempty,oneof=compound additive"`
	// Products and Categories limit the rule to their lines (none: every
	// line). An Exclusive rule that applies ends its stage for the line.
	Products   []string  `yaml:"products"`
	Categories []string  `yaml:"categories"`
	Exclusive  bool      `yaml:"exclusive"`
	Unit       string    `yaml:"unit"` // limits the rule to lines in this selling unit (see pricing.go)
	Condition  Expr      `yaml:"condition"`
	Actions    []*Action `yaml:"actions" validate:"required,min=1,dive"`
	// Disabled rules are loaded and checked but never applied.
	Disabled bool `yaml:"disabled"`

	Pos Pos `yaml:"-"`
}

// The price rule action types.
const (
	ActionSetPrice    = "set_price"
	ActionDiscountPct = "discount_percent"
	ActionDiscountAmt = "discount_amount"
	ActionMarkupPct   = "markup_percent"
	ActionSetField    = "set_field"
	ActionAddProduct  = "add_product"
)

// Action is what a price rule does.
type Action struct {
	Type string `yaml:"type" validate:"required,oneof=set_price discount_percent discount_amount markup_percent set_field add_product"`
	// Value is the formula giving the price, percent or amount.
	Value Expr `yaml:"value"`
	// Field is the line field set by set_field.
	Field string `yaml:"field"`
	// Product and Quantity describe the item added by add_product (a free
	// or discounted item); Discount is its percent off (100 = free), and
	// Value, when given, its unit price.
	Product  string           `yaml:"product"`
	Quantity Expr             `yaml:"quantity"`
	Discount *decimal.Decimal `yaml:"discount"`

	Pos Pos `yaml:"-"`
}

// Subscription describes how a subscription product is billed.
type Subscription struct {
	// TermMonths is the default term.
	TermMonths int `yaml:"term_months" validate:"gte=0"`
	// Billing is monthly, quarterly, annual or upfront.
	Billing string `yaml:"billing" validate:"omitempty,oneof=monthly quarterly annual upfront"`
	// PricePeriod is the period the list price is for: month (default) or
	// year.
	PricePeriod string `yaml:"price_period" validate:"omitempty,oneof=month year"`
	// Proration is by_day or by_month (default).
	Proration string `yaml:"proration" validate:"omitempty,oneof=by_day by_month"`
	// RenewalUplift is the percent added on renewal.
	RenewalUplift *decimal.Decimal `yaml:"renewal_uplift"`
}

// ApprovalRule is an approval policy rule: when its condition over the
// quote's facts holds, the approver must approve.
type ApprovalRule struct {
	ID        string   `yaml:"id" validate:"required,ident"`
	Name      Text     `yaml:"name"`
	Condition Expr     `yaml:"condition" validate:"required"`
	Approver  Approver `yaml:"approver"`
	// Level orders the chain: levels are sequential, the rules of one
	// level run in parallel.
	Level int `yaml:"level" validate:"gte=0"`
	// Reason is shown to the salesperson and approver.
	Reason Text `yaml:"reason"`
	// Escalation and Reapproval: see approval.go.
	Escalation *Escalation `yaml:"escalation"`
	Reapproval string      `yaml:"reapproval" validate:"omitempty,oneof=not_worse always"`

	Pos Pos `yaml:"-"`
}

// Approver says who approves: exactly one of User, Role, Group, Relation.
type Approver struct {
	User     string `yaml:"user"`
	Role     string `yaml:"role"`
	Group    string `yaml:"group"`
	Relation string `yaml:"relation"`
	// Unanimous groups need every member's approval, otherwise any one.
	Unanimous bool `yaml:"unanimous"`
}

// Expr is the source of a formula, with the position where it was written.
type Expr struct {
	Source string
	Pos    Pos

	program *formula.Program
}

// Program returns the compiled formula, or nil when none was given. It is
// set when the catalog is checked.
func (e *Expr) Program() *formula.Program { return e.program }

// IsZero reports whether no formula was given.
func (e Expr) IsZero() bool { return strings.TrimSpace(e.Source) == "" }

// Text is a text in several languages, keyed by BCP 47 tag. In YAML it is a
// plain string (in the catalog's default language) or a mapping from
// language to text.
type Text map[string]string

// In returns the text in the language lang, falling back to its base
// language (zh for zh-CN), then to the default language, then to English,
// then to any language in a stable order.
func (t Text) In(lang string) string {
	if len(t) == 0 {
		return ""
	}
	if s, ok := t[lang]; ok {
		return s
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if s, ok := t[base]; ok {
			return s
		}
	}
	if s, ok := t[""]; ok {
		return s
	}
	if s, ok := t["en"]; ok {
		return s
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return t[keys[0]]
}

// String returns the text in its default language.
func (t Text) String() string { return t.In("") }
