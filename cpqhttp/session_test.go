package cpqhttp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/store/memory"
)

// pairs builds the JSON of choices from var, value pairs.
func pairs(pairs ...string) []any {
	out := []any{}
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, map[string]any{"var": pairs[i], "value": pairs[i+1]})
	}
	return out
}

// storedState returns a session's stored state, decoded, and its version.
func (f *fixture) storedState(t *testing.T, tenant, sid string) (map[string]any, int64) {
	t.Helper()
	data, version, err := f.sessions.Get(context.Background(), tenant, sid)
	require.NoError(t, err)
	var st map[string]any
	require.NoError(t, json.Unmarshal(data, &st))
	return st, version
}

// sessionUnchanged asserts that a refusal left the stored session as it was.
func (f *fixture) sessionUnchanged(t *testing.T, tenant, sid string, before map[string]any, version int64) {
	t.Helper()
	after, v := f.storedState(t, tenant, sid)
	assert.Equal(t, version, v, "the version")
	assert.Equal(t, before, after, "the state")
}

func TestQuantities(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	path := "/v1/sessions/" + id + "/quantities"

	// Four SSDs instead of the default two.
	resp, v := f.do(t, "acme", "POST", path, `{"option":"ssd_960","quantity":4}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("qty.ssd_960", "4"), v["choices"])
	assert.Equal(t, []string{"4"}, domain(t, v, "qty.ssd_960"))
	assert.Equal(t, []string{"true"}, domain(t, v, "ssd_960"), "a quantity selects the option")
	assert.Equal(t, true, v["can_undo"])
	assert.Equal(t, float64(2), v["version"])

	// A new quantity replaces the one chosen; zero deselects the option.
	resp, v = f.do(t, "acme", "POST", path, `{"option":"ssd_960","quantity":3}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("qty.ssd_960", "3"), v["choices"])
	resp, v = f.do(t, "acme", "POST", path, `{"option":"ssd_960","quantity":0}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("qty.ssd_960", "0"), v["choices"])
	assert.Equal(t, []string{"false"}, domain(t, v, "ssd_960"))

	// An option without a quantity of its own is taken once.
	resp, v = f.do(t, "acme", "POST", path, `{"option":"nic_25g","quantity":1}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("qty.ssd_960", "0", "nic_25g", "true"), v["choices"])

	// The completion takes the quantities.
	resp, v = f.do(t, "acme", "POST", "/v1/sessions/"+id+"/complete", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Contains(t, v["values"], map[string]any{"var": "qty.ssd_960", "value": "0"})
	assert.Contains(t, v["values"], map[string]any{"var": "nic_25g", "value": "true"})

	// 3.5-inch drives do not fit the 1U chassis.
	resp, v = f.do(t, "acme", "POST", "/v1/sessions/"+id+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	before, version := f.storedState(t, "acme", id)
	for _, tc := range []struct {
		name, tenant, body string
		status             int
		code               string
	}{
		{"not with the chassis", "acme", `{"option":"hdd_8t","quantity":4}`, 409, cpqhttp.CodeNotAvailable},
		{"above the maximum", "acme", `{"option":"ssd_960","quantity":9}`, 422, cpqhttp.CodeUnknownValue},
		{"a fixed quantity", "acme", `{"option":"nic_25g","quantity":2}`, 422, cpqhttp.CodeUnknownValue},
		{"unknown option", "acme", `{"option":"fan","quantity":1}`, 400, cpqhttp.CodeUnknownVariable},
		{"an attribute", "acme", `{"option":"cpu","quantity":1}`, 400, cpqhttp.CodeUnknownVariable},
		{"negative", "acme", `{"option":"ssd_960","quantity":-1}`, 400, cpqhttp.CodeInvalid},
		{"no quantity", "acme", `{"option":"ssd_960"}`, 400, cpqhttp.CodeInvalid},
		{"quantity as text", "acme", `{"option":"ssd_960","quantity":"4"}`, 400, cpqhttp.CodeMalformed},
		{"unknown field", "acme", `{"option":"ssd_960","quantity":4,"tenant":"globex"}`, 400, cpqhttp.CodeMalformed},
		{"malformed", "acme", `{"option":`, 400, cpqhttp.CodeMalformed},
		{"other tenant", "globex", `{"option":"ssd_960","quantity":4}`, 404, cpqhttp.CodeSessionNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, tc.tenant, "POST", path, tc.body)
			requireProblem(t, resp, v, tc.status, tc.code)
			f.sessionUnchanged(t, "acme", id, before, version)
		})
	}
	resp, v = f.do(t, "acme", "POST", "/v1/sessions/nope/quantities", `{"option":"ssd_960","quantity":4}`)
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)
}

