package cpqtest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cpqkit/cpq/catalog"
)

// Run loads the test file at path and runs each of its cases as a subtest
// of t: a case that fails reports its failed expectations and the
// waterfalls of the lines concerned. A test file that does not load fails
// t with every problem.
func Run(t *testing.T, path string) {
	t.Helper()
	s, err := LoadFile(path)
	if err != nil {
		t.Fatalf("%s", ProblemText(err))
	}
	for _, c := range s.Cases {
		t.Run(c.Name, func(t *testing.T) {
			r := s.RunCase(t.Context(), c)
			if !r.Passed {
				t.Errorf("%s (%s:%d:%d)\n%s", r.Name, r.File, r.Line, r.Column, r.Text())
			}
		})
	}
}

// ProblemText writes the error of Load or LoadFile one problem a line:
// each problem of a test file, catalog or quote file at its position.
func ProblemText(err error) string {
	var lines []string
	var tes Errors
	var ces catalog.Errors
	switch {
	case errors.As(err, &tes):
		for _, e := range tes {
			lines = append(lines, e.Error())
		}
	case errors.As(err, &ces):
		for _, e := range ces {
			lines = append(lines, e.Error())
		}
	default:
		lines = append(lines, err.Error())
	}
	return strings.Join(lines, "\n")
}

// WriteText writes a report for people: every failed case with its failed
// expectations and waterfalls, a line per test file, and the count of
// cases that passed and failed. Verbose writes the cases that passed too.
func WriteText(w io.Writer, r *Report, verbose bool) error {
	ew := &errWriter{w: w}
	for _, s := range r.Suites {
		for _, c := range s.Cases {
			switch {
			case !c.Passed:
				ew.printf("--- FAIL: %s (%s:%d:%d)\n", c.Name, c.File, c.Line, c.Column)
				ew.printf("%s", indent(c.Text(), "    "))
			case verbose:
				ew.printf("--- PASS: %s\n", c.Name)
			}
		}
		switch {
		case len(s.Cases) == 0:
			ew.printf("?     %s  no cases to run\n", s.File)
		case s.Failed > 0:
			ew.printf("FAIL  %s  %d of %s failed\n", s.File, s.Failed, plural(len(s.Cases), "case"))
		default:
			ew.printf("ok    %s  %s passed\n", s.File, plural(len(s.Cases), "case"))
		}
	}
	total := r.Passed + r.Failed
	if r.Failed > 0 {
		ew.printf("FAIL: %d/%d\n", r.Failed, total)
	} else {
		ew.printf("PASS: %d/%d\n", r.Passed, total)
	}
	if ew.err != nil {
		return fmt.Errorf("write report: %w", ew.err)
	}
	return nil
}

type errWriter struct {
	w   io.Writer
	err error
}

func (ew *errWriter) printf(format string, args ...any) {
	if ew.err == nil {
		_, ew.err = fmt.Fprintf(ew.w, format, args...)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line == "" {
			continue
		}
		if line != "\n" {
			b.WriteString(prefix)
		}
		b.WriteString(line)
	}
	return b.String()
}

// Text writes a failed case's failures, each at the position of its
// expectation, then the waterfall of each line concerned as a table, a
// ">" in front of every step that differs from what was expected.
func (c *CaseReport) Text() string {
	var b strings.Builder
	for _, f := range c.Failures {
		fmt.Fprintf(&b, "%s: %s\n", f.Pos(), f.Message)
	}
	for _, wf := range c.Waterfalls {
		fmt.Fprintf(&b, "line %s: %s × %s\n", wf.QuoteLine, wf.Product, wf.Quantity)
		hasWant := false
		for _, s := range wf.Steps {
			hasWant = hasWant || s.Want != ""
		}
		head := []string{"", "#", "step", "source", "before", "after", "reason"}
		right := []bool{false, true, false, false, true, true, false}
		if hasWant {
			head = []string{"", "#", "step", "source", "before", "after", "want", "reason"}
			right = []bool{false, true, false, false, true, true, false, false}
		}
		rows := [][]string{head}
		for _, s := range wf.Steps {
			mark, idx := "", "-"
			if s.Differs {
				mark = ">"
			}
			if s.Index > 0 {
				idx = fmt.Sprint(s.Index)
			}
			row := []string{mark, idx, s.Kind, s.Source, s.Before, s.After}
			if hasWant {
				row = append(row, s.Want)
			}
			rows = append(rows, append(row, s.Reason))
		}
		writeTable(&b, "  ", rows, right)
	}
	return b.String()
}

// writeTable writes rows in columns two spaces apart, right-aligned where
// right says; the last column is not padded.
func writeTable(b *strings.Builder, prefix string, rows [][]string, right []bool) {
	widths := make([]int, len(right))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		line.WriteString(prefix)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			switch {
			case right[i]:
				line.WriteString(pad + c)
			case i == len(r)-1:
				line.WriteString(c)
			default:
				line.WriteString(c + pad)
			}
			if i < len(r)-1 {
				line.WriteString("  ")
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

// The JUnit XML format, as CI systems read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes a report as JUnit XML: a testsuite per test file, a
// testcase per case, and for a failed case a failure holding its text.
func WriteJUnit(w io.Writer, r *Report) error {
	out := junitSuites{Name: "cpq test", Tests: r.Passed + r.Failed, Failures: r.Failed}
	for _, s := range r.Suites {
		js := junitSuite{Name: s.File, Tests: len(s.Cases), Failures: s.Failed, Cases: []junitCase{}}
		class := strings.TrimSuffix(path.Base(strings.ReplaceAll(s.File, "\\", "/")), ".yaml")
		for _, c := range s.Cases {
			jc := junitCase{Name: c.Name, Classname: class, File: c.File, Line: c.Line}
			if !c.Passed {
				msg := plural(len(c.Failures), "expectation") + " failed"
				if len(c.Failures) > 0 {
					msg += ": " + c.Failures[0].Message
				}
				jc.Failure = &junitFailure{Message: msg, Type: "cpq.test.failure", Text: c.Text()}
			}
			js.Cases = append(js.Cases, jc)
		}
		out.Suites = append(out.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}
