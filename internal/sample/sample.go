// Package sample makes the sample quotes the storage conformance suite and
// the benchmarks of cpq bench store, and the large generated catalog the
// catalog benchmarks and cpq bench load: the same on every call, holding
// what a store (or a loader) could get wrong.
package sample

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/quote"
)

// T0 is the time the sample quotes are created at.
var T0 = time.Date(2030, time.January, 2, 3, 4, 5, 0, time.UTC)

// Quote returns the n-th sample quote of a tenant, with the given
// number of lines: ID "q-<n>", number "Q-<n, six digits>", a draft of
// revision 1. It is the same on every call, and holds what a store could
// get wrong: exact decimals with trailing zeros and many digits, text in
// several scripts and with characters JSON escapes, times in a non-UTC
// zone, optional and alternative lines, adjustments and waterfalls.
func Quote(tenant string, n, lines int) *quote.Quote {
	d := decimal.RequireFromString
	shanghai := time.FixedZone("CST", 8*60*60)
	q := &quote.Quote{
		ID:       fmt.Sprintf("q-%d", n),
		Tenant:   tenant,
		Number:   fmt.Sprintf("Q-%06d", n),
		Revision: 1,
		Status:   quote.StatusDraft,
		Header: quote.Header{
			Title: fmt.Sprintf("Moulded housings, lot %d — 注塑外壳", n),
			Account: quote.Party{
				ID: "acc-7", Name: "Müller & Söhne GmbH <Werk 2>", Segment: "enterprise",
				Region: "EMEA", Country: "DE", TaxID: "DE123456789",
			},
			Contacts: []quote.Contact{
				{Name: "Anna Müller", Email: "anna@example.com", Role: "buyer"},
				{Name: "王芳", Phone: "+86 21 5555 0100", Role: "engineer"},
			},
			BillTo:         quote.Address{Lines: []string{"Hauptstraße 1", "Tor \"B\""}, City: "Stuttgart", PostalCode: "70173", Country: "DE"},
			ShipTo:         quote.Address{Lines: []string{"浦东新区 1号"}, City: "上海", Country: "CN"},
			Opportunity:    fmt.Sprintf("opp-%d", n%7),
			Owner:          "alice",
			Currency:       "EUR",
			PriceBook:      "standard",
			ValidUntil:     time.Date(2030, time.March, 31, 0, 0, 0, 0, shanghai),
			PaymentTerms:   "net 30",
			PaymentDays:    30,
			DeliveryTerms:  "FCA Stuttgart",
			TermMonths:     12,
			Language:       "de",
			CustomerNeeds:  "tab\tnewline\nquote\" backslash\\ nul\x00 end",
			Notes:          "internal: margin is thin",
			HeaderDiscount: d("2.50"),
		},
		Groups: []quote.Group{{ID: "g-hw", Name: "Hardware"}, {ID: "g-svc", Name: "Services"}},
		Terms: []quote.Term{
			{ID: "t-1", Title: "Delivery", Text: "Delivery within 6 weeks of the order."},
			{ID: "t-2", Title: "Warranty", Text: "24 months; ≥ 99.5 % uptime.", Edited: true},
		},
		CatalogID:      "moulding",
		CatalogVersion: "2030.1",
		History: []quote.Transition{
			{From: "", To: quote.StatusDraft, Actor: "alice", At: T0, Reason: "created", Revision: 1},
		},
		CreatedAt: T0,
		UpdatedAt: T0.Add(90*time.Minute + 123456789*time.Nanosecond).In(shanghai),
	}
	tax := decimal.Zero
	for i := range lines {
		qty := decimal.New(int64(i%5+1), 0).Add(decimal.New(int64(i%3)*25, -2)) // 1, 2.25, 3.50, …
		list := decimal.New(int64(1000+i*7), -2).Add(decimal.New(1, -9))        // 10.000000001, 10.070000001, …
		net := list.Mul(decimal.RequireFromString("0.90")).Round(4)
		l := quote.Line{
			ID:          fmt.Sprintf("l-%03d", i+1),
			Product:     fmt.Sprintf("P-%d", 100+i%13),
			Name:        fmt.Sprintf("Part %d «Gehäuse»", i+1),
			Description: "PA66 GF30, black",
			Quantity:    qty,
			Unit:        "pcs",
			Group:       "g-hw",
			Configuration: []quote.ConfigValue{
				{Var: "resin", Value: "pa66_gf30", Label: "PA66 GF30"},
				{Var: "cavities", Value: fmt.Sprint(1 + i%4)},
			},
			Price: quote.LinePrice{
				ListUnitPrice: list,
				UnitPrice:     net,
				ListTotal:     list.Mul(qty),
				NetTotal:      net.Mul(qty),
				Cost:          list.Mul(decimal.RequireFromString("0.600")).Mul(qty),
				Waterfall: []quote.Step{
					{Kind: "list", Source: "price_book:standard", Before: decimal.Zero, After: list},
					{Kind: "schedule", Source: "schedule:volume", Before: list, After: net, Reason: "tier 2: 10.00 %"},
				},
			},
		}
		switch i % 10 {
		case 3:
			l.Group = "g-svc"
			l.Price.Recurring = true
			l.Price.TermMonths = 12
		case 5:
			pct := d("5.000")
			l.Adjustment = quote.Adjustment{DiscountPercent: &pct, Reason: "competitive"}
		case 7:
			l.Optional = true
		case 8, 9:
			l.Alternative = "colour"
			l.Selected = i%10 == 9
		}
		if i > 0 && i%4 == 0 {
			l.Parent = "l-001"
		}
		tax = tax.Add(l.Price.NetTotal.Mul(d("0.19")).Round(2))
		q.Lines = append(q.Lines, l)
	}
	q.Totals.Tax = tax
	q.Recalculate()
	return q
}
