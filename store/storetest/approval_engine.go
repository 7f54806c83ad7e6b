package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
)

// parallelPolicy: any member of finance and every member of legal at
// level 1, then the CEO at level 2, for every quote.
const parallelPolicy = `
id: storetest
version: "1"
effective_from: 2030-01-01
currency: EUR
approval_rules:
  - {id: finance, condition: quote.total > 0, approver: {group: finance}, level: 1}
  - {id: legal, condition: quote.total > 0, approver: {group: legal, unanimous: true}, level: 1}
  - {id: ceo, condition: quote.total > 0, approver: {user: cleo}, level: 2}
`

type groups map[string][]string

func (g groups) Members(_ context.Context, _, _, name string) ([]string, error) {
	return slices.Clone(g[name]), nil
}

func (g groups) Related(context.Context, string, string, *quote.Quote) ([]string, error) {
	return nil, nil
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func newEngine(t testing.TB, s ApprovalStore) *approval.Engine {
	t.Helper()
	c, err := catalog.Parse([]byte(parallelPolicy), "storetest.yaml")
	require.NoError(t, err)
	eng, err := approval.New(approval.Config{Catalog: c, Store: s, Clock: fixedClock(T0),
		Directory: groups{"finance": {"fay"}, "legal": {"lena", "lou"}}})
	require.NoError(t, err)
	return eng
}

// testApprovalWorkflow runs a quote through the engine on the store:
// submitted, approved level by level, presented, with its audit trail.
func testApprovalWorkflow(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	eng := newEngine(t, s)
	create(t, s, SampleQuote(acme, 1, 3))
	actor := func(u string) approval.Actor { return approval.Actor{Tenant: acme, User: u} }
	a, err := eng.Submit(ctx, actor("alice"), approval.Request{Tenant: acme, Quote: "q-1"})
	require.NoError(t, err)
	decide := func(user, step string) {
		t.Helper()
		_, err := eng.Approve(ctx, actor(user), approval.DecisionRequest{Tenant: acme, Quote: "q-1", Step: step, Seal: a.Seal})
		require.NoError(t, err, "%s on %s", user, step)
	}
	decide("fay", "finance")
	decide("lena", "legal")
	decide("lou", "legal")
	_, err = eng.Approve(ctx, actor("lou"), approval.DecisionRequest{Tenant: acme, Quote: "q-1", Step: "ceo", Seal: "sha256:stale"})
	requireIs(t, err, approval.ErrStaleSeal)
	decide("cleo", "ceo")
	q, err := eng.Present(ctx, actor("alice"), approval.Request{Tenant: acme, Quote: "q-1"})
	require.NoError(t, err)
	assert.Equal(t, quote.StatusPresented, q.Status)

	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, quote.StatusPresented, got.Status)
	assert.NoError(t, got.Verify())
	as, err := s.Approvals(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Equal(t, approval.StatusApproved, as[0].Status)
	assert.Equal(t, int64(5), as[0].Version, "created, then four decisions")
	rs, err := s.Trail(ctx, acme, "q-1")
	require.NoError(t, err)
	var trail []string
	for _, r := range rs {
		trail = append(trail, r.Actor+" "+string(r.Action)+" "+r.Step)
	}
	assert.Equal(t, []string{
		"alice submitted ", "alice level_started ",
		"fay approved finance", "lena approved legal", "lou approved legal", "lou level_started ",
		"lou refused ceo", "cleo approved ceo", "cleo completed ", "alice presented ",
	}, trail)
}

// Quotes is how many quotes the parallel decisions test decides at once.
const Quotes = 4

// testApprovalParallelDecisions has the three approvers of level 1 (fay
// for finance, lena and lou for the unanimous legal step) decide at the
// same moment, on several quotes at once: every decision is recorded, each
// step is approved once, and level 2 starts exactly once.
func testApprovalParallelDecisions(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	eng := newEngine(t, s)
	seals := map[string]string{}
	for n := 1; n <= Quotes; n++ {
		create(t, s, SampleQuote(acme, n, 1))
		id := fmt.Sprintf("q-%d", n)
		a, err := eng.Submit(ctx, approval.Actor{Tenant: acme, User: "alice"}, approval.Request{Tenant: acme, Quote: id})
		require.NoError(t, err)
		seals[id] = a.Seal
	}
	type decision struct{ quote, user, step string }
	var ds []decision
	for n := 1; n <= Quotes; n++ {
		id := fmt.Sprintf("q-%d", n)
		ds = append(ds, decision{id, "fay", "finance"}, decision{id, "lena", "legal"}, decision{id, "lou", "legal"})
	}
	errs := make([]error, len(ds))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Go(func() {
			<-start
			_, errs[i] = eng.Approve(ctx, approval.Actor{Tenant: acme, User: d.user},
				approval.DecisionRequest{Tenant: acme, Quote: d.quote, Step: d.step, Seal: seals[d.quote]})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "%s on %s of %s", ds[i].user, ds[i].step, ds[i].quote)
	}
	for n := 1; n <= Quotes; n++ {
		id := fmt.Sprintf("q-%d", n)
		as, err := s.Approvals(ctx, acme, id)
		require.NoError(t, err)
		require.Len(t, as, 1)
		a := as[0]
		assert.Equal(t, approval.StatusPending, a.Status, id)
		assert.Equal(t, int64(4), a.Version, "%s: created, then three decisions", id)
		var got []string
		for _, st := range a.Steps {
			var by []string
			for _, d := range st.Decisions {
				by = append(by, d.Approver)
			}
			slices.Sort(by)
			got = append(got, st.ID+" "+string(st.Status)+" "+strings.Join(by, ","))
		}
		assert.Equal(t, []string{"finance approved fay", "legal approved lena,lou", "ceo pending "}, got, id)

		rs, err := s.Trail(ctx, acme, id)
		require.NoError(t, err)
		counts := map[string]int{}
		for _, r := range rs {
			counts[string(r.Action)+" "+r.Reason]++
		}
		assert.Equal(t, 1, counts["level_started level 2: ceo"], "%s: level 2 starts once", id)
		assert.Equal(t, 3, counts["approved "], "%s: three decisions", id)
		assert.Len(t, rs, 6, "%s: submitted, level 1, three decisions, level 2", id)
		q, err := s.Get(ctx, acme, id)
		require.NoError(t, err)
		assert.Equal(t, quote.StatusInReview, q.Status)
		assert.Equal(t, 1, q.Revision)
	}
}
