package cpqhttp_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
)

// storedQuote asserts a quote's stored version and net total.
func (f *fixture) storedQuote(t *testing.T, id string, version int64, net string) {
	t.Helper()
	q, err := f.kit.Store().Get(context.Background(), "acme", id)
	require.NoError(t, err)
	assert.Equal(t, version, q.Version, "the stored version")
	assert.Equal(t, net, q.Totals.Net.String(), "the stored net total")
}

func lineIDs(v map[string]any) []string {
	var out []string
	for _, l := range v["lines"].([]any) {
		out = append(out, l.(map[string]any)["id"].(string))
	}
	return out
}

// The servers at 15 % off come to 26457.6 with their SSDs; five 25 GbE
// adapters at 380 add 1900.
func TestAddAndRemoveLines(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	lines := "/v1/quotes/" + id + "/lines"
	nic := `{"product":"NIC-25G","quantity":"5"}`

	for _, tc := range []struct {
		name, tenant, method, path, ifMatch, body string
		status                                    int
		code                                      string
	}{
		{"add without If-Match", "acme", "POST", lines, "", nic, 428, cpqhttp.CodePrecondition},
		{"add on another version", "acme", "POST", lines, "7", nic, 409, cpqhttp.CodeQuoteConflict},
		{"add with a bad If-Match", "acme", "POST", lines, "two", nic, 400, cpqhttp.CodeInvalid},
		{"add to another tenant's", "globex", "POST", lines, "1", nic, 404, cpqhttp.CodeQuoteNotFound},
		{"add to an unknown quote", "acme", "POST", "/v1/quotes/nope/lines", "1", nic, 404, cpqhttp.CodeQuoteNotFound},
		{"add malformed", "acme", "POST", lines, "1", `{"product":"NIC-25G",`, 400, cpqhttp.CodeMalformed},
		{"add with a tenant", "acme", "POST", lines, "1", `{"product":"NIC-25G","quantity":"5","tenant":"globex"}`, 400, cpqhttp.CodeMalformed},
		{"add without product", "acme", "POST", lines, "1", `{"quantity":"5"}`, 400, cpqhttp.CodeInvalid},
		{"add without quantity", "acme", "POST", lines, "1", `{"product":"NIC-25G"}`, 400, cpqhttp.CodeInvalid},
		{"add an existing line", "acme", "POST", lines, "1", `{"id":"1","product":"NIC-25G","quantity":"5"}`, 409, cpqhttp.CodeLineExists},
		{"add an unknown product", "acme", "POST", lines, "1", `{"product":"NOPE","quantity":"1"}`, 422, cpqhttp.CodePricingInvalid},
		{"remove without If-Match", "acme", "DELETE", lines + "/1", "", "", 428, cpqhttp.CodePrecondition},
		{"remove on another version", "acme", "DELETE", lines + "/1", "7", "", 409, cpqhttp.CodeQuoteConflict},
		{"remove an unknown line", "acme", "DELETE", lines + "/9", "1", "", 404, cpqhttp.CodeLineNotFound},
		{"remove a derived line", "acme", "DELETE", lines + "/1.ssd_960", "1", "", 400, cpqhttp.CodeInvalid},
		{"remove from another tenant's", "globex", "DELETE", lines + "/1", "1", "", 404, cpqhttp.CodeQuoteNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.ifMatch != "" {
				h["If-Match"] = tc.ifMatch
			}
			resp, v := f.doAs(t, tc.tenant, "alice", tc.method, tc.path, tc.body, h)
			requireProblem(t, resp, v, tc.status, tc.code)
			f.storedQuote(t, id, 1, "26457.6")
		})
	}

	resp, v := f.doAs(t, "acme", "alice", "POST", lines, nic, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, `"2"`, resp.Header.Get("ETag"))
	assert.Equal(t, []string{"1", "1.ssd_960", "2"}, lineIDs(v), "the new line takes the first free number")
	assert.Equal(t, "1900", v["lines"].([]any)[2].(map[string]any)["price"].(map[string]any)["net_total"])
	assert.Equal(t, "28357.6", v["totals"].(map[string]any)["net"])
	f.storedQuote(t, id, 2, "28357.6")

	resp, v = f.doAs(t, "acme", "alice", "DELETE", lines+"/2", "", map[string]string{"If-Match": "2"})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []string{"1", "1.ssd_960"}, lineIDs(v))
	assert.Equal(t, "26457.6", v["totals"].(map[string]any)["net"])

	// The servers go with the SSDs pricing derived from them.
	resp, v = f.doAs(t, "acme", "alice", "DELETE", lines+"/1", "", map[string]string{"If-Match": "3"})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{}, v["lines"])
	assert.Equal(t, "0", v["totals"].(map[string]any)["net"])
	f.storedQuote(t, id, 4, "0")
}

