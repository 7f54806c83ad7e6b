package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

// Store keeps quotes, their revisions and the outbox in memory. The zero
// value is not usable; call New. A Store is safe for concurrent use.
type Store struct {
	mu        sync.RWMutex
	quotes    map[key]record.Quote
	numbers   map[key]string // (tenant, number) → ID
	revisions map[revKey][]byte
	events    []*event // in enqueue order
	eventIDs  map[key]*event
	seq       int64
	approvals approvalData // see approval.go
	sessions  *Sessions
}

var (
	_ quote.Repository = (*Store)(nil)
	_ quote.Transactor = (*Store)(nil)
	_ quote.Outbox     = (*Store)(nil)
)

type key struct{ tenant, id string }

type revKey struct {
	key
	revision int
}

type event struct {
	seq        int64
	ev         quote.Event
	state      state
	attempts   int
	nextAt     time.Time
	lease      string
	leaseUntil time.Time
	lastError  string
}

type state int

const (
	pending state = iota
	delivered
	dead
)

// New returns an empty store.
func New() *Store {
	return &Store{
		quotes:    map[key]record.Quote{},
		numbers:   map[key]string{},
		revisions: map[revKey][]byte{},
		eventIDs:  map[key]*event{},
		sessions:  NewSessions(),
	}
}

// Sessions returns the store's configuration sessions (see Sessions), kept
// apart from its quotes: a session is never part of a transaction.
func (s *Store) Sessions() *Sessions { return s.sessions }

// Create stores a new quote at version 1.
func (s *Store) Create(ctx context.Context, q *quote.Quote) error {
	return s.write(ctx, q, func(tx quote.Tx) error { return tx.Create(ctx, q) })
}

// Update stores q if q.Version is the stored version.
func (s *Store) Update(ctx context.Context, q *quote.Quote) error {
	return s.write(ctx, q, func(tx quote.Tx) error { return tx.Update(ctx, q) })
}

// write runs one write in its own transaction, and leaves q's version as
// it was when the transaction fails.
func (s *Store) write(ctx context.Context, q *quote.Quote, fn func(tx quote.Tx) error) error {
	if q == nil {
		return s.InTx(ctx, fn)
	}
	v := q.Version
	err := s.InTx(ctx, fn)
	if err != nil {
		q.Version = v
	}
	return err
}

// Get returns the current revision of a quote.
func (s *Store) Get(ctx context.Context, tenant, id string) (*quote.Quote, error) {
	return s.view().Get(ctx, tenant, id)
}

// GetByNumber returns the current revision of the quote with the number.
func (s *Store) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	return s.view().GetByNumber(ctx, tenant, number)
}

// List returns quotes matching the filter, ordered by number.
func (s *Store) List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error) {
	return s.view().List(ctx, tenant, f)
}

// Revision returns the last stored state of one revision.
func (s *Store) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	return s.view().Revision(ctx, tenant, id, revision)
}

// Revisions returns the last stored state of every revision, oldest first.
func (s *Store) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	return s.view().Revisions(ctx, tenant, id)
}

// view is a transaction that only reads.
func (s *Store) view() *tx { return s.begin(context.Background()) }

func (s *Store) begin(ctx context.Context) *tx {
	return &tx{
		s: s, ctx: ctx,
		quotes:    map[key]record.Quote{},
		expected:  map[key]int64{},
		numbers:   map[key]string{},
		revisions: map[revKey][]byte{},
		eventIDs:  map[key]bool{},
	}
}

