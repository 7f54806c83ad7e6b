package cpqtest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/internal/yamlpos"
	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/pricing"
)

// Options configure a run.
type Options struct {
	// Filter, when set, runs only the cases whose name it matches.
	Filter *regexp.Regexp
}

// Report is the outcome of running suites.
type Report struct {
	Passed int            `json:"passed"`
	Failed int            `json:"failed"`
	Suites []*SuiteReport `json:"suites"`
}

// Add adds a suite's report.
func (r *Report) Add(s *SuiteReport) {
	r.Suites = append(r.Suites, s)
	r.Passed += s.Passed
	r.Failed += s.Failed
}

// SuiteReport is the outcome of one test file.
type SuiteReport struct {
	File string `json:"file"`
	// Catalog is the catalog's file; CatalogID and Version name the
	// catalog version the cases were priced against.
	Catalog   string        `json:"catalog"`
	CatalogID string        `json:"catalog_id"`
	Version   string        `json:"version"`
	Passed    int           `json:"passed"`
	Failed    int           `json:"failed"`
	Cases     []*CaseReport `json:"cases"`
}

// CaseReport is the outcome of one case.
type CaseReport struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Passed bool   `json:"passed"`
	// Error is the error pricing returned, if any.
	Error    string     `json:"error,omitempty"`
	Failures []*Failure `json:"failures,omitempty"`
	// Waterfalls are the waterfalls of the lines that failed an
	// expectation, with the steps that differ marked.
	Waterfalls []*Waterfall `json:"waterfalls,omitempty"`
}

// Failure is one expectation that did not hold.
type Failure struct {
	// File, Line and Column are where the expectation is written.
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	// QuoteLine is the ID of the quote line the expectation is about.
	QuoteLine string `json:"quote_line,omitempty"`
	// Field is what was checked: a line field (unit_price, steps, rules),
	// totals.<field>, approvals or error.
	Field string `json:"field"`
	// Step is the step of the line's waterfall the failure is about
	// (1-based), when there is one.
	Step    int    `json:"step,omitempty"`
	Want    string `json:"want,omitempty"`
	Got     string `json:"got,omitempty"`
	Message string `json:"message"`
}

// Pos is where the expectation is written.
func (f *Failure) Pos() catalog.Pos { return catalog.Pos{File: f.File, Line: f.Line, Column: f.Column} }

// Waterfall is a priced line's waterfall, as shown for a failed case.
type Waterfall struct {
	QuoteLine string           `json:"quote_line"`
	Product   string           `json:"product"`
	Quantity  string           `json:"quantity"`
	Steps     []*WaterfallStep `json:"steps"`
}

