package crm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/storetest"
)

const tenant = "acme"

// t0 is the time the tests' quotes change at.
var t0 = time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)

// counterIDs gives e-1, e-2, …: event IDs a test can predict.
type counterIDs struct{ n int }

func (c *counterIDs) NewID() string { c.n++; return fmt.Sprintf("e-%d", c.n) }

// sample is a draft quote of opportunity opp with two priced lines.
func sample(n int, opp string) *quote.Quote {
	q := storetest.SampleQuote(tenant, n, 2)
	q.Header.Opportunity = opp
	q.Header.ValidUntil = t0.AddDate(0, 1, 0)
	return q
}

// drain settles every event of the outbox as delivered, in the order the
// outbox hands them out, and returns them.
func drain(t testing.TB, o quote.Outbox) []quote.Delivery {
	t.Helper()
	ctx := context.Background()
	var all []quote.Delivery
	for {
		ds, err := o.Claim(ctx, quote.ClaimRequest{Now: t0.AddDate(1, 0, 0), Limit: quote.MaxPageSize})
		require.NoError(t, err)
		if len(ds) == 0 {
			return all
		}
		for _, d := range ds {
			require.NoError(t, o.Delivered(ctx, d))
		}
		all = append(all, ds...)
	}
}

func kinds(ds []quote.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Kind)
	}
	return out
}

func payload(t testing.TB, d quote.Delivery) crm.Payload {
	t.Helper()
	p, err := crm.DecodePayload(d.Event)
	require.NoError(t, err)
	return p
}

// approve takes a draft through review to approved, presented.
func present(t testing.TB, s storetest.Store, r *crm.Recorder, q *quote.Quote) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error {
		for _, to := range []quote.Status{quote.StatusInReview, quote.StatusApproved, quote.StatusPresented} {
			if err := r.Transition(ctx, tx, q, to, "bob", t0, ""); err != nil {
				return err
			}
		}
		return nil
	}))
}
