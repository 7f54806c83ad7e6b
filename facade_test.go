package cpq_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/memory"
)

var (
	march = time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)
	july  = time.Date(2030, time.July, 1, 9, 0, 0, 0, time.UTC)
)

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// sequence gives IDs and numbers in order, so that failures are readable.
type sequence struct {
	mu     sync.Mutex
	prefix string
	n      int
}

func (s *sequence) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return fmt.Sprintf("%s-%d", s.prefix, s.n)
}

func (s *sequence) NextNumber(context.Context, string) (string, error) { return s.NewID(), nil }

func serverCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	return c
}

// serverCatalogJune is the server catalog's next version, in force from
// June 2030: the server's list price rises from 4200 to 4400, and the
// manager approves discounts over 20 % instead of 10 %.
func serverCatalogJune(t *testing.T) *catalog.Catalog {
	t.Helper()
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	src := string(data)
	for _, r := range [][2]string{
		{`version: "2026.2"`, `version: "2030.6"`},
		{"effective_from: 2026-02-01", "effective_from: 2030-06-01"},
		{"      - product: SRV-R2\n        price: 4200", "      - product: SRV-R2\n        price: 4400"},
		{"condition: quote.max_line_discount_percent > 10", "condition: quote.max_line_discount_percent > 20"},
	} {
		require.Equal(t, 1, strings.Count(src, r[0]), r[0])
		src = strings.Replace(src, r[0], r[1], 1)
	}
	c, err := catalog.Parse([]byte(src), "server-2030.6.yaml")
	require.NoError(t, err)
	return c
}

// org is the directory of the tests: mia manages alice; victor is the
// regional VP, fred is finance, lena legal.
type org struct{}

func (org) Members(_ context.Context, _, kind, name string) ([]string, error) {
	return map[string][]string{"role:regional_vp": {"victor"}, "group:finance": {"fred"}, "group:legal": {"lena"}}[kind+":"+name], nil
}

func (org) Related(_ context.Context, _, relation string, q *quote.Quote) ([]string, error) {
	if relation == "manager_of_owner" && q.Header.Owner == "alice" {
		return []string{"mia"}, nil
	}
	return nil, nil
}

func newKit(t *testing.T, cfg cpq.Config) *cpq.Kit {
	t.Helper()
	if cfg.Catalogs == nil {
		cfg.Catalogs = []*catalog.Catalog{serverCatalog(t)}
	}
	if cfg.Store == nil {
		cfg.Store = memory.New()
	}
	if cfg.Directory == nil {
		cfg.Directory = org{}
	}
	if cfg.Clock == nil {
		cfg.Clock = &clock{t: march}
	}
	if cfg.IDs == nil {
		cfg.IDs = &sequence{prefix: "id"}
	}
	k, err := cpq.New(cfg)
	require.NoError(t, err)
	return k
}

// serverLine is one line of servers: X7 processors in both sockets,
// 256 GB, the 1200 W supply, and the default two SATA SSDs each. Its list
// unit price is 4200 + 1350 (X7) + 1350 (second X7) + 980 (224 GB above
// 32 at 140 per 32 GB) + 260 (1200 W) = 8140.
func serverLine(qty int64) quote.Line {
	return quote.Line{
		ID: "1", Product: "SRV-R2", Name: "R2 rack server", Quantity: decimal.NewFromInt(qty), Unit: "ea",
		Configuration: []quote.ConfigValue{
			{Var: "cpu", Value: "X7"}, {Var: "sockets", Value: "2"},
			{Var: "memory_gb", Value: "256"}, {Var: "psu", Value: "W1200"},
		},
	}
}

func percent(n int64) *decimal.Decimal { d := decimal.NewFromInt(n); return &d }

