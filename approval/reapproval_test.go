package approval_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// Quote edits for the re-approval cases. The base quote is one server at
// 10,000 list, 8,200 net (18 % off), costing 6,000 (margin 2200 / 8200 =
// 26.83 %), in EUR, for an enterprise customer, paying in 30 days.
type edit func(q *quote.Quote)

func net(v string) edit {
	return func(q *quote.Quote) { q.Lines[0].Price.NetTotal, q.Lines[0].Price.UnitPrice = d(v), d(v) }
}
func cost(v string) edit     { return func(q *quote.Quote) { q.Lines[0].Price.Cost = d(v) } }
func currency(c string) edit { return func(q *quote.Quote) { q.Header.Currency = c } }
func segment(s string) edit  { return func(q *quote.Quote) { q.Header.Account.Segment = s } }
func payment(n int) edit     { return func(q *quote.Quote) { q.Header.PaymentDays = n } }
func quantity(n string) edit {
	return func(q *quote.Quote) {
		l := &q.Lines[0]
		l.Quantity = d(n)
		l.Price.ListTotal, l.Price.NetTotal, l.Price.Cost = l.Price.ListTotal.Mul(d(n)), l.Price.NetTotal.Mul(d(n)), l.Price.Cost.Mul(d(n))
	}
}
func term(text string) edit {
	return func(q *quote.Quote) { q.Terms[0].Text, q.Terms[0].Edited = text, true }
}
func addLine(product string) edit {
	return func(q *quote.Quote) {
		q.Lines = append(q.Lines, quote.Line{ID: product, Product: product, Quantity: d("1"),
			Price: quote.LinePrice{ListUnitPrice: d("100"), UnitPrice: d("100"), ListTotal: d("100"), NetTotal: d("100"), Cost: d("50")}})
	}
}

func apply(q *quote.Quote, edits []edit) {
	for _, e := range edits {
		e(q)
	}
	q.Recalculate()
}

// oneRule is a policy with one rule that mia approves.
func oneRule(condition, mode string) string {
	p := `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - {sku: SRV, name: Server, category: servers}
  - {sku: SVC, name: Care, category: services}
  - {sku: GPU, name: Accelerator, category: accelerators}
approval_rules:
  - id: rule
    condition: '` + condition + `'
    approver: {user: mia}
    level: 1
`
	if mode != "" {
		p += "    reapproval: " + mode + "\n"
	}
	return p
}

// resubmit has mia approve the quote as first edited, then revises it,
// makes the second edits on top and submits it again: it returns the
// rule's step.
func resubmit(t *testing.T, policy string, first, second []edit) approval.Step {
	t.Helper()
	e := newEnv(t, policy)
	q := newQuote("q", line{"1", "SRV", "10000", "8200", "6000"})
	apply(q, first)
	e.create(q)
	a := e.submit("sam", "q")
	require.Len(t, a.Steps, 1, "the first submission triggers the rule")
	e.approve("mia", "q", "rule")
	e.edit("q", func(q *quote.Quote) { apply(q, second) })
	a = e.submit("sam", "q")
	require.Len(t, a.Steps, 1, "the resubmission triggers the rule")
	if a.Steps[0].Status == approval.StepAutoApproved {
		assert.Equal(t, approval.StatusApproved, a.Status)
		assert.Equal(t, quote.StatusApproved, e.get("q").Status)
		assert.Equal(t, "q/1", a.Steps[0].Baseline.Approval)
	}
	return a.Steps[0]
}

