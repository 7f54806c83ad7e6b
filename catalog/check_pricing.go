package catalog

import (
	"github.com/shopspring/decimal"
)

// checkPricing checks what only pricing reads: the scope of price rules,
// the price of items added by rules, schedules by term, price book floors,
// the guardrails and the summaries.
func (k *checker) checkPricing() {
	for i, r := range k.c.PriceRules {
		if r == nil {
			continue
		}
		path := indexPath("price_rules", i)
		k.checkScope(path, r.Products, r.Categories)
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
			if e != nil && e.Floor != nil && e.Price != nil && e.Floor.GreaterThan(*e.Price) {
				k.p.addAt(joinPath(indexPath(joinPath(indexPath("price_books", i), "entries"), j), "floor"), CodeRange,
					"floor %s is above the price %s of %q", e.Floor, e.Price, e.Product)
			}
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
