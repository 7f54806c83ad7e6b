package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/storetest"
)

// The host's store behaves as the library expects of any store.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(testing.TB) storetest.Store { return NewStore() })
}

func TestStoreApprovalConformance(t *testing.T) {
	storetest.RunApproval(t, func(testing.TB) storetest.ApprovalStore { return NewStore() })
}

// The feed hears of the writes that were kept, in the order they were
// committed, and of none that were rolled back.
func TestFeedHearsOnlyCommittedWrites(t *testing.T) {
	ctx := context.Background()
	s := NewStore()
	q := storetest.SampleQuote(tenant, 1, 1)
	require.NoError(t, s.Create(ctx, q))

	failed := errors.New("the host changed its mind")
	err := s.InTx(ctx, func(tx quote.Tx) error {
		q2 := storetest.SampleQuote(tenant, 2, 1)
		if err := tx.Create(ctx, q2); err != nil {
			return err
		}
		return failed
	})
	require.ErrorIs(t, err, failed)

	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error {
		q.Header.Notes = "checked"
		return tx.Update(ctx, q)
	}))
	err = s.InApprovalTx(ctx, func(tx approval.Tx) error {
		q.Header.Notes = "checked twice"
		if err := tx.Update(ctx, q); err != nil {
			return err
		}
		return failed
	})
	require.ErrorIs(t, err, failed)

	var feed []string
	for _, a := range s.Feed() {
		feed = append(feed, a.String())
	}
	assert.Equal(t, []string{
		"acme Q-000001 revision 1 draft (version 1)",
		"acme Q-000001 revision 1 draft (version 2)",
	}, feed)
	_, err = s.Get(ctx, tenant, "q-2")
	assert.ErrorIs(t, err, quote.ErrNotFound, "the rolled-back quote was not kept")
}

func TestDirectory(t *testing.T) {
	ctx := context.Background()
	q := &quote.Quote{Tenant: tenant, Header: quote.Header{Owner: "alice"}}
	for _, tc := range []struct {
		name string
		got  func() ([]string, error)
		want []string
	}{
		{"manager of owner", func() ([]string, error) { return directory.Related(ctx, tenant, "manager_of_owner", q) }, []string{"mia"}},
		{"role", func() ([]string, error) { return directory.Members(ctx, tenant, "role", "regional_vp") }, []string{"victor"}},
		{"group", func() ([]string, error) { return directory.Members(ctx, tenant, "group", "finance") }, []string{"fred"}},
		{"nobody", func() ([]string, error) { return directory.Members(ctx, tenant, "group", "marketing") }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.got()
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := directory.Members(ctx, "globex", "role", "regional_vp")
	assert.Error(t, err, "another tenant's org chart is not this one's")
	_, err = directory.Related(ctx, tenant, "regional_vp", q)
	assert.Error(t, err, "an unknown relation is an error, not nobody")
}

// Two servers at 8140 each (4200, 1350 for each X7, 980 for 224 GB above
// 32, 260 for the 1200 W supply) less 12 % is 14326.40; with their four
// SSDs at 210 the quote is 15166.40.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	s := NewStore()
	require.NoError(t, run(context.Background(), &out, s))
	assert.Equal(t, `1. configured SRV-R2: chassis=2U cpu=X7 sockets=2 memory_gb=256 cooling=air psu=W1200 ssd_960=true qty.ssd_960=2
2. quote Q-2030-1: list 17120.00, net 15166.40 USD
    2 × SRV-R2: 14326.40
    4 × DRV-SSD-960: 840.00
3. approval needed: manager_discount by mia, because quote.max_line_discount_percent > 10 (quote.max_line_discount_percent = 12)
    the final document is refused: not approved yet
4. approved and presented: Approved by mia on 4 March 2030, seal 6cc419331418
5. accepted by jana@nordwerk.example: order of 15166.40 USD, 2 lines, verifies: true
6. dispatching the outbox:
    CRM hears quote.created (revision 1)
    CRM hears quote.updated (revision 1)
    CRM hears quote.submitted (revision 1)
    CRM hears quote.approved (revision 1)
    CRM hears quote.presented (revision 1)
    CRM hears quote.accepted (revision 1)
    CRM hears quote.ordered (revision 1)
7. the host's activity feed:
    acme Q-2030-1 revision 1 draft (version 1)
    acme Q-2030-1 revision 1 draft (version 2)
    acme Q-2030-1 revision 1 in_review (version 3)
    acme Q-2030-1 revision 1 approved (version 4)
    acme Q-2030-1 revision 1 presented (version 5)
    acme Q-2030-1 revision 1 accepted (version 6)
    acme Q-2030-1 revision 1 ordered (version 7)
`, out.String())

	// The outbox is empty: every event was delivered.
	dead, err := s.DeadLetters(context.Background(), tenant, 0)
	require.NoError(t, err)
	assert.Empty(t, dead)
}
