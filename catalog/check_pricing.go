package catalog

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/internal/suggest"
)

// checkPricing checks what only pricing reads: selling units, the scope
// and unit of price rules, the price of items added by rules, schedules by
// term, price book floors and units, the guardrails and the summaries.
func (k *checker) checkPricing() {
	for i, prod := range k.c.Products {
		if prod != nil {
			k.checkUnits(indexPath("products", i), prod)
		}
	}
	for i, r := range k.c.PriceRules {
		if r == nil {
			continue
		}
		path := indexPath("price_rules", i)
		k.checkScope(path, r.Products, r.Categories)
		if r.Unit != "" {
			k.checkRuleUnit(path, r)
		}
		for j, a := range r.Actions {
			if a != nil && a.Type == ActionAddProduct && !a.Value.IsZero() {
				k.exprs.rule(joinPath(indexPath(joinPath(path, "actions"), j), "value"), &a.Value, false)
			}
		}
	}
	for i, s := range k.c.DiscountSchedules {
		if s != nil && s.Basis == "term" && s.Aggregate != "" && s.Aggregate != "none" {
			k.p.addAt(joinPath(indexPath("discount_schedules", i), "aggregate"), CodeConflict,
				"schedule %q is by term; only quantity schedules aggregate across lines", s.ID)
		}
	}
	for i, b := range k.c.PriceBooks {
		if b == nil {
			continue
		}
		if parent, ok := k.x.priceBooks[b.Parent]; ok && parent.Currency != b.Currency {
			k.p.addAt(joinPath(indexPath("price_books", i), "parent"), CodeConflict,
				"price book %q in %s has parent %q in %s; a book falls back only to a book in its own currency", b.ID, b.Currency, parent.ID, parent.Currency)
		}
		for j, e := range b.Entries {
			if e == nil {
				continue
			}
			ep := indexPath(joinPath(indexPath("price_books", i), "entries"), j)
			if e.Floor != nil && e.Price != nil && e.Floor.GreaterThan(*e.Price) {
				k.p.addAt(joinPath(ep, "floor"), CodeRange, "floor %s is above the price %s of %q", e.Floor, e.Price, e.Product)
			}
			if e.Unit != "" {
				k.checkEntryUnit(ep, e)
			}
			k.checkSurchargeCosts(ep, e)
		}
	}
	if g := k.c.Guardrails; g != nil {
		k.checkGuardrails(g)
	}
	seen := map[string]string{}
	for i, sm := range k.c.Summaries {
		if sm == nil {
			continue
		}
		path := indexPath("summaries", i)
		k.unique(seen, sm.ID, joinPath(path, "id"), "summary")
		k.checkScope(path, sm.Products, sm.Categories)
	}
}

// checkScope reports unknown products and categories in a rule's or
// guardrail's scope.
func (k *checker) checkScope(path string, products, categories []string) {
	for j, sku := range products {
		k.refProduct(sku, indexPath(joinPath(path, "products"), j))
	}
	for j, cat := range categories {
		if !k.x.categories[cat] {
			k.unknown(indexPath(joinPath(path, "categories"), j), "category", cat, keys(k.x.categories))
		}
	}
}

func (k *checker) checkGuardrails(g *Guardrails) {
	const path = "guardrails"
	k.percent(joinPath(path, "max_header_discount_percent"), g.MaxHeaderDiscountPercent)
	k.percent(joinPath(path, "approval_header_discount_percent"), g.ApprovalHeaderDiscountPercent)
	if g.MaxHeaderDiscountPercent != nil && g.ApprovalHeaderDiscountPercent != nil &&
		g.ApprovalHeaderDiscountPercent.GreaterThan(*g.MaxHeaderDiscountPercent) {
		k.p.addAt(joinPath(path, "approval_header_discount_percent"), CodeRange,
			"approval limit %s%% is above the hard limit %s%%; no header discount could need approval", g.ApprovalHeaderDiscountPercent, g.MaxHeaderDiscountPercent)
	}
	seen := map[string]string{}
	for i, l := range g.Lines {
		if l == nil {
			continue
		}
		lp := indexPath(joinPath(path, "lines"), i)
		k.unique(seen, l.ID, joinPath(lp, "id"), "guardrail")
		k.checkScope(lp, l.Products, l.Categories)
		for _, f := range []struct {
			name string
			d    *decimal.Decimal
		}{
			{"floor_percent", l.FloorPercent}, {"min_margin_percent", l.MinMarginPercent},
			{"approval_discount_percent", l.ApprovalDiscountPercent}, {"approval_floor_percent", l.ApprovalFloorPercent},
			{"approval_margin_percent", l.ApprovalMarginPercent},
		} {
			k.percent(joinPath(lp, f.name), f.d)
		}
		if l.FloorPercent != nil && l.ApprovalFloorPercent != nil && l.ApprovalFloorPercent.LessThan(*l.FloorPercent) {
			k.p.addAt(joinPath(lp, "approval_floor_percent"), CodeRange,
				"approval floor %s%% is below the hard floor %s%%; no line could need approval for it", l.ApprovalFloorPercent, l.FloorPercent)
		}
		if l.MinMarginPercent != nil && l.ApprovalMarginPercent != nil && l.ApprovalMarginPercent.LessThan(*l.MinMarginPercent) {
			k.p.addAt(joinPath(lp, "approval_margin_percent"), CodeRange,
				"approval margin %s%% is below the minimum margin %s%%; no line could need approval for it", l.ApprovalMarginPercent, l.MinMarginPercent)
		}
	}
}

