package cpq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// Errors a caller may branch on.
var (
	// ErrInvalidConfig: New was given a configuration it cannot wire (no
	// catalog, no store, versions of different catalogs).
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrUnknownFormat: Document was asked for a format it does not write.
	ErrUnknownFormat = errors.New("unknown document format")
	// ErrNoPrefill: Prefill was called on a kit configured without a CRM
	// source.
	ErrNoPrefill = errors.New("no crm source to prefill from")
)

// Store is where a Kit keeps quotes and their revisions, the outbox of
// events for the CRM and ERP, approvals, delegations and the audit trail.
// Every reference store is one (store/memory, store/sqlite,
// store/postgres); store/storetest checks a host's own with Run and
// RunApproval.
type Store interface {
	quote.Repository
	quote.Transactor
	quote.Outbox
	approval.Store
}

// Clock tells the time. A Kit reads it for today: the catalog version in
// force, the dates of quotes, decisions and events.
type Clock interface {
	Now() time.Time
}

// IDs gives new unique identifiers, for quotes and events.
type IDs interface {
	NewID() string
}

// Config is what a Kit is wired from. Catalogs and Store are required;
// every other zero field means a default. The configurations of the
// packages (Pricing, Documents, Prefill, Dispatch) are passed through as
// they are, except that the fields the Kit wires itself (its store, clock,
// IDs, catalog version and approval gate) are filled in where left zero.
type Config struct {
	// Catalogs are the versions of one catalog (the same ID). A quote is
	// made in and priced by the version in force on its date: the one
	// effective latest on or before it (see catalog.Versions). The approval
	// policy in force is that of the version in force today.
	Catalogs []*catalog.Catalog
	// Store keeps quotes, approvals, the audit trail and the outbox.
	Store Store
	// Directory resolves the roles, groups and relations approval rules
	// name; it is required when a rule names one.
	Directory approval.Directory
	// Facts completes the facts approval rules read with what only the
	// host knows (approval.Config.Facts). The Kit counts the lines below
	// their guardrail's approval floor or margin itself, by pricing; Facts
	// runs after that and may change any fact.
	Facts approval.FactSource
	// Administrators names the role whose members may reassign any
	// approval step and manage anyone's delegations; empty means nobody
	// may.
	Administrators string
	// Clock tells the time; nil means the system clock.
	Clock Clock
	// IDs gives quote and event IDs; nil means random ones
	// (crm.RandomIDs).
	IDs IDs
	// Numbers gives quote numbers; nil means "Q-" and the first eight
	// characters of the ID without dashes, upper-cased.
	Numbers crm.Numbers
	// Pricing gives every pricing engine its contracted prices, exchange
	// rates and tax calculator; the zero value prices without them.
	Pricing pricing.Options
	// Documents configures the renderer: letterhead and logo, template,
	// labels, fonts for PDF. Approvals, when nil, is the Kit's approval
	// gate, so that only an approved revision renders without the DRAFT
	// mark.
	Documents render.Config
	// Prefill makes quotes from CRM opportunities (crm.PrefillConfig).
	// Without a Source, Prefill is refused. Catalog, when nil, is the
	// version in force on the day; IDs, Numbers and Clock, when nil, are
	// the Kit's.
	Prefill crm.PrefillConfig
	// Dispatch delivers the outbox's events to the CRM and ERP
	// (crm.DispatcherConfig): with a Handler (crm.Sinks, a webhook
	// sender), Dispatcher returns a dispatcher; without one the events
	// wait in the outbox for the host's own. Outbox and Clock, when nil,
	// are the Kit's.
	Dispatch crm.DispatcherConfig
}

// Kit wires catalog, configurator, pricing, quote, approval, render and
// crm around one store, for a host that wants one entry point. It holds
// nothing of its own beyond that wiring: per catalog version, a pricing
// engine and the guided-selling data with its compiled configuration
// models, prepared when first needed and then shared, and an approval
// engine; one recorder of events, one renderer, and optionally one
// dispatcher. Every method delegates to the packages, whose documentation
// says what it does. A Kit is safe for concurrent use; the sessions it
// starts belong to one user at a time.
type Kit struct {
	store      Store
	clock      Clock
	ids        IDs
	numbers    crm.Numbers
	pricingOpt pricing.Options
	prefillCfg crm.PrefillConfig

	versions     *catalog.Versions
	byVersion    map[string]*version
	recorder     *crm.Recorder
	renderer     *render.Renderer
	dispatcher   *crm.Dispatcher
	fixedPrefill lazy[*crm.Prefill] // when the host fixed the catalog
}