func TestUndo(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	undo := func() map[string]any {
		t.Helper()
		resp, v := f.do(t, "acme", "POST", base+"/undo", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		return v
	}
	resp, v := f.do(t, "acme", "GET", base, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, false, v["can_undo"])

	for _, c := range [][3]string{
		{"POST", "/choices", `{"var":"chassis","value":"1U"}`},
		{"POST", "/quantities", `{"option":"ssd_960","quantity":4}`},
		{"POST", "/answers", `{"question":"workload","values":["database"]}`},
	} {
		resp, v := f.do(t, "acme", c[0], base+c[1], c[2])
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
	}
	// A refused change is not a change to take back.
	resp, v = f.do(t, "acme", "POST", base+"/choices", `{"var":"cpu","value":"X9"}`)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotAvailable)

	// Each undo takes back one change, across requests: first the answer
	// (the memory is free again from 32 GB), then the quantity, then the
	// chassis.
	v = undo()
	assert.Equal(t, []any{}, v["answers"])
	assert.Equal(t, pairs("chassis", "1U", "qty.ssd_960", "4"), v["choices"])
	assert.Equal(t, "32", domain(t, v, "memory_gb")[0])
	assert.Equal(t, float64(5), v["version"])
	v = undo()
	assert.Equal(t, pairs("chassis", "1U"), v["choices"])
	assert.Equal(t, true, v["can_undo"])
	v = undo()
	assert.Equal(t, []any{}, v["choices"])
	assert.Equal(t, []string{"X5", "X7", "X9"}, domain(t, v, "cpu"))
	assert.Equal(t, false, v["can_undo"])

	before, version := f.storedState(t, "acme", id)
	resp, v = f.do(t, "acme", "POST", base+"/undo", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNothingToUndo)
	f.sessionUnchanged(t, "acme", id, before, version)
	resp, v = f.do(t, "globex", "POST", base+"/undo", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)
	f.sessionUnchanged(t, "acme", id, before, version)
}

