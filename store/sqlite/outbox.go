package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

// Enqueue writes events to the outbox: all of them, or none.
func (t *tx) Enqueue(ctx context.Context, events ...quote.Event) error {
	if err := t.Check("enqueue"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, e := range events {
		if err := record.CheckEvent(e); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		if seen[e.Tenant+"\x00"+e.ID] {
			return fmt.Errorf("enqueue event %s: twice in one batch: %w", e.ID, quote.ErrDuplicateEvent)
		}
		seen[e.Tenant+"\x00"+e.ID] = true
	}
	if _, err := t.sqlTx.ExecContext(ctx, `SAVEPOINT enqueue`); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := t.insertEvents(ctx, events); err != nil {
		if _, rerr := t.sqlTx.ExecContext(context.WithoutCancel(ctx), `ROLLBACK TO enqueue`); rerr != nil {
			return fmt.Errorf("%w (and undoing the batch: %v)", err, rerr)
		}
		_, _ = t.sqlTx.ExecContext(context.WithoutCancel(ctx), `RELEASE enqueue`)
		return err
	}
	if _, err := t.sqlTx.ExecContext(ctx, `RELEASE enqueue`); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

func (t *tx) insertEvents(ctx context.Context, events []quote.Event) error {
	for _, e := range events {
		at, _ := record.TimeKey(e.At) // checked by CheckEvent
		var payload any
		if len(e.Payload) > 0 {
			payload = []byte(e.Payload)
		}
		res, err := t.sqlTx.ExecContext(ctx, `INSERT INTO outbox (tenant, id, quote_id, revision, kind, payload, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			e.Tenant, e.ID, e.QuoteID, e.Revision, e.Kind, payload, at)
		if err != nil {
			return fmt.Errorf("enqueue event %s: %w", e.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("enqueue event %s: %w", e.ID, err)
		} else if n == 0 {
			return fmt.Errorf("enqueue event %s: %w", e.ID, quote.ErrDuplicateEvent)
		}
	}
	return nil
}

const deliveryColumns = `seq, tenant, id, quote_id, revision, kind, payload, at, attempts, last_error, lease, lease_until`

type scanner interface{ Scan(dest ...any) error }

func scanDelivery(r scanner) (int64, quote.Delivery, error) {
	var (
		seq               int64
		d                 quote.Delivery
		payload           []byte
		at                string
		lease, leaseUntil sql.NullString
	)
	err := r.Scan(&seq, &d.Tenant, &d.ID, &d.QuoteID, &d.Revision, &d.Kind, &payload, &at, &d.Attempts, &d.LastError, &lease, &leaseUntil)
	if err != nil {
		return 0, d, err
	}
	if len(payload) > 0 {
		d.Payload = payload
	}
	if d.At, err = record.ParseTimeKey(at); err != nil {
		return 0, d, err
	}
	d.Lease = lease.String
	if leaseUntil.Valid {
		if d.LeaseUntil, err = record.ParseTimeKey(leaseUntil.String); err != nil {
			return 0, d, err
		}
	}
	return seq, d, nil
}

// Claim leases up to c.Limit due events, oldest first, at most one per
// quote.
func (s *Store) Claim(ctx context.Context, c quote.ClaimRequest) ([]quote.Delivery, error) {
	c = c.WithDefaults()
	now, err := record.TimeKey(c.Now)
	if err != nil {
		return nil, fmt.Errorf("claim events: %w", err)
	}
	until, err := record.TimeKey(c.Now.Add(c.Lease))
	if err != nil {
		return nil, fmt.Errorf("claim events: %w", err)
	}
	var out []quote.Delivery
	err = s.inTx(ctx, func(t *tx) error {
		sqlTx := t.sqlTx
		if c.MaxAttempts > 0 {
			if _, err := sqlTx.ExecContext(ctx, `UPDATE outbox SET state = 'dead', lease = NULL, lease_until = NULL,
				last_error = 'lease ended after ' || attempts || ' attempts'
				WHERE state = 'pending' AND lease IS NOT NULL AND lease_until <= ? AND attempts >= ?`,
				now, c.MaxAttempts); err != nil {
				return err
			}
		}
		rows, err := sqlTx.QueryContext(ctx, `UPDATE outbox SET attempts = attempts + 1, lease = ?, lease_until = ?
			WHERE seq IN (
				SELECT o.seq FROM outbox o
				WHERE o.state = 'pending'
					AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)
					AND (o.lease_until IS NULL OR o.lease_until <= ?)
					AND NOT EXISTS (SELECT 1 FROM outbox e
						WHERE e.state = 'pending' AND e.tenant = o.tenant AND e.quote_id = o.quote_id AND e.seq < o.seq)
				ORDER BY o.seq LIMIT ?)
			RETURNING `+deliveryColumns,
			record.NewLease(), until, now, now, c.Limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		type claimed struct {
			seq int64
			d   quote.Delivery
		}
		var cs []claimed
		for rows.Next() {
			seq, d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			cs = append(cs, claimed{seq, d})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		slices.SortFunc(cs, func(a, b claimed) int { return int(a.seq - b.seq) })
		for _, c := range cs {
			out = append(out, c.d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim events: %w", err)
	}
	return out, nil
}

// settle changes a leased event if d's lease is still its own.
func (s *Store) settle(ctx context.Context, op string, d quote.Delivery, set string, args ...any) error {
	if d.Lease == "" {
		return fmt.Errorf("%s %s: no lease: %w", op, d.ID, quote.ErrLeaseLost)
	}
	args = append(args, d.Tenant, d.ID, d.Lease)
	res, err := s.writer.ExecContext(ctx, `UPDATE outbox SET `+set+`, lease = NULL, lease_until = NULL
		WHERE tenant = ? AND id = ? AND state = 'pending' AND lease = ?`, args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, d.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s %s: %w", op, d.ID, err)
	} else if n == 0 {
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
		return s.settle(ctx, "settle failed event", d, `state = 'dead', last_error = ?`, reason)
	}
	next, err := record.TimeKey(retryAt)
	if err != nil {
		return fmt.Errorf("settle failed event %s: %w", d.ID, err)
	}
	return s.settle(ctx, "settle failed event", d, `next_attempt_at = ?, last_error = ?`, next, reason)
}

// DeadLetters returns up to limit of the tenant's dead letters, oldest
// first.
func (s *Store) DeadLetters(ctx context.Context, tenant string, limit int) ([]quote.Delivery, error) {
	rows, err := s.readers.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM outbox
		WHERE tenant = ? AND state = 'dead' ORDER BY seq LIMIT ?`, tenant, quote.Filter{Limit: limit}.PageLimit())
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	var out []quote.Delivery
	for rows.Next() {
		_, d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("list dead letters: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return out, nil
}

// Replay makes a dead letter due again at the given time.
func (s *Store) Replay(ctx context.Context, tenant, eventID string, at time.Time) error {
	var next any
	if !at.IsZero() {
		k, err := record.TimeKey(at)
		if err != nil {
			return fmt.Errorf("replay event %s: %w", eventID, err)
		}
		next = k
	}
	res, err := s.writer.ExecContext(ctx, `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,
		lease = NULL, lease_until = NULL WHERE tenant = ? AND id = ? AND state = 'dead'`, next, tenant, eventID)
	if err != nil {
		return fmt.Errorf("replay event %s: %w", eventID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("replay event %s: %w", eventID, err)
	} else if n == 0 {
		return fmt.Errorf("replay event %s: no such dead letter: %w", eventID, quote.ErrNotFound)
	}
	return nil
}
