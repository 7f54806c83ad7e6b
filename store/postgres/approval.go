package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

var _ approval.Store = (*Store)(nil)

// InApprovalTx runs fn in a transaction (read committed) over quotes, the
// outbox, approvals and the audit trail. Concurrent decisions on one
// approval are serialised by its version: the later update waits for the
// earlier transaction, then finds the version changed and is refused with
// approval.ErrConflict.
func (s *Store) InApprovalTx(ctx context.Context, fn func(tx approval.Tx) error) error {
	return s.InTx(ctx, func(qt quote.Tx) error {
		t := qt.(*tx)
		return fn(&approvalTx{tx: t, GuardedApprovalReads: record.GuardedApprovalReads{Guard: t.Guard, Reads: approvalRepo{s: s, q: t.pgTx}}})
	})
}

// Append adds records to the audit trail.
func (s *Store) Append(ctx context.Context, records ...approval.Record) error {
	return s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.Append(ctx, records...) })
}

// Approval returns one approval by ID.
func (s *Store) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	return approvalRepo{s: s, q: s.pool}.Approval(ctx, tenant, id)
}

// Approvals returns the approvals of a quote, oldest first.
func (s *Store) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	return approvalRepo{s: s, q: s.pool}.Approvals(ctx, tenant, quoteID)
}

// Delegation returns one delegation by ID.
func (s *Store) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	return approvalRepo{s: s, q: s.pool}.Delegation(ctx, tenant, id)
}

// Delegations returns the delegations given by or to a user.
func (s *Store) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	return approvalRepo{s: s, q: s.pool}.Delegations(ctx, tenant, user)
}

// Trail returns the audit records of a quote in the order they were
// appended.
func (s *Store) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	return approvalRepo{s: s, q: s.pool}.Trail(ctx, tenant, quoteID)
}

// Due returns pending approvals with a step due for escalation at or
// before the time, earliest first.
func (s *Store) Due(ctx context.Context, before time.Time, limit int) ([]*approval.Approval, error) {
	if limit <= 0 {
		limit = 100
	}
	return approvalRepo{s: s, q: s.pool}.approvals(ctx, "due approvals", `SELECT document FROM {schema}.approvals
		WHERE status = 'pending' AND next_due IS NOT NULL AND next_due <= $1
		ORDER BY next_due, tenant, id LIMIT $2`, record.BoundKey(before), limit)
}

// Pending returns the tenant's pending approvals with a pending step
// assigned to one of the users, ordered by ID. Users PostgreSQL cannot
// hold as text match nothing and are not sent.
func (s *Store) Pending(ctx context.Context, tenant string, users []string, limit int) ([]*approval.Approval, error) {
	var sent []string
	for _, u := range users {
		if record.Text(u) {
			sent = append(sent, u)
		}
	}
	if len(sent) == 0 || !record.Text(tenant) {
		return []*approval.Approval{}, ctx.Err()
	}
	query := `SELECT document FROM {schema}.approvals a
		WHERE tenant = $1 AND status = 'pending' AND EXISTS (
			SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(a.document->'steps') = 'array' THEN a.document->'steps' ELSE '[]' END) s,
				json_array_elements_text(CASE WHEN json_typeof(s->'assignees') = 'array' THEN s->'assignees' ELSE '[]' END) u
			WHERE s->>'status' = 'pending' AND u = ANY($2))
		ORDER BY id`
	args := []any{tenant, sent}
	if limit > 0 {
		query += ` LIMIT $3`
		args = append(args, limit)
	}
	return approvalRepo{s: s, q: s.pool}.approvals(ctx, "pending approvals", query, args...)
}

// approvalRepo reads approvals through a querier. Keys PostgreSQL cannot
// hold as text match nothing and are not sent.
type approvalRepo struct {
	s *Store
	q querier
}

func (r approvalRepo) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	if !record.Text(tenant, id) {
		return nil, fmt.Errorf("get approval %s: %w", id, approval.ErrNotFound)
	}
	var doc []byte
	err := r.q.QueryRow(ctx, r.s.sql(`SELECT document FROM {schema}.approvals WHERE tenant = $1 AND id = $2`), tenant, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("get approval %s: %w", id, approval.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get approval %s: %w", id, err)
	}
	return record.DecodeApproval(doc)
}

func (r approvalRepo) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	if !record.Text(tenant, quoteID) {
		return []*approval.Approval{}, ctx.Err()
	}
	return r.approvals(ctx, "list approvals of quote "+quoteID,
		`SELECT document FROM {schema}.approvals WHERE tenant = $1 AND quote_id = $2 ORDER BY round`, tenant, quoteID)
}

