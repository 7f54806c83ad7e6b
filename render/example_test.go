package render_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// exampleQuote is a small sealed quote: two desks at 652.50 euros (list
// 725.00) and an installation.
func exampleQuote() *quote.Quote {
	d := decimal.RequireFromString
	q := &quote.Quote{
		Tenant: "acme", Number: "Q-1001", Revision: 1, Status: quote.StatusApproved,
		Header: quote.Header{
			Account: quote.Party{Name: "Northwind Traders"}, Currency: "EUR", Language: "en",
			ValidUntil: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		},
		Lines: []quote.Line{
			{ID: "1", Product: "DESK", Name: "Standing desk", Quantity: d("2"), Unit: "pcs",
				Price: quote.LinePrice{ListUnitPrice: d("725"), UnitPrice: d("652.50"), ListTotal: d("1450"), NetTotal: d("1305")}},
			{ID: "2", Product: "INSTALL", Name: "Installation", Quantity: d("1"),
				Price: quote.LinePrice{ListUnitPrice: d("350"), UnitPrice: d("350"), ListTotal: d("350"), NetTotal: d("350")}},
		},
		UpdatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}
	q.Totals.Tax = d("314.45")
	q.Recalculate()
	q.SealContent()
	return q
}

// The host's approval gate: here every quote is approved for its current
// seal by Dana. A real host asks the approval package.
var exampleGate = render.ApprovalFunc(func(_ context.Context, q *quote.Quote) (render.Approval, error) {
	return render.Approval{Approved: true, Seal: q.Seal, Approvers: []string{"Dana Fischer"}, At: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}, nil
})

func ExampleRenderer_Document() {
	r, err := render.New(render.Config{Letterhead: render.Letterhead{Company: "Acme Office Systems"}, Approvals: exampleGate})
	if err != nil {
		panic(err)
	}
	q := exampleQuote()
	for _, lang := range []string{"en", "zh-CN"} {
		d, err := r.Document(context.Background(), q, render.Options{Language: lang})
		if err != nil {
			panic(err)
		}
		fmt.Println(d.Title, d.Number, "·", d.Approval.Text)
		for _, t := range d.Totals {
			fmt.Printf("  %s: %s\n", t.Label, t.Amount)
		}
	}
	// Output:
	// Quote Q-1001 · by Dana Fischer on 2 March 2026
	//   List price total: €1,800.00
	//   Discounts: -€145.00
	//   Net total: €1,655.00
	//   Tax: €314.45
	//   Grand total: €1,969.45
	// 报价单 Q-1001 · 批准人 Dana Fischer，2026年3月2日
	//   目录价合计: €1,800.00
	//   折扣: -€145.00
	//   净额: €1,655.00
	//   税额: €314.45
	//   合计: €1,969.45
}

// Without an approval gate, or when the gate does not approve the
// quote's current seal, a document is a draft; Final refuses to render it.
func ExampleRenderer_Document_draft() {
	r, err := render.New(render.Config{})
	if err != nil {
		panic(err)
	}
	d, err := r.Document(context.Background(), exampleQuote(), render.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Draft, d.Watermark, "-", d.DraftReason)

	_, err = r.Document(context.Background(), exampleQuote(), render.Options{Final: true})
	fmt.Println(errors.Is(err, render.ErrNotApproved))
	// Output:
	// true DRAFT - no approval gate is configured
	// true
}

func ExampleRenderer_CSV() {
	r, err := render.New(render.Config{Approvals: exampleGate})
	if err != nil {
		panic(err)
	}
	if err := r.CSV(context.Background(), os.Stdout, exampleQuote(), render.Options{}); err != nil {
		panic(err)
	}
	// Output:
	// quote,revision,status,position,line_id,parent,group,product,name,description,options,quantity,unit,list_unit_price,unit_price,discount_percent,net_total,currency,recurring,term_months,optional,alternative,selected,counts
	// Q-1001,1,approved,1,1,,,DESK,Standing desk,,,2,pcs,725,652.5,10,1305,EUR,false,0,false,,false,true
	// Q-1001,1,approved,2,2,,,INSTALL,Installation,,,1,,350,350,0,350,EUR,false,0,false,,false,true
}
