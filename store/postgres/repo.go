package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

// repo reads quotes through a querier.
type repo struct {
	s *Store
	q querier
}

func (r repo) Get(ctx context.Context, tenant, id string) (*quote.Quote, error) {
	return r.one(ctx, "get quote "+id, `SELECT document FROM {schema}.quotes WHERE tenant = $1 AND id = $2`, tenant, id)
}

func (r repo) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	return r.one(ctx, "get quote "+number, `SELECT document FROM {schema}.quotes WHERE tenant = $1 AND number = $2`, tenant, number)
}

func (r repo) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	return r.one(ctx, fmt.Sprintf("get quote %s revision %d", id, revision),
		`SELECT document FROM {schema}.quote_revisions WHERE tenant = $1 AND id = $2 AND revision = $3`, tenant, id, revision)
}

// keys reports whether the keys can match a stored quote: text PostgreSQL
// cannot hold never does, and is not sent.
func keys(tenant, id string) bool { return record.Text(tenant, id) }

func (r repo) one(ctx context.Context, op, query string, tenant, id string, args ...any) (*quote.Quote, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !keys(tenant, id) {
		return nil, fmt.Errorf("%s: %w", op, quote.ErrNotFound)
	}
	var doc []byte
	err := r.q.QueryRow(ctx, r.s.sql(query), append([]any{tenant, id}, args...)...).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, err := r.q.Query(ctx, r.s.sql(query), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	return record.Documents(rows, op, record.Decode)
}

func (r repo) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	op := "list revisions of quote " + id
	if !keys(tenant, id) {
		return nil, fmt.Errorf("%s: %w", op, quote.ErrNotFound)
	}
	qs, err := r.many(ctx, op, `SELECT document FROM {schema}.quote_revisions WHERE tenant = $1 AND id = $2 ORDER BY revision`, tenant, id)
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
	var statuses []string
	for _, s := range f.Status {
		statuses = append(statuses, string(s))
	}
	if !record.Text(after) {
		return quote.Page{}, fmt.Errorf("list quotes: cursor %q is not one this store gave out: %w", f.Cursor, quote.ErrInvalid)
	}
	if !record.Text(tenant, f.Owner, f.Opportunity) || !record.Text(statuses...) {
		// No stored quote holds text PostgreSQL cannot hold.
		if err := ctx.Err(); err != nil {
			return quote.Page{}, fmt.Errorf("list quotes: %w", err)
		}
		return quote.Page{}, nil
	}
	var where strings.Builder
	args := []any{tenant}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where.WriteString(`tenant = $1`)
	if hasAfter {
		where.WriteString(` AND number > ` + arg(after))
	}
	if len(statuses) > 0 {
		where.WriteString(` AND status = ANY(` + arg(statuses) + `)`)
	}
	if f.Owner != "" {
		where.WriteString(` AND owner = ` + arg(f.Owner))
	}
	if f.Opportunity != "" {
		where.WriteString(` AND opportunity = ` + arg(f.Opportunity))
	}
	if !f.ExpiringBefore.IsZero() {
		where.WriteString(` AND valid_until IS NOT NULL AND valid_until < ` + arg(record.BoundKey(f.ExpiringBefore)))
	}
	limit := f.PageLimit()
	qs, err := r.many(ctx, "list quotes",
		`SELECT document FROM {schema}.quotes WHERE `+where.String()+` ORDER BY number LIMIT `+arg(limit+1), args...)
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
	s        *Store
	pgTx     pgx.Tx
	finished bool
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := t.pgTx.Exec(ctx, t.s.sql(query), args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (t *tx) Create(ctx context.Context, q *quote.Quote) error {
	if err := t.Check("create quote"); err != nil {
		return err
	}
	rec, err := record.Encode(record.WithVersion(q, 1))
	if err != nil {
		return fmt.Errorf("create quote: %w", err)
	}
	// DO NOTHING rather than a unique violation: the transaction stays
	// usable after a duplicate.
	n, err := t.exec(ctx, `INSERT INTO {schema}.quotes
		(tenant, id, number, status, owner, opportunity, valid_until, revision, version, currency, total, document)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::numeric, $12)
		ON CONFLICT DO NOTHING`,
		rec.Tenant, rec.ID, rec.Number, rec.Status, rec.Owner, rec.Opportunity, record.Nullable(rec.ValidUntil),
		rec.Revision, rec.Version, rec.Currency, rec.Total, rec.Doc)
	if err != nil {
		return fmt.Errorf("create quote %s: %w", rec.Number, err)
	}
	if n == 0 {
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
	n, err := t.exec(ctx, `UPDATE {schema}.quotes SET
		status = $1, owner = $2, opportunity = $3, valid_until = $4, revision = $5, version = $6,
		currency = $7, total = $8::text::numeric, document = $9
		WHERE tenant = $10 AND id = $11 AND version = $12 AND number = $13 AND revision <= $5`,
		rec.Status, rec.Owner, rec.Opportunity, record.Nullable(rec.ValidUntil), rec.Revision, rec.Version,
		rec.Currency, rec.Total, rec.Doc,
		rec.Tenant, rec.ID, q.Version, rec.Number)
	if err != nil {
		return fmt.Errorf("update quote %s: %w", rec.Number, err)
	}
	if n == 0 {
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
	err := t.pgTx.QueryRow(ctx, t.s.sql(`SELECT version, number, revision FROM {schema}.quotes WHERE tenant = $1 AND id = $2`),
		q.Tenant, q.ID).Scan(&version, &number, &revision)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
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
	_, err := t.exec(ctx, `INSERT INTO {schema}.quote_revisions (tenant, id, revision, version, status, document)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant, id, revision) DO UPDATE SET
			version = EXCLUDED.version, status = EXCLUDED.status, document = EXCLUDED.document`,
		rec.Tenant, rec.ID, rec.Revision, rec.Version, rec.Status, rec.Doc)
	if err != nil {
		return fmt.Errorf("store revision %d: %w", rec.Revision, err)
	}
	return nil
}
