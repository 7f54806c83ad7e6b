package webhook_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/webhook"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/sqlite"
	"github.com/cpqkit/cpq/store/storetest"
)

// The ways the receiver misbehaves, each for a random stretch of requests.
const (
	modeOK      = "ok"
	modeSlow    = "slow"    // answers, late but within the sender's timeout
	modeTimeout = "timeout" // does not answer before the sender gives up
	modeError   = "error"   // answers 500
	modeDrop    = "drop"    // closes the connection without answering
)

// faultyReceiver verifies and applies events, each ID once, in front of a
// fault injector. Half of the faults strike after the event was applied,
// as when a receiver commits and then fails to answer.
type faultyReceiver struct {
	verifier webhook.Verifier

	mu       sync.Mutex
	rng      *rand.Rand
	mode     string
	left     int
	requests int
	faults   map[string]int
	applied  map[string]bool
	order    map[string][]string // quote ID → event IDs in the order applied
	repeats  int                 // deliveries of an event already applied
	notify   map[int]chan struct{}
}

func newFaultyReceiver(seed uint64) *faultyReceiver {
	return &faultyReceiver{
		verifier: webhook.Verifier{Secrets: [][]byte{secret}},
		rng:      rand.New(rand.NewPCG(seed, seed)),
		faults:   map[string]int{}, applied: map[string]bool{}, order: map[string][]string{},
		notify: map[int]chan struct{}{},
	}
}

// whenApplied returns a channel closed once n events have been applied.
func (r *faultyReceiver) whenApplied(n int) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch := make(chan struct{})
	if len(r.applied) >= n {
		close(ch)
	} else {
		r.notify[n] = ch
	}
	return ch
}

// next returns the mode of the next request, a random roll, and a delay.
func (r *faultyReceiver) next() (string, bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.left == 0 {
		switch n := r.rng.IntN(100); {
		case n < 40:
			r.mode = modeOK
		case n < 55:
			r.mode = modeSlow
		case n < 70:
			r.mode = modeTimeout
		case n < 85:
			r.mode = modeError
		default:
			r.mode = modeDrop
		}
		r.left = 1 + r.rng.IntN(30)
	}
	r.left--
	r.faults[r.mode]++
	return r.mode, r.rng.IntN(2) == 0, time.Duration(1+r.rng.IntN(8)) * time.Millisecond
}

func (r *faultyReceiver) apply(e quote.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.applied[e.ID] {
		r.repeats++
		return
	}
	r.applied[e.ID] = true
	r.order[e.QuoteID] = append(r.order[e.QuoteID], e.ID)
	if ch, ok := r.notify[len(r.applied)]; ok {
		close(ch)
		delete(r.notify, len(r.applied))
	}
}

func (r *faultyReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	mode, applyFirst, delay := r.next()
	e, err := r.verifier.Event(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if mode == modeOK || mode == modeSlow || applyFirst {
		r.apply(e)
	}
	switch mode {
	case modeSlow:
		time.Sleep(delay)
	case modeTimeout:
		select { // until the sender gives up
		case <-req.Context().Done():
		case <-time.After(2 * time.Second):
		}
		return
	case modeError:
		http.Error(w, "receiver failed", http.StatusInternalServerError)
		return
	case modeDrop:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// sequentialIDs gives event IDs in order and remembers the last.
type sequentialIDs struct {
	n    int
	last string
}

func (s *sequentialIDs) NewID() string {
	s.n++
	s.last = fmt.Sprintf("ev-%04d", s.n)
	return s.last
}

// 1,000 events (120 on SQLite under the race detector) flow to a webhook
// receiver that times out, answers 500,
// drops connections and answers slowly for random stretches, while two
// dispatchers deliver them and one is stopped and replaced midway. Every
// event is applied once, in order per quote; none is left behind.
func TestWebhookDeliveryUnderFaults(t *testing.T) {
	sqliteQuotes := 50
	if raceEnabled {
		sqliteQuotes = 6
	}
	stores := []struct {
		name   string
		quotes int
		open   func(t *testing.T) storetest.Store
	}{
		{"memory", 50, func(*testing.T) storetest.Store { return memory.New() }},
		{"sqlite", sqliteQuotes, func(t *testing.T) storetest.Store {
			s, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "cpq.db"), RelaxedSync: true})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			faultInjection(t, st.open(t), st.quotes)
		})
	}
}

