package approval_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// chainPolicy is the three-level chain: the owner's manager for a line
// discount over 10 %, the regional VP for over 25 % or a margin under
// 20 %, and at level 3, in parallel, finance (any one member) for a total
// over 100,000 or payment terms over 60 days and legal (every member) for
// edited terms.
const chainPolicy = `
id: policy
version: "2026.1"
effective_from: 2026-01-01
currency: EUR
products:
  - {sku: SRV, name: Server, category: servers}
  - {sku: GPU, name: Accelerator, category: accelerators}
  - {sku: SVC, name: Care, category: services}
approval_rules:
  - id: manager
    name: Discount over 10 %
    condition: quote.max_line_discount_percent > 10
    approver: {relation: manager_of_owner}
    level: 1
    escalation: {after: 48h, to: {role: sales_director}}
  - id: vp
    name: Discount over 25 % or margin under 20 %
    condition: quote.max_line_discount_percent > 25 || quote.margin_percent < 20
    approver: {relation: regional_vp}
    level: 2
  - id: finance
    name: Deals over 100,000 or payment over 60 days
    condition: quote.total > 100000 || quote.payment_terms_days > 60
    approver: {group: finance}
    level: 3
  - id: legal
    name: Edited terms
    condition: quote.edited_terms
    approver: {group: legal, unanimous: true}
    level: 3
`

func loadCatalog(t testing.TB, src string) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse([]byte(src), "policy.yaml")
	require.NoError(t, err)
	return c
}

// directory is the host's identity system in the tests.
type directory struct {
	roles     map[string][]string
	groups    map[string][]string
	managers  map[string]string   // owner → manager
	regionVPs map[string][]string // account region → VPs
}

func newDirectory() *directory {
	return &directory{
		roles: map[string][]string{
			"sales_director": {"sue"},
			"admin":          {"ada"},
		},
		groups: map[string][]string{
			"finance": {"fay", "finn"},
			"legal":   {"lena", "lou"},
		},
		managers:  map[string]string{"sam": "mia", "fay": "mia", "tom": "sam"},
		regionVPs: map[string][]string{"EMEA": {"vera"}, "AMER": {"victor", "vince"}},
	}
}

func (d *directory) Members(_ context.Context, tenant, kind, name string) ([]string, error) {
	if kind == "role" {
		return slices.Clone(d.roles[name]), nil
	}
	return slices.Clone(d.groups[name]), nil
}

func (d *directory) Related(_ context.Context, tenant, relation string, q *quote.Quote) ([]string, error) {
	switch relation {
	case "manager_of_owner":
		if m, ok := d.managers[q.Header.Owner]; ok {
			return []string{m}, nil
		}
		return nil, nil
	case "regional_vp":
		return slices.Clone(d.regionVPs[q.Header.Account.Region]), nil
	}
	return nil, nil
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(by time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(by)
}

// line is a quote line of quantity 1: list, net and cost amounts.
type line struct {
	id, product     string
	list, net, cost string
}

// newQuote is a draft of tenant acme owned by sam, for an EMEA account,
// payment in 30 days.
func newQuote(id string, lines ...line) *quote.Quote {
	q := &quote.Quote{
		ID: id, Tenant: "acme", Number: "Q-" + id, Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{
			Account: quote.Party{ID: "A1", Name: "Northwind", Segment: "enterprise", Region: "EMEA", Country: "DE"},
			Owner:   "sam", Currency: "EUR", PaymentTerms: "net 30", PaymentDays: 30,
		},
		Terms:     []quote.Term{{ID: "delivery", Text: "Delivery within 6 weeks."}},
		CreatedAt: t0, UpdatedAt: t0,
	}
	for _, l := range lines {
		q.Lines = append(q.Lines, quote.Line{
			ID: l.id, Product: l.product, Name: l.product, Quantity: d("1"),
			Price: quote.LinePrice{ListUnitPrice: d(l.list), UnitPrice: d(l.net), ListTotal: d(l.list), NetTotal: d(l.net), Cost: d(l.cost)},
		})
	}
	q.Recalculate()
	return q
}

// env is an engine over a memory store, with the test directory and a
// clock at t0.
type env struct {
	t     testing.TB
	ctx   context.Context
	store *memory.Store
	eng   *approval.Engine
	clock *clock
	dir   *directory
}

func newEnv(t testing.TB, policy string) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: memory.New(), clock: &clock{now: t0}, dir: newDirectory()}
	eng, err := approval.New(approval.Config{
		Catalog: loadCatalog(t, policy), Store: e.store, Directory: e.dir, Clock: e.clock, Administrators: "admin",
	})
	require.NoError(t, err)
	e.eng = eng
	return e
}

func acme(user string) approval.Actor { return approval.Actor{Tenant: "acme", User: user} }

func (e *env) create(q *quote.Quote) {
	e.t.Helper()
	require.NoError(e.t, e.store.Create(e.ctx, q))
}

func (e *env) get(id string) *quote.Quote {
	e.t.Helper()
	q, err := e.store.Get(e.ctx, "acme", id)
	require.NoError(e.t, err)
	return q
}

// edit changes a stored quote: a draft in place, anything else as a new
// revision, as a salesperson's edit does.
func (e *env) edit(id string, change func(q *quote.Quote)) {
	e.t.Helper()
	q := e.get(id)
	if !q.Status.Editable() {
		require.NoError(e.t, q.Revise("sam", e.clock.Now()))
	}
	change(q)
	q.Recalculate()
	require.NoError(e.t, e.store.Update(e.ctx, q))
}

func (e *env) submit(user, id string) *approval.Approval {
	e.t.Helper()
	a, err := e.eng.Submit(e.ctx, acme(user), approval.Request{Tenant: "acme", Quote: id})
	require.NoError(e.t, err)
	return a
}

func (e *env) latest(id string) *approval.Approval {
	e.t.Helper()
	as, err := e.store.Approvals(e.ctx, "acme", id)
	require.NoError(e.t, err)
	require.NotEmpty(e.t, as)
	return as[len(as)-1]
}

// decide approves (or rejects, with a comment) a step on the seal of the
// quote's latest approval.
func (e *env) decide(user, id, step string, approve bool, comment string) (*approval.Approval, error) {
	req := approval.DecisionRequest{Tenant: "acme", Quote: id, Step: step, Seal: e.latest(id).Seal, Comment: comment}
	if approve {
		return e.eng.Approve(e.ctx, acme(user), req)
	}
	return e.eng.Reject(e.ctx, acme(user), req)
}

func (e *env) approve(user, id, step string) *approval.Approval {
	e.t.Helper()
	a, err := e.decide(user, id, step, true, "")
	require.NoError(e.t, err)
	return a
}

func (e *env) trail(id string) []approval.Record {
	e.t.Helper()
	rs, err := e.store.Trail(e.ctx, "acme", id)
	require.NoError(e.t, err)
	return rs
}

// actions lists the records as "action step actor".
func actions(rs []approval.Record) []string {
	out := []string{}
	for _, r := range rs {
		s := string(r.Action)
		if r.Attempt != "" {
			s += "(" + string(r.Attempt) + ")"
		}
		if r.Step != "" {
			s += " " + r.Step
		}
		out = append(out, s+" "+r.Actor)
	}
	return out
}

// steps lists an approval's steps as "id level status assignees".
func steps(a *approval.Approval) []string {
	out := []string{}
	for _, s := range a.Steps {
		out = append(out, s.ID+" "+itoa(s.Level)+" "+string(s.Status)+" "+join(s.Assignees))
	}
	return out
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

func join(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out + "]"
}
