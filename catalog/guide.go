package catalog

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Guided selling: the catalog data behind the ways a salesperson configures
// besides choosing values one by one — questionnaires, recommended
// packages, up-sell and cross-sell rules, and what products deliver for
// parametric selection.

// The question types.
const (
	QuestionSingle   = "single"
	QuestionMultiple = "multiple"
	QuestionNumber   = "number"
	QuestionYesNo    = "yes_no"
)

// Questionnaire is a guided-selling interview: questions, ordered into
// steps, whose answers constrain a product's configuration, filter the
// products recommended, and score products and packages.
//
// Its formulas read the answers as answer.<question> (a string for single
// choice, a list of strings for multiple choice, a decimal for numbers, a
// bool for yes/no) and the context facts of GuideFacts. A formula that
// reads a question not answered (or a fact the host did not give) is taken
// as false.
type Questionnaire struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Product is the SKU of the product whose configuration the answers
	// constrain and whose packages are ranked; empty for a questionnaire
	// that only recommends products.
	Product string `yaml:"product"`
	// Recommends are the products ranked: those listed and those of the
	// categories listed; when both are empty, every product that is not
	// retired.
	Recommends ProductSet `yaml:"recommends"`
	Steps      []*Step    `yaml:"steps" validate:"required,min=1,dive"`
	// Rules map answers to consequences by formula, for numbers and for
	// combinations of answers.
	Rules []*AnswerRule `yaml:"rules" validate:"dive"`

	Pos Pos `yaml:"-"`
}

// ProductSet names products by SKU and by category.
type ProductSet struct {
	Products   []string `yaml:"products"`
	Categories []string `yaml:"categories"`
}

// Step is a page of a questionnaire.
type Step struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Visible, when given, hides the whole step unless it holds.
	Visible   Expr        `yaml:"visible"`
	Questions []*Question `yaml:"questions" validate:"required,min=1,dive"`

	Pos Pos `yaml:"-"`
}

// Question is one question of a questionnaire.
type Question struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Text Text   `yaml:"text" validate:"required"`
	Help Text   `yaml:"help"`
	// Type is single, multiple, number or yes_no.
	Type string `yaml:"type" validate:"required,oneof=single multiple number yes_no"`
	// Visible, when given, asks the question only when it holds; it may
	// read only questions asked before this one.
	Visible Expr `yaml:"visible"`
	// Options are the answers of a single or multiple choice question; a
	// yes_no question may list options yes and no to give them
	// consequences.
	Options []*AnswerOption `yaml:"options" validate:"dive"`
	// Unit, Min and Max describe the answer of a number question.
	Unit string           `yaml:"unit"`
	Min  *decimal.Decimal `yaml:"min"`
	Max  *decimal.Decimal `yaml:"max"`

	Pos Pos `yaml:"-"`
}

// AnswerOption is one answer of a choice question and its consequences.
type AnswerOption struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Text Text   `yaml:"text"`
	// Require restricts the configuration of the questionnaire's product
	// while this answer is given.
	Require Restrictions `yaml:"require"`
	// Fits is a formula over the product facts (product.sku,
	// product.category, product.kind, capability.<id> in the capability's
	// unit — for a configurable one, the most it can deliver), the answers
	// and the context: while this answer is given, only products for which
	// it holds are recommended (a product without a capability it reads
	// does not fit).
	Fits Expr `yaml:"fits"`
	// Score adds points to products and packages while this answer is
	// given.
	Score Scores `yaml:"score"`

	Pos Pos `yaml:"-"`
}

// AnswerRule gives consequences to answers by formula.
type AnswerRule struct {
	ID string `yaml:"id" validate:"required,ident"`
	// When is a formula over the answers and the context.
	When Expr `yaml:"when" validate:"required"`
	// Reason tells the salesperson why the rule applies.
	Reason  Text         `yaml:"reason"`
	Require Restrictions `yaml:"require"`
	Fits    Expr         `yaml:"fits"`
	Score   Scores       `yaml:"score"`

	Pos Pos `yaml:"-"`
}

