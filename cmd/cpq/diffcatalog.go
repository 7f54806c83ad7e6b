package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/pricing"
)

// impactReport is what cpq diff-catalog reports: every quote priced under
// the old and the new catalog, line by line, and the totals by currency.
type impactReport struct {
	Old     catalogRef      `json:"old"`
	New     catalogRef      `json:"new"`
	Quotes  []*quoteImpact  `json:"quotes"`
	Summary impactSummary   `json:"summary"`
	Totals  []*impactTotals `json:"totals"`
}

type catalogRef struct {
	File    string `json:"file"`
	ID      string `json:"id"`
	Version string `json:"version"`
}

type impactSummary struct {
	Quotes    int `json:"quotes"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	// FailOld and FailNew count the quotes that do not price under the
	// old or the new catalog (both count a quote that fails under both).
	FailOld int `json:"fail_old"`
	FailNew int `json:"fail_new"`
}

// The statuses of a quote and of a line.
const (
	impactChanged   = "changed"
	impactUnchanged = "unchanged"
	impactFailNew   = "fails under new"
	impactFailOld   = "fails under old"
	impactFailBoth  = "fails under both"
	impactCurrency  = "currency changed"
	impactAdded     = "added"
	impactRemoved   = "removed"
)

type quoteImpact struct {
	File     string `json:"file"`
	Status   string `json:"status"`
	Currency string `json:"currency,omitempty"`
	OldNet   string `json:"old_net,omitempty"`
	NewNet   string `json:"new_net,omitempty"`
	Change   string `json:"change,omitempty"`
	// Percent is the change in percent of the old net amount, to two
	// places; empty when the old amount is zero.
	Percent  string        `json:"percent,omitempty"`
	OldError string        `json:"old_error,omitempty"`
	NewError string        `json:"new_error,omitempty"`
	Lines    []*lineImpact `json:"lines,omitempty"`
}

type lineImpact struct {
	ID      string `json:"id"`
	Product string `json:"product"`
	Status  string `json:"status"`
	OldNet  string `json:"old_net,omitempty"`
	NewNet  string `json:"new_net,omitempty"`
	Change  string `json:"change,omitempty"`
	Percent string `json:"percent,omitempty"`
}

type impactTotals struct {
	Currency string `json:"currency"`
	// Quotes counts the quotes in the currency priced under both catalogs.
	Quotes  int    `json:"quotes"`
	OldNet  string `json:"old_net"`
	NewNet  string `json:"new_net"`
	Change  string `json:"change"`
	Percent string `json:"percent,omitempty"`
}

// runDiffCatalog re-prices every quote file of a directory under two
// catalog versions and reports what changes.
func runDiffCatalog(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff-catalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	quotes := fs.String("quotes", "", "the `DIR` of quote files (*.yaml, *.yml, *.json) to re-price")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq diff-catalog [--json] OLD NEW --quotes DIR")
		fs.PrintDefaults()
	}
	args, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(args) != 2 || *quotes == "" {
		fs.Usage()
		return 2
	}
	oldEngine, err := loadEngine(args[0])
	if err != nil {
		printPriceError(stderr, err)
		return 2
	}
	newEngine, err := loadEngine(args[1])
	if err != nil {
		printPriceError(stderr, err)
		return 2
	}
	files, err := quoteFiles(*quotes)
	if err != nil {
		fmt.Fprintf(stderr, "cpq diff-catalog: %v\n", err)
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "cpq diff-catalog: no quote files (*.yaml, *.yml, *.json) in %s\n", *quotes)
		return 2
	}
	r := &impactReport{
		Old:    catalogRef{File: args[0], ID: oldEngine.Catalog().ID, Version: oldEngine.Catalog().Version},
		New:    catalogRef{File: args[1], ID: newEngine.Catalog().ID, Version: newEngine.Catalog().Version},
		Quotes: []*quoteImpact{},
		Totals: []*impactTotals{},
	}
	totals := map[string][2]money.Amount{}
	var currencies []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "cpq diff-catalog: %v\n", err)
			return 2
		}
		q, oldRes, newRes := compareQuote(f, data, oldEngine, newEngine)
		if rel, err := filepath.Rel(*quotes, f); err == nil {
			q.File = filepath.ToSlash(rel)
		}
		r.Quotes = append(r.Quotes, q)
		r.Summary.Quotes++
		switch q.Status {
		case impactChanged, impactCurrency:
			r.Summary.Changed++
		case impactUnchanged:
			r.Summary.Unchanged++
		case impactFailNew:
			r.Summary.FailNew++
		case impactFailOld:
			r.Summary.FailOld++
		case impactFailBoth:
			r.Summary.FailOld++
			r.Summary.FailNew++
		}
		if q.Status != impactChanged && q.Status != impactUnchanged {
			continue
		}
		cur := oldRes.Currency
		t, ok := totals[cur]
		if !ok {
			currencies = append(currencies, cur)
			t = [2]money.Amount{mustZero(cur), mustZero(cur)}
		}
		t[0], _ = t[0].Add(oldRes.Totals.Net) // same currency: cannot fail
		t[1], _ = t[1].Add(newRes.Totals.Net)
		totals[cur] = t
	}
	sort.Strings(currencies)
	for _, cur := range currencies {
		t := totals[cur]
		n := 0
		for _, q := range r.Quotes {
			if q.Currency == cur && (q.Status == impactChanged || q.Status == impactUnchanged) {
				n++
			}
		}
		change, pct := difference(t[0], t[1])
		r.Totals = append(r.Totals, &impactTotals{Currency: cur, Quotes: n, OldNet: t[0].String(), NewNet: t[1].String(), Change: change, Percent: pct})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(stderr, "cpq diff-catalog: %v\n", err)
			return 2
		}
		return 0
	}
	printImpact(stdout, r)
	return 0
}

func loadEngine(file string) (*pricing.Engine, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cat, err := catalog.Load(f, file)
	if err != nil {
		return nil, err
	}
	return pricing.New(cat, pricing.Options{})
}

// quoteFiles lists the quote files under dir in lexical order, leaving
// out test suites (*.test.yaml).
func quoteFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || strings.HasSuffix(name, ".test.yaml") {
			return nil
		}
		switch filepath.Ext(name) {
		case ".yaml", ".yml", ".json":
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// priceQuote reads and prices a quote file under one engine.
func priceQuote(e *pricing.Engine, file string, data []byte) (*pricing.Result, error) {
	req, err := e.ParseRequest(data, file)
	if err != nil {
		return nil, err
	}
	return e.Price(context.Background(), *req)
}

// compareQuote prices a quote under both engines and compares it line by
// line; lines are matched by ID.
func compareQuote(file string, data []byte, oldEngine, newEngine *pricing.Engine) (*quoteImpact, *pricing.Result, *pricing.Result) {
	q := &quoteImpact{File: file}
	oldRes, oldErr := priceQuote(oldEngine, file, data)
	newRes, newErr := priceQuote(newEngine, file, data)
	if oldErr != nil {
		q.OldError = oneLine(oldErr)
	}
	if newErr != nil {
		q.NewError = oneLine(newErr)
	}
	switch {
	case oldErr != nil && newErr != nil:
		q.Status = impactFailBoth
		return q, nil, nil
	case newErr != nil:
		q.Status, q.Currency, q.OldNet = impactFailNew, oldRes.Currency, oldRes.Totals.Net.String()
		return q, nil, nil
	case oldErr != nil:
		q.Status, q.Currency, q.NewNet = impactFailOld, newRes.Currency, newRes.Totals.Net.String()
		return q, nil, nil
	}
	q.Currency, q.OldNet, q.NewNet = oldRes.Currency, oldRes.Totals.Net.String(), newRes.Totals.Net.String()
	if oldRes.Currency != newRes.Currency {
		q.Status = impactCurrency
		return q, nil, nil
	}
	q.Change, q.Percent = difference(oldRes.Totals.Net, newRes.Totals.Net)
	q.Status = impactUnchanged
	if !oldRes.Totals.Net.Equal(newRes.Totals.Net) {
		q.Status = impactChanged
	}
	newByID := map[string]*pricing.PricedLine{}
	for _, l := range newRes.Lines {
		newByID[l.ID] = l
	}
	seen := map[string]bool{}
	for _, o := range oldRes.Lines {
		seen[o.ID] = true
		li := &lineImpact{ID: o.ID, Product: o.Product, OldNet: o.Net.String()}
		n, ok := newByID[o.ID]
		switch {
		case !ok:
			li.Status = impactRemoved
		case n.Product != o.Product:
			li.Status, li.NewNet = impactChanged, n.Net.String()
			li.Product = o.Product + " → " + n.Product
			li.Change, li.Percent = difference(o.Net, n.Net)
		default:
			li.NewNet = n.Net.String()
			li.Change, li.Percent = difference(o.Net, n.Net)
			li.Status = impactUnchanged
			if !o.Net.Equal(n.Net) {
				li.Status = impactChanged
			}
		}
		if li.Status != impactUnchanged {
			q.Status = impactChanged
		}
		q.Lines = append(q.Lines, li)
	}
	for _, n := range newRes.Lines {
		if !seen[n.ID] {
			q.Status = impactChanged
			q.Lines = append(q.Lines, &lineImpact{ID: n.ID, Product: n.Product, Status: impactAdded, NewNet: n.Net.String()})
		}
	}
	return q, oldRes, newRes
}

// difference writes new − old with its sign, and the change in percent of
// old to two places (empty when old is zero).
func difference(oldNet, newNet money.Amount) (change, percent string) {
	d, err := newNet.Sub(oldNet)
	if err != nil {
		return "", ""
	}
	change = d.String()
	if d.IsPositive() {
		change = "+" + change
	}
	if oldNet.IsZero() {
		return change, ""
	}
	p, err := money.DivDecimal(d.Value().Mul(decimal.NewFromInt(100)), oldNet.Value(), 2, money.HalfEven)
	if err != nil {
		return change, ""
	}
	percent = p.StringFixed(2) + "%"
	if p.IsPositive() {
		percent = "+" + percent
	}
	return change, percent
}

func mustZero(cur string) money.Amount {
	z, err := money.Zero(cur)
	if err != nil {
		panic(err) // the currency of a priced quote is always known
	}
	return z
}

// oneLine writes an error on one line: the problems of a quote file are
// joined with "; ".
func oneLine(err error) string {
	return strings.Join(strings.Split(strings.TrimSpace(err.Error()), "\n"), "; ")
}

func printImpact(w io.Writer, r *impactReport) {
	fmt.Fprintf(w, "old: %s %s (%s)\nnew: %s %s (%s)\n", r.Old.ID, r.Old.Version, r.Old.File, r.New.ID, r.New.Version, r.New.File)
	for _, q := range r.Quotes {
		fmt.Fprintln(w)
		switch q.Status {
		case impactFailNew:
			fmt.Fprintf(w, "%s: fails under the new catalog (old net %s): %s\n", q.File, q.OldNet, q.NewError)
			continue
		case impactFailOld:
			fmt.Fprintf(w, "%s: fails under the old catalog, prices under the new (net %s): %s\n", q.File, q.NewNet, q.OldError)
			continue
		case impactFailBoth:
			fmt.Fprintf(w, "%s: fails under both catalogs: %s\n", q.File, q.NewError)
			continue
		case impactCurrency:
			fmt.Fprintf(w, "%s: priced in another currency: %s → %s\n", q.File, q.OldNet, q.NewNet)
			continue
		case impactUnchanged:
			fmt.Fprintf(w, "%s: unchanged, net %s\n", q.File, q.NewNet)
			continue
		}
		fmt.Fprintf(w, "%s: net %s → %s, %s", q.File, q.OldNet, q.NewNet, q.Change)
		if q.Percent != "" {
			fmt.Fprintf(w, " (%s)", q.Percent)
		}
		fmt.Fprintln(w)
		rows := [][]string{{"line", "product", "old net", "new net", "change", "%"}}
		same := 0
		for _, l := range q.Lines {
			if l.Status == impactUnchanged {
				same++
				continue
			}
			oldNet, newNet, change := l.OldNet, l.NewNet, l.Change
			if l.Status == impactAdded {
				oldNet, change = "(added)", ""
			}
			if l.Status == impactRemoved {
				newNet, change = "(removed)", ""
			}
			rows = append(rows, []string{l.ID, l.Product, oldNet, newNet, change, l.Percent})
		}
		table(w, "  ", rows, []bool{false, false, true, true, true, true})
		if same > 0 {
			fmt.Fprintf(w, "  %s unchanged\n", plural(same, "other line"))
		}
	}
	s := r.Summary
	fmt.Fprintf(w, "\n%s: %d changed, %d unchanged", plural(s.Quotes, "quote"), s.Changed, s.Unchanged)
	if s.FailNew > 0 {
		fmt.Fprintf(w, ", %d %s under the new catalog", s.FailNew, verb(s.FailNew, "fails", "fail"))
	}
	if s.FailOld > 0 {
		fmt.Fprintf(w, ", %d %s under the old catalog", s.FailOld, verb(s.FailOld, "fails", "fail"))
	}
	fmt.Fprintln(w)
	if len(r.Totals) > 0 {
		rows := [][]string{{"currency", "quotes", "old net", "new net", "change", "%"}}
		for _, t := range r.Totals {
			rows = append(rows, []string{t.Currency, fmt.Sprint(t.Quotes), t.OldNet, t.NewNet, t.Change, t.Percent})
		}
		table(w, "  ", rows, []bool{false, true, true, true, true, true})
	}
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
