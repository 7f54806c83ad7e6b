package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/store/internal/record"
)

var _ approval.Store = (*Store)(nil)

// InApprovalTx runs fn in a transaction over quotes, the outbox,
// approvals and the audit trail; like InTx it holds the write lock from
// its start, so concurrent decisions queue rather than conflict.
func (s *Store) InApprovalTx(ctx context.Context, fn func(tx approval.Tx) error) error {
	return s.inTx(ctx, func(t *tx) error {
		return fn(&approvalTx{tx: t, GuardedApprovalReads: record.GuardedApprovalReads{Guard: t.Guard, Reads: approvalRepo{q: t.sqlTx}}})
	})
}

// Append adds records to the audit trail.
func (s *Store) Append(ctx context.Context, records ...approval.Record) error {
	return s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.Append(ctx, records...) })
}

// Approval returns one approval by ID.
func (s *Store) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	return approvalRepo{q: s.readers}.Approval(ctx, tenant, id)
}

// Approvals returns the approvals of a quote, oldest first.
func (s *Store) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	return approvalRepo{q: s.readers}.Approvals(ctx, tenant, quoteID)
}

// Delegation returns one delegation by ID.
func (s *Store) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	return approvalRepo{q: s.readers}.Delegation(ctx, tenant, id)
}

// Delegations returns the delegations given by or to a user.
func (s *Store) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	return approvalRepo{q: s.readers}.Delegations(ctx, tenant, user)
}

// Trail returns the audit records of a quote in the order they were
// appended.
func (s *Store) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	return approvalRepo{q: s.readers}.Trail(ctx, tenant, quoteID)
}

// Due returns pending approvals with a step due for escalation at or
// before the time, earliest first.
func (s *Store) Due(ctx context.Context, before time.Time, limit int) ([]*approval.Approval, error) {
	if limit <= 0 {
		limit = 100
	}
	return approvalRepo{q: s.readers}.approvals(ctx, "due approvals", `SELECT document FROM approvals
		WHERE status = 'pending' AND next_due IS NOT NULL AND next_due <= ?
		ORDER BY next_due, tenant, id LIMIT ?`, record.BoundKey(before), limit)
}

// Pending returns the tenant's pending approvals with a pending step
// assigned to one of the users, ordered by ID.
func (s *Store) Pending(ctx context.Context, tenant string, users []string, limit int) ([]*approval.Approval, error) {
	if len(users) == 0 {
		return []*approval.Approval{}, ctx.Err()
	}
	list, err := json.Marshal(users)
	if err != nil {
		return nil, fmt.Errorf("pending approvals: %w", err)
	}
	if limit <= 0 {
		limit = -1
	}
	return approvalRepo{q: s.readers}.approvals(ctx, "pending approvals", `SELECT document FROM approvals a
		WHERE tenant = ? AND status = 'pending' AND EXISTS (
			SELECT 1 FROM json_each(a.document, '$.steps') s, json_each(s.value, '$.assignees') u
			WHERE json_extract(s.value, '$.status') = 'pending' AND u.value IN (SELECT value FROM json_each(?)))
		ORDER BY id LIMIT ?`, tenant, string(list), limit)
}

// approvalRepo reads approvals through a querier.
type approvalRepo struct{ q querier }

func (r approvalRepo) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	var doc []byte
	err := r.q.QueryRowContext(ctx, `SELECT document FROM approvals WHERE tenant = ? AND id = ?`, tenant, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get approval %s: %w", id, approval.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get approval %s: %w", id, err)
	}
	return record.DecodeApproval(doc)
}

func (r approvalRepo) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	return r.approvals(ctx, "list approvals of quote "+quoteID,
		`SELECT document FROM approvals WHERE tenant = ? AND quote_id = ? ORDER BY round`, tenant, quoteID)
}

func (r approvalRepo) approvals(ctx context.Context, op, query string, args ...any) ([]*approval.Approval, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Documents(rows, op, record.DecodeApproval)
}

func (r approvalRepo) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	var doc []byte
	err := r.q.QueryRowContext(ctx, `SELECT document FROM approval_delegations WHERE tenant = ? AND id = ?`, tenant, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return approval.Delegation{}, fmt.Errorf("get delegation %s: %w", id, approval.ErrNotFound)
	}
	if err != nil {
		return approval.Delegation{}, fmt.Errorf("get delegation %s: %w", id, err)
	}
	return record.DecodeDelegation(doc)
}

func (r approvalRepo) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	op := "list delegations of " + user
	rows, err := r.q.QueryContext(ctx, `SELECT document FROM approval_delegations
		WHERE tenant = ? AND (from_user = ? OR to_user = ?) ORDER BY start_at, id`, tenant, user, user)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Documents(rows, op, record.DecodeDelegation)
}

func (r approvalRepo) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	op := "read the audit trail of quote " + quoteID
	rows, err := r.q.QueryContext(ctx, `SELECT seq, document FROM approval_audit WHERE tenant = ? AND quote_id = ? ORDER BY seq`, tenant, quoteID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Collect(rows, op, record.ScanRecord)
}

