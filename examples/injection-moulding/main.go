// Command injection-moulding prices an injection-moulded part by its cost
// build-up and chooses the press it runs on from the part's size.
//
// It loads the example catalog injection-moulding.yaml and
//
//   - prints the cost build-up of the sensor housing MP-HOUSING-A per part
//     in three resins: resin with scrap, press time, labour, set-up
//     amortised over the batch, the mould amortised over its life and
//     overhead, and the price that gives the catalog's 28 % target margin;
//   - prices order quantities of the housing in PC, each with the volume
//     discount tier it reaches, the unit price, the line total (rounded to
//     the cent) and the margin left;
//   - selects the press for a custom part of 120 × 80 mm with a 42.5 g shot
//     in a four-cavity mould, from the clamp force, shot capacity and
//     tie-bar spacing the catalog's press_for_part selector asks for.
//
// Usage:
//
//	injection-moulding
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "injection-moulding:", err)
		os.Exit(1)
	}
}

// quoteDate is the pricing date: pricing has no clock of its own.
var quoteDate = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

const housing = "MP-HOUSING-A"

// components are the cost model's components, in the order of the
// catalog.
var components = []string{"material", "machine", "labour", "setup", "tooling", "overhead"}

func run(ctx context.Context, w io.Writer) error {
	cat, err := catalog.LoadFS(catalogs.FS, "injection-moulding.yaml")
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return fmt.Errorf("prepare pricing: %w", err)
	}
	if err := buildUp(ctx, w, engine); err != nil {
		return err
	}
	if err := batches(ctx, w, engine); err != nil {
		return err
	}
	return selectPress(ctx, w, cat)
}

// buildUp prints the cost of one housing, component by component, in
// three resins.
func buildUp(ctx context.Context, w io.Writer, engine *pricing.Engine) error {
	resins := []string{"ABS", "PC", "PA66_GF30"}
	lines := make([]*pricing.PricedLine, len(resins))
	for i, resin := range resins {
		l, err := priceHousing(ctx, engine, resin, 20000)
		if err != nil {
			return err
		}
		lines[i] = l
	}
	p, _ := engine.Catalog().Product(housing)
	fmt.Fprintf(w, "Cost build-up of %s (%s), EUR per part, for 20,000 parts:\n", p.Name.In("en"), housing)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  component\t%s\t\n", strings.Join(resins, "\t"))
	for _, c := range components {
		row := []string{c}
		for _, l := range lines {
			row = append(row, perPart(l, "moulded_part."+c).StringFixed(4))
		}
		fmt.Fprintf(tw, "  %s\t\n", strings.Join(row, "\t"))
	}
	row := []string{"unit cost"}
	for _, l := range lines {
		row = append(row, l.Cost.Value().Div(l.PricedQuantity).StringFixed(4))
	}
	fmt.Fprintf(tw, "  %s\t\n", strings.Join(row, "\t"))
	row = []string{"price at 28 % margin"}
	for _, l := range lines {
		row = append(row, l.UnitList.Value().StringFixed(4))
	}
	fmt.Fprintf(tw, "  %s\t\n", strings.Join(row, "\t"))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return nil
}

// batches prints the housing in PC at three order quantities: the volume
// discount tier each reaches, the unit price shown to the cent, the line
// total and the margin that is left.
func batches(ctx context.Context, w io.Writer, engine *pricing.Engine) error {
	fmt.Fprintln(w, "MP-HOUSING-A in PC by order quantity:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  quantity\tvolume discount\tunit price\tline net\tmargin\t")
	for _, qty := range []int64{5000, 20000, 60000} {
		l, err := priceHousing(ctx, engine, "PC", qty)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s %%\t\n", qty, tier(l), l.UnitNet.Value().StringFixed(2), l.Net, l.MarginPercent.StringFixed(2))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return nil
}

// priceHousing prices one line of the housing.
func priceHousing(ctx context.Context, engine *pricing.Engine, resin string, qty int64) (*pricing.PricedLine, error) {
	res, err := engine.Price(ctx, pricing.Request{Date: quoteDate, Lines: []pricing.Line{{
		ID: "1", Product: housing, Quantity: decimal.NewFromInt(qty),
		Values: map[string]string{"resin": resin},
	}}})
	if err != nil {
		return nil, fmt.Errorf("price %s in %s: %w", housing, resin, err)
	}
	return res.Lines[0], nil
}

// perPart is what the waterfall step of a cost component adds, per part.
func perPart(l *pricing.PricedLine, source string) decimal.Decimal {
	for _, s := range l.Steps {
		if s.Kind == pricing.StepCost && s.Source == source {
			return s.After.Value().Sub(s.Before.Value()).Div(l.PricedQuantity)
		}
	}
	return decimal.Zero
}

// tier describes the volume discount a line got, from the reason of its
// schedule step ("…: tier 10000–49999 reached by quantity 20000: 3% off").
func tier(l *pricing.PricedLine) string {
	for _, s := range l.Steps {
		if s.Kind == pricing.StepSchedule {
			_, t, _ := strings.Cut(s.Reason, ": ")
			return strings.Replace(t, " reached by quantity "+l.Quantity.String(), "", 1)
		}
	}
	return "none (below 10000 parts)"
}

// selectPress chooses the press for a custom part from its size, shot
// weight and cavities.
func selectPress(ctx context.Context, w io.Writer, cat *catalog.Catalog) error {
	g, err := guide.New(cat)
	if err != nil {
		return fmt.Errorf("compile guided selling: %w", err)
	}
	for _, part := range []struct {
		length, width, shot string
	}{
		{"120", "80", "42.5"},
		{"400", "300", "380"},
	} {
		sel, err := g.Select(ctx, guide.SelectRequest{
			Selector: "press_for_part",
			Inputs: map[string]catalog.Measure{
				"part_length": {Value: decimal.RequireFromString(part.length), Unit: "mm"},
				"part_width":  {Value: decimal.RequireFromString(part.width), Unit: "mm"},
				"shot_weight": {Value: decimal.RequireFromString(part.shot), Unit: "g"},
				"cavities":    {Value: decimal.NewFromInt(4)},
			},
		})
		if err != nil {
			return fmt.Errorf("select a press: %w", err)
		}
		fmt.Fprintf(w, "Press for a %s × %s mm part, %s g shot, 4 cavities:\n", part.length, part.width, part.shot)
		for _, n := range sel.Needs {
			fmt.Fprintf(w, "  needs %s\n", n)
		}
		if len(sel.Candidates) == 0 {
			if len(sel.Unmet) == 0 && len(sel.Nearest) == 0 {
				return errors.New("select a press: no candidate and no near miss")
			}
			for _, u := range sel.Unmet {
				fmt.Fprintf(w, "  no press meets %s\n", u.Need)
			}
			for _, nm := range sel.Nearest {
				for _, m := range nm.Misses {
					fmt.Fprintf(w, "  nearest: %s delivers %s, %s short\n", nm.Product, m.Best, m.Short)
				}
			}
			continue
		}
		c := sel.Candidates[0]
		press := ""
		if c.Configuration != nil {
			press, _ = c.Configuration.Value("press")
		}
		fmt.Fprintf(w, "  selected: %s on press %s, delivering", c.Product, press)
		for i, d := range c.Delivers {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %s %s", sep, d.Need.Capability, d.Amount)
		}
		fmt.Fprintln(w)
	}
	return nil
}
