package quote

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/pricing"
)

// ErrCatalogVersion: the catalog version the quote pins is not available.
var ErrCatalogVersion = errors.New("catalog version not available")

// Engines gives the pricing engines of catalog versions: the one a quote
// pins, and the one in force on a date. The host keeps them (an engine is
// prepared once per version and shared).
type Engines interface {
	Version(ctx context.Context, catalogID, version string) (*pricing.Engine, error)
	Current(ctx context.Context, catalogID string, date time.Time) (*pricing.Engine, error)
}

// PricingRequest builds the pricing request for the quote's lines that are
// not derived by pricing, priced on date. Only lines for which include
// returns true are taken (nil takes them all).
func (q *Quote) PricingRequest(date time.Time, include func(Line) bool) pricing.Request {
	req := pricing.Request{
		Currency:   q.Header.Currency,
		Date:       date,
		Customer:   pricing.Customer{ID: q.Header.Account.ID, Segment: q.Header.Account.Segment, Region: q.Header.Account.Region, Country: q.Header.Account.Country},
		PriceBook:  q.Header.PriceBook,
		TermMonths: q.Header.TermMonths,
	}
	if !q.Header.HeaderDiscount.IsZero() {
		pct := q.Header.HeaderDiscount
		req.HeaderDiscount = &pricing.Adjustment{Percent: &pct}
	}
	for _, l := range q.Lines {
		if l.Derived || (include != nil && !include(l)) {
			continue
		}
		pl := pricing.Line{ID: l.ID, Product: l.Product, Quantity: l.Quantity, Unit: l.Unit, Group: l.Group}
		if len(l.Configuration) > 0 {
			pl.Values = map[string]string{}
			for _, v := range l.Configuration {
				pl.Values[v.Var] = v.Value
			}
		}
		a := l.Adjustment
		if a.DiscountPercent != nil || a.DiscountAmount != nil || a.PriceOverride != nil {
			pl.Manual = &pricing.Adjustment{Percent: a.DiscountPercent, Amount: a.DiscountAmount, UnitPrice: a.PriceOverride, Reason: a.Reason}
		}
		req.Lines = append(req.Lines, pl)
	}
	return req
}

// ApplyPricing writes priced results into the quote: every input line's
// price and waterfall, and the lines pricing derived (bundle options, added
// items, separately quoted components) as derived lines under their
// parents. Totals and taxes come from the result of the lines that count.
func (q *Quote) ApplyPricing(counted, optional *pricing.Result) error {
	byID := map[string]*pricing.PricedLine{}
	var derived []*pricing.PricedLine
	for _, r := range []*pricing.Result{counted, optional} {
		if r == nil {
			continue
		}
		for _, pl := range r.Lines {
			if pl.Parent != "" || pl.AddedBy != "" {
				derived = append(derived, pl)
				continue
			}
			byID[pl.ID] = pl
		}
	}
	lines := make([]Line, 0, len(q.Lines)+len(derived))
	for _, l := range q.Lines {
		if l.Derived {
			continue
		}
		pl, ok := byID[l.ID]
		if !ok {
			return fmt.Errorf("quote %s: pricing returned no line %s: %w", q.Number, l.ID, ErrInvalid)
		}
		l.Price = linePrice(pl)
		lines = append(lines, l)
		for _, d := range derived {
			if d.Parent == l.ID || (d.Parent == "" && d.Trigger == l.ID) {
				lines = append(lines, Line{
					ID: d.ID, Product: d.Product, Name: d.Product, Quantity: d.Quantity, Group: l.Group,
					Parent: l.ID, Optional: l.Optional, Alternative: l.Alternative, Selected: l.Selected,
					Derived: true, Price: linePrice(d),
				})
			}
		}
	}
	for _, d := range derived {
		if d.Parent == "" && d.Trigger == "" {
			lines = append(lines, Line{ID: d.ID, Product: d.Product, Name: d.Product, Quantity: d.Quantity, Derived: true, Price: linePrice(d)})
		}
	}
	q.Lines = lines
	q.Totals.Tax = decimal.Zero
	if counted != nil {
		q.CatalogID, q.CatalogVersion = counted.Catalog, counted.Version
		q.Totals.Tax = counted.Totals.Tax.Value()
	}
	q.Recalculate()
	return nil
}

