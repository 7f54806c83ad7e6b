package crm_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// A quote made from what the CRM knows: the header from the opportunity
// and its account, the price book of the account's segment, and the
// questionnaire's answers from the CRM's custom fields.
func ExamplePrefill_Quote() {
	ctx := context.Background()
	source := crmfake.NewCRM()
	source.Put("acme", crm.Opportunity{
		ID: "opp-7", Name: "Plant 2 database server", Owner: "alice",
		Account: crm.Account{ID: "acc-1", Name: "Nordwerk AG", Segment: "partner", Currency: "USD", PaymentTerms: "net 45"},
		Needs:   "Replace the plant's database server.",
		Fields:  map[string]string{"workload__c": "Database", "users__c": "600"},
	})
	cat, _ := catalog.LoadFS(catalogs.FS, "server.yaml")
	p, err := crm.NewPrefill(crm.PrefillConfig{
		Source: source, Catalog: cat, Questionnaire: "server_sizing",
		Needs: []crm.NeedMapping{
			{Field: "workload__c", Question: "workload", Values: map[string]string{"Database": "database", "Files": "file_server"}},
			{Field: "users__c", Question: "users"},
		},
		Clock: crm.ClockFunc(func() time.Time { return time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC) }),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	pf, err := p.Quote(ctx, "acme", "opp-7")
	if err != nil {
		fmt.Println(err)
		return
	}
	h := pf.Quote.Header
	fmt.Println(h.Title, "for", h.Account.Name)
	fmt.Println(h.Currency, h.PriceBook, h.PaymentTerms, "valid until", h.ValidUntil.Format(time.DateOnly))
	for _, a := range pf.Answers {
		fmt.Printf("%s answers %s = %v\n", a.Field, a.Question, a.Values)
	}
	fmt.Println("make it primary:", pf.Primary)
	// Output:
	// Plant 2 database server for Nordwerk AG
	// USD usd_partner net 45 valid until 2030-04-03
	// workload__c answers workload = [database]
	// users__c answers users = [600]
	// make it primary: true
}

// The path of a quote's events: recorded with each change in its
// transaction, then delivered by a dispatcher to the CRM and, when the
// customer accepts, to the ERP.
func ExampleDispatcher() {
	ctx := context.Background()
	store := memory.New()
	fakeCRM, fakeERP := crmfake.NewCRM(), crmfake.NewERP()
	fakeCRM.Put("acme", crm.Opportunity{ID: "opp-7", Account: crm.Account{ID: "acc-1", Name: "Nordwerk AG"}})

	rec := crm.NewRecorder(crm.RecorderConfig{}) // the default gate: approved and unchanged
	disp, _ := crm.NewDispatcher(crm.DispatcherConfig{Outbox: store, Handler: crm.Sinks{CRM: fakeCRM, ERP: fakeERP}})

	d := decimal.RequireFromString
	at := time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)
	q := &quote.Quote{
		ID: "q-1", Tenant: "acme", Number: "Q-1", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{Opportunity: "opp-7", Owner: "alice", Currency: "USD", ValidUntil: at.AddDate(0, 1, 0)},
		Lines: []quote.Line{{ID: "1", Product: "SRV-R2", Quantity: d("2"),
			Configuration: []quote.ConfigValue{{Var: "cpu", Value: "X7"}, {Var: "memory_gb", Value: "384"}},
			Price:         quote.LinePrice{UnitPrice: d("9800"), NetTotal: d("19600"), Cost: d("13000")}}},
	}
	q.Recalculate()
	steps := []func(tx quote.Tx) error{
		func(tx quote.Tx) error { return rec.Create(ctx, tx, q, "alice", at) },
		func(tx quote.Tx) error { return rec.MakePrimary(ctx, tx, q, "alice", at) },
		func(tx quote.Tx) error { return rec.Transition(ctx, tx, q, quote.StatusInReview, "alice", at, "") },
		func(tx quote.Tx) error { return rec.Transition(ctx, tx, q, quote.StatusApproved, "mia", at, "") },
		func(tx quote.Tx) error { return rec.Transition(ctx, tx, q, quote.StatusPresented, "alice", at, "") },
		func(tx quote.Tx) error { _, err := rec.Accept(ctx, tx, q, "jana", at); return err },
	}
	for _, step := range steps {
		if err := store.InTx(ctx, step); err != nil {
			fmt.Println(err)
			return
		}
	}
	for {
		if n, _ := disp.RunOnce(ctx); n == 0 {
			break
		}
	}
	deal, _ := fakeCRM.Deal("acme", "opp-7")
	fmt.Println("CRM:", deal.Opportunity.PrimaryQuote, deal.QuoteStatus, deal.Amount, "margin", deal.ExpectedMargin)
	for _, o := range fakeERP.Orders() {
		fmt.Println("ERP:", o.QuoteNumber, o.Lines[0].Quantity, o.Lines[0].Product, o.Lines[0].Configuration, "verifies:", o.Verify() == nil)
	}
	fmt.Println("delivered:", disp.Stats().Delivered)
	// Output:
	// CRM: q-1 ordered 19600 margin 6600
	// ERP: Q-1 2 SRV-R2 [{cpu X7 } {memory_gb 384 }] verifies: true
	// delivered: 7
}
