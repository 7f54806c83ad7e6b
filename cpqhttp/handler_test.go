package cpqhttp_test

import (
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

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

var day = time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)

// orgChart resolves the approvers of the server catalog's policy: bob is
// every owner's manager, carol the regional VP, dave in finance, erin in
// legal.
type orgChart struct{}

func (orgChart) Members(_ context.Context, _, kind, name string) ([]string, error) {
	switch kind + ":" + name {
	case "role:regional_vp":
		return []string{"carol"}, nil
	case "group:finance":
		return []string{"dave"}, nil
	case "group:legal":
		return []string{"erin"}, nil
	}
	return nil, nil
}

func (orgChart) Related(_ context.Context, _, relation string, _ *quote.Quote) ([]string, error) {
	if relation == "manager_of_owner" {
		return []string{"bob"}, nil
	}
	return nil, nil
}

// fixture is a server of the example server catalog on loopback, with
// tokens for two tenants.
type fixture struct {
	kit      *cpq.Kit
	handler  http.Handler
	srv      *httptest.Server
	auth     *cpqhttp.TokenAuthenticator
	sessions *memory.Sessions
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	now := func() time.Time { return day }
	kit, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{cat}, Store: memory.New(), Directory: orgChart{}, Clock: crm.ClockFunc(now)})
	require.NoError(t, err)
	auth := &cpqhttp.TokenAuthenticator{Secret: []byte("0123456789abcdef0123456789abcdef"), Now: now}
	sessions := memory.NewSessions()
	h, err := cpqhttp.New(cpqhttp.Config{Kit: kit, Authenticator: auth, Sessions: sessions, Now: now, MaxBody: 4096})
	require.NoError(t, err)
	return &fixture{kit: kit, handler: h, srv: serve(t, h), auth: auth, sessions: sessions}
}

func (f *fixture) token(tenant, user string) string {
	return f.auth.Issue(cpqhttp.Identity{Tenant: tenant, User: user}, day.Add(time.Hour))
}

// do sends a request as a tenant's user (no token when tenant is empty)
// and decodes the JSON answer into a map.
func (f *fixture) do(t *testing.T, tenant, method, path, body string) (*http.Response, map[string]any) {
	t.Helper()
	return f.doAs(t, tenant, "alice", method, path, body, nil)
}

// doAs sends a request as a tenant's user, with extra headers.
func (f *fixture) doAs(t *testing.T, tenant, user, method, path, body string, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, r)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tenant != "" {
		req.Header.Set("Authorization", "Bearer "+f.token(tenant, user))
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v), string(data))
	return resp, v
}

func requireProblem(t *testing.T, resp *http.Response, v map[string]any, status int, code string) {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, v)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	assert.Equal(t, code, v["code"])
	assert.Equal(t, float64(status), v["status"])
	assert.Equal(t, "urn:cpqkit:problem:"+code, v["type"])
	assert.Equal(t, http.StatusText(status), v["title"])
}

// domain returns the values a session's domain offers for a variable.
func domain(t *testing.T, v map[string]any, variable string) []string {
	t.Helper()
	for _, d := range v["domains"].([]any) {
		d := d.(map[string]any)
		if d["var"] == variable {
			var out []string
			for _, x := range d["values"].([]any) {
				out = append(out, x.(string))
			}
			return out
		}
	}
	t.Fatalf("no domain for %s", variable)
	return nil
}

