package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/store/internal/record"
)

var _ approval.Store = (*Store)(nil)

// approvalData is what the store keeps for approvals; the store's mutex
// guards it. Its maps are made on first write.
type approvalData struct {
	rows        map[key]record.Approval
	delegations map[key]record.Delegation
	audit       []auditRow
	auditSeq    int64
}

type auditRow struct {
	seq int64
	rec record.AuditRecord
}

// approvalWrites is what a transaction wrote: approvals with the version
// each had when the transaction first wrote it (zero when it created it),
// delegations, and audit records in order.
type approvalWrites struct {
	rows        map[key]record.Approval
	expected    map[key]int64
	delegations map[key]record.Delegation
	audit       []record.AuditRecord
}

func newApprovalWrites() *approvalWrites {
	return &approvalWrites{rows: map[key]record.Approval{}, expected: map[key]int64{}, delegations: map[key]record.Delegation{}}
}

// check reports a conflict between a transaction's approval writes and
// what is stored; the store's write lock is held.
func (d *approvalData) check(w *approvalWrites) error {
	if w == nil {
		return nil
	}
	for k, want := range w.expected {
		cur, ok := d.rows[k]
		switch {
		case want == 0 && ok:
			return fmt.Errorf("create approval %s: it already exists: %w", k.id, approval.ErrConflict)
		case want == 0:
			row := w.rows[k]
			for _, other := range d.rows {
				if other.Tenant == row.Tenant && other.QuoteID == row.QuoteID && other.Round == row.Round {
					return fmt.Errorf("create approval %s: round %d of quote %s already exists: %w", k.id, row.Round, row.QuoteID, approval.ErrConflict)
				}
			}
		case !ok:
			return fmt.Errorf("update approval %s: %w", k.id, approval.ErrNotFound)
		case cur.Version != want:
			return fmt.Errorf("update approval %s: version %d was changed to %d: %w", k.id, want, cur.Version, approval.ErrConflict)
		}
	}
	return nil
}

// apply stores a transaction's approval writes; the store's write lock is
// held and check passed.
func (d *approvalData) apply(w *approvalWrites) {
	if w == nil {
		return
	}
	if d.rows == nil {
		d.rows = map[key]record.Approval{}
		d.delegations = map[key]record.Delegation{}
	}
	for k, row := range w.rows {
		d.rows[k] = row
	}
	for k, row := range w.delegations {
		d.delegations[k] = row
	}
	for _, rec := range w.audit {
		d.auditSeq++
		d.audit = append(d.audit, auditRow{seq: d.auditSeq, rec: rec})
	}
}

// InApprovalTx runs fn in a transaction over quotes, the outbox and
// approvals. Inside fn, use tx, not the store.
func (s *Store) InApprovalTx(ctx context.Context, fn func(tx approval.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := s.begin(ctx)
	t.approval = newApprovalWrites()
	defer func() { t.done = true }()
	if err := fn(&approvalTx{tx: t}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return s.commit(t)
}

// Append adds records to the audit trail.
func (s *Store) Append(ctx context.Context, records ...approval.Record) error {
	return s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.Append(ctx, records...) })
}

// approvalView is a transaction that only reads.
func (s *Store) approvalView() *approvalTx {
	t := s.begin(context.Background())
	t.approval = newApprovalWrites()
	return &approvalTx{tx: t}
}

// Approval returns one approval by ID.
func (s *Store) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	return s.approvalView().Approval(ctx, tenant, id)
}

// Approvals returns the approvals of a quote, oldest first.
func (s *Store) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	return s.approvalView().Approvals(ctx, tenant, quoteID)
}

// Delegation returns one delegation by ID.
func (s *Store) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	return s.approvalView().Delegation(ctx, tenant, id)
}

// Delegations returns the delegations given by or to a user.
func (s *Store) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	return s.approvalView().Delegations(ctx, tenant, user)
}

// Trail returns the audit records of a quote in the order they were
// appended.
func (s *Store) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	return s.approvalView().Trail(ctx, tenant, quoteID)
}

