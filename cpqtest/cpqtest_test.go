package cpqtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqtest"
	"github.com/cpqkit/cpq/examples/catalogs"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

// TestShippedSuites runs the suites that ship with the example catalogs,
// each case as a subtest.
func TestShippedSuites(t *testing.T) {
	for _, name := range []string{"server.test.yaml", "saas.test.yaml", "injection-moulding.test.yaml"} {
		t.Run(name, func(t *testing.T) {
			cpqtest.Run(t, filepath.Join("..", "examples", "catalogs", name))
		})
	}
}

func runFile(t *testing.T, name string) *cpqtest.SuiteReport {
	t.Helper()
	s, err := cpqtest.LoadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return cpqtest.RunSuite(context.Background(), s, cpqtest.Options{})
}

func TestPassingSuite(t *testing.T) {
	r := runFile(t, "shop.test.yaml")
	assert.Equal(t, 4, r.Passed)
	assert.Equal(t, 0, r.Failed)
	assert.Equal(t, "shop", r.CatalogID)
	assert.Equal(t, filepath.Join("testdata", "shop.yaml"), r.Catalog)
	for _, c := range r.Cases {
		assert.True(t, c.Passed, c.Text())
		assert.Empty(t, c.Failures)
	}
}

func findCase(t *testing.T, r *cpqtest.SuiteReport, name string) *cpqtest.CaseReport {
	t.Helper()
	for _, c := range r.Cases {
		if c.Name == name {
			return c
		}
	}
	require.Failf(t, "no case", "no case %q", name)
	return nil
}

// TestFailures checks each kind of failure against failing.test.yaml,
// whose expectations are wrong on purpose, and the report as text.
func TestFailures(t *testing.T) {
	r := runFile(t, "failing.test.yaml")
	assert.Equal(t, 1, r.Passed)
	assert.Equal(t, 5, r.Failed)
	file := filepath.Join("testdata", "failing.test.yaml")

	c := findCase(t, r, "wrong amounts, rules and steps")
	assert.False(t, c.Passed)
	assert.Equal(t, 5, c.Line)
	fields := make([]string, len(c.Failures))
	for i, f := range c.Failures {
		fields[i] = f.QuoteLine + " " + f.Field
	}
	// discount_percent 5.00 equals 5: not a failure.
	assert.Equal(t, []string{"table unit_price", "table net", "table schedules", "table not_rules", "chairs steps", "3 line", " totals.net", " approvals"}, fields)
	f := c.Failures[0]
	assert.Equal(t, cpqtest.Failure{File: file, Line: 16, Column: 23, QuoteLine: "table", Field: "unit_price", Want: "480", Got: "475.00 EUR",
		Message: "line table unit_price: want 480, got 475.00 EUR"}, *f)
	// The value is right, the currency is not.
	assert.Equal(t, "475 USD", c.Failures[1].Want)
	// The gold rule is the second step of the table.
	assert.Equal(t, 2, c.Failures[3].Step)
	// The schedule step the expectation leaves out is the chairs' second.
	assert.Equal(t, 2, c.Failures[4].Step)
	assert.Equal(t, "line chairs step 2 (schedule chair_volume) is not expected", c.Failures[4].Message)
	assert.Contains(t, c.Failures[7].Message, "big_deal is not required: quote.total > 2000 with quote.total = 1159")
	require.Len(t, c.Waterfalls, 2)
	table := c.Waterfalls[0]
	assert.Equal(t, "table", table.QuoteLine)
	require.Len(t, table.Steps, 2)
	assert.Equal(t, cpqtest.WaterfallStep{Index: 2, Kind: "rule", Source: "gold", Before: "500.00 EUR", After: "475.00 EUR",
		Reason: "Gold customers: 5% off of the running price", Differs: true, Want: "must not apply"}, *table.Steps[1])

	c = findCase(t, r, "a rule that does not apply")
	require.Len(t, c.Failures, 1)
	assert.Equal(t, "line chairs: step rule gold is missing (expected after step 2)", c.Failures[0].Message)
	assert.Equal(t, 41, c.Failures[0].Line)
	steps := c.Waterfalls[0].Steps
	require.Len(t, steps, 3)
	assert.Equal(t, 0, steps[2].Index)
	assert.Equal(t, "missing: rule gold, after 684", steps[2].Want)

	c = findCase(t, r, "an error that does not come")
	assert.Equal(t, `want an error matching "price below floor"; the quote priced without one (net 500.00 EUR)`, c.Failures[0].Message)
	c = findCase(t, r, "another error than expected")
	assert.Equal(t, "line 1 (TABLE): net is 40% of list, below the floor of 50% of guardrail all", c.Error)
	c = findCase(t, r, "an error not expected")
	assert.Equal(t, "error", c.Failures[0].Field)
	assert.Equal(t, 57, c.Failures[0].Line)

	var buf bytes.Buffer
	require.NoError(t, cpqtest.WriteText(&buf, &cpqtest.Report{Passed: r.Passed, Failed: r.Failed, Suites: []*cpqtest.SuiteReport{r}}, false))
	golden(t, "failing.golden", filepath.ToSlash(buf.String()))
}

