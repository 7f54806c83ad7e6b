package render

import (
	"bytes"
	"context"
	_ "embed" // the default template and style sheet
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/cpqkit/cpq/quote"
)

var (
	//go:embed templates/quote.html.tmpl
	defaultHTMLSource string
	//go:embed templates/quote.css
	defaultCSS string
)

// HTMLFuncs are the functions the default HTML template uses; a host's
// template parsed with them may use them too.
var HTMLFuncs = template.FuncMap{
	"sub": func(a, b int) int { return a - b },
}

var defaultHTML = template.Must(template.New("quote.html").Funcs(HTMLFuncs).Parse(defaultHTMLSource))

// DefaultHTMLTemplate returns the source of the embedded HTML template, a
// starting point for a host's own. It is executed with an HTMLData.
func DefaultHTMLTemplate() string { return defaultHTMLSource }

// DefaultCSS returns the embedded print style sheet.
func DefaultCSS() string { return defaultCSS }

// HTMLData is what the HTML template is executed with: the document, the
// style sheet, the logo as a data URL, and the page counter for CSS.
type HTMLData struct {
	*Document
	CSS template.CSS
	// LogoURL is the logo as a data: URL; empty without a logo.
	LogoURL template.URL
	// PageCounter is a CSS content value showing "Page N of M" in the
	// document's language, for an @page margin box.
	PageCounter template.CSS
}

// HTML renders a quote revision as an HTML document: the default template
// with its print style sheet, or the host's (Config.HTML). A draft shows
// the DRAFT watermark; Options.Final refuses drafts with ErrNotApproved.
func (r *Renderer) HTML(ctx context.Context, w io.Writer, q *quote.Quote, opts Options) error {
	d, err := r.Document(ctx, q, opts)
	if err != nil {
		return err
	}
	return r.writeHTML(w, d)
}

func (r *Renderer) writeHTML(w io.Writer, d *Document) error {
	data := HTMLData{Document: d, CSS: template.CSS(defaultCSS), PageCounter: cssPageCounter(d.PageLabel)}
	if d.logo != nil {
		data.LogoURL = template.URL("data:" + d.logo.mime + ";base64," + base64.StdEncoding.EncodeToString(d.logo.data))
	}
	var b bytes.Buffer
	if err := r.html.Execute(&b, data); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// cssPageCounter turns "Page {n} of {m}" into the CSS content value
// "Page " counter(page) " of " counter(pages).
func cssPageCounter(label string) template.CSS {
	var parts []string
	rest := label
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			parts = append(parts, cssString(rest))
			break
		}
		if i > 0 {
			parts = append(parts, cssString(rest[:i]))
		}
		switch {
		case strings.HasPrefix(rest[i:], "{n}"):
			parts = append(parts, "counter(page)")
			rest = rest[i+3:]
		case strings.HasPrefix(rest[i:], "{m}"):
			parts = append(parts, "counter(pages)")
			rest = rest[i+3:]
		default:
			parts = append(parts, cssString("{"))
			rest = rest[i+1:]
		}
	}
	if len(parts) == 0 {
		return `""`
	}
	return template.CSS(strings.Join(parts, " "))
}

// cssString quotes s as a CSS string, escaping every character that could
// end it or the style element.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\%x ", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
