package crm

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to the Clock interface.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Random draws jitter: a number in [0, n). *math/rand/v2.Rand satisfies
// it.
type Random interface {
	Int64N(n int64) int64
}

// cryptoRandom draws from crypto/rand. Modulo bias is irrelevant for
// jitter.
type cryptoRandom struct{}

func (cryptoRandom) Int64N(n int64) int64 {
	if n <= 0 {
		return 0
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:])>>1) % n
}

// Backoff is the delay before each retry: Base after the first failed
// attempt, doubling with each attempt up to Max, less a random part of up
// to Jitter of it, so that dispatchers retrying together spread out.
type Backoff struct {
	// Base is the first delay; zero means one second.
	Base time.Duration
	// Max caps the delay; zero means ten minutes.
	Max time.Duration
	// Jitter is the fraction of each delay that is random, from 0 to 1;
	// zero means 0.2, and a negative value means none.
	Jitter float64
	// Random draws the jitter; zero means crypto/rand.
	Random Random
}

// Backoff defaults.
const (
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 10 * time.Minute
	DefaultJitter      = 0.2
)

// Delay returns the delay after the given failed attempt (counted from 1).
func (b Backoff) Delay(attempt int) time.Duration {
	base, limit, jitter := b.Base, b.Max, b.Jitter
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if limit <= 0 {
		limit = DefaultBackoffMax
	}
	switch {
	case jitter == 0:
		jitter = DefaultJitter
	case jitter < 0:
		jitter = 0
	case jitter > 1:
		jitter = 1
	}
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if span := int64(float64(d) * jitter); span > 0 {
		r := b.Random
		if r == nil {
			r = cryptoRandom{}
		}
		d -= time.Duration(r.Int64N(span + 1))
	}
	return d
}

// DispatcherConfig configures a Dispatcher. Outbox and Handler are
// required; every other zero field means its default.
type DispatcherConfig struct {
	// Outbox is the store's outbox the Recorder's events were written to.
	Outbox quote.Outbox
	// Handler delivers the events: Sinks, a webhook, or the host's own.
	Handler Handler
	// Clock tells the time for claims, leases and retries; zero means the
	// system clock.
	Clock Clock
	// Backoff spaces the retries of a failed event.
	Backoff Backoff
	// MaxAttempts is how many attempts an event gets before it becomes a
	// dead letter, with its last error; zero means 10.
	MaxAttempts int
	// Lease is how long a claimed event is this dispatcher's before
	// another may claim it; zero means one minute.
	Lease time.Duration
	// DeliveryTimeout bounds one delivery; zero means half the lease. A
	// delivery never runs past its lease.
	DeliveryTimeout time.Duration
	// Batch is the most events one claim takes; zero means 100.
	Batch int
	// Concurrency is how many deliveries are in flight at once; zero
	// means 4. Order per quote holds whatever it is: the outbox hands out
	// an event only when the earlier ones of its quote are settled.
	Concurrency int
	// Idle is how long Run waits when no event is due; zero means one
	// second.
	Idle time.Duration
	// Logger receives a record of every failed delivery and dead letter;
	// zero means no logging.
	Logger *slog.Logger
}

// Dispatcher defaults.
const (
	DefaultMaxAttempts = 10
	DefaultConcurrency = 4
	DefaultIdle        = time.Second
)

// Dispatcher delivers the outbox's events to a Handler: it claims due
// events with a lease, delivers them, and settles each as delivered, or as
// failed with its next attempt after a backoff, or, after MaxAttempts or a
// permanent error, as a dead letter with its last error, which Replay sends
// again.
//
// Delivery is at least once: an event whose answer was lost, or whose
// dispatcher stopped before settling it, is delivered again, with the same
// ID, which is the idempotency key a receiver applies once. Events of one
// quote are delivered in order: the outbox hands out an event only when
// every earlier event of its quote is settled. Several dispatchers, in one
// process or many, may share one outbox: each claimed event is leased to
// one of them, so none is delivered by two at the same time while its
// lease holds.
//
// A Dispatcher starts no goroutine until Run (or RunOnce) is called, and
// leaves none running when it returns. It is safe for concurrent use.
type Dispatcher struct {
	cfg   DispatcherConfig
	stats struct {
		claimed, delivered, retried, dead, leaseLost, settleErrors atomic.Int64
	}
}

