package cpqhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
)

// postDocument posts a document to /v1/verify as alice of a tenant.
func (f *fixture) postDocument(t *testing.T, tenant, contentType string, doc []byte) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", f.srv.URL+"/v1/verify", bytes.NewReader(doc))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+f.token(tenant, "alice"))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v), string(data))
	return resp, v
}

func TestVerifyQuoteSeal(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	path := "/v1/quotes/" + id + "/verify"
	check := func() map[string]any {
		t.Helper()
		resp, v := f.do(t, "acme", "GET", path, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		return v
	}

	// A draft being edited has no seal yet.
	v := check()
	assert.Equal(t, false, v["verified"])
	assert.Equal(t, false, v["released"])
	assert.Nil(t, v["seal"])
	assert.Equal(t, f.quote(t, id).ComputeSeal(), v["content_seal"])
	assert.Equal(t, "draft", v["status"])

	// Submitted, the content is sealed; approved, the gate releases it.
	resp, s := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, s)
	seal := s["seal"].(string)
	v = check()
	assert.Equal(t, true, v["verified"])
	assert.Equal(t, false, v["released"])
	assert.Equal(t, seal, v["seal"])
	resp, s = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, s)
	v = check()
	assert.Equal(t, map[string]any{"quote": id, "number": f.quote(t, id).Number, "revision": float64(1), "status": "approved",
		"seal": seal, "content_seal": seal, "verified": true, "released": true}, v)

	// Content changed behind the seal's back (in the store itself) no
	// longer verifies, and the gate holds it back.
	q := f.quote(t, id)
	q.Header.Title = "Changed in the database"
	require.NoError(t, f.kit.Store().Update(context.Background(), q))
	v = check()
	assert.Equal(t, false, v["verified"])
	assert.Contains(t, v["reason"], "does not match its seal")
	assert.Equal(t, false, v["released"])
	assert.NotEqual(t, seal, v["content_seal"])

	resp, v = f.do(t, "globex", "GET", path, "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/nope/verify", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
}