// faultInjection runs the fault test with quotes × 20 events.
func faultInjection(t *testing.T, s storetest.Store, quotes int) {
	const perQuote = 20
	ctx := context.Background()
	ids := &sequentialIDs{}
	rec := crm.NewRecorder(crm.RecorderConfig{IDs: ids})
	at := time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)

	// The events: each quote created, then updated 19 times, the quotes'
	// changes interleaved at random.
	want := map[string][]string{}
	qs := make([]*quote.Quote, quotes)
	var schedule []int
	for i := range quotes {
		qs[i] = storetest.SampleQuote("acme", i+1, 1)
		for range perQuote {
			schedule = append(schedule, i)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(schedule), func(a, b int) { schedule[a], schedule[b] = schedule[b], schedule[a] })
	created := make([]bool, quotes)
	for n, i := range schedule {
		q := qs[i]
		require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error {
			if !created[i] {
				created[i] = true
				return rec.Create(ctx, tx, q, "alice", at)
			}
			q.Header.Notes = fmt.Sprintf("change %d", n)
			return rec.Update(ctx, tx, q, "alice", at)
		}))
		want[q.ID] = append(want[q.ID], ids.last)
	}
	require.Equal(t, quotes*perQuote, ids.n)

	recv := newFaultyReceiver(42)
	srv := httptest.NewServer(recv)
	defer srv.Close()
	sender, err := webhook.NewSender(webhook.Config{URL: srv.URL, Secret: secret, Timeout: 60 * time.Millisecond})
	require.NoError(t, err)

	newDispatcher := func() *crm.Dispatcher {
		d, err := crm.NewDispatcher(crm.DispatcherConfig{
			Outbox: s, Handler: sender, MaxAttempts: 100_000, Lease: 10 * time.Second, DeliveryTimeout: time.Second,
			Backoff: crm.Backoff{Base: time.Millisecond, Max: 20 * time.Millisecond},
			Batch:   32, Concurrency: 8, Idle: 2 * time.Millisecond,
		})
		require.NoError(t, err)
		return d
	}
	type running struct {
		d      *crm.Dispatcher
		cancel context.CancelFunc
		done   chan error
	}
	start := func() running {
		rctx, cancel := context.WithCancel(ctx)
		r := running{d: newDispatcher(), cancel: cancel, done: make(chan error, 1)}
		go func() { r.done <- r.d.Run(rctx) }()
		return r
	}
	stop := func(r running) {
		r.cancel()
		require.ErrorIs(t, <-r.done, context.Canceled)
	}

	deadline := time.After(90 * time.Second) // a hang fails the test rather than blocking it
	a, b := start(), start()
	select {
	case <-recv.whenApplied(quotes * perQuote * 2 / 5):
	case <-deadline:
		t.Fatal("two fifths of the events were not applied within 90 s")
	}
	stop(a) // a dispatcher restarts midway
	c := start()
	select {
	case <-recv.whenApplied(quotes * perQuote):
	case <-deadline:
		t.Error("not every event was applied within 90 s")
	}
	// Applied is not yet settled: wait until the outbox has heard of
	// every delivery.
	settled := func() int64 {
		return a.d.Stats().Delivered + b.d.Stats().Delivered + c.d.Stats().Delivered
	}
	for settled() < int64(quotes*perQuote) && !t.Failed() {
		select {
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Error("not every delivery was settled within 90 s")
		}
	}
	stop(b)
	stop(c)

	recv.mu.Lock()
	defer recv.mu.Unlock()
	assert.Len(t, recv.applied, quotes*perQuote, "every event applied")
	assert.Equal(t, want, recv.order, "once each, in order per quote")
	for _, mode := range []string{modeSlow, modeTimeout, modeError, modeDrop} {
		assert.Positive(t, recv.faults[mode], "the receiver misbehaved with %s", mode)
	}
	dead, err := s.DeadLetters(ctx, "acme", 0)
	require.NoError(t, err)
	assert.Empty(t, dead, "no dead letters")
	left, err := s.Claim(ctx, quote.ClaimRequest{Now: time.Now().Add(24 * time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, left, "nothing left undelivered in the outbox")

	var stats crm.Stats
	for _, r := range []running{a, b, c} {
		st := r.d.Stats()
		stats.Claimed += st.Claimed
		stats.Delivered += st.Delivered
		stats.Retried += st.Retried
		stats.LeaseLost += st.LeaseLost
	}
	assert.Equal(t, int64(quotes*perQuote), stats.Delivered, "each event settled as delivered once")
	t.Logf("%d events; %d requests (%v); %d attempts, %d retried; %d repeated deliveries applied once by key; dispatcher a delivered %d before it stopped",
		quotes*perQuote, recv.requests, recv.faults, stats.Claimed, stats.Retried, recv.repeats, a.d.Stats().Delivered)
}
