package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"image"
	_ "image/jpeg" // logos may be JPEG
	"image/png"
	"io/fs"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// Errors a caller may branch on.
var (
	// ErrNotApproved: a final document was requested (Options.Final) for a
	// quote revision that is not approved for its current seal.
	ErrNotApproved = errors.New("quote revision is not approved")
	// ErrMissingGlyph: the PDF font cannot draw a character the document
	// needs. The error names the characters.
	ErrMissingGlyph = errors.New("font lacks characters the document needs")
	// ErrNoFont: a PDF was requested from a renderer configured without a
	// font.
	ErrNoFont = errors.New("no font for the PDF")
	// ErrUnknownLanguage: no label bundle for the language, or a host
	// bundle for a new language that lacks keys.
	ErrUnknownLanguage = errors.New("no labels for the language")
	// ErrInvalidConfig: the configuration is wrong (an unknown section or
	// column, a condition that does not compile, a logo that is not an
	// image, a font that cannot be read).
	ErrInvalidConfig = errors.New("invalid render configuration")
	// ErrDocumentChanged: the PDF is not byte for byte the file that was
	// rendered.
	ErrDocumentChanged = errors.New("document was changed after it was rendered")
	// ErrSealMismatch: the PDF was rendered from other content than the
	// stored quote revision holds.
	ErrSealMismatch = errors.New("document does not match the quote revision")
	// ErrDraftDocument: the PDF is a draft, not an approved document.
	ErrDraftDocument = errors.New("document is a draft")
	// ErrNotRendered: the PDF carries no document metadata of this
	// package.
	ErrNotRendered = errors.New("not a document rendered by cpqkit")
)

// Approval is the approval state of one quote revision, as the host's
// approval gate reports it.
type Approval struct {
	// Approved is true when every required approval is granted, or none is
	// required.
	Approved bool
	// Seal is the content seal the approvals were granted for.
	Seal string
	// Approvers are the people who approved, in order.
	Approvers []string
	// At is when the last approval was granted.
	At time.Time
}

// ApprovalState tells the renderer whether a quote revision is approved.
// The host implements it with the approval package's gate: Approved is true
// only when the gate passes for the quote's current seal, and Seal is that
// seal. An error means the state could not be read (the document is then
// not rendered at all).
type ApprovalState interface {
	Approval(ctx context.Context, q *quote.Quote) (Approval, error)
}

// ApprovalFunc adapts a function to ApprovalState.
type ApprovalFunc func(ctx context.Context, q *quote.Quote) (Approval, error)

// Approval calls f.
func (f ApprovalFunc) Approval(ctx context.Context, q *quote.Quote) (Approval, error) {
	return f(ctx, q)
}

// Letterhead is the company that issues quotes.
type Letterhead struct {
	Company string   `json:"company" yaml:"company"`
	Address []string `json:"address,omitempty" yaml:"address"`
	TaxID   string   `json:"tax_id,omitempty" yaml:"tax_id"`
	Phone   string   `json:"phone,omitempty" yaml:"phone"`
	Email   string   `json:"email,omitempty" yaml:"email"`
	Website string   `json:"website,omitempty" yaml:"website"`
	// Logo is a PNG or JPEG image, drawn at the top left of the first
	// page at most LogoHeight points high.
	Logo []byte `json:"-" yaml:"-"`
}

// FontFace is one font given as bytes: a TrueType font (.ttf) or a
// TrueType collection (.ttc) with the face to use. Fonts with CFF outlines
// (most .otf files, Noto CJK) are not supported.
type FontFace struct {
	Data  []byte
	Index int
}

// Fonts are the fonts of the PDF: Regular for text, and Bold for headings
// and totals (Regular when empty). Every character of a document must be in
// them; a missing one is ErrMissingGlyph before anything is drawn.
type Fonts struct {
	Regular FontFace
	Bold    FontFace
}

// ReadFontFace reads a font file from fsys.
func ReadFontFace(fsys fs.FS, name string, index int) (FontFace, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return FontFace{}, fmt.Errorf("read font: %w", err)
	}
	return FontFace{Data: b, Index: index}, nil
}

// PageSize is the paper size of a PDF, in points.
type PageSize struct {
	Width, Height float64
}

// The paper sizes.
var (
	A4     = PageSize{595.28, 841.89}
	Letter = PageSize{612, 792}
)

// Config is what a Renderer is prepared from, once: the company, the
// template, label overrides, fonts, the HTML template and the approval
// gate. Every field may be left empty.
type Config struct {
	Letterhead Letterhead
	// Template chooses the sections and columns; empty means
	// DefaultTemplate.
	Template Template
	// Labels overrides texts of the shipped bundles, or adds a language
	// (then with every key), by language tag.
	Labels map[string]Labels
	// Fonts are needed for PDF only.
	Fonts Fonts
	// HTML replaces the embedded HTML template (see DefaultHTMLTemplate
	// for what it is given).
	HTML *template.Template
	// Approvals is the host's approval gate. Without it every document is
	// a draft.
	Approvals ApprovalState
	// PageSize of the PDF; zero means A4.
	PageSize PageSize
	// LogoHeight is the height of the logo in points; zero means 40.
	LogoHeight float64
}

// Options are the choices of one rendering.
type Options struct {
	// Language of the labels: a BCP 47 tag ("en", "zh-CN"). Empty means
	// the quote's language, else English.
	Language string
	// Locale formats money, numbers and dates; empty means Language.
	Locale string
	// Date is the document's date; zero means the day the quote revision
	// was last updated.
	Date time.Time
	// Final refuses to render a draft: a quote revision that is not
	// approved for its current seal gives ErrNotApproved instead of a
	// document with the DRAFT watermark.
	Final bool
}

// Renderer turns quotes into documents. It is prepared once from a Config
// and safe for concurrent use.
type Renderer struct {
	cfg      Config
	template *compiledTemplate
	logo     *logo
	fonts    *pdfFonts
	html     *template.Template
}

type logo struct {
	data   []byte
	png    []byte // re-encoded for the PDF writer
	mime   string
	width  int
	height int
}

// New prepares a Renderer: it compiles the template's conditions, checks
// the label overrides, decodes the logo and reads the fonts.
func New(cfg Config) (*Renderer, error) {
	r := &Renderer{cfg: cfg}
	if r.cfg.PageSize == (PageSize{}) {
		r.cfg.PageSize = A4
	}
	if r.cfg.LogoHeight <= 0 {
		r.cfg.LogoHeight = 40
	}
	var err error
	if r.template, err = compileTemplate(cfg.Template); err != nil {
		return nil, err
	}
	if err := checkLabels(cfg.Labels); err != nil {
		return nil, err
	}
	if len(cfg.Letterhead.Logo) > 0 {
		img, format, err := image.Decode(bytes.NewReader(cfg.Letterhead.Logo))
		if err != nil {
			return nil, fmt.Errorf("logo: %v: %w", err, ErrInvalidConfig)
		}
		b := img.Bounds()
		var p bytes.Buffer
		if err := png.Encode(&p, img); err != nil {
			return nil, fmt.Errorf("logo: %v: %w", err, ErrInvalidConfig)
		}
		r.logo = &logo{data: cfg.Letterhead.Logo, png: p.Bytes(), mime: "image/" + format, width: b.Dx(), height: b.Dy()}
	}
	if len(cfg.Fonts.Regular.Data) > 0 {
		if r.fonts, err = loadFonts(cfg.Fonts); err != nil {
			return nil, err
		}
	}
	r.html = cfg.HTML
	if r.html == nil {
		r.html = defaultHTML
	}
	return r, nil
}
