package quote

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Errors a caller may branch on.
var (
	// ErrConflict: an update carried a stale version; nothing was written.
	ErrConflict = errors.New("quote was changed by someone else")
	// ErrNotFound: no quote with that ID or number in the tenant.
	ErrNotFound = errors.New("quote not found")
	// ErrTransition: the status change is not allowed from the current
	// status.
	ErrTransition = errors.New("status change not allowed")
	// ErrSealMismatch: the content no longer matches its seal.
	ErrSealMismatch = errors.New("quote content does not match its seal")
	// ErrLocked: the revision is approved or presented; edit a new
	// revision instead.
	ErrLocked = errors.New("revision is locked")
	// ErrGateRequired: moving a quote to presented goes through Release
	// and the approval gate, never through a plain Transition.
	ErrGateRequired = errors.New("presenting a quote needs the approval gate")
	// ErrInvalid: the quote breaks a rule of its own (a missing tenant, a
	// line without a product, a duplicate line ID).
	ErrInvalid = errors.New("invalid quote")
)

// Status is where a quote revision stands in its lifecycle.
type Status string

// The statuses.
const (
	StatusDraft     Status = "draft"
	StatusInReview  Status = "in_review"
	StatusApproved  Status = "approved"
	StatusRejected  Status = "rejected"
	StatusPresented Status = "presented"
	StatusAccepted  Status = "accepted"
	StatusDeclined  Status = "declined"
	StatusExpired   Status = "expired"
	StatusOrdered   Status = "ordered"
	StatusCancelled Status = "cancelled"
)

// transitions lists the statuses each status may move to. A draft moves to
// approved directly when no approval is required (the approval gate
// decides); presented, declined and expired quotes return to draft only as
// a new revision (Revise).
var transitions = map[Status][]Status{
	StatusDraft:     {StatusInReview, StatusApproved, StatusCancelled},
	StatusInReview:  {StatusApproved, StatusRejected, StatusDraft, StatusCancelled},
	StatusRejected:  {StatusDraft, StatusCancelled},
	StatusApproved:  {StatusPresented, StatusCancelled},
	StatusPresented: {StatusAccepted, StatusDeclined, StatusExpired, StatusCancelled},
	StatusAccepted:  {StatusOrdered},
	StatusDeclined:  {},
	StatusExpired:   {},
	StatusOrdered:   {},
	StatusCancelled: {},
}

// CanTransition reports whether a quote may move from one status to
// another.
func CanTransition(from, to Status) bool {
	return slices.Contains(transitions[from], to)
}

// Editable reports whether a revision in this status may be edited in
// place. Approved, presented and later revisions are edited through Revise.
func (s Status) Editable() bool {
	return s == StatusDraft || s == StatusRejected
}

// Transition records a status change: who, when, from, to, and why.
type Transition struct {
	From   Status    `json:"from"`
	To     Status    `json:"to"`
	Actor  string    `json:"actor"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	// Revision is the revision the change applied to.
	Revision int `json:"revision"`
}

// Quote is the quote aggregate: one revision of a quote with its header,
// lines, terms and totals, its status and its history. The repository keeps
// every earlier revision readable.
type Quote struct {
	ID     string `json:"id"`
	Tenant string `json:"tenant"`
	Number string `json:"number"`
	// Revision counts the customer-visible revisions, from 1.
	Revision int `json:"revision"`
	// Version is the storage version, for optimistic concurrency: an
	// update must carry the version it read.
	Version int64  `json:"version"`
	Status  Status `json:"status"`

	Header Header  `json:"header"`
	Groups []Group `json:"groups,omitempty"`
	Lines  []Line  `json:"lines"`
	Terms  []Term  `json:"terms,omitempty"`
	Totals Totals  `json:"totals"`

	// CatalogID and CatalogVersion pin the catalog version that priced
	// the quote.
	CatalogID      string `json:"catalog_id"`
	CatalogVersion string `json:"catalog_version"`

	// Seal is the content seal recorded when the revision was submitted
	// or approved; empty while it is being edited.
	Seal string `json:"seal,omitempty"`

	History   []Transition `json:"history,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Header is what a quote says about the deal.
type Header struct {
	Title         string    `json:"title,omitempty"`
	Account       Party     `json:"account"`
	Contacts      []Contact `json:"contacts,omitempty"`
	BillTo        Address   `json:"bill_to"`
	ShipTo        Address   `json:"ship_to"`
	Opportunity   string    `json:"opportunity,omitempty"`
	Owner         string    `json:"owner"`
	Currency      string    `json:"currency"`
	PriceBook     string    `json:"price_book,omitempty"`
	ValidUntil    time.Time `json:"valid_until"`
	PaymentTerms  string    `json:"payment_terms,omitempty"`
	PaymentDays   int       `json:"payment_days,omitempty"`
	DeliveryTerms string    `json:"delivery_terms,omitempty"`
	TermMonths    int       `json:"term_months,omitempty"`
	Language      string    `json:"language,omitempty"`
	CustomerNeeds string    `json:"customer_needs,omitempty"`
	Notes         string    `json:"notes,omitempty"`
	// HeaderDiscount is a percent off the whole quote, allocated to lines
	// by pricing.
	HeaderDiscount decimal.Decimal `json:"header_discount"`
}

// Party is a customer account.
type Party struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Segment string `json:"segment,omitempty"`
	Region  string `json:"region,omitempty"`
	Country string `json:"country,omitempty"`
	TaxID   string `json:"tax_id,omitempty"`
}

