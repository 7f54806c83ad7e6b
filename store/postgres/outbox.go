package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

// Enqueue writes events to the outbox: all of them, or none. It first
// locks the rows of the events' quotes, as an update does, so that the
// events of one quote are numbered in the order their transactions
// commit.
func (t *tx) Enqueue(ctx context.Context, events ...quote.Event) error {
	if err := t.Check("enqueue"); err != nil {
		return err
	}
	type qkey struct{ tenant, id string }
	seen := map[qkey]bool{}
	var quotes []qkey
	for _, e := range events {
		if err := record.CheckEvent(e); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		if seen[qkey{e.Tenant, "\x00" + e.ID}] {
			return fmt.Errorf("enqueue event %s: twice in one batch: %w", e.ID, quote.ErrDuplicateEvent)
		}
		seen[qkey{e.Tenant, "\x00" + e.ID}] = true
		if k := (qkey{e.Tenant, e.QuoteID}); !seen[k] {
			seen[k] = true
			quotes = append(quotes, k)
		}
	}
	// In a fixed order, so that two batches cannot wait for each other.
	slices.SortFunc(quotes, func(a, b qkey) int {
		return cmp.Or(cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.id, b.id))
	})
	return pgx.BeginFunc(ctx, t.pgTx, func(sp pgx.Tx) error { // a savepoint
		for _, k := range quotes {
			if _, err := sp.Exec(ctx, t.s.sql(`SELECT 1 FROM {schema}.quotes WHERE tenant = $1 AND id = $2 FOR NO KEY UPDATE`),
				k.tenant, k.id); err != nil {
				return fmt.Errorf("enqueue: lock quote %s: %w", k.id, err)
			}
		}
		for _, e := range events {
			var payload []byte
			if len(e.Payload) > 0 {
				payload = e.Payload
			}
			tag, err := sp.Exec(ctx, t.s.sql(`INSERT INTO {schema}.outbox (tenant, id, quote_id, revision, kind, payload, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`),
				e.Tenant, e.ID, e.QuoteID, e.Revision, e.Kind, payload, e.At)
			if err != nil {
				return fmt.Errorf("enqueue event %s: %w", e.ID, err)
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("enqueue event %s: %w", e.ID, quote.ErrDuplicateEvent)
			}
		}
		return nil
	})
}

const deliveryColumns = `seq, tenant, id, quote_id, revision, kind, payload, at, attempts, last_error, lease, lease_until`

func scanDelivery(r pgx.Row) (int64, quote.Delivery, error) {
	var (
		seq        int64
		d          quote.Delivery
		payload    []byte
		lease      *string
		leaseUntil *time.Time
	)
	err := r.Scan(&seq, &d.Tenant, &d.ID, &d.QuoteID, &d.Revision, &d.Kind, &payload, &d.At, &d.Attempts, &d.LastError, &lease, &leaseUntil)
	if err != nil {
		return 0, d, err
	}
	if len(payload) > 0 {
		d.Payload = payload
	}
	d.At = d.At.UTC()
	if lease != nil {
		d.Lease = *lease
	}
	if leaseUntil != nil {
		d.LeaseUntil = leaseUntil.UTC()
	}
	return seq, d, nil
}

func collect(rows pgx.Rows) ([]quote.Delivery, error) {
	defer rows.Close()
	type numbered struct {
		seq int64
		d   quote.Delivery
	}
	var ns []numbered
	for rows.Next() {
		seq, d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		ns = append(ns, numbered{seq, d})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(ns, func(a, b numbered) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]quote.Delivery, len(ns))
	for i, n := range ns {
		out[i] = n.d
	}
	return out, nil
}

