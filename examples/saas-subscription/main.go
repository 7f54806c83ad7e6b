// Command saas-subscription quotes a seat-based SaaS subscription on the
// example catalog saas.yaml.
//
// It prices
//
//   - 120 seats of Fleet Analytics Pro with API access and onboarding for
//     terms of 12, 24 and 36 months: the seats in graduated tiers (the
//     first 50 at the list price, the next 200 at 6 USD a month off), a
//     term discount of 5 % for 24 months and 10 % for 36, and the quote's
//     MRR, ARR and total contract value;
//   - 30 more seats added mid-term, from 15 April to the end of the
//     contract on 31 December, prorated by day and priced in the tier the
//     seats enter after the 120 the customer has;
//   - a European customer's renewal of 150 seats with EU data residency
//     for another year, in euros, with the catalog's 5 % renewal uplift.
//
// Usage:
//
//	saas-subscription
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "saas-subscription:", err)
		os.Exit(1)
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var customer = pricing.Customer{ID: "FLEETCO", Segment: "enterprise", Region: "NA", Country: "US"}

func run(ctx context.Context, w io.Writer) error {
	cat, err := catalog.LoadFS(catalogs.FS, "saas.yaml")
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return fmt.Errorf("prepare pricing: %w", err)
	}
	if err := terms(ctx, w, engine); err != nil {
		return err
	}
	if err := midTerm(ctx, w, engine); err != nil {
		return err
	}
	return renewal(ctx, w, engine)
}

// terms prices the same subscription for three terms.
func terms(ctx context.Context, w io.Writer, engine *pricing.Engine) error {
	fmt.Fprintln(w, "120 seats, API access and onboarding, by term (USD):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  term\tseats\tAPI\tonboarding\tterm discount\tMRR\tARR\tTCV\t")
	for _, months := range []int{12, 24, 36} {
		res, err := engine.Price(ctx, pricing.Request{
			Date: date(2026, 1, 1), Customer: customer, TermMonths: months,
			Lines: []pricing.Line{
				{ID: "seats", Product: "FA-PRO", Quantity: decimal.NewFromInt(120)},
				{ID: "api", Product: "FA-API", Quantity: decimal.NewFromInt(1)},
				{ID: "onboarding", Product: "FA-ONBOARD", Quantity: decimal.NewFromInt(120)},
			},
		})
		if err != nil {
			return fmt.Errorf("price a %d-month term: %w", months, err)
		}
		seats := res.Lines[0]
		t := res.Totals
		fmt.Fprintf(tw, "  %d months\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", months,
			fixed(seats.Net.Value()), fixed(res.Lines[1].Net.Value()), fixed(res.Lines[2].Net.Value()),
			termDiscount(seats), fixed(t.MRR.Value()), fixed(t.ARR.Value()), fixed(t.TCV.Value()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return nil
}

// midTerm adds seats to a running contract, prorated by day to its end.
func midTerm(ctx context.Context, w io.Writer, engine *pricing.Engine) error {
	res, err := engine.Price(ctx, pricing.Request{
		Date: date(2026, 4, 10), Customer: customer,
		Start: date(2026, 4, 15), End: date(2026, 12, 31),
		Lines: []pricing.Line{{
			ID: "more-seats", Product: "FA-PRO", Quantity: decimal.NewFromInt(30),
			PriorQuantity: decimal.NewFromInt(120),
		}},
	})
	if err != nil {
		return fmt.Errorf("price the added seats: %w", err)
	}
	l := res.Lines[0]
	sub := l.Subscription
	fmt.Fprintln(w, "30 more seats from 2026-04-15 to 2026-12-31, after the 120 the customer has:")
	fmt.Fprintf(w, "  term %s months, prorated %s\n", sub.TermMonths, sub.Proration)
	fmt.Fprintf(w, "  %s\n", stepsOf(l))
	for _, s := range l.Steps {
		if s.Kind == pricing.StepSchedule {
			fmt.Fprintf(w, "  %s\n", s.Reason)
		}
	}
	fmt.Fprintf(w, "  net %s, MRR %s, ARR %s\n", l.Net, res.Totals.MRR, res.Totals.ARR)
	fmt.Fprintln(w)
	return nil
}

// renewal renews a European customer's seats for a year, in euros.
func renewal(ctx context.Context, w io.Writer, engine *pricing.Engine) error {
	res, err := engine.Price(ctx, pricing.Request{
		Date: date(2026, 12, 1), Currency: "EUR", TermMonths: 12,
		Customer: pricing.Customer{ID: "FLEETCO-EU", Segment: "enterprise", Region: "EMEA", Country: "DE"},
		Lines: []pricing.Line{{
			ID: "seats", Product: "FA-PRO", Quantity: decimal.NewFromInt(150),
			Values: map[string]string{"region": "eu"}, Renewal: true,
		}},
	})
	if err != nil {
		return fmt.Errorf("price the renewal: %w", err)
	}
	fmt.Fprintln(w, "Renewal of 150 seats with EU data residency for 12 months (EUR):")
	l := res.Lines[0]
	fmt.Fprintf(w, "  %s\n", stepsOf(l))
	t := res.Totals
	fmt.Fprintf(w, "  net %s, MRR %s, ARR %s, TCV %s\n", t.Net, t.MRR, t.ARR, t.TCV)
	return nil
}

// termDiscount is the percent the term discount took off a line.
func termDiscount(l *pricing.PricedLine) string {
	for _, s := range l.Steps {
		if s.Kind == pricing.StepSchedule && s.Source == "term_discount" {
			pct := s.Before.Value().Sub(s.After.Value()).Div(s.Before.Value()).Shift(2)
			return pct.StringFixed(0) + " %"
		}
	}
	return "none"
}

// stepsOf lists a line's waterfall: each step's kind and the amount after
// it.
func stepsOf(l *pricing.PricedLine) string {
	out := ""
	for i, s := range l.Steps {
		if i > 0 {
			out += " → "
		}
		out += string(s.Kind)
		if s.Kind == pricing.StepSchedule || s.Kind == pricing.StepSurcharge {
			out += " " + s.Source
		}
		out += " " + fixed(s.After.Value())
	}
	return out
}

func fixed(d decimal.Decimal) string { return d.StringFixed(2) }
