package approval_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// wholeChain is a quote that needs all four steps: 30 % off a 200,000
// list (margin 20000 / 140000 = 14.29 %), payment in 90 days, an edited
// term.
func wholeChain(id string) *quote.Quote {
	q := newQuote(id, line{"1", "SRV", "200000", "140000", "120000"})
	q.Header.PaymentDays = 90
	q.Terms[0].Edited = true
	return q
}

// TestChainLevelByLevel runs the three-level chain to the end: levels
// start one after the other, the steps of level 3 run in parallel, legal
// needs both its members, and the approval and the quote end approved.
func TestChainLevelByLevel(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(wholeChain("q"))
	e.submit("sam", "q")

	_, err := e.decide("vera", "q", "vp", true, "")
	require.ErrorIs(t, err, approval.ErrNotPending, "level 2 has not started")

	a := e.approve("mia", "q", "manager")
	assert.Equal(t, []string{"manager 1 approved [mia]", "vp 2 pending [vera]", "finance 3 waiting [fay finn]", "legal 3 waiting [lena lou]"}, steps(a))
	a = e.approve("vera", "q", "vp")
	assert.Equal(t, []string{"manager 1 approved [mia]", "vp 2 approved [vera]", "finance 3 pending [fay finn]", "legal 3 pending [lena lou]"}, steps(a))
	a = e.approve("lena", "q", "legal")
	assert.Equal(t, approval.StepPending, a.Step("legal").Status, "legal is unanimous: lou has not approved")
	a = e.approve("finn", "q", "finance")
	assert.Equal(t, approval.StepApproved, a.Step("finance").Status, "finance needs any one member")
	assert.Equal(t, approval.StatusPending, a.Status)
	assert.Equal(t, quote.StatusInReview, e.get("q").Status)

	a = e.approve("lou", "q", "legal")
	assert.Equal(t, approval.StatusApproved, a.Status)
	q := e.get("q")
	assert.Equal(t, quote.StatusApproved, q.Status)
	require.NoError(t, e.eng.Gate(e.ctx, q))

	assert.Equal(t, []string{
		"submitted sam",
		"level_started sam",
		"refused(approved) vp vera",
		"approved manager mia", "level_started mia",
		"approved vp vera", "level_started vera",
		"approved legal lena",
		"approved finance finn",
		"approved legal lou", "completed lou",
	}, actions(e.trail("q")))
	for _, r := range e.trail("q") {
		assert.Equal(t, 1, r.Revision)
		assert.Equal(t, q.Seal, r.Seal, "every record names the seal")
		assert.Equal(t, "q/1", r.Approval)
	}
}

func TestRejectReturnsTheQuoteToDraft(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(wholeChain("q"))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")

	_, err := e.decide("vera", "q", "vp", false, " ")
	require.ErrorIs(t, err, approval.ErrInvalid, "a rejection needs a comment")

	a, err := e.decide("vera", "q", "vp", false, "margin too thin for this customer")
	require.NoError(t, err)
	assert.Equal(t, approval.StatusRejected, a.Status)
	assert.Equal(t, []string{"manager 1 approved [mia]", "vp 2 rejected [vera]", "finance 3 cancelled [fay finn]", "legal 3 cancelled [lena lou]"}, steps(a))
	q := e.get("q")
	assert.Equal(t, quote.StatusDraft, q.Status)
	assert.Empty(t, q.Seal, "a draft being edited has no seal")
	n := len(q.History)
	assert.Equal(t, []quote.Status{quote.StatusRejected, quote.StatusDraft}, []quote.Status{q.History[n-2].To, q.History[n-1].To})
	assert.Equal(t, "rejected at step vp: margin too thin for this customer", q.History[n-2].Reason)

	// The decision binds to the submitted seal; the quote can go again.
	_, err = e.decide("fay", "q", "finance", true, "")
	require.ErrorIs(t, err, approval.ErrNotPending)
	a = e.submit("sam", "q")
	assert.Equal(t, 2, a.Round)
}

func TestRecallBySubmitterOnly(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"})) // 18 %: manager
	e.submit("tom", "q")                                               // tom submits sam's quote

	_, err := e.eng.Recall(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q"})
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "the owner is not the submitter")

	a, err := e.eng.Recall(e.ctx, acme("tom"), approval.Request{Tenant: "acme", Quote: "q", Comment: "customer asked for changes"})
	require.NoError(t, err)
	assert.Equal(t, approval.StatusRecalled, a.Status)
	assert.Equal(t, approval.StepCancelled, a.Steps[0].Status)
	q := e.get("q")
	assert.Equal(t, quote.StatusDraft, q.Status)
	assert.Empty(t, q.Seal)

	_, err = e.decide("mia", "q", "manager", true, "")
	require.ErrorIs(t, err, approval.ErrNotPending)
	_, err = e.eng.Recall(e.ctx, acme("tom"), approval.Request{Tenant: "acme", Quote: "q"})
	require.ErrorIs(t, err, approval.ErrNotPending, "recalled once")
	assert.Equal(t, []string{"submitted tom", "level_started tom", "refused(recalled) sam", "recalled tom",
		"refused(approved) manager mia", "refused(recalled) tom"}, actions(e.trail("q")))
}