func (f *fixture) newSession(t *testing.T, tenant string) string {
	t.Helper()
	resp, v := f.do(t, tenant, "POST", "/v1/sessions", `{"product":"SRV-R2"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	id := v["id"].(string)
	assert.Equal(t, "/v1/sessions/"+id, resp.Header.Get("Location"))
	return id
}

func TestSessionFlow(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "POST", "/v1/sessions", `{"product":"SRV-R2"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	id := v["id"].(string)
	assert.Equal(t, "SRV-R2", v["product"])
	assert.Equal(t, []any{}, v["choices"])
	assert.Equal(t, []string{"X5", "X7", "X9"}, domain(t, v, "cpu"))
	assert.Equal(t, []string{"1U", "2U"}, domain(t, v, "chassis"))
	assert.Equal(t, false, v["complete"])

	// Choosing the 1U chassis withholds X9 and liquid cooling.
	resp, v = f.do(t, "acme", "POST", "/v1/sessions/"+id+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{map[string]any{"var": "chassis", "value": "1U"}}, v["choices"])
	assert.Equal(t, []string{"X5", "X7"}, domain(t, v, "cpu"))
	assert.Equal(t, []string{"air"}, domain(t, v, "cooling"))
	assert.Equal(t, float64(2), v["version"])

	// Another request (any instance) sees the same session.
	resp, v = f.do(t, "acme", "GET", "/v1/sessions/"+id, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []string{"X5", "X7"}, domain(t, v, "cpu"))

	// Why not X9?
	resp, v = f.do(t, "acme", "GET", "/v1/sessions/"+id+"/explain?var=cpu&value=X9", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "cpu", v["var"])
	assert.Equal(t, "X9", v["value"])
	assert.Equal(t, "cpu = X9 is not available because of your choice of chassis = 1U: The X9 processor needs liquid cooling; Liquid cooling fits only the 2U chassis", v["text"])

	// Complete: defaults fill the rest (cpu X5, cooling air).
	resp, v = f.do(t, "acme", "POST", "/v1/sessions/"+id+"/complete", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "SRV-R2", v["product"])
	values := map[string]string{}
	for _, c := range v["values"].([]any) {
		c := c.(map[string]any)
		values[c["var"].(string)] = c["value"].(string)
	}
	assert.Equal(t, "1U", values["chassis"])
	assert.Equal(t, "X5", values["cpu"])
	assert.Equal(t, "air", values["cooling"])

	// Withdrawing the chassis frees X9 again.
	resp, v = f.do(t, "acme", "DELETE", "/v1/sessions/"+id+"/choices/chassis", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{}, v["choices"])
	assert.Equal(t, []string{"X5", "X7", "X9"}, domain(t, v, "cpu"))
	assert.Equal(t, float64(3), v["version"])
}

func TestSetUnavailableIsExplainedAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	resp, v := f.do(t, "acme", "POST", "/v1/sessions/"+id+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)

	resp, v = f.do(t, "acme", "POST", "/v1/sessions/"+id+"/choices", `{"var":"cpu","value":"X9"}`)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotAvailable)
	e := v["explanation"].(map[string]any)
	assert.Equal(t, "cpu", e["var"])
	assert.Equal(t, "X9", e["value"])
	assert.Equal(t, []any{map[string]any{"var": "chassis", "value": "1U"}}, e["choices"])
	var rules []string
	for _, r := range e["rules"].([]any) {
		rules = append(rules, r.(map[string]any)["ID"].(string))
	}
	assert.ElementsMatch(t, []string{"x9_liquid", "liquid_2u"}, rules)
	assert.Equal(t, "cpu = X9 is not available because of your choice of chassis = 1U: The X9 processor needs liquid cooling; Liquid cooling fits only the 2U chassis", v["detail"])

	snap, version, err := f.sessions.Get(context.Background(), "acme", id)
	require.NoError(t, err)
	assert.Equal(t, int64(2), version)
	assert.Contains(t, string(snap), `"choices":[{"var":"chassis","value":"1U"}]`)
}