// TestBrokenRule breaks the gold customers' rule of the server catalog
// (15 % instead of 5 %): the shipped suite fails, and the failure names
// the rule and the step of the waterfall where the amounts part.
func TestBrokenRule(t *testing.T) {
	cat, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	suite, err := catalogs.FS.ReadFile("server.test.yaml")
	require.NoError(t, err)
	broken := strings.Replace(string(cat), `{type: discount_percent, value: "5"}`, `{type: discount_percent, value: "15"}`, 1)
	require.NotEqual(t, string(cat), broken)
	fsys := fstest.MapFS{"server.yaml": {Data: []byte(broken)}, "server.test.yaml": {Data: suite}}
	s, err := cpqtest.Load(fsys, "server.test.yaml")
	require.NoError(t, err)
	r := cpqtest.RunSuite(context.Background(), s, cpqtest.Options{})
	assert.Equal(t, 1, r.Failed)
	c := findCase(t, r, "gold customer buys five balanced servers")
	var step *cpqtest.Failure
	for _, f := range c.Failures {
		if f.Field == "steps" {
			step = f
		}
	}
	require.NotNil(t, step)
	// 41760 × 0.85 = 35496 where 41760 × 0.95 = 39672 was expected.
	assert.Equal(t, "line srv step 7 (rule gold_customers): after want 39672, got 35496.00 USD", step.Message)
	assert.Equal(t, 7, step.Step)
	rows := c.Waterfalls[0].Steps
	require.Len(t, rows, 7)
	for _, row := range rows[:6] {
		assert.False(t, row.Differs, "step %d", row.Index)
	}
	assert.True(t, rows[6].Differs)
	assert.Equal(t, "gold_customers", rows[6].Source)
	assert.Contains(t, c.Text(), "  >  7  rule       gold_customers  41760.00 USD  35496.00 USD  after 39672")
}

func TestFilter(t *testing.T) {
	s, err := cpqtest.LoadFile(filepath.Join("testdata", "failing.test.yaml"))
	require.NoError(t, err)
	r := cpqtest.RunSuite(context.Background(), s, cpqtest.Options{Filter: regexp.MustCompile("error")})
	require.Len(t, r.Cases, 3)
	assert.Equal(t, "an error that does not come", r.Cases[0].Name)
	assert.Equal(t, 3, r.Failed)
}

