package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

var outboxTests = []subtest[Store]{
	{"InOrderPerQuote", testOutboxOrder},
	{"Leases", testOutboxLeases},
	{"RetriesAndDeadLetters", testOutboxRetries},
	{"MaxAttempts", testOutboxMaxAttempts},
	{"Limit", testOutboxLimit},
	{"ConcurrentDispatchers", testOutboxConcurrentDispatchers},
}

func ids(ds []quote.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func claim(t testing.TB, s Store, c quote.ClaimRequest) []quote.Delivery {
	t.Helper()
	ds, err := s.Claim(context.Background(), c)
	require.NoError(t, err)
	return ds
}

func testOutboxOrder(t *testing.T, s Store) {
	ctx := context.Background()
	// Enqueued in this order, in three transactions.
	enqueue(t, s, event(acme, "q-a", "a1", 1), event(acme, "q-b", "b1", 2))
	enqueue(t, s, event(acme, "q-a", "a2", 3), event(acme, "q-b", "b2", 4))
	enqueue(t, s, event(acme, "q-a", "a3", 5), event(acme, "q-c", "c1", 6))

	now := quote.ClaimRequest{Now: T0}
	first := claim(t, s, now)
	assert.Equal(t, []string{"a1", "b1", "c1"}, ids(first), "the first event of each quote, oldest first")
	assert.Empty(t, ids(claim(t, s, now)), "later events wait for the earlier ones of their quote")

	require.NoError(t, s.Delivered(ctx, first[0])) // a1
	second := claim(t, s, now)
	assert.Equal(t, []string{"a2"}, ids(second))
	require.NoError(t, s.Delivered(ctx, first[1])) // b1
	require.NoError(t, s.Delivered(ctx, first[2])) // c1
	require.NoError(t, s.Delivered(ctx, second[0]))
	third := claim(t, s, now)
	assert.Equal(t, []string{"b2", "a3"}, ids(third))
	for _, d := range third {
		require.NoError(t, s.Delivered(ctx, d))
	}
	assert.Empty(t, ids(claim(t, s, now)), "delivered events are not claimed again")
	assert.Empty(t, ids(claim(t, s, quote.ClaimRequest{Now: T0.Add(24 * time.Hour)})))
}

func testOutboxLeases(t *testing.T, s Store) {
	ctx := context.Background()
	enqueue(t, s, event(acme, "q-1", "e-1", 1), event(acme, "q-1", "e-2", 2))

	first := claim(t, s, quote.ClaimRequest{Now: T0, Lease: time.Minute})
	require.Len(t, first, 1)
	assert.Equal(t, 1, first[0].Attempts)
	assert.True(t, first[0].LeaseUntil.Equal(T0.Add(time.Minute)), "lease until %s", first[0].LeaseUntil)
	assert.Empty(t, claim(t, s, quote.ClaimRequest{Now: T0.Add(59 * time.Second)}), "leased")

	// The lease ends unsettled: the event is claimed again, by a new lease.
	second := claim(t, s, quote.ClaimRequest{Now: T0.Add(61 * time.Second), Lease: time.Minute})
	require.Len(t, second, 1)
	assert.Equal(t, "e-1", second[0].ID)
	assert.Equal(t, 2, second[0].Attempts)
	assert.NotEqual(t, first[0].Lease, second[0].Lease)

	assertIs(t, s.Delivered(ctx, first[0]), quote.ErrLeaseLost, "settling with a lost lease")
	assertIs(t, s.Failed(ctx, first[0], "late", T0), quote.ErrLeaseLost)
	forged := second[0]
	forged.Lease = "forged"
	assertIs(t, s.Delivered(ctx, forged), quote.ErrLeaseLost)
	require.NoError(t, s.Delivered(ctx, second[0]))
	assertIs(t, s.Delivered(ctx, second[0]), quote.ErrLeaseLost, "settled already")
	assertIs(t, s.Failed(ctx, second[0], "too late", zeroTime), quote.ErrLeaseLost)
	dead, err := s.DeadLetters(ctx, acme, 0)
	require.NoError(t, err)
	assert.Empty(t, dead, "a failure with a lost lease changed nothing")

	// A lease held beyond its end still settles when nobody took it over.
	third := claim(t, s, quote.ClaimRequest{Now: T0.Add(2 * time.Minute), Lease: time.Second})
	require.Equal(t, []string{"e-2"}, ids(third))
	require.NoError(t, s.Delivered(ctx, third[0]))
	assert.Empty(t, claim(t, s, quote.ClaimRequest{Now: T0.Add(time.Hour)}))
}

func testOutboxRetries(t *testing.T, s Store) {
	ctx := context.Background()
	enqueue(t, s, event(acme, "q-1", "e-1", 1))
	enqueue(t, s, event(acme, "q-1", "e-2", 2))

	d := claim(t, s, quote.ClaimRequest{Now: T0})
	require.Equal(t, []string{"e-1"}, ids(d))
	require.NoError(t, s.Failed(ctx, d[0], "crm unavailable", T0.Add(5*time.Minute)))
	assert.Empty(t, claim(t, s, quote.ClaimRequest{Now: T0.Add(4 * time.Minute)}),
		"not due before its retry time, and e-2 waits behind it")

	d = claim(t, s, quote.ClaimRequest{Now: T0.Add(5 * time.Minute)})
	require.Equal(t, []string{"e-1"}, ids(d))
	assert.Equal(t, 2, d[0].Attempts)
	assert.Equal(t, "crm unavailable", d[0].LastError)
	require.NoError(t, s.Failed(ctx, d[0], "422: opportunity closed", zeroTime)) // give up

	dead, err := s.DeadLetters(ctx, acme, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, "e-1", dead[0].ID)
	assert.Equal(t, "q-1", dead[0].QuoteID)
	assert.Equal(t, 2, dead[0].Attempts)
	assert.Equal(t, "422: opportunity closed", dead[0].LastError)
	assert.Empty(t, dead[0].Lease)
	assert.JSONEq(t, string(event(acme, "q-1", "e-1", 1).Payload), string(dead[0].Payload))

	// A dead letter does not hold back the quote's later events.
	d = claim(t, s, quote.ClaimRequest{Now: T0.Add(6 * time.Minute)})
	require.Equal(t, []string{"e-2"}, ids(d))
	require.NoError(t, s.Delivered(ctx, d[0]))

	// Replayed, it is due again from the given time, attempts from zero.
	assertIs(t, s.Replay(ctx, acme, "e-2", T0), quote.ErrNotFound, "e-2 is not dead")
	assertIs(t, s.Replay(ctx, acme, "e-9", T0), quote.ErrNotFound, "no such event")
	require.NoError(t, s.Replay(ctx, acme, "e-1", T0.Add(time.Hour)))
	dead, err = s.DeadLetters(ctx, acme, 0)
	require.NoError(t, err)
	assert.Empty(t, dead)
	assert.Empty(t, claim(t, s, quote.ClaimRequest{Now: T0.Add(59 * time.Minute)}))
	d = claim(t, s, quote.ClaimRequest{Now: T0.Add(time.Hour)})
	require.Equal(t, []string{"e-1"}, ids(d))
	assert.Equal(t, 1, d[0].Attempts)
	require.NoError(t, s.Delivered(ctx, d[0]))
}

func testOutboxMaxAttempts(t *testing.T, s Store) {
	ctx := context.Background()
	enqueue(t, s, event(acme, "q-1", "e-1", 1), event(acme, "q-1", "e-2", 2))
	c := quote.ClaimRequest{Lease: time.Minute, MaxAttempts: 2}
	at := func(minutes int) quote.ClaimRequest {
		c.Now = T0.Add(time.Duration(minutes) * time.Minute)
		return c
	}
	// The dispatcher dies twice holding e-1.
	assert.Equal(t, []string{"e-1"}, ids(claim(t, s, at(0))))
	assert.Equal(t, []string{"e-1"}, ids(claim(t, s, at(2))))
	// After the second lease ends, e-1 is dead and e-2 goes on.
	d := claim(t, s, at(4))
	assert.Equal(t, []string{"e-2"}, ids(d))
	dead, err := s.DeadLetters(ctx, acme, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, "e-1", dead[0].ID)
	assert.Equal(t, 2, dead[0].Attempts)
	assert.NotEmpty(t, dead[0].LastError, "the dead letter says why")
}

func testOutboxLimit(t *testing.T, s Store) {
	ctx := context.Background()
	var events []quote.Event
	for i := range 7 {
		events = append(events, event(acme, fmt.Sprintf("q-%d", i), fmt.Sprintf("e-%d", i), i))
	}
	enqueue(t, s, events...)
	assert.Equal(t, []string{"e-0", "e-1", "e-2"}, ids(claim(t, s, quote.ClaimRequest{Now: T0, Limit: 3})))
	assert.Equal(t, []string{"e-3", "e-4", "e-5"}, ids(claim(t, s, quote.ClaimRequest{Now: T0, Limit: 3})))
	last := claim(t, s, quote.ClaimRequest{Now: T0, Limit: 3})
	assert.Equal(t, []string{"e-6"}, ids(last))
	require.NoError(t, s.Failed(ctx, last[0], "no", zeroTime))
	for i := range 4 {
		enqueue(t, s, event(acme, "q-x", fmt.Sprintf("x-%d", i), i))
		d := claim(t, s, quote.ClaimRequest{Now: T0})
		require.NoError(t, s.Failed(ctx, d[0], "no", zeroTime))
	}
	dead, err := s.DeadLetters(ctx, acme, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"e-6", "x-0"}, ids(dead), "the oldest dead letters first")
}

