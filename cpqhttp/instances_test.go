package cpqhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/store"
	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/postgres"
	"github.com/cpqkit/cpq/store/sqlite"
)

// The session stores of the store packages are SessionStores.
var (
	_ cpqhttp.SessionStore = (*memory.Sessions)(nil)
	_ cpqhttp.SessionStore = (*sqlite.Sessions)(nil)
	_ cpqhttp.SessionStore = (*postgres.Sessions)(nil)
)

// instance is one server of the API with its own Kit, over its own handle
// of a database that other instances share.
type instance struct {
	*fixture
	sessions cpqhttp.SessionStore
}

// opener opens a new handle on the shared database: a store for the Kit
// and the sessions of that store. It is called once per instance.
type opener func(t *testing.T) (cpq.Store, cpqhttp.SessionStore)

// newInstance starts a server over a new handle of the shared database.
// Every instance signs and checks tokens with the same secret, so the
// salesperson's token works on each.
func newInstance(t *testing.T, open opener) *instance {
	t.Helper()
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	now := func() time.Time { return day }
	st, sessions := open(t)
	kit, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{cat}, Store: st, Directory: orgChart{}, Clock: crm.ClockFunc(now)})
	require.NoError(t, err)
	auth := &cpqhttp.TokenAuthenticator{Secret: []byte("0123456789abcdef0123456789abcdef"), Now: now}
	h, err := cpqhttp.New(cpqhttp.Config{Kit: kit, Authenticator: auth, Sessions: sessions, Now: now})
	require.NoError(t, err)
	return &instance{fixture: &fixture{kit: kit, handler: h, srv: serve(t, h), auth: auth}, sessions: sessions}
}

// post sends a JSON body as acme's alice and returns the status and the
// problem's code, if any; it may run outside the test's goroutine.
func (in *instance) post(path, body string) (int, any) {
	req, err := http.NewRequest("POST", in.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+in.token("acme", "alice"))
	resp, err := in.srv.Client().Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return resp.StatusCode, err.Error()
	}
	return resp.StatusCode, v["code"]
}

// sqliteOpener opens handles on one SQLite file, as servers sharing a
// disk would.
func sqliteOpener(t *testing.T) opener {
	path := filepath.Join(t.TempDir(), "cpq.db")
	return func(t *testing.T) (cpq.Store, cpqhttp.SessionStore) {
		s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path})
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.Close()) })
		return s, s.Sessions()
	}
}