// InTx runs fn in a transaction. Inside fn, use tx, not the store.
func (s *Store) InTx(ctx context.Context, fn func(tx quote.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := s.begin(ctx)
	defer func() { t.done = true }()
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return s.commit(t)
}

// commit applies a transaction's writes if nothing it depends on changed.
func (s *Store) commit(t *tx) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, want := range t.expected {
		cur, ok := s.quotes[k]
		switch {
		case want == 0 && ok:
			return fmt.Errorf("create quote %s: %w", k.id, quote.ErrDuplicate)
		case want == 0:
			rec := t.quotes[k]
			if _, taken := s.numbers[key{rec.Tenant, rec.Number}]; taken {
				return fmt.Errorf("create quote %s: number %s: %w", k.id, rec.Number, quote.ErrDuplicate)
			}
		case !ok:
			return fmt.Errorf("update quote %s: %w", k.id, quote.ErrNotFound)
		case cur.Version != want:
			return fmt.Errorf("update quote %s: version %d was changed to %d: %w", k.id, want, cur.Version, quote.ErrConflict)
		}
	}
	for _, e := range t.events {
		if _, ok := s.eventIDs[key{e.Tenant, e.ID}]; ok {
			return fmt.Errorf("enqueue event %s: %w", e.ID, quote.ErrDuplicateEvent)
		}
	}
	if err := s.approvals.check(t.approval); err != nil {
		return err
	}
	for k, rec := range t.quotes {
		s.quotes[k] = rec
		s.numbers[key{rec.Tenant, rec.Number}] = rec.ID
	}
	for k, doc := range t.revisions {
		s.revisions[k] = doc
	}
	for _, e := range t.events {
		s.seq++
		ev := &event{seq: s.seq, ev: e, state: pending}
		s.events = append(s.events, ev)
		s.eventIDs[key{e.Tenant, e.ID}] = ev
	}
	s.approvals.apply(t.approval)
	return nil
}

// tx is a transaction: the quotes, revisions and events it wrote, and the
// version each quote it wrote had when it first wrote it (zero for a
// quote it created).
type tx struct {
	s         *Store
	ctx       context.Context
	quotes    map[key]record.Quote
	expected  map[key]int64
	numbers   map[key]string
	revisions map[revKey][]byte
	events    []quote.Event
	eventIDs  map[key]bool
	done      bool
	approval  *approvalWrites // nil outside InApprovalTx
}

var errDone = errors.New("transaction already finished")

func (t *tx) check(ctx context.Context) error {
	if t.done {
		return errDone
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return t.ctx.Err()
}

// current returns the quote as this transaction sees it.
func (t *tx) current(k key) (record.Quote, bool) {
	if rec, ok := t.quotes[k]; ok {
		return rec, true
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	rec, ok := t.s.quotes[k]
	return rec, ok
}

func (t *tx) idOfNumber(tenant, number string) (string, bool) {
	k := key{tenant, number}
	if id, ok := t.numbers[k]; ok {
		return id, true
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	id, ok := t.s.numbers[k]
	return id, ok
}

func (t *tx) Create(ctx context.Context, q *quote.Quote) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("create quote: %w", err)
	}
	rec, err := record.Encode(record.WithVersion(q, 1))
	if err != nil {
		return fmt.Errorf("create quote: %w", err)
	}
	k := key{rec.Tenant, rec.ID}
	if _, ok := t.current(k); ok {
		return fmt.Errorf("create quote %s: ID %s: %w", rec.Number, rec.ID, quote.ErrDuplicate)
	}
	if _, ok := t.idOfNumber(rec.Tenant, rec.Number); ok {
		return fmt.Errorf("create quote %s: number %s: %w", rec.ID, rec.Number, quote.ErrDuplicate)
	}
	t.quotes[k] = rec
	t.expected[k] = 0
	t.numbers[key{rec.Tenant, rec.Number}] = rec.ID
	t.revisions[revKey{k, rec.Revision}] = rec.Doc
	q.Version = 1
	return nil
}

func (t *tx) Update(ctx context.Context, q *quote.Quote) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("update quote: %w", err)
	}
	if q == nil {
		return fmt.Errorf("update quote: no quote given: %w", quote.ErrInvalid)
	}
	k := key{q.Tenant, q.ID}
	cur, ok := t.current(k)
	switch {
	case !ok:
		return fmt.Errorf("update quote %s: %w", q.ID, quote.ErrNotFound)
	case cur.Version != q.Version:
		return fmt.Errorf("update quote %s: version %d is not the stored %d: %w", q.Number, q.Version, cur.Version, quote.ErrConflict)
	case cur.Number != q.Number:
		return fmt.Errorf("update quote %s: the number cannot change from %s: %w", q.Number, cur.Number, quote.ErrInvalid)
	case q.Revision < cur.Revision:
		return fmt.Errorf("update quote %s: revision %d is older than the stored %d: %w", q.Number, q.Revision, cur.Revision, quote.ErrInvalid)
	}
	rec, err := record.Encode(record.WithVersion(q, q.Version+1))
	if err != nil {
		return fmt.Errorf("update quote: %w", err)
	}
	if _, ok := t.expected[k]; !ok {
		t.expected[k] = cur.Version
	}
	t.quotes[k] = rec
	t.revisions[revKey{k, rec.Revision}] = rec.Doc
	q.Version = rec.Version
	return nil
}