// Due returns pending approvals with a step due for escalation at or
// before the time, earliest first.
func (s *Store) Due(ctx context.Context, before time.Time, limit int) ([]*approval.Approval, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("due approvals: %w", err)
	}
	if limit <= 0 {
		limit = 100
	}
	bound := record.BoundKey(before)
	s.mu.RLock()
	var rows []record.Approval
	for _, row := range s.approvals.rows {
		if row.Status == string(approval.StatusPending) && row.NextDue != "" && row.NextDue <= bound {
			rows = append(rows, row)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(rows, func(a, b record.Approval) int {
		return cmp.Or(cmp.Compare(a.NextDue, b.NextDue), cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.ID, b.ID))
	})
	if len(rows) > limit {
		rows = rows[:limit]
	}
	out := make([]*approval.Approval, 0, len(rows))
	for _, row := range rows {
		a, err := record.DecodeApproval(row.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Pending returns the tenant's pending approvals with a pending step
// assigned to one of the users, ordered by ID.
func (s *Store) Pending(ctx context.Context, tenant string, users []string, limit int) ([]*approval.Approval, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pending approvals: %w", err)
	}
	out := []*approval.Approval{}
	if len(users) == 0 {
		return out, nil
	}
	s.mu.RLock()
	var rows []record.Approval
	for _, row := range s.approvals.rows {
		if row.Tenant == tenant && row.Status == string(approval.StatusPending) {
			rows = append(rows, row)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(rows, func(a, b record.Approval) int { return cmp.Compare(a.ID, b.ID) })
	for _, row := range rows {
		if limit > 0 && len(out) == limit {
			break
		}
		a, err := record.DecodeApproval(row.Doc)
		if err != nil {
			return nil, err
		}
		if record.PendingFor(a, users) {
			out = append(out, a)
		}
	}
	return out, nil
}

// approvalTx is a transaction with the approval writes.
type approvalTx struct {
	*tx
}

func (t *approvalTx) row(k key) (record.Approval, bool) {
	if row, ok := t.approval.rows[k]; ok {
		return row, true
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	row, ok := t.s.approvals.rows[k]
	return row, ok
}

func (t *approvalTx) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("get approval: %w", err)
	}
	row, ok := t.row(key{tenant, id})
	if !ok {
		return nil, fmt.Errorf("get approval %s: %w", id, approval.ErrNotFound)
	}
	return record.DecodeApproval(row.Doc)
}

func (t *approvalTx) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	rows := map[key]record.Approval{}
	t.s.mu.RLock()
	for k, row := range t.s.approvals.rows {
		if row.Tenant == tenant && row.QuoteID == quoteID {
			rows[k] = row
		}
	}
	t.s.mu.RUnlock()
	for k, row := range t.approval.rows {
		if row.Tenant == tenant && row.QuoteID == quoteID {
			rows[k] = row
		}
	}
	sorted := slices.SortedFunc(func(yield func(record.Approval) bool) {
		for _, row := range rows {
			if !yield(row) {
				return
			}
		}
	}, func(a, b record.Approval) int { return cmp.Compare(a.Round, b.Round) })
	out := []*approval.Approval{}
	for _, row := range sorted {
		a, err := record.DecodeApproval(row.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (t *approvalTx) CreateApproval(ctx context.Context, a *approval.Approval) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("create approval: %w", err)
	}
	if a == nil {
		return fmt.Errorf("create approval: none given: %w", approval.ErrInvalid)
	}
	c := a.Clone()
	c.Version = 1
	row, err := record.EncodeApproval(c)
	if err != nil {
		return fmt.Errorf("create approval: %w", err)
	}
	k := key{row.Tenant, row.ID}
	if _, ok := t.current(key{row.Tenant, row.QuoteID}); !ok {
		return fmt.Errorf("create approval %s: quote %s is not stored: %w", row.ID, row.QuoteID, approval.ErrInvalid)
	}
	if _, ok := t.row(k); ok {
		return fmt.Errorf("create approval %s: it already exists: %w", row.ID, approval.ErrConflict)
	}
	others, err := t.Approvals(ctx, row.Tenant, row.QuoteID)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.Round == row.Round {
			return fmt.Errorf("create approval %s: round %d of quote %s already exists: %w", row.ID, row.Round, row.QuoteID, approval.ErrConflict)
		}
	}
	t.approval.rows[k] = row
	t.approval.expected[k] = 0
	a.Version = 1
	return nil
}

func (t *approvalTx) UpdateApproval(ctx context.Context, a *approval.Approval) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("update approval: %w", err)
	}
	if a == nil {
		return fmt.Errorf("update approval: none given: %w", approval.ErrInvalid)
	}
	k := key{a.Tenant, a.ID}
	cur, ok := t.row(k)
	switch {
	case !ok:
		return fmt.Errorf("update approval %s: %w", a.ID, approval.ErrNotFound)
	case cur.Version != a.Version:
		return fmt.Errorf("update approval %s: version %d is not the stored %d: %w", a.ID, a.Version, cur.Version, approval.ErrConflict)
	case cur.QuoteID != a.Quote || cur.Round != a.Round:
		return fmt.Errorf("update approval %s: its quote and round cannot change: %w", a.ID, approval.ErrInvalid)
	}
	c := a.Clone()
	c.Version = a.Version + 1
	row, err := record.EncodeApproval(c)
	if err != nil {
		return fmt.Errorf("update approval: %w", err)
	}
	if _, ok := t.approval.expected[k]; !ok {
		t.approval.expected[k] = cur.Version
	}
	t.approval.rows[k] = row
	a.Version = c.Version
	return nil
}

