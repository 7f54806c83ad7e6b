package cpqhttp_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/quote"
)

// approvedQuote stores alice's quote at 15 % off, approved by bob, and
// returns its ID and seal.
func approvedQuote(t *testing.T, f *fixture) (string, string) {
	t.Helper()
	id, _ := discountedQuote(t, f, "15")
	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)
	resp, v = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	return id, seal
}

func (f *fixture) quote(t *testing.T, id string) *quote.Quote {
	t.Helper()
	q, err := f.kit.Store().Get(context.Background(), "acme", id)
	require.NoError(t, err)
	return q
}

// An approved revision is revised into a new draft revision; editing it
// (5 % off instead of 15 %) shows in the diff between the two, and the
// first stays readable as it was approved.
func TestReviseAndRevisions(t *testing.T) {
	f := newFixture(t)
	id, seal := approvedQuote(t, f)
	base := "/v1/quotes/" + id
	approved := f.quote(t, id)
	require.Equal(t, quote.StatusApproved, approved.Status)

	resp, v := f.doAs(t, "acme", "alice", "POST", base+"/revise", "", map[string]string{"If-Match": "1"})
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeQuoteConflict)
	resp, v = f.do(t, "globex", "POST", base+"/revise", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.doAs(t, "acme", "alice", "POST", base+"/revise", "", map[string]string{"If-Match": "x"})
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeInvalid)
	assert.Equal(t, approved, f.quote(t, id), "refusals change nothing")

	resp, v = f.do(t, "acme", "POST", base+"/revise", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(2), v["revision"])
	assert.Equal(t, "draft", v["status"])
	assert.Nil(t, v["seal"])
	version := v["version"].(float64)
	assert.Equal(t, `"`+formatFloat(version)+`"`, resp.Header.Get("ETag"))

	// A draft is edited in place, not revised.
	resp, v = f.do(t, "acme", "POST", base+"/revise", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeQuoteTransition)

	resp, v = f.doAs(t, "acme", "alice", "PUT", base, editBody, map[string]string{"If-Match": formatFloat(version)})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)

	resp, v = f.do(t, "acme", "GET", base+"/revisions", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(2), v["current"])
	revs := v["revisions"].([]any)
	require.Len(t, revs, 2)
	first, second := revs[0].(map[string]any), revs[1].(map[string]any)
	assert.Equal(t, float64(1), first["revision"])
	assert.Equal(t, "approved", first["status"])
	assert.Equal(t, seal, first["seal"])
	assert.Equal(t, "26457.6", first["totals"].(map[string]any)["net"])
	assert.Equal(t, "draft", second["status"])
	assert.Equal(t, "29323.2", second["totals"].(map[string]any)["net"])

	resp, v = f.do(t, "acme", "GET", base+"/revisions/1", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "approved", v["status"])
	assert.Equal(t, seal, v["seal"])
	assert.Equal(t, "15", v["lines"].([]any)[0].(map[string]any)["adjustment"].(map[string]any)["discount_percent"])
	resp, v = f.do(t, "acme", "GET", base+"/revisions/2", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "Rack refresh", v["header"].(map[string]any)["title"])

	// From the approved revision to the edited one: the title, the
	// server line (27223.2 instead of 24357.6) and the totals.
	resp, v = f.do(t, "acme", "GET", base+"/diff", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(1), v["from_revision"])
	assert.Equal(t, float64(2), v["to_revision"])
	assert.Equal(t, []any{map[string]any{"field": "title", "before": "", "after": "Rack refresh"}}, v["header"])
	assert.Contains(t, v["lines_changed"].([]any)[0].(map[string]any)["changes"], map[string]any{"field": "net_total", "before": "24357.6", "after": "27223.2"})
	assert.Contains(t, v["totals"], map[string]any{"field": "net", "before": "26457.6", "after": "29323.2"})
	resp, v = f.do(t, "acme", "GET", base+"/diff?from=2&to=1", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Contains(t, v["totals"], map[string]any{"field": "net", "before": "29323.2", "after": "26457.6"})
	resp, v = f.do(t, "acme", "GET", base+"/diff?from=1&to=1", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, map[string]any{"from_revision": float64(1), "to_revision": float64(1)}, v)

	for _, tc := range []struct {
		name, tenant, path string
		status             int
		code               string
	}{
		{"unknown revision", "acme", "/revisions/3", 404, cpqhttp.CodeRevisionNotFound},
		{"revision zero", "acme", "/revisions/0", 400, cpqhttp.CodeInvalid},
		{"not a revision", "acme", "/revisions/first", 400, cpqhttp.CodeInvalid},
		{"other tenant's revision", "globex", "/revisions/1", 404, cpqhttp.CodeQuoteNotFound},
		{"other tenant's revisions", "globex", "/revisions", 404, cpqhttp.CodeQuoteNotFound},
		{"diff to an unknown revision", "acme", "/diff?from=1&to=5", 404, cpqhttp.CodeRevisionNotFound},
		{"diff from a bad revision", "acme", "/diff?from=one", 400, cpqhttp.CodeInvalid},
		{"diff before the first", "acme", "/diff?to=1", 400, cpqhttp.CodeInvalid},
		{"other tenant's diff", "globex", "/diff", 404, cpqhttp.CodeQuoteNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, tc.tenant, "GET", base+tc.path, "")
			requireProblem(t, resp, v, tc.status, tc.code)
		})
	}
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/nope/revisions", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
}

