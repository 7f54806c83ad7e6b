// Command cpq is the cpqkit command line: it runs the demo, checks,
// configures and prices against catalogs, tests pricing, compares catalog
// versions, renders and verifies quote documents, and measures speed.
//
// Usage:
//
//	cpq demo [--dir DIR] [--font FILE] [--cjk-font FILE]
//	                         run the demo on the example catalogs
//	cpq check [--json] FILE...  check catalogs and report every problem
//	cpq configure [flags] MODEL [var=value ...]  configure a product or an imported model
//	cpq configure --questionnaire ID [-i | --answers FILE] CATALOG [var=value ...]
//	                         ask a catalog's questionnaire and rank what fits
//	cpq price [--json] CATALOG QUOTE
//	                         price a quote file, with every line's waterfall
//	cpq test [--run REGEX] [--json] [--junit FILE] [-v] PATH...
//	                         run pricing test suites (*.test.yaml) against their catalogs
//	cpq diff-catalog [--json] OLD NEW --quotes DIR
//	                         re-price quotes under two catalog versions and report what changes
//	cpq render [flags] QUOTE.json
//	                         render a quote as a PDF, HTML, JSON or CSV document
//	cpq verify DOCUMENT.pdf QUOTE.json
//	                         check a rendered PDF against the stored quote revision
//	cpq bench [--quick] [--json] [--font FILE [--font-index N]]
//	                         run the benchmark scenarios and print one table
//	cpq serve [--addr 127.0.0.1:8080] [--dir DIR] [--secret S]  serve the JSON API on the example server catalog
//	cpq loadtest [--sessions 200] [--duration 30s] [--think 100ms] [--memory-sessions] [--json]
//	                         serve the API on loopback and drive it with concurrent configuration sessions
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand of cpq.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"demo", "run the demo on the example catalogs", runDemo},
		{"check", "check catalogs and report every problem", runCheck},
		{"configure", "configure a product or an imported model", runConfigure},
		{"price", "price a quote file against a catalog, with every line's waterfall", runPrice},
		{"test", "run pricing test suites (*.test.yaml) against their catalogs", runTest},
		{"diff-catalog", "re-price quotes under two catalog versions and report what changes", runDiffCatalog},
		{"render", "render a quote as a PDF, HTML, JSON or CSV document", runRender},
		{"verify", "check a rendered PDF against the stored quote revision", runVerify},
		{"bench", "run the benchmark scenarios in this process and print one table", runBench},
		{"serve", "serve the API and the web configurator on the example server catalog, with demo users", runServe},
		{"loadtest", "serve the API on loopback and drive it with concurrent configuration sessions", runLoadTest},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "cpq: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: cpq COMMAND [ARGS]")
	fmt.Fprintln(w, "commands:")
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
}