func TestVerifyDocuments(t *testing.T) {
	f := newFixture(t)
	id, _ := discountedQuote(t, f, "15")
	number := f.quote(t, id).Number
	document := func(format string) []byte {
		t.Helper()
		resp, body := f.raw(t, "acme", "/v1/quotes/"+id+"/document?format="+format)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		return []byte(body)
	}
	draftHTML := document("html")
	resp, v := f.do(t, "acme", "POST", "/v1/quotes/"+id+"/submit", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	seal := v["seal"].(string)
	// While it waits for approval, a draft edited to claim it is approved
	// (the seal is already the submitted content's) is not verified.
	inReview := strings.Replace(string(document("html")), `<meta name="cpq-status" content="draft">`, `<meta name="cpq-status" content="approved">`, 1)
	require.Contains(t, inReview, `content="approved"`)
	resp, v = f.postDocument(t, "acme", "text/html", []byte(inReview))
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, false, v["verified"])
	assert.Equal(t, "draft", v["failure"])

	resp, v = f.doAs(t, "acme", "bob", "POST", "/v1/quotes/"+id+"/steps/manager_discount/approve", `{"seal":"`+seal+`"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	html, jsonDoc := document("html"), document("json")

	for _, tc := range []struct {
		format, contentType string
		doc                 []byte
	}{
		{"html", "text/html; charset=utf-8", html},
		{"json", "application/json", jsonDoc},
		{"html", "", html},
		{"json", "application/octet-stream", jsonDoc},
	} {
		resp, v := f.postDocument(t, "acme", tc.contentType, tc.doc)
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		assert.Equal(t, map[string]any{"format": tc.format, "quote": id, "number": number, "revision": float64(1), "status": "approved",
			"seal": seal, "verified": true, "current_revision": float64(1), "superseded": false}, v)
	}

	resp, v = f.postDocument(t, "acme", "text/html", draftHTML)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, false, v["verified"])
	assert.Equal(t, "draft", v["status"])
	assert.Equal(t, "draft", v["failure"])

	// A document claiming another content.
	other := strings.Replace(string(html), seal, seal[:len(seal)-4]+"0000", 1)
	resp, v = f.postDocument(t, "acme", "text/html", []byte(other))
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, false, v["verified"])
	assert.Equal(t, "seal_mismatch", v["failure"])

	// Revised, the approved document still shows revision 1 as approved,
	// which is no longer the current revision.
	resp, v = f.do(t, "acme", "POST", "/v1/quotes/"+id+"/revise", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	resp, v = f.postDocument(t, "acme", "text/html", html)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, true, v["verified"])
	assert.Equal(t, true, v["superseded"])
	assert.Equal(t, float64(2), v["current_revision"])

	for _, tc := range []struct {
		name, tenant, contentType string
		doc                       []byte
		status                    int
		code                      string
	}{
		{"another tenant's quote", "globex", "text/html", html, 404, cpqhttp.CodeQuoteNotFound},
		{"not a quote document", "acme", "text/html", []byte("<!doctype html><html><head><title>x</title></head></html>"), 422, cpqhttp.CodeDocumentNotRendered},
		{"not a document model", "acme", "application/json", []byte(`{"number":"Q-1"}`), 422, cpqhttp.CodeDocumentNotRendered},
		{"not a PDF of ours", "acme", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"), 422, cpqhttp.CodeDocumentNotRendered},
		{"text", "acme", "text/plain", []byte("quote Q-1"), 415, cpqhttp.CodeUnsupportedMedia},
		{"empty", "acme", "text/html", nil, 400, cpqhttp.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.postDocument(t, tc.tenant, tc.contentType, tc.doc)
			requireProblem(t, resp, v, tc.status, tc.code)
		})
	}
}

// A PDF verifies byte for byte: a changed byte is caught by its digest.
func TestVerifyPDF(t *testing.T) {
	f := newFixtureWith(t, fixtureSetup{fonts: true})
	id, seal := approvedQuote(t, f)
	resp, body := f.raw(t, "acme", "/v1/quotes/"+id+"/document?format=pdf")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	pdf := []byte(body)
	require.Greater(t, len(pdf), 4096, "larger than the API's body limit")

	resp, v := f.postDocument(t, "acme", "application/pdf", pdf)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "pdf", v["format"])
	assert.Equal(t, true, v["verified"])
	assert.Equal(t, seal, v["seal"])
	assert.Equal(t, "approved", v["status"])

	changed := bytes.Clone(pdf)
	i := bytes.Index(changed, []byte("stream\n"))
	require.Greater(t, i, 0)
	changed[i+len("stream\n")+10] ^= 1
	resp, v = f.postDocument(t, "acme", "", changed)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, false, v["verified"])
	assert.Equal(t, "document_changed", v["failure"])
}

// TestVerifyReadsBoundedDocumentsAtOnce holds the server's only
// verification slot with an upload that has not finished: other uploads
// are refused with 503 and Retry-After until it is done, and taken again
// afterwards.
func TestVerifyReadsBoundedDocumentsAtOnce(t *testing.T) {
	f := newFixture(t)
	h, err := cpqhttp.New(cpqhttp.Config{Kit: f.kit, Authenticator: f.auth, MaxVerifications: 1})
	require.NoError(t, err)
	// Not serve: its contract recorder reads bodies whole before the
	// handler runs.
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	post := func(body io.Reader) (int, string, map[string]any, error) {
		req, err := http.NewRequest("POST", srv.URL+"/v1/verify", body)
		if err != nil {
			return 0, "", nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.token("acme", "alice"))
		resp, err := srv.Client().Do(req)
		if err != nil {
			return 0, "", nil, err
		}
		defer resp.Body.Close()
		var v map[string]any
		err = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, resp.Header.Get("Retry-After"), v, err
	}

	// The first upload sends "{" and waits: its handler holds the slot,
	// reading the rest.
	pr, pw := io.Pipe()
	first := make(chan int, 1)
	go func() {
		status, _, _, _ := post(pr)
		first <- status
	}()
	_, err = pw.Write([]byte("{"))
	require.NoError(t, err)

	// Once the first handler has the slot, every other upload is refused
	// at once. (A probe that comes first takes the slot itself and is
	// answered that it is not a document of a quote; it is tried again.)
	var status int
	var retry string
	var v map[string]any
	for range 200 {
		status, retry, v, err = post(strings.NewReader(`{}`))
		require.NoError(t, err)
		if status == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	assert.Equal(t, http.StatusServiceUnavailable, status, v)
	assert.Equal(t, cpqhttp.CodeBusy, v["code"])
	assert.Equal(t, "1", retry)

	// The first upload ends as "{}", not a document of a quote.
	_, err = pw.Write([]byte("}"))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	assert.Equal(t, http.StatusUnprocessableEntity, <-first)

	status, _, v, err = post(strings.NewReader(`{}`))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnprocessableEntity, status, v)
	assert.Equal(t, cpqhttp.CodeDocumentNotRendered, v["code"], "the slot is free again")
}
