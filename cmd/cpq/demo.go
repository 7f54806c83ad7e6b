package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cpqkit/cpq/internal/demo"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/sqlite"
)

// Fonts the demo looks for when none is given: Debian's DejaVu Sans
// (fonts-dejavu-core) and WenQuanYi Micro Hei (fonts-wqy-microhei).
var (
	latinFonts = []string{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"}
	cjkFonts   = []string{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"}
)

// runDemo runs the whole flow on the embedded SQLite store.
func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory for the SQLite database and the documents (default: a new temporary directory)")
	latin := fs.String("font", "", "TrueType font for the English PDF (default: DejaVu Sans if installed)")
	cjk := fs.String("cjk-font", "", "TrueType font or collection for the Chinese PDF (default: WenQuanYi Micro Hei if installed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: cpq demo [--dir DIR] [--font FILE] [--cjk-font FILE]")
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "cpq-demo-")
		if err != nil {
			fmt.Fprintf(stderr, "cpq demo: %v\n", err)
			return 1
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "cpq demo: %v\n", err)
		return 1
	}
	ctx := context.Background()
	start := time.Now()
	dbPath := filepath.Join(*dir, "cpq.db")
	store, err := sqlite.Open(ctx, sqlite.Config{Path: dbPath})
	if err != nil {
		fmt.Fprintf(stderr, "cpq demo: %v\n", err)
		return 1
	}
	defer store.Close()
	fmt.Fprintf(stdout, "cpqkit demo — quotes, approvals and events in SQLite at %s\n\n", dbPath)
	opts := demo.Options{Store: store, OutDir: *dir}
	opts.Latin = findFont(*latin, latinFonts, stderr)
	opts.CJK = findFont(*cjk, cjkFonts, stderr)
	if _, err := demo.Run(ctx, stdout, opts); err != nil {
		fmt.Fprintf(stderr, "cpq demo: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\ndone in %s\n", time.Since(start).Round(time.Millisecond))
	return 0
}

// findFont reads the given font, or the first of the defaults installed.
func findFont(given string, defaults []string, stderr io.Writer) *render.FontFace {
	paths := defaults
	if given != "" {
		paths = []string{given}
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			if given != "" {
				fmt.Fprintf(stderr, "cpq demo: %v\n", err)
			}
			continue
		}
		return &render.FontFace{Data: data}
	}
	return nil
}
