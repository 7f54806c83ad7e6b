package cpqhttp_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
)

// discountedQuote stores, as alice of acme, a quote of five X7 servers with
// 128 GB at 15 % off: list 5 × 5970 = 29850, 4 % volume discount → 28656,
// 15 % off → 24357.6, a discount of 18.4 % off list (1 − 0.96 × 0.85);
// with the ten SSDs (2100) the net total is 26457.6.
func discountedQuote(t *testing.T, f *fixture, percent string) (string, map[string]any) {
	t.Helper()
	resp, v := f.do(t, "acme", "POST", "/v1/quotes", `{"account":{"id":"acc-1","name":"Nordwerk AG"},
		"lines":[{"id":"1","product":"SRV-R2","quantity":"5","configuration":[{"var":"cpu","value":"X7"},{"var":"memory_gb","value":"128"}],
		"adjustment":{"discount_percent":"`+percent+`"}}]}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	return v["id"].(string), v
}

func (f *fixture) status(t *testing.T, id string) string {
	t.Helper()
	q, err := f.kit.Store().Get(context.Background(), "acme", id)
	require.NoError(t, err)
	return string(q.Status)
}

func TestApprovalPreview(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	resp, v := f.do(t, "acme", "GET", "/v1/quotes/"+id+"/approvals/preview", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	facts := v["facts"].(map[string]any)
	assert.Equal(t, "18.4", facts["max_line_discount_percent"])
	assert.Equal(t, "26457.6", facts["total"])
	steps := v["steps"].([]any)
	require.Len(t, steps, 1)
	step := steps[0].(map[string]any)
	assert.Equal(t, "manager_discount", step["rule"])
	assert.Equal(t, []any{"bob"}, step["assignees"])
	assert.Equal(t, "quote.max_line_discount_percent > 10", step["trigger"].(map[string]any)["condition"])
	// The server line may go to 10 % off list without the manager; the
	// SSDs, with the manager already asked for, to 25 % (then the VP).
	lines := v["lines"].([]any)
	require.Len(t, lines, 2)
	assert.Equal(t, map[string]any{"line": "1", "product": "SRV-R2", "discount_percent": "18.4", "max_discount_percent": "10", "beyond": []any{"manager_discount"}}, lines[0])
	assert.Equal(t, "25", lines[1].(map[string]any)["max_discount_percent"])
	assert.Equal(t, "draft", f.status(t, id))
	assert.Equal(t, "Discount over 10 %", step["name"])
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/"+id+"/approvals/preview?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "折扣超过 10%", v["steps"].([]any)[0].(map[string]any)["name"])
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/"+id+"/approvals/preview?lang=xx", "")
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeUnknownLanguage)

	resp, v = f.do(t, "globex", "GET", "/v1/quotes/"+id+"/approvals/preview", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/nope/approvals/preview", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
}

func TestApproveAndPresent(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	base := "/v1/quotes/" + id

	// Nothing to decide before a submission, and nothing to present.
	resp, v := f.doAs(t, "acme", "bob", "POST", base+"/steps/manager_discount/approve", `{"seal":"sha256:00"}`, nil)
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeApprovalNotFound)
	resp, v = f.do(t, "acme", "POST", base+"/present", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeApprovalRequired)
	assert.Equal(t, []any{"manager_discount"}, v["missing"])
	assert.Equal(t, "draft", f.status(t, id))

	resp, v = f.do(t, "acme", "POST", base+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "pending", v["status"])
	assert.Equal(t, "alice", v["submitter"])
	seal := v["seal"].(string)
	step := v["steps"].([]any)[0].(map[string]any)
	assert.Equal(t, "manager_discount", step["id"])
	assert.Equal(t, "pending", step["status"])
	assert.Equal(t, "in_review", f.status(t, id))

	// Refusals change nothing.
	for _, tc := range []struct {
		name, tenant, user, path, body string
		status                         int
		code                           string
	}{
		{"self-approval", "acme", "alice", "/steps/manager_discount/approve", `{"seal":"` + seal + `"}`, 403, cpqhttp.CodeSelfApproval},
		{"not an assignee", "acme", "carol", "/steps/manager_discount/approve", `{"seal":"` + seal + `"}`, 403, cpqhttp.CodeNotAuthorized},
		{"not an assignee rejects", "acme", "carol", "/steps/manager_discount/reject", `{"seal":"` + seal + `","comment":"no"}`, 403, cpqhttp.CodeNotAuthorized},
		{"stale seal", "acme", "bob", "/steps/manager_discount/approve", `{"seal":"sha256:00"}`, 409, cpqhttp.CodeStaleSeal},
		{"no seal", "acme", "bob", "/steps/manager_discount/approve", `{}`, 400, cpqhttp.CodeInvalid},
		{"reject without comment", "acme", "bob", "/steps/manager_discount/reject", `{"seal":"` + seal + `"}`, 400, cpqhttp.CodeInvalid},
		{"unknown step", "acme", "bob", "/steps/vp_discount/approve", `{"seal":"` + seal + `"}`, 404, cpqhttp.CodeStepNotFound},
		{"other tenant", "globex", "bob", "/steps/manager_discount/approve", `{"seal":"` + seal + `"}`, 404, cpqhttp.CodeQuoteNotFound},
		{"unknown field", "acme", "bob", "/steps/manager_discount/approve", `{"seal":"` + seal + `","approver":"bob"}`, 400, cpqhttp.CodeMalformed},
		{"recall by another", "acme", "bob", "/recall", ``, 403, cpqhttp.CodeNotAuthorized},
		{"present in review", "acme", "alice", "/present", ``, 409, cpqhttp.CodeQuoteTransition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.doAs(t, tc.tenant, tc.user, "POST", base+tc.path, tc.body, nil)
			requireProblem(t, resp, v, tc.status, tc.code)
			assert.Equal(t, "in_review", f.status(t, id))
			as, err := f.kit.Store().Approvals(context.Background(), "acme", id)
			require.NoError(t, err)
			require.Len(t, as, 1)
			assert.Equal(t, "pending", string(as[0].Status))
			assert.Empty(t, as[0].Steps[0].Decisions)
		})
	}

	resp, v = f.doAs(t, "acme", "bob", "POST", base+"/steps/manager_discount/approve", `{"seal":"`+seal+`","comment":"ok for Nordwerk"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "approved", v["status"])
	d := v["steps"].([]any)[0].(map[string]any)["decisions"].([]any)[0].(map[string]any)
	assert.Equal(t, "bob", d["approver"])
	assert.Equal(t, true, d["approve"])
	assert.Equal(t, "approved", f.status(t, id))

	resp, v = f.doAs(t, "acme", "bob", "POST", base+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotPending)

	resp, v = f.do(t, "acme", "POST", base+"/present", `{"seal":"`+seal+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "presented", v["status"])
}

func TestRejectAndRecall(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	base := "/v1/quotes/" + id
	resp, v := f.do(t, "acme", "POST", base+"/submit", `{"comment":"please"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)
	resp, v = f.doAs(t, "acme", "bob", "POST", base+"/steps/manager_discount/reject", `{"seal":"`+seal+`","comment":"too deep"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "rejected", v["status"])
	assert.Equal(t, "draft", f.status(t, id))

	// Submitted again, recalled by the submitter.
	resp, v = f.do(t, "acme", "POST", base+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(2), v["round"])
	assert.Equal(t, "in_review", f.status(t, id))
	resp, v = f.do(t, "acme", "POST", base+"/recall", `{"comment":"one more line"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "recalled", v["status"])
	assert.Equal(t, "draft", f.status(t, id))
	resp, v = f.do(t, "acme", "POST", base+"/recall", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotPending)

	resp, v = f.do(t, "globex", "POST", base+"/submit", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "POST", "/v1/quotes/nope/submit", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "POST", base+"/submit", `{"seal":"sha256:00"}`)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeStaleSeal)
	assert.Equal(t, "draft", f.status(t, id))
}

func TestPresentWithoutApprovalNeeded(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "5")
	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/present", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "presented", v["status"])
}

func TestInbox(t *testing.T) {
	f := newFixture(t)
	inbox := func(tenant, user string) []any {
		t.Helper()
		resp, v := f.doAs(t, tenant, user, "GET", "/v1/approvals/inbox", "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		return v["items"].([]any)
	}
	id, q := discountedQuote(t, f, "15")
	assert.Empty(t, inbox("acme", "bob"), "nothing submitted yet")

	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)

	// bob, every owner's manager, has the manager's step of alice's quote
	// (18.4 % off list), pending since the submission.
	items := inbox("acme", "bob")
	require.Len(t, items, 1)
	it := items[0].(map[string]any)
	assert.Equal(t, id, it["quote"])
	assert.Equal(t, q["number"], it["number"])
	assert.Equal(t, id+"/1", it["approval"])
	assert.Equal(t, seal, it["seal"])
	assert.Equal(t, "manager_discount", it["step"])
	assert.Equal(t, "Discount over 10 %", it["name"])
	assert.Equal(t, float64(1), it["level"])
	assert.Equal(t, "bob", it["assignee"])
	assert.Nil(t, it["delegation"])
	assert.Equal(t, "alice", it["submitter"])
	assert.Equal(t, day.Format(time.RFC3339), it["since"])
	assert.Equal(t, map[string]any{"condition": "quote.max_line_discount_percent > 10",
		"facts": []any{map[string]any{"name": "quote.max_line_discount_percent", "value": "18.4"}}}, it["trigger"])

	// In the language asked for, the rule's name comes from the catalog.
	resp, v = f.doAs(t, "acme", "bob", "GET", "/v1/approvals/inbox?lang=zh-CN", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "折扣超过 10%", v["items"].([]any)[0].(map[string]any)["name"])
	resp, v = f.doAs(t, "acme", "bob", "GET", "/v1/approvals/inbox?lang=xx", "", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, v)
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/"+id+"/approvals?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	step := v["approvals"].([]any)[0].(map[string]any)["steps"].([]any)[0].(map[string]any)
	assert.Equal(t, "折扣超过 10%", step["name"])
	// The stored approval keeps its name.
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/"+id+"/approvals", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	step = v["approvals"].([]any)[0].(map[string]any)["steps"].([]any)[0].(map[string]any)
	assert.Equal(t, "Discount over 10 %", step["name"])
	assert.Equal(t, "Discount over 10 %", inbox("acme", "bob")[0].(map[string]any)["name"])

	assert.Empty(t, inbox("acme", "alice"), "the owner and submitter decides nothing")
	assert.Empty(t, inbox("acme", "carol"), "not an assignee")
	assert.Empty(t, inbox("globex", "bob"), "another tenant sees nothing")

	// Decided, the step leaves the inbox.
	resp, v = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Empty(t, inbox("acme", "bob"))

	resp, v = f.do(t, "", "GET", "/v1/approvals/inbox", "")
	requireProblem(t, resp, v, http.StatusUnauthorized, cpqhttp.CodeUnauthenticated)
}
