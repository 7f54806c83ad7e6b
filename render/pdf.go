package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/cpqkit/cpq/quote"
)

// PDF renders a quote revision as PDF with the renderer's fonts. Before
// anything is drawn, every character the document needs is checked against
// the fonts: a missing one is ErrMissingGlyph, never a blank box. A draft
// carries the DRAFT watermark on every page; an approved revision shows the
// approval stamp and the seal's first 12 hex digits. The PDF's metadata
// carries the full seal, the status and a digest of the file (see
// VerifyPDF).
func (r *Renderer) PDF(ctx context.Context, w io.Writer, q *quote.Quote, opts Options) error {
	if r.fonts == nil {
		return ErrNoFont
	}
	d, err := r.Document(ctx, q, opts)
	if err != nil {
		return err
	}
	b, err := r.pdfBytes(d)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// pdfBytes lays out, checks the fonts, draws and seals the file.
func (r *Renderer) pdfBytes(d *Document) ([]byte, error) {
	pages := layoutDocument(d, r.fonts, r.cfg.PageSize, r.cfg.LogoHeight)

	// The characters each face draws.
	used := map[*fontFace]map[rune]bool{r.fonts.regular: {}, r.fonts.bold: {}}
	for _, p := range pages {
		for _, o := range p.ops {
			if o.kind != opText && o.kind != opWatermark {
				continue
			}
			f := r.fonts.regular
			if o.bold {
				f = r.fonts.bold
			}
			for _, c := range o.text {
				if c = f.drawable(c); c >= 0 {
					used[f][c] = true
				}
			}
		}
	}
	faces := []*fontFace{r.fonts.regular}
	if r.fonts.bold != r.fonts.regular {
		faces = append(faces, r.fonts.bold)
	}
	programs := map[*fontFace][]byte{}
	for _, f := range faces {
		if err := f.missingGlyphs(used[f]); err != nil {
			return nil, err
		}
		runes := make([]rune, 0, len(used[f]))
		for c := range used[f] {
			runes = append(runes, c)
		}
		slices.Sort(runes)
		sub, err := f.font.Subset(runes)
		if err != nil {
			return nil, fmt.Errorf("font %q: %w", f.name, err)
		}
		programs[f] = sub
	}
	var bold []byte
	if r.fonts.bold != r.fonts.regular {
		bold = programs[r.fonts.bold]
	}
	var logoPNG []byte
	if d.logo != nil {
		logoPNG = d.logo.png
	}
	info := DocumentInfo{Quote: d.Number, Revision: d.Revision, Status: "approved", Seal: d.Seal, Digest: digestPlaceholder}
	if d.Draft {
		info.Status = "draft"
	}
	var buf bytes.Buffer
	err := drawPDF(&buf, pages, r.cfg.PageSize, programs[r.fonts.regular], bold, logoPNG, pdfInfo{
		title:   d.Title + " " + d.Number,
		author:  d.Letterhead.Company,
		subject: info.subject(),
		created: d.date,
	})
	if err != nil {
		return nil, err
	}
	out := buf.Bytes()
	at, err := digestAt(out)
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	sum := sha256.Sum256(out)
	copy(out[at:], encodeInfo(hex.EncodeToString(sum[:])))
	return out, nil
}

// DocumentInfo is what a PDF rendered by this package says about itself
// in its metadata (the document information's Subject): the quote and
// revision, the status it was rendered with, the full seal of its content,
// and the SHA-256 digest of the file itself (computed with the digest's
// own digits set to zero).
type DocumentInfo struct {
	Quote    string `json:"quote"`
	Revision int    `json:"revision"`
	// Status is "approved" or "draft".
	Status string `json:"status"`
	Seal   string `json:"seal"`
	Digest string `json:"digest"`
}

const (
	infoMagic         = "cpq-document/1"
	digestKey         = " digest=" + quote.SealPrefix
	digestHexLen      = 64
	subjectKey        = "/Subject <FEFF"
	digestPlaceholder = quote.SealPrefix + "0000000000000000000000000000000000000000000000000000000000000000"
)

func (i DocumentInfo) subject() string {
	return infoMagic + " quote=" + url.QueryEscape(i.Quote) + " revision=" + strconv.Itoa(i.Revision) +
		" status=" + i.Status + " seal=" + i.Seal + " digest=" + i.Digest
}

// encodeInfo encodes text as the PDF writer writes document information:
// UTF-16BE code units as four upper-case hex digits each.
func encodeInfo(s string) []byte {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return []byte(b.String())
}

// subjectSpan finds the hex digits of the Subject entry.
func subjectSpan(pdf []byte) (start, end int, err error) {
	i := bytes.Index(pdf, []byte(subjectKey))
	if i < 0 {
		return 0, 0, ErrNotRendered
	}
	start = i + len(subjectKey)
	n := bytes.IndexByte(pdf[start:], '>')
	if n < 0 {
		return 0, 0, fmt.Errorf("unterminated subject: %w", ErrNotRendered)
	}
	return start, start + n, nil
}

// digestAt returns the offset of the digest's hex digits (encoded) in the
// file.
func digestAt(pdf []byte) (int, error) {
	start, end, err := subjectSpan(pdf)
	if err != nil {
		return 0, err
	}
	key := encodeInfo(digestKey)
	i := bytes.Index(pdf[start:end], key)
	if i < 0 || start+i+len(key)+4*digestHexLen > end {
		return 0, fmt.Errorf("no digest in the subject: %w", ErrNotRendered)
	}
	return start + i + len(key), nil
}

// ReadPDFInfo reads the DocumentInfo of a PDF rendered by this package;
// ErrNotRendered when it has none.
func ReadPDFInfo(pdf []byte) (DocumentInfo, error) {
	start, end, err := subjectSpan(pdf)
	if err != nil {
		return DocumentInfo{}, err
	}
	raw, err := hex.DecodeString(string(pdf[start:end]))
	if err != nil || len(raw)%2 != 0 {
		return DocumentInfo{}, fmt.Errorf("subject is not UTF-16 hex: %w", ErrNotRendered)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	fields := strings.Fields(string(utf16.Decode(units)))
	if len(fields) == 0 || fields[0] != infoMagic {
		return DocumentInfo{}, ErrNotRendered
	}
	var info DocumentInfo
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "quote":
			if info.Quote, err = url.QueryUnescape(v); err != nil {
				return DocumentInfo{}, fmt.Errorf("quote number %q: %w", v, ErrNotRendered)
			}
		case "revision":
			if info.Revision, err = strconv.Atoi(v); err != nil {
				return DocumentInfo{}, fmt.Errorf("revision %q: %w", v, ErrNotRendered)
			}
		case "status":
			info.Status = v
		case "seal":
			info.Seal = v
		case "digest":
			info.Digest = v
		}
	}
	if info.Quote == "" || info.Seal == "" || info.Digest == "" || (info.Status != "approved" && info.Status != "draft") {
		return DocumentInfo{}, fmt.Errorf("incomplete document information: %w", ErrNotRendered)
	}
	return info, nil
}

