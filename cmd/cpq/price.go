package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/pricing"
)

// runPrice prices a quote file against a catalog and prints every line
// with its waterfall, then the totals.
func runPrice(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("price", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the priced quote as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq price [--json] CATALOG QUOTE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	res, err := priceFiles(fs.Arg(0), fs.Arg(1))
	if err != nil {
		printPriceError(stderr, err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "cpq price: %v\n", err)
			return 2
		}
		return 0
	}
	printPriced(stdout, res)
	return 0
}

func priceFiles(catalogFile, quoteFile string) (*pricing.Result, error) {
	cf, err := os.Open(catalogFile)
	if err != nil {
		return nil, err
	}
	defer cf.Close()
	cat, err := catalog.Load(cf, catalogFile)
	if err != nil {
		return nil, err
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return nil, err
	}
	qf, err := os.Open(quoteFile)
	if err != nil {
		return nil, err
	}
	defer qf.Close()
	req, err := engine.LoadRequest(qf, quoteFile)
	if err != nil {
		return nil, err
	}
	return engine.Price(context.Background(), *req)
}

// printPriceError prints each problem of a catalog or quote file on a line
// of its own, and any other error as it is.
func printPriceError(w io.Writer, err error) {
	var catErrs catalog.Errors
	var inErrs pricing.InputErrors
	switch {
	case errors.As(err, &catErrs):
		for _, e := range catErrs {
			fmt.Fprintln(w, e.Error())
		}
	case errors.As(err, &inErrs):
		for _, e := range inErrs {
			fmt.Fprintln(w, e.Error())
		}
	default:
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(w, "cpq price: %s\n", line)
		}
	}
}

// printPriced prints a priced quote: one block per line with its steps,
// then the totals, the group subtotals and the approval flags.
func printPriced(w io.Writer, r *pricing.Result) {
	fmt.Fprintf(w, "catalog %s %s, priced %s in %s", r.Catalog, r.Version, r.Date.Format("2006-01-02"), r.Currency)
	if r.PriceBook != "" {
		fmt.Fprintf(w, " from price book %s", r.PriceBook)
	}
	fmt.Fprintf(w, "; rounding %s\n", r.Rounding)
	for _, l := range r.Lines {
		fmt.Fprintf(w, "\nline %s: %s × %s", l.ID, l.Product, l.Quantity)
		if l.Unit != "" {
			fmt.Fprintf(w, " %s", l.Unit)
		}
		var notes []string
		if l.Parent != "" {
			notes = append(notes, "option of line "+l.Parent)
		}
		if l.Component != "" {
			notes = append(notes, "cost component "+l.Component)
		}
		if l.AddedBy != "" {
			notes = append(notes, "added by rule "+l.AddedBy)
		}
		if l.Group != "" {
			notes = append(notes, "group "+l.Group)
		}
		if s := l.Subscription; s != nil {
			notes = append(notes, fmt.Sprintf("%s months, billed %s, MRR %s", s.TermMonths, s.Billing, s.MRR))
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(notes, "; "))
		}
		fmt.Fprintf(w, "\n  list %s, net %s (unit %s), %s%% off list", l.List, l.Net, l.UnitNet, l.DiscountPercent)
		if l.HasCost {
			fmt.Fprintf(w, ", cost %s, margin %s (%s%%)", l.Cost, l.Margin, l.MarginPercent)
		}
		fmt.Fprintln(w)
		rows := [][]string{{"", "step", "source", "before", "after", "reason"}}
		for i, s := range l.Steps {
			rows = append(rows, []string{fmt.Sprint(i + 1), string(s.Kind), s.Source, s.Before.String(), s.After.String(), s.Reason})
		}
		table(w, "  ", rows, []bool{true, false, false, true, true, false})
	}
	t := r.Totals
	fmt.Fprintln(w, "\ntotals")
	var rows [][]string
	row := func(name string, v fmt.Stringer) { rows = append(rows, []string{name, v.String()}) }
	row("list", t.List)
	row("discount", t.Discount)
	if !t.HeaderDiscount.IsZero() {
		row("of which header discount", t.HeaderDiscount)
	}
	if !t.Rounding.IsZero() {
		row("rounding", t.Rounding)
	}
	row("net", t.Net)
	if !t.Cost.IsZero() {
		row("cost", t.Cost)
		rows = append(rows, []string{"margin", fmt.Sprintf("%s (%s%%)", t.Margin, t.MarginPercent)})
	}
	row("one-time", t.OneTime)
	if !t.Recurring.IsZero() {
		row("recurring", t.Recurring)
		row("MRR", t.MRR)
		row("ARR", t.ARR)
		row("TCV", t.TCV)
	}
	if !t.Tax.IsZero() {
		row("tax", t.Tax)
		row("gross", t.Gross)
	}
	table(w, "  ", rows, []bool{false, true})
	if len(r.Groups) > 0 {
		fmt.Fprintln(w, "\ngroups")
		rows = [][]string{{"group", "list", "net", "margin"}}
		for _, g := range r.Groups {
			name := g.Group
			if name == "" {
				name = "(none)"
			}
			rows = append(rows, []string{name, g.List.String(), g.Net.String(), g.Margin.String()})
		}
		table(w, "  ", rows, []bool{false, true, true, true})
	}
	a := r.Approval
	fmt.Fprintf(w, "\napproval facts: discount %s%%, largest line discount %s%%, header discount %s%%, lines below floor %d, below margin %d\n",
		a.DiscountPercent, a.MaxLineDiscountPercent, a.HeaderDiscountPercent, a.LinesBelowFloor, a.LinesBelowMinMargin)
	for _, f := range a.Flags {
		fmt.Fprintf(w, "  needs approval: %s\n", f.Reason)
	}
}

// table prints rows in columns two spaces apart, right-aligned where right
// says; the last column is not padded.
func table(w io.Writer, indent string, rows [][]string, right []bool) {
	widths := make([]int, len(right))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			switch {
			case right[i]:
				b.WriteString(pad + c)
			case i == len(r)-1:
				b.WriteString(c)
			default:
				b.WriteString(c + pad)
			}
			if i < len(r)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