// approvalTx is a transaction with the approval reads and writes.
type approvalTx struct {
	*tx
	record.GuardedApprovalReads
}

func (t *approvalTx) CreateApproval(ctx context.Context, a *approval.Approval) error {
	if err := t.Check("create approval"); err != nil {
		return err
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
	var one int
	err = t.sqlTx.QueryRowContext(ctx, `SELECT 1 FROM quotes WHERE tenant = ? AND id = ?`, row.Tenant, row.QuoteID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("create approval %s: quote %s is not stored: %w", row.ID, row.QuoteID, approval.ErrInvalid)
	}
	if err != nil {
		return fmt.Errorf("create approval %s: %w", row.ID, err)
	}
	res, err := t.sqlTx.ExecContext(ctx, `INSERT INTO approvals (tenant, id, quote_id, round, status, version, next_due, document)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		row.Tenant, row.ID, row.QuoteID, row.Round, row.Status, row.Version, record.Nullable(row.NextDue), string(row.Doc))
	if err != nil {
		return fmt.Errorf("create approval %s: %w", row.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create approval %s: %w", row.ID, err)
	} else if n == 0 {
		return fmt.Errorf("create approval %s: it, or round %d of quote %s, already exists: %w", row.ID, row.Round, row.QuoteID, approval.ErrConflict)
	}
	a.Version = 1
	return nil
}

func (t *approvalTx) UpdateApproval(ctx context.Context, a *approval.Approval) error {
	if err := t.Check("update approval"); err != nil {
		return err
	}
	if a == nil {
		return fmt.Errorf("update approval: none given: %w", approval.ErrInvalid)
	}
	c := a.Clone()
	c.Version = a.Version + 1
	row, err := record.EncodeApproval(c)
	if err != nil {
		return fmt.Errorf("update approval: %w", err)
	}
	res, err := t.sqlTx.ExecContext(ctx, `UPDATE approvals SET status = ?, version = ?, next_due = ?, document = ?
		WHERE tenant = ? AND id = ? AND version = ? AND quote_id = ? AND round = ?`,
		row.Status, row.Version, record.Nullable(row.NextDue), string(row.Doc), row.Tenant, row.ID, a.Version, row.QuoteID, row.Round)
	if err != nil {
		return fmt.Errorf("update approval %s: %w", row.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update approval %s: %w", row.ID, err)
	} else if n == 0 {
		var (
			version int64
			quoteID string
			round   int
		)
		err := t.sqlTx.QueryRowContext(ctx, `SELECT version, quote_id, round FROM approvals WHERE tenant = ? AND id = ?`,
			a.Tenant, a.ID).Scan(&version, &quoteID, &round)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("update approval %s: %w", a.ID, approval.ErrNotFound)
		case err != nil:
			return fmt.Errorf("update approval %s: %w", a.ID, err)
		case version != a.Version:
			return fmt.Errorf("update approval %s: version %d is not the stored %d: %w", a.ID, a.Version, version, approval.ErrConflict)
		default:
			return fmt.Errorf("update approval %s: its quote and round cannot change: %w", a.ID, approval.ErrInvalid)
		}
	}
	a.Version = c.Version
	return nil
}

func (t *approvalTx) SaveDelegation(ctx context.Context, d approval.Delegation) error {
	if err := t.Check("save delegation"); err != nil {
		return err
	}
	row, err := record.EncodeDelegation(d)
	if err != nil {
		return fmt.Errorf("save delegation: %w", err)
	}
	_, err = t.sqlTx.ExecContext(ctx, `INSERT INTO approval_delegations (tenant, id, from_user, to_user, start_at, document)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant, id) DO UPDATE SET
			from_user = excluded.from_user, to_user = excluded.to_user, start_at = excluded.start_at, document = excluded.document`,
		row.Tenant, row.ID, row.From, row.To, row.Start, string(row.Doc))
	if err != nil {
		return fmt.Errorf("save delegation %s: %w", row.ID, err)
	}
	return nil
}

func (t *approvalTx) Append(ctx context.Context, records ...approval.Record) error {
	if err := t.Check("append to the audit trail"); err != nil {
		return err
	}
	rows := make([]record.AuditRecord, 0, len(records))
	for _, r := range records {
		row, err := record.EncodeRecord(r)
		if err != nil {
			return fmt.Errorf("append to the audit trail: %w", err)
		}
		rows = append(rows, row)
	}
	for _, row := range rows {
		if _, err := t.sqlTx.ExecContext(ctx, `INSERT INTO approval_audit (tenant, quote_id, at, document) VALUES (?, ?, ?, ?)`,
			row.Tenant, row.QuoteID, row.At, string(row.Doc)); err != nil {
			return fmt.Errorf("append to the audit trail: %w", err)
		}
	}
	return nil
}
