package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
)

// ApprovalStore is what RunApproval checks: a quote store that also keeps
// approvals, delegations and the audit trail.
type ApprovalStore interface {
	Store
	approval.Store
}

// RunApproval runs the conformance suite of approval.Store: creating,
// reading and updating approvals with optimistic concurrency (one winner
// among concurrent updates of a version), transactions that keep quote,
// approval, delegation, audit and outbox writes together or not at all,
// the audit trail in append order, delegations, the escalation listing
// across tenants, tenant isolation, and the approval engine on the store:
// a whole workflow, and approvers of one level deciding at the same
// moment. newStore returns a fresh, empty store for each subtest.
func RunApproval(t *testing.T, newStore func(t testing.TB) ApprovalStore) {
	t.Helper()
	runSubtests(t, approvalTests, newStore)
}

var approvalTests = []subtest[ApprovalStore]{
	{"CreateAndRead", testApprovalCreateAndRead},
	{"CreateRefuses", testApprovalCreateRefuses},
	{"UpdateIsOptimistic", testApprovalUpdate},
	{"OneWinnerPerVersion", testApprovalOneWinner},
	{"TransactionKeepsAllOrNothing", testApprovalTx},
	{"TransactionReadsItsOwnWrites", testApprovalTxReads},
	{"Trail", testApprovalTrail},
	{"Delegations", testApprovalDelegations},
	{"Due", testApprovalDue},
	{"Pending", testApprovalPending},
	{"Tenants", testApprovalTenants},
	{"Workflow", testApprovalWorkflow},
	{"ParallelDecisions", testApprovalParallelDecisions},
}

// SampleApproval returns the approval of round n of a quote: pending,
// with an approved step and a pending one due for escalation an hour
// after T0, holding what a store could get wrong (exact decimals, text in
// several scripts, times in a non-UTC zone).
func SampleApproval(tenant, quoteID string, round int) *approval.Approval {
	shanghai := time.FixedZone("CST", 8*60*60)
	at := T0.In(shanghai)
	return &approval.Approval{
		ID: fmt.Sprintf("%s/%d", quoteID, round), Tenant: tenant, Quote: quoteID, Number: "Q-" + quoteID, Round: round,
		Revision: round, Seal: "sha256:5eal", Status: approval.StatusPending, Owner: "alice", Submitter: "alice",
		Comment: "Bitte prüfen — 请审批", SubmittedAt: at, Policy: "moulding@2030.1",
		Facts: approval.Facts{
			Currency: "EUR", ListTotal: decimal.RequireFromString("12100.000000001"), Total: decimal.RequireFromString("10600.50"),
			MaxLineDiscountPercent: decimal.RequireFromString("18.25"), MarginPercent: decimal.RequireFromString("26.83"),
			PaymentTermsDays: 90, EditedTerms: true, EditedTermsDigest: "abc", Categories: []string{"servers"}, Products: []string{"P-1"},
			CustomerSegment: "enterprise", Today: time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC),
		},
		Steps: []approval.Step{
			{ID: "manager", Name: "Discount over 10 %", Level: 1, Approver: catalog.Approver{Relation: "manager_of_owner"},
				Assignees: []string{"mia"}, Status: approval.StepApproved, Fingerprint: "f1", Reapproval: catalog.ReapprovalNotWorse,
				Trigger:   approval.Trigger{Condition: "quote.max_line_discount_percent > 10", Facts: []approval.FactValue{{Name: "quote.max_line_discount_percent", Value: "18.25"}}},
				Decisions: []approval.Decision{{Approver: "dan", OnBehalfOf: "mia", Approve: true, Comment: "ok «gut»", Seal: "sha256:5eal", At: at.Add(time.Minute)}},
				StartedAt: at},
			{ID: "legal", Level: 2, Approver: catalog.Approver{Group: "legal", Unanimous: true}, Unanimous: true,
				Assignees: []string{"lena", "lou"}, Status: approval.StepPending, Fingerprint: "f2", Reapproval: catalog.ReapprovalNotWorse,
				StartedAt: at.Add(time.Minute), SLA: 59 * time.Minute, DueAt: at.Add(time.Hour), EscalateTo: &catalog.Approver{Role: "counsel"}},
		},
	}
}