func TestNewRefusesWhatItCannotWire(t *testing.T) {
	server := serverCatalog(t)
	saas, err := catalog.LoadFS(catalogs.FS, "saas.yaml")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		cfg  cpq.Config
		want error
	}{
		{"no catalog", cpq.Config{Store: memory.New()}, cpq.ErrInvalidConfig},
		{"no store", cpq.Config{Catalogs: []*catalog.Catalog{server}}, cpq.ErrInvalidConfig},
		{"two catalogs", cpq.Config{Catalogs: []*catalog.Catalog{server, saas}, Store: memory.New(), Directory: org{}}, cpq.ErrInvalidConfig},
		// The server catalog's approval rules name a relation, a role and
		// groups: without a directory nobody could approve.
		{"no directory", cpq.Config{Catalogs: []*catalog.Catalog{server}, Store: memory.New()}, approval.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := cpq.New(tc.cfg)
			assert.Nil(t, k)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestQuotePricedByTheVersionItPins(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: march}
	k := newKit(t, cpq.Config{
		Catalogs: []*catalog.Catalog{serverCatalog(t), serverCatalogJune(t)},
		Clock:    clk, Numbers: &sequence{prefix: "Q"},
	})

	q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	require.NoError(t, err)
	assert.Equal(t, "Q-1", q.Number)
	assert.Equal(t, "alice", q.Header.Owner)
	assert.Equal(t, "USD", q.Header.Currency, "the catalog's currency")
	assert.Equal(t, time.Date(2030, time.April, 3, 0, 0, 0, 0, time.UTC), q.Header.ValidUntil, "30 days from 4 March")
	assert.Equal(t, "2026.2", q.CatalogVersion, "the version in force in March")

	// One server at 8140 and its two SSDs at 210.
	q.Lines = append(q.Lines, serverLine(1))
	require.NoError(t, k.PriceQuote(ctx, q))
	require.NoError(t, k.SaveQuote(ctx, "alice", q))
	assert.Equal(t, "8560", q.Totals.Net.String())

	// In July the new version is in force; the March quote keeps its
	// prices, a new quote gets the new ones (4400 instead of 4200).
	clk.Set(july)
	require.NoError(t, k.PriceQuote(ctx, q))
	assert.Equal(t, "8560", q.Totals.Net.String())
	q2, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	require.NoError(t, err)
	assert.Equal(t, "2030.6", q2.CatalogVersion)
	q2.Lines = append(q2.Lines, serverLine(1))
	require.NoError(t, k.PriceQuote(ctx, q2))
	assert.Equal(t, "8760", q2.Totals.Net.String())

	// Moving the March quote to the current version is explicit, and
	// says what changed.
	diff, err := q.Reprice(ctx, k.Engines(), july, true)
	require.NoError(t, err)
	assert.Equal(t, "8760", q.Totals.Net.String())
	assert.Equal(t, "2030.6", q.CatalogVersion)
	assert.False(t, diff.Empty())

	// The stored March quote is unchanged until saved.
	stored, err := k.Store().Get(ctx, "acme", q.ID)
	require.NoError(t, err)
	assert.Equal(t, "8560", stored.Totals.Net.String())
	assert.Equal(t, "2026.2", stored.CatalogVersion)
}

func TestApprovalPolicyInForceToday(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: march}
	k := newKit(t, cpq.Config{Catalogs: []*catalog.Catalog{serverCatalog(t), serverCatalogJune(t)}, Clock: clk})
	q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	require.NoError(t, err)
	line := serverLine(1)
	line.Adjustment = quote.Adjustment{DiscountPercent: percent(15), Reason: "competitive offer"}
	q.Lines = append(q.Lines, line)
	require.NoError(t, k.PriceQuote(ctx, q))

	// 15 % off: over March's limit of 10 %, within July's 20 %.
	steps := func() []string {
		p, err := k.Approvals().Preview(ctx, q)
		require.NoError(t, err)
		var ids []string
		for _, s := range p.Steps {
			ids = append(ids, s.Rule+" by "+strings.Join(s.Assignees, ","))
		}
		return ids
	}
	assert.Equal(t, []string{"manager_discount by mia"}, steps())
	clk.Set(july)
	assert.Empty(t, steps())
}

func TestSaveQuoteRefusesAStaleCopy(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, cpq.Config{})
	q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	require.NoError(t, err)
	stale := q.Clone()
	q.Header.Notes = "first"
	require.NoError(t, k.SaveQuote(ctx, "alice", q))
	stale.Header.Notes = "second"
	assert.ErrorIs(t, k.SaveQuote(ctx, "alice", stale), quote.ErrConflict)
	got, err := k.Store().Get(ctx, "acme", q.ID)
	require.NoError(t, err)
	assert.Equal(t, "first", got.Header.Notes)
}

