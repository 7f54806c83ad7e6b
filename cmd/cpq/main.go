// Command cpq is the cpqkit command line: it checks catalogs and runs the
// demo.
//
// Usage:
//
//	cpq demo                 run the demo on the example catalogs
//	cpq check [--json] FILE...  check catalogs and report every problem
//	cpq configure [flags] MODEL [var=value ...]  configure a product or an imported model
//	cpq configure --questionnaire ID [-i | --answers FILE] CATALOG [var=value ...]
//	                         ask a catalog's questionnaire and rank what fits
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
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}