func TestReassign(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(wholeChain("q"))
	e.submit("sam", "q")
	reassign := func(actor, step, from, to string) error {
		_, err := e.eng.Reassign(e.ctx, acme(actor), approval.ReassignRequest{Tenant: "acme", Quote: "q", Step: step, From: from, To: to, Comment: "on leave"})
		return err
	}
	require.ErrorIs(t, reassign("vera", "manager", "mia", "max"), approval.ErrNotAuthorized, "only mia or an administrator")
	require.ErrorIs(t, reassign("mia", "manager", "mia", "sam"), approval.ErrSelfApproval, "not to the owner")
	require.ErrorIs(t, reassign("mia", "manager", "mia", "mia"), approval.ErrInvalid)
	require.NoError(t, reassign("mia", "manager", "mia", "max"))
	_, err := e.decide("mia", "q", "manager", true, "")
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "mia handed the step over")
	e.approve("max", "q", "manager")

	// An administrator reassigns a waiting step of a later level.
	require.NoError(t, reassign("ada", "legal", "lou", "lara"))
	assert.Equal(t, []string{"lara", "lena"}, e.latest("q").Step("legal").Assignees)
	rs := e.trail("q")
	var got []string
	for _, r := range rs {
		if r.Action == approval.ActionReassigned {
			got = append(got, r.Actor+": "+r.Reason)
		}
	}
	assert.Equal(t, []string{"mia: from mia to max", "ada: from lou to lara"}, got)
}

func TestDelegation(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"})) // 18 %: manager mia
	e.submit("sam", "q")

	// mia is away for a week from tomorrow: dan decides for her.
	dl, err := e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "dan", Start: t0.Add(24 * time.Hour), End: t0.Add(8 * 24 * time.Hour), Reason: "holiday"})
	require.NoError(t, err)
	assert.Equal(t, "mia", dl.From)

	_, err = e.decide("dan", "q", "manager", true, "")
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "the delegation has not started")

	e.clock.advance(25 * time.Hour)
	a := e.approve("dan", "q", "manager")
	assert.Equal(t, approval.StatusApproved, a.Status)
	require.Len(t, a.Steps[0].Decisions, 1)
	dec := a.Steps[0].Decisions[0]
	assert.Equal(t, "dan", dec.Approver)
	assert.Equal(t, "mia", dec.OnBehalfOf, "the decision records both")
	rs := e.trail("q")
	var rec approval.Record
	for _, r := range rs {
		if r.Action == approval.ActionApproved {
			rec = r
		}
	}
	assert.Equal(t, "dan", rec.Actor)
	assert.Equal(t, "mia", rec.OnBehalfOf)

	// The delegation itself is in the tenant's trail (no quote).
	ts, err := e.store.Trail(e.ctx, "acme", "")
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, approval.ActionDelegated, ts[0].Action)
	assert.Equal(t, "mia", ts[0].OnBehalfOf)
}

func TestDelegationEndsAndIsRevoked(t *testing.T) {
	e := newEnv(t, chainPolicy)
	for _, id := range []string{"q1", "q2"} {
		e.create(newQuote(id, line{"1", "SRV", "10000", "8200", "6000"}))
		e.submit("sam", id)
	}
	week, err := e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "dan", End: t0.Add(7 * 24 * time.Hour)})
	require.NoError(t, err)

	_, err = e.eng.Delegate(e.ctx, acme("dan"), approval.Delegation{From: "mia", To: "dan", End: t0.Add(time.Hour)})
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "nobody delegates for someone else")
	_, err = e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "dan", Start: t0, End: t0})
	require.ErrorIs(t, err, approval.ErrInvalid, "a delegation ends after it starts")

	_, err = e.eng.RevokeDelegation(e.ctx, acme("dan"), "acme", week.ID)
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "the delegate does not revoke")
	e.clock.advance(time.Hour)
	revoked, err := e.eng.RevokeDelegation(e.ctx, acme("mia"), "acme", week.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Hour), revoked.RevokedAt)
	_, err = e.decide("dan", "q1", "manager", true, "")
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "revoked")

	// A delegation that ended.
	_, err = e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "dan", End: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	e.clock.advance(2 * time.Hour)
	_, err = e.decide("dan", "q2", "manager", true, "")
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "ended")
}

