package approval_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
)

// inbox lists the actor's inbox as "number step level assignee since",
// since as hours after t0.
func (e *env) inbox(actor approval.Actor) []string {
	e.t.Helper()
	items, err := e.eng.Inbox(e.ctx, actor)
	require.NoError(e.t, err)
	out := []string{}
	for _, it := range items {
		out = append(out, it.Number+" "+it.Step+" "+itoa(it.Level)+" "+it.Assignee+" "+itoa(int(it.Since.Sub(t0)/time.Hour))+"h")
	}
	return out
}

// TestInbox: sam's quotes Q-q1 (18 % off: manager mia) and Q-q2 (30 %
// off: manager mia, then the VP vera), and tom's Q-q3 (18 % off: his
// manager sam), all submitted at t0.
func TestInbox(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(newQuote("q1", line{"1", "SRV", "10000", "8200", "6000"}))
	e.create(newQuote("q2", line{"1", "SRV", "10000", "7000", "5000"}))
	q3 := newQuote("q3", line{"1", "SRV", "10000", "8200", "6000"})
	q3.Header.Owner = "tom"
	e.create(q3)
	e.submit("sam", "q1")
	e.submit("sam", "q2")
	e.submit("tom", "q3")

	assert.Equal(t, []string{"Q-q1 manager 1 mia 0h", "Q-q2 manager 1 mia 0h"}, e.inbox(acme("mia")))
	assert.Empty(t, e.inbox(acme("vera")), "the VP's level waits for the manager's")
	assert.Equal(t, []string{"Q-q3 manager 1 sam 0h"}, e.inbox(acme("sam")))
	assert.Empty(t, e.inbox(acme("dan")))
	assert.Empty(t, e.inbox(approval.Actor{Tenant: "globex", User: "mia"}), "another tenant sees nothing")

	items, err := e.eng.Inbox(e.ctx, acme("mia"))
	require.NoError(t, err)
	require.Len(t, items, 2)
	q2 := e.latest("q2")
	assert.Equal(t, approval.InboxItem{
		Approval: "q2/1", Quote: "q2", Number: "Q-q2", Revision: 1, Seal: q2.Seal,
		Step: "manager", Name: "Discount over 10 %", Level: 1,
		Trigger:  approval.Trigger{Condition: "quote.max_line_discount_percent > 10", Facts: []approval.FactValue{{Name: "quote.max_line_discount_percent", Value: "30"}}},
		Assignee: "mia", Owner: "sam", Submitter: "sam", Submitted: t0, Since: t0, DueAt: t0.Add(48 * time.Hour),
	}, items[1])

	// mia is away for a week from tomorrow: dan stands in for her then,
	// and sam (who owns q1 and q2) from now, but never on his own quotes.
	dl, err := e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "dan", Start: t0.Add(24 * time.Hour), End: t0.Add(8 * 24 * time.Hour)})
	require.NoError(t, err)
	_, err = e.eng.Delegate(e.ctx, acme("mia"), approval.Delegation{To: "sam", End: t0.Add(8 * 24 * time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, e.inbox(acme("dan")), "the delegation has not started")
	assert.Equal(t, []string{"Q-q3 manager 1 sam 0h"}, e.inbox(acme("sam")), "sam owns q1 and q2")

	e.clock.advance(25 * time.Hour)
	assert.Equal(t, []string{"Q-q1 manager 1 mia 0h", "Q-q2 manager 1 mia 0h"}, e.inbox(acme("dan")))
	items, err = e.eng.Inbox(e.ctx, acme("dan"))
	require.NoError(t, err)
	assert.Equal(t, dl.ID, items[0].Delegation)
	assert.Equal(t, []string{"Q-q1 manager 1 mia 0h", "Q-q2 manager 1 mia 0h"}, e.inbox(acme("mia")), "mia still may")

	// dan approves q2 for mia at t0 + 25h: level 2 starts for vera.
	e.approve("dan", "q2", "manager")
	assert.Equal(t, []string{"Q-q1 manager 1 mia 0h"}, e.inbox(acme("dan")))
	assert.Equal(t, []string{"Q-q1 manager 1 mia 0h"}, e.inbox(acme("mia")))
	assert.Equal(t, []string{"Q-q2 vp 2 vera 25h"}, e.inbox(acme("vera")))
	items, err = e.eng.Inbox(e.ctx, acme("vera"))
	require.NoError(t, err)
	// The margin is (7000 − 5000) / 7000 = 28.57 %; facts by name.
	assert.Equal(t, "quote.max_line_discount_percent > 25 || quote.margin_percent < 20 (quote.margin_percent = 28.57, quote.max_line_discount_percent = 30)",
		items[0].Trigger.String())
	assert.Empty(t, e.inbox(approval.Actor{Tenant: "globex", User: "vera"}))

	// The week is over (the end is exclusive): dan no longer stands in.
	e.clock.advance(8*24*time.Hour - 25*time.Hour)
	require.Equal(t, t0.Add(8*24*time.Hour), e.clock.Now())
	assert.Empty(t, e.inbox(acme("dan")))
	assert.Equal(t, []string{"Q-q1 manager 1 mia 0h"}, e.inbox(acme("mia")))

	// Decided or withdrawn quotes leave the inbox.
	e.approve("vera", "q2", "vp")
	assert.Empty(t, e.inbox(acme("vera")))
	_, err = e.eng.Recall(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: "q1"})
	require.NoError(t, err)
	assert.Empty(t, e.inbox(acme("mia")))

	_, err = e.eng.Inbox(e.ctx, approval.Actor{Tenant: "acme"})
	require.ErrorIs(t, err, approval.ErrInvalid)
}

// TestInboxUnanimous: legal needs both lena and lou; lou, standing in for
// lena, has an item for each of them, one fewer once he approved.
func TestInboxUnanimous(t *testing.T) {
	e := newEnv(t, chainPolicy)
	e.create(wholeChain("q"))
	e.submit("sam", "q")
	e.approve("mia", "q", "manager")
	e.clock.advance(time.Hour)
	e.approve("vera", "q", "vp")
	_, err := e.eng.Delegate(e.ctx, acme("lena"), approval.Delegation{To: "lou", End: t0.Add(24 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, []string{"Q-q legal 3 lena 1h", "Q-q legal 3 lou 1h"}, e.inbox(acme("lou")))
	assert.Equal(t, []string{"Q-q finance 3 fay 1h"}, e.inbox(acme("fay")))
	e.approve("lou", "q", "legal") // for himself
	assert.Equal(t, []string{"Q-q legal 3 lena 1h"}, e.inbox(acme("lou")))
	assert.Equal(t, []string{"Q-q legal 3 lena 1h"}, e.inbox(acme("lena")))
}