func TestSessionBadInput(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	choices := "/v1/sessions/" + id + "/choices"
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"malformed json", "POST", choices, `{"var":"cpu",`, 400, cpqhttp.CodeMalformed},
		{"not an object", "POST", choices, `[1,2]`, 400, cpqhttp.CodeMalformed},
		{"unknown field", "POST", choices, `{"var":"cpu","value":"X5","tenant":"globex"}`, 400, cpqhttp.CodeMalformed},
		{"trailing data", "POST", choices, `{"var":"cpu","value":"X5"} {}`, 400, cpqhttp.CodeMalformed},
		{"empty body", "POST", choices, ``, 400, cpqhttp.CodeMalformed},
		{"missing value", "POST", choices, `{"var":"cpu"}`, 400, cpqhttp.CodeInvalid},
		{"too large", "POST", choices, `{"var":"cpu","value":"` + strings.Repeat("x", 5000) + `"}`, 413, cpqhttp.CodeTooLarge},
		{"unknown variable", "POST", choices, `{"var":"colour","value":"red"}`, 400, cpqhttp.CodeUnknownVariable},
		{"unknown value", "POST", choices, `{"var":"cpu","value":"X11"}`, 422, cpqhttp.CodeUnknownValue},
		{"unset unknown variable", "DELETE", choices + "/colour", ``, 400, cpqhttp.CodeUnknownVariable},
		{"explain without value", "GET", "/v1/sessions/" + id + "/explain?var=cpu", ``, 400, cpqhttp.CodeInvalid},
		{"explain unknown value", "GET", "/v1/sessions/" + id + "/explain?var=cpu&value=X11", ``, 422, cpqhttp.CodeUnknownValue},
		{"unknown session", "GET", "/v1/sessions/nope", ``, 404, cpqhttp.CodeSessionNotFound},
		{"set on unknown session", "POST", "/v1/sessions/nope/choices", `{"var":"cpu","value":"X5"}`, 404, cpqhttp.CodeSessionNotFound},
		{"unknown product", "POST", "/v1/sessions", `{"product":"NOPE"}`, 404, cpqhttp.CodeProductNotFound},
		{"missing product", "POST", "/v1/sessions", `{}`, 400, cpqhttp.CodeInvalid},
		{"unknown route", "GET", "/v1/nothing", ``, 404, cpqhttp.CodeNotFound},
		{"wrong method", "PUT", "/v1/sessions/" + id, ``, 405, cpqhttp.CodeMethodNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, "acme", tc.method, tc.path, tc.body)
			requireProblem(t, resp, v, tc.status, tc.code)
		})
	}
	resp, _ := f.do(t, "acme", "DELETE", "/v1/me", "")
	assert.Equal(t, "GET", resp.Header.Get("Allow"))
	resp, _ = f.do(t, "acme", "PATCH", "/v1/quotes/x", "")
	assert.Equal(t, "GET, PUT", resp.Header.Get("Allow"))
	// None of the refusals changed the session.
	snap, version, err := f.sessions.Get(context.Background(), "acme", id)
	require.NoError(t, err)
	assert.Equal(t, int64(1), version)
	assert.NotContains(t, string(snap), `"var"`)
}

func TestWrongMediaType(t *testing.T) {
	f := newFixture(t)
	req, err := http.NewRequest("POST", f.srv.URL+"/v1/sessions", strings.NewReader(`{"product":"SRV-R2"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+f.token("acme", "alice"))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	requireProblem(t, resp, v, http.StatusUnsupportedMediaType, cpqhttp.CodeUnsupportedMedia)
}

func TestOtherTenantCannotSeeSession(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	resp, v := f.do(t, "globex", "GET", "/v1/sessions/"+id, "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)
	resp, v = f.do(t, "globex", "POST", "/v1/sessions/"+id+"/choices", `{"var":"chassis","value":"1U"}`)
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)

	snap, version, err := f.sessions.Get(context.Background(), "acme", id)
	require.NoError(t, err)
	assert.Equal(t, int64(1), version)
	assert.NotContains(t, string(snap), `"var"`)
}

func TestUnauthenticated(t *testing.T) {
	f := newFixture(t)
	expired := f.auth.Issue(cpqhttp.Identity{Tenant: "acme", User: "alice"}, day)
	good := f.token("acme", "alice")
	forged := strings.Replace(good, good[strings.LastIndexByte(good, '.')+1:], "AAAA", 1)
	for name, header := range map[string]string{
		"none":    "",
		"basic":   "Basic YWxpY2U6c2VjcmV0",
		"garbage": "Bearer garbage",
		"expired": "Bearer " + expired,
		"forged":  "Bearer " + forged,
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest("POST", f.srv.URL+"/v1/sessions", strings.NewReader(`{"product":"SRV-R2"}`))
			require.NoError(t, err)
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			resp, err := f.srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var v map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
			requireProblem(t, resp, v, http.StatusUnauthorized, cpqhttp.CodeUnauthenticated)
			assert.Equal(t, `Bearer realm="cpqkit"`, resp.Header.Get("WWW-Authenticate"))
		})
	}
}

func TestPricePreview(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "POST", "/v1/price",
		`{"customer":{"id":"acc-1"},"lines":[{"id":"1","product":"SRV-R2","quantity":"5","values":{"cpu":"X7","memory_gb":"128"}}]}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	lines := v["lines"].([]any)
	require.Len(t, lines, 2)
	server := lines[0].(map[string]any)
	assert.Equal(t, "SRV-R2", server["product"])
	// 4200 × 5 = 21000; cpu X7 +1350 × 5 → 27750; memory +420 × 5 →
	// 29850; volume tier 5–19: 4% of 29850 = 1194 off → 28656.
	var after []string
	for _, s := range server["steps"].([]any) {
		after = append(after, s.(map[string]any)["after"].(string))
	}
	assert.Equal(t, []string{"21000.00 USD", "27750.00 USD", "29850.00 USD", "28656.00 USD"}, after)
	assert.Equal(t, "28656.00 USD", server["net"])
	// The default storage option: 2 SSDs per server × 5 at 210 = 2100.
	ssd := lines[1].(map[string]any)
	assert.Equal(t, "DRV-SSD-960", ssd["product"])
	assert.Equal(t, "2100.00 USD", ssd["net"])
	totals := v["totals"].(map[string]any)
	assert.Equal(t, "31950.00 USD", totals["list"])
	assert.Equal(t, "1194.00 USD", totals["discount"])
	assert.Equal(t, "30756.00 USD", totals["net"])
}

func TestPriceBadInput(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"no lines", `{"lines":[]}`, 400, cpqhttp.CodeInvalid},
		{"no product", `{"lines":[{"quantity":"1"}]}`, 400, cpqhttp.CodeInvalid},
		{"bad quantity", `{"lines":[{"product":"SRV-R2","quantity":"five"}]}`, 400, cpqhttp.CodeMalformed},
		{"unknown field", `{"tenant":"globex","lines":[{"product":"SRV-R2","quantity":"1"}]}`, 400, cpqhttp.CodeMalformed},
		{"unknown product", `{"lines":[{"product":"NOPE","quantity":"1"}]}`, 422, cpqhttp.CodePricingInvalid},
		{"unknown value", `{"lines":[{"product":"SRV-R2","quantity":"1","values":{"cpu":"X11"}}]}`, 422, cpqhttp.CodePricingInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, "acme", "POST", "/v1/price", tc.body)
			requireProblem(t, resp, v, tc.status, tc.code)
		})
	}
}

