// Command crm-flow runs the path cpqkit exists for, end to end, against an
// in-memory CRM and ERP: an opportunity in the CRM becomes a prefilled
// quote, configured by guided selling, priced, discounted beyond what a
// salesperson may give alone, approved by the manager, rendered to PDF,
// presented and accepted; the CRM then shows the quote and the ERP has the
// order with the exact configuration and the seal. Each step is printed.
//
// Usage:
//
//	crm-flow [-font file.ttf] [-cjk-font file.ttc] [-out DIR]
//
// The PDFs need TrueType fonts covering the documents' characters (for the
// Chinese one, a CJK font such as WenQuanYi Micro Hei); without them they
// are skipped.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cpqkit/cpq/internal/demo"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/memory"
)

func main() {
	latin := flag.String("font", "", "a TrueType font for the English PDF (skipped without it)")
	cjk := flag.String("cjk-font", "", "a TrueType font or collection with Chinese characters for the Chinese PDF (skipped without it)")
	out := flag.String("out", "", "write the documents to this directory")
	flag.Parse()
	faces := make([]*render.FontFace, 2)
	for i, path := range []string{*latin, *cjk} {
		if path == "" {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crm-flow:", err)
			os.Exit(1)
		}
		faces[i] = &render.FontFace{Data: b}
	}
	if _, err := run(context.Background(), os.Stdout, faces[0], faces[1], *out); err != nil {
		fmt.Fprintln(os.Stderr, "crm-flow:", err)
		os.Exit(1)
	}
}

// run runs the flow on the memory store.
func run(ctx context.Context, w io.Writer, latin, cjk *render.FontFace, outDir string) (*demo.Result, error) {
	return demo.Run(ctx, w, demo.Options{Store: memory.New(), Latin: latin, CJK: cjk, OutDir: outDir})
}