// Contact is a person at the customer.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role,omitempty"`
}

// Address is a postal address.
type Address struct {
	Lines      []string `json:"lines,omitempty"`
	City       string   `json:"city,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	Region     string   `json:"region,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// Group is a group of lines with its own subtotal.
type Group struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Line is one line of a quote.
type Line struct {
	ID          string          `json:"id"`
	Product     string          `json:"product"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit,omitempty"`
	Group       string          `json:"group,omitempty"`
	// Parent is the ID of the line this one is an option of.
	Parent string `json:"parent,omitempty"`
	// Optional lines are offered but excluded from totals until the
	// customer takes them; Alternative names a set of lines of which the
	// customer takes one (the Selected one counts in totals).
	Optional    bool   `json:"optional,omitempty"`
	Alternative string `json:"alternative,omitempty"`
	Selected    bool   `json:"selected,omitempty"`
	// Derived lines are made by pricing (a bundle's options, an item a
	// rule adds, a cost component quoted on its own) and replaced each
	// time the quote is priced.
	Derived bool `json:"derived,omitempty"`
	// Configuration is the snapshot of the configured product's values.
	Configuration []ConfigValue `json:"configuration,omitempty"`
	// Adjustment is the manual adjustment the salesperson made.
	Adjustment Adjustment `json:"adjustment"`
	// Price is the priced result, with its waterfall.
	Price LinePrice `json:"price"`
}

// Counts reports whether the line counts in the quote's totals.
func (l Line) Counts() bool {
	if l.Optional && !l.Selected {
		return false
	}
	if l.Alternative != "" && !l.Selected {
		return false
	}
	return true
}

// ConfigValue is one value of a line's configuration.
type ConfigValue struct {
	Var   string `json:"var"`
	Value string `json:"value"`
	// Label is the value's name as shown to the customer.
	Label string `json:"label,omitempty"`
}

// Adjustment is a manual price adjustment on a line: at most one of the
// fields is set.
type Adjustment struct {
	DiscountPercent *decimal.Decimal `json:"discount_percent,omitempty"`
	DiscountAmount  *decimal.Decimal `json:"discount_amount,omitempty"`
	PriceOverride   *decimal.Decimal `json:"price_override,omitempty"`
	Reason          string           `json:"reason,omitempty"`
}

// LinePrice is the priced result of a line as the quote keeps it: exact
// decimals in the quote currency, and the waterfall that explains them.
type LinePrice struct {
	ListUnitPrice decimal.Decimal `json:"list_unit_price"`
	UnitPrice     decimal.Decimal `json:"unit_price"`
	ListTotal     decimal.Decimal `json:"list_total"`
	NetTotal      decimal.Decimal `json:"net_total"`
	// Cost is the line's total cost, when known.
	Cost decimal.Decimal `json:"cost"`
	// Recurring lines are billed every period over the term.
	Recurring  bool   `json:"recurring,omitempty"`
	TermMonths int    `json:"term_months,omitempty"`
	Waterfall  []Step `json:"waterfall,omitempty"`
}

// DiscountPercent is the line's discount off list, in percent (two places).
func (p LinePrice) DiscountPercent() decimal.Decimal {
	if p.ListTotal.IsZero() {
		return decimal.Zero
	}
	return p.ListTotal.Sub(p.NetTotal).Mul(decimal.NewFromInt(100)).DivRound(p.ListTotal, 2)
}

// Step is one step of a line's price waterfall.
type Step struct {
	Kind   string          `json:"kind"`
	Source string          `json:"source,omitempty"`
	Before decimal.Decimal `json:"before"`
	After  decimal.Decimal `json:"after"`
	Reason string          `json:"reason,omitempty"`
}

// Term is a term or condition of the quote. Edited terms (changed from the
// catalog's standard text, or added) need approval where policy says so.
type Term struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Text   string `json:"text"`
	Edited bool   `json:"edited,omitempty"`
}