// encodeJSON is a value as a user would compare it.
func encodeJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// createApprovals stores quotes (SampleQuote n of the tenant for
// "q-<n>") and the approvals in one transaction.
func createApprovals(t testing.TB, s ApprovalStore, as ...*approval.Approval) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error {
		for _, a := range as {
			if _, err := tx.Get(ctx, a.Tenant, a.Quote); errors.Is(err, quote.ErrNotFound) {
				var n int
				if _, err := fmt.Sscanf(a.Quote, "q-%d", &n); err != nil {
					return err
				}
				if err := tx.Create(ctx, SampleQuote(a.Tenant, n, 1)); err != nil {
					return err
				}
			}
			if err := tx.CreateApproval(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}))
}

func testApprovalCreateAndRead(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	second, first := SampleApproval(acme, "q-1", 2), SampleApproval(acme, "q-1", 1)
	second.Version = 9 // ignored: a new approval starts at version 1
	createApprovals(t, s, second, first)
	assert.Equal(t, int64(1), second.Version, "CreateApproval sets the version")

	want := SampleApproval(acme, "q-1", 1)
	want.Version = 1
	got, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	assert.JSONEq(t, encodeJSON(t, want), encodeJSON(t, got))
	assert.Equal(t, "12100.000000001", got.Facts.ListTotal.String(), "decimals stay exact")
	assert.Equal(t, T0.Add(time.Hour).UnixNano(), got.NextDue().UnixNano())

	all, err := s.Approvals(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []int{1, 2}, []int{all[0].Round, all[1].Round}, "oldest round first")

	none, err := s.Approvals(ctx, acme, "q-2")
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = s.Approval(ctx, acme, "q-1/3")
	requireIs(t, err, approval.ErrNotFound)

	// What was read is the caller's.
	got.Steps[0].Assignees[0] = "changed"
	again, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	assert.Equal(t, "mia", again.Steps[0].Assignees[0])
}

func testApprovalCreateRefuses(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	createApprovals(t, s, SampleApproval(acme, "q-1", 1))
	create := func(a *approval.Approval) error {
		return s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.CreateApproval(ctx, a) })
	}
	requireIs(t, create(SampleApproval(acme, "q-1", 1)), approval.ErrConflict, "the same ID")
	sameRound := SampleApproval(acme, "q-1", 1)
	sameRound.ID = "other"
	requireIs(t, create(sameRound), approval.ErrConflict, "the same quote and round")
	requireIs(t, create(SampleApproval(acme, "q-404", 1)), approval.ErrInvalid, "a quote not stored")
	for name, change := range map[string]func(a *approval.Approval){
		"no tenant":  func(a *approval.Approval) { a.Tenant = "" },
		"no ID":      func(a *approval.Approval) { a.ID = "" },
		"round 0":    func(a *approval.Approval) { a.Round = 0 },
		"a NUL":      func(a *approval.Approval) { a.ID = "q-1/\x00" },
		"year 10000": func(a *approval.Approval) { a.SubmittedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
	} {
		a := SampleApproval(acme, "q-1", 5)
		change(a)
		requireIs(t, create(a), approval.ErrInvalid, name)
	}

	// A refused create leaves the transaction usable.
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error {
		if err := tx.CreateApproval(ctx, SampleApproval(acme, "q-1", 1)); !errors.Is(err, approval.ErrConflict) {
			return fmt.Errorf("want a conflict, got %v", err)
		}
		return tx.CreateApproval(ctx, SampleApproval(acme, "q-1", 2))
	}))
	all, err := s.Approvals(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Len(t, all, 2)
}

func testApprovalUpdate(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	createApprovals(t, s, SampleApproval(acme, "q-1", 1))
	update := func(a *approval.Approval) error {
		return s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.UpdateApproval(ctx, a) })
	}
	a, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	stale := a.Clone()
	a.Status = approval.StatusApproved
	a.Steps[1].Status = approval.StepApproved
	require.NoError(t, update(a))
	assert.Equal(t, int64(2), a.Version)
	got, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	assert.JSONEq(t, encodeJSON(t, a), encodeJSON(t, got))

	stale.Comment = "lost"
	requireIs(t, update(stale), approval.ErrConflict)
	assert.Equal(t, int64(1), stale.Version, "a refused update leaves the version")
	got, err = s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	assert.Equal(t, approval.StatusApproved, got.Status)

	unknown := SampleApproval(acme, "q-1", 7)
	unknown.Version = 1
	requireIs(t, update(unknown), approval.ErrNotFound)
	got.Round = 3
	requireIs(t, update(got), approval.ErrInvalid, "the round cannot change")
}

