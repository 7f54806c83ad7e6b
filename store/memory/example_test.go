package memory_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// A dispatcher's loop: claim due events, deliver each, and settle it as
// delivered or failed, with a backoff it computes itself.
func ExampleStore_Claim() {
	ctx := context.Background()
	s := memory.New()
	now := time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)
	_ = s.InTx(ctx, func(tx quote.Tx) error {
		return tx.Enqueue(ctx,
			quote.Event{ID: "e-1", Tenant: "acme", QuoteID: "q-1", Kind: "quote.approved", At: now},
			quote.Event{ID: "e-2", Tenant: "acme", QuoteID: "q-1", Kind: "quote.presented", At: now})
	})
	deliver := func(d quote.Delivery) error {
		if d.Attempts == 1 {
			return errors.New("crm unavailable")
		}
		return nil
	}
	for round := range 4 {
		ds, _ := s.Claim(ctx, quote.ClaimRequest{Now: now, Lease: time.Minute, MaxAttempts: 5})
		for _, d := range ds {
			if err := deliver(d); err != nil {
				retry := now.Add(time.Duration(d.Attempts) * 30 * time.Second)
				_ = s.Failed(ctx, d, err.Error(), retry)
				fmt.Printf("round %d: %s attempt %d failed, retry at %s\n", round, d.Kind, d.Attempts, retry.Format("15:04:05"))
				continue
			}
			_ = s.Delivered(ctx, d)
			fmt.Printf("round %d: %s delivered on attempt %d\n", round, d.Kind, d.Attempts)
		}
		now = now.Add(30 * time.Second)
	}
	// Output:
	// round 0: quote.approved attempt 1 failed, retry at 09:00:30
	// round 1: quote.approved delivered on attempt 2
	// round 2: quote.presented attempt 1 failed, retry at 09:01:30
	// round 3: quote.presented delivered on attempt 2
}