// Totals are the quote's totals, each the sum of the lines that count.
type Totals struct {
	List      decimal.Decimal `json:"list"`
	Discount  decimal.Decimal `json:"discount"`
	Net       decimal.Decimal `json:"net"`
	Cost      decimal.Decimal `json:"cost"`
	Margin    decimal.Decimal `json:"margin"`
	Tax       decimal.Decimal `json:"tax"`
	Grand     decimal.Decimal `json:"grand"`
	OneTime   decimal.Decimal `json:"one_time"`
	Recurring decimal.Decimal `json:"recurring"`
	// Groups holds each group's net subtotal, by group ID.
	Groups []GroupTotal `json:"groups,omitempty"`
}

// GroupTotal is a group's subtotal.
type GroupTotal struct {
	Group string          `json:"group"`
	Net   decimal.Decimal `json:"net"`
}

// MarginPercent is the margin as a percent of net (two places).
func (t Totals) MarginPercent() decimal.Decimal {
	if t.Net.IsZero() {
		return decimal.Zero
	}
	return t.Margin.Mul(decimal.NewFromInt(100)).DivRound(t.Net, 2)
}

// Recalculate sets the totals from the lines that count: list, net and
// cost are sums over them, discount is list − net, margin is net − cost;
// tax is kept as given and grand is net + tax. Group subtotals follow the
// order of Groups.
func (q *Quote) Recalculate() {
	var t Totals
	t.Tax = q.Totals.Tax
	groups := map[string]decimal.Decimal{}
	for _, l := range q.Lines {
		if !l.Counts() {
			continue
		}
		t.List = t.List.Add(l.Price.ListTotal)
		t.Net = t.Net.Add(l.Price.NetTotal)
		t.Cost = t.Cost.Add(l.Price.Cost)
		if l.Price.Recurring {
			t.Recurring = t.Recurring.Add(l.Price.NetTotal)
		} else {
			t.OneTime = t.OneTime.Add(l.Price.NetTotal)
		}
		if l.Group != "" {
			groups[l.Group] = groups[l.Group].Add(l.Price.NetTotal)
		}
	}
	t.Discount = t.List.Sub(t.Net)
	t.Margin = t.Net.Sub(t.Cost)
	t.Grand = t.Net.Add(t.Tax)
	for _, g := range q.Groups {
		t.Groups = append(t.Groups, GroupTotal{Group: g.ID, Net: groups[g.ID]})
	}
	q.Totals = t
}

// Validate checks the quote's own rules: a tenant, a number, an owner, a
// currency, lines with IDs and products, unique line IDs, known groups and
// parents. It returns an error wrapping ErrInvalid naming the first
// problem.
func (q *Quote) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("quote %s: %s: %w", q.Number, fmt.Sprintf(format, args...), ErrInvalid)
	}
	switch {
	case q.Tenant == "":
		return fail("no tenant")
	case q.Number == "":
		return fail("no number")
	case q.Header.Currency == "":
		return fail("no currency")
	case q.Revision < 1:
		return fail("revision %d; revisions count from 1", q.Revision)
	}
	if _, ok := transitions[q.Status]; !ok {
		return fail("unknown status %q", q.Status)
	}
	groups := map[string]bool{}
	for _, g := range q.Groups {
		if g.ID == "" || groups[g.ID] {
			return fail("group ID %q is empty or repeated", g.ID)
		}
		groups[g.ID] = true
	}
	ids := map[string]bool{}
	for i, l := range q.Lines {
		switch {
		case l.ID == "":
			return fail("line %d has no ID", i+1)
		case ids[l.ID]:
			return fail("line ID %q appears twice", l.ID)
		case l.Product == "":
			return fail("line %s has no product", l.ID)
		case l.Quantity.IsNegative():
			return fail("line %s has a negative quantity", l.ID)
		case l.Group != "" && !groups[l.Group]:
			return fail("line %s is in unknown group %q", l.ID, l.Group)
		}
		ids[l.ID] = true
	}
	for _, l := range q.Lines {
		if l.Parent != "" && !ids[l.Parent] {
			return fail("line %s has unknown parent %q", l.ID, l.Parent)
		}
	}
	return nil
}

// Transition moves the quote to another status, recording who did it,
// when and why. A change the lifecycle does not allow returns an error
// wrapping ErrTransition naming both statuses, and changes nothing.
//
// A quote reaches the customer (presented) only through Release, which asks
// the approval gate first.
func (q *Quote) Transition(to Status, actor string, at time.Time, reason string) error {
	if to == StatusPresented {
		return fmt.Errorf("quote %s revision %d: use Release with the approval gate to present it: %w", q.Number, q.Revision, ErrGateRequired)
	}
	return q.transition(to, actor, at, reason)
}

