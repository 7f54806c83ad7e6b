// Package demo runs the path cpqkit exists for, end to end, printing each
// step: an injection-moulded part priced by cost build-up, then an
// opportunity in an in-memory CRM that becomes a prefilled quote, configured
// by guided selling, priced, discounted beyond what a salesperson may give
// alone, approved by the manager, rendered to HTML and PDF in English and
// Chinese, presented and accepted; the CRM then shows the quote and the ERP
// has the order with the exact configuration and the seal.
//
// The cpq demo command runs it on the embedded SQLite store; the crm-flow
// example runs it on the memory store.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// The approval engine is the gate of the order hand-off.
var _ crm.Gate = (*approval.Engine)(nil)

// Store is what the demo keeps quotes, approvals and events in: every
// reference store (memory, SQLite, PostgreSQL) is one.
type Store interface {
	approval.Store
	quote.Repository
	quote.Transactor
	quote.Outbox
}

// Options are the run's inputs from outside.
type Options struct {
	Store Store
	// Latin and CJK are TrueType fonts for the PDFs (CJK also covers the
	// English document when Latin is empty); a PDF whose font is missing
	// is skipped.
	Latin, CJK *render.FontFace
	// OutDir receives the documents; empty writes none.
	OutDir string
}

// Result is what the run made.
type Result struct {
	// Files are the documents written, in order.
	Files []string
	// PDF is the English PDF, if one was rendered.
	PDF []byte
}

const tenant = "acme"

// The day of the run: fixed, so that the run prints the same every time.
var today = time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)

// OrgChart is the demo company's org chart, as the approval engine asks
// it: alice sells, mia is her manager (and the sales manager), victor the
// regional VP, fred is in finance (and the deal desk) and lena in legal.
// cpq serve uses it too.
type OrgChart struct{}

func (OrgChart) Members(_ context.Context, _, kind, name string) ([]string, error) {
	switch kind + ":" + name {
	case "role:regional_vp":
		return []string{"victor"}, nil
	case "role:sales_manager":
		return []string{"mia"}, nil
	case "role:deal_desk":
		return []string{"fred"}, nil
	case "group:finance":
		return []string{"fred"}, nil
	case "group:legal":
		return []string{"lena"}, nil
	}
	return nil, nil
}

func (OrgChart) Related(_ context.Context, _, relation string, q *quote.Quote) ([]string, error) {
	switch relation {
	case "manager_of_owner":
		return map[string][]string{"alice": {"mia"}}[q.Header.Owner], nil
	}
	return nil, nil
}

// sequence numbers events and quotes, so that the run is reproducible; a
// host keeps the default random IDs.
type sequence struct {
	prefix string
	n      int
}

func (s *sequence) NewID() string { s.n++; return fmt.Sprintf("%s-%d", s.prefix, s.n) }