func TestEscalation(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"})) // 18 %: manager, SLA 48h
	a := e.submit("sam", "q")
	assert.Equal(t, t0.Add(48*time.Hour), a.Steps[0].DueAt)

	recs, err := e.eng.Escalate(e.ctx, t0.Add(47*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, recs, "not due yet")

	recs, err = e.eng.Escalate(e.ctx, t0.Add(49*time.Hour))
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, approval.SystemActor, recs[0].Actor)
	assert.Contains(t, recs[0].Reason, "past its SLA of 48h0m0s: from mia to sue (role sales_director)")
	a = e.latest("q")
	assert.Equal(t, []string{"sue"}, a.Steps[0].Assignees)
	assert.Equal(t, []string{"mia"}, a.Steps[0].EscalatedFrom)

	recs, err = e.eng.Escalate(e.ctx, t0.Add(100*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, recs, "a step is escalated once")

	_, err = e.decide("mia", "q", "manager", true, "")
	require.ErrorIs(t, err, approval.ErrNotAuthorized, "the step moved to sue")
	a = e.approve("sue", "q", "manager")
	assert.Equal(t, approval.StatusApproved, a.Status)
	assert.Equal(t, []string{"submitted sam", "level_started sam", "escalated manager system",
		"refused(approved) manager mia", "approved manager sue", "completed sue"}, actions(e.trail("q")))
}

// TestEscalationOfALaterLevel: the SLA counts from when the step's level
// starts, not from the submission.
func TestEscalationOfALaterLevel(t *testing.T) {
	const policy = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: first, condition: quote.total > 0, approver: {user: mia}, level: 1}
  - id: second
    condition: quote.total > 0
    approver: {user: vera}
    level: 2
    escalation: {after: 1d, to: {user: sue}}
`
	e := newEnv(t, policy)
	e.create(newQuote("q", line{"1", "SRV", "100", "100", "50"}))
	e.submit("sam", "q")
	e.clock.advance(72 * time.Hour)
	recs, err := e.eng.Escalate(e.ctx, e.clock.Now())
	require.NoError(t, err)
	assert.Empty(t, recs, "level 2 has not started")
	e.approve("mia", "q", "first")
	assert.Equal(t, t0.Add(96*time.Hour), e.latest("q").Step("second").DueAt)
	recs, err = e.eng.Escalate(e.ctx, t0.Add(97*time.Hour))
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, []string{"sue"}, e.latest("q").Step("second").Assignees)
}

// TestSubmitSupersedes: a quote revised while in review is submitted as
// the new revision; the pending approval of the old one is superseded and
// decisions on it are refused.
func TestSubmitSupersedes(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	first := e.submit("sam", "q")
	e.edit("q", func(q *quote.Quote) { net("8000")(q) }) // revision 2
	second := e.submit("sam", "q")
	assert.Equal(t, 2, second.Revision)
	old, err := e.store.Approval(e.ctx, "acme", first.ID)
	require.NoError(t, err)
	assert.Equal(t, approval.StatusSuperseded, old.Status)
	assert.Equal(t, approval.StepCancelled, old.Steps[0].Status)

	_, err = e.eng.Approve(e.ctx, acme("mia"), approval.DecisionRequest{Tenant: "acme", Quote: "q", Step: "manager", Seal: first.Seal})
	require.ErrorIs(t, err, approval.ErrStaleSeal, "the decision saw revision 1")
	e.approve("mia", "q", "manager")
	assert.Equal(t, quote.StatusApproved, e.get("q").Status)
}

// TestEscalationToNobody: a step whose escalation approver is the quote's
// owner stays with its assignees, and the trail says why.
func TestEscalationToNobody(t *testing.T) {
	const policy = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - id: manager
    condition: quote.total > 0
    approver: {user: mia}
    escalation: {after: 1h, to: {user: sam}}
`
	e := newEnv(t, policy)
	e.create(newQuote("q", line{"1", "SRV", "100", "100", "50"}))
	e.submit("sam", "q")
	recs, err := e.eng.Escalate(e.ctx, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Contains(t, recs[0].Reason, "user sam resolves to nobody who may decide it, so it stays with mia")
	assert.Equal(t, []string{"mia"}, e.latest("q").Steps[0].Assignees)
	recs, err = e.eng.Escalate(e.ctx, t0.Add(3*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, recs, "tried once")
}