func (t *approvalTx) SaveDelegation(ctx context.Context, d approval.Delegation) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("save delegation: %w", err)
	}
	row, err := record.EncodeDelegation(d)
	if err != nil {
		return fmt.Errorf("save delegation: %w", err)
	}
	t.approval.delegations[key{row.Tenant, row.ID}] = row
	return nil
}

func (t *approvalTx) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	if err := t.check(ctx); err != nil {
		return approval.Delegation{}, fmt.Errorf("get delegation: %w", err)
	}
	k := key{tenant, id}
	row, ok := t.approval.delegations[k]
	if !ok {
		t.s.mu.RLock()
		row, ok = t.s.approvals.delegations[k]
		t.s.mu.RUnlock()
	}
	if !ok {
		return approval.Delegation{}, fmt.Errorf("get delegation %s: %w", id, approval.ErrNotFound)
	}
	return record.DecodeDelegation(row.Doc)
}

func (t *approvalTx) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	rows := map[key]record.Delegation{}
	t.s.mu.RLock()
	for k, row := range t.s.approvals.delegations {
		if row.Tenant == tenant && (row.From == user || row.To == user) {
			rows[k] = row
		}
	}
	t.s.mu.RUnlock()
	for k, row := range t.approval.delegations {
		if row.Tenant == tenant && (row.From == user || row.To == user) {
			rows[k] = row
		}
	}
	out := []approval.Delegation{}
	for _, row := range rows {
		d, err := record.DecodeDelegation(row.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b approval.Delegation) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (t *approvalTx) Append(ctx context.Context, records ...approval.Record) error {
	if err := t.check(ctx); err != nil {
		return fmt.Errorf("append to the audit trail: %w", err)
	}
	rows := make([]record.AuditRecord, 0, len(records))
	for _, r := range records {
		row, err := record.EncodeRecord(r)
		if err != nil {
			return fmt.Errorf("append to the audit trail: %w", err)
		}
		rows = append(rows, row)
	}
	t.approval.audit = append(t.approval.audit, rows...)
	return nil
}

func (t *approvalTx) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	if err := t.check(ctx); err != nil {
		return nil, fmt.Errorf("read the audit trail: %w", err)
	}
	out := []approval.Record{}
	t.s.mu.RLock()
	var stored []auditRow
	for _, row := range t.s.approvals.audit {
		if row.rec.Tenant == tenant && row.rec.QuoteID == quoteID {
			stored = append(stored, row)
		}
	}
	t.s.mu.RUnlock()
	for _, row := range stored {
		r, err := record.DecodeRecord(row.rec.Doc, row.seq)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	for _, row := range t.approval.audit {
		if row.Tenant == tenant && row.QuoteID == quoteID {
			r, err := record.DecodeRecord(row.Doc, 0)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}
