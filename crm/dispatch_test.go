package crm_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// fixedRandom always draws the same fraction of n, at most n-1.
type fixedRandom struct{ num, den int64 }

func (f fixedRandom) Int64N(n int64) int64 { return min(n*f.num/f.den, n-1) }

func TestBackoffDelay(t *testing.T) {
	tests := []struct {
		name    string
		b       crm.Backoff
		attempt int
		want    time.Duration
	}{
		{"defaults, first retry, no jitter drawn", crm.Backoff{Random: fixedRandom{0, 1}}, 1, time.Second},
		{"doubles", crm.Backoff{Base: time.Second, Jitter: -1}, 4, 8 * time.Second},
		{"capped", crm.Backoff{Base: time.Second, Max: 30 * time.Second, Jitter: -1}, 10, 30 * time.Second},
		{"capped far out without overflow", crm.Backoff{Base: time.Second, Max: time.Hour, Jitter: -1}, 500, time.Hour},
		{"default cap", crm.Backoff{Jitter: -1}, 30, 10 * time.Minute},
		{"jitter takes off up to its fraction", crm.Backoff{Base: 10 * time.Second, Jitter: 0.5, Random: fixedRandom{1, 2}}, 1, 10*time.Second - 2500*time.Millisecond},
		{"default jitter is a fifth", crm.Backoff{Base: 10 * time.Second, Random: fixedRandom{1, 1}}, 1, 8 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.b.Delay(tc.attempt))
		})
	}
}

func TestBackoffJitterStaysInItsBand(t *testing.T) {
	b := crm.Backoff{Base: time.Second, Max: time.Minute}
	for attempt := 1; attempt <= 8; attempt++ {
		full := min(time.Second<<(attempt-1), time.Minute)
		for range 50 {
			d := b.Delay(attempt)
			assert.LessOrEqual(t, d, full)
			assert.GreaterOrEqual(t, d, full-full/5)
		}
	}
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func enqueue(t testing.TB, s quote.Transactor, events ...quote.Event) {
	t.Helper()
	require.NoError(t, s.InTx(context.Background(), func(tx quote.Tx) error { return tx.Enqueue(context.Background(), events...) }))
}

func event(id, quoteID string) quote.Event {
	return quote.Event{ID: id, Tenant: tenant, QuoteID: quoteID, Kind: crm.KindUpdated, At: t0}
}

// recorder is a handler that fails as told and records what it took.
type recorder struct {
	mu    sync.Mutex
	fail  func(e quote.Event, attempt int) error
	tries map[string]int
	took  []string
}

func (r *recorder) Deliver(_ context.Context, e quote.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tries == nil {
		r.tries = map[string]int{}
	}
	r.tries[e.ID]++
	if r.fail != nil {
		if err := r.fail(e, r.tries[e.ID]); err != nil {
			return err
		}
	}
	r.took = append(r.took, e.ID)
	return nil
}

func TestDispatcherRetriesWithBackoffThenDeadLettersAndReplays(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	clock := &manualClock{now: t0}
	enqueue(t, s, event("a1", "q-a"), event("a2", "q-a"))
	h := &recorder{fail: func(e quote.Event, attempt int) error {
		if e.ID == "a1" {
			return fmt.Errorf("crm unavailable (try %d)", attempt)
		}
		return nil
	}}
	d, err := crm.NewDispatcher(crm.DispatcherConfig{
		Outbox: s, Handler: h, Clock: clock, MaxAttempts: 3,
		Backoff: crm.Backoff{Base: time.Second, Jitter: -1},
	})
	require.NoError(t, err)
	step := func() int {
		n, err := d.RunOnce(ctx)
		require.NoError(t, err)
		return n
	}

	assert.Equal(t, 1, step(), "a1 is tried")
	assert.Equal(t, 0, step(), "and not again before its backoff ends")
	clock.Advance(999 * time.Millisecond)
	assert.Equal(t, 0, step())
	clock.Advance(time.Millisecond)
	assert.Equal(t, 1, step(), "second try after 1 s")
	clock.Advance(time.Second)
	assert.Equal(t, 0, step(), "the second backoff is 2 s")
	clock.Advance(time.Second)
	assert.Equal(t, 1, step(), "third and last try")
	assert.Equal(t, []string{}, append([]string{}, h.took...), "a2 waited behind a1 all along")

	dead, err := d.DeadLetters(ctx, tenant, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, "a1", dead[0].ID)
	assert.Equal(t, 3, dead[0].Attempts)
	assert.Equal(t, "crm unavailable (try 3)", dead[0].LastError, "the last error is kept")

	assert.Equal(t, 1, step(), "a dead letter no longer holds back a2")
	assert.Equal(t, []string{"a2"}, h.took)

	h.fail = nil // the CRM is back
	require.NoError(t, d.Replay(ctx, tenant, "a1"))
	assert.Equal(t, 1, step())
	assert.Equal(t, []string{"a2", "a1"}, h.took)
	dead, err = d.DeadLetters(ctx, tenant, 0)
	require.NoError(t, err)
	assert.Empty(t, dead)
	assert.Equal(t, crm.Stats{Claimed: 5, Delivered: 2, Retried: 2, DeadLettered: 1}, d.Stats())
}

func TestDispatcherDeadLettersPermanentFailuresAtOnce(t *testing.T) {
	tests := []struct {
		name string
		fail func(quote.Event, int) error
		want string
	}{
		{"permanent error", func(quote.Event, int) error { return crm.Permanent(errors.New("422: opportunity closed")) }, "422: opportunity closed"},
		{"handler panics", func(quote.Event, int) error { panic("nil map") }, "handler panicked: nil map"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := memory.New()
			enqueue(t, s, event("a1", "q-a"))
			d, err := crm.NewDispatcher(crm.DispatcherConfig{Outbox: s, Handler: &recorder{fail: tc.fail}, Clock: &manualClock{now: t0}})
			require.NoError(t, err)
			_, err = d.RunOnce(ctx)
			require.NoError(t, err)
			dead, err := d.DeadLetters(ctx, tenant, 0)
			require.NoError(t, err)
			require.Len(t, dead, 1)
			assert.Equal(t, 1, dead[0].Attempts)
			assert.Contains(t, dead[0].LastError, tc.want)
		})
	}
}

func TestDispatcherHandsOverWhatItWasDeliveringWhenStopped(t *testing.T) {
	s := memory.New()
	enqueue(t, s, event("a1", "q-a"))
	entered := make(chan struct{})
	stuck := crm.HandlerFunc(func(ctx context.Context, e quote.Event) error {
		close(entered)
		<-ctx.Done()
		return ctx.Err()
	})
	first, err := crm.NewDispatcher(crm.DispatcherConfig{Outbox: s, Handler: stuck, Lease: time.Hour})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- first.Run(ctx) }()
	<-entered
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	h := &recorder{}
	second, err := crm.NewDispatcher(crm.DispatcherConfig{Outbox: s, Handler: h, Lease: time.Hour})
	require.NoError(t, err)
	n, err := second.RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the event is due again at once, not after the hour's lease")
	assert.Equal(t, []string{"a1"}, h.took)
}

func TestNewDispatcherNeedsAnOutboxAndAHandler(t *testing.T) {
	_, err := crm.NewDispatcher(crm.DispatcherConfig{Handler: &recorder{}})
	assert.Error(t, err)
	_, err = crm.NewDispatcher(crm.DispatcherConfig{Outbox: memory.New()})
	assert.Error(t, err)
}