// NewDispatcher returns a dispatcher.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Outbox == nil || cfg.Handler == nil {
		return nil, errors.New("new dispatcher: an outbox and a handler are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Lease <= 0 {
		cfg.Lease = quote.DefaultLease
	}
	if cfg.DeliveryTimeout <= 0 || cfg.DeliveryTimeout > cfg.Lease {
		cfg.DeliveryTimeout = cfg.Lease / 2
	}
	if cfg.Batch <= 0 {
		cfg.Batch = quote.DefaultClaimLimit
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{cfg: cfg}, nil
}

// Stats counts what a dispatcher did.
type Stats struct {
	// Claimed counts claims of events (attempts).
	Claimed int64
	// Delivered counts events delivered and settled.
	Delivered int64
	// Retried counts failed attempts that will be retried.
	Retried int64
	// DeadLettered counts events this dispatcher gave up on.
	DeadLettered int64
	// LeaseLost counts deliveries whose lease had ended when they were
	// settled: another dispatcher may deliver the event again.
	LeaseLost int64
	// SettleErrors counts settlements the outbox refused for another
	// reason; the event is delivered again when its lease ends.
	SettleErrors int64
}

// Stats returns the dispatcher's counters.
func (d *Dispatcher) Stats() Stats {
	return Stats{
		Claimed: d.stats.claimed.Load(), Delivered: d.stats.delivered.Load(), Retried: d.stats.retried.Load(),
		DeadLettered: d.stats.dead.Load(), LeaseLost: d.stats.leaseLost.Load(), SettleErrors: d.stats.settleErrors.Load(),
	}
}

// Run delivers events until ctx ends, and then returns ctx's error once
// the deliveries in flight have been settled. It keeps up to Concurrency
// deliveries in flight, claiming as many events as it has free slots
// whenever a delivery ends (so a slow receiver holds back only its own
// quote's events), and waits Idle when nothing is due or the outbox fails.
// Deliveries cut short by ctx are settled as failed and due again at once,
// so another dispatcher takes them over without waiting for the lease.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	done := make(chan struct{}, d.cfg.Concurrency) // never blocks: one send per delivery in flight
	idle := time.NewTimer(d.cfg.Idle)
	defer idle.Stop()
	inFlight := 0
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		claimed := 0
		if free := d.cfg.Concurrency - inFlight; free > 0 {
			ds, err := d.claim(ctx, min(free, d.cfg.Batch))
			if err != nil && ctx.Err() == nil {
				d.cfg.Logger.WarnContext(ctx, "outbox claim failed", "error", err)
			}
			for _, dl := range ds {
				inFlight++
				wg.Go(func() {
					d.deliver(ctx, dl)
					done <- struct{}{}
				})
			}
			claimed = len(ds)
			if claimed > 0 && inFlight < d.cfg.Concurrency {
				continue // more may be due
			}
		}
		var wait <-chan time.Time
		if claimed == 0 {
			idle.Reset(d.cfg.Idle)
			wait = idle.C
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-done:
			inFlight--
		case <-wait:
		}
	}
}

func (d *Dispatcher) claim(ctx context.Context, limit int) ([]quote.Delivery, error) {
	ds, err := d.cfg.Outbox.Claim(ctx, quote.ClaimRequest{
		Limit: limit, Lease: d.cfg.Lease, Now: d.cfg.Clock.Now(), MaxAttempts: d.cfg.MaxAttempts,
	})
	if err != nil {
		return nil, fmt.Errorf("dispatch: %w", err)
	}
	d.stats.claimed.Add(int64(len(ds)))
	return ds, nil
}

// RunOnce claims one batch of due events (up to Batch), delivers them, up
// to Concurrency at once, and settles them. It returns how many events it
// claimed. It suits a host that dispatches from its own scheduler, and
// tests.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	ds, err := d.claim(ctx, d.cfg.Batch)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, d.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, dl := range ds {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			d.deliver(ctx, dl)
		})
	}
	wg.Wait()
	return len(ds), nil
}