// Claim leases up to c.Limit due events, oldest first, at most one per
// quote. Rows another claim has locked are skipped, not waited for.
func (s *Store) Claim(ctx context.Context, c quote.ClaimRequest) ([]quote.Delivery, error) {
	c = c.WithDefaults()
	var out []quote.Delivery
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if c.MaxAttempts > 0 {
			if _, err := tx.Exec(ctx, s.sql(`UPDATE {schema}.outbox SET state = 'dead', lease = NULL, lease_until = NULL,
				last_error = 'lease ended after ' || attempts || ' attempts'
				WHERE state = 'pending' AND lease IS NOT NULL AND lease_until <= $1 AND attempts >= $2`),
				c.Now, c.MaxAttempts); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, s.sql(`UPDATE {schema}.outbox o SET attempts = o.attempts + 1, lease = $1, lease_until = $2
			FROM (
				SELECT c.seq FROM {schema}.outbox c
				WHERE c.state = 'pending'
					AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= $3)
					AND (c.lease_until IS NULL OR c.lease_until <= $3)
					AND NOT EXISTS (SELECT 1 FROM {schema}.outbox e
						WHERE e.state = 'pending' AND e.tenant = c.tenant AND e.quote_id = c.quote_id AND e.seq < c.seq)
				ORDER BY c.seq
				LIMIT $4
				FOR UPDATE SKIP LOCKED
			) picked
			WHERE o.seq = picked.seq
			RETURNING o.seq, o.tenant, o.id, o.quote_id, o.revision, o.kind, o.payload, o.at, o.attempts, o.last_error, o.lease, o.lease_until`),
			record.NewLease(), c.Now.Add(c.Lease), c.Now, c.Limit)
		if err != nil {
			return err
		}
		out, err = collect(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim events: %w", err)
	}
	return out, nil
}

// settle changes a leased event if d's lease is still its own.
func (s *Store) settle(ctx context.Context, op string, d quote.Delivery, set string, args ...any) error {
	if d.Lease == "" || !record.Text(d.Tenant, d.ID, d.Lease) {
		return fmt.Errorf("%s %s: %w", op, d.ID, quote.ErrLeaseLost)
	}
	n := len(args)
	args = append(args, d.Tenant, d.ID, d.Lease)
	tag, err := s.pool.Exec(ctx, s.sql(fmt.Sprintf(`UPDATE {schema}.outbox SET %s, lease = NULL, lease_until = NULL
		WHERE tenant = $%d AND id = $%d AND state = 'pending' AND lease = $%d`, set, n+1, n+2, n+3)), args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, d.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s %s: %w", op, d.ID, quote.ErrLeaseLost)
	}
	return nil
}

// Delivered settles a claimed event as delivered.
func (s *Store) Delivered(ctx context.Context, d quote.Delivery) error {
	return s.settle(ctx, "settle delivered event", d, `state = 'delivered'`)
}

// Failed records a failed attempt: the event is due again at retryAt, or
// dead when retryAt is zero.
func (s *Store) Failed(ctx context.Context, d quote.Delivery, reason string, retryAt time.Time) error {
	if retryAt.IsZero() {
		return s.settle(ctx, "settle failed event", d, `state = 'dead', last_error = $1`, reason)
	}
	return s.settle(ctx, "settle failed event", d, `next_attempt_at = $1, last_error = $2`, retryAt, reason)
}

// DeadLetters returns up to limit of the tenant's dead letters, oldest
// first.
func (s *Store) DeadLetters(ctx context.Context, tenant string, limit int) ([]quote.Delivery, error) {
	if !record.Text(tenant) {
		return nil, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, s.sql(`SELECT `+deliveryColumns+` FROM {schema}.outbox
		WHERE tenant = $1 AND state = 'dead' ORDER BY seq LIMIT $2`), tenant, quote.Filter{Limit: limit}.PageLimit())
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	out, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return out, nil
}

// Replay makes a dead letter due again at the given time.
func (s *Store) Replay(ctx context.Context, tenant, eventID string, at time.Time) error {
	var next *time.Time
	if !at.IsZero() {
		next = &at
	}
	var n int64
	if record.Text(tenant, eventID) {
		tag, err := s.pool.Exec(ctx, s.sql(`UPDATE {schema}.outbox SET state = 'pending', attempts = 0, next_attempt_at = $1,
			lease = NULL, lease_until = NULL WHERE tenant = $2 AND id = $3 AND state = 'dead'`), next, tenant, eventID)
		if err != nil {
			return fmt.Errorf("replay event %s: %w", eventID, err)
		}
		n = tag.RowsAffected()
	}
	if n == 0 {
		return fmt.Errorf("replay event %s: no such dead letter: %w", eventID, quote.ErrNotFound)
	}
	return nil
}
