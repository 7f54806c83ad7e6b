package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCheckCleanCatalogs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "catalogs", "*.yaml"))
	require.NoError(t, err)
	// The catalogs' test suites (*.test.yaml) sit beside them.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".test.yaml") })
	require.Len(t, files, 3)
	code, out, _ := runCmd(append([]string{"check"}, files...)...)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "server.yaml: ok: 9 products, 7 attributes, 7 options, 7 constraints, 6 rules\n")
}

func TestCheckReportsEveryProblem(t *testing.T) {
	file := filepath.Join("..", "..", "catalog", "testdata", "mistakes.yaml")
	code, out, _ := runCmd("check", file)
	assert.Equal(t, 1, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 19, out)
	assert.Equal(t, file+`:11:5: catalog.unknown-key: unknown key "categroy"; did you mean "category"?`, lines[0])
	assert.Equal(t, file+": 18 problems", lines[18])

	code, out, _ = runCmd("check", "--json", file)
	assert.Equal(t, 1, code)
	var reports []checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &reports))
	require.Len(t, reports, 1)
	assert.False(t, reports[0].OK)
	require.Len(t, reports[0].Problems, 18)
	p := reports[0].Problems[14]
	assert.Equal(t, checkProblem{Severity: "error", File: file, Line: 57, Column: 26, Path: "cost_models[0].components[0].formula",
		Code: "catalog.cycle", Message: "cost components depend on each other: a → b → a"}, p)
}

func TestCheckMissingFile(t *testing.T) {
	code, out, _ := runCmd("check", "no-such-catalog.yaml")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "no-such-catalog.yaml: catalog.io: open no-such-catalog.yaml: no such file or directory")
}

func TestUsage(t *testing.T) {
	code, _, errOut := runCmd()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: cpq COMMAND")
	code, _, errOut = runCmd("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)
	code, _, _ = runCmd("check")
	assert.Equal(t, 2, code)
}

func TestDemoRuns(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd("demo", "--dir", dir)
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{
		"quotes, approvals and events in SQLite at " + filepath.Join(dir, "cpq.db"),
		"priced by cost build-up",
		"manager_discount by mia",
		"presenting now is refused: true",
		"dispatcher delivered 8 events, 0 retried, 0 dead letters",
		"verifies: true",
		filepath.Join(dir, "Q-2030-0042-zh-CN.html"),
	} {
		assert.Contains(t, out, want)
	}
	_, err := os.Stat(filepath.Join(dir, "cpq.db"))
	assert.NoError(t, err, "the quotes are in the embedded SQLite store")
	html, err := os.ReadFile(filepath.Join(dir, "Q-2030-0042-zh-CN.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "报价单")
	code, _, _ = runCmd("demo", "extra")
	assert.Equal(t, 2, code)
}

func TestCheckRunsStaticAnalysis(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "lamp.yaml")
	src := `id: a
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - sku: LAMP
    name: Lamp
    attributes:
      - {id: base, type: enum, values: [wood, marble]}
      - {id: shade, type: enum, values: [linen, glass]}
    constraints:
      - {id: marble_glass, requires: {if: {base: marble}, then: {shade: glass}}}
      - {id: no_marble_glass, excludes: {base: marble, shade: glass}}
`
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	code, out, _ := runCmd("check", file)
	assert.Equal(t, 0, code, "warnings alone do not fail the check")
	assert.Contains(t, out, file+":9:9: warning: config.dead-value: base = marble can never be chosen: marble_glass; no_marble_glass\n")
	assert.Contains(t, out, file+":9:9: warning: config.forced: base is always wood\n")

	broken := src + "      - {id: no_wood, excludes: {base: wood}}\n"
	require.NoError(t, os.WriteFile(file, []byte(broken), 0o644))
	code, out, _ = runCmd("check", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "config.unsatisfiable: LAMP cannot be configured at all")
}