// postgresOpener opens handles, each with its own connection pool, on a
// schema of the PostgreSQL database in CPQ_TEST_POSTGRES, dropped when
// the test ends; it skips the test without that variable.
func postgresOpener(t *testing.T) opener {
	url := os.Getenv("CPQ_TEST_POSTGRES")
	if url == "" {
		t.Skip("skipped: no PostgreSQL server to test against; set CPQ_TEST_POSTGRES to its address " +
			"(postgres://user@127.0.0.1:5432/db?sslmode=disable) to run this test")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	schema := fmt.Sprintf("cpq_instances_%d_%d", os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() {
		_, err := admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		assert.NoError(t, err)
		admin.Close()
	})
	return func(t *testing.T) (cpq.Store, cpqhttp.SessionStore) {
		s, err := postgres.Open(ctx, postgres.Config{URL: url, Schema: schema})
		require.NoError(t, err)
		t.Cleanup(s.Close)
		return s, s.Sessions()
	}
}

func TestInstancesShareSessionsSQLite(t *testing.T) {
	testInstancesShareSessions(t, sqliteOpener(t))
}

func TestInstancesShareSessionsPostgres(t *testing.T) {
	testInstancesShareSessions(t, postgresOpener(t))
}

// choices returns a session's choices as var → value.
func choices(t *testing.T, v map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range v["choices"].([]any) {
		c := c.(map[string]any)
		out[c["var"].(string)] = c["value"].(string)
	}
	return out
}

// testInstancesShareSessions serves one salesperson from two instances
// in turn: every request sees what the other instance wrote.
func testInstancesShareSessions(t *testing.T, open opener) {
	a, b := newInstance(t, open), newInstance(t, open)
	const explained = "cpu = X9 is not available because of your choice of chassis = 1U: " +
		"The X9 processor needs liquid cooling; Liquid cooling fits only the 2U chassis"

	// A starts the session, B chooses the 1U chassis, A sees it.
	resp, v := a.do(t, "acme", "POST", "/v1/sessions", `{"product":"SRV-R2"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	id := v["id"].(string)
	path := "/v1/sessions/" + id
	assert.Equal(t, float64(1), v["version"])

	resp, v = b.do(t, "acme", "POST", path+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(2), v["version"])

	resp, v = a.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(2), v["version"])
	assert.Equal(t, map[string]string{"chassis": "1U"}, choices(t, v))
	assert.Equal(t, []string{"X5", "X7"}, domain(t, v, "cpu"))
	assert.Equal(t, []string{"air"}, domain(t, v, "cooling"))

	// B refuses X9 and explains why; A finds the session unchanged and
	// explains the same.
	resp, v = b.do(t, "acme", "POST", path+"/choices", `{"var":"cpu","value":"X9"}`)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotAvailable)
	assert.Equal(t, explained, v["detail"])
	var rules []string
	for _, r := range v["explanation"].(map[string]any)["rules"].([]any) {
		rules = append(rules, r.(map[string]any)["ID"].(string))
	}
	assert.ElementsMatch(t, []string{"x9_liquid", "liquid_2u"}, rules)

	resp, v = a.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(2), v["version"], "the refused choice stored nothing")
	assert.Equal(t, map[string]string{"chassis": "1U"}, choices(t, v))
	resp, v = a.do(t, "acme", "GET", path+"/explain?var=cpu&value=X9", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, explained, v["text"])

	// A chooses X7, B 128 GB, A withdraws the chassis and B chooses it
	// again: the versions count every write, whichever instance made it.
	resp, v = a.do(t, "acme", "POST", path+"/choices", `{"var":"cpu","value":"X7"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(3), v["version"])
	resp, v = b.do(t, "acme", "POST", path+"/choices", `{"var":"memory_gb","value":"128"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(4), v["version"])
	assert.Equal(t, map[string]string{"chassis": "1U", "cpu": "X7", "memory_gb": "128"}, choices(t, v))
	resp, v = a.do(t, "acme", "DELETE", path+"/choices/chassis", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(5), v["version"])
	assert.Equal(t, []string{"1U", "2U"}, domain(t, v, "chassis"))
	resp, v = b.do(t, "acme", "POST", path+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(6), v["version"])

	// A completes it: the defaults fill the rest.
	resp, v = a.do(t, "acme", "POST", path+"/complete", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	values := map[string]string{}
	var configuration []string
	for _, c := range v["values"].([]any) {
		c := c.(map[string]any)
		values[c["var"].(string)] = c["value"].(string)
		configuration = append(configuration, fmt.Sprintf(`{"var":%q,"value":%q}`, c["var"], c["value"]))
	}
	for k, want := range map[string]string{
		"chassis": "1U", "cpu": "X7", "memory_gb": "128", "sockets": "1", "cooling": "air",
		"psu": "W800", "redundant_psu": "false", "ssd_960": "true", "qty.ssd_960": "2",
	} {
		assert.Equal(t, want, values[k], k)
	}

	// B prices five of them: 4200 × 5 = 21000; X7 +1350 × 5 → 27750;
	// 128 GB is 3 steps of 32 GB over 32 at 140: +420 × 5 → 29850; the
	// 5–19 volume tier takes 4 % (1194) → 28656; two SSDs a server at
	// 210: 2100. Net 30756.
	line := `{"id":"1","product":"SRV-R2","quantity":"5","values":{`
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			line += ","
		}
		line += fmt.Sprintf("%q:%q", k, values[k])
	}
	line += "}}"
	resp, v = b.do(t, "acme", "POST", "/v1/price", `{"customer":{"id":"acc-1"},"lines":[`+line+`]}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	totals := v["totals"].(map[string]any)
	assert.Equal(t, "31950.00 USD", totals["list"])
	assert.Equal(t, "1194.00 USD", totals["discount"])
	assert.Equal(t, "30756.00 USD", totals["net"])

	// A stores the quote; B reads it from the shared store.
	body := `{"account":{"id":"acc-1","name":"Nordwerk AG"},"lines":[{"id":"1","product":"SRV-R2","quantity":"5","configuration":[`
	for i, c := range configuration {
		if i > 0 {
			body += ","
		}
		body += c
	}
	body += `]}]}`
	resp, v = a.do(t, "acme", "POST", "/v1/quotes", body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	qid := v["id"].(string)
	resp, v = b.do(t, "acme", "GET", "/v1/quotes/"+qid, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "alice", v["header"].(map[string]any)["owner"])
	assert.Equal(t, "30756", v["totals"].(map[string]any)["net"])

	// Another tenant sees the session on neither instance.
	for _, in := range []*instance{a, b} {
		resp, v = in.do(t, "globex", "GET", path, "")
		requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)
	}

	// Both instances write the session at the version both read: the
	// first write wins, the second is refused and stores nothing.
	ctx := context.Background()
	stateA, versionA, err := a.sessions.Get(ctx, "acme", id)
	require.NoError(t, err)
	stateB, versionB, err := b.sessions.Get(ctx, "acme", id)
	require.NoError(t, err)
	require.Equal(t, int64(6), versionA)
	require.Equal(t, versionA, versionB)
	assert.Equal(t, stateA, stateB)
	v7, err := b.sessions.Put(ctx, "acme", id, stateB, versionB)
	require.NoError(t, err)
	assert.Equal(t, int64(7), v7)
	_, err = a.sessions.Put(ctx, "acme", id, []byte(`{"product":"SRV-R2","choices":[]}`), versionA)
	require.ErrorIs(t, err, store.ErrSessionConflict)
	resp, v = a.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(7), v["version"])
	assert.Equal(t, map[string]string{"chassis": "1U", "cpu": "X7", "memory_gb": "128"}, choices(t, v))

	// Requests racing on both instances, each choosing another
	// variable: each is stored or refused as a session conflict, and
	// the session holds exactly the choices of those stored.
	race := []string{
		`{"var":"psu","value":"W1200"}`, `{"var":"redundant_psu","value":"true"}`,
		`{"var":"nic_100g","value":"true"}`, `{"var":"nvme_3840","value":"true"}`,
		`{"var":"sockets","value":"2"}`, `{"var":"gpu_l4","value":"true"}`,
	}
	statuses := make([]int, len(race))
	codes := make([]any, len(race))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range race {
		in := []*instance{a, b}[i%2]
		wg.Go(func() {
			<-start
			statuses[i], codes[i] = in.post(path+"/choices", c)
		})
	}
	close(start)
	wg.Wait()
	want := map[string]string{"chassis": "1U", "cpu": "X7", "memory_gb": "128"}
	won := 0
	for i, status := range statuses {
		switch status {
		case http.StatusOK:
			won++
			var c struct{ Var, Value string }
			require.NoError(t, json.Unmarshal([]byte(race[i]), &c))
			want[c.Var] = c.Value
		case http.StatusConflict:
			assert.Equal(t, cpqhttp.CodeSessionConflict, codes[i], "request %d", i)
		default:
			t.Fatalf("request %d: status %d (%v)", i, status, codes[i])
		}
	}
	require.Positive(t, won)
	resp, v = b.do(t, "acme", "GET", path, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, float64(7+won), v["version"])
	assert.Equal(t, want, choices(t, v))
}