// VerifyPDF checks a PDF rendered by this package against the stored quote
// revision it claims to show:
//
//   - the file is byte for byte as rendered: its digest matches (any edit,
//     re-save or appended update changes it) — else ErrDocumentChanged;
//   - it shows that quote and revision, and the stored revision still
//     matches its own seal — else ErrSealMismatch;
//   - the seal in the document equals the stored revision's seal (for a
//     draft, the seal of its current content) — else ErrSealMismatch;
//   - it is not a draft — else ErrDraftDocument, after the other checks
//     passed.
//
// The digest is not a signature: it detects changes made by editing tools,
// not a forger who rewrites the file and recomputes it. What the document
// claims is then still checked against the stored revision. The visible
// text carries the seal's first 12 digits, which a reader compares by eye.
func VerifyPDF(pdf []byte, q *quote.Quote) (DocumentInfo, error) {
	info, err := ReadPDFInfo(pdf)
	if err != nil {
		return info, err
	}
	at, err := digestAt(pdf)
	if err != nil {
		return info, err
	}
	// The digest of the file with the digest's own digits zeroed, hashed
	// in three pieces rather than from a copy of the file.
	zeros := encodeInfo(strings.Repeat("0", digestHexLen))
	end := min(at+len(zeros), len(pdf))
	h := sha256.New()
	h.Write(pdf[:at])
	h.Write(zeros[:end-at])
	h.Write(pdf[end:])
	if want := quote.SealPrefix + hex.EncodeToString(h.Sum(nil)); want != info.Digest {
		return info, fmt.Errorf("digest in the file %s, file content %s: %w", SealShort(info.Digest), SealShort(want), ErrDocumentChanged)
	}
	return info, checkInfo(info, q)
}