func testApprovalOneWinner(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	createApprovals(t, s, SampleApproval(acme, "q-1", 1))
	base, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	errs := make([]error, Writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Writers {
		wg.Go(func() {
			a := base.Clone()
			a.Comment = fmt.Sprintf("writer %d", i)
			<-start
			errs[i] = s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.UpdateApproval(ctx, a) })
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, err, approval.ErrConflict, "writer %d", i)
	}
	require.NotEqual(t, -1, winner, "nobody won")
	got, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("writer %d", winner), got.Comment)
	assert.Equal(t, int64(2), got.Version)
}

func auditRecord(tenant, quoteID string, n int) approval.Record {
	return approval.Record{Tenant: tenant, Quote: quoteID, Approval: quoteID + "/1", Revision: 1, Seal: "sha256:5eal",
		Actor: fmt.Sprintf("user-%d", n), OnBehalfOf: "mia", Action: approval.ActionApproved, Step: "manager",
		Comment: "Grüße, 你好 \"quoted\"", Reason: fmt.Sprintf("record %d", n), At: T0.Add(time.Duration(n) * time.Second)}
}

func testApprovalTx(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2))
	write := func(tx approval.Tx) error {
		q, err := tx.Get(ctx, acme, "q-1")
		if err != nil {
			return err
		}
		q.Status = quote.StatusInReview
		if err := tx.Update(ctx, q); err != nil {
			return err
		}
		if err := tx.CreateApproval(ctx, SampleApproval(acme, "q-1", 1)); err != nil {
			return err
		}
		if err := tx.SaveDelegation(ctx, approval.Delegation{ID: "d1", Tenant: acme, From: "mia", To: "dan", Start: T0, End: T0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, event(acme, "q-1", "e-1", 1)); err != nil {
			return err
		}
		return tx.Append(ctx, auditRecord(acme, "q-1", 1))
	}
	nothing := func(why string) {
		t.Helper()
		q, err := s.Get(ctx, acme, "q-1")
		require.NoError(t, err)
		assert.Equal(t, quote.StatusDraft, q.Status, why)
		assert.Equal(t, int64(1), q.Version, why)
		as, err := s.Approvals(ctx, acme, "q-1")
		require.NoError(t, err)
		assert.Empty(t, as, why)
		_, err = s.Delegation(ctx, acme, "d1")
		assertIs(t, err, approval.ErrNotFound, why)
		rs, err := s.Trail(ctx, acme, "q-1")
		require.NoError(t, err)
		assert.Empty(t, rs, why)
		assert.Empty(t, claimIDs(t, s), why)
	}

	boom := errors.New("boom")
	err := s.InApprovalTx(ctx, func(tx approval.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	nothing("an error keeps nothing")

	cctx, cancel := context.WithCancel(ctx)
	err = s.InApprovalTx(cctx, func(tx approval.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		cancel()
		return nil
	})
	require.Error(t, err)
	nothing("a cancelled context keeps nothing")

	func() {
		defer func() { require.NotNil(t, recover()) }()
		_ = s.InApprovalTx(ctx, func(tx approval.Tx) error {
			if err := write(tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	nothing("a panic keeps nothing")

	require.NoError(t, s.InApprovalTx(ctx, write))
	q, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, quote.StatusInReview, q.Status)
	as, err := s.Approvals(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Len(t, as, 1)
	_, err = s.Delegation(ctx, acme, "d1")
	require.NoError(t, err)
	rs, err := s.Trail(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Len(t, rs, 1)
	assert.Equal(t, []string{"acme/e-1"}, claimIDs(t, s))
}

func testApprovalTxReads(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 1))
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error {
		a := SampleApproval(acme, "q-1", 1)
		if err := tx.CreateApproval(ctx, a); err != nil {
			return err
		}
		a.Comment = "updated in the transaction"
		if err := tx.UpdateApproval(ctx, a); err != nil {
			return err
		}
		got, err := tx.Approval(ctx, acme, "q-1/1")
		if err != nil {
			return err
		}
		if got.Comment != a.Comment || got.Version != 2 {
			return fmt.Errorf("read %q at version %d, want the transaction's own write", got.Comment, got.Version)
		}
		as, err := tx.Approvals(ctx, acme, "q-1")
		if err != nil || len(as) != 1 {
			return fmt.Errorf("listed %d approvals (%v), want 1", len(as), err)
		}
		if err := tx.SaveDelegation(ctx, approval.Delegation{ID: "d1", Tenant: acme, From: "mia", To: "dan", Start: T0, End: T0.Add(time.Hour)}); err != nil {
			return err
		}
		ds, err := tx.Delegations(ctx, acme, "dan")
		if err != nil || len(ds) != 1 {
			return fmt.Errorf("listed %d delegations (%v), want 1", len(ds), err)
		}
		if err := tx.Append(ctx, auditRecord(acme, "q-1", 1)); err != nil {
			return err
		}
		rs, err := tx.Trail(ctx, acme, "q-1")
		if err != nil || len(rs) != 1 || rs[0].Reason != "record 1" {
			return fmt.Errorf("read %v (%v), want the appended record", rs, err)
		}
		return nil
	}))
}

func testApprovalTrail(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	require.NoError(t, s.Append(ctx, auditRecord(acme, "q-1", 1), auditRecord(acme, "q-2", 2), auditRecord(globex, "q-1", 3)))
	require.NoError(t, s.Append(ctx, auditRecord(acme, "q-1", 4)))
	tenantLevel := auditRecord(acme, "", 5)
	tenantLevel.Action, tenantLevel.Approval, tenantLevel.Step = approval.ActionDelegated, "", ""
	require.NoError(t, s.Append(ctx, tenantLevel))

	rs, err := s.Trail(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, []string{"record 1", "record 4"}, []string{rs[0].Reason, rs[1].Reason}, "in append order")
	assert.Less(t, rs[0].Seq, rs[1].Seq, "the sequence grows")
	want := auditRecord(acme, "q-1", 1)
	want.Seq = rs[0].Seq
	assert.JSONEq(t, encodeJSON(t, want), encodeJSON(t, rs[0]), "every field kept")
	assert.True(t, rs[0].At.Equal(T0.Add(time.Second)))

	rs, err = s.Trail(ctx, acme, "")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, approval.ActionDelegated, rs[0].Action, "records of no quote")

	bad := auditRecord(acme, "q-1", 6)
	bad.Actor = ""
	requireIs(t, s.Append(ctx, auditRecord(acme, "q-1", 7), bad), approval.ErrInvalid, "a record without an actor")
	rs, err = s.Trail(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Len(t, rs, 2, "a refused batch appends nothing")
}

func testApprovalDelegations(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	d1 := approval.Delegation{ID: "d1", Tenant: acme, From: "mia", To: "dan", Start: T0.Add(time.Hour), End: T0.Add(48 * time.Hour),
		Reason: "Urlaub", CreatedBy: "mia", CreatedAt: T0}
	d2 := approval.Delegation{ID: "d2", Tenant: acme, From: "lou", To: "mia", Start: T0, End: T0.Add(time.Hour), CreatedBy: "ada", CreatedAt: T0}
	d3 := approval.Delegation{ID: "d1", Tenant: globex, From: "mia", To: "eve", Start: T0, End: T0.Add(time.Hour), CreatedBy: "mia", CreatedAt: T0}
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error {
		for _, d := range []approval.Delegation{d1, d2, d3} {
			if err := tx.SaveDelegation(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}))
	ds, err := s.Delegations(ctx, acme, "mia")
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, []string{"d2", "d1"}, []string{ds[0].ID, ds[1].ID}, "by start")
	assert.JSONEq(t, encodeJSON(t, d1), encodeJSON(t, ds[1]))
	ds, err = s.Delegations(ctx, acme, "dan")
	require.NoError(t, err)
	assert.Len(t, ds, 1, "given to dan")
	ds, err = s.Delegations(ctx, acme, "eve")
	require.NoError(t, err)
	assert.Empty(t, ds, "eve's delegation is globex's")

	d1.RevokedAt, d1.RevokedBy = T0.Add(2*time.Hour), "mia"
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.SaveDelegation(ctx, d1) }))
	got, err := s.Delegation(ctx, acme, "d1")
	require.NoError(t, err)
	assert.JSONEq(t, encodeJSON(t, d1), encodeJSON(t, got), "replaced")
	_, err = s.Delegation(ctx, acme, "d9")
	requireIs(t, err, approval.ErrNotFound)
	requireIs(t, s.InApprovalTx(ctx, func(tx approval.Tx) error {
		return tx.SaveDelegation(ctx, approval.Delegation{ID: "d4", Tenant: acme, From: "mia"})
	}), approval.ErrInvalid, "a delegation to nobody")
}