// Scores are points added to products (by SKU) and to the packages of the
// questionnaire's product (by ID).
type Scores struct {
	Products map[string]int `yaml:"products"`
	Packages map[string]int `yaml:"packages"`
}

// IsZero reports whether no points are given.
func (s Scores) IsZero() bool { return len(s.Products) == 0 && len(s.Packages) == 0 }

// Restrictions restrict variables of a product's configuration. In YAML it
// is a mapping from attribute or option to a value, a list of values, or
// a range {min: 256, max: 1024} of an integer attribute.
type Restrictions []*Restriction

// Restriction restricts one variable to some of its values.
type Restriction struct {
	Var    string
	Values []string
	Min    *decimal.Decimal
	Max    *decimal.Decimal
	Pos    Pos

	allowed []string
}

// Allowed returns the values the restriction allows, in domain order; it
// is set when the catalog is checked.
func (r *Restriction) Allowed() []string { return r.allowed }

// Package is a recommended preset of a product's configuration ("good,
// better, best"): a named set of choices applied at once.
type Package struct {
	ID          string `yaml:"id" validate:"required,ident"`
	Name        Text   `yaml:"name" validate:"required"`
	Description Text   `yaml:"description"`
	// Choices map attributes and options to one value each.
	Choices Condition `yaml:"choices" validate:"required"`
	// Quantities are the quantities of options the package selects.
	Quantities map[string]int `yaml:"quantities"`

	Pos Pos `yaml:"-"`
}

// The kinds of suggestion.
const (
	SuggestUpsell    = "upsell"
	SuggestCrossSell = "cross_sell"
)

// SuggestionRule proposes an up-sell or cross-sell when its condition
// holds: choices to make in the configuration, or another product to add
// to the quote.
type SuggestionRule struct {
	ID string `yaml:"id" validate:"required,ident"`
	// Kind is upsell (the default) or cross_sell.
	Kind string `yaml:"kind" validate:"omitempty,oneof=upsell cross_sell"`
	// When is a formula over the configuration (the product's attributes
	// and options, as in constraints) and the context facts.
	When Expr `yaml:"when" validate:"required"`
	// Set are the choices the suggestion makes (add an option, upgrade a
	// value), one value each, with option Quantities.
	Set        Condition      `yaml:"set"`
	Quantities map[string]int `yaml:"quantities"`
	// AddProduct is a product to add to the quote on a line of its own,
	// with Quantity (default 1).
	AddProduct string `yaml:"add_product"`
	Quantity   int    `yaml:"quantity" validate:"gte=0"`
	Reason     Text   `yaml:"reason" validate:"required"`
	// Priority orders suggestions, higher first.
	Priority int `yaml:"priority"`

	Pos Pos `yaml:"-"`
}

// Capability is what a product delivers, for parametric selection: a
// fixed amount (Value), or one that depends on its configuration — the
// value of the integer attribute From, or, with Values, the amount each
// value of From delivers.
type Capability struct {
	ID   string `yaml:"id" validate:"required,ident"`
	Name Text   `yaml:"name"`
	// Unit is the unit of the amounts (mm, kg, t, GB, …).
	Unit   string                     `yaml:"unit"`
	Value  *decimal.Decimal           `yaml:"value"`
	From   string                     `yaml:"from"`
	Values map[string]decimal.Decimal `yaml:"values"`

	Pos Pos `yaml:"-"`
}

// Selector derives technical needs from a customer's data for parametric
// selection: each need is a formula over the inputs (in their units) giving
// the least or most amount of a capability.
type Selector struct {
	ID     string           `yaml:"id" validate:"required,ident"`
	Name   Text             `yaml:"name"`
	Inputs []*SelectorInput `yaml:"inputs" validate:"dive"`
	Needs  []*NeedRule      `yaml:"needs" validate:"required,min=1,dive"`
	// Candidates are the products considered; when empty, every product
	// that declares the capabilities needed.
	Candidates ProductSet `yaml:"candidates"`
	// Prefer lists SKUs in the catalog's order of preference.
	Prefer []string `yaml:"prefer"`

	Pos Pos `yaml:"-"`
}