// Run runs the demo, printing each step to w.
func Run(ctx context.Context, w io.Writer, opts Options) (*Result, error) {
	res := &Result{}
	step := 0
	say := func(format string, args ...any) {
		step++
		fmt.Fprintf(w, "%2d. "+format+"\n", append([]any{step}, args...)...)
	}
	detail := func(format string, args ...any) { fmt.Fprintf(w, "    "+format+"\n", args...) }
	if opts.Store == nil {
		return res, errors.New("demo: no store")
	}
	if err := moulding(ctx, w, say, detail); err != nil {
		return res, err
	}

	// The host's pieces: a catalog, a store, the CRM and ERP, the
	// approval engine, the recorder and the dispatcher.
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		return res, err
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return res, err
	}
	gd, err := guide.New(cat)
	if err != nil {
		return res, err
	}
	store := opts.Store
	fakeCRM, fakeERP := crmfake.NewCRM(), crmfake.NewERP()
	clock := crm.ClockFunc(func() time.Time { return today })
	ids := &sequence{prefix: "ev"}
	approvals, err := approval.New(approval.Config{
		Catalog: cat, Store: crm.NewRecorder(crm.RecorderConfig{IDs: ids}).ApprovalStore(store), Directory: OrgChart{}, Clock: clock,
	})
	if err != nil {
		return res, err
	}
	// Acceptance and the order hand-off pass the approval gate.
	rec := crm.NewRecorder(crm.RecorderConfig{IDs: ids, Gate: approvals})
	dispatcher, err := crm.NewDispatcher(crm.DispatcherConfig{
		Outbox: store, Handler: crm.Sinks{CRM: fakeCRM, ERP: fakeERP}, Clock: clock,
	})
	if err != nil {
		return res, err
	}

	// 1. The opportunity, as the CRM holds it.
	fakeCRM.Put(tenant, crm.Opportunity{
		ID: "opp-7", Name: "Plant 2 database server", Stage: "proposal", Owner: "alice",
		Account: crm.Account{
			ID: "acc-1", Name: "Nordwerk AG", Segment: "enterprise", Region: "EMEA", Country: "DE",
			Currency: "USD", PaymentTerms: "net 30", PaymentDays: 30, Language: "en",
			BillTo: quote.Address{Lines: []string{"Werkstrasse 5"}, City: "Kassel", PostalCode: "34117", Country: "DE"},
		},
		Contacts:  []crm.Contact{{Name: "Jana Roth", Email: "jana@nordwerk.example", Role: "buyer"}},
		CloseDate: today.AddDate(0, 0, 20),
		Needs:     "Replace the plant's database server; about 600 users.",
		Fields:    map[string]string{"workload__c": "Database", "users__c": "600", "redundant_power__c": "yes"},
	})
	opp, _ := fakeCRM.Opportunity(ctx, tenant, "opp-7")
	say("CRM opportunity %s %q for %s, owner %s, stage %s", opp.ID, opp.Name, opp.Account.Name, opp.Owner, opp.Stage)

	// 2. Prefill: nothing the CRM knows is typed again.
	prefill, err := crm.NewPrefill(crm.PrefillConfig{
		Source: fakeCRM, Catalog: cat, Questionnaire: "server_sizing", IDs: &sequence{prefix: "q"}, Clock: clock,
		Needs: []crm.NeedMapping{
			{Field: "workload__c", Question: "workload", Required: true,
				Values: map[string]string{"Database": "database", "Virtualisation": "virtualisation", "AI": "ai_inference", "Files": "file_server"}},
			{Field: "users__c", Question: "users"},
			{Field: "budget__c", Question: "budget", Values: map[string]string{"Entry": "entry", "Standard": "standard", "Premium": "premium"}},
			{Field: "redundant_power__c", Question: "redundancy"},
		},
	})
	if err != nil {
		return res, err
	}
	pf, err := prefill.Quote(ctx, tenant, "opp-7")
	if err != nil {
		return res, err
	}
	q := pf.Quote
	q.Number = "Q-2030-0042"
	h := q.Header
	say("quote %s prefilled: %s, contact %s, %s, price book %s, %s, valid until %s",
		q.Number, h.Account.Name, h.Contacts[0].Name, h.Currency, h.PriceBook, h.PaymentTerms, h.ValidUntil.Format(time.DateOnly))
	for _, a := range pf.Answers {
		detail("CRM field %s answers %s: %s", a.Field, a.Question, strings.Join(a.Values, ", "))
	}
	for _, u := range pf.Unmapped {
		detail("%s", u)
	}
	if err := store.InTx(ctx, func(tx quote.Tx) error {
		if err := rec.Create(ctx, tx, q, "alice", today); err != nil {
			return err
		}
		if pf.Primary {
			return rec.MakePrimary(ctx, tx, q, "alice", today)
		}
		return nil
	}); err != nil {
		return res, err
	}
	detail("stored as a draft, primary quote of %s", opp.ID)

	// 3. Guided selling: the salesperson answers what the CRM did not know.
	gs, err := pf.Guide(gd, "server_sizing")
	if err != nil {
		return res, err
	}
	for {
		p, err := gs.Next()
		if err != nil {
			return res, err
		}
		if p == nil {
			break
		}
		answer := map[string]string{"budget": "premium"}[p.Question.ID]
		if err := gs.Answer(p.Question.ID, answer); err != nil {
			return res, err
		}
		detail("the salesperson answers %q: %s", p.Question.Text.In("en"), answer)
	}
	ranking, err := gs.Recommendations()
	if err != nil {
		return res, err
	}
	if len(ranking.Packages) == 0 {
		return res, errors.New("no package fits the answers")
	}
	best := ranking.Packages[0]
	if err := gs.ApplyPackage(best.ID); err != nil {
		return res, err
	}
	config, err := gs.Complete(configurator.Strategy{})
	if err != nil {
		return res, err
	}
	say("configured by guided selling: package %s (%d points), %s", best.ID, best.Score, describe(config))

	// 4. Priced from the account's price book, with the catalog's schedules
	// and rules.
	q.Lines = []quote.Line{{ID: "1", Product: config.Product, Name: "R2 rack server", Quantity: decimal.NewFromInt(2), Unit: "ea"}}
	for _, c := range config.Values {
		q.Lines[0].Configuration = append(q.Lines[0].Configuration, quote.ConfigValue{Var: c.Var, Value: c.Value})
	}
	if err := q.Price(ctx, engine, today); err != nil {
		return res, err
	}
	say("priced: 2 servers, list %s, net %s %s", q.Totals.List.StringFixed(2), q.Totals.Net.StringFixed(2), q.Header.Currency)

	// 5. A discount beyond the salesperson's limit.
	pct := decimal.NewFromInt(15)
	q.Lines[0].Adjustment = quote.Adjustment{DiscountPercent: &pct, Reason: "competitive offer"}
	if err := q.Price(ctx, engine, today); err != nil {
		return res, err
	}
	if err := store.InTx(ctx, func(tx quote.Tx) error { return rec.Update(ctx, tx, q, "alice", today) }); err != nil {
		return res, err
	}
	preview, err := approvals.Preview(ctx, q)
	if err != nil {
		return res, err
	}
	say("15 %% off the server line: net %s; approval needed:", q.Totals.Net.StringFixed(2))
	for _, s := range preview.Steps {
		detail("%s by %s, because %s", s.Rule, strings.Join(s.Assignees, ", "), s.Trigger)
	}

	// 6. Submitted, held at the gate, approved by the manager.
	alice := approval.Actor{Tenant: tenant, User: "alice"}
	sub, err := approvals.Submit(ctx, alice, approval.Request{Tenant: tenant, Quote: q.ID})
	if err != nil {
		return res, err
	}
	_, err = approvals.Present(ctx, alice, approval.Request{Tenant: tenant, Quote: q.ID})
	say("submitted for approval; presenting now is refused: %v", err != nil)
	for _, s := range sub.Steps {
		a, err := approvals.Approve(ctx, approval.Actor{Tenant: tenant, User: s.Assignees[0]},
			approval.DecisionRequest{Tenant: tenant, Quote: q.ID, Step: s.ID, Seal: sub.Seal, Comment: "strategic account"})
		if err != nil {
			return res, err
		}
		detail("%s approves %s: approval %s", s.Assignees[0], s.ID, a.Status)
	}
	if q, err = store.Get(ctx, tenant, q.ID); err != nil {
		return res, err
	}
	say("approved: quote %s, seal %s", q.Status, render.SealShort(q.Seal))

	// 7. The customer's documents, in English and Chinese.
	gate := render.ApprovalFunc(func(ctx context.Context, q *quote.Quote) (render.Approval, error) {
		return render.Approval{Approved: approvals.Gate(ctx, q) == nil, Seal: q.Seal, At: today}, nil
	})
	if err := documents(ctx, q, gate, opts, res, say, detail); err != nil {
		return res, err
	}

	// 8. Presented, accepted: the order is handed over in the same
	// transaction as the acceptance, through the approval gate.
	if q, err = approvals.Present(ctx, alice, approval.Request{Tenant: tenant, Quote: q.ID}); err != nil {
		return res, err
	}
	var order *crm.Order
	if err := store.InTx(ctx, func(tx quote.Tx) error {
		q, err = tx.Get(ctx, tenant, q.ID)
		if err != nil {
			return err
		}
		order, err = rec.Accept(ctx, tx, q, "jana@nordwerk.example", today)
		return err
	}); err != nil {
		return res, err
	}
	say("presented and accepted by %s: quote %s", order.AcceptedBy, q.Status)

	// 9. The dispatcher delivers the outbox to the CRM and the ERP.
	for {
		n, err := dispatcher.RunOnce(ctx)
		if err != nil {
			return res, err
		}
		if n == 0 {
			break
		}
	}
	st := dispatcher.Stats()
	say("dispatcher delivered %d events, %d retried, %d dead letters", st.Delivered, st.Retried, st.DeadLettered)
	deal, _ := fakeCRM.Deal(tenant, "opp-7")
	var kinds []string
	for _, c := range fakeCRM.Calls() {
		if c.Op != "opportunity" {
			kinds = append(kinds, strings.TrimPrefix(c.Kind, "quote."))
		}
	}
	detail("CRM heard: %s", strings.Join(kinds, ", "))
	say("CRM opportunity %s: primary quote %s, %s, amount %s %s, %d lines",
		deal.Opportunity.ID, deal.Opportunity.PrimaryQuote, deal.QuoteStatus, deal.Amount.StringFixed(2), deal.Currency, len(deal.Lines))
	for _, o := range fakeERP.Orders() {
		say("ERP order for %s revision %d: %s, seal %s, verifies: %v", o.QuoteNumber, o.Revision, o.Totals.Grand.StringFixed(2), render.SealShort(o.Seal), o.Verify() == nil)
		for _, l := range o.Lines {
			line := fmt.Sprintf("%s × %s at %s", l.Quantity, l.Product, l.UnitPrice.StringFixed(2))
			if l.Parent != "" {
				line += ", option of line " + l.Parent
			}
			if len(l.Configuration) > 0 {
				line += ": " + describeValues(l.Configuration)
			}
			detail("%s", line)
		}
	}
	if len(res.Files) > 0 {
		say("documents written:")
		for _, f := range res.Files {
			detail("%s", f)
		}
	}
	return res, nil
}