// TestSmartReapprovalByOperator resubmits after edits under rules written
// with every operator. "auto" means approved automatically; where a
// naive reading ("the condition still holds", or "the value went down")
// would approve automatically and must not, the case says so.
func TestSmartReapprovalByOperator(t *testing.T) {
	tests := []struct {
		name          string
		condition     string
		first, second []edit
		auto          bool
		note          string
	}{
		// > and >=: a higher discount is worse.
		{name: "> better", condition: "quote.max_line_discount_percent > 10", second: []edit{net("8500")}, auto: true}, // 15 %
		{name: "> equal", condition: "quote.max_line_discount_percent > 10", second: []edit{payment(45)}, auto: true},
		{name: "> worse although the condition still holds", condition: "quote.max_line_discount_percent > 10",
			second: []edit{net("8000")}, note: "quote.max_line_discount_percent went from 18 to 20 (higher is worse)"},
		{name: ">= better", condition: "quote.max_line_discount_percent >= 10", second: []edit{net("9000")}, auto: true},
		{name: ">= worse", condition: "quote.max_line_discount_percent >= 10", second: []edit{net("7000")}},

		// < and <=: a lower margin is worse, although the value goes down
		// as a discount's would go up.
		{name: "< better", condition: "quote.margin_percent < 30", second: []edit{cost("5900")}, auto: true}, // 28.05 %
		{name: "< worse although the condition still holds", condition: "quote.margin_percent < 30",
			second: []edit{cost("6500")}, note: "quote.margin_percent went from 26.83 to 20.73 (lower is worse)"},
		{name: "<= equal", condition: "quote.margin_percent <= 30", second: []edit{payment(45)}, auto: true},
		{name: "<= worse", condition: "quote.margin_percent <= 30", second: []edit{cost("7000")}}, // 14.63 %

		// ==: only the very value approved passes.
		{name: "== same value", condition: "quote.payment_terms_days == 90", first: []edit{payment(90)},
			second: []edit{net("8000")}, auto: true},
		{name: "== on a decimal written differently", condition: "quote.max_line_discount_percent == 18",
			second: []edit{net("8200.00")}, auto: true},
		{name: "== on a string", condition: `quote.currency == "USD"`, first: []edit{currency("USD")},
			second: []edit{net("7000")}, auto: true},

		// !=: a different value that still differs from the excluded one
		// is a change, and asks again.
		{name: "!= same value", condition: `quote.currency != "EUR"`, first: []edit{currency("USD")}, second: []edit{payment(45)}, auto: true},
		{name: "!= another value although the condition still holds", condition: `quote.currency != "EUR"`,
			first: []edit{currency("USD")}, second: []edit{currency("GBP")}, note: `quote.currency went from "USD" to "GBP" (any change is worse)`},

		// !: the direction is the fact's, whatever the negation.
		{name: "! better", condition: "!(quote.margin_percent >= 30)", second: []edit{cost("5900")}, auto: true},
		{name: "! worse although the condition still holds", condition: "!(quote.margin_percent >= 30)", second: []edit{cost("6500")}},
		{name: "! on a bool", condition: "!quote.edited_terms", second: []edit{net("8000")}, auto: true},
		{name: "edited terms edited alike", condition: "quote.edited_terms", first: []edit{term("Delivery in 8 weeks.")},
			second: []edit{net("8000")}, auto: true},
		{name: "edited terms edited differently", condition: "quote.edited_terms", first: []edit{term("Delivery in 8 weeks.")},
			second: []edit{term("Delivery in 12 weeks.")}, note: "the edited terms changed"},

		// in and not in: membership is equality in disguise.
		{name: "in same member", condition: `customer.segment in ["smb", "startup"]`, first: []edit{segment("smb")},
			second: []edit{net("7000")}, auto: true},
		{name: "in another member although the condition still holds", condition: `customer.segment in ["smb", "startup"]`,
			first: []edit{segment("smb")}, second: []edit{segment("startup")}},
		{name: "not in another value", condition: `customer.segment not in ["enterprise"]`, first: []edit{segment("smb")},
			second: []edit{segment("startup")}},
		{name: "in a list fact, same list", condition: `"services" in quote.categories`, first: []edit{addLine("SVC")},
			second: []edit{net("8000")}, auto: true},
		{name: "in a list fact, the list changed", condition: `"services" in quote.categories`, first: []edit{addLine("SVC")},
			second: []edit{addLine("GPU")}, note: "quote.categories went from [servers, services] to [accelerators, servers, services] (any change is worse)"},

		// Several facts: every one must be no worse.
		{name: "&& both no worse", condition: `quote.max_line_discount_percent > 10 && customer.segment == "enterprise"`,
			second: []edit{net("8500")}, auto: true},
		{name: "|| one worse", condition: "quote.max_line_discount_percent > 10 || quote.margin_percent < 20",
			second: []edit{net("8500"), cost("7000")}}, // 15 % better, margin 1500 / 8500 = 17.65 % worse

		// Facts the rule does not read do not matter: ten servers at 15 %.
		{name: "unread facts", condition: "quote.max_line_discount_percent > 10", second: []edit{net("8500"), quantity("10")}, auto: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := resubmit(t, oneRule(tt.condition, ""), tt.first, tt.second)
			if tt.auto {
				assert.Equal(t, approval.StepAutoApproved, s.Status, s.Note)
				assert.Equal(t, "no worse than approved in q/1 (revision 1)", s.Note)
				return
			}
			assert.Equal(t, approval.StepPending, s.Status)
			assert.Equal(t, []string{"mia"}, s.Assignees)
			if tt.note != "" {
				assert.Equal(t, "approved in q/1 (revision 1), but "+tt.note, s.Note)
			}
		})
	}
}

