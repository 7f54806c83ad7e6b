package approval_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

func present(e *env, id string) (*quote.Quote, error) {
	return e.eng.Present(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: id, Comment: "sent to the buyer"})
}

func gateError(t *testing.T, err error) *approval.GateError {
	t.Helper()
	var ge *approval.GateError
	require.ErrorAs(t, err, &ge)
	return ge
}

func TestGateBeforeAndAfterApproval(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "7000", "6000"})) // 30 %, thin margin: manager, VP

	err := e.eng.Gate(e.ctx, e.get("q"))
	require.ErrorIs(t, err, approval.ErrApprovalRequired)
	ge := gateError(t, err)
	assert.Equal(t, []string{"manager", "vp"}, ge.Missing)
	assert.Equal(t, "no approval was granted for this content", ge.Reason)
	_, err = present(e, "q")
	require.ErrorIs(t, err, approval.ErrApprovalRequired, "a draft that needs approval is not presented")

	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	require.ErrorIs(t, e.eng.Gate(e.ctx, e.get("q")), approval.ErrApprovalRequired, "the VP has not approved")
	_, err = present(e, "q")
	require.ErrorIs(t, err, quote.ErrTransition, "a quote in review is not presented")

	e.approve("vera", "q", "vp")
	require.NoError(t, e.eng.Gate(e.ctx, e.get("q")))
	q, err := present(e, "q")
	require.NoError(t, err)
	assert.Equal(t, quote.StatusPresented, q.Status)
	assert.Equal(t, quote.StatusPresented, e.get("q").Status)
	rs := e.trail("q")
	last := rs[len(rs)-1]
	assert.Equal(t, approval.ActionPresented, last.Action)
	assert.Equal(t, q.Seal, last.Seal)
	assert.Equal(t, "sent to the buyer", last.Comment)
}

// TestGateRefusesChangedContent: an approved quote edited in place no
// longer matches its seal; a new revision has a seal nobody approved.
func TestGateRefusesChangedContent(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")

	q := e.get("q")
	q.Lines[0].Description = "now with a longer warranty" // the customer sees it
	require.NoError(t, e.store.Update(e.ctx, q))
	err := e.eng.Gate(e.ctx, e.get("q"))
	require.ErrorIs(t, err, approval.ErrStaleSeal)
	_, err = present(e, "q")
	require.ErrorIs(t, err, approval.ErrStaleSeal)

	q = e.get("q")
	require.NoError(t, q.Revise("sam", t0))
	require.NoError(t, e.store.Update(e.ctx, q))
	err = e.eng.Gate(e.ctx, e.get("q"))
	require.ErrorIs(t, err, approval.ErrApprovalRequired, "revision 2 is not approved")
	assert.Equal(t, 2, gateError(t, err).Revision)
}

func TestGateWhenNothingIsRequired(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "9500", "6000"})) // 5 %
	require.NoError(t, e.eng.Gate(e.ctx, e.get("q")))
	q, err := present(e, "q")
	require.NoError(t, err)
	assert.Equal(t, quote.StatusPresented, q.Status)
	assert.NoError(t, q.Verify(), "sealed on the way")
	n := len(q.History)
	assert.Equal(t, "no approval required", q.History[n-2].Reason)
}

// TestGateUnderANewPolicy: an approval granted before a rule was added
// does not cover the step the rule now requires.
func TestGateUnderANewPolicy(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	require.NoError(t, e.eng.Gate(e.ctx, e.get("q")))

	stricter := chainPolicy + `
  - {id: big_deal, condition: quote.total > 5000, approver: {user: ceo}, level: 4}
`
	eng, err := approval.New(approval.Config{Catalog: loadCatalog(t, stricter), Store: e.store, Directory: e.dir, Clock: e.clock})
	require.NoError(t, err)
	err = eng.Gate(e.ctx, e.get("q"))
	require.ErrorIs(t, err, approval.ErrApprovalRequired)
	ge := gateError(t, err)
	assert.Equal(t, []string{"big_deal"}, ge.Missing)
	assert.Equal(t, "approval q/1 does not cover every step the policy requires now", ge.Reason)
}

// TestGateAfterAutomaticApproval: a revision approved automatically is
// released like one a person approved.
func TestGateAfterAutomaticApproval(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q", line{"1", "SRV", "10000", "8200", "6000"}))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	e.edit("q", func(q *quote.Quote) { net("8500")(q) })
	require.ErrorIs(t, e.eng.Gate(e.ctx, e.get("q")), approval.ErrApprovalRequired, "not submitted yet")
	e.submit("sam", "q")
	require.NoError(t, e.eng.Gate(e.ctx, e.get("q")))
}
