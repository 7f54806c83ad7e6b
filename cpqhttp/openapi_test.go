package cpqhttp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
)

func TestOpenAPIMatchesMux(t *testing.T) {
	f := newFixture(t)
	// The document needs no credentials.
	resp, err := f.srv.Client().Get(f.srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3."))

	var documented []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			assert.NotEmpty(t, op["summary"], method+" "+path)
		}
	}
	var served []string
	for _, p := range cpqhttp.Patterns(f.handler) {
		if p == "/" || p == "GET /openapi.json" {
			continue // the fallback and the document itself
		}
		served = append(served, p)
	}
	slices.Sort(documented)
	slices.Sort(served)
	assert.Equal(t, served, documented)

	// Every documented operation reaches a handler of its own, not the
	// fallback.
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		resp, v := f.do(t, "acme", method, param.ReplaceAllString(path, "x"), "")
		assert.NotEqual(t, cpqhttp.CodeNotFound, v["code"], op)
		assert.NotEqual(t, http.StatusMethodNotAllowed, resp.StatusCode, op)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	f := newFixture(t)
	resp, err := f.srv.Client().Get(f.srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.True(t, json.Valid(data))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, "3.1.0", doc["openapi"])
	v := &validator{doc: doc}

	// Every reference resolves, wherever it is, and every schema uses
	// only keywords the validator checks.
	var refs func(at any, path string)
	refs = func(at any, path string) {
		switch at := at.(type) {
		case map[string]any:
			for k, x := range at {
				if ref, ok := x.(string); ok && k == "$ref" {
					_, err := v.resolve(ref)
					assert.NoError(t, err, path)
				}
				refs(x, path+"/"+k)
			}
		case []any:
			for i, x := range at {
				refs(x, fmt.Sprintf("%s/%d", path, i))
			}
		}
	}
	refs(doc, "#")
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	require.Contains(t, schemas, "Problem")
	for name, s := range schemas {
		assert.Empty(t, v.schemaKeywords(s, "#/components/schemas/"+name, map[string]bool{}))
	}

	// Every operation answers one success, JSON of a schema (or a
	// document), and problems otherwise; creations answer 201.
	operationIDs := map[string]bool{}
	for path, ops := range doc["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			op := op.(map[string]any)
			name := strings.ToUpper(method) + " " + path
			id := op["operationId"].(string)
			assert.False(t, operationIDs[id], "operationId %s is not unique", id)
			operationIDs[id] = true
			responses := op["responses"].(map[string]any)
			assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Problem"},
				responses["default"].(map[string]any)["content"].(map[string]any)["application/problem+json"].(map[string]any)["schema"], name)
			var successes []string
			for code, r := range responses {
				if code == "default" {
					continue
				}
				successes = append(successes, code)
				content := r.(map[string]any)["content"].(map[string]any)
				require.NotEmpty(t, content, name)
				for mt, m := range content {
					s := m.(map[string]any)["schema"]
					require.NotNil(t, s, name+" "+mt)
					assert.Empty(t, v.schemaKeywords(s, name+" "+code+" "+mt, map[string]bool{}))
				}
			}
			require.Len(t, successes, 1, name)
			want := "200"
			if method == "post" && slices.Contains([]string{"/v1/sessions", "/v1/quotes", "/v1/quotes/from-opportunity", "/v1/quotes/{id}/clone", "/v1/delegations"}, path) {
				want = "201"
			}
			assert.Equal(t, want, successes[0], name)
			if body, ok := op["requestBody"].(map[string]any); ok {
				for mt, m := range body["content"].(map[string]any) {
					assert.Empty(t, v.schemaKeywords(m.(map[string]any)["schema"], name+" body "+mt, map[string]bool{}))
				}
			}
		}
	}

	// The document's own schemas are the contract: a quote is a
	// component with its lines, the problem is kept, the verify body is a
	// document.
	assert.Contains(t, schemas, "Quote")
	quoteOp := doc["paths"].(map[string]any)["/v1/quotes/{id}"].(map[string]any)["get"].(map[string]any)
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Quote"},
		quoteOp["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"])
	verify := doc["paths"].(map[string]any)["/v1/verify"].(map[string]any)["post"].(map[string]any)["requestBody"].(map[string]any)
	assert.Equal(t, true, verify["required"])
	assert.ElementsMatch(t, []string{"application/pdf", "text/html", "application/xhtml+xml", "application/json", "application/octet-stream"},
		slices.Collect(maps.Keys(verify["content"].(map[string]any))))
	documentOp := doc["paths"].(map[string]any)["/v1/quotes/{id}/document"].(map[string]any)["get"].(map[string]any)
	assert.ElementsMatch(t, []string{"text/html", "application/pdf", "text/csv", "application/json"},
		slices.Collect(maps.Keys(documentOp["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any))))
}

// contract records the requests a test's server answers and checks
// them, when the test ends, against the OpenAPI document: a success must
// be the status the operation documents, in a media type it documents,
// its JSON valid against the operation's schema, and the body that was
// sent valid against the request's schema; a problem must be a valid
// Problem.
type contract struct {
	mu    sync.Mutex
	calls []call
}

// call is one request and its answer.
type call struct {
	method, target string
	reqType        string
	reqBody        []byte
	status         int
	respType       string
	respBody       []byte
}

// serve starts a server of h on loopback, checking its answers against
// the OpenAPI document when the test ends.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	c := &contract{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.calls = append(c.calls, call{method: r.Method, target: r.URL.Path, reqType: r.Header.Get("Content-Type"), reqBody: body,
			status: rec.status, respType: rec.Header().Get("Content-Type"), respBody: rec.body.Bytes()})
	}))
	t.Cleanup(func() {
		srv.Close()
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, e := range c.check(t, h) {
			t.Error("the API breaks its OpenAPI contract: " + e)
		}
	})
	return srv
}