func TestQuotes(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "POST", "/v1/quotes", `{"account":{"id":"acc-1","name":"Nordwerk AG"},
		"lines":[{"id":"1","product":"SRV-R2","quantity":"5","configuration":[{"var":"cpu","value":"X7"},{"var":"memory_gb","value":"128"}]}]}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	id := v["id"].(string)
	assert.Equal(t, "/v1/quotes/"+id, resp.Header.Get("Location"))
	assert.Equal(t, "acme", v["tenant"])
	assert.Equal(t, "draft", v["status"])
	assert.Equal(t, "alice", v["header"].(map[string]any)["owner"])

	resp, v = f.do(t, "acme", "GET", "/v1/quotes/"+id, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, id, v["id"])
	// As in the price preview: 28656 for the servers and 2100 for their
	// SSDs.
	totals := v["totals"].(map[string]any)
	assert.Equal(t, "31950", totals["list"])
	assert.Equal(t, "1194", totals["discount"])
	assert.Equal(t, "30756", totals["net"])

	resp, v = f.do(t, "globex", "GET", "/v1/quotes/"+id, "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
	resp, v = f.do(t, "acme", "GET", "/v1/quotes/nope", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeQuoteNotFound)
}

func TestCreateQuoteRefused(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"no account", `{"lines":[]}`, 400, cpqhttp.CodeInvalid},
		{"line without id", `{"account":{"id":"a"},"lines":[{"product":"SRV-R2","quantity":"1"}]}`, 400, cpqhttp.CodeInvalid},
		{"tenant in body", `{"tenant":"globex","account":{"id":"a"}}`, 400, cpqhttp.CodeMalformed},
		{"unknown product", `{"account":{"id":"a"},"lines":[{"id":"1","product":"NOPE","quantity":"1"}]}`, 422, cpqhttp.CodePricingInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, "acme", "POST", "/v1/quotes", tc.body)
			requireProblem(t, resp, v, tc.status, tc.code)
		})
	}
}

// A body of the wrong shape is told in terms of its JSON, not of the Go
// types behind it.
func TestMalformedSaysWhereInTheJSON(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "POST", "/v1/quotes", `{"account":{"id":"a","name":"n"},"lines":[{"id":"1","product":"SRV-R2","quantity":"1","configuration":{}}]}`)
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeMalformed)
	detail := v["detail"].(string)
	assert.Contains(t, detail, "lines.configuration: a JSON object is not what it takes")
	assert.NotContains(t, detail, "Go ")
	assert.NotContains(t, detail, "cpqhttp.")
	assert.NotContains(t, detail, "quote.")
}