func TestJSONAndJUnit(t *testing.T) {
	rep := &cpqtest.Report{}
	rep.Add(runFile(t, "shop.test.yaml"))
	rep.Add(runFile(t, "failing.test.yaml"))
	assert.Equal(t, 5, rep.Passed)
	assert.Equal(t, 5, rep.Failed)

	data, err := json.MarshalIndent(rep, "", "  ")
	require.NoError(t, err)
	var decoded struct {
		Passed, Failed int
		Suites         []struct {
			File  string
			Cases []struct {
				Name     string
				Passed   bool
				Failures []struct {
					Line    int
					Field   string
					Step    int
					Message string
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(data, &decoded))
	assert.Equal(t, 5, decoded.Failed)
	require.Len(t, decoded.Suites, 2)
	assert.Equal(t, "unit_price", decoded.Suites[1].Cases[0].Failures[0].Field)
	golden(t, "report.json", filepath.ToSlash(string(data))+"\n")

	var buf bytes.Buffer
	require.NoError(t, cpqtest.WriteJUnit(&buf, rep))
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &junit))
	assert.Equal(t, 10, junit.Tests)
	assert.Equal(t, 5, junit.Failures)
	require.Len(t, junit.Suites, 2)
	assert.Nil(t, junit.Suites[0].Cases[0].Failure)
	fail := junit.Suites[1].Cases[0].Failure
	require.NotNil(t, fail)
	assert.Equal(t, "8 expectations failed: line table unit_price: want 480, got 475.00 EUR", fail.Message)
	assert.Contains(t, fail.Text, "line table: TABLE × 1")
	golden(t, "report.junit.xml", filepath.ToSlash(buf.String()))
}

// TestLoadProblems reports every mistake of a test file at its position,
// problems of the inline quote included.
func TestLoadProblems(t *testing.T) {
	_, err := cpqtest.LoadFile(filepath.Join("testdata", "mistakes.test.yaml"))
	require.Error(t, err)
	assert.ErrorIs(t, err, cpqtest.ErrInvalidSuite)
	var es cpqtest.Errors
	require.ErrorAs(t, err, &es)
	require.Len(t, es, 16)
	file := filepath.Join("testdata", "mistakes.test.yaml")
	assert.Equal(t, cpqtest.Error{Pos: catalog.Pos{File: file, Line: 8, Column: 21}, Path: "cases[0].input.lines[0].product",
		Code: "quote.unknown-reference", Message: `unknown product "CHAIRS"; did you mean "CHAIR"?`}, *es[0])
	assert.Equal(t, cpqtest.Error{Pos: catalog.Pos{File: file, Line: 12, Column: 37}, Path: "cases[0].expect.lines.1.rules[0]",
		Code: cpqtest.CodeReference, Message: `unknown price rule "golden"; did you mean "gold"?`}, *es[3])
	golden(t, "mistakes.golden", filepath.ToSlash(cpqtest.ProblemText(err))+"\n")
}

func TestLoadErrors(t *testing.T) {
	shop, err := os.ReadFile(filepath.Join("testdata", "shop.yaml"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name, file, want string
		code             string
	}{
		{"syntax", "catalog: shop.yaml\ncases: [\n", "t.test.yaml:", "test.syntax"},
		{"no catalog", "cases: []\n", "t.test.yaml:1:1: test.required: a test file names its catalog", cpqtest.CodeRequired},
		{"missing catalog", "catalog: nope.yaml\ncases: []\n", "t.test.yaml:1:10: test.io: cannot read catalog nope.yaml", cpqtest.CodeIO},
		{"no cases", "catalog: shop.yaml\n", "t.test.yaml:1:1: test.required: a test file needs at least one case", cpqtest.CodeRequired},
		{"both inputs", "catalog: shop.yaml\ncases:\n  - {name: a, input: {date: 2026-01-01}, input_file: q.yaml, expect: {}}\n",
			"t.test.yaml:3:5: test.required: case \"a\" needs exactly one of input and input_file", cpqtest.CodeRequired},
		{"input not a mapping", "catalog: shop.yaml\ncases:\n  - {name: a, input: [1], expect: {}}\n",
			"t.test.yaml:3:22: test.type: expected a quote (a mapping with date, customer, lines, …), found a list", "test.type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"shop.yaml": {Data: shop}, "t.test.yaml": {Data: []byte(tc.file)}}
			_, err := cpqtest.Load(fsys, "t.test.yaml")
			var es cpqtest.Errors
			require.ErrorAs(t, err, &es)
			assert.Contains(t, es.Error(), tc.want)
			assert.Equal(t, tc.code, es[0].Code)
		})
	}

	// A catalog with problems is reported as the catalog's own problems.
	fsys := fstest.MapFS{"bad.yaml": {Data: []byte("id: x\n")}, "t.test.yaml": {Data: []byte("catalog: bad.yaml\ncases: []\n")}}
	_, err = cpqtest.Load(fsys, "t.test.yaml")
	var ce catalog.Errors
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, catalog.ErrInvalid)
	assert.Contains(t, cpqtest.ProblemText(err), "bad.yaml")

	_, err = cpqtest.LoadFile(filepath.Join("testdata", "no-such.test.yaml"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "%v", err)
}

// TestInputFile prices a quote file named by the case, relative to the
// test file, and places its problems in that file.
func TestInputFile(t *testing.T) {
	shop, err := os.ReadFile(filepath.Join("testdata", "shop.yaml"))
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"catalogs/shop.yaml": {Data: shop},
		"suites/t.test.yaml": {Data: []byte("catalog: ../catalogs/shop.yaml\ncases:\n" +
			"  - {name: file, input_file: quotes/q.yaml, expect: {totals: {net: 1000}}}\n")},
		"suites/quotes/q.yaml": {Data: []byte("date: 2026-03-02\nlines: [{product: TABLE, quantity: 2}]\n")},
	}
	s, err := cpqtest.Load(fsys, "suites/t.test.yaml")
	require.NoError(t, err)
	assert.Equal(t, "catalogs/shop.yaml", s.CatalogFile)
	r := cpqtest.RunSuite(context.Background(), s, cpqtest.Options{})
	assert.Equal(t, 1, r.Passed)

	fsys["suites/quotes/q.yaml"] = &fstest.MapFile{Data: []byte("date: 2026-03-02\nlines: [{product: TABEL, quantity: 2}]\n")}
	_, err = cpqtest.Load(fsys, "suites/t.test.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `suites/quotes/q.yaml:2:19: quote.unknown-reference: unknown product "TABEL"`)
}

// TestAmounts compares amounts as exact decimals, and the currency when
// the test names one.
func TestAmounts(t *testing.T) {
	shop, err := os.ReadFile(filepath.Join("testdata", "shop.yaml"))
	require.NoError(t, err)
	for _, tc := range []struct {
		net  string
		pass bool
	}{
		{"1000", true}, {"1000.00", true}, {"1_000.0000", true}, {`"1000.00 EUR"`, true}, {"1e3", true},
		{"1000.01", false}, {"1000 USD", false}, {"999.999", false},
	} {
		suite := "catalog: shop.yaml\ncases:\n  - name: two tables\n    input: {date: 2026-03-02, lines: [{product: TABLE, quantity: 2}]}\n" +
			"    expect: {totals: {net: " + tc.net + "}}\n"
		s, err := cpqtest.Load(fstest.MapFS{"shop.yaml": {Data: shop}, "t.test.yaml": {Data: []byte(suite)}}, "t.test.yaml")
		require.NoError(t, err, tc.net)
		r := cpqtest.RunSuite(context.Background(), s, cpqtest.Options{})
		assert.Equal(t, tc.pass, r.Cases[0].Passed, "net %s: %s", tc.net, r.Cases[0].Text())
	}
}

// TestRunFailsTheTest runs a failing suite under a test of its own and
// checks that the subtests fail with the failure text.
func TestRunFailsTheTest(t *testing.T) {
	if os.Getenv("CPQTEST_FAILING") == "1" {
		cpqtest.Run(t, filepath.Join("testdata", "failing.test.yaml"))
		return
	}
	// Run as a child process, so that its failures do not fail this test.
	exe, err := os.Executable()
	require.NoError(t, err)
	out, err := runChild(exe, "-test.run=^TestRunFailsTheTest$", "-test.v")
	require.Error(t, err)
	assert.Contains(t, out, "--- FAIL: TestRunFailsTheTest/wrong_amounts,_rules_and_steps")
	assert.Contains(t, out, "--- PASS: TestRunFailsTheTest/one_that_passes")
	assert.Contains(t, out, "line table unit_price: want 480, got 475.00 EUR")
}

func runChild(exe string, args ...string) (string, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "CPQTEST_FAILING=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