// From a CRM opportunity to an ERP order through the kit alone: prefill,
// pricing, a discount the manager approves, the document, presentation,
// acceptance, and every event delivered to the CRM and the ERP.
func TestFromOpportunityToOrder(t *testing.T) {
	ctx := context.Background()
	fakeCRM, fakeERP := crmfake.NewCRM(), crmfake.NewERP()
	fakeCRM.Put("acme", crm.Opportunity{
		ID: "opp-7", Name: "Plant 2 database server", Stage: "proposal", Owner: "alice",
		Account: crm.Account{ID: "acc-1", Name: "Nordwerk AG", Segment: "enterprise", Country: "DE", Currency: "USD",
			PaymentTerms: "net 30", PaymentDays: 30, Language: "en"},
		Contacts: []crm.Contact{{Name: "Jana Roth", Email: "jana@nordwerk.example"}},
		Fields:   map[string]string{"workload__c": "Database"},
	})
	k := newKit(t, cpq.Config{
		Numbers: &sequence{prefix: "Q-2030"},
		Prefill: crm.PrefillConfig{Source: fakeCRM, Questionnaire: "server_sizing", Needs: []crm.NeedMapping{
			{Field: "workload__c", Question: "workload", Values: map[string]string{"Database": "database"}},
		}},
		Dispatch: crm.DispatcherConfig{Handler: crm.Sinks{CRM: fakeCRM, ERP: fakeERP}},
	})

	pf, err := k.Prefill(ctx, "acme", "opp-7")
	require.NoError(t, err)
	q := pf.Quote
	assert.Equal(t, "Q-2030-1", q.Number)
	assert.Equal(t, "Nordwerk AG", q.Header.Account.Name)
	assert.Equal(t, "alice", q.Header.Owner)
	assert.Equal(t, "2026.2", q.CatalogVersion)
	assert.True(t, pf.Primary)
	require.Len(t, pf.Answers, 1)
	assert.Equal(t, []string{"database"}, pf.Answers[0].Values)

	// The CRM's answer carries into guided selling: databases need at
	// least 256 GB, so less is no longer offered.
	g, err := k.Guide(march)
	require.NoError(t, err)
	gs, err := pf.Guide(g, "server_sizing")
	require.NoError(t, err)
	domains, err := gs.ValidDomains()
	require.NoError(t, err)
	for _, d := range domains {
		if d.Var == "memory_gb" {
			assert.Equal(t, "256", d.Values[0])
		}
	}

	// Two servers at 8140, 15 % off: 16280 × 0.85 = 13838, plus four
	// SSDs at 210 = 840.
	line := serverLine(2)
	line.Adjustment = quote.Adjustment{DiscountPercent: percent(15), Reason: "competitive offer"}
	q.Lines = append(q.Lines, line)
	require.NoError(t, k.PriceQuote(ctx, q))
	require.NoError(t, k.SaveQuote(ctx, "alice", q))
	assert.Equal(t, "14678", q.Totals.Net.String())

	alice := approval.Actor{Tenant: "acme", User: "alice"}
	req := approval.Request{Tenant: "acme", Quote: q.ID}
	sub, err := k.Approvals().Submit(ctx, alice, req)
	require.NoError(t, err)
	require.Len(t, sub.Steps, 1)
	assert.Equal(t, []string{"mia"}, sub.Steps[0].Assignees)

	// Held at the gate: no presentation, no final document, no order.
	_, err = k.Approvals().Present(ctx, alice, req)
	assert.ErrorIs(t, err, quote.ErrTransition, "in review")
	q, err = k.Store().Get(ctx, "acme", q.ID)
	require.NoError(t, err)
	err = k.Document(ctx, io.Discard, q, cpq.FormatHTML, render.Options{Final: true})
	assert.ErrorIs(t, err, render.ErrNotApproved)
	_, err = k.Accept(ctx, "acme", q.ID, "jana@nordwerk.example")
	assert.ErrorIs(t, err, crm.ErrNotReleased)
	assert.ErrorIs(t, err, approval.ErrApprovalRequired)

	_, err = k.Approvals().Approve(ctx, approval.Actor{Tenant: "acme", User: "mia"},
		approval.DecisionRequest{Tenant: "acme", Quote: q.ID, Step: "manager_discount", Seal: sub.Seal})
	require.NoError(t, err)
	q, err = k.Approvals().Present(ctx, alice, req)
	require.NoError(t, err)
	assert.Equal(t, quote.StatusPresented, q.Status)

	doc, err := k.Renderer().Document(ctx, q, render.Options{Final: true})
	require.NoError(t, err)
	assert.False(t, doc.Draft)
	assert.Equal(t, []string{"mia"}, doc.Approval.Approvers)

	order, err := k.Accept(ctx, "acme", q.ID, "jana@nordwerk.example")
	require.NoError(t, err)
	assert.Equal(t, "jana@nordwerk.example", order.AcceptedBy)
	assert.Equal(t, sub.Seal, order.Seal)
	require.NoError(t, order.Verify())

	d := k.Dispatcher()
	require.NotNil(t, d)
	for {
		n, err := d.RunOnce(ctx)
		require.NoError(t, err)
		if n == 0 {
			break
		}
	}
	var heard []string
	for _, c := range fakeCRM.Calls() {
		if c.Op != "opportunity" {
			heard = append(heard, c.Kind)
		}
	}
	assert.Equal(t, []string{
		crm.KindCreated, crm.KindPrimary, crm.KindUpdated, crm.KindSubmitted, crm.KindApproved,
		crm.KindPresented, crm.KindAccepted, crm.KindOrdered,
	}, heard)
	deal, ok := fakeCRM.Deal("acme", "opp-7")
	require.True(t, ok)
	assert.Equal(t, q.ID, deal.Opportunity.PrimaryQuote)
	assert.Equal(t, quote.StatusOrdered, deal.QuoteStatus)
	assert.Equal(t, "14678", deal.Amount.String())
	orders := fakeERP.Orders()
	require.Len(t, orders, 1)
	assert.Equal(t, "Q-2030-1", orders[0].QuoteNumber)
	assert.Equal(t, "14678", orders[0].Totals.Grand.String())
	require.NoError(t, orders[0].Verify())
}

