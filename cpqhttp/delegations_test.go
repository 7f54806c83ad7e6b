package cpqhttp_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/cpqhttp"
)

func trailActions(v map[string]any) []string {
	var out []string
	for _, r := range v["trail"].([]any) {
		r := r.(map[string]any)
		out = append(out, r["action"].(string)+" by "+r["actor"].(string))
	}
	return out
}

func TestQuoteApprovalsAndTrail(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	path := "/v1/quotes/" + id + "/approvals"
	resp, v := f.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, map[string]any{"quote": id, "approvals": []any{}, "trail": []any{}}, v)

	resp, v = f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", `{"comment":"for Nordwerk"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)
	resp, v = f.doAs(t, "acme", "carol", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	requireProblem(t, resp, v, http.StatusForbidden, cpqhttp.CodeNotAuthorized)
	resp, v = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`","comment":"ok"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)

	resp, v = f.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	as := v["approvals"].([]any)
	require.Len(t, as, 1)
	a := as[0].(map[string]any)
	assert.Equal(t, "approved", a["status"])
	assert.Equal(t, seal, a["seal"])
	assert.Equal(t, "for Nordwerk", a["comment"])
	// The refused attempt is in the trail too.
	assert.Equal(t, []string{"submitted by alice", "level_started by alice", "refused by carol", "approved by bob", "completed by bob"}, trailActions(v))

	resp, v = f.do(t, "globex", "GET", path, "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/nope/approvals", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
}

// assignees returns the assignees of the manager's step of the quote's
// latest approval, as stored.
func (f *fixture) assignees(t *testing.T, id string) []string {
	t.Helper()
	as, err := f.kit.Store().Approvals(context.Background(), "acme", id)
	require.NoError(t, err)
	require.NotEmpty(t, as)
	return as[len(as)-1].Steps[0].Assignees
}

func TestReassign(t *testing.T) {
	f := newFixtureWith(t, fixtureSetup{admins: true})
	id, _ := discountedQuote(t, f, "15")
	path := "/v1/quotes/" + id + "/steps/manager_discount/reassign"
	resp, v := f.doAs(t, "acme", "bob", "POST", path, `{"to":"carol"}`, nil)
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeApprovalNotFound)

	resp, v = f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)

	for _, tc := range []struct {
		name, tenant, user, path, body string
		status                         int
		code                           string
	}{
		{"not the assignee's to give", "acme", "carol", path, `{"to":"dave","from":"bob"}`, 403, cpqhttp.CodeNotAuthorized},
		{"not an assignee", "acme", "carol", path, `{"to":"dave"}`, 400, cpqhttp.CodeApprovalInvalid},
		{"to the owner", "acme", "bob", path, `{"to":"alice"}`, 403, cpqhttp.CodeSelfApproval},
		{"to oneself", "acme", "bob", path, `{"to":"bob"}`, 400, cpqhttp.CodeApprovalInvalid},
		{"stale seal", "acme", "bob", path, `{"to":"carol","seal":"sha256:00"}`, 409, cpqhttp.CodeStaleSeal},
		{"nobody", "acme", "bob", path, `{}`, 400, cpqhttp.CodeInvalid},
		{"unknown step", "acme", "bob", "/v1/quotes/" + id + "/steps/vp_discount/reassign", `{"to":"carol"}`, 404, cpqhttp.CodeStepNotFound},
		{"other tenant", "globex", "bob", path, `{"to":"carol"}`, 404, cpqhttp.CodeQuoteNotFound},
		{"unknown quote", "acme", "bob", "/v1/quotes/nope/steps/manager_discount/reassign", `{"to":"carol"}`, 404, cpqhttp.CodeQuoteNotFound},
		{"unknown field", "acme", "bob", path, `{"to":"carol","tenant":"acme"}`, 400, cpqhttp.CodeMalformed},
		{"malformed", "acme", "bob", path, `{"to":`, 400, cpqhttp.CodeMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.doAs(t, tc.tenant, tc.user, "POST", tc.path, tc.body, nil)
			requireProblem(t, resp, v, tc.status, tc.code)
			assert.Equal(t, []string{"bob"}, f.assignees(t, id))
		})
	}

	// bob hands his part to carol, who then decides it and he no longer
	// may.
	resp, v = f.doAs(t, "acme", "bob", "POST", path, `{"to":"carol","seal":"`+seal+`","comment":"on leave"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{"carol"}, v["steps"].([]any)[0].(map[string]any)["assignees"])
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/"+id+"/approvals", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	trail := v["trail"].([]any)
	// The refusals are in the audit trail, the stale seal among them.
	var staleRefused bool
	for _, r := range trail {
		r := r.(map[string]any)
		if r["action"] == "refused" && r["attempt"] == "reassigned" && r["seal"] == "sha256:00" {
			staleRefused = true
		}
	}
	assert.True(t, staleRefused, "the stale-seal refusal is audited")
	last := trail[len(trail)-1].(map[string]any)
	assert.Equal(t, "reassigned", last["action"])
	assert.Equal(t, "bob", last["actor"])
	assert.Equal(t, "from bob to carol", last["reason"])
	assert.Equal(t, "on leave", last["comment"])

	// An administrator reassigns anyone's part.
	resp, v = f.doAs(t, "acme", "erin", "POST", path, `{"from":"carol","to":"dave"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []string{"dave"}, f.assignees(t, id))
	resp, v = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	requireProblem(t, resp, v, http.StatusForbidden, cpqhttp.CodeNotAuthorized)
	resp, v = f.doAs(t, "acme", "dave", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "approved", v["status"])
}

func TestDelegations(t *testing.T) {
	f := newFixtureWith(t, fixtureSetup{admins: true})
	ctx := context.Background()
	count := func(user string) int {
		ds, err := f.kit.Store().Delegations(ctx, "acme", user)
		require.NoError(t, err)
		return len(ds)
	}
	list := func(tenant, user string) []any {
		t.Helper()
		resp, v := f.doAs(t, tenant, user, "GET", "/v1/delegations", "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		return v["delegations"].([]any)
	}
	assert.Empty(t, list("acme", "bob"))

	week := day.AddDate(0, 0, 7).Format(time.RFC3339)
	for _, tc := range []struct {
		name, user, body string
		status           int
		code             string
	}{
		{"to oneself", "bob", `{"to":"bob","until":"` + week + `"}`, 400, cpqhttp.CodeApprovalInvalid},
		{"ends before it starts", "bob", `{"to":"dave","start":"2030-03-10T00:00:00Z","until":"2030-03-05T00:00:00Z"}`, 400, cpqhttp.CodeApprovalInvalid},
		{"no end", "bob", `{"to":"dave"}`, 400, cpqhttp.CodeInvalid},
		{"nobody to", "bob", `{"until":"` + week + `"}`, 400, cpqhttp.CodeInvalid},
		{"for another user", "bob", `{"to":"dave","from":"carol","until":"` + week + `"}`, 403, cpqhttp.CodeNotAuthorized},
		{"tenant in the body", "bob", `{"to":"dave","until":"` + week + `","tenant":"globex"}`, 400, cpqhttp.CodeMalformed},
		{"not a time", "bob", `{"to":"dave","until":"next week"}`, 400, cpqhttp.CodeMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.doAs(t, "acme", tc.user, "POST", "/v1/delegations", tc.body, nil)
			requireProblem(t, resp, v, tc.status, tc.code)
			assert.Zero(t, count("bob"))
			assert.Zero(t, count("dave"))
		})
	}

	// bob lets dave decide for him for a week.
	resp, v := f.doAs(t, "acme", "bob", "POST", "/v1/delegations", `{"to":"dave","until":"`+week+`","reason":"holiday"}`, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	did := v["id"].(string)
	assert.Equal(t, "/v1/delegations/"+did, resp.Header.Get("Location"))
	assert.Equal(t, "acme", v["tenant"])
	assert.Equal(t, "bob", v["from"])
	assert.Equal(t, "dave", v["to"])
	assert.Equal(t, day.Format(time.RFC3339), v["start"])
	assert.Equal(t, week, v["end"])
	assert.Equal(t, "holiday", v["reason"])
	assert.Equal(t, "bob", v["created_by"])
	assert.Equal(t, true, v["active"])
	assert.Len(t, list("acme", "bob"), 1)
	assert.Len(t, list("acme", "dave"), 1, "the delegate sees it too")
	assert.Empty(t, list("acme", "carol"))
	assert.Empty(t, list("globex", "bob"))

	// dave decides bob's step of alice's quote on his behalf.
	id, _ := discountedQuote(t, f, "15")
	resp, v = f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)
	resp, v = f.doAs(t, "acme", "dave", "GET", "/v1/approvals/inbox", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	items := v["items"].([]any)
	require.Len(t, items, 1)
	assert.Equal(t, "bob", items[0].(map[string]any)["assignee"])
	assert.Equal(t, did, items[0].(map[string]any)["delegation"])

	// Only bob (or an administrator) revokes it.
	for _, tc := range []struct {
		name, tenant, user, id string
		status                 int
		code                   string
	}{
		{"by the delegate", "acme", "dave", did, 403, cpqhttp.CodeNotAuthorized},
		{"by another", "acme", "carol", did, 403, cpqhttp.CodeNotAuthorized},
		{"from another tenant", "globex", "bob", did, 404, cpqhttp.CodeDelegationNotFound},
		{"unknown", "acme", "bob", "nope", 404, cpqhttp.CodeDelegationNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.doAs(t, tc.tenant, tc.user, "DELETE", "/v1/delegations/"+tc.id, "", nil)
			requireProblem(t, resp, v, tc.status, tc.code)
			d, err := f.kit.Store().Delegation(ctx, "acme", did)
			require.NoError(t, err)
			assert.True(t, d.Active(day))
		})
	}
	resp, v = f.doAs(t, "acme", "bob", "DELETE", "/v1/delegations/"+did, "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "bob", v["revoked_by"])
	assert.Equal(t, false, v["active"])
	resp, v = f.doAs(t, "acme", "dave", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`","on_behalf_of":"bob"}`, nil)
	requireProblem(t, resp, v, http.StatusForbidden, cpqhttp.CodeNotAuthorized)

	// An administrator delegates for another user.
	resp, v = f.doAs(t, "acme", "erin", "POST", "/v1/delegations", `{"from":"carol","to":"dave","until":"`+week+`"}`, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	assert.Equal(t, "carol", v["from"])
	assert.Equal(t, "erin", v["created_by"])
	ds, err := f.kit.Store().Delegations(ctx, "acme", "carol")
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, approval.Delegation{ID: ds[0].ID, Tenant: "acme", From: "carol", To: "dave", Start: day, End: day.AddDate(0, 0, 7),
		CreatedBy: "erin", CreatedAt: day}, ds[0])
}