// deliver delivers one claimed event and settles it.
func (d *Dispatcher) deliver(ctx context.Context, dl quote.Delivery) {
	timeout := d.cfg.DeliveryTimeout
	if left := dl.LeaseUntil.Sub(d.cfg.Clock.Now()); left < timeout {
		timeout = left
	}
	var err error
	if timeout <= 0 {
		err = errors.New("lease ended before delivery")
	} else {
		dctx, cancel := context.WithTimeout(ctx, timeout)
		err = d.call(dctx, dl.Event)
		cancel()
	}
	// Settle even when ctx ended: the outcome is known, and settling it
	// spares a redelivery.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.DeliveryTimeout)
	defer cancel()
	log := d.cfg.Logger.With("event", dl.ID, "kind", dl.Kind, "tenant", dl.Tenant, "quote", dl.QuoteID, "attempt", dl.Attempts)
	switch {
	case err == nil:
		d.settle(sctx, log, d.cfg.Outbox.Delivered(sctx, dl), &d.stats.delivered)
	case ctx.Err() != nil:
		// Stopped: due again at once, for whoever runs next.
		d.settle(sctx, log, d.cfg.Outbox.Failed(sctx, dl, "dispatcher stopped: "+err.Error(), d.cfg.Clock.Now()), &d.stats.retried)
	case errors.Is(err, ErrPermanent) || dl.Attempts >= d.cfg.MaxAttempts:
		log.WarnContext(ctx, "event dead-lettered", "error", err)
		d.settle(sctx, log, d.cfg.Outbox.Failed(sctx, dl, reason(err), time.Time{}), &d.stats.dead)
	default:
		retry := d.cfg.Clock.Now().Add(d.cfg.Backoff.Delay(dl.Attempts))
		log.InfoContext(ctx, "delivery failed; will retry", "error", err, "retry_at", retry)
		d.settle(sctx, log, d.cfg.Outbox.Failed(sctx, dl, reason(err), retry), &d.stats.retried)
	}
}

// call runs the handler, turning a panic into a permanent failure so that
// one bad event cannot stop the dispatcher.
func (d *Dispatcher) call(ctx context.Context, e quote.Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Permanent(fmt.Errorf("handler panicked: %v", p))
		}
	}()
	return d.cfg.Handler.Deliver(ctx, e)
}

func (d *Dispatcher) settle(ctx context.Context, log *slog.Logger, err error, counter *atomic.Int64) {
	switch {
	case err == nil:
		counter.Add(1)
	case errors.Is(err, quote.ErrLeaseLost):
		d.stats.leaseLost.Add(1)
		log.WarnContext(ctx, "lease lost before the event was settled", "error", err)
	default:
		d.stats.settleErrors.Add(1)
		log.ErrorContext(ctx, "settling the event failed", "error", err)
	}
}

// maxReason bounds the error kept with a failed event.
const maxReason = 2000

func reason(err error) string {
	s := err.Error()
	if len(s) > maxReason {
		s = s[:maxReason] + "…"
	}
	return s
}

// DeadLetters returns up to limit of the tenant's dead letters, oldest
// first, each with its attempts and last error.
func (d *Dispatcher) DeadLetters(ctx context.Context, tenant string, limit int) ([]quote.Delivery, error) {
	return d.cfg.Outbox.DeadLetters(ctx, tenant, limit)
}

// Replay makes a dead letter due again now, with its attempts counted from
// zero. Its quote's later events, which went ahead, are not held back.
func (d *Dispatcher) Replay(ctx context.Context, tenant, eventID string) error {
	return d.cfg.Outbox.Replay(ctx, tenant, eventID, d.cfg.Clock.Now())
}

// ReplayAll replays every dead letter of the tenant and returns how many.
func (d *Dispatcher) ReplayAll(ctx context.Context, tenant string) (int, error) {
	seen := map[string]bool{}
	for {
		dead, err := d.cfg.Outbox.DeadLetters(ctx, tenant, quote.MaxPageSize)
		if err != nil {
			return len(seen), err
		}
		fresh := 0
		for _, dl := range dead {
			if seen[dl.ID] {
				continue // dead again since: replayed once is enough here
			}
			if err := d.Replay(ctx, tenant, dl.ID); err != nil {
				return len(seen), err
			}
			seen[dl.ID] = true
			fresh++
		}
		if fresh == 0 || len(dead) < quote.MaxPageSize {
			return len(seen), nil
		}
	}
}
