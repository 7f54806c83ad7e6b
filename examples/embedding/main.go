// Command embedding shows a host application embedding cpqkit through its
// one entry point, cpq.Kit, with storage and identity of its own: a store
// that wraps the reference in-memory store to feed the host's activity
// log with every quote write that commits, and a directory over the
// host's org charts. The store passes the conformance suites
// (storetest.Run and storetest.RunApproval) in this program's test.
//
// It runs a small flow through the kit and prints each step: a server
// configured, quoted with a discount beyond what the salesperson may give
// alone, held at the approval gate, approved by her manager, rendered,
// presented, accepted, and its events delivered; then the host's feed.
//
// Usage:
//
//	embedding
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
)

func main() {
	if err := run(context.Background(), os.Stdout, NewStore()); err != nil {
		fmt.Fprintln(os.Stderr, "embedding:", err)
		os.Exit(1)
	}
}

const tenant = "acme"

// The day of the run: fixed, so that the run prints the same every time.
var today = time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)

// directory is the host's org chart: mia manages alice; victor is the
// regional VP, fred is in finance, lena in legal.
var directory = Directory{tenant: {
	Managers: map[string]string{"alice": "mia"},
	Roles:    map[string][]string{"regional_vp": {"victor"}},
	Groups:   map[string][]string{"finance": {"fred"}, "legal": {"lena"}},
}}

// sequence numbers quotes and events, so that the run is reproducible; a
// host keeps the default random IDs.
type sequence struct {
	prefix string
	n      int
}

func (s *sequence) NewID() string { s.n++; return fmt.Sprintf("%s-%d", s.prefix, s.n) }

func (s *sequence) NextNumber(context.Context, string) (string, error) { return s.NewID(), nil }

// run wires the kit on the host's store and runs the flow, printing each
// step to w.
func run(ctx context.Context, w io.Writer, store *Store) error {
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		return err
	}
	kit, err := cpq.New(cpq.Config{
		Catalogs:  []*catalog.Catalog{cat},
		Store:     store,
		Directory: directory,
		Clock:     crm.ClockFunc(func() time.Time { return today }),
		IDs:       &sequence{prefix: "id"},
		Numbers:   &sequence{prefix: "Q-2030"},
		Documents: render.Config{Letterhead: render.Letterhead{Company: "Edge Systems Inc."}},
		// The host's CRM hears every event; here it prints them.
		Dispatch: crm.DispatcherConfig{Handler: crm.HandlerFunc(func(_ context.Context, e quote.Event) error {
			fmt.Fprintf(w, "    CRM hears %s (revision %d)\n", e.Kind, e.Revision)
			return nil
		}), Concurrency: 1},
	})
	if err != nil {
		return err
	}

	// 1. Configure: the salesperson's choices, the rest completed from
	// the catalog's defaults.
	s, err := kit.Configure("SRV-R2")
	if err != nil {
		return err
	}
	for _, c := range []configurator.Choice{{Var: "cpu", Value: "X7"}, {Var: "sockets", Value: "2"}, {Var: "memory_gb", Value: "256"}} {
		if err := s.Set(c.Var, c.Value); err != nil {
			return err
		}
	}
	config, err := s.Complete(configurator.Strategy{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "1. configured %s: %s\n", config.Product, describe(config))

	// 2. Quote two of them, 12 % off.
	q, err := kit.NewQuote(ctx, tenant, "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	if err != nil {
		return err
	}
	off := decimal.NewFromInt(12)
	line := quote.Line{ID: "1", Product: config.Product, Name: "R2 rack server", Quantity: decimal.NewFromInt(2), Unit: "ea",
		Adjustment: quote.Adjustment{DiscountPercent: &off, Reason: "competitive offer"}}
	for _, c := range config.Values {
		if strings.HasPrefix(c.Var, "qty.") && c.Value == "0" {
			continue // the quantity of an option not taken, which pricing refuses
		}
		line.Configuration = append(line.Configuration, quote.ConfigValue{Var: c.Var, Value: c.Value})
	}
	q.Lines = append(q.Lines, line)
	if err := kit.PriceQuote(ctx, q); err != nil {
		return err
	}
	if err := kit.SaveQuote(ctx, "alice", q); err != nil {
		return err
	}
	fmt.Fprintf(w, "2. quote %s: list %s, net %s %s\n", q.Number, q.Totals.List.StringFixed(2), q.Totals.Net.StringFixed(2), q.Header.Currency)
	for _, l := range q.Lines {
		fmt.Fprintf(w, "    %s × %s: %s\n", l.Quantity, l.Product, l.Price.NetTotal.StringFixed(2))
	}

	// 3. Submitted: the discount needs the manager; the gate holds the
	// final document back.
	alice := approval.Actor{Tenant: tenant, User: "alice"}
	sub, err := kit.Approvals().Submit(ctx, alice, approval.Request{Tenant: tenant, Quote: q.ID})
	if err != nil {
		return err
	}
	for _, st := range sub.Steps {
		fmt.Fprintf(w, "3. approval needed: %s by %s, because %s\n", st.ID, strings.Join(st.Assignees, ", "), st.Trigger)
	}
	if q, err = kit.Store().Get(ctx, tenant, q.ID); err != nil {
		return err
	}
	final := render.Options{Language: "en", Final: true}
	switch err := kit.Document(ctx, io.Discard, q, cpq.FormatHTML, final); {
	case errors.Is(err, render.ErrNotApproved):
		fmt.Fprintln(w, "    the final document is refused: not approved yet")
	case err != nil:
		return err
	default:
		return errors.New("a final document of a quote in review was rendered")
	}

	// 4. Approved by the manager, then the document and the presentation.
	for _, st := range sub.Steps {
		if _, err := kit.Approvals().Approve(ctx, approval.Actor{Tenant: tenant, User: st.Assignees[0]},
			approval.DecisionRequest{Tenant: tenant, Quote: q.ID, Step: st.ID, Seal: sub.Seal}); err != nil {
			return err
		}
	}
	if q, err = kit.Approvals().Present(ctx, alice, approval.Request{Tenant: tenant, Quote: q.ID}); err != nil {
		return err
	}
	var html bytes.Buffer
	if err := kit.Document(ctx, &html, q, cpq.FormatHTML, final); err != nil {
		return err
	}
	doc, err := kit.Renderer().Document(ctx, q, final)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "4. approved and presented: %s %s, seal %s\n", doc.Approval.Label, doc.Approval.Text, doc.SealShort)

	// 5. Accepted: the order for the ERP, through the gate.
	order, err := kit.Accept(ctx, tenant, q.ID, "jana@nordwerk.example")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "5. accepted by %s: order of %s %s, %d lines, verifies: %v\n",
		order.AcceptedBy, order.Totals.Grand.StringFixed(2), order.Currency, len(order.Lines), order.Verify() == nil)

	// 6. The outbox delivered.
	fmt.Fprintln(w, "6. dispatching the outbox:")
	for {
		n, err := kit.Dispatcher().RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}

	// 7. What the host's own store recorded.
	fmt.Fprintln(w, "7. the host's activity feed:")
	for _, a := range store.Feed() {
		fmt.Fprintf(w, "    %s\n", a)
	}
	return nil
}

// describe lists the values the configuration chose, leaving out options
// not taken.
func describe(c configurator.Configuration) string {
	var parts []string
	for _, v := range c.Values {
		if v.Value == "false" || strings.HasPrefix(v.Var, "qty.") && v.Value == "0" {
			continue
		}
		parts = append(parts, v.Var+"="+v.Value)
	}
	return strings.Join(parts, " ")
}
