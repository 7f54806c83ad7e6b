package approval_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// TestRefusedDecisions makes decisions that must be refused, each with
// its own error, and checks that nothing changed but one audit record of
// the refused attempt. The quote (sam's, submitted by tom) needs the
// manager (mia) at level 1 and legal (lena and lou, unanimous) at level 2.
func TestRefusedDecisions(t *testing.T) {
	const policy = `
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: manager, condition: quote.max_line_discount_percent > 10, approver: {relation: manager_of_owner}, level: 1}
  - {id: legal, condition: quote.edited_terms, approver: {group: legal, unanimous: true}, level: 1}
  - {id: finance, condition: quote.total > 100000, approver: {group: finance}, level: 2}
`
	tests := []struct {
		name  string
		setup func(e *env)
		actor approval.Actor
		req   func(e *env) approval.DecisionRequest
		want  error
	}{
		{name: "the owner", actor: acme("sam"), want: approval.ErrSelfApproval},
		{name: "the submitter", actor: acme("tom"), want: approval.ErrSelfApproval},
		{name: "the owner as a delegate", actor: acme("sam"), want: approval.ErrSelfApproval,
			setup: func(e *env) {
				_, err := e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "sam", End: t0.AddDate(0, 0, 7)})
				require.NoError(e.t, err)
			}},
		{name: "an approver of another step", actor: acme("lena"), want: approval.ErrNotAuthorized},
		{name: "a user with no part in it", actor: acme("zoe"), want: approval.ErrNotAuthorized},
		{name: "someone else's delegate", actor: acme("dan"), want: approval.ErrNotAuthorized,
			setup: func(e *env) {
				_, err := e.eng.Delegate(e.ctx, acme("lou"), approval.Delegation{To: "dan", End: t0.AddDate(0, 0, 7)})
				require.NoError(e.t, err)
			}},
		{name: "a seal that was never submitted", actor: acme("mia"), want: approval.ErrStaleSeal,
			req: func(e *env) approval.DecisionRequest {
				return approval.DecisionRequest{Tenant: "acme", Quote: "q", Step: "manager", Seal: "sha256:00"}
			}},
		{name: "a quote changed after submission", actor: acme("mia"), want: approval.ErrStaleSeal,
			setup: func(e *env) {
				q := e.get("q") // edited in place behind the workflow's back
				net("7000")(q)
				q.Recalculate()
				require.NoError(e.t, e.store.Update(e.ctx, q))
			}},
		{name: "a revision made after submission", actor: acme("mia"), want: approval.ErrStaleSeal,
			setup: func(e *env) {
				q := e.get("q")
				require.NoError(e.t, q.Revise("sam", t0))
				require.NoError(e.t, e.store.Update(e.ctx, q))
			}},
		{name: "an actor of another tenant", actor: approval.Actor{Tenant: "globex", User: "mia"}, want: approval.ErrCrossTenant},
		{name: "a step the policy did not require", actor: acme("fay"), want: approval.ErrNotRequired,
			req: func(e *env) approval.DecisionRequest {
				return approval.DecisionRequest{Tenant: "acme", Quote: "q", Step: "finance", Seal: e.latest("q").Seal}
			}},
		{name: "a second decision of one assignee", actor: acme("lena"), want: approval.ErrAlreadyDecided,
			setup: func(e *env) { e.approve("lena", "q", "legal") },
			req: func(e *env) approval.DecisionRequest {
				return approval.DecisionRequest{Tenant: "acme", Quote: "q", Step: "legal", Seal: e.latest("q").Seal}
			}},
		{name: "no seal", actor: acme("mia"), want: approval.ErrInvalid,
			req: func(e *env) approval.DecisionRequest {
				return approval.DecisionRequest{Tenant: "acme", Quote: "q", Step: "manager"}
			}},
	}
	for _, tt := range tests {
		for _, approve := range []bool{true, false} {
			name := tt.name + "/approve"
			if !approve {
				name = tt.name + "/reject"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, policy)
				q := newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}) // 18 %: manager
				term("Delivery in 8 weeks.")(q)                               // legal
				e.create(q)
				e.submit("tom", "q")
				if tt.setup != nil {
					tt.setup(e)
				}
				req := approval.DecisionRequest{Tenant: "acme", Quote: "q", Step: "manager", Seal: e.latest("q").Seal}
				if tt.req != nil {
					req = tt.req(e)
				}
				req.Comment = "looks fine to me"
				quoteBefore, approvalBefore, trailBefore := snapshot(e), e.latest("q"), e.trail("q")

				var err error
				if approve {
					_, err = e.eng.Approve(e.ctx, tt.actor, req)
				} else {
					_, err = e.eng.Reject(e.ctx, tt.actor, req)
				}
				require.ErrorIs(t, err, tt.want)

				assert.JSONEq(t, quoteBefore, snapshot(e), "the quote is unchanged")
				assert.Equal(t, approvalBefore, e.latest("q"), "the approval is unchanged")
				trail := e.trail("q")
				require.Len(t, trail, len(trailBefore)+1, "one record: the refused attempt")
				assert.Equal(t, trailBefore, trail[:len(trailBefore)])
				r := trail[len(trail)-1]
				assert.Equal(t, approval.ActionRefused, r.Action)
				wantAttempt := approval.ActionApproved
				if !approve {
					wantAttempt = approval.ActionRejected
				}
				assert.Equal(t, wantAttempt, r.Attempt)
				assert.Equal(t, tt.actor.User, r.Actor)
				assert.Equal(t, req.Step, r.Step)
				assert.Equal(t, req.Seal, r.Seal, "the seal the attempt named")
				assert.Equal(t, err.Error(), r.Reason)
				assert.Equal(t, t0, r.At)
				if tt.actor.Tenant != "acme" {
					assert.Equal(t, tt.actor.Tenant, r.ActorTenant)
				}
			})
		}
	}
}