// SelectorInput is a number a selector reads, in Unit.
type SelectorInput struct {
	ID      string           `yaml:"id" validate:"required,ident"`
	Name    Text             `yaml:"name"`
	Unit    string           `yaml:"unit"`
	Default *decimal.Decimal `yaml:"default"`

	Pos Pos `yaml:"-"`
}

// NeedRule computes one need of a selector: the least (Min) and/or the
// most (Max) amount of a capability, in Unit.
type NeedRule struct {
	Capability string `yaml:"capability" validate:"required,ident"`
	Name       Text   `yaml:"name"`
	Unit       string `yaml:"unit"`
	Min        Expr   `yaml:"min"`
	Max        Expr   `yaml:"max"`

	Pos Pos `yaml:"-"`
}

// Questionnaire returns the questionnaire with the ID.
func (c *Catalog) Questionnaire(id string) (*Questionnaire, error) {
	for _, q := range c.Questionnaires {
		if q != nil && q.ID == id {
			return q, nil
		}
	}
	return nil, notFound(c, "questionnaire", id)
}

// Selector returns the selector with the ID.
func (c *Catalog) Selector(id string) (*Selector, error) {
	for _, s := range c.Selectors {
		if s != nil && s.ID == id {
			return s, nil
		}
	}
	return nil, notFound(c, "selector", id)
}

// Package returns the product's package with the ID.
func (p *Product) Package(id string) (*Package, error) {
	for _, pk := range p.Packages {
		if pk != nil && pk.ID == id {
			return pk, nil
		}
	}
	return nil, fmt.Errorf("package %q of product %q: %w", id, p.SKU, ErrNotFound)
}

// Capability returns the product's capability with the ID, or nil.
func (p *Product) Capability(id string) *Capability {
	for _, cp := range p.Capabilities {
		if cp != nil && cp.ID == id {
			return cp
		}
	}
	return nil
}

// CapabilityUnit returns the unit in which formulas read a capability (the
// unit of its first declaration), and whether any product declares it.
func (c *Catalog) CapabilityUnit(id string) (string, bool) {
	if c.guide == nil {
		return "", false
	}
	u, ok := c.guide.capUnits[id]
	return u, ok
}

// Range returns the least and greatest amount the capability can deliver
// over the values of its variable that are not retired (both the fixed
// value for a fixed capability). ok is false when none can be computed.
func (cp *Capability) Range(c *Catalog, p *Product) (lo, hi decimal.Decimal, ok bool) {
	if cp.Value != nil {
		return *cp.Value, *cp.Value, true
	}
	for _, a := range cp.Amounts(c, p) {
		if !ok {
			lo, hi, ok = a.Amount, a.Amount, true
			continue
		}
		lo = decimal.Min(lo, a.Amount)
		hi = decimal.Max(hi, a.Amount)
	}
	return lo, hi, ok
}

// CapabilityAmount is what a capability delivers with one value of its
// variable.
type CapabilityAmount struct {
	Value  string
	Amount decimal.Decimal
}

// Amounts returns what a configuration-dependent capability delivers with
// each value of its variable that is not retired, in domain order; nil for
// a fixed capability.
func (cp *Capability) Amounts(c *Catalog, p *Product) []CapabilityAmount {
	if cp.From == "" {
		return nil
	}
	v, err := c.Variable(p, cp.From)
	if err != nil {
		return nil
	}
	var out []CapabilityAmount
	for _, val := range v.Domain() {
		if v.Attribute != nil && v.Attribute.Type == AttrEnum && retiredValue(v.Attribute, val) {
			continue
		}
		if len(cp.Values) > 0 {
			if amt, ok := cp.Values[val]; ok {
				out = append(out, CapabilityAmount{Value: val, Amount: amt})
			}
			continue
		}
		if d, err := decimal.NewFromString(val); err == nil {
			out = append(out, CapabilityAmount{Value: val, Amount: d})
		}
	}
	return out
}

func retiredValue(a *Attribute, id string) bool {
	v := a.Value(id)
	return v != nil && v.Retired
}

func notFound(c *Catalog, what, id string) error {
	return fmt.Errorf("%s %q in catalog %s@%s: %w", what, id, c.ID, c.Version, ErrNotFound)
}
