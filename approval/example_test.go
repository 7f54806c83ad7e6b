package approval_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// managers is a Directory where each owner's manager approves.
type managers map[string]string

func (m managers) Members(context.Context, string, string, string) ([]string, error) { return nil, nil }

func (m managers) Related(_ context.Context, _, relation string, q *quote.Quote) ([]string, error) {
	if relation == "manager_of_owner" {
		return []string{m[q.Header.Owner]}, nil
	}
	return nil, nil
}

// A discount over 10 % needs the owner's manager: the quote is submitted,
// the gate holds it back until the manager approves, then it is presented.
func Example() {
	ctx := context.Background()
	cat, err := catalog.Parse([]byte(`
id: policy
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - id: manager
    condition: quote.max_line_discount_percent > 10
    approver: {relation: manager_of_owner}
    level: 1
`), "policy.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	store := memory.New()
	eng, err := approval.New(approval.Config{Catalog: cat, Store: store, Directory: managers{"sam": "mia"}})
	if err != nil {
		fmt.Println(err)
		return
	}

	dec := decimal.RequireFromString
	q := &quote.Quote{
		ID: "q1", Tenant: "acme", Number: "Q-1", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{Owner: "sam", Currency: "EUR", ValidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)},
		Lines: []quote.Line{{ID: "1", Product: "SRV", Quantity: dec("1"), Price: quote.LinePrice{
			ListUnitPrice: dec("10000"), UnitPrice: dec("8200"), ListTotal: dec("10000"), NetTotal: dec("8200"), Cost: dec("6000")}}},
	}
	q.Recalculate()
	if err := store.Create(ctx, q); err != nil {
		fmt.Println(err)
		return
	}

	p, _ := eng.Preview(ctx, q)
	fmt.Println("needs:", p.Steps[0].Rule, p.Steps[0].Assignees, "because", p.Steps[0].Trigger)
	fmt.Println("line 1 may go to", p.Lines[0].MaxDiscountPercent, "% off without approval")

	sam, mia := approval.Actor{Tenant: "acme", User: "sam"}, approval.Actor{Tenant: "acme", User: "mia"}
	a, _ := eng.Submit(ctx, sam, approval.Request{Tenant: "acme", Quote: "q1"})
	_, err = eng.Present(ctx, sam, approval.Request{Tenant: "acme", Quote: "q1"})
	fmt.Println("present while in review:", errors.Is(err, quote.ErrTransition))

	_, err = eng.Approve(ctx, sam, approval.DecisionRequest{Tenant: "acme", Quote: "q1", Step: "manager", Seal: a.Seal})
	fmt.Println("sam approves his own quote:", errors.Is(err, approval.ErrSelfApproval))

	a, _ = eng.Approve(ctx, mia, approval.DecisionRequest{Tenant: "acme", Quote: "q1", Step: "manager", Seal: a.Seal, Comment: "ok for this customer"})
	fmt.Println("approval:", a.Status)
	presented, err := eng.Present(ctx, sam, approval.Request{Tenant: "acme", Quote: "q1"})
	fmt.Println("quote:", presented.Status, err)

	trail, _ := store.Trail(ctx, "acme", "q1")
	for _, r := range trail {
		line := r.Actor + " " + string(r.Action)
		if r.Attempt != "" {
			line += " to " + string(r.Attempt)
		}
		if r.Step != "" {
			line += " step " + r.Step
		}
		fmt.Println(line)
	}
	// Output:
	// needs: manager [mia] because quote.max_line_discount_percent > 10 (quote.max_line_discount_percent = 18)
	// line 1 may go to 10 % off without approval
	// present while in review: true
	// sam approves his own quote: true
	// approval: approved
	// quote: presented <nil>
	// sam submitted
	// sam level_started
	// sam refused to presented
	// sam refused to approved step manager
	// mia approved step manager
	// mia completed
	// sam presented
}