func linePrice(pl *pricing.PricedLine) LinePrice {
	p := LinePrice{
		ListUnitPrice: pl.UnitList.Value(),
		UnitPrice:     pl.UnitNet.Value(),
		ListTotal:     pl.List.Value(),
		NetTotal:      pl.Net.Value(),
		Recurring:     pl.Recurring,
	}
	if pl.HasCost {
		p.Cost = pl.Cost.Value()
	}
	if pl.Subscription != nil {
		p.TermMonths = int(pl.Subscription.TermMonths.Ceil().IntPart())
	}
	for _, s := range pl.Steps {
		p.Waterfall = append(p.Waterfall, Step{Kind: string(s.Kind), Source: s.Source, Before: s.Before.Value(), After: s.After.Value(), Reason: s.Reason})
	}
	return p
}

// Price prices the quote with an engine on date: the lines that count in
// the totals in one request (so percent-of-total lines, schedules and the
// header discount see exactly them), optional and unchosen alternative
// lines in another, for their prices alone.
func (q *Quote) Price(ctx context.Context, eng *pricing.Engine, date time.Time) error {
	counted, err := eng.Price(ctx, q.PricingRequest(date, Line.Counts))
	if err != nil {
		return fmt.Errorf("price quote %s: %w", q.Number, err)
	}
	var optional *pricing.Result
	optReq := q.PricingRequest(date, func(l Line) bool { return !l.Counts() })
	if len(optReq.Lines) > 0 {
		optReq.HeaderDiscount = nil
		if optional, err = eng.Price(ctx, optReq); err != nil {
			return fmt.Errorf("price optional lines of quote %s: %w", q.Number, err)
		}
	}
	if err := q.ApplyPricing(counted, optional); err != nil {
		return err
	}
	q.describe(eng.Catalog())
	return nil
}

// describe names, from the catalog and in the quote's language, what the
// user left unnamed: a line without a name (or a derived line named by its
// SKU) gets its product's name, an enumerated configuration value without a
// label gets its value's name. Names given are kept.
func (q *Quote) describe(cat *catalog.Catalog) {
	if cat == nil {
		return
	}
	lang := q.Header.Language
	if lang == "" {
		lang = "en"
	}
	for i := range q.Lines {
		l := &q.Lines[i]
		p, err := cat.Product(l.Product)
		if err != nil {
			continue
		}
		if l.Name == "" || (l.Derived && l.Name == l.Product) {
			if n := p.Name.In(lang); n != "" {
				l.Name = n
			}
		}
		for j := range l.Configuration {
			c := &l.Configuration[j]
			if c.Label != "" {
				continue
			}
			if v, err := cat.Variable(p, c.Var); err == nil && v.Attribute != nil {
				if val := v.Attribute.Value(c.Value); val != nil && len(val.Name) > 0 {
					c.Label = val.Name.In(lang)
				}
			}
		}
	}
}

// Reprice prices the quote again. By default it uses the catalog version
// the quote pins, so a recalculation never changes prices behind the
// salesperson's back; with moveToCurrent it uses the version in force on
// date, and the returned diff reports what that changed. The quote must be
// editable (a draft or a rejected revision); nothing changes on error.
func (q *Quote) Reprice(ctx context.Context, engines Engines, date time.Time, moveToCurrent bool) (Diff, error) {
	if !q.Status.Editable() {
		return Diff{}, fmt.Errorf("quote %s revision %d is %s; revise it to change prices: %w", q.Number, q.Revision, q.Status, ErrLocked)
	}
	var eng *pricing.Engine
	var err error
	switch {
	case moveToCurrent || q.CatalogVersion == "":
		eng, err = engines.Current(ctx, q.CatalogID, date)
	default:
		eng, err = engines.Version(ctx, q.CatalogID, q.CatalogVersion)
	}
	if err != nil {
		return Diff{}, fmt.Errorf("reprice quote %s: %w: %w", q.Number, ErrCatalogVersion, err)
	}
	before := q.Clone()
	next := q.Clone()
	if err := next.Price(ctx, eng, date); err != nil {
		return Diff{}, err
	}
	*q = *next
	return Compare(before, q), nil
}
