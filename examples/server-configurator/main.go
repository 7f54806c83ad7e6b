// Command server-configurator sells an industrial rack server by guided
// selling, on the example catalog server.yaml.
//
// A salesperson and the customer answer the catalog's sizing questionnaire;
// the answers restrict the configuration and rank the good, better and best
// packages. The best-ranked package is applied; a package the answers rule
// out, and a processor the customer's rack rules out, are refused with the
// reasons. Up-sells and cross-sells are offered, the configuration is
// completed from the catalog defaults, and the servers are priced with
// their option lines, the volume discount and on-site care.
//
// Usage:
//
//	server-configurator
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server-configurator:", err)
		os.Exit(1)
	}
}

// quoteDate is the pricing date: pricing has no clock of its own.
var quoteDate = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// answers are what the customer tells the salesperson.
var answers = map[string]string{
	"workload":   "virtualisation",
	"users":      "200",
	"budget":     "standard",
	"redundancy": "no",
}

// servers is how many servers the customer orders.
const servers = 6

func run(ctx context.Context, w io.Writer) error {
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	g, err := guide.New(cat)
	if err != nil {
		return fmt.Errorf("compile guided selling: %w", err)
	}
	s, err := g.NewSession(guide.Options{Questionnaire: "server_sizing"})
	if err != nil {
		return fmt.Errorf("start guided selling: %w", err)
	}

	// 1. The questionnaire: the session asks only what can still change
	// something.
	fmt.Fprintln(w, "Questionnaire server_sizing:")
	for {
		p, err := s.Next()
		if err != nil {
			return fmt.Errorf("next question: %w", err)
		}
		if p == nil {
			break
		}
		a, ok := answers[p.Question.ID]
		if !ok {
			return fmt.Errorf("no answer to question %q", p.Question.ID)
		}
		if err := s.Answer(p.Question.ID, a); err != nil {
			return fmt.Errorf("answer %s: %w", p.Question.ID, err)
		}
		fmt.Fprintf(w, "  %s %s\n", p.Question.Text.In("en"), a)
	}
	if err := domains(w, s, "sockets", "memory_gb"); err != nil {
		return err
	}

	// 2. The packages that fit the answers, best first, with the reasons.
	ranking, err := s.Recommendations()
	if err != nil {
		return fmt.Errorf("rank packages: %w", err)
	}
	fmt.Fprintln(w, "Recommended packages:")
	for _, pk := range ranking.Packages {
		fmt.Fprintf(w, "  %s, %d points\n", pk.Name.In("en"), pk.Score)
		for _, r := range pk.Reasons {
			fmt.Fprintf(w, "    %+d %s\n", r.Points, r.Text.In("en"))
		}
	}
	if len(ranking.Packages) == 0 {
		return errors.New("no package fits the answers")
	}
	// A package the answers rule out is refused, and nothing changes.
	for _, pk := range s.Product().Packages {
		if slices.ContainsFunc(ranking.Packages, func(r guide.Recommendation) bool { return r.ID == pk.ID }) {
			continue
		}
		err := s.ApplyPackage(pk.ID)
		var ce *guide.ConflictError
		if !errors.As(err, &ce) {
			return fmt.Errorf("package %s should conflict with the answers, got %v", pk.ID, err)
		}
		fmt.Fprintf(w, "  not %s: %v\n", pk.ID, err)
	}
	for _, pr := range ranking.Products {
		if pr.Score > 0 {
			fmt.Fprintf(w, "  add-on %s (%s), %d points\n", pr.ID, pr.Name.In("en"), pr.Score)
		}
	}
	best := ranking.Packages[0].ID
	if err := s.ApplyPackage(best); err != nil {
		return fmt.Errorf("apply package %s: %w", best, err)
	}
	fmt.Fprintf(w, "Applied package %s: %s\n", best, choices(s.Choices()))

	// 3. The customer's rack takes 1U servers only. The X9 processor is
	// then refused, with the choices and rules in the way; so is less
	// memory than the answers call for.
	if err := s.Set("chassis", "1U"); err != nil {
		return fmt.Errorf("choose chassis: %w", err)
	}
	fmt.Fprintln(w, "Chassis set to 1U.")
	for _, c := range []configurator.Choice{{Var: "cpu", Value: "X9"}, {Var: "memory_gb", Value: "96"}} {
		err := s.Set(c.Var, c.Value)
		var ce *configurator.ConflictError
		if !errors.As(err, &ce) {
			return fmt.Errorf("%s = %s should be refused, got %v", c.Var, c.Value, err)
		}
		fmt.Fprintf(w, "  refused %s = %s: %s\n", c.Var, c.Value, ce.Explanation.Text("en"))
	}
	if err := domains(w, s, "cooling", "hdd_8t", "gpu_h100"); err != nil {
		return err
	}

	// 4. Up-sells and cross-sells: never one that would break the
	// configuration.
	sugg, err := s.Suggestions(ctx)
	if err != nil {
		return fmt.Errorf("suggestions: %w", err)
	}
	fmt.Fprintln(w, "Suggestions:")
	for _, sg := range sugg {
		fmt.Fprintf(w, "  %s %s: %s\n", sg.Kind, sg.ID, sg.Reason.In("en"))
	}
	for _, id := range []string{"redundant_power", "care"} {
		if !slices.ContainsFunc(sugg, func(sg guide.Suggestion) bool { return sg.ID == id }) {
			return fmt.Errorf("suggestion %s is not on offer", id)
		}
		if err := s.AcceptSuggestion(ctx, id); err != nil {
			return fmt.Errorf("accept suggestion %s: %w", id, err)
		}
		fmt.Fprintf(w, "  accepted %s\n", id)
	}

	// 5. Completion: every variable left open takes its catalog default.
	config, err := s.Complete(configurator.Strategy{})
	if err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	fmt.Fprintf(w, "Configuration: %s\n", choices(config.Values))

	// 6. Pricing: the servers with their option lines, and the care added
	// by the cross-sell.
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return fmt.Errorf("prepare pricing: %w", err)
	}
	values := map[string]string{}
	for _, c := range config.Values {
		if strings.HasPrefix(c.Var, "qty.") && c.Value == "0" {
			continue // the quantity of an option not taken
		}
		values[c.Var] = c.Value
	}
	req := pricing.Request{Date: quoteDate, Lines: []pricing.Line{
		{ID: "1", Product: config.Product, Quantity: decimal.NewFromInt(servers), Values: values},
	}}
	for i, a := range s.Additions() {
		req.Lines = append(req.Lines, pricing.Line{ID: fmt.Sprint(i + 2), Product: a.Product, Quantity: decimal.NewFromInt(int64(a.Quantity))})
	}
	res, err := engine.Price(ctx, req)
	if err != nil {
		return fmt.Errorf("price: %w", err)
	}
	fmt.Fprintf(w, "Quote for %d servers:\n", servers)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  line\tproduct\tqty\tlist\tnet\t")
	for _, l := range res.Lines {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t\n", l.ID, l.Product, l.Quantity, l.List.Value().StringFixed(2), l.Net.Value().StringFixed(2))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range res.Lines {
		for _, st := range l.Steps {
			if st.Kind == pricing.StepSchedule || st.Kind == pricing.StepBound {
				fmt.Fprintf(w, "  line %s: %s\n", l.ID, st.Reason)
			}
		}
	}
	t := res.Totals
	fmt.Fprintf(w, "  total list %s, discount %s, net %s %s\n",
		t.List.Value().StringFixed(2), t.Discount.Value().StringFixed(2), t.Net.Value().StringFixed(2), res.Currency)
	return nil
}

// domains prints what some variables can still take.
func domains(w io.Writer, s *guide.Session, vars ...string) error {
	ds, err := s.ValidDomains()
	if err != nil {
		return fmt.Errorf("valid domains: %w", err)
	}
	for _, d := range ds {
		if slices.Contains(vars, d.Var) {
			fmt.Fprintf(w, "  %s can be: %s\n", d.Var, strings.Join(d.Values, " "))
		}
	}
	return nil
}

// choices lists choices sorted by variable, leaving out options not taken.
func choices(cs []configurator.Choice) string {
	var parts []string
	for _, c := range cs {
		if c.Value == "false" || strings.HasPrefix(c.Var, "qty.") && c.Value == "0" {
			continue
		}
		parts = append(parts, c.Var+"="+c.Value)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}