func testApprovalDue(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	a1 := SampleApproval(acme, "q-1", 1) // due at T0 + 1h
	a2 := SampleApproval(globex, "q-2", 1)
	a2.Steps[1].DueAt = T0.Add(2 * time.Hour)
	closed := SampleApproval(acme, "q-3", 1)
	closed.Status = approval.StatusRecalled
	escalated := SampleApproval(acme, "q-4", 1)
	escalated.Steps[1].Escalated = true
	createApprovals(t, s, a1, a2, closed, escalated)

	ids := func(before time.Time, limit int) []string {
		t.Helper()
		as, err := s.Due(ctx, before, limit)
		require.NoError(t, err)
		out := []string{}
		for _, a := range as {
			out = append(out, a.Tenant+"/"+a.ID)
		}
		return out
	}
	assert.Empty(t, ids(T0.Add(59*time.Minute), 0))
	assert.Equal(t, []string{"acme/q-1/1"}, ids(T0.Add(time.Hour), 0), "due at the very time")
	assert.Equal(t, []string{"acme/q-1/1", "globex/q-2/1"}, ids(T0.Add(3*time.Hour), 0), "across tenants, earliest first")
	assert.Equal(t, []string{"acme/q-1/1"}, ids(T0.Add(3*time.Hour), 1))

	// Once updated as escalated, it is no longer due.
	a1.Steps[1].Escalated = true
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.UpdateApproval(ctx, a1) }))
	assert.Equal(t, []string{"globex/q-2/1"}, ids(T0.Add(3*time.Hour), 0))
}