func snapshot(e *env) string {
	e.t.Helper()
	b, err := json.Marshal(e.get("q"))
	require.NoError(e.t, err)
	return string(b)
}

// TestTenantsDoNotMeet: an approver of another tenant naming their own
// tenant finds no such quote, and their attempt goes to their own trail.
func TestTenantsDoNotMeet(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	a := e.submit("sam", "q")
	globex := approval.Actor{Tenant: "globex", User: "mia"}
	_, err := e.eng.Approve(e.ctx, globex, approval.DecisionRequest{Tenant: "globex", Quote: "q", Step: "manager", Seal: a.Seal})
	require.ErrorIs(t, err, quote.ErrNotFound)
	rs, err := e.store.Trail(e.ctx, "globex", "q")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, approval.ActionRefused, rs[0].Action)
	assert.Len(t, e.trail("q"), 2, "acme's trail: submitted, level started")
}

// TestSubmitRefusals: only a draft is submitted, on the seal the
// submitter saw, and every step must have someone who may decide it.
func TestSubmitRefusals(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	_, err := e.eng.Submit(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q", Seal: "sha256:old"})
	require.ErrorIs(t, err, approval.ErrStaleSeal)
	e.submit("sam", "q")
	_, err = e.eng.Submit(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q"})
	require.ErrorIs(t, err, quote.ErrTransition, "already in review")

	// mia manages sam; a quote mia owns has nobody to approve her discount.
	q := newQuote("q2", line{"1", "SRV", "10000", "8200", "6000"})
	q.Header.Owner = "mia"
	e.create(q)
	_, err = e.eng.Submit(e.ctx, acme("mia"), approval.Request{Tenant: "acme", Quote: "q2"})
	var nae *approval.NoApproverError
	require.ErrorAs(t, err, &nae)
	assert.Equal(t, "manager", nae.Step)
	require.ErrorIs(t, err, approval.ErrNoApprover)
	assert.Equal(t, quote.StatusDraft, e.get("q2").Status)
	assert.Equal(t, []string{"refused(submitted) mia"}, actions(e.trail("q2")))
}
