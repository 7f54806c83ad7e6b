package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// letterheadFile is the company configuration cpq render reads: the
// letterhead, and optionally the template, label overrides and page size.
type letterheadFile struct {
	render.Letterhead `yaml:",inline"`
	// Logo is a PNG or JPEG file, relative to the configuration file.
	Logo     string                   `yaml:"logo"`
	Template render.Template          `yaml:"template"`
	Labels   map[string]render.Labels `yaml:"labels"`
	PageSize string                   `yaml:"page_size"`
}

// fontPaths are where cpq render looks for a font when none is given:
// Debian's WenQuanYi Micro Hei (Latin and CJK), then DejaVu Sans (Latin).
var fontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}

// defaultFont returns the first of fontPaths that exists, or "".
func defaultFont() string {
	for _, p := range fontPaths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// runRender renders a quote file as PDF, HTML, JSON or CSV.
func runRender(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output `file` (default: standard output)")
	format := fs.String("format", "", "pdf, html, json or csv (default: from the output file's extension, else pdf)")
	lang := fs.String("lang", "", "language of the labels: en, zh-CN (default: the quote's)")
	locale := fs.String("locale", "", "locale of money, numbers and dates (default: the language)")
	config := fs.String("letterhead", "", "company configuration `file` (YAML: company, address, tax_id, phone, email, website, logo, template, labels, page_size)")
	company := fs.String("company", "", "company name (overrides the letterhead file's)")
	logo := fs.String("logo", "", "logo `file`, PNG or JPEG (overrides the letterhead file's)")
	font := fs.String("font", "", "TrueType font `file` (.ttf or .ttc) for PDF (default: WenQuanYi Micro Hei or DejaVu Sans where Debian installs them)")
	fontIndex := fs.Int("font-index", 0, "face of a .ttc font")
	bold := fs.String("bold-font", "", "TrueType font `file` for headings and totals (default: the regular font)")
	boldIndex := fs.Int("bold-font-index", 0, "face of a .ttc bold font")
	final := fs.Bool("final", false, "refuse to render a quote that is not approved, instead of rendering a DRAFT")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq render [flags] QUOTE.json")
		fmt.Fprintln(stderr, "Renders a quote (a JSON quote revision) as a document. A revision renders without the DRAFT")
		fmt.Fprintln(stderr, "watermark only when it is approved (status approved, presented, accepted or ordered, with an")
		fmt.Fprintln(stderr, "approval in its history) and its content matches its seal.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "cpq render: %v\n", err)
		return 1
	}
	if *format == "" {
		switch ext := strings.ToLower(filepath.Ext(*out)); ext {
		case ".html", ".htm":
			*format = "html"
		case ".json", ".csv":
			*format = ext[1:]
		default:
			*format = "pdf"
		}
	}
	switch *format {
	case "pdf", "html", "json", "csv":
	default:
		fmt.Fprintf(stderr, "cpq render: unknown format %q (pdf, html, json or csv)\n", *format)
		return 2
	}
	q, err := readQuote(fs.Arg(0))
	if err != nil {
		return fail(err)
	}
	cfg := render.Config{Approvals: render.ApprovalFunc(approvalFromHistory)}
	if *config != "" {
		if err := readLetterhead(*config, &cfg); err != nil {
			return fail(err)
		}
	}
	if *company != "" {
		cfg.Letterhead.Company = *company
	}
	if *logo != "" {
		if cfg.Letterhead.Logo, err = os.ReadFile(*logo); err != nil {
			return fail(err)
		}
	}
	if *format == "pdf" {
		path := *font
		if path == "" {
			if path = defaultFont(); path == "" {
				return fail(errors.New("no font found: give --font FILE (a TrueType .ttf or .ttc with the document's characters)"))
			}
		}
		if cfg.Fonts.Regular, err = render.ReadFontFace(os.DirFS(filepath.Dir(path)), filepath.Base(path), *fontIndex); err != nil {
			return fail(err)
		}
		if *bold != "" {
			if cfg.Fonts.Bold, err = render.ReadFontFace(os.DirFS(filepath.Dir(*bold)), filepath.Base(*bold), *boldIndex); err != nil {
				return fail(err)
			}
		}
	}
	r, err := render.New(cfg)
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	opts := render.Options{Language: *lang, Locale: *locale, Final: *final}
	doc, err := r.Document(ctx, q, opts)
	if err != nil {
		return fail(err)
	}
	var b bytes.Buffer
	switch *format {
	case "pdf":
		err = r.PDF(ctx, &b, q, opts)
	case "html":
		err = r.HTML(ctx, &b, q, opts)
	case "json":
		err = r.JSON(ctx, &b, q, opts)
	case "csv":
		err = r.CSV(ctx, &b, q, opts)
	}
	if err != nil {
		return fail(err)
	}
	if *out == "" || *out == "-" {
		if _, err := stdout.Write(b.Bytes()); err != nil {
			return fail(err)
		}
	} else if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return fail(err)
	}
	state := "approved, seal " + doc.SealShort
	if doc.Draft {
		state = "DRAFT: " + doc.DraftReason
	}
	name := *out
	if name == "" || name == "-" {
		name = "standard output"
	}
	fmt.Fprintf(stderr, "%s: quote %s revision %d, %s, %s\n", name, q.Number, q.Revision, *format, state)
	return 0
}

// readQuote reads a quote revision from a JSON file.
func readQuote(path string) (*quote.Quote, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var q quote.Quote
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &q, nil
}

// readLetterhead reads a company configuration file into cfg.
func readLetterhead(path string, cfg *render.Config) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var lf letterheadFile
	if err := yaml.UnmarshalWithOptions(b, &lf, yaml.Strict()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cfg.Letterhead = lf.Letterhead
	cfg.Template = lf.Template
	cfg.Labels = lf.Labels
	switch strings.ToLower(lf.PageSize) {
	case "", "a4":
		cfg.PageSize = render.A4
	case "letter":
		cfg.PageSize = render.Letter
	default:
		return fmt.Errorf("%s: page_size %q: A4 or Letter", path, lf.PageSize)
	}
	if lf.Logo != "" {
		logo := lf.Logo
		if !filepath.IsAbs(logo) {
			logo = filepath.Join(filepath.Dir(path), logo)
		}
		if cfg.Letterhead.Logo, err = os.ReadFile(logo); err != nil {
			return fmt.Errorf("%s: logo: %w", path, err)
		}
	}
	return nil
}

// approvalFromHistory is the approval state a quote file records: the
// revision is approved when its status is approved or later and its
// history holds the move to approved for this revision. The command has
// no approval store; a host passes the approval package's gate instead.
// The renderer still requires the content to match the seal.
func approvalFromHistory(_ context.Context, q *quote.Quote) (render.Approval, error) {
	switch q.Status {
	case quote.StatusApproved, quote.StatusPresented, quote.StatusAccepted, quote.StatusOrdered:
	default:
		return render.Approval{}, nil
	}
	a := render.Approval{Seal: q.Seal}
	for _, t := range q.History {
		if t.To == quote.StatusApproved && t.Revision == q.Revision {
			a.Approved = true
			a.Approvers = append(a.Approvers, t.Actor)
			a.At = t.At
		}
	}
	return a, nil
}