// testOutboxConcurrentDispatchers runs four dispatchers on one outbox
// until every event is delivered: each event is delivered once, and the
// events of each quote in the order they were enqueued.
func testOutboxConcurrentDispatchers(t *testing.T, s Store) {
	const quotes, perQuote, dispatchers = 8, 8, 4
	ctx := context.Background()
	want := map[string][]string{}
	for n := range perQuote {
		for q := range quotes {
			id := fmt.Sprintf("q%d-e%d", q, n)
			qid := fmt.Sprintf("q-%d", q)
			enqueue(t, s, event(acme, qid, id, n))
			want[qid] = append(want[qid], id)
		}
	}
	var (
		mu        sync.Mutex
		got       = map[string][]string{}
		delivered atomic.Int64
		wg        sync.WaitGroup
		errs      = make([]error, dispatchers)
	)
	for w := range dispatchers {
		wg.Go(func() {
			for range 100_000 {
				if delivered.Load() == quotes*perQuote {
					return
				}
				ds, err := s.Claim(ctx, quote.ClaimRequest{Now: T0, Lease: time.Hour, Limit: 3})
				if err != nil {
					errs[w] = err
					return
				}
				for _, d := range ds {
					// Recorded before it is settled: the next event of
					// the quote cannot be claimed before that.
					mu.Lock()
					got[d.QuoteID] = append(got[d.QuoteID], d.ID)
					mu.Unlock()
					if err := s.Delivered(ctx, d); err != nil {
						errs[w] = err
						return
					}
					delivered.Add(1)
				}
			}
			errs[w] = fmt.Errorf("dispatcher %d did not finish", w)
		})
	}
	wg.Wait()
	for w, err := range errs {
		require.NoError(t, err, "dispatcher %d", w)
	}
	assert.Equal(t, want, got)
	assert.Empty(t, claim(t, s, quote.ClaimRequest{Now: T0.Add(2 * time.Hour)}))
}
