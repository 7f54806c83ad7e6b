package cpqhttp_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
)

const editBody = `{"title":"Rack refresh","account":{"id":"acc-1","name":"Nordwerk AG"},
	"lines":[{"id":"1","product":"SRV-R2","quantity":"5","configuration":[{"var":"cpu","value":"X7"},{"var":"memory_gb","value":"128"}],
	"adjustment":{"discount_percent":"5"}}]}`

func TestUpdateQuote(t *testing.T) {
	f := newFixture(t)
	id, q := discountedQuote(t, f, "15")
	path := "/v1/quotes/" + id
	version := q["version"].(float64)
	require.Equal(t, float64(1), version, "priced and stored in one write")

	resp, v := f.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, `"1"`, resp.Header.Get("ETag"))

	// Refusals write nothing.
	for _, tc := range []struct {
		name, tenant, path, ifMatch, body string
		status                            int
		code                              string
	}{
		{"no If-Match", "acme", path, "", editBody, 428, cpqhttp.CodePrecondition},
		{"bad If-Match", "acme", path, "abc", editBody, 400, cpqhttp.CodeInvalid},
		{"future version", "acme", path, "2", editBody, 409, cpqhttp.CodeQuoteConflict},
		{"other tenant", "globex", path, "1", editBody, 404, cpqhttp.CodeQuoteNotFound},
		{"unknown quote", "acme", "/v1/quotes/nope", "1", editBody, 404, cpqhttp.CodeQuoteNotFound},
		{"no account", "acme", path, "1", `{"lines":[]}`, 400, cpqhttp.CodeInvalid},
		{"unknown product", "acme", path, "1", `{"account":{"id":"a"},"lines":[{"id":"1","product":"NOPE","quantity":"1"}]}`, 422, cpqhttp.CodePricingInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.ifMatch != "" {
				h["If-Match"] = tc.ifMatch
			}
			resp, v := f.doAs(t, tc.tenant, "alice", "PUT", tc.path, tc.body, h)
			requireProblem(t, resp, v, tc.status, tc.code)
			stored, err := f.kit.Store().Get(context.Background(), "acme", id)
			require.NoError(t, err)
			assert.Equal(t, int64(1), stored.Version)
			assert.Equal(t, "26457.6", stored.Totals.Net.String())
		})
	}

	// 5 % off 28656 is 27223.2; with the SSDs, 29323.2.
	resp, v = f.doAs(t, "acme", "alice", "PUT", path, editBody, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, `"2"`, resp.Header.Get("ETag"))
	assert.Equal(t, float64(2), v["version"])
	assert.Equal(t, "Rack refresh", v["header"].(map[string]any)["title"])
	assert.Equal(t, "27223.2", v["lines"].([]any)[0].(map[string]any)["price"].(map[string]any)["net_total"])
	assert.Equal(t, "29323.2", v["totals"].(map[string]any)["net"])

	// The same version again is stale now.
	resp, v = f.doAs(t, "acme", "alice", "PUT", path, editBody, map[string]string{"If-Match": "1"})
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeQuoteConflict)
}

func TestUpdateSubmittedQuoteIsRefused(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	stored, err := f.kit.Store().Get(context.Background(), "acme", id)
	require.NoError(t, err)
	resp, v = f.doAs(t, "acme", "alice", "PUT", "/v1/quotes/"+id, editBody, map[string]string{"If-Match": strconv.FormatInt(stored.Version, 10)})
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeQuoteLocked)
	after, err := f.kit.Store().Get(context.Background(), "acme", id)
	require.NoError(t, err)
	assert.Equal(t, stored.Version, after.Version)
	assert.Equal(t, "in_review", string(after.Status))
}

// raw sends a GET as alice and returns the response and its body.
func (f *fixture) raw(t *testing.T, tenant, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", f.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+f.token(tenant, "alice"))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(data)
}
