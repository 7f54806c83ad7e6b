package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

// checkReport is the --json output of cpq check for one file.
type checkReport struct {
	File     string         `json:"file"`
	OK       bool           `json:"ok"`
	Stats    *catalog.Stats `json:"stats,omitempty"`
	Problems []checkProblem `json:"problems"`
}

type checkProblem struct {
	// Severity is "error" or "warning" (static analysis of configurable
	// products: dead values, forced values, redundant rules).
	Severity string `json:"severity"`
	Product  string `json:"product,omitempty"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Path     string `json:"path,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print a JSON report")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq check [--json] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	reports := make([]checkReport, 0, fs.NArg())
	failed := false
	for _, name := range fs.Args() {
		r := checkFile(name)
		failed = failed || !r.OK
		reports = append(reports, r)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			fmt.Fprintf(stderr, "cpq check: %v\n", err)
			return 2
		}
	} else {
		for _, r := range reports {
			printCheckReport(stdout, r)
		}
	}
	if failed {
		return 1
	}
	return 0
}

func checkFile(name string) checkReport {
	r := checkReport{File: name, Problems: []checkProblem{}}
	f, err := os.Open(name)
	if err != nil {
		r.Problems = append(r.Problems, checkProblem{Severity: "error", File: name, Code: "catalog.io", Message: err.Error()})
		return r
	}
	defer f.Close()
	c, err := catalog.Load(f, name)
	if err != nil {
		var list catalog.Errors
		if !errors.As(err, &list) {
			r.Problems = append(r.Problems, checkProblem{Severity: "error", File: name, Code: "catalog.io", Message: err.Error()})
			return r
		}
		for _, e := range list {
			r.Problems = append(r.Problems, checkProblem{
				Severity: "error", File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Column,
				Path: e.Path, Code: e.Code, Message: e.Message,
			})
		}
		return r
	}
	s := c.Stats()
	r.OK, r.Stats = true, &s
	for _, p := range c.Products {
		if !p.IsConfigurable() {
			continue
		}
		m, err := configurator.Compile(c, p.SKU)
		if err == nil {
			var fs []configurator.Finding
			if fs, err = m.Analyze(); err == nil {
				for _, f := range fs {
					sev := "warning"
					if f.IsError() {
						sev, r.OK = "error", false
					}
					r.Problems = append(r.Problems, checkProblem{Severity: sev, Product: p.SKU, File: name,
						Line: f.Pos.Line, Column: f.Pos.Column, Code: f.Code, Message: f.Message})
				}
				continue
			}
		}
		r.OK = false
		r.Problems = append(r.Problems, checkProblem{Severity: "error", Product: p.SKU, File: name,
			Line: p.Pos.Line, Column: p.Pos.Column, Code: configurator.CodeUnsatisfiable, Message: err.Error()})
	}
	return r
}

func printCheckReport(w io.Writer, r checkReport) {
	errs := 0
	for _, p := range r.Problems {
		prefix := p.File
		if p.Line > 0 {
			prefix = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
		}
		if p.Severity == "warning" {
			prefix += ": warning"
		} else {
			errs++
		}
		fmt.Fprintf(w, "%s: %s: %s\n", prefix, p.Code, p.Message)
	}
	if r.OK {
		s := r.Stats
		fmt.Fprintf(w, "%s: ok: %s, %s, %s, %s, %s\n", r.File,
			plural(s.Products, "product"), plural(s.Attributes, "attribute"), plural(s.Options, "option"),
			plural(s.Constraints, "constraint"), plural(s.PriceRules+s.ApprovalRules+s.Schedules, "rule"))
		return
	}
	fmt.Fprintf(w, "%s: %s\n", r.File, plural(errs, "problem"))
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