// WaterfallStep is one row of a Waterfall: a step of the priced line, or
// an expected step that is missing (Index 0).
type WaterfallStep struct {
	Index  int    `json:"index,omitempty"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Differs marks a step that is not the expected one; Want says what
	// was expected.
	Differs bool   `json:"differs,omitempty"`
	Want    string `json:"want,omitempty"`
}

// RunSuite prices every case of a suite (those opts.Filter matches) and
// checks its expectations.
func RunSuite(ctx context.Context, s *Suite, opts Options) *SuiteReport {
	r := &SuiteReport{File: s.File, Catalog: s.CatalogFile, Cases: []*CaseReport{}}
	if s.Catalog != nil {
		r.CatalogID, r.Version = s.Catalog.ID, s.Catalog.Version
	}
	for _, c := range s.Cases {
		if opts.Filter != nil && !opts.Filter.MatchString(c.Name) {
			continue
		}
		cr := s.RunCase(ctx, c)
		if cr.Passed {
			r.Passed++
		} else {
			r.Failed++
		}
		r.Cases = append(r.Cases, cr)
	}
	return r
}

// RunCase prices one case of the suite and checks its expectations.
func (s *Suite) RunCase(ctx context.Context, c *Case) *CaseReport {
	ck := &checker{s: s, c: c, r: &CaseReport{Name: c.Name, File: c.Pos.File, Line: c.Pos.Line, Column: c.Pos.Column}}
	if ck.r.File == "" {
		ck.r.File = s.File
	}
	var res *pricing.Result
	err := c.InputErr
	switch {
	case err != nil:
	case c.Request == nil:
		err = fmt.Errorf("%w: case %q has no quote to price", pricing.ErrInvalidRequest, c.Name)
	default:
		res, err = s.Engine.Price(ctx, *c.Request)
	}
	if err != nil {
		ck.r.Error = err.Error()
	}
	ck.check(res, err)
	sort.SliceStable(ck.r.Failures, func(i, j int) bool {
		a, b := ck.r.Failures[i], ck.r.Failures[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	ck.r.Passed = len(ck.r.Failures) == 0
	return ck.r
}

// checker checks one case's expectations against its outcome.
type checker struct {
	s *Suite
	c *Case
	r *CaseReport
}

func (ck *checker) at(p string) string { return yamlpos.Join(ck.c.path, p) }

func (ck *checker) fail(p string, f *Failure) {
	pos := ck.s.position(ck.at(p))
	if ck.c.path == "" {
		pos = ck.c.Pos
	}
	f.File, f.Line, f.Column = pos.File, pos.Line, pos.Column
	if f.File == "" {
		f.File = ck.s.File
	}
	ck.r.Failures = append(ck.r.Failures, f)
}

func (ck *checker) check(res *pricing.Result, err error) {
	e := ck.c.Expect
	if e.Error != "" {
		switch {
		case err == nil:
			ck.fail("expect.error", &Failure{Field: "error", Want: e.Error, Got: "no error",
				Message: fmt.Sprintf("want an error matching %q; the quote priced without one (net %s)", e.Error, res.Totals.Net)})
		case !errorMatches(err, e.Error):
			ck.fail("expect.error", &Failure{Field: "error", Want: e.Error, Got: err.Error(),
				Message: fmt.Sprintf("want an error matching %q, got: %v", e.Error, err)})
		}
		return
	}
	if err != nil {
		ck.fail("", &Failure{Field: "error", Got: err.Error(), Message: fmt.Sprintf("pricing failed: %v", err)})
		return
	}
	for _, le := range e.Lines {
		ck.line(res, le)
	}
	if e.Totals != nil {
		ck.totals(res, e.Totals)
	}
	if e.Approvals != nil {
		ck.approvals(res, *e.Approvals)
	}
}

// sentinels are pricing's errors a case may expect by their message.
var sentinels = []error{
	pricing.ErrInvalidRequest, pricing.ErrNoPrice, pricing.ErrNoRates, pricing.ErrRuleConflict,
	pricing.ErrBelowFloor, pricing.ErrBelowMinMargin, pricing.ErrHeaderDiscountLimit,
}

// errorMatches reports whether err is the error a case expects: its
// message contains want, a problem of the input has want as its code, or
// it is the pricing sentinel whose message want is.
func errorMatches(err error, want string) bool {
	if strings.Contains(err.Error(), want) {
		return true
	}
	var ins pricing.InputErrors
	if errors.As(err, &ins) {
		for _, e := range ins {
			if e.Code == want {
				return true
			}
		}
	}
	for _, s := range sentinels {
		if s.Error() == want && errors.Is(err, s) {
			return true
		}
	}
	return false
}

func (ck *checker) line(res *pricing.Result, le *LineExpect) {
	lp := yamlpos.Join("expect.lines", le.ID)
	var pl *pricing.PricedLine
	ids := make([]string, 0, len(res.Lines))
	for _, l := range res.Lines {
		ids = append(ids, l.ID)
		if l.ID == le.ID {
			pl = l
		}
	}
	if pl == nil {
		ck.fail(lp, &Failure{QuoteLine: le.ID, Field: "line", Want: le.ID,
			Message: fmt.Sprintf("no line %q in the priced quote; its lines are %s", le.ID, strings.Join(ids, ", "))})
		return
	}
	before := len(ck.r.Failures)
	field := func(name string, ok bool, want, got string) {
		if ok {
			return
		}
		ck.fail(yamlpos.Join(lp, name), &Failure{QuoteLine: le.ID, Field: name, Want: want, Got: got,
			Message: fmt.Sprintf("line %s %s: want %s, got %s", le.ID, name, want, got)})
	}
	amount := func(name string, want *Amount, got money.Amount) {
		if want != nil {
			field(name, want.Matches(got), want.String(), got.String())
		}
	}
	number := func(name string, want *decimal.Decimal, got decimal.Decimal) {
		if want != nil {
			field(name, want.Equal(got), want.String(), got.String())
		}
	}
	if le.Product != "" {
		field("product", le.Product == pl.Product, le.Product, pl.Product)
	}
	number("quantity", le.Quantity, pl.Quantity)
	amount("unit_price", le.UnitPrice, pl.UnitNet)
	amount("unit_list", le.UnitList, pl.UnitList)
	amount("list", le.List, pl.List)
	amount("net", le.Net, pl.Net)
	amount("discount", le.Discount, pl.Discount)
	number("discount_percent", le.DiscountPercent, pl.DiscountPercent)
	if le.Cost != nil || le.Margin != nil || le.MarginPercent != nil {
		if !pl.HasCost {
			ck.fail(lp, &Failure{QuoteLine: le.ID, Field: "cost", Got: "no cost",
				Message: fmt.Sprintf("line %s has no known cost, so no margin", le.ID)})
		} else {
			amount("cost", le.Cost, pl.Cost)
			amount("margin", le.Margin, pl.Margin)
			number("margin_percent", le.MarginPercent, pl.MarginPercent)
		}
	}

	marks := map[int]string{}
	ck.fired(lp, le, pl, "rules", pricing.StepRule, "rule", le.Rules)
	ck.fired(lp, le, pl, "schedules", pricing.StepSchedule, "schedule", le.Schedules)
	for i, id := range le.NotRules {
		for j, st := range pl.Steps {
			if (st.Kind == pricing.StepRule || st.Kind == pricing.StepSchedule) && st.Source == id {
				marks[j] = "must not apply"
				ck.fail(yamlpos.Index(yamlpos.Join(lp, "not_rules"), i), &Failure{QuoteLine: le.ID, Field: "not_rules", Step: j + 1,
					Want: "not " + id, Got: id,
					Message: fmt.Sprintf("line %s step %d: %s %s applied, and must not", le.ID, j+1, st.Kind, id)})
				break
			}
		}
	}
	var rows []*WaterfallStep
	if le.Steps != nil {
		rows = ck.steps(lp, le, pl)
	}
	if len(ck.r.Failures) == before {
		return
	}
	if rows == nil {
		rows = waterfallRows(pl.Steps)
	}
	for _, row := range rows {
		if m, ok := marks[row.Index-1]; ok && row.Index > 0 {
			row.Differs, row.Want = true, m
		}
	}
	ck.r.Waterfalls = append(ck.r.Waterfalls, &Waterfall{QuoteLine: pl.ID, Product: pl.Product, Quantity: pl.Quantity.String(), Steps: rows})
}

// fired checks that each of ids changed the line in a step of kind.
func (ck *checker) fired(lp string, le *LineExpect, pl *pricing.PricedLine, key string, kind pricing.StepKind, what string, ids []string) {
	var applied []string
	for _, st := range pl.Steps {
		if st.Kind == kind && !contains(applied, st.Source) {
			applied = append(applied, st.Source)
		}
	}
	for i, id := range ids {
		if contains(applied, id) {
			continue
		}
		got := "none"
		if len(applied) > 0 {
			got = strings.Join(applied, ", ")
		}
		ck.fail(yamlpos.Index(yamlpos.Join(lp, key), i), &Failure{QuoteLine: le.ID, Field: key, Want: id, Got: got,
			Message: fmt.Sprintf("line %s: %s %s did not apply (%ss that did: %s)", le.ID, what, id, what, got)})
	}
}

func waterfallRows(steps []pricing.Step) []*WaterfallStep {
	rows := make([]*WaterfallStep, len(steps))
	for i, st := range steps {
		rows[i] = &WaterfallStep{Index: i + 1, Kind: string(st.Kind), Source: st.Source,
			Before: st.Before.String(), After: st.After.String(), Reason: st.Reason}
	}
	return rows
}

// steps compares the whole waterfall with the expected one. Steps are
// paired by kind and source (a longest common subsequence), so that a
// missing or extra step does not shift every step after it; the first
// difference is reported, and every step that differs is marked.
func (ck *checker) steps(lp string, le *LineExpect, pl *pricing.PricedLine) []*WaterfallStep {
	want, got := le.Steps, pl.Steps
	same := func(w *StepExpect, g pricing.Step) bool {
		return w.Kind == string(g.Kind) && (w.Source == "" || w.Source == g.Source)
	}
	// lcs[i][j] is the length of the longest common subsequence of
	// want[i:] and got[j:].
	lcs := make([][]int, len(want)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(got)+1)
	}
	for i := len(want) - 1; i >= 0; i-- {
		for j := len(got) - 1; j >= 0; j-- {
			if same(want[i], got[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var rows []*WaterfallStep
	reported := false
	report := func(p string, step int, f *Failure) {
		if reported {
			return
		}
		reported = true
		f.QuoteLine, f.Field, f.Step = le.ID, "steps", step
		ck.fail(p, f)
	}
	stepPath := func(i int) string { return yamlpos.Index(yamlpos.Join(lp, "steps"), i) }
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case i < len(want) && j < len(got) && same(want[i], got[j]) && lcs[i][j] == lcs[i+1][j+1]+1:
			w, g := want[i], got[j]
			row := waterfallRows(got[j : j+1])[0]
			row.Index = j + 1
			var diffs, wants, gots []string
			if w.Before != nil && !w.Before.Matches(g.Before) {
				diffs = append(diffs, fmt.Sprintf("before want %s, got %s", w.Before, g.Before))
				wants, gots = append(wants, "before "+w.Before.String()), append(gots, "before "+g.Before.String())
			}
			if w.After != nil && !w.After.Matches(g.After) {
				diffs = append(diffs, fmt.Sprintf("after want %s, got %s", w.After, g.After))
				wants, gots = append(wants, "after "+w.After.String()), append(gots, "after "+g.After.String())
			}
			if w.Reason != "" && !strings.Contains(g.Reason, w.Reason) {
				diffs = append(diffs, fmt.Sprintf("reason want %q in %q", w.Reason, g.Reason))
				wants, gots = append(wants, fmt.Sprintf("reason %q", w.Reason)), append(gots, fmt.Sprintf("reason %q", g.Reason))
			}
			if len(diffs) > 0 {
				row.Differs, row.Want = true, strings.Join(wants, ", ")
				report(stepPath(i), j+1, &Failure{Want: strings.Join(wants, ", "), Got: strings.Join(gots, ", "),
					Message: fmt.Sprintf("line %s step %d (%s %s): %s", le.ID, j+1, g.Kind, g.Source, strings.Join(diffs, "; "))})
			}
			rows = append(rows, row)
			i, j = i+1, j+1
		case j < len(got) && (i == len(want) || lcs[i][j+1] >= lcs[i+1][j]):
			g := got[j]
			row := waterfallRows(got[j : j+1])[0]
			row.Index, row.Differs, row.Want = j+1, true, "not expected"
			p := yamlpos.Join(lp, "steps")
			if i < len(want) {
				p = stepPath(i)
			}
			report(p, j+1, &Failure{Got: fmt.Sprintf("%s %s", g.Kind, g.Source),
				Message: fmt.Sprintf("line %s step %d (%s %s) is not expected", le.ID, j+1, g.Kind, g.Source)})
			rows = append(rows, row)
			j++
		default:
			w := want[i]
			desc := strings.TrimSpace(w.Kind + " " + w.Source)
			var amounts []string
			if w.Before != nil {
				amounts = append(amounts, "before "+w.Before.String())
			}
			if w.After != nil {
				amounts = append(amounts, "after "+w.After.String())
			}
			wantText := "missing: " + desc
			if len(amounts) > 0 {
				wantText += ", " + strings.Join(amounts, ", ")
			}
			where := "first"
			if j > 0 {
				where = fmt.Sprintf("after step %d", j)
			}
			rows = append(rows, &WaterfallStep{Kind: w.Kind, Source: w.Source, Differs: true, Want: wantText})
			report(stepPath(i), j+1, &Failure{Want: desc,
				Message: fmt.Sprintf("line %s: step %s is missing (expected %s)", le.ID, desc, where)})
			i++
		}
	}
	return rows
}

func (ck *checker) totals(res *pricing.Result, te *TotalsExpect) {
	t := res.Totals
	field := func(name string, ok bool, want, got string) {
		if ok {
			return
		}
		ck.fail("expect.totals."+name, &Failure{Field: "totals." + name, Want: want, Got: got,
			Message: fmt.Sprintf("totals %s: want %s, got %s", name, want, got)})
	}
	amount := func(name string, want *Amount, got money.Amount) {
		if want != nil {
			field(name, want.Matches(got), want.String(), got.String())
		}
	}
	number := func(name string, want *decimal.Decimal, got decimal.Decimal) {
		if want != nil {
			field(name, want.Equal(got), want.String(), got.String())
		}
	}
	amount("list", te.List, t.List)
	amount("discount", te.Discount, t.Discount)
	number("discount_percent", te.DiscountPercent, res.Approval.DiscountPercent)
	amount("net", te.Net, t.Net)
	amount("cost", te.Cost, t.Cost)
	amount("margin", te.Margin, t.Margin)
	number("margin_percent", te.MarginPercent, t.MarginPercent)
	amount("one_time", te.OneTime, t.OneTime)
	amount("recurring", te.Recurring, t.Recurring)
	amount("mrr", te.MRR, t.MRR)
	amount("arr", te.ARR, t.ARR)
	amount("tcv", te.TCV, t.TCV)
	amount("header_discount", te.HeaderDiscount, t.HeaderDiscount)
	amount("rounding", te.Rounding, t.Rounding)
	amount("tax", te.Tax, t.Tax)
	amount("gross", te.Gross, t.Gross)
}

func (ck *checker) approvals(res *pricing.Result, want []string) {
	facts := approvalFacts(ck.c.Request, res, ck.c.Facts)
	got, err := requiredApprovals(ck.s.Catalog, facts)
	if err != nil {
		ck.fail("expect.approvals", &Failure{Field: "approvals", Got: err.Error(), Message: fmt.Sprintf("approvals: %v", err)})
		return
	}
	var missing, extra []string
	for _, id := range want {
		if !contains(got, id) {
			missing = append(missing, id)
		}
	}
	for _, id := range got {
		if !contains(want, id) {
			extra = append(extra, id)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return
	}
	var why []string
	for _, id := range append(append([]string{}, missing...), extra...) {
		for _, ar := range ck.s.Catalog.ApprovalRules {
			if ar.ID != id {
				continue
			}
			verb := "is required"
			if contains(missing, id) {
				verb = "is not required"
			}
			why = append(why, fmt.Sprintf("%s %s: %s with %s", id, verb, ar.Condition.Source, factValues(ar.Condition.Program(), facts)))
		}
	}
	ck.fail("expect.approvals", &Failure{Field: "approvals", Want: "[" + strings.Join(want, " ") + "]", Got: "[" + strings.Join(got, " ") + "]",
		Message: fmt.Sprintf("approvals: want [%s], got [%s]; %s", strings.Join(want, " "), strings.Join(got, " "), strings.Join(why, "; "))})
}

// approvalFacts returns the facts approval rules read for a priced quote:
// those pricing knows (pricing.Result.ApprovalFacts), the customer, the
// term and today (the pricing date) from the request, no payment terms and
// terms not edited; then set overrides them.
func approvalFacts(req *pricing.Request, res *pricing.Result, set formula.Vars) formula.Vars {
	facts := res.ApprovalFacts()
	facts["quote.payment_terms_days"] = decimal.Zero
	facts["quote.edited_terms"] = false
	facts["quote.term_months"] = decimal.Zero
	facts["today"] = res.Date
	for _, k := range []string{"customer.id", "customer.segment", "customer.region", "customer.country"} {
		facts[k] = ""
	}
	if req != nil {
		facts["customer.id"] = req.Customer.ID
		facts["customer.segment"] = req.Customer.Segment
		facts["customer.region"] = req.Customer.Region
		facts["customer.country"] = req.Customer.Country
		facts["quote.term_months"] = decimal.NewFromInt(int64(req.TermMonths))
	}
	for k, v := range set {
		facts[k] = v
	}
	return facts
}

// requiredApprovals returns the IDs of the catalog's approval rules whose
// condition holds for the facts, in catalog order.
func requiredApprovals(cat *catalog.Catalog, facts formula.Vars) ([]string, error) {
	ids := []string{}
	for _, ar := range cat.ApprovalRules {
		ok, err := ar.Condition.Program().EvalBool(facts)
		if err != nil {
			return nil, fmt.Errorf("approval rule %s: %w", ar.ID, err)
		}
		if ok {
			ids = append(ids, ar.ID)
		}
	}
	return ids, nil
}

// factValues writes the values of the facts a formula reads, by name.
func factValues(p *formula.Program, facts formula.Vars) string {
	names := append([]string{}, p.Variables()...)
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		var v string
		switch x := facts[n].(type) {
		case string:
			v = fmt.Sprintf("%q", x)
		case time.Time:
			v = x.Format(time.DateOnly)
		case []string:
			v = "[" + strings.Join(x, ", ") + "]"
		default:
			v = fmt.Sprint(x)
		}
		parts = append(parts, n+" = "+v)
	}
	if len(parts) == 0 {
		return "no facts"
	}
	return strings.Join(parts, ", ")
}
