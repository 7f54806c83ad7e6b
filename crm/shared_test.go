package crm_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/postgres"
	"github.com/cpqkit/cpq/store/sqlite"
	"github.com/cpqkit/cpq/store/storetest"
)

// envPostgres names the environment variable with the address of a
// PostgreSQL server to test against.
const envPostgres = "CPQ_TEST_POSTGRES"

func openSQLite(t *testing.T) storetest.Store {
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "cpq.db"), RelaxedSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openPostgres(t *testing.T) storetest.Store {
	url := os.Getenv(envPostgres)
	if url == "" {
		t.Skipf("skipped: no PostgreSQL server; set %s to its address to run this test", envPostgres)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	schema := fmt.Sprintf("crm_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	s, err := postgres.Open(ctx, postgres.Config{Pool: pool, Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Close()
		_, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		require.NoError(t, err)
	})
	return s
}

// sharedHandler checks what several dispatchers deliver between them.
type sharedHandler struct {
	mu        sync.Mutex
	inFlight  map[string]bool
	overlaps  int // an event delivered while it was being delivered
	times     map[string]int
	perQuote  map[string][]string
	delivered atomic.Int64
	all       chan struct{}
	want      int64
}

func (h *sharedHandler) Deliver(ctx context.Context, e quote.Event) error {
	h.mu.Lock()
	if h.inFlight[e.ID] {
		h.overlaps++
	}
	h.inFlight[e.ID] = true
	h.mu.Unlock()

	time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond) // widen the window a second claim could use

	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.inFlight, e.ID)
	h.times[e.ID]++
	h.perQuote[e.QuoteID] = append(h.perQuote[e.QuoteID], e.ID)
	if h.delivered.Add(1) == h.want {
		close(h.all)
	}
	return nil
}

// Several dispatchers on one store share its events: each is delivered
// once, by one of them, in order per quote.
func TestDispatchersShareOneOutbox(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) storetest.Store
	}{
		{"memory", func(*testing.T) storetest.Store { return memory.New() }},
		{"sqlite", openSQLite},
		{"postgres", openPostgres},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			const quotes, perQuote = 30, 10
			want := map[string][]string{}
			// Enqueued in transactions that mix quotes, as a busy host would.
			for round := range perQuote {
				var batch []quote.Event
				for q := range quotes {
					id := fmt.Sprintf("e-%02d-%02d", q, round)
					qid := fmt.Sprintf("q-%02d", q)
					want[qid] = append(want[qid], id)
					batch = append(batch, event(id, qid))
				}
				enqueue(t, s, batch...)
			}
			h := &sharedHandler{inFlight: map[string]bool{}, times: map[string]int{}, perQuote: map[string][]string{},
				all: make(chan struct{}), want: quotes * perQuote}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			var ds []*crm.Dispatcher
			for range 3 {
				d, err := crm.NewDispatcher(crm.DispatcherConfig{
					Outbox: s, Handler: h, Batch: 8, Concurrency: 4, Idle: time.Millisecond, Lease: time.Minute,
				})
				require.NoError(t, err)
				ds = append(ds, d)
				wg.Go(func() { _ = d.Run(ctx) })
			}
			select {
			case <-h.all:
			case <-time.After(60 * time.Second):
				t.Error("not every event was delivered within a minute")
			}
			cancel()
			wg.Wait()

			h.mu.Lock()
			defer h.mu.Unlock()
			assert.Zero(t, h.overlaps, "no event is delivered by two dispatchers at once")
			assert.Len(t, h.times, quotes*perQuote)
			for id, n := range h.times {
				assert.Equal(t, 1, n, "event %s delivered once", id)
			}
			assert.Equal(t, want, h.perQuote, "in order per quote")
			var total int64
			var shares []int64
			for _, d := range ds {
				total += d.Stats().Delivered
				shares = append(shares, d.Stats().Delivered)
			}
			assert.Equal(t, int64(quotes*perQuote), total)
			t.Logf("%s: %d events, delivered per dispatcher %v", st.name, total, shares)
		})
	}
}