func TestPrefillNeedsASource(t *testing.T) {
	k := newKit(t, cpq.Config{})
	_, err := k.Prefill(context.Background(), "acme", "opp-7")
	assert.ErrorIs(t, err, cpq.ErrNoPrefill)
	assert.Nil(t, k.Dispatcher(), "no handler, no dispatcher")
}

func TestDocumentFormats(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, cpq.Config{Documents: render.Config{Letterhead: render.Letterhead{Company: "Edge Systems Inc."}}})
	q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	require.NoError(t, err)
	q.Lines = append(q.Lines, serverLine(1))
	require.NoError(t, k.PriceQuote(ctx, q))

	var csvOut bytes.Buffer
	require.NoError(t, k.Document(ctx, &csvOut, q, cpq.FormatCSV, render.Options{}))
	rows, err := csv.NewReader(&csvOut).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3, "the header, the server and its SSDs")
	assert.Equal(t, render.CSVHeader, rows[0])
	at := func(row []string, col string) string {
		for i, h := range render.CSVHeader {
			if h == col {
				return row[i]
			}
		}
		return ""
	}
	assert.Equal(t, []string{"SRV-R2", "8140"}, []string{at(rows[1], "product"), at(rows[1], "net_total")})
	assert.Equal(t, []string{"DRV-SSD-960", "420"}, []string{at(rows[2], "product"), at(rows[2], "net_total")})

	var model struct {
		Draft  bool   `json:"draft"`
		Number string `json:"number"`
	}
	var jsonOut bytes.Buffer
	require.NoError(t, k.Document(ctx, &jsonOut, q, cpq.FormatJSON, render.Options{}))
	require.NoError(t, json.Unmarshal(jsonOut.Bytes(), &model))
	assert.True(t, model.Draft, "a draft until approved")
	assert.Equal(t, q.Number, model.Number)

	var html bytes.Buffer
	require.NoError(t, k.Document(ctx, &html, q, cpq.FormatHTML, render.Options{}))
	assert.Contains(t, html.String(), "Edge Systems Inc.")
	assert.Contains(t, html.String(), "DRAFT")

	assert.ErrorIs(t, k.Document(ctx, io.Discard, q, cpq.FormatPDF, render.Options{}), render.ErrNoFont)
	assert.ErrorIs(t, k.Document(ctx, io.Discard, q, "docx", render.Options{}), cpq.ErrUnknownFormat)
}

