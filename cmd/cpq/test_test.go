package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var exampleCatalogs = filepath.Join("..", "..", "examples", "catalogs")

// TestTestExampleSuites runs the suites that ship with the example
// catalogs: every case passes. saas.test.yaml has eight cases since the
// case of a renewal past fifty seats was added.
func TestTestExampleSuites(t *testing.T) {
	code, out, errOut := runCmd("test", exampleCatalogs)
	require.Equal(t, 0, code, out+errOut)
	assert.Equal(t, "ok    "+filepath.Join(exampleCatalogs, "injection-moulding.test.yaml")+"  5 cases passed\n"+
		"ok    "+filepath.Join(exampleCatalogs, "saas.test.yaml")+"  8 cases passed\n"+
		"ok    "+filepath.Join(exampleCatalogs, "server.test.yaml")+"  9 cases passed\n"+
		"PASS: 22/22\n", out)
	assert.Empty(t, errOut)
}

// TestTestBrokenRule breaks a rule of the server catalog: the suite fails
// with exit code 1, and the diff names the rule and the step.
func TestTestBrokenRule(t *testing.T) {
	dir := t.TempDir()
	cat, err := os.ReadFile(filepath.Join(exampleCatalogs, "server.yaml"))
	require.NoError(t, err)
	suite, err := os.ReadFile(filepath.Join(exampleCatalogs, "server.test.yaml"))
	require.NoError(t, err)
	broken := strings.Replace(string(cat), `{type: discount_percent, value: "5"}`, `{type: discount_percent, value: "15"}`, 1)
	require.NotEqual(t, string(cat), broken)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "server.yaml"), []byte(broken), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "server.test.yaml"), suite, 0o644))

	junit := filepath.Join(dir, "report.xml")
	code, out, errOut := runCmd("test", "--junit", junit, dir)
	require.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "--- FAIL: gold customer buys five balanced servers")
	// 41760 × 0.85 = 35496, where 41760 × 0.95 = 39672 was expected.
	assert.Contains(t, out, "line srv step 7 (rule gold_customers): after want 39672, got 35496.00 USD")
	assert.Contains(t, out, "  >  7  rule       gold_customers  41760.00 USD  35496.00 USD  after 39672")
	assert.True(t, strings.HasSuffix(out, "FAIL: 1/9\n"), out)

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var report struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(data, &report))
	assert.Equal(t, 9, report.Tests)
	assert.Equal(t, 1, report.Failures)
}

// TestTestOutput shows a failing suite as text, as JSON and as JUnit XML
// (golden files).
func TestTestOutput(t *testing.T) {
	suite := filepath.Join("testdata", "test", "tools.test.yaml")
	code, out, errOut := runCmd("test", "-v", suite)
	require.Equal(t, 1, code, errOut)
	goldenFile(t, filepath.Join("test", "tools.golden"), filepath.ToSlash(out))
	// Hand-checked: twelve drills, 120 × 12 = 1440, − 10 % = 1296.
	assert.Contains(t, out, "line drills net: want 1224, got 1296.00 USD")
	assert.Contains(t, out, "--- PASS: ten drills get the bulk discount\n")

	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, _ = runCmd("test", "--json", "--junit", junit, suite)
	require.Equal(t, 1, code)
	var report struct {
		Passed, Failed int
		Suites         []struct {
			Cases []struct {
				Name     string
				Passed   bool
				Failures []struct {
					Field, Want, Got string
					Line, Step       int
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	assert.Equal(t, 2, report.Passed)
	assert.Equal(t, 2, report.Failed)
	c := report.Suites[0].Cases[3]
	assert.Equal(t, "the bulk discount as it was planned", c.Name)
	require.Len(t, c.Failures, 3)
	assert.Equal(t, "steps", c.Failures[1].Field)
	assert.Equal(t, 2, c.Failures[1].Step)
	assert.Equal(t, 45, c.Failures[1].Line)
	assert.Equal(t, "after 1224", c.Failures[1].Want)
	assert.Equal(t, "after 1296.00 USD", c.Failures[1].Got)
	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	goldenFile(t, filepath.Join("test", "tools.junit.xml"), filepath.ToSlash(string(data)))
}

func TestTestFilter(t *testing.T) {
	// Flags may follow the paths.
	code, out, errOut := runCmd("test", exampleCatalogs, "--run", "gold|non-profit", "-v")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "--- PASS: three hundred enterprise seats for a non-profit, three years\n")
	assert.Contains(t, out, "--- PASS: gold customer buys five balanced servers\n")
	assert.Contains(t, out, "?     "+filepath.Join(exampleCatalogs, "injection-moulding.test.yaml")+"  no cases to run\n")
	assert.True(t, strings.HasSuffix(out, "PASS: 2/2\n"), out)

	code, out, errOut = runCmd("test", "--run", "^ten drills", filepath.Join("testdata", "test", "tools.test.yaml"))
	assert.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasSuffix(out, "PASS: 1/1\n"), out)

	code, _, errOut = runCmd("test", "--run", "no such case", exampleCatalogs)
	assert.Equal(t, 0, code)
	assert.Equal(t, "cpq test: no cases match --run \"no such case\"\n", errOut)
}

func TestTestErrors(t *testing.T) {
	code, out, errOut := runCmd("test", filepath.Join("testdata", "test", "mistakes.test.yaml"))
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	file := filepath.Join("testdata", "test", "mistakes.test.yaml")
	assert.Equal(t, file+`:6:25: quote.unknown-reference: unknown product "DRIL"; did you mean "DRILL"? (at cases[0].input.lines[0].product)`+"\n"+
		file+`:8:29: test.unknown-reference: unknown price rule "bulk_drill"; did you mean "bulk_drills"? (at cases[0].expect.lines.1.rules[0])`+"\n", errOut)

	for _, args := range [][]string{
		{"test"},
		{"test", "--run", "(", exampleCatalogs},
		{"test", "no-such-dir"},
		{"test", filepath.Join("testdata", "diffcatalog", "quotes")},
		{"test", "--no-such-flag", exampleCatalogs},
	} {
		code, _, errOut := runCmd(args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
		assert.NotEmpty(t, errOut, "%v", args)
	}
}