// documents renders the approved quote to HTML and PDF in English and
// Chinese, into opts.OutDir.
func documents(ctx context.Context, q *quote.Quote, gate render.ApprovalState, opts Options, res *Result,
	say, detail func(string, ...any)) error {
	letterhead := render.Letterhead{Company: "Edge Systems Inc.", Address: []string{"1 Foundry Way", "Pittsburgh PA 15201"}}
	for _, lang := range []string{"en", "zh-CN"} {
		font := opts.Latin
		if lang != "en" || font == nil {
			font = opts.CJK
		}
		cfg := render.Config{Letterhead: letterhead, Approvals: gate}
		if font != nil {
			cfg.Fonts = render.Fonts{Regular: *font}
		}
		r, err := render.New(cfg)
		if err != nil {
			return err
		}
		ro := render.Options{Language: lang, Final: true, Date: today}
		var html bytes.Buffer
		if err := r.HTML(ctx, &html, q, ro); err != nil {
			return err
		}
		if err := write(opts.OutDir, fmt.Sprintf("%s-%s.html", q.Number, lang), html.Bytes(), res); err != nil {
			return err
		}
		if font == nil {
			say("%s document: HTML; PDF skipped (no font for %s: install fonts-dejavu-core and fonts-wqy-microhei, or pass one)", lang, lang)
			continue
		}
		var pdf bytes.Buffer
		if err := r.PDF(ctx, &pdf, q, ro); err != nil {
			return err
		}
		info, err := render.VerifyPDF(pdf.Bytes(), q)
		if err != nil {
			return err
		}
		if lang == "en" {
			res.PDF = pdf.Bytes()
		}
		if err := write(opts.OutDir, fmt.Sprintf("%s-%s.pdf", q.Number, lang), pdf.Bytes(), res); err != nil {
			return err
		}
		say("%s document: HTML and PDF (%d KB), %s, seal %s", lang, pdf.Len()/1024, info.Status, render.SealShort(info.Seal))
	}
	return nil
}

