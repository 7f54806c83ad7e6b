package cpqhttp_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
)

func TestDocument(t *testing.T) {
	f := newFixture(t)
	id, q := discountedQuote(t, f, "15")
	path := "/v1/quotes/" + id + "/document"

	// Not approved: a draft.
	resp, body := f.raw(t, "acme", path+"?format=json")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.Equal(t, true, doc["draft"])
	assert.Equal(t, "en", doc["language"])

	// The CSV line of the servers: 5970 list, 4871.52 net a unit
	// (24357.6 / 5), 18.4 % off.
	resp, body = f.raw(t, "acme", path+"?format=csv")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	disposition, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	assert.Equal(t, "attachment", disposition)
	assert.Equal(t, q["number"].(string)+".csv", params["filename"])
	lines := strings.Split(strings.TrimSpace(body), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[1], ",SRV-R2,R2 rack server,,cpu=X7;memory_gb=128,5,,5970,4871.52,18.4,24357.6,USD,")

	resp, body = f.raw(t, "acme", path+"?format=html&lang=zh-CN")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, `<html lang="zh-CN">`)
	assert.Contains(t, body, `<meta name="cpq-status" content="draft">`)
	// Opened on its own, the document runs no script.
	csp := resp.Header.Get("Content-Security-Policy")
	assert.True(t, strings.HasPrefix(csp, "sandbox;"), csp)
	assert.Contains(t, csp, "default-src 'none'")

	// Approved: no longer a draft.
	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	resp, v = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+v["seal"].(string)+`"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	resp, body = f.raw(t, "acme", path) // html by default
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.NotContains(t, body, `content="draft"`)
	resp, body = f.raw(t, "acme", path+"?format=json")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.Equal(t, false, doc["draft"])
}

func TestDocumentRefused(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	for _, tc := range []struct {
		name, tenant, path string
		status             int
		code               string
	}{
		{"pdf without fonts", "acme", "/v1/quotes/" + id + "/document?format=pdf", 422, cpqhttp.CodeDocumentNoFont},
		{"unknown format", "acme", "/v1/quotes/" + id + "/document?format=xml", 400, cpqhttp.CodeDocumentFormat},
		{"unknown language", "acme", "/v1/quotes/" + id + "/document?lang=fr", 400, cpqhttp.CodeDocumentLanguage},
		{"other tenant", "globex", "/v1/quotes/" + id + "/document", 404, cpqhttp.CodeQuoteNotFound},
		{"unknown quote", "acme", "/v1/quotes/nope/document", 404, cpqhttp.CodeQuoteNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, tc.tenant, "GET", tc.path, "")
			requireProblem(t, resp, v, tc.status, tc.code)
		})
	}
}