// recorder keeps what a handler writes, and writes it on.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// openAPI is the document a handler serves.
func openAPI(t *testing.T, h http.Handler) map[string]any {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	return doc
}

// mediaType is a Content-Type without its parameters.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(strings.ToLower(mt))
}

// decodeJSON decodes JSON with its numbers as they are written.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// check returns how the calls break the document.
func (c *contract) check(t *testing.T, h http.Handler) []string {
	doc := openAPI(t, h)
	v := &validator{doc: doc}
	// The operations by pattern, as a mux of the documented patterns
	// matches them.
	mux := http.NewServeMux()
	ops := map[string]map[string]any{}
	for path, byMethod := range doc["paths"].(map[string]any) {
		for method, op := range byMethod.(map[string]any) {
			pattern := strings.ToUpper(method) + " " + path
			mux.Handle(pattern, http.NotFoundHandler())
			ops[pattern] = op.(map[string]any)
		}
	}
	var errs []string
	// checkJSON checks a JSON body (what: problem, answer or request)
	// against its schema.
	checkJSON := func(name, what string, schema any, raw []byte) {
		body, err := decodeJSON(raw)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: the %s is not JSON: %v", name, what, err))
			return
		}
		for _, e := range v.check(schema, body, what) {
			errs = append(errs, name+": "+e)
		}
	}
	for _, cl := range c.calls {
		name := cl.method + " " + cl.target
		if mediaType(cl.respType) == "application/problem+json" {
			checkJSON(name, "problem", map[string]any{"$ref": "#/components/schemas/Problem"}, cl.respBody)
			continue
		}
		if cl.status < 200 || cl.status > 299 {
			continue
		}
		_, pattern := mux.Handler(httptest.NewRequest(cl.method, cl.target, nil))
		op, ok := ops[pattern]
		if !ok {
			continue // not an operation of the API: the web interface, the document itself
		}
		name = pattern + " (" + cl.target + ")"
		responses := op["responses"].(map[string]any)
		answer, ok := responses[strconv.Itoa(cl.status)].(map[string]any)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s answered %d, which it does not document", name, cl.status))
			continue
		}
		media, ok := answer["content"].(map[string]any)[mediaType(cl.respType)].(map[string]any)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s answered %s, which it does not document", name, cl.respType))
			continue
		}
		if mediaType(cl.respType) == "application/json" {
			checkJSON(name, "answer", media["schema"], cl.respBody)
		}
		requestBody, documented := op["requestBody"].(map[string]any)
		switch {
		case len(cl.reqBody) == 0:
			if documented && requestBody["required"] == true {
				errs = append(errs, name+" succeeded without the body it documents as required")
			}
		case !documented:
			errs = append(errs, name+" was sent a body it does not document")
		default:
			content := requestBody["content"].(map[string]any)
			mt := mediaType(cl.reqType)
			if mt == "" && len(content) > 1 {
				continue // a document without a media type: the API tells its format from its first bytes
			}
			if mt == "" {
				mt = "application/json"
			}
			media, ok := content[mt].(map[string]any)
			if !ok {
				errs = append(errs, fmt.Sprintf("%s took a body of %s, which it does not document", name, mt))
				continue
			}
			if mt == "application/json" {
				checkJSON(name, "request", media["schema"], cl.reqBody)
			}
		}
	}
	return errs
}