func TestLinesOfASubmittedQuoteAreLocked(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	q, err := f.kit.Store().Get(context.Background(), "acme", id)
	require.NoError(t, err)
	version := strconv.FormatInt(q.Version, 10)
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/lines", `{"product":"NIC-25G","quantity":"5"}`},
		{"DELETE", "/lines/1", ""},
		{"POST", "/recalculate", ""},
	} {
		resp, v := f.doAs(t, "acme", "alice", tc.method, "/v1/quotes/"+id+tc.path, tc.body, map[string]string{"If-Match": version})
		requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeQuoteLocked)
		f.storedQuote(t, id, q.Version, "26457.6")
	}
}

// A quote made in March keeps the prices of the catalog version it pins
// when priced again in July; moved to the July version (the server at 4400
// instead of 4200), five servers list at 30850, 4 % volume discount and
// 15 % off make 25173.6, and with the SSDs 27273.6.
func TestRecalculate(t *testing.T) {
	clk := &movingClock{t: day}
	f := newFixtureWith(t, fixtureSetup{catalogs: []*catalog.Catalog{loadServerCatalog(t), serverCatalogJune(t)}, clock: clk})
	id, _ := discountedQuote(t, f, "15")
	path := "/v1/quotes/" + id + "/recalculate"
	clk.Set(time.Date(2030, time.July, 1, 9, 0, 0, 0, time.UTC))

	for _, tc := range []struct {
		name, tenant, ifMatch, body string
		status                      int
		code                        string
	}{
		{"no If-Match", "acme", "", "", 428, cpqhttp.CodePrecondition},
		{"another version", "acme", "7", "", 409, cpqhttp.CodeQuoteConflict},
		{"other tenant", "globex", "1", "", 404, cpqhttp.CodeQuoteNotFound},
		{"malformed", "acme", "1", `{"move_to_current":`, 400, cpqhttp.CodeMalformed},
		{"unknown field", "acme", "1", `{"catalog_version":"2030.6"}`, 400, cpqhttp.CodeMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.ifMatch != "" {
				h["If-Match"] = tc.ifMatch
			}
			resp, v := f.doAs(t, tc.tenant, "alice", "POST", path, tc.body, h)
			requireProblem(t, resp, v, tc.status, tc.code)
			f.storedQuote(t, id, 1, "26457.6")
		})
	}

	resp, v := f.doAs(t, "acme", "alice", "POST", path, "", map[string]string{"If-Match": "1"})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, `"2"`, resp.Header.Get("ETag"))
	q := v["quote"].(map[string]any)
	assert.Equal(t, "26457.6", q["totals"].(map[string]any)["net"])
	assert.Equal(t, "2026.2", q["catalog_version"])
	assert.Equal(t, map[string]any{"from_revision": float64(1), "to_revision": float64(1)}, v["changes"], "nothing changed")

	resp, v = f.doAs(t, "acme", "alice", "POST", path, `{"move_to_current":true}`, map[string]string{"If-Match": "2"})
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	q = v["quote"].(map[string]any)
	assert.Equal(t, "2030.6", q["catalog_version"])
	assert.Equal(t, "27273.6", q["totals"].(map[string]any)["net"])
	assert.Contains(t, v["changes"].(map[string]any)["totals"], map[string]any{"field": "net", "before": "26457.6", "after": "27273.6"})
	f.storedQuote(t, id, 3, "27273.6")
}