func (t *tx) Get(ctx context.Context, tenant, id string) (*quote.Quote, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("get quote: %w", err)
	}
	rec, ok := t.current(key{tenant, id})
	if !ok {
		return nil, fmt.Errorf("get quote %s: %w", id, quote.ErrNotFound)
	}
	return record.Decode(rec.Doc)
}

func (t *tx) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("get quote: %w", err)
	}
	id, ok := t.idOfNumber(tenant, number)
	if !ok {
		return nil, fmt.Errorf("get quote %s: %w", number, quote.ErrNotFound)
	}
	return t.Get(ctx, tenant, id)
}

func (t *tx) List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error) {
	if err := t.check(ctx); err != nil {
		return quote.Page{}, fmt.Errorf("list quotes: %w", err)
	}
	after, hasAfter, err := record.After(f.Cursor)
	if err != nil {
		return quote.Page{}, fmt.Errorf("list quotes: %w", err)
	}
	rows := map[key]record.Quote{}
	t.s.mu.RLock()
	for k, rec := range t.s.quotes {
		if k.tenant == tenant {
			rows[k] = rec
		}
	}
	t.s.mu.RUnlock()
	for k, rec := range t.quotes {
		if k.tenant == tenant {
			rows[k] = rec
		}
	}
	var matched []record.Quote
	for _, rec := range rows {
		if (!hasAfter || rec.Number > after) && rec.Matches(f) {
			matched = append(matched, rec)
		}
	}
	slices.SortFunc(matched, func(a, b record.Quote) int { return cmp.Compare(a.Number, b.Number) })
	var p quote.Page
	if n := f.PageLimit(); len(matched) > n {
		matched = matched[:n]
		p.Next = record.Cursor(matched[n-1].Number)
	}
	for _, rec := range matched {
		q, err := record.Decode(rec.Doc)
		if err != nil {
			return quote.Page{}, fmt.Errorf("list quotes: %w", err)
		}
		p.Quotes = append(p.Quotes, q)
	}
	return p, nil
}

func (t *tx) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("get revision: %w", err)
	}
	k := revKey{key{tenant, id}, revision}
	doc, ok := t.revisions[k]
	if !ok {
		t.s.mu.RLock()
		doc, ok = t.s.revisions[k]
		t.s.mu.RUnlock()
	}
	if !ok {
		return nil, fmt.Errorf("get quote %s revision %d: %w", id, revision, quote.ErrNotFound)
	}
	return record.Decode(doc)
}

func (t *tx) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	k := key{tenant, id}
	if _, ok := t.current(k); !ok {
		return nil, fmt.Errorf("list revisions of quote %s: %w", id, quote.ErrNotFound)
	}
	docs := map[int][]byte{}
	t.s.mu.RLock()
	for rk, doc := range t.s.revisions {
		if rk.key == k {
			docs[rk.revision] = doc
		}
	}
	t.s.mu.RUnlock()
	for rk, doc := range t.revisions {
		if rk.key == k {
			docs[rk.revision] = doc
		}
	}
	var out []*quote.Quote
	for _, r := range slices.Sorted(maps.Keys(docs)) {
		q, err := record.Decode(docs[r])
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

func (t *tx) Enqueue(ctx context.Context, events ...quote.Event) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	seen := map[key]bool{}
	for _, e := range events {
		if err := record.CheckEvent(e); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		k := key{e.Tenant, e.ID}
		if seen[k] {
			return fmt.Errorf("enqueue event %s: twice in one batch: %w", e.ID, quote.ErrDuplicateEvent)
		}
		seen[k] = true
		t.s.mu.RLock()
		_, stored := t.s.eventIDs[k]
		t.s.mu.RUnlock()
		if stored || t.eventIDs[k] {
			return fmt.Errorf("enqueue event %s: %w", e.ID, quote.ErrDuplicateEvent)
		}
	}
	for _, e := range events {
		e.Payload = slices.Clone(e.Payload)
		e.At = e.At.UTC()
		t.events = append(t.events, e)
		t.eventIDs[key{e.Tenant, e.ID}] = true
	}
	return nil
}