// The undo history keeps the last MaxUndo states: after 60 changes, 50 can
// be taken back.
func TestUndoIsBounded(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	for range 30 {
		resp, v := f.do(t, "acme", "POST", base+"/choices", `{"var":"memory_gb","value":"128"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		resp, v = f.do(t, "acme", "DELETE", base+"/choices/memory_gb", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
	}
	st, _ := f.storedState(t, "acme", id)
	require.Len(t, st["undo"], cpqhttp.MaxUndo)
	for i := range cpqhttp.MaxUndo {
		resp, v := f.do(t, "acme", "POST", base+"/undo", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		if i%2 == 0 {
			assert.Equal(t, pairs("memory_gb", "128"), v["choices"])
		} else {
			assert.Equal(t, []any{}, v["choices"])
		}
	}
	resp, v := f.do(t, "acme", "POST", base+"/undo", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNothingToUndo)
}

// The stored state is versioned JSON holding everything the session
// holds: product, questionnaire, choices with quantities, answers,
// suggestion decisions and additions, and the undo history.
func TestSessionStateFormat(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	for _, c := range [][3]string{
		{"POST", "/answers", `{"question":"users","values":["600"]}`},
		{"POST", "/quantities", `{"option":"nvme_3840","quantity":2}`},
		{"POST", "/choices", `{"var":"sockets","value":"2"}`},
		{"POST", "/suggestions/care/accept", ``},
		{"POST", "/suggestions/redundant_power/dismiss", ``},
	} {
		resp, v := f.do(t, "acme", c[0], base+c[1], c[2])
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
	}
	st, version := f.storedState(t, "acme", id)
	assert.Equal(t, int64(6), version)
	assert.Equal(t, float64(2), st["format"])
	assert.Equal(t, "SRV-R2", st["product"])
	assert.Equal(t, "server_sizing", st["questionnaire"])
	assert.Equal(t, pairs("sockets", "2", "qty.nvme_3840", "2"), st["choices"])
	assert.Equal(t, []any{map[string]any{"question": "users", "number": "600"}}, st["answers"])
	assert.Equal(t, map[string]any{"care": "accepted", "redundant_power": "dismissed"}, st["decisions"])
	assert.Equal(t, []any{map[string]any{"product": "SVC-CARE-3Y", "quantity": float64(1), "suggestion": "care"}}, st["additions"])
	undo := st["undo"].([]any)
	require.Len(t, undo, 5)
	assert.Equal(t, map[string]any{"choices": []any{}}, undo[0], "the state of the new session")
	assert.Equal(t, map[string]any{"care": "accepted"}, undo[4].(map[string]any)["decisions"])

	// Another request restores all of it.
	resp, v := f.do(t, "acme", "GET", base, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, st["choices"], v["choices"])
	assert.Equal(t, st["answers"], v["answers"])
	assert.Equal(t, st["decisions"], v["decisions"])
	assert.Equal(t, st["additions"], v["additions"])
	assert.Equal(t, "512", domain(t, v, "memory_gb")[0], "600 users need 512 GB")
}

// A session stored by an earlier server, as a bare configuration snapshot,
// is read as its choices and written in the current format.
func TestLegacySessionState(t *testing.T) {
	f := newFixture(t)
	_, err := f.sessions.Put(context.Background(), "acme", "legacy", []byte(`{"product":"SRV-R2","choices":[{"var":"chassis","value":"1U"}]}`), 0)
	require.NoError(t, err)
	resp, v := f.do(t, "acme", "GET", "/v1/sessions/legacy", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("chassis", "1U"), v["choices"])
	assert.Equal(t, []string{"X5", "X7"}, domain(t, v, "cpu"))
	assert.Equal(t, false, v["can_undo"])
	assert.Nil(t, v["questionnaire"])

	resp, v = f.do(t, "acme", "POST", "/v1/sessions/legacy/choices", `{"var":"cpu","value":"X7"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	st, version := f.storedState(t, "acme", "legacy")
	assert.Equal(t, int64(2), version)
	assert.Equal(t, float64(2), st["format"])
	assert.Equal(t, pairs("chassis", "1U", "cpu", "X7"), st["choices"])
	assert.Equal(t, []any{map[string]any{"choices": pairs("chassis", "1U")}}, st["undo"])

	// A state of a newer server is not guessed at.
	_, err = f.sessions.Put(context.Background(), "acme", "future", []byte(`{"format":3,"product":"SRV-R2"}`), 0)
	require.NoError(t, err)
	resp, v = f.do(t, "acme", "GET", "/v1/sessions/future", "")
	requireProblem(t, resp, v, http.StatusInternalServerError, cpqhttp.CodeInternal)
}

// The questionnaire, worked by hand from server.yaml: databases need at
// least 256 GB and NVMe; 600 users at least 512 GB (rule many_users); the
// accelerator question is only for AI inference.
func TestQuestionnaire(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	resp, v := f.do(t, "acme", "GET", base+"/questionnaire", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "server_sizing", v["id"])
	assert.Equal(t, "Server sizing", v["name"])
	assert.Equal(t, false, v["done"])
	next := v["next"].(map[string]any)
	assert.Equal(t, "workload", next["id"])
	assert.Equal(t, "Workload", next["step_name"])
	assert.Equal(t, "What will the server mainly run?", next["text"])
	assert.Equal(t, "single", next["type"])
	assert.Equal(t, []any{
		map[string]any{"id": "database", "text": "Databases", "available": true},
		map[string]any{"id": "virtualisation", "text": "Virtual machines", "available": true},
		map[string]any{"id": "ai_inference", "text": "AI inference", "available": true},
		map[string]any{"id": "file_server", "text": "Files and backup", "available": true},
	}, next["options"])
	assert.Equal(t, []string{"workload:open", "accelerator:hidden", "users:open", "budget:open", "redundancy:open"}, questionStatuses(v))

	resp, v = f.do(t, "acme", "GET", base+"/questionnaire?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "服务器选型", v["name"])
	next = v["next"].(map[string]any)
	assert.Equal(t, "服务器主要运行什么负载？", next["text"])
	assert.Equal(t, "数据库", next["options"].([]any)[0].(map[string]any)["text"])

	resp, v = f.do(t, "acme", "POST", base+"/answers", `{"question":"workload","values":["database"]}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{map[string]any{"question": "workload", "options": []any{"database"}}}, v["answers"])
	memory := domain(t, v, "memory_gb")
	assert.Len(t, memory, 25, "256 to 1024 in steps of 32")
	assert.Equal(t, "256", memory[0])
	assert.Equal(t, []string{"true"}, domain(t, v, "nvme_3840"))

	resp, v = f.do(t, "acme", "GET", base+"/questionnaire", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	next = v["next"].(map[string]any)
	assert.Equal(t, "users", next["id"])
	assert.Equal(t, "number", next["type"])
	assert.Equal(t, "users", next["unit"])
	assert.Equal(t, "1", next["min"])
	assert.Equal(t, []string{"workload:answered", "accelerator:hidden", "users:open", "budget:open", "redundancy:open"}, questionStatuses(v))
	assert.Equal(t, map[string]any{"question": "workload", "options": []any{"database"}}, v["questions"].([]any)[0].(map[string]any)["answer"])

	resp, v = f.do(t, "acme", "POST", base+"/answers", `{"question":"users","values":["600"]}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	memory = domain(t, v, "memory_gb")
	assert.Len(t, memory, 17, "512 to 1024")
	assert.Equal(t, "512", memory[0])

	// Withdrawn, the answer's rule no longer holds.
	resp, v = f.do(t, "acme", "DELETE", base+"/answers/users", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "256", domain(t, v, "memory_gb")[0])
	assert.Len(t, v["answers"], 1)

	for _, a := range []string{`{"question":"users","values":["600"]}`, `{"question":"budget","values":["premium"]}`, `{"question":"redundancy","values":["yes"]}`} {
		resp, v = f.do(t, "acme", "POST", base+"/answers", a)
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
	}
	assert.Equal(t, []string{"true"}, domain(t, v, "redundant_psu"))
	resp, v = f.do(t, "acme", "GET", base+"/questionnaire", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, true, v["done"])
	assert.Nil(t, v["next"])

	// Only the best package (768 GB) has the memory: 5 (databases) + 20
	// (premium) + 5 (redundancy) + 10 (many users) = 40. The care pack
	// scores 10 for redundancy.
	resp, v = f.do(t, "acme", "GET", base+"/recommendations", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	packages := v["packages"].([]any)
	require.Len(t, packages, 1)
	best := packages[0].(map[string]any)
	assert.Equal(t, "best", best["id"])
	assert.Equal(t, "Best — performance server", best["name"])
	assert.Equal(t, float64(40), best["score"])
	var reasons []string
	for _, r := range best["reasons"].([]any) {
		r := r.(map[string]any)
		reasons = append(reasons, r["text"].(string))
	}
	assert.Equal(t, []string{"Databases", "Premium", "Yes, with redundant power", "500 users or more need at least 512 GB of memory"}, reasons)
	care := v["products"].([]any)[0].(map[string]any)
	assert.Equal(t, "SVC-CARE-3Y", care["id"])
	assert.Equal(t, "3-year on-site care", care["name"])
	assert.Equal(t, float64(10), care["score"])
}

func questionStatuses(v map[string]any) []string {
	var out []string
	for _, q := range v["questions"].([]any) {
		q := q.(map[string]any)
		out = append(out, q["question"].(string)+":"+q["status"].(string))
	}
	return out
}

func TestAnswerRefused(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	resp, v := f.do(t, "acme", "POST", base+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)

	// Files need 3.5-inch drives, which the 1U chassis does not take: the
	// answer is offered as unavailable, with the choice in its way.
	resp, v = f.do(t, "acme", "GET", base+"/questionnaire", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	files := v["next"].(map[string]any)["options"].([]any)[3].(map[string]any)
	assert.Equal(t, map[string]any{"id": "file_server", "text": "Files and backup", "available": false,
		"conflict": map[string]any{"drop": pairs("chassis", "1U")}}, files)

	before, version := f.storedState(t, "acme", id)
	resp, v = f.do(t, "acme", "POST", base+"/answers", `{"question":"workload","values":["file_server"]}`)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeGuideConflict)
	assert.Equal(t, pairs("chassis", "1U"), v["drop"])
	ex := v["explanations"].([]any)[0].(map[string]any)
	assert.Equal(t, "chassis", ex["var"])
	assert.Equal(t, "1U", ex["value"])
	assert.Equal(t, "chassis = 1U is not available: 3.5-inch drives fit only the 2U chassis; What will the server mainly run? — Files and backup", ex["text"])
	f.sessionUnchanged(t, "acme", id, before, version)

	for _, tc := range []struct {
		name, tenant, method, path, body string
		status                           int
		code                             string
	}{
		{"unknown question", "acme", "POST", "/answers", `{"question":"colour","values":["red"]}`, 400, cpqhttp.CodeUnknownQuestion},
		{"unknown answer", "acme", "POST", "/answers", `{"question":"workload","values":["gaming"]}`, 422, cpqhttp.CodeInvalidAnswer},
		{"two answers to a single choice", "acme", "POST", "/answers", `{"question":"workload","values":["database","ai_inference"]}`, 422, cpqhttp.CodeInvalidAnswer},
		{"not a number", "acme", "POST", "/answers", `{"question":"users","values":["many"]}`, 422, cpqhttp.CodeInvalidAnswer},
		{"below the minimum", "acme", "POST", "/answers", `{"question":"users","values":["0"]}`, 422, cpqhttp.CodeInvalidAnswer},
		{"no values", "acme", "POST", "/answers", `{"question":"users","values":[]}`, 400, cpqhttp.CodeInvalid},
		{"malformed", "acme", "POST", "/answers", `{"question":"users","values":"600"}`, 400, cpqhttp.CodeMalformed},
		{"unknown field", "acme", "POST", "/answers", `{"question":"users","values":["600"],"user":"bob"}`, 400, cpqhttp.CodeMalformed},
		{"clear an unknown question", "acme", "DELETE", "/answers/colour", ``, 400, cpqhttp.CodeUnknownQuestion},
		{"other tenant answers", "globex", "POST", "/answers", `{"question":"users","values":["600"]}`, 404, cpqhttp.CodeSessionNotFound},
		{"other tenant clears", "globex", "DELETE", "/answers/users", ``, 404, cpqhttp.CodeSessionNotFound},
		{"other tenant reads", "globex", "GET", "/questionnaire", ``, 404, cpqhttp.CodeSessionNotFound},
		{"other tenant ranks", "globex", "GET", "/recommendations", ``, 404, cpqhttp.CodeSessionNotFound},
		{"unknown language", "acme", "GET", "/questionnaire?lang=fr", ``, 400, cpqhttp.CodeUnknownLanguage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, tc.tenant, tc.method, base+tc.path, tc.body)
			requireProblem(t, resp, v, tc.status, tc.code)
			f.sessionUnchanged(t, "acme", id, before, version)
		})
	}
}

func TestPackages(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	resp, v := f.do(t, "acme", "GET", base+"/packages", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	pkgs := v["packages"].([]any)
	require.Len(t, pkgs, 3)
	good := pkgs[0].(map[string]any)
	assert.Equal(t, "good", good["id"])
	assert.Equal(t, "Good — entry server", good["name"])
	assert.Equal(t, "One X5 processor, 128 GB and two SATA SSDs", good["description"])
	assert.Equal(t, pairs("cpu", "X5", "sockets", "1", "memory_gb", "128", "ssd_960", "true", "qty.ssd_960", "2"), good["choices"])
	for _, p := range pkgs {
		assert.Equal(t, true, p.(map[string]any)["applicable"], "an empty configuration takes any package")
	}

	// The 1U chassis rules out the best package (liquid cooling, 2U).
	resp, v = f.do(t, "acme", "POST", base+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	resp, v = f.do(t, "acme", "GET", base+"/packages?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	var applicable []string
	for _, p := range v["packages"].([]any) {
		p := p.(map[string]any)
		applicable = append(applicable, p["name"].(string)+":"+map[bool]string{true: "yes", false: "no"}[p["applicable"].(bool)])
	}
	assert.Equal(t, []string{"入门型:yes", "均衡型:yes", "高性能型:no"}, applicable)

	before, version := f.storedState(t, "acme", id)
	resp, v = f.do(t, "acme", "POST", base+"/packages/best", "")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeGuideConflict)
	assert.Equal(t, pairs("chassis", "1U"), v["drop"])
	assert.Equal(t, "chassis = 1U is not available: Best — performance server", v["explanations"].([]any)[0].(map[string]any)["text"])
	f.sessionUnchanged(t, "acme", id, before, version)
	for _, tc := range []struct {
		name, tenant, path string
		status             int
		code               string
	}{
		{"unknown package", "acme", "/packages/premium", 404, cpqhttp.CodeUnknownPackage},
		{"other tenant applies", "globex", "/packages/good", 404, cpqhttp.CodeSessionNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, tc.tenant, "POST", base+tc.path, "")
			requireProblem(t, resp, v, tc.status, tc.code)
			f.sessionUnchanged(t, "acme", id, before, version)
		})
	}
	resp, v = f.do(t, "globex", "GET", base+"/packages", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)

	// The balanced package: its choices at once, beside the chassis.
	resp, v = f.do(t, "acme", "POST", base+"/packages/better", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("chassis", "1U", "cpu", "X7", "sockets", "2", "memory_gb", "384", "psu", "W1200",
		"nvme_3840", "true", "qty.nvme_3840", "2", "nic_25g", "true"), v["choices"])
	resp, v = f.do(t, "acme", "POST", base+"/undo", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("chassis", "1U"), v["choices"], "one undo takes the whole package back")
}

// The server's suggestions, by hand: with 512 GB and SATA SSDs, redundant
// power (priority 20) and the NVMe upgrade (10) are offered; with two
// sockets, the care pack is cross-sold.
func TestSuggestions(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	offered := func(lang string) []any {
		t.Helper()
		resp, v := f.do(t, "acme", "GET", base+"/suggestions"+lang, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, v)
		return v["suggestions"].([]any)
	}
	assert.Empty(t, offered(""), "64 GB by default: nothing to suggest")

	resp, v := f.do(t, "acme", "POST", base+"/choices", `{"var":"memory_gb","value":"512"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	list := offered("")
	require.Len(t, list, 2)
	assert.Equal(t, map[string]any{"id": "redundant_power", "kind": "upsell", "set": pairs("redundant_psu", "true"),
		"reason": "A server with this much memory runs critical work; add a redundant power supply", "priority": float64(20)}, list[0])
	assert.Equal(t, map[string]any{"id": "nvme_upgrade", "kind": "upsell", "set": pairs("ssd_960", "false", "nvme_3840", "true"),
		"reason": "Upgrade the SATA SSDs to NVMe to keep the memory busy", "priority": float64(10)}, list[1])
	assert.Equal(t, "将SATA固态硬盘升级为NVMe以匹配大内存", offered("?lang=zh-CN")[1].(map[string]any)["reason"])

	resp, v = f.do(t, "acme", "POST", base+"/suggestions/nvme_upgrade/accept", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("memory_gb", "512", "ssd_960", "false", "nvme_3840", "true"), v["choices"])
	assert.Equal(t, map[string]any{"nvme_upgrade": "accepted"}, v["decisions"])
	resp, v = f.do(t, "acme", "POST", base+"/suggestions/redundant_power/dismiss", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, map[string]any{"nvme_upgrade": "accepted", "redundant_power": "dismissed"}, v["decisions"])
	assert.Empty(t, offered(""))

	before, version := f.storedState(t, "acme", id)
	for _, tc := range []struct {
		name, tenant, path string
		status             int
		code               string
	}{
		{"accept a decided one", "acme", "/suggestions/nvme_upgrade/accept", 404, cpqhttp.CodeUnknownSuggestion},
		{"dismiss a decided one", "acme", "/suggestions/redundant_power/dismiss", 404, cpqhttp.CodeUnknownSuggestion},
		{"accept an unknown one", "acme", "/suggestions/gold_plating/accept", 404, cpqhttp.CodeUnknownSuggestion},
		{"dismiss an unknown one", "acme", "/suggestions/gold_plating/dismiss", 404, cpqhttp.CodeUnknownSuggestion},
		{"other tenant accepts", "globex", "/suggestions/nvme_upgrade/accept", 404, cpqhttp.CodeSessionNotFound},
		{"other tenant dismisses", "globex", "/suggestions/nvme_upgrade/dismiss", 404, cpqhttp.CodeSessionNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := f.do(t, tc.tenant, "POST", base+tc.path, "")
			requireProblem(t, resp, v, tc.status, tc.code)
			f.sessionUnchanged(t, "acme", id, before, version)
		})
	}
	resp, v = f.do(t, "globex", "GET", base+"/suggestions", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)

	// Two sockets: the care pack, on a line of its own.
	resp, v = f.do(t, "acme", "POST", base+"/choices", `{"var":"sockets","value":"2"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	list = offered("")
	require.Len(t, list, 1)
	assert.Equal(t, "care", list[0].(map[string]any)["id"])
	assert.Equal(t, "cross_sell", list[0].(map[string]any)["kind"])
	assert.Equal(t, "SVC-CARE-3Y", list[0].(map[string]any)["add_product"])
	assert.Equal(t, float64(1), list[0].(map[string]any)["quantity"])
	resp, v = f.do(t, "acme", "POST", base+"/suggestions/care/accept", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{map[string]any{"product": "SVC-CARE-3Y", "quantity": float64(1), "suggestion": "care"}}, v["additions"])
	assert.Empty(t, offered(""))

	// Undone, the care pack is offered again.
	resp, v = f.do(t, "acme", "POST", base+"/undo", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Nil(t, v["additions"])
	assert.Equal(t, "care", offered("")[0].(map[string]any)["id"])
}

func TestCreateSessionWithQuestionnaire(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "POST", "/v1/sessions", `{"product":"SRV-R2","questionnaire":"server_sizing"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, v)
	assert.Equal(t, "server_sizing", v["questionnaire"])
	assert.Equal(t, []any{}, v["answers"])
	resp, v = f.do(t, "acme", "POST", "/v1/sessions", `{"product":"SRV-R2","questionnaire":"lamp_sizing"}`)
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeInvalid)
	assert.True(t, strings.Contains(v["detail"].(string), "lamp_sizing"))
}

// racingSessions is a session store where another instance writes a
// session between a request's read and its write, once armed.
type racingSessions struct {
	cpqhttp.SessionStore
	armed atomic.Bool
}

func (r *racingSessions) Get(ctx context.Context, tenant, id string) ([]byte, int64, error) {
	state, version, err := r.SessionStore.Get(ctx, tenant, id)
	if err == nil && r.armed.CompareAndSwap(true, false) {
		if _, err := r.SessionStore.Put(ctx, tenant, id, state, version); err != nil {
			return nil, 0, err
		}
	}
	return state, version, err
}

// A change made on a version another request has changed since is
// refused, and stores nothing.
func TestSessionChangedMeanwhile(t *testing.T) {
	var racing *racingSessions
	f := newFixtureWith(t, fixtureSetup{sessions: func(m *memory.Sessions) cpqhttp.SessionStore {
		racing = &racingSessions{SessionStore: m}
		return racing
	}})
	id := f.newSession(t, "acme")
	resp, v := f.do(t, "acme", "POST", "/v1/sessions/"+id+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	before, _ := f.storedState(t, "acme", id)
	for _, c := range [][3]string{
		{"POST", "/choices", `{"var":"cpu","value":"X7"}`},
		{"DELETE", "/choices/chassis", ``},
		{"POST", "/quantities", `{"option":"ssd_960","quantity":4}`},
		{"POST", "/answers", `{"question":"workload","values":["database"]}`},
		{"POST", "/packages/good", ``},
		{"POST", "/undo", ``},
	} {
		racing.armed.Store(true)
		resp, v := f.do(t, "acme", c[0], "/v1/sessions/"+id+c[1], c[2])
		requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeSessionConflict)
		st, _ := f.storedState(t, "acme", id)
		assert.Equal(t, before, st, c[1])
	}
}

func TestExplainInLanguage(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	resp, v := f.do(t, "acme", "POST", "/v1/sessions/"+id+"/choices", `{"var":"chassis","value":"1U"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	resp, v = f.do(t, "acme", "GET", "/v1/sessions/"+id+"/explain?var=cpu&value=X9&lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Contains(t, v["text"], "X9处理器需要液冷")
	assert.Contains(t, v["text"], "液冷仅适用于2U机箱")
	resp, v = f.do(t, "acme", "GET", "/v1/sessions/"+id+"/explain?var=cpu&value=X9&lang=fr", "")
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeUnknownLanguage)
}

// Choosing another value for a variable already chosen changes it; when
// another choice stands in the way, the change is refused with that choice
// as its reason, and nothing changes.
func TestChangeAChosenValue(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	choose := func(variable, value string) (*http.Response, map[string]any) {
		t.Helper()
		return f.do(t, "acme", "POST", base+"/choices", `{"var":"`+variable+`","value":"`+value+`"}`)
	}
	resp, v := choose("chassis", "1U")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	resp, v = choose("chassis", "2U")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("chassis", "2U"), v["choices"])
	// With the 2U chassis, X9 (liquid cooling) fits.
	assert.Equal(t, []string{"X5", "X7", "X9"}, domain(t, v, "cpu"))

	resp, v = choose("cpu", "X9")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	before, version := f.storedState(t, "acme", id)
	// Back to 1U is refused: X9 needs liquid cooling, which needs 2U.
	resp, v = choose("chassis", "1U")
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotAvailable)
	ex := v["explanation"].(map[string]any)
	assert.Equal(t, pairs("cpu", "X9"), ex["choices"])
	f.sessionUnchanged(t, "acme", id, before, version)
	// In the language the request asks for.
	resp, v = f.do(t, "acme", "POST", base+"/choices?lang=zh-CN", `{"var":"chassis","value":"1U"}`)
	requireProblem(t, resp, v, http.StatusConflict, cpqhttp.CodeNotAvailable)
	assert.Equal(t, "chassis = 1U 不可选，因为您选择了 cpu = X9：X9处理器需要液冷；液冷仅适用于2U机箱",
		v["explanation"].(map[string]any)["text"])
	f.sessionUnchanged(t, "acme", id, before, version)

	// The same value again changes nothing, and writes nothing.
	resp, v = choose("cpu", "X9")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, pairs("chassis", "2U", "cpu", "X9"), v["choices"])
	assert.Equal(t, float64(version), v["version"])
	f.sessionUnchanged(t, "acme", id, before, version)
}

// A session belongs to the user who started it: another user of the
// tenant finds nothing, and changes nothing.
func TestSessionOfAnotherUser(t *testing.T) {
	f := newFixture(t)
	id := f.newSession(t, "acme")
	base := "/v1/sessions/" + id
	before, version := f.storedState(t, "acme", id)
	assert.NotEmpty(t, before["owner"])
	for _, c := range [][3]string{
		{"GET", "", ""},
		{"POST", "/choices", `{"var":"chassis","value":"1U"}`},
		{"POST", "/undo", ""},
		{"GET", "/explain?var=cpu&value=X9", ""},
	} {
		resp, v := f.doAs(t, "acme", "carol", c[0], base+c[1], c[2], nil)
		requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeSessionNotFound)
	}
	f.sessionUnchanged(t, "acme", id, before, version)
}
