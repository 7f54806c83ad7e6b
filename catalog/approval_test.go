package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
)

const approvalPolicy = `id: approvals
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_policy: {reapproval: always}
approval_rules:
  - id: manager
    condition: quote.max_line_discount_percent > 10
    approver: {relation: manager_of_owner}
    level: 1
    escalation: {after: 1d12h, to: {role: sales_director}}
    reapproval: not_worse
  - id: legal
    condition: quote.edited_terms
    approver: {group: legal, unanimous: true}
    level: 2
`

func TestApprovalPolicy(t *testing.T) {
	c, err := catalog.Parse([]byte(approvalPolicy), "approvals.yaml")
	require.NoError(t, err)
	manager, legal := c.ApprovalRules[0], c.ApprovalRules[1]
	require.NotNil(t, manager.Escalation)
	assert.Equal(t, 36*time.Hour, time.Duration(manager.Escalation.After), "1d12h is 36 hours")
	assert.Equal(t, "role sales_director", manager.Escalation.To.String())
	assert.Equal(t, catalog.ReapprovalNotWorse, c.Reapproval(manager), "the rule's own mode")
	assert.Equal(t, catalog.ReapprovalAlways, c.Reapproval(legal), "the catalog's default")
	assert.Equal(t, "group legal (all members)", legal.Approver.String())
	assert.Equal(t, "relation", manager.Approver.Kind())

	c, err = catalog.Parse([]byte(`id: x
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_rules:
  - {id: r, condition: quote.total > 0, approver: {user: mia}}
`), "x.yaml")
	require.NoError(t, err)
	assert.Equal(t, catalog.ReapprovalNotWorse, c.Reapproval(c.ApprovalRules[0]), "not_worse unless said otherwise")
	assert.Nil(t, c.ApprovalRules[0].Escalation)
}

// TestApprovalPolicyMistakes checks that each mistake is reported at the
// line and column worked out by hand from the text.
func TestApprovalPolicyMistakes(t *testing.T) {
	const src = `id: approvals
version: "1"
effective_from: 2026-01-01
currency: EUR
approval_policy: {reapproval: sometimes}
approval_rules:
  - id: a
    condition: quote.total > 1
    approver: {user: mia}
    escalation: {after: 0h, to: {}}
  - id: b
    condition: quote.total > 1
    approver: {user: mia}
    escalation: {after: 2w, to: {user: sue}}
    reapproval: never
`
	_, err := catalog.Parse([]byte(src), "approvals.yaml")
	var list catalog.Errors
	require.ErrorAs(t, err, &list)
	type want struct {
		line, col int
		code      string
		path      string
	}
	wants := []want{
		{5, 31, "catalog.invalid", "approval_policy.reapproval"},
		{10, 25, "catalog.range", "approval_rules[0].escalation.after"},
		{10, 33, "catalog.invalid", "approval_rules[0].escalation.to"},
		{14, 25, "catalog.type", "approval_rules[1].escalation.after"},
		{15, 17, "catalog.invalid", "approval_rules[1].reapproval"},
	}
	require.Len(t, list, len(wants), "%v", err)
	for i, w := range wants {
		assert.Equal(t, w.line, list[i].Pos.Line, "problem %d: %s", i, list[i])
		assert.Equal(t, w.col, list[i].Pos.Column, "problem %d: %s", i, list[i])
		assert.Equal(t, w.code, list[i].Code, "problem %d: %s", i, list[i])
		assert.Equal(t, w.path, list[i].Path, "problem %d: %s", i, list[i])
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"48h", 48 * time.Hour, false},
		{"3d", 72 * time.Hour, false},
		{"1d12h30m", 36*time.Hour + 30*time.Minute, false},
		{"90s", 90 * time.Second, false},
		{"", 0, true},
		{"h", 0, true},
		{"12", 0, true},
		{"2w", 0, true},
		{"1.5h", 0, true},
		{"999999999999d", 0, true},
	}
	for _, tt := range tests {
		got, err := catalog.ParseDuration(tt.in)
		if tt.err {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, time.Duration(got), tt.in)
	}
}
