package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cpqkit/cpq/render"
)

// runVerify checks a PDF rendered by cpq against the stored quote revision
// it claims to show.
func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq verify DOCUMENT.pdf QUOTE.json")
		fmt.Fprintln(stderr, "Checks that the PDF is byte for byte as rendered (its digest), that it shows the stored quote")
		fmt.Fprintln(stderr, "revision (number, revision and seal), that the revision still matches its seal, and that the")
		fmt.Fprintln(stderr, "document is approved, not a draft. Exit status 0: verified; 1: a check failed; 2: usage or")
		fmt.Fprintln(stderr, "a file could not be read.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	pdfFile, quoteFile := fs.Arg(0), fs.Arg(1)
	pdf, err := os.ReadFile(pdfFile)
	if err != nil {
		fmt.Fprintf(stderr, "cpq verify: %v\n", err)
		return 2
	}
	q, err := readQuote(quoteFile)
	if err != nil {
		fmt.Fprintf(stderr, "cpq verify: %v\n", err)
		return 2
	}
	info, err := render.VerifyPDF(pdf, q)
	if err != nil {
		fmt.Fprintf(stdout, "%s: FAILED: %v\n", pdfFile, err)
		if errors.Is(err, render.ErrDocumentChanged) {
			fmt.Fprintln(stdout, "  the file is not the one that was rendered: it was edited, re-saved or appended to")
		}
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok: quote %s revision %d, %s, seal %s\n", pdfFile, info.Quote, info.Revision, info.Status, info.Seal)
	return 0
}
