package crm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// BenchmarkDispatcherRunOnce measures the dispatcher's own cost per event:
// claim, delivery to a handler that takes everything, and settlement, on
// the in-memory store.
func BenchmarkDispatcherRunOnce(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	ok := crm.HandlerFunc(func(context.Context, quote.Event) error { return nil })
	d, err := crm.NewDispatcher(crm.DispatcherConfig{Outbox: s, Handler: ok, Batch: 100, Concurrency: 4})
	require.NoError(b, err)
	const perRound = 100
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		events := make([]quote.Event, perRound)
		for j := range events {
			events[j] = event(fmt.Sprintf("e-%d-%d", i, j), fmt.Sprintf("q-%d", j))
		}
		enqueue(b, s, events...)
		b.StartTimer()
		n, err := d.RunOnce(ctx)
		if err != nil || n != perRound {
			b.Fatalf("delivered %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perRound), "ns/event")
}

// BenchmarkRecorderTransition measures recording a status change with its
// event in one transaction.
func BenchmarkRecorderTransition(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		q := sample(i, "opp-1")
		q.ID, q.Number = fmt.Sprintf("q-b-%d", i), fmt.Sprintf("Q-B-%d", i)
		require.NoError(b, s.InTx(ctx, func(tx quote.Tx) error { return r.Create(ctx, tx, q, "alice", t0) }))
		b.StartTimer()
		if err := s.InTx(ctx, func(tx quote.Tx) error { return r.Transition(ctx, tx, q, quote.StatusInReview, "alice", t0, "") }); err != nil {
			b.Fatal(err)
		}
	}
}