// percent reports a percentage outside 0..100.
func (k *checker) percent(path string, d *decimal.Decimal) {
	if d != nil && (d.IsNegative() || d.GreaterThan(decimal.NewFromInt(100))) {
		k.p.addAt(path, CodeRange, "%s%% is outside 0..100", d)
	}
}

// checkUnits checks a product's selling units: each named once, none the
// stock unit, each holding more than zero stock units, and a stock unit
// to count them in.
func (k *checker) checkUnits(path string, prod *Product) {
	if len(prod.Units) == 0 {
		return
	}
	if prod.Unit == "" {
		k.p.addAt(joinPath(path, "units"), CodeRequired,
			"product %q has selling units but no stock unit (unit) for their factors to count", prod.SKU)
	}
	seen := map[string]string{}
	for j, u := range prod.Units {
		if u == nil {
			continue
		}
		up := indexPath(joinPath(path, "units"), j)
		switch {
		case u.Unit != "" && u.Unit == prod.Unit:
			k.p.addAt(joinPath(up, "unit"), CodeDuplicateID, "unit %q is the stock unit of %q; a selling unit is another unit", u.Unit, prod.SKU)
		default:
			k.unique(seen, u.Unit, joinPath(up, "unit"), "selling unit")
		}
		if !u.Factor.IsPositive() {
			k.p.addAt(joinPath(up, "factor"), CodeRange,
				"factor of unit %q is %s; it must be above zero (the %s units one %s holds)", u.Unit, u.Factor, stockName(prod), u.Unit)
		}
	}
}

func stockName(prod *Product) string {
	if prod.Unit == "" {
		return "stock"
	}
	return prod.Unit
}

// checkEntryUnit checks the unit a price book entry is per: one the
// product is sold in, and none for block prices, whose blocks count stock
// units.
func (k *checker) checkEntryUnit(path string, e *PriceEntry) {
	prod := k.x.products[e.Product]
	if prod == nil {
		return
	}
	if _, ok := prod.UnitFactor(e.Unit); !ok {
		k.p.addAt(joinPath(path, "unit"), CodeUnknownReference, "product %q is not sold in unit %q%s",
			prod.SKU, e.Unit, unitsHint(e.Unit, prod.SellingUnits()))
		return
	}
	if prod.Pricing != nil && prod.Pricing.Method == MethodBlock {
		k.p.addAt(joinPath(path, "unit"), CodeInvalid, "product %q is block priced: its blocks count stock units, so its entry names no unit", prod.SKU)
	}
}

// checkRuleUnit reports a rule's unit that no product it applies to is
// sold in.
func (k *checker) checkRuleUnit(path string, r *PriceRule) {
	var sold []string
	seen := map[string]bool{}
	for _, prod := range k.c.Products {
		if prod == nil || !ruleScopes(r, prod) {
			continue
		}
		for _, u := range prod.SellingUnits() {
			if u == r.Unit {
				return
			}
			if !seen[u] {
				seen[u] = true
				sold = append(sold, u)
			}
		}
	}
	what := "no product"
	if len(r.Products) > 0 || len(r.Categories) > 0 {
		what = "no product the rule applies to"
	}
	k.p.addAt(joinPath(path, "unit"), CodeUnknownReference, "%s is sold in unit %q%s", what, r.Unit, unitsHint(r.Unit, sold))
}

// ruleScopes reports whether a rule's products and categories take a
// product (naming none takes every product).
func ruleScopes(r *PriceRule, prod *Product) bool {
	if len(r.Products) == 0 && len(r.Categories) == 0 {
		return true
	}
	for _, s := range r.Products {
		if s == prod.SKU {
			return true
		}
	}
	for _, c := range r.Categories {
		if c == prod.Category {
			return true
		}
	}
	return false
}

// unitsHint suggests the closest of the units, or lists them.
func unitsHint(unit string, units []string) string {
	if s := suggest.Closest(unit, units); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	if len(units) == 0 {
		return ""
	}
	return fmt.Sprintf(" (units: %s)", strings.Join(units, ", "))
}

// checkSurchargeCosts checks the costs of an entry's surcharges: a number
// is not negative, a formula compiles like the surcharge's formula, and
// the line has a cost for them to add to (the entry's, or a cost build-up).
func (k *checker) checkSurchargeCosts(path string, e *PriceEntry) {
	prod := k.x.products[e.Product]
	for j, s := range e.Surcharges {
		if s == nil || s.Cost.IsZero() {
			continue
		}
		cp := joinPath(indexPath(joinPath(path, "surcharges"), j), "cost")
		if d, err := decimal.NewFromString(strings.TrimSpace(s.Cost.Source)); err == nil {
			if d.IsNegative() {
				k.p.addAt(cp, CodeRange, "cost %s of surcharge %q is negative; a surcharge cost adds to the line's cost", d, s.ID)
			}
		} else if prod != nil {
			k.exprs.price(cp, prod, &s.Cost)
		}
		if prod != nil && e.Cost == nil && (prod.Pricing == nil || prod.Pricing.Method != MethodCostPlus) {
			k.p.addAt(cp, CodeRequired, "surcharge %q has a cost but the entry of %q has none for it to add to", s.ID, e.Product)
		}
	}
}
