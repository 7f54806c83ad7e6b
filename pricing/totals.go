package pricing

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/money"
)

func (p *pricer) result() *Result {
	e := p.e
	res := &Result{Catalog: e.cat.ID, Version: e.version, Currency: p.qcur.Code(), Date: p.req.Date,
		Rounding: e.mode.String() + " at " + e.roundAt}
	if e.increment != nil {
		res.Rounding += " to a multiple of " + e.increment.String()
	}
	if p.book != nil {
		res.PriceBook = p.book.b.ID
	}
	return res
}

type sums struct {
	list, net, cost, margin, costNet, oneTime, recurring decimal.Decimal
}

func (s *sums) add(ls *lineState, n, margin decimal.Decimal, recurring bool) {
	s.list = s.list.Add(ls.list)
	s.net = s.net.Add(n)
	if ls.hasCost {
		s.cost = s.cost.Add(ls.cost)
		s.margin = s.margin.Add(margin)
		s.costNet = s.costNet.Add(n)
	}
	if recurring {
		s.recurring = s.recurring.Add(n)
	} else {
		s.oneTime = s.oneTime.Add(n)
	}
}

// totals finishes the lines and adds them up.
func (p *pricer) totals(res *Result) {
	cur := p.qcur
	amt := cur.Amount
	var all sums
	res.Lines = make([]*PricedLine, 0, len(p.lines))
	var mrr, arr decimal.Decimal
	var groups []string
	var byGroup map[string]*sums
	for _, ls := range p.lines {
		if ls.out.Group != "" {
			byGroup = map[string]*sums{}
			break
		}
	}
	maxDisc := decimal.Zero
	for _, ls := range p.lines {
		out := ls.out
		net := ls.total()
		recurring := ls.prod.recurring && ls.comp == nil
		out.Recurring = recurring
		out.PricedQuantity = ls.pq
		out.List, out.Net, out.Discount = amt(ls.list), amt(net), amt(ls.list.Sub(net))
		out.UnitList = amt(ls.listUnit)
		if ls.unitOK {
			out.UnitNet = amt(ls.unit)
		} else {
			out.UnitNet = amt(quo(net, ls.per))
		}
		out.DiscountPercent = percentOf(ls.list.Sub(net), ls.list)
		if !ls.added && out.DiscountPercent.GreaterThan(maxDisc) {
			maxDisc = out.DiscountPercent
		}
		var margin decimal.Decimal
		if ls.hasCost {
			margin = net.Sub(ls.cost)
			out.HasCost = true
			out.Cost, out.Margin = amt(ls.cost), amt(margin)
			out.MarginPercent = percentOf(margin, net)
		} else {
			out.Cost, out.Margin = amt(decimal.Zero), amt(decimal.Zero)
		}
		if t := ls.term; t != nil && recurring {
			m, err := money.DivDecimal(net, t.months, cur.Digits(), p.e.mode)
			if err != nil {
				m = decimal.Zero
			}
			out.Subscription = &Subscription{TermMonths: t.months, Multiplier: t.mult, PricePeriod: t.period,
				Proration: t.proration, Billing: t.billing, Start: t.start, End: t.end, MRR: amt(m), ARR: amt(m.Mul(decimal.NewFromInt(12)))}
			mrr = mrr.Add(m)
			arr = arr.Add(m.Mul(decimal.NewFromInt(12)))
		}
		out.Fields = sortedFields(p.e, ls)
		out.Steps = ls.steps
		all.add(ls, net, margin, recurring)
		if byGroup != nil {
			g, ok := byGroup[out.Group]
			if !ok {
				g = &sums{}
				byGroup[out.Group] = g
				groups = append(groups, out.Group)
			}
			g.add(ls, net, margin, recurring)
		}
		res.Lines = append(res.Lines, out)
	}
	rounding := decimal.Zero
	if p.e.roundAt == "grand_total" {
		var r decimal.Decimal
		if inc := p.e.increment; inc != nil {
			r = money.RoundDecimalToIncrement(all.net, *inc, p.e.mode)
		} else {
			r = money.RoundDecimal(all.net, cur.Digits(), p.e.mode)
		}
		rounding = r.Sub(all.net)
	}
	t := &res.Totals
	t.List, t.Discount, t.Rounding = amt(all.list), amt(all.list.Sub(all.net)), amt(rounding)
	t.Net = amt(all.net.Add(rounding))
	t.Cost, t.Margin = amt(all.cost), amt(all.margin)
	t.MarginPercent = percentOf(all.margin, all.costNet)
	t.OneTime, t.Recurring = amt(all.oneTime), amt(all.recurring)
	t.MRR, t.ARR = amt(mrr), amt(arr)
	t.TCV = amt(all.oneTime.Add(all.recurring))
	t.Tax, t.Gross = amt(decimal.Zero), t.Net
	if byGroup != nil {
		for _, name := range groups {
			g := byGroup[name]
			res.Groups = append(res.Groups, GroupTotals{Group: name, List: amt(g.list), Discount: amt(g.list.Sub(g.net)), Net: amt(g.net),
				Cost: amt(g.cost), Margin: amt(g.margin), OneTime: amt(g.oneTime), Recurring: amt(g.recurring)})
		}
	}
	res.Approval.DiscountPercent = percentOf(all.list.Sub(all.net), all.list)
	res.Approval.MaxLineDiscountPercent = maxDisc
}

