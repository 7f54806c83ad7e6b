package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/cpqkit/cpq/cpqtest"
)

// runTest runs pricing test suites: the files named, and every *.test.yaml
// under the directories named. It exits 1 when a case fails, 2 when the
// command is misused or a suite does not load.
func runTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	junit := fs.String("junit", "", "also write the report as JUnit XML to `FILE`")
	filter := fs.String("run", "", "run only the cases whose name matches `REGEX`")
	verbose := fs.Bool("v", false, "list the cases that pass too")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq test [--run REGEX] [--json] [--junit FILE] [-v] PATH...")
		fmt.Fprintln(stderr, "PATH is a test file or a directory searched for *.test.yaml files.")
		fs.PrintDefaults()
	}
	args, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(args) == 0 {
		fs.Usage()
		return 2
	}
	opts := cpqtest.Options{}
	if *filter != "" {
		re, err := regexp.Compile(*filter)
		if err != nil {
			fmt.Fprintf(stderr, "cpq test: --run: %v\n", err)
			return 2
		}
		opts.Filter = re
	}
	files, err := findSuites(args)
	if err != nil {
		fmt.Fprintf(stderr, "cpq test: %v\n", err)
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "cpq test: no *.test.yaml files in %s\n", strings.Join(args, ", "))
		return 2
	}
	suites := make([]*cpqtest.Suite, 0, len(files))
	broken := false
	for _, f := range files {
		s, err := cpqtest.LoadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, cpqtest.ProblemText(err))
			broken = true
			continue
		}
		suites = append(suites, s)
	}
	if broken {
		return 2
	}
	report := &cpqtest.Report{}
	for _, s := range suites {
		report.Add(cpqtest.RunSuite(context.Background(), s, opts))
	}
	if report.Passed+report.Failed == 0 {
		fmt.Fprintf(stderr, "cpq test: no cases match --run %q\n", *filter)
	}
	if *junit != "" {
		var buf bytes.Buffer
		if err := cpqtest.WriteJUnit(&buf, report); err != nil {
			fmt.Fprintf(stderr, "cpq test: %v\n", err)
			return 2
		}
		if err := os.WriteFile(*junit, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "cpq test: %v\n", err)
			return 2
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(report)
	} else {
		err = cpqtest.WriteText(stdout, report, *verbose)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cpq test: %v\n", err)
		return 2
	}
	if report.Failed > 0 {
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		remaining := fs.Args()
		if len(remaining) == 0 {
			return rest, nil
		}
		// Parse stops at the first argument that is not a flag, or after
		// "--", which it drops: everything after "--" is positional.
		if n := len(args) - len(remaining); n > 0 && args[n-1] == "--" {
			return append(rest, remaining...), nil
		}
		rest = append(rest, remaining[0])
		args = remaining[1:]
	}
}

// findSuites returns the files named and the *.test.yaml files under the
// directories named, each directory's in lexical order, without
// duplicates.
func findSuites(paths []string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".test.yaml") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return files, nil
}