// A quote in review is not revised under its pending approval: it is
// refused and nothing changes; the submitter recalls it instead, and it
// still needs approval to be presented.
func TestReviseInReviewIsRefused(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	base := "/v1/quotes/" + id
	resp, v := f.do(t, "acme", "POST", base+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	before := f.quote(t, id)
	for _, user := range []string{"alice", "carol"} {
		resp, v = f.doAs(t, "acme", user, "POST", base+"/revise", "", nil)
		requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeQuoteTransition)
	}
	after := f.quote(t, id)
	assert.Equal(t, before.Version, after.Version, "nothing changed")
	assert.Equal(t, "in_review", f.status(t, id))

	// Recalled, it is a draft again, to edit; presenting still needs the
	// approval.
	resp, v = f.do(t, "acme", "POST", base+"/recall", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "draft", f.status(t, id))
	resp, v = f.do(t, "acme", "POST", base+"/present", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeApprovalRequired)
	assert.Equal(t, []any{"manager_discount"}, v["missing"])
}

// formatFloat writes a JSON number as a version.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// A clone is a new draft of the user who cloned it, priced today, which
// needs approval again although the original was approved.
func TestClone(t *testing.T) {
	f := newFixture(t)
	id, _ := approvedQuote(t, f)
	original := f.quote(t, id)
	resp, v := f.doAs(t, "acme", "dave", "POST", "/v1/quotes/"+id+"/clone", "", nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	q := v["quote"].(map[string]any)
	cid := q["id"].(string)
	assert.NotEqual(t, id, cid)
	assert.Equal(t, "/v1/quotes/"+cid, resp.Header.Get("Location"))
	assert.Equal(t, `"1"`, resp.Header.Get("ETag"))
	assert.NotEqual(t, original.Number, q["number"])
	assert.Equal(t, "draft", q["status"])
	assert.Equal(t, float64(1), q["revision"])
	assert.Equal(t, "dave", q["header"].(map[string]any)["owner"])
	assert.Equal(t, "Nordwerk AG", q["header"].(map[string]any)["account"].(map[string]any)["name"])
	assert.Equal(t, "26457.6", q["totals"].(map[string]any)["net"])
	assert.Equal(t, []any{}, v["dropped"])
	assert.Equal(t, original, f.quote(t, id), "the original is unchanged")

	resp, v = f.doAs(t, "acme", "dave", "POST", "/v1/quotes/"+cid+"/present", "", nil)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeApprovalRequired)

	resp, v = f.do(t, "globex", "POST", "/v1/quotes/"+id+"/clone", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "POST", "/v1/quotes/nope/clone", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	page, err := f.kit.Store().List(context.Background(), "acme", quote.Filter{})
	require.NoError(t, err)
	assert.Len(t, page.Quotes, 2)
}

func TestListQuotes(t *testing.T) {
	f := newFixture(t)
	var ids []string
	for range 3 {
		id, _ := discountedQuote(t, f, "15")
		ids = append(ids, id)
	}
	resp, v := f.do(t, "globex", "POST", "/v1/quotes", `{"account":{"id":"g-1","name":"Globex"}}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	resp, v = f.do(t, "acme", "POST", "/v1/quotes/"+ids[1]+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)

	list := func(tenant, query string) ([]string, string) {
		t.Helper()
		resp, v := f.do(t, tenant, "GET", "/v1/quotes"+query, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		var out []string
		for _, q := range v["quotes"].([]any) {
			out = append(out, q.(map[string]any)["id"].(string))
		}
		next, _ := v["next"].(string)
		return out, next
	}
	all, next := list("acme", "")
	assert.ElementsMatch(t, ids, all)
	assert.Empty(t, next)

	// By number, two at a time.
	page1, next := list("acme", "?limit=2")
	require.Len(t, page1, 2)
	require.NotEmpty(t, next)
	page2, next := list("acme", "?limit=2&cursor="+next)
	assert.Len(t, page2, 1)
	assert.Empty(t, next)
	assert.Equal(t, all, append(page1, page2...))

	inReview, _ := list("acme", "?status=in_review")
	assert.Equal(t, []string{ids[1]}, inReview)
	both, _ := list("acme", "?status=draft,in_review")
	assert.Len(t, both, 3)
	mine, _ := list("acme", "?owner=alice")
	assert.Len(t, mine, 3)
	bobs, _ := list("acme", "?owner=bob")
	assert.Empty(t, bobs)
	globex, _ := list("globex", "")
	assert.Len(t, globex, 1)
	assert.NotContains(t, ids, globex[0])

	resp, v = f.do(t, "acme", "GET", "/v1/quotes?limit=1", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	q := v["quotes"].([]any)[0].(map[string]any)
	assert.Equal(t, "alice", q["owner"])
	assert.Equal(t, "Nordwerk AG", q["account"].(map[string]any)["name"])
	assert.Equal(t, "26457.6", q["net"])
	assert.Equal(t, "USD", q["currency"])

	for _, query := range []string{"?status=open", "?limit=0", "?limit=many", "?limit=1001", "?cursor=forged"} {
		resp, v := f.do(t, "acme", "GET", "/v1/quotes"+query, "")
		requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeInvalid)
	}
}

func TestQuoteFromOpportunity(t *testing.T) {
	fake := crmfake.NewCRM()
	fake.Put("acme", crm.Opportunity{ID: "opp-7", Name: "Rack refresh", Owner: "alice", Needs: "four racks",
		Account: crm.Account{ID: "acc-9", Name: "Hafenwerk GmbH", Currency: "USD", PaymentDays: 30}})
	fake.Put("acme", crm.Opportunity{ID: "opp-8", Account: crm.Account{ID: "acc-9", Name: "Hafenwerk GmbH", Currency: "USD"}})
	fake.Put("globex", crm.Opportunity{ID: "opp-g", Owner: "gina", Account: crm.Account{ID: "g-1", Name: "Globex", Currency: "USD"}})
	f := newFixtureWith(t, fixtureSetup{prefill: crm.PrefillConfig{Source: fake}})
	count := func() int {
		page, err := f.kit.Store().List(context.Background(), "acme", quote.Filter{})
		require.NoError(t, err)
		return len(page.Quotes)
	}

	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"unknown opportunity", `{"opportunity":"opp-0"}`, 404, cpqhttp.CodeOpportunityNotFound},
		{"another tenant's opportunity", `{"opportunity":"opp-g"}`, 404, cpqhttp.CodeOpportunityNotFound},
		{"no owner in the CRM", `{"opportunity":"opp-8"}`, 422, cpqhttp.CodeCRMMissingField},
		{"no opportunity", `{}`, 400, cpqhttp.CodeInvalid},
		{"malformed", `{"opportunity":`, 400, cpqhttp.CodeMalformed},
		{"owner in the body", `{"opportunity":"opp-7","owner":"bob"}`, 400, cpqhttp.CodeMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, "acme", "POST", "/v1/quotes/from-opportunity", tc.body)
			requireProblem(t, resp, v, tc.status, tc.code)
			assert.Zero(t, count())
		})
	}

	resp, v := f.do(t, "acme", "POST", "/v1/quotes/from-opportunity", `{"opportunity":"opp-7"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	q := v["quote"].(map[string]any)
	assert.Equal(t, "/v1/quotes/"+q["id"].(string), resp.Header.Get("Location"))
	assert.Equal(t, `"1"`, resp.Header.Get("ETag"))
	assert.Equal(t, "acme", q["tenant"])
	assert.Equal(t, "draft", q["status"])
	h := q["header"].(map[string]any)
	assert.Equal(t, "Hafenwerk GmbH", h["account"].(map[string]any)["name"])
	assert.Equal(t, "opp-7", h["opportunity"])
	assert.Equal(t, "alice", h["owner"])
	assert.Equal(t, "USD", h["currency"])
	assert.Equal(t, "four racks", h["customer_needs"])
	assert.Equal(t, "2030-04-03T00:00:00Z", h["valid_until"], "30 days from 4 March")
	assert.Equal(t, true, v["primary"])
	assert.Equal(t, []any{}, v["answers"])
	assert.Equal(t, 1, count())

	// Without a CRM the server says so.
	plain := newFixture(t)
	resp, v = plain.do(t, "acme", "POST", "/v1/quotes/from-opportunity", `{"opportunity":"opp-7"}`)
	requireProblem(t, resp, v, http.StatusNotImplemented, cpqhttp.CodeCRMNotConfigured)
}