func write(dir, name string, data []byte, res *Result) error {
	if dir == "" {
		return nil
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	res.Files = append(res.Files, path)
	return nil
}

// moulding prices an injection-moulded part by its cost build-up and
// prints the waterfall.
func moulding(ctx context.Context, w io.Writer, say, detail func(string, ...any)) error {
	cat, err := catalog.LoadFS(catalogs.FS, "injection-moulding.yaml")
	if err != nil {
		return err
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return err
	}
	res, err := engine.Price(ctx, pricing.Request{Date: today, Lines: []pricing.Line{{
		ID: "1", Product: "MP-HOUSING-A", Quantity: decimal.NewFromInt(20000),
		Values: map[string]string{"resin": "PC", "colour": "black"},
	}}})
	if err != nil {
		return err
	}
	l := res.Lines[0]
	say("injection moulding: 20,000 sensor housings in PC, priced by cost build-up: unit %s, line %s, margin %s %%",
		l.UnitNet.Value().StringFixed(4), l.Net, l.MarginPercent.StringFixed(1))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "    \tstep\tsource\tbefore\tafter\t")
	for _, s := range l.Steps {
		fmt.Fprintf(tw, "    \t%s\t%s\t%s\t%s\t\n", s.Kind, s.Source, s.Before.Value().StringFixed(2), s.After.Value().StringFixed(2))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	detail("every step names its rule: %s", l.Steps[len(l.Steps)-1].Reason)
	return nil
}

// describe lists a configuration's values, leaving out options not taken.
func describe(c configurator.Configuration) string {
	var vs []quote.ConfigValue
	for _, ch := range c.Values {
		vs = append(vs, quote.ConfigValue{Var: ch.Var, Value: ch.Value})
	}
	return describeValues(vs)
}

// describeValues lists configuration values sorted by name, leaving out
// options not taken.
func describeValues(vs []quote.ConfigValue) string {
	var parts []string
	for _, v := range vs {
		if v.Value == "false" || strings.HasPrefix(v.Var, "qty.") && v.Value == "0" {
			continue
		}
		parts = append(parts, v.Var+"="+v.Value)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}