func TestEnginesByVersion(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, cpq.Config{Catalogs: []*catalog.Catalog{serverCatalog(t), serverCatalogJune(t)}})
	march26, err := k.Engines().Version(ctx, "servers", "2026.2")
	require.NoError(t, err)
	current, err := k.Engines().Current(ctx, "servers", march)
	require.NoError(t, err)
	assert.Same(t, march26, current)
	june, err := k.Engines().Current(ctx, "", july)
	require.NoError(t, err)
	assert.Equal(t, "2030.6", june.Catalog().Version)

	_, err = k.Engines().Version(ctx, "saas", "2026.2")
	assert.ErrorIs(t, err, catalog.ErrNotFound)
	_, err = k.Engines().Version(ctx, "servers", "1999.1")
	assert.ErrorIs(t, err, catalog.ErrNotFound)
	_, err = k.Pricing(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.ErrorIs(t, err, catalog.ErrNotFound, "no version in force before 2026")
	_, err = k.Configure("NO-SUCH-SKU")
	assert.ErrorIs(t, err, catalog.ErrNotFound)
}

// Many users at once share one pricing engine and one compiled model per
// version, each with a session of their own.
func TestPreparedOnceSharedByAll(t *testing.T) {
	k := newKit(t, cpq.Config{})
	const users = 8
	engines := make([]*pricing.Engine, users)
	models := make([]*configurator.Model, users)
	cpus := make([][]string, users)
	errs := make([]error, users)
	var wg sync.WaitGroup
	for i := range users {
		wg.Go(func() {
			var s *configurator.Session
			if engines[i], errs[i] = k.Pricing(march); errs[i] != nil {
				return
			}
			if s, errs[i] = k.Configure("SRV-R2"); errs[i] != nil {
				return
			}
			models[i] = s.Model()
			chassis := []string{"1U", "2U"}[i%2]
			if errs[i] = s.Set("chassis", chassis); errs[i] != nil {
				return
			}
			ds, err := s.ValidDomains()
			errs[i] = err
			for _, d := range ds {
				if d.Var == "cpu" {
					cpus[i] = d.Values
				}
			}
		})
	}
	wg.Wait()
	for i := range users {
		require.NoError(t, errs[i])
		assert.Same(t, engines[0], engines[i])
		assert.Same(t, models[0], models[i])
		want := []string{"X5", "X7", "X9"}
		if i%2 == 0 {
			want = []string{"X5", "X7"} // the X9 needs liquid cooling, which needs 2U
		}
		assert.Equal(t, want, cpus[i])
	}
}

// A clone is a new draft of the cloner, in the version in force today and
// priced by it: in July the server lists at 4400 instead of 4200, so the
// line of one server (8340 at list, 15 % off: 7089) and its two SSDs (420)
// come to 7509, where the March original stays at 7339 (8140 × 0.85 + 420).
func TestCloneQuote(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: march}
	k := newKit(t, cpq.Config{Catalogs: []*catalog.Catalog{serverCatalog(t), serverCatalogJune(t)}, Clock: clk, Numbers: &sequence{prefix: "Q"}})
	q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}, Notes: "rack 4"})
	require.NoError(t, err)
	line := serverLine(1)
	line.Adjustment = quote.Adjustment{DiscountPercent: percent(15)}
	q.Lines = append(q.Lines, line)
	require.NoError(t, k.PriceQuote(ctx, q))
	require.NoError(t, k.SaveQuote(ctx, "alice", q))
	assert.Equal(t, "7339", q.Totals.Net.String())

	clk.Set(july)
	c, report, err := k.CloneQuote(ctx, "acme", q.ID, "bob")
	require.NoError(t, err)
	assert.Empty(t, report)
	assert.NotEqual(t, q.ID, c.ID)
	assert.Equal(t, "Q-2", c.Number)
	assert.Equal(t, 1, c.Revision)
	assert.Equal(t, int64(1), c.Version)
	assert.Equal(t, quote.StatusDraft, c.Status)
	assert.Equal(t, "bob", c.Header.Owner)
	assert.Equal(t, "rack 4", c.Header.Notes)
	assert.Equal(t, "2030.6", c.CatalogVersion)
	assert.Equal(t, time.Date(2030, time.July, 31, 0, 0, 0, 0, time.UTC), c.Header.ValidUntil)
	assert.Equal(t, "7509", c.Totals.Net.String())
	stored, err := k.Store().Get(ctx, "acme", c.ID)
	require.NoError(t, err)
	assert.Equal(t, "7509", stored.Totals.Net.String())
	original, err := k.Store().Get(ctx, "acme", q.ID)
	require.NoError(t, err)
	assert.Equal(t, "7339", original.Totals.Net.String())

	_, _, err = k.CloneQuote(ctx, "globex", q.ID, "bob")
	assert.ErrorIs(t, err, quote.ErrNotFound)
}