func (r approvalRepo) approvals(ctx context.Context, op, query string, args ...any) ([]*approval.Approval, error) {
	rows, err := r.q.Query(ctx, r.s.sql(query), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Documents(rows, op, record.DecodeApproval)
}

func (r approvalRepo) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	if !record.Text(tenant, id) {
		return approval.Delegation{}, fmt.Errorf("get delegation %s: %w", id, approval.ErrNotFound)
	}
	var doc []byte
	err := r.q.QueryRow(ctx, r.s.sql(`SELECT document FROM {schema}.approval_delegations WHERE tenant = $1 AND id = $2`), tenant, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return approval.Delegation{}, fmt.Errorf("get delegation %s: %w", id, approval.ErrNotFound)
	}
	if err != nil {
		return approval.Delegation{}, fmt.Errorf("get delegation %s: %w", id, err)
	}
	return record.DecodeDelegation(doc)
}

func (r approvalRepo) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	out := []approval.Delegation{}
	if !record.Text(tenant, user) {
		return out, ctx.Err()
	}
	op := "list delegations of " + user
	rows, err := r.q.Query(ctx, r.s.sql(`SELECT document FROM {schema}.approval_delegations
		WHERE tenant = $1 AND (from_user = $2 OR to_user = $2) ORDER BY start_at, id`), tenant, user)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Documents(rows, op, record.DecodeDelegation)
}

func (r approvalRepo) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	out := []approval.Record{}
	if !record.Text(tenant, quoteID) {
		return out, ctx.Err()
	}
	op := "read the audit trail of quote " + quoteID
	rows, err := r.q.Query(ctx, r.s.sql(`SELECT seq, document FROM {schema}.approval_audit
		WHERE tenant = $1 AND quote_id = $2 ORDER BY seq`), tenant, quoteID)
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
	err = t.pgTx.QueryRow(ctx, t.s.sql(`SELECT 1 FROM {schema}.quotes WHERE tenant = $1 AND id = $2`), row.Tenant, row.QuoteID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create approval %s: quote %s is not stored: %w", row.ID, row.QuoteID, approval.ErrInvalid)
	}
	if err != nil {
		return fmt.Errorf("create approval %s: %w", row.ID, err)
	}
	// DO NOTHING rather than a unique violation: the transaction stays
	// usable after a duplicate.
	n, err := t.exec(ctx, `INSERT INTO {schema}.approvals (tenant, id, quote_id, round, status, version, next_due, document)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		row.Tenant, row.ID, row.QuoteID, row.Round, row.Status, row.Version, record.Nullable(row.NextDue), row.Doc)
	if err != nil {
		return fmt.Errorf("create approval %s: %w", row.ID, err)
	}
	if n == 0 {
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
	n, err := t.exec(ctx, `UPDATE {schema}.approvals SET status = $1, version = $2, next_due = $3, document = $4
		WHERE tenant = $5 AND id = $6 AND version = $7 AND quote_id = $8 AND round = $9`,
		row.Status, row.Version, record.Nullable(row.NextDue), row.Doc, row.Tenant, row.ID, a.Version, row.QuoteID, row.Round)
	if err != nil {
		return fmt.Errorf("update approval %s: %w", row.ID, err)
	}
	if n == 0 {
		var (
			version int64
			quoteID string
			round   int
		)
		err := t.pgTx.QueryRow(ctx, t.s.sql(`SELECT version, quote_id, round FROM {schema}.approvals WHERE tenant = $1 AND id = $2`),
			a.Tenant, a.ID).Scan(&version, &quoteID, &round)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
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
	if _, err := t.exec(ctx, `INSERT INTO {schema}.approval_delegations (tenant, id, from_user, to_user, start_at, document)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant, id) DO UPDATE SET
			from_user = EXCLUDED.from_user, to_user = EXCLUDED.to_user, start_at = EXCLUDED.start_at, document = EXCLUDED.document`,
		row.Tenant, row.ID, row.From, row.To, row.Start, row.Doc); err != nil {
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
		if _, err := t.exec(ctx, `INSERT INTO {schema}.approval_audit (tenant, quote_id, at, document) VALUES ($1, $2, $3, $4)`,
			row.Tenant, row.QuoteID, row.At, row.Doc); err != nil {
			return fmt.Errorf("append to the audit trail: %w", err)
		}
	}
	return nil
}