func testApprovalTenants(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	createApprovals(t, s, SampleApproval(acme, "q-1", 1))
	require.NoError(t, s.Append(ctx, auditRecord(acme, "q-1", 1)))
	_, err := s.Approval(ctx, globex, "q-1/1")
	requireIs(t, err, approval.ErrNotFound)
	as, err := s.Approvals(ctx, globex, "q-1")
	require.NoError(t, err)
	assert.Empty(t, as)
	rs, err := s.Trail(ctx, globex, "q-1")
	require.NoError(t, err)
	assert.Empty(t, rs)
	a, err := s.Approval(ctx, acme, "q-1/1")
	require.NoError(t, err)
	a.Tenant = globex
	requireIs(t, s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.UpdateApproval(ctx, a) }), approval.ErrNotFound,
		"an update cannot reach another tenant's approval")
}

func testApprovalPending(t *testing.T, s ApprovalStore) {
	ctx := context.Background()
	a1 := SampleApproval(acme, "q-1", 1) // legal (level 2) pending for lena and lou; manager (mia) approved
	other := SampleApproval(globex, "q-2", 1)
	closed := SampleApproval(acme, "q-3", 1)
	closed.Status = approval.StatusRecalled
	early := SampleApproval(acme, "q-4", 1) // level 1 pending for mia, legal waiting
	early.Steps[0].Status, early.Steps[0].Decisions = approval.StepPending, nil
	early.Steps[1].Status = approval.StepWaiting
	createApprovals(t, s, early, closed, other, a1)

	ids := func(tenant string, users []string, limit int) []string {
		t.Helper()
		as, err := s.Pending(ctx, tenant, users, limit)
		require.NoError(t, err)
		out := []string{}
		for _, a := range as {
			assert.Equal(t, tenant, a.Tenant)
			out = append(out, a.ID)
		}
		return out
	}
	assert.Equal(t, []string{"q-1/1"}, ids(acme, []string{"lena"}, 0), "not the recalled q-3, nor q-4 whose legal step waits")
	assert.Equal(t, []string{"q-4/1"}, ids(acme, []string{"mia"}, 0), "mia's step of q-1 is approved")
	assert.Equal(t, []string{"q-1/1", "q-4/1"}, ids(acme, []string{"mia", "lou"}, 0), "any of the users, by ID")
	assert.Equal(t, []string{"q-1/1"}, ids(acme, []string{"mia", "lou"}, 1))
	assert.Empty(t, ids(acme, []string{"len", "Lena", "dan"}, 0), "whole names; dan only decided")
	assert.Empty(t, ids(acme, nil, 0))
	assert.Equal(t, []string{"q-2/1"}, ids(globex, []string{"lena"}, 0))
	assert.Empty(t, ids("initech", []string{"lena", "mia"}, 0))

	a1.Steps[1].Status, a1.Status, a1.ClosedAt = approval.StepApproved, approval.StatusApproved, T0.Add(time.Hour)
	require.NoError(t, s.InApprovalTx(ctx, func(tx approval.Tx) error { return tx.UpdateApproval(ctx, a1) }))
	assert.Empty(t, ids(acme, []string{"lena", "lou"}, 0), "approved since")
}