// serverCatalogFloor is the server catalog with a guardrail: a server line
// net below 90 % of its list price needs finance's approval.
func serverCatalogFloor(t testing.TB) *catalog.Catalog {
	t.Helper()
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	src := strings.Replace(string(data), "approval_rules:\n", `guardrails:
  lines:
    - id: server_floor
      categories: [servers]
      approval_floor_percent: 90
approval_rules:
  - id: below_floor
    name: A line below its floor
    condition: quote.lines_below_floor > 0
    approver: {group: finance}
    level: 3
`, 1)
	c, err := catalog.Parse([]byte(src), "server-floor.yaml")
	require.NoError(t, err)
	return c
}

// The Kit counts the lines below their approval floor by pricing: 5 % off
// leaves the server at 95 % of list, above the 90 % floor; 12 % off puts
// it at 88 %, below, and also over the manager's 10 %.
func TestApprovalFactsFromPricing(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, cpq.Config{Catalogs: []*catalog.Catalog{serverCatalogFloor(t)}})
	for _, tc := range []struct {
		discount int64
		want     []string
		below    int
	}{
		{5, nil, 0},
		{12, []string{"manager_discount by mia", "below_floor by fred"}, 1},
	} {
		q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
		require.NoError(t, err)
		line := serverLine(1)
		line.Adjustment = quote.Adjustment{DiscountPercent: percent(tc.discount)}
		q.Lines = append(q.Lines, line)
		require.NoError(t, k.PriceQuote(ctx, q))
		p, err := k.Approvals().Preview(ctx, q)
		require.NoError(t, err)
		var got []string
		for _, s := range p.Steps {
			got = append(got, s.Rule+" by "+strings.Join(s.Assignees, ","))
		}
		assert.Equal(t, tc.want, got, tc.discount)
		assert.Equal(t, tc.below, p.Facts.LinesBelowFloor, tc.discount)
	}
}

// CreateQuote prices the lines and stores the quote once, with one event:
// the server line lists at 8140 a unit (see serverLine). Lines that do not
// price store nothing.
func TestCreateQuoteStoresOnce(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, cpq.Config{})
	q, err := k.CreateQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}}, []quote.Line{serverLine(1)})
	require.NoError(t, err)
	stored, err := k.Store().Get(ctx, "acme", q.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), stored.Version, "one write")
	assert.Equal(t, "8140", stored.Lines[0].Price.ListUnitPrice.String())

	var kinds []string
	for {
		ds, err := k.Store().Claim(ctx, quote.ClaimRequest{Now: march.Add(time.Hour)})
		require.NoError(t, err)
		if len(ds) == 0 {
			break
		}
		for _, d := range ds {
			kinds = append(kinds, d.Kind)
			require.NoError(t, k.Store().Delivered(ctx, d))
		}
	}
	assert.Equal(t, []string{crm.KindCreated}, kinds)

	bad := serverLine(1)
	bad.Product = "NOPE"
	_, err = k.CreateQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1"}}, []quote.Line{bad})
	require.Error(t, err)
	page, err := k.Store().List(ctx, "acme", quote.Filter{})
	require.NoError(t, err)
	assert.Len(t, page.Quotes, 1, "the refused quote was not stored")
}

func TestNowIsTheKitsClock(t *testing.T) {
	clk := &clock{t: march}
	k := newKit(t, cpq.Config{Clock: clk})
	assert.Equal(t, march, k.Now())
	clk.Set(july)
	assert.Equal(t, july, k.Now())
}
