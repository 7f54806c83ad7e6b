package cpq_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/memory"
)

// The examples run on a fixed day, so that they print the same every time.
var today = crm.ClockFunc(func() time.Time { return time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC) })

// orgChart is the host's directory: who manages whom, who holds a role.
type orgChart struct{}

func (orgChart) Members(_ context.Context, _, kind, name string) ([]string, error) {
	return map[string][]string{"role:regional_vp": {"victor"}, "group:finance": {"fred"}, "group:legal": {"lena"}}[kind+":"+name], nil
}

func (orgChart) Related(_ context.Context, _, relation string, q *quote.Quote) ([]string, error) {
	if relation == "manager_of_owner" && q.Header.Owner == "alice" {
		return []string{"mia"}, nil
	}
	return nil, nil
}

// Configure a server: after choosing the 1U chassis, only the processors
// and the cooling that fit it are offered, and the processor withheld is
// explained with the rules in the way.
func ExampleKit_Configure() {
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		log.Fatal(err)
	}
	kit, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{cat}, Store: memory.New(), Directory: orgChart{}, Clock: today})
	if err != nil {
		log.Fatal(err)
	}
	s, err := kit.Configure("SRV-R2")
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Set("chassis", "1U"); err != nil {
		log.Fatal(err)
	}
	domains, err := s.ValidDomains()
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range domains {
		switch d.Var {
		case "cpu", "cooling", "gpu_h100":
			fmt.Printf("%-8s %s\n", d.Var, strings.Join(d.Values, " "))
		}
	}
	var conflict *configurator.ConflictError
	if err := s.Set("cpu", "X9"); errors.As(err, &conflict) {
		fmt.Println(conflict.Explanation.Text("en"))
	}
	// Output:
	// cpu      X5 X7
	// cooling  air
	// gpu_h100 false
	// cpu = X9 is not available because of your choice of chassis = 1U: The X9 processor needs liquid cooling; Liquid cooling fits only the 2U chassis
}

// Price a quote: five configured servers, each line with the waterfall
// that explains its amount, step by step.
func ExampleKit_PriceQuote() {
	ctx := context.Background()
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		log.Fatal(err)
	}
	kit, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{cat}, Store: memory.New(), Directory: orgChart{}, Clock: today})
	if err != nil {
		log.Fatal(err)
	}
	q, err := kit.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	if err != nil {
		log.Fatal(err)
	}
	q.Lines = append(q.Lines, quote.Line{
		ID: "1", Product: "SRV-R2", Name: "R2 rack server", Quantity: decimal.NewFromInt(5),
		Configuration: []quote.ConfigValue{{Var: "cpu", Value: "X7"}, {Var: "memory_gb", Value: "128"}},
	})
	if err := kit.PriceQuote(ctx, q); err != nil {
		log.Fatal(err)
	}
	if err := kit.SaveQuote(ctx, "alice", q); err != nil {
		log.Fatal(err)
	}
	for _, l := range q.Lines {
		fmt.Printf("%s × %s\n", l.Quantity, l.Product)
		for _, s := range l.Price.Waterfall {
			fmt.Printf("  %-9s %9s  %s\n", s.Kind, s.After.StringFixed(2), s.Reason)
		}
	}
	fmt.Println("list", q.Totals.List.StringFixed(2), "net", q.Totals.Net.StringFixed(2), q.Header.Currency)
	// Output:
	// 5 × SRV-R2
	//   list       21000.00  list price 4200.00 USD × 5 from price book usd_list
	//   surcharge  27750.00  surcharge cpu_x7 (cpu = X7): +1350 per unit, cost +850
	//   surcharge  29850.00  surcharge memory: +420 per unit, cost +270
	//   schedule   28656.00  Server volume discount: tier 5–19 reached by quantity 5 of product SRV-R2 on the quote: 4% off
	// 10 × DRV-SSD-960
	//   list        2100.00  list price 210.00 USD × 10 from price book usd_list
	// list 31950.00 net 30756.00 USD
}

// The approval gate refuses a final document for a quote discounted beyond
// what its owner may give alone, until the owner's manager approves it.
func ExampleKit_Document() {
	ctx := context.Background()
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		log.Fatal(err)
	}
	kit, err := cpq.New(cpq.Config{
		Catalogs: []*catalog.Catalog{cat}, Store: memory.New(), Directory: orgChart{}, Clock: today,
		Documents: render.Config{Letterhead: render.Letterhead{Company: "Edge Systems Inc."}},
	})
	if err != nil {
		log.Fatal(err)
	}
	q, err := kit.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	if err != nil {
		log.Fatal(err)
	}
	off := decimal.NewFromInt(15)
	q.Lines = append(q.Lines, quote.Line{
		ID: "1", Product: "SRV-R2", Name: "R2 rack server", Quantity: decimal.NewFromInt(1),
		Adjustment: quote.Adjustment{DiscountPercent: &off, Reason: "competitive offer"},
	})
	if err := kit.PriceQuote(ctx, q); err != nil {
		log.Fatal(err)
	}
	if err := kit.SaveQuote(ctx, "alice", q); err != nil {
		log.Fatal(err)
	}

	final := render.Options{Language: "en", Final: true}
	err = kit.Document(ctx, io.Discard, q, cpq.FormatHTML, final)
	fmt.Println("before approval:", errors.Is(err, render.ErrNotApproved))

	alice := approval.Actor{Tenant: "acme", User: "alice"}
	sub, err := kit.Approvals().Submit(ctx, alice, approval.Request{Tenant: "acme", Quote: q.ID})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sub.Steps {
		fmt.Printf("step %s: %s, by %s\n", s.ID, s.Trigger, strings.Join(s.Assignees, ", "))
	}
	mia := approval.Actor{Tenant: "acme", User: "mia"}
	if _, err := kit.Approvals().Approve(ctx, mia, approval.DecisionRequest{
		Tenant: "acme", Quote: q.ID, Step: "manager_discount", Seal: sub.Seal,
	}); err != nil {
		log.Fatal(err)
	}
	if q, err = kit.Store().Get(ctx, "acme", q.ID); err != nil {
		log.Fatal(err)
	}
	doc, err := kit.Renderer().Document(ctx, q, final)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("after approval: quote %s, stamp %q\n", q.Status, doc.Approval.Text)
	// Output:
	// before approval: true
	// step manager_discount: quote.max_line_discount_percent > 10 (quote.max_line_discount_percent = 15), by mia
	// after approval: quote approved, stamp "by mia on 4 March 2030"
}