// Gate decides whether a quote's current revision may reach the customer:
// nil only when every approval the policy requires is granted for its
// current seal, or none is required. The approval engine implements it.
type Gate interface {
	Gate(ctx context.Context, q *Quote) error
}

// Release moves an approved quote to presented, only when the gate lets its
// current content through; otherwise it returns the gate's error and
// changes nothing.
func (q *Quote) Release(ctx context.Context, gate Gate, actor string, at time.Time, reason string) error {
	if gate == nil {
		return fmt.Errorf("quote %s: no approval gate: %w", q.Number, ErrGateRequired)
	}
	if !CanTransition(q.Status, StatusPresented) {
		return fmt.Errorf("quote %s revision %d: %s → %s: %w", q.Number, q.Revision, q.Status, StatusPresented, ErrTransition)
	}
	if err := gate.Gate(ctx, q); err != nil {
		return fmt.Errorf("quote %s revision %d is not released: %w", q.Number, q.Revision, err)
	}
	return q.transition(StatusPresented, actor, at, reason)
}

func (q *Quote) transition(to Status, actor string, at time.Time, reason string) error {
	if !CanTransition(q.Status, to) {
		return fmt.Errorf("quote %s revision %d: %s → %s: %w", q.Number, q.Revision, q.Status, to, ErrTransition)
	}
	if actor == "" {
		return fmt.Errorf("quote %s: a status change needs an actor: %w", q.Number, ErrInvalid)
	}
	q.History = append(q.History, Transition{From: q.Status, To: to, Actor: actor, At: at, Reason: reason, Revision: q.Revision})
	q.Status = to
	q.UpdatedAt = at
	return nil
}

// Expire moves a presented quote whose validity ended before now to
// expired. It reports whether it did.
func (q *Quote) Expire(now time.Time, actor string) bool {
	if q.Status != StatusPresented || q.Header.ValidUntil.IsZero() || !now.After(endOfDay(q.Header.ValidUntil)) {
		return false
	}
	return q.Transition(StatusExpired, actor, now, "validity ended "+q.Header.ValidUntil.Format(time.DateOnly)) == nil
}

func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 999_999_999, t.Location())
}

// Revise starts a new revision from this one: the revision number goes up,
// the status returns to draft and the seal is cleared. Approved, presented,
// rejected, declined and expired revisions are revised; a draft is edited
// in place, and accepted, ordered and cancelled quotes are final.
func (q *Quote) Revise(actor string, at time.Time) error {
	switch q.Status {
	case StatusApproved, StatusPresented, StatusRejected, StatusDeclined, StatusExpired, StatusInReview:
	default:
		return fmt.Errorf("quote %s revision %d is %s and cannot be revised: %w", q.Number, q.Revision, q.Status, ErrTransition)
	}
	from := q.Status
	q.Revision++
	q.Status = StatusDraft
	q.Seal = ""
	q.History = append(q.History, Transition{From: from, To: StatusDraft, Actor: actor, At: at, Reason: "new revision", Revision: q.Revision})
	q.UpdatedAt = at
	return nil
}

// Clone returns a deep copy of the quote.
func (q *Quote) Clone() *Quote {
	c := *q
	c.Header.Contacts = slices.Clone(q.Header.Contacts)
	c.Header.BillTo.Lines = slices.Clone(q.Header.BillTo.Lines)
	c.Header.ShipTo.Lines = slices.Clone(q.Header.ShipTo.Lines)
	c.Groups = slices.Clone(q.Groups)
	c.Terms = slices.Clone(q.Terms)
	c.History = slices.Clone(q.History)
	c.Totals.Groups = slices.Clone(q.Totals.Groups)
	c.Lines = make([]Line, len(q.Lines))
	for i, l := range q.Lines {
		l.Configuration = slices.Clone(l.Configuration)
		l.Price.Waterfall = slices.Clone(l.Price.Waterfall)
		l.Adjustment = Adjustment{
			DiscountPercent: cloneDecimal(l.Adjustment.DiscountPercent),
			DiscountAmount:  cloneDecimal(l.Adjustment.DiscountAmount),
			PriceOverride:   cloneDecimal(l.Adjustment.PriceOverride),
			Reason:          l.Adjustment.Reason,
		}
		c.Lines[i] = l
	}
	return &c
}

func cloneDecimal(d *decimal.Decimal) *decimal.Decimal {
	if d == nil {
		return nil
	}
	x := *d
	return &x
}
