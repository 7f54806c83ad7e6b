package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

// querier is what reads and writes need: the reader pool or a
// transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// repo reads quotes through a querier.
type repo struct{ q querier }

func (r repo) Get(ctx context.Context, tenant, id string) (*quote.Quote, error) {
	return r.one(ctx, "get quote "+id, `SELECT document FROM quotes WHERE tenant = ? AND id = ?`, tenant, id)
}

func (r repo) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	return r.one(ctx, "get quote "+number, `SELECT document FROM quotes WHERE tenant = ? AND number = ?`, tenant, number)
}

func (r repo) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	return r.one(ctx, fmt.Sprintf("get quote %s revision %d", id, revision),
		`SELECT document FROM quote_revisions WHERE tenant = ? AND id = ? AND revision = ?`, tenant, id, revision)
}

func (r repo) one(ctx context.Context, op, query string, args ...any) (*quote.Quote, error) {
	var doc []byte
	err := r.q.QueryRowContext(ctx, query, args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", op, quote.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	q, err := record.Decode(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return q, nil
}

func (r repo) many(ctx context.Context, op, query string, args ...any) ([]*quote.Quote, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Documents(rows, op, record.Decode)
}

func (r repo) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	op := "list revisions of quote " + id
	qs, err := r.many(ctx, op, `SELECT document FROM quote_revisions WHERE tenant = ? AND id = ? ORDER BY revision`, tenant, id)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: %w", op, quote.ErrNotFound)
	}
	return qs, nil
}

func (r repo) List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error) {
	after, hasAfter, err := record.After(f.Cursor)
	if err != nil {
		return quote.Page{}, fmt.Errorf("list quotes: %w", err)
	}
	var where strings.Builder
	args := []any{tenant}
	where.WriteString(`tenant = ?`)
	if hasAfter {
		where.WriteString(` AND number > ?`)
		args = append(args, after)
	}
	if len(f.Status) > 0 {
		where.WriteString(` AND status IN (?` + strings.Repeat(`, ?`, len(f.Status)-1) + `)`)
		for _, s := range f.Status {
			args = append(args, string(s))
		}
	}
	if f.Owner != "" {
		where.WriteString(` AND owner = ?`)
		args = append(args, f.Owner)
	}
	if f.Opportunity != "" {
		where.WriteString(` AND opportunity = ?`)
		args = append(args, f.Opportunity)
	}
	if !f.ExpiringBefore.IsZero() {
		where.WriteString(` AND valid_until IS NOT NULL AND valid_until < ?`)
		args = append(args, record.BoundKey(f.ExpiringBefore))
	}
	limit := f.PageLimit()
	args = append(args, limit+1)
	qs, err := r.many(ctx, "list quotes", `SELECT document FROM quotes WHERE `+where.String()+` ORDER BY number LIMIT ?`, args...)
	if err != nil {
		return quote.Page{}, err
	}
	var p quote.Page
	if len(qs) > limit {
		qs = qs[:limit]
		p.Next = record.Cursor(qs[limit-1].Number)
	}
	p.Quotes = qs
	return p, nil
}

// tx is a transaction: reads and writes through it.
type tx struct {
	record.GuardedQuoteReads
	sqlTx      *sql.Tx
	finished   bool
	savepoints int
}

func (t *tx) Create(ctx context.Context, q *quote.Quote) error {
	if err := t.Check("create quote"); err != nil {
		return err
	}
	rec, err := record.Encode(record.WithVersion(q, 1))
	if err != nil {
		return fmt.Errorf("create quote: %w", err)
	}
	res, err := t.sqlTx.ExecContext(ctx, `INSERT INTO quotes
		(tenant, id, number, status, owner, opportunity, valid_until, revision, version, currency, total, document)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
		rec.Tenant, rec.ID, rec.Number, rec.Status, rec.Owner, rec.Opportunity, record.Nullable(rec.ValidUntil),
		rec.Revision, rec.Version, rec.Currency, rec.Total, string(rec.Doc))
	if err != nil {
		return fmt.Errorf("create quote %s: %w", rec.Number, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create quote %s: %w", rec.Number, err)
	} else if n == 0 {
		return fmt.Errorf("create quote %s (ID %s): %w", rec.Number, rec.ID, quote.ErrDuplicate)
	}
	if err := t.putRevision(ctx, rec); err != nil {
		return fmt.Errorf("create quote %s: %w", rec.Number, err)
	}
	q.Version = rec.Version
	return nil
}

func (t *tx) Update(ctx context.Context, q *quote.Quote) error {
	if err := t.Check("update quote"); err != nil {
		return err
	}
	if q == nil {
		return fmt.Errorf("update quote: no quote given: %w", quote.ErrInvalid)
	}
	rec, err := record.Encode(record.WithVersion(q, q.Version+1))
	if err != nil {
		return fmt.Errorf("update quote: %w", err)
	}
	res, err := t.sqlTx.ExecContext(ctx, `UPDATE quotes SET
		status = ?, owner = ?, opportunity = ?, valid_until = ?, revision = ?, version = ?, currency = ?, total = ?, document = ?
		WHERE tenant = ? AND id = ? AND version = ? AND number = ? AND revision <= ?`,
		rec.Status, rec.Owner, rec.Opportunity, record.Nullable(rec.ValidUntil), rec.Revision, rec.Version, rec.Currency, rec.Total, string(rec.Doc),
		rec.Tenant, rec.ID, q.Version, rec.Number, rec.Revision)
	if err != nil {
		return fmt.Errorf("update quote %s: %w", rec.Number, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update quote %s: %w", rec.Number, err)
	} else if n == 0 {
		return t.whyNotUpdated(ctx, q)
	}
	if err := t.putRevision(ctx, rec); err != nil {
		return fmt.Errorf("update quote %s: %w", rec.Number, err)
	}
	q.Version = rec.Version
	return nil
}

// whyNotUpdated tells which condition of an update failed.
func (t *tx) whyNotUpdated(ctx context.Context, q *quote.Quote) error {
	var (
		version  int64
		number   string
		revision int
	)
	err := t.sqlTx.QueryRowContext(ctx, `SELECT version, number, revision FROM quotes WHERE tenant = ? AND id = ?`,
		q.Tenant, q.ID).Scan(&version, &number, &revision)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("update quote %s: %w", q.ID, quote.ErrNotFound)
	case err != nil:
		return fmt.Errorf("update quote %s: %w", q.Number, err)
	case version != q.Version:
		return fmt.Errorf("update quote %s: version %d is not the stored %d: %w", q.Number, q.Version, version, quote.ErrConflict)
	case number != q.Number:
		return fmt.Errorf("update quote %s: the number cannot change from %s: %w", q.Number, number, quote.ErrInvalid)
	default:
		return fmt.Errorf("update quote %s: revision %d is older than the stored %d: %w", q.Number, q.Revision, revision, quote.ErrInvalid)
	}
}

func (t *tx) putRevision(ctx context.Context, rec record.Quote) error {
	_, err := t.sqlTx.ExecContext(ctx, `INSERT INTO quote_revisions (tenant, id, revision, version, status, document)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant, id, revision) DO UPDATE SET
			version = excluded.version, status = excluded.status, document = excluded.document`,
		rec.Tenant, rec.ID, rec.Revision, rec.Version, rec.Status, string(rec.Doc))
	if err != nil {
		return fmt.Errorf("store revision %d: %w", rec.Revision, err)
	}
	return nil
}