// percentOf is part in percent of whole, to two places (zero for a whole
// of zero).
func percentOf(part, whole decimal.Decimal) decimal.Decimal {
	if whole.IsZero() || part.IsZero() {
		return decimal.Zero
	}
	d, err := money.DivDecimal(part.Mul(hundred), whole, 2, money.HalfEven)
	if err != nil {
		return decimal.Zero
	}
	return d
}

// TaxCalculator computes the taxes of a priced quote. It may do I/O (a tax
// service); it is called once per Price.
type TaxCalculator interface {
	Tax(ctx context.Context, q TaxQuery) ([]TaxAmount, error)
}

// TaxQuery is what a TaxCalculator taxes: the lines' net amounts in the
// quote currency.
type TaxQuery struct {
	Currency string
	Date     time.Time
	Customer Customer
	Lines    []TaxableLine
}

// TaxableLine is one line to tax.
type TaxableLine struct {
	ID       string
	Product  string
	Category string
	Net      money.Amount
}

func (p *pricer) tax(res *Result) error {
	calc := p.e.opts.Tax
	if calc == nil {
		return nil
	}
	q := TaxQuery{Currency: res.Currency, Date: p.req.Date, Customer: p.req.Customer}
	for _, l := range res.Lines {
		q.Lines = append(q.Lines, TaxableLine{ID: l.ID, Product: l.Product, Category: l.Category, Net: l.Net})
	}
	taxes, err := calc.Tax(p.ctx, q)
	if err != nil {
		return fmt.Errorf("tax: %w", err)
	}
	total := decimal.Zero
	for _, t := range taxes {
		if t.Amount.Currency() != p.qcur {
			return fmt.Errorf("tax on line %s is in %s, not the quote currency %s", t.Line, t.Amount.Currency(), p.qcur)
		}
		total = total.Add(t.Amount.Value())
	}
	res.Taxes = taxes
	res.Totals.Tax = p.qcur.Amount(total)
	res.Totals.Gross = p.qcur.Amount(res.Totals.Net.Value().Add(total))
	return nil
}

// TaxRates is a TaxCalculator from a table of rates: each line is taxed at
// the rate that names the most of the customer's country and region and
// the line's category (a field left empty matches anything; among equally
// specific rates the first wins), rounded to the minor unit per line.
// Lines that no rate matches are not taxed.
type TaxRates struct {
	Rates []TaxRate
	Mode  money.RoundingMode
}

// TaxRate is one rate of a TaxRates table.
type TaxRate struct {
	Country  string
	Region   string
	Category string
	Name     string
	Percent  decimal.Decimal
}

// Tax implements TaxCalculator.
func (t *TaxRates) Tax(_ context.Context, q TaxQuery) ([]TaxAmount, error) {
	var out []TaxAmount
	for _, l := range q.Lines {
		var best *TaxRate
		bestScore := -1
		for i := range t.Rates {
			r := &t.Rates[i]
			score := 0
			ok := true
			for _, f := range [][2]string{{r.Country, q.Customer.Country}, {r.Region, q.Customer.Region}, {r.Category, l.Category}} {
				switch f[0] {
				case "":
				case f[1]:
					score++
				default:
					ok = false
				}
			}
			if ok && score > bestScore {
				best, bestScore = r, score
			}
		}
		if best == nil {
			continue
		}
		amount := l.Net.Mul(best.Percent).Value().Shift(-2)
		out = append(out, TaxAmount{Line: l.ID, Name: best.Name, Percent: best.Percent, Base: l.Net,
			Amount: l.Net.Currency().Amount(money.RoundDecimal(amount, l.Net.Currency().Digits(), t.Mode))})
	}
	return out, nil
}

// ApprovalFacts returns the facts of catalog.ApprovalFacts that pricing
// knows, under the same names: the quote's currency, list total, total,
// discount total and percent, header and largest line discount percent,
// margin percent, lines below floor or minimum margin, products and
// categories. The approval engine adds the rest (customer, term, payment
// terms, edited terms, today).
func (r *Result) ApprovalFacts() formula.Vars {
	products, categories := map[string]bool{}, map[string]bool{}
	for _, l := range r.Lines {
		products[l.Product] = true
		if l.Category != "" {
			categories[l.Category] = true
		}
	}
	a := r.Approval
	return formula.Vars{
		"quote.currency":                  r.Currency,
		"quote.list_total":                r.Totals.List.Value(),
		"quote.total":                     r.Totals.Net.Value(),
		"quote.discount_total":            r.Totals.Discount.Value(),
		"quote.discount_percent":          a.DiscountPercent,
		"quote.header_discount_percent":   a.HeaderDiscountPercent,
		"quote.max_line_discount_percent": a.MaxLineDiscountPercent,
		"quote.margin_percent":            r.Totals.MarginPercent,
		"quote.lines_below_floor":         decimal.NewFromInt(int64(a.LinesBelowFloor)),
		"quote.lines_below_min_margin":    decimal.NewFromInt(int64(a.LinesBelowMinMargin)),
		"quote.products":                  keysOf(products),
		"quote.categories":                keysOf(categories),
	}
}