func TestReapprovalAlways(t *testing.T) {
	s := resubmit(t, oneRule("quote.max_line_discount_percent > 10", "always"), nil, []edit{net("8500")})
	assert.Equal(t, approval.StepPending, s.Status, "the rule asks on every submission")
}

// TestReapprovalCarriesTheBaseline: 18 % approved by mia, 15 % approved
// automatically; 17 % is compared with the 18 % a person approved, not
// with the 15 % that passed on its own; 19 % asks again.
func TestReapprovalCarriesTheBaseline(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	for _, step := range []struct {
		net    string
		status approval.StepStatus
	}{{"8500", approval.StepAutoApproved}, {"8300", approval.StepAutoApproved}, {"8100", approval.StepPending}} {
		e.edit("q", func(q *quote.Quote) { net(step.net)(q) })
		a := e.submit("sam", "q")
		assert.Equal(t, step.status, a.Steps[0].Status, "net %s", step.net)
	}
	a := e.latest("q")
	assert.Equal(t, "approved in q/1 (revision 1), but quote.max_line_discount_percent went from 18 to 19 (higher is worse)", a.Steps[0].Note)
	var got []string
	for _, r := range e.trail("q") {
		if r.Action == approval.ActionAutoApproved {
			got = append(got, r.Approval+" "+r.Actor+": "+r.Reason)
		}
	}
	assert.Equal(t, []string{"q/2 system: no worse than approved in q/1 (revision 1)", "q/3 system: no worse than approved in q/1 (revision 1)"}, got)
}

// TestReapprovalNewRuleTriggered: the manager's 18 % stays approved, but
// an edited term brings in legal, who must decide.
func TestReapprovalNewRuleTriggered(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	e.edit("q", func(q *quote.Quote) { term("Delivery in 8 weeks.")(q) })
	a := e.submit("sam", "q")
	assert.Equal(t, []string{"manager 1 auto_approved []", "legal 3 pending [lena lou]"}, steps(a))
	assert.Equal(t, quote.StatusInReview, e.get("q").Status)
}

// TestReapprovalNeedsTheSameRule: a rule whose condition changed since
// the approval asks again.
func TestReapprovalNeedsTheSameRule(t *testing.T) {
	e := newEnv(t, oneRule("quote.max_line_discount_percent > 10", ""))
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "rule")

	stricter, err := approval.New(approval.Config{Catalog: loadCatalog(t, oneRule("quote.max_line_discount_percent > 5", "")), Store: e.store, Clock: e.clock})
	require.NoError(t, err)
	e.edit("q", func(q *quote.Quote) { net("8500")(q) })
	a, err := stricter.Submit(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q"})
	require.NoError(t, err)
	assert.Equal(t, approval.StepPending, a.Steps[0].Status)
}

// TestNoWorseDirections checks the direction of every fact.
func TestNoWorseDirections(t *testing.T) {
	base := approval.Facts{MaxLineDiscountPercent: d("18"), MarginPercent: d("25"), EditedTerms: false, Currency: "EUR",
		Categories: []string{"a", "b"}, TermMonths: 12}
	tests := []struct {
		fact  string
		after func(f *approval.Facts)
		ok    bool
	}{
		{"quote.max_line_discount_percent", func(f *approval.Facts) { f.MaxLineDiscountPercent = d("18.00") }, true},
		{"quote.max_line_discount_percent", func(f *approval.Facts) { f.MaxLineDiscountPercent = d("18.01") }, false},
		{"quote.margin_percent", func(f *approval.Facts) { f.MarginPercent = d("24.99") }, false},
		{"quote.margin_percent", func(f *approval.Facts) { f.MarginPercent = d("30") }, true},
		{"quote.edited_terms", func(f *approval.Facts) { f.EditedTerms = true }, false},
		{"quote.term_months", func(f *approval.Facts) { f.TermMonths = 11 }, true},
		{"quote.term_months", func(f *approval.Facts) { f.TermMonths = 13 }, false},
		{"quote.currency", func(f *approval.Facts) { f.Currency = "USD" }, false},
		{"quote.categories", func(f *approval.Facts) { f.Categories = []string{"b", "a"} }, true},
		{"quote.categories", func(f *approval.Facts) { f.Categories = []string{"a"} }, false},
	}
	for _, tt := range tests {
		after := base
		tt.after(&after)
		assert.Equal(t, tt.ok, approval.NoWorse(tt.fact, base, after), "%s (%s)", tt.fact, approval.DirectionOf(tt.fact))
	}
}