// version is what the Kit prepares for one catalog version.
type version struct {
	cat       *catalog.Catalog
	approvals *approval.Engine
	pricing   lazy[*pricing.Engine]
	guide     lazy[*guide.Guide]
	prefill   lazy[*crm.Prefill]
}

// lazy is a value made once, when first needed, safe for concurrent use.
type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (l *lazy[T]) get(build func() (T, error)) (T, error) {
	l.once.Do(func() { l.v, l.err = build() })
	return l.v, l.err
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// New wires a Kit. It checks the catalog versions and prepares the
// approval engine of each (so that a policy naming roles without a
// Directory is found now), the recorder, the renderer and the dispatcher;
// pricing engines and configuration models are prepared when first used.
func New(cfg Config) (*Kit, error) {
	if len(cfg.Catalogs) == 0 {
		return nil, fmt.Errorf("cpq: no catalog: %w", ErrInvalidConfig)
	}
	if cfg.Store == nil {
		return nil, fmt.Errorf("cpq: no store: %w", ErrInvalidConfig)
	}
	vs, err := catalog.NewVersions(cfg.Catalogs...)
	if err != nil {
		return nil, fmt.Errorf("cpq: catalogs: %w: %w", ErrInvalidConfig, err)
	}
	k := &Kit{
		store: cfg.Store, clock: cfg.Clock, ids: cfg.IDs, numbers: cfg.Numbers,
		pricingOpt: cfg.Pricing, prefillCfg: cfg.Prefill,
		versions: vs, byVersion: map[string]*version{},
	}
	if k.clock == nil {
		k.clock = systemClock{}
	}
	if k.ids == nil {
		k.ids = crm.RandomIDs{}
	}
	k.recorder = crm.NewRecorder(crm.RecorderConfig{IDs: k.ids, Gate: crm.GateFunc(k.gate)})

	// The approval engine's own transactions (submit, decide, present)
	// record their events through the recorder, in the same transaction.
	events := k.recorder.ApprovalStore(cfg.Store)
	for _, c := range vs.All() {
		eng, err := approval.New(approval.Config{
			Catalog: c, Store: events, Directory: cfg.Directory, Facts: pricingFacts{k: k, next: cfg.Facts},
			Clock: k.clock, Administrators: cfg.Administrators,
		})
		if err != nil {
			return nil, fmt.Errorf("cpq: catalog %s@%s: %w", c.ID, c.Version, err)
		}
		k.byVersion[c.Version] = &version{cat: c, approvals: eng}
	}

	rc := cfg.Documents
	if rc.Approvals == nil {
		rc.Approvals = render.ApprovalFunc(k.approvalState)
	}
	if k.renderer, err = render.New(rc); err != nil {
		return nil, fmt.Errorf("cpq: documents: %w", err)
	}

	if cfg.Dispatch.Handler != nil {
		dc := cfg.Dispatch
		if dc.Outbox == nil {
			dc.Outbox = cfg.Store
		}
		if dc.Clock == nil {
			dc.Clock = k.clock
		}
		if k.dispatcher, err = crm.NewDispatcher(dc); err != nil {
			return nil, fmt.Errorf("cpq: dispatch: %w", err)
		}
	}
	return k, nil
}

// Now is the time by the Kit's clock: what it takes for today.
func (k *Kit) Now() time.Time { return k.clock.Now() }

// Store returns the store the Kit keeps everything in.
func (k *Kit) Store() Store { return k.store }

// Versions returns the catalog's versions.
func (k *Kit) Versions() *catalog.Versions { return k.versions }

// Catalog returns the catalog version in force on the date.
func (k *Kit) Catalog(date time.Time) (*catalog.Catalog, error) {
	v, err := k.at(date)
	if err != nil {
		return nil, err
	}
	return v.cat, nil
}

// at returns what the Kit prepared for the version in force on the date.
func (k *Kit) at(date time.Time) (*version, error) {
	c, err := k.versions.At(date)
	if err != nil {
		return nil, err
	}
	return k.byVersion[c.Version], nil
}

// Pricing returns the pricing engine of the catalog version in force on
// the date, prepared once.
func (k *Kit) Pricing(date time.Time) (*pricing.Engine, error) {
	v, err := k.at(date)
	if err != nil {
		return nil, err
	}
	return v.engine(k.pricingOpt)
}

func (v *version) engine(opts pricing.Options) (*pricing.Engine, error) {
	return v.pricing.get(func() (*pricing.Engine, error) { return pricing.New(v.cat, opts) })
}

// Guide returns the guided-selling data of the catalog version in force
// on the date (questionnaires, packages, parametric selection,
// suggestions), compiled once; its configuration models are compiled when
// first needed and shared with Configure.
func (k *Kit) Guide(date time.Time) (*guide.Guide, error) {
	v, err := k.at(date)
	if err != nil {
		return nil, err
	}
	return v.guide.get(func() (*guide.Guide, error) { return guide.New(v.cat) })
}

// Model returns the configuration model of a product in the catalog
// version in force today, compiled once. With it the Kit is the
// quote.Models that quote.Quote.CloneAs revalidates configurations
// against.
func (k *Kit) Model(_ context.Context, sku string) (*configurator.Model, error) {
	g, err := k.Guide(k.clock.Now())
	if err != nil {
		return nil, err
	}
	return g.Model(sku)
}

// Configure starts a configuration session for a product of the catalog
// version in force today: Set, ValidDomains, Explain, Complete.
func (k *Kit) Configure(sku string) (*configurator.Session, error) {
	m, err := k.Model(context.Background(), sku)
	if err != nil {
		return nil, err
	}
	return m.NewSession(), nil
}

// Engines returns the pricing engines by catalog version, for
// quote.Quote.Reprice: the version a quote pins, or the one in force on a
// date. An empty catalog ID means the Kit's catalog.
func (k *Kit) Engines() quote.Engines { return engines{k} }

type engines struct{ k *Kit }

func (e engines) Version(_ context.Context, catalogID, name string) (*pricing.Engine, error) {
	if err := e.k.checkID(catalogID); err != nil {
		return nil, err
	}
	c, err := e.k.versions.Version(name)
	if err != nil {
		return nil, err
	}
	return e.k.byVersion[c.Version].engine(e.k.pricingOpt)
}

func (e engines) Current(_ context.Context, catalogID string, date time.Time) (*pricing.Engine, error) {
	if err := e.k.checkID(catalogID); err != nil {
		return nil, err
	}
	return e.k.Pricing(date)
}

func (k *Kit) checkID(catalogID string) error {
	if id := k.versions.All()[0].ID; catalogID != "" && catalogID != id {
		return fmt.Errorf("catalog %q: the kit has catalog %q: %w", catalogID, id, catalog.ErrNotFound)
	}
	return nil
}

// NewQuote makes a draft quote in the catalog version in force today and
// stores it, with its created event: the header as given, owned by owner,
// with a new ID and number. A header without a currency takes the
// catalog's; one without a validity is valid for crm.DefaultValidDays days.
func (k *Kit) NewQuote(ctx context.Context, tenant, owner string, h quote.Header) (*quote.Quote, error) {
	return k.CreateQuote(ctx, tenant, owner, h, nil)
}

// CreateQuote is NewQuote with lines: it prices them and stores the quote
// once, with its created event. Lines that do not price are refused and
// nothing is stored.
func (k *Kit) CreateQuote(ctx context.Context, tenant, owner string, h quote.Header, lines []quote.Line) (*quote.Quote, error) {
	now := k.clock.Now()
	c, err := k.Catalog(now)
	if err != nil {
		return nil, fmt.Errorf("new quote: %w", err)
	}
	id := k.ids.NewID()
	number, err := k.number(ctx, tenant, id)
	if err != nil {
		return nil, fmt.Errorf("new quote: %w", err)
	}
	h.Owner = owner
	if h.Currency == "" {
		h.Currency = c.Currency
	}
	if h.ValidUntil.IsZero() {
		h.ValidUntil = validFrom(now)
	}
	q := &quote.Quote{
		ID: id, Tenant: tenant, Number: number, Revision: 1, Status: quote.StatusDraft,
		Header: h, Lines: []quote.Line{}, CatalogID: c.ID, CatalogVersion: c.Version,
		CreatedAt: now, UpdatedAt: now,
		History: []quote.Transition{{To: quote.StatusDraft, Actor: owner, At: now, Revision: 1}},
	}
	if len(lines) > 0 {
		q.Lines = slices.Clone(lines)
		if err := k.PriceQuote(ctx, q); err != nil {
			return nil, err
		}
	}
	if err := k.store.InTx(ctx, func(tx quote.Tx) error {
		return k.recorder.Create(ctx, tx, q, owner, now)
	}); err != nil {
		return nil, err
	}
	return q, nil
}

// number gives a new quote its number: the host's Numbers, or "Q-" and
// the first eight characters of the ID without dashes, upper-cased.
func (k *Kit) number(ctx context.Context, tenant, id string) (string, error) {
	if k.numbers != nil {
		n, err := k.numbers.NextNumber(ctx, tenant)
		if err != nil {
			return "", fmt.Errorf("number: %w", err)
		}
		return n, nil
	}
	compact := strings.ToUpper(strings.ReplaceAll(id, "-", ""))
	return "Q-" + compact[:min(8, len(compact))], nil
}

// validFrom is the default validity of a quote made at now:
// crm.DefaultValidDays days from the day.
func validFrom(now time.Time) time.Time {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return today.AddDate(0, 0, crm.DefaultValidDays)
}

// CloneQuote makes a new draft quote from one of the tenant's quotes
// (quote.Quote.CloneAs) and stores it, with its created event: a new ID
// and number, the same header, groups, lines and terms, owned by owner,
// in the catalog version in force today, valid for crm.DefaultValidDays
// days from today, and priced today. Every configured line is
// revalidated against today's configuration models: the choices that no
// longer hold are dropped, and reported per line.
func (k *Kit) CloneQuote(ctx context.Context, tenant, id, owner string) (*quote.Quote, []quote.LineRevalidation, error) {
	src, err := k.store.Get(ctx, tenant, id)
	if err != nil {
		return nil, nil, err
	}
	now := k.clock.Now()
	c, err := k.Catalog(now)
	if err != nil {
		return nil, nil, fmt.Errorf("clone quote %s: %w", src.Number, err)
	}
	newID := k.ids.NewID()
	number, err := k.number(ctx, tenant, newID)
	if err != nil {
		return nil, nil, fmt.Errorf("clone quote %s: %w", src.Number, err)
	}
	q, report, err := src.CloneAs(ctx, newID, number, now, k)
	if err != nil {
		return nil, nil, err
	}
	q.Header.Owner = owner
	q.Header.ValidUntil = validFrom(now)
	q.CatalogID, q.CatalogVersion = c.ID, c.Version
	q.History = []quote.Transition{{To: quote.StatusDraft, Actor: owner, At: now, Revision: 1, Reason: "cloned from " + src.Number}}
	if err := k.PriceQuote(ctx, q); err != nil {
		return nil, nil, err
	}
	if err := k.store.InTx(ctx, func(tx quote.Tx) error {
		return k.recorder.Create(ctx, tx, q, owner, now)
	}); err != nil {
		return nil, nil, err
	}
	return q, report, nil
}

// Prefill makes a draft quote from a CRM opportunity (crm.Prefill) in the
// catalog version in force today and stores it, with its created event,
// and its primary event when the opportunity had no primary quote. The
// result's Guide method starts the questionnaire with the CRM's answers
// (pass it the Kit's Guide).
func (k *Kit) Prefill(ctx context.Context, tenant, opportunityID string) (*crm.Prefilled, error) {
	if k.prefillCfg.Source == nil {
		return nil, fmt.Errorf("prefill from opportunity %s: %w", opportunityID, ErrNoPrefill)
	}
	now := k.clock.Now()
	p, err := k.prefiller(now)
	if err != nil {
		return nil, fmt.Errorf("prefill from opportunity %s: %w", opportunityID, err)
	}
	pf, err := p.Quote(ctx, tenant, opportunityID)
	if err != nil {
		return nil, err
	}
	q, owner := pf.Quote, pf.Quote.Header.Owner
	if err := k.store.InTx(ctx, func(tx quote.Tx) error {
		if err := k.recorder.Create(ctx, tx, q, owner, now); err != nil {
			return err
		}
		if pf.Primary {
			return k.recorder.MakePrimary(ctx, tx, q, owner, now)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return pf, nil
}

// prefiller returns the crm.Prefill of the version in force on the date,
// or the one of the catalog the host fixed.
func (k *Kit) prefiller(date time.Time) (*crm.Prefill, error) {
	cfg := k.prefillCfg
	if cfg.IDs == nil {
		cfg.IDs = k.ids
	}
	if cfg.Numbers == nil {
		cfg.Numbers = k.numbers
	}
	if cfg.Clock == nil {
		cfg.Clock = k.clock
	}
	if cfg.Catalog != nil {
		return k.fixedPrefill.get(func() (*crm.Prefill, error) { return crm.NewPrefill(cfg) })
	}
	v, err := k.at(date)
	if err != nil {
		return nil, err
	}
	return v.prefill.get(func() (*crm.Prefill, error) {
		cfg.Catalog = v.cat
		return crm.NewPrefill(cfg)
	})
}

// PriceQuote prices a draft (or rejected) quote today, in memory, with the
// catalog version it pins (or the one in force, when it pins none), so
// that pricing again never changes prices behind the salesperson's back;
// see quote.Quote.Reprice, with Engines, to move it to the current
// version. SaveQuote stores the result.
func (k *Kit) PriceQuote(ctx context.Context, q *quote.Quote) error {
	_, err := q.Reprice(ctx, k.Engines(), k.clock.Now(), false)
	return err
}

// SaveQuote stores an edited draft (or rejected revision) with its
// updated event (crm.Recorder.Update). A stale q is refused with an error
// wrapping quote.ErrConflict and nothing is stored.
func (k *Kit) SaveQuote(ctx context.Context, actor string, q *quote.Quote) error {
	now := k.clock.Now()
	return k.store.InTx(ctx, func(tx quote.Tx) error {
		return k.recorder.Update(ctx, tx, q, actor, now)
	})
}

// Approvals returns the approval engine of the policy in force today (the
// catalog version in force, or the first version while none is yet):
// Preview, Submit, Approve, Reject, Recall, Present, Gate and the rest.
// Its status changes are recorded as events in the outbox.
func (k *Kit) Approvals() *approval.Engine {
	v, err := k.at(k.clock.Now())
	if err != nil {
		v = k.byVersion[k.versions.All()[0].Version]
	}
	return v.approvals
}

// gate is the approval gate the recorder and the renderer ask.
func (k *Kit) gate(ctx context.Context, q *quote.Quote) error {
	return k.Approvals().Gate(ctx, q)
}

// approvalState adapts the approval gate to the renderer: a revision the
// gate releases is approved for its seal, by the people who approved it;
// one it holds back is a draft.
func (k *Kit) approvalState(ctx context.Context, q *quote.Quote) (render.Approval, error) {
	switch err := k.gate(ctx, q); {
	case err == nil:
	case errors.Is(err, approval.ErrApprovalRequired), errors.Is(err, approval.ErrStaleSeal):
		return render.Approval{}, nil
	default:
		return render.Approval{}, err
	}
	state := render.Approval{Approved: true, Seal: q.Seal}
	for _, t := range q.History {
		if t.To == quote.StatusApproved && t.Revision == q.Revision {
			state.At = t.At
		}
	}
	all, err := k.store.Approvals(ctx, q.Tenant, q.ID)
	if err != nil {
		return render.Approval{}, err
	}
	for i := len(all) - 1; i >= 0; i-- {
		a := all[i]
		if a.Status != approval.StatusApproved || a.Seal != q.Seal {
			continue
		}
		seen := map[string]bool{}
		for _, s := range a.Steps {
			for _, d := range s.Decisions {
				if d.Approve && !seen[d.Approver] {
					seen[d.Approver] = true
					state.Approvers = append(state.Approvers, d.Approver)
				}
			}
		}
		if !a.ClosedAt.IsZero() {
			state.At = a.ClosedAt
		}
		break
	}
	return state, nil
}

// Format is a document format.
type Format string

// The formats Document writes.
const (
	FormatHTML Format = "html"
	FormatPDF  Format = "pdf"
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
)

// Renderer returns the Kit's renderer, for the document model
// (render.Renderer.Document) and what Document does not cover.
func (k *Kit) Renderer() *render.Renderer { return k.renderer }

// Document writes a quote revision's document to w in a format: HTML,
// PDF (which needs Config.Documents.Fonts), JSON (the document model) or
// CSV (the lines). A revision the approval gate does not release for its
// current seal carries the DRAFT mark; with opts.Final it is refused with
// an error wrapping render.ErrNotApproved.
func (k *Kit) Document(ctx context.Context, w io.Writer, q *quote.Quote, f Format, opts render.Options) error {
	switch f {
	case FormatHTML:
		return k.renderer.HTML(ctx, w, q, opts)
	case FormatPDF:
		return k.renderer.PDF(ctx, w, q, opts)
	case FormatJSON:
		return k.renderer.JSON(ctx, w, q, opts)
	case FormatCSV:
		return k.renderer.CSV(ctx, w, q, opts)
	}
	return fmt.Errorf("document of quote %s: %q: %w", q.Number, f, ErrUnknownFormat)
}

// Accept records the customer's acceptance of a presented quote and hands
// the order over, in one transaction (crm.Recorder.Accept): only when the
// approval gate releases the revision and its seal verifies. The ordered
// event carries the order to the ERP through the outbox.
func (k *Kit) Accept(ctx context.Context, tenant, quoteID, acceptedBy string) (*crm.Order, error) {
	now := k.clock.Now()
	var order *crm.Order
	err := k.store.InTx(ctx, func(tx quote.Tx) error {
		q, err := tx.Get(ctx, tenant, quoteID)
		if err != nil {
			return err
		}
		order, err = k.recorder.Accept(ctx, tx, q, acceptedBy, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return order, nil
}

// pricingFacts completes approval facts with what only pricing knows: the
// lines below their guardrail's approval floor or approval margin, counted
// by pricing the quote's lines that count with the catalog version the
// quote pins, on the day of the evaluation. The host's own FactSource, if
// any, runs after it and may change any fact.
type pricingFacts struct {
	k    *Kit
	next approval.FactSource
}

func (p pricingFacts) Complete(ctx context.Context, q *quote.Quote, f *approval.Facts) error {
	if q.CatalogID != "" && slices.ContainsFunc(q.Lines, quote.Line.Counts) {
		day := f.Today
		if day.IsZero() {
			day = p.k.clock.Now()
		}
		c, err := p.counts(ctx, q, q.PricingRequest(day, quote.Line.Counts))
		if err != nil {
			return fmt.Errorf("approval facts of quote %s: %w", q.Number, err)
		}
		f.LinesBelowFloor, f.LinesBelowMinMargin = c.LinesBelowFloor, c.LinesBelowMinMargin
	}
	if p.next != nil {
		return p.next.Complete(ctx, q, f)
	}
	return nil
}

// guardCounts is what pricingFacts takes from a pricing of the quote's
// lines: it depends on their request, not on their priced amounts.
type guardCounts struct {
	catalog, version    string
	req                 pricing.Request
	LinesBelowFloor     int
	LinesBelowMinMargin int
}

// guardCountsKey keys the counts in a preview's memo.
type guardCountsKey struct{}

// counts prices req with the catalog version q pins. Within a preview,
// which evaluates the policy on variants of the quote that differ only in
// one line's net amount, the counts of an equal request are priced once
// (approval.Memo).
func (p pricingFacts) counts(ctx context.Context, q *quote.Quote, req pricing.Request) (guardCounts, error) {
	memo := approval.Memo(ctx)
	if memo != nil {
		if v, ok := memo.Load(guardCountsKey{}); ok {
			if c := v.(guardCounts); c.catalog == q.CatalogID && c.version == q.CatalogVersion && reflect.DeepEqual(c.req, req) {
				return c, nil
			}
		}
	}
	eng, err := p.k.Engines().Version(ctx, q.CatalogID, q.CatalogVersion)
	if err != nil {
		return guardCounts{}, err
	}
	res, err := eng.Price(ctx, req)
	if err != nil {
		return guardCounts{}, err
	}
	c := guardCounts{catalog: q.CatalogID, version: q.CatalogVersion, req: req,
		LinesBelowFloor: res.Approval.LinesBelowFloor, LinesBelowMinMargin: res.Approval.LinesBelowMinMargin}
	if memo != nil {
		memo.Store(guardCountsKey{}, c)
	}
	return c, nil
}

// Recorder returns the recorder that writes a quote's changes and their
// events in one transaction, for the changes the Kit has no method for
// (Transition, Revise, MakePrimary, Expire). Its gate is the Kit's
// approval gate.
func (k *Kit) Recorder() *crm.Recorder { return k.recorder }

// Dispatcher returns the dispatcher that delivers the outbox's events to
// Config.Dispatch.Handler, or nil when no handler was configured. The host
// runs it (Run in a goroutine of its own, or RunOnce from a scheduler).
func (k *Kit) Dispatcher() *crm.Dispatcher { return k.dispatcher }
