package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"

	"github.com/cpqkit/cpq/quote"
)

// metaTag finds the document information an HTML document carries in its
// head: <meta name="cpq-…" content="…">.
var metaTag = regexp.MustCompile(`<meta name="cpq-([a-z]+)" content="([^"]*)">`)

// ReadHTMLInfo reads the DocumentInfo of an HTML document rendered by this
// package (with the default template, or one that keeps its cpq- meta
// tags): the quote number, revision, status and seal. An HTML document
// carries no digest of itself. ErrNotRendered when it has none.
func ReadHTMLInfo(doc []byte) (DocumentInfo, error) {
	head := doc
	if i := bytes.Index(doc, []byte("</head>")); i >= 0 {
		head = doc[:i]
	}
	var info DocumentInfo
	revision := ""
	for _, m := range metaTag.FindAllSubmatch(head, -1) {
		v := html.UnescapeString(string(m[2]))
		switch string(m[1]) {
		case "quote":
			info.Quote = v
		case "revision":
			revision = v
		case "status":
			info.Status = v
		case "seal":
			info.Seal = v
		}
	}
	n, err := strconv.Atoi(revision)
	if err != nil || info.Quote == "" || info.Seal == "" || (info.Status != "approved" && info.Status != "draft") {
		return DocumentInfo{}, fmt.Errorf("no complete document information in the HTML head: %w", ErrNotRendered)
	}
	info.Revision = n
	return info, nil
}

// ReadJSONInfo reads the DocumentInfo of a JSON document model written by
// this package (Renderer.JSON): its number, revision, draft mark and seal.
// A JSON document carries no digest of itself. ErrNotRendered when it is
// not one.
func ReadJSONInfo(doc []byte) (DocumentInfo, error) {
	var d struct {
		Number   string `json:"number"`
		Revision int    `json:"revision"`
		Draft    *bool  `json:"draft"`
		Seal     string `json:"seal"`
	}
	if err := json.Unmarshal(doc, &d); err != nil || d.Number == "" || d.Seal == "" || d.Draft == nil {
		return DocumentInfo{}, fmt.Errorf("not a JSON document model: %w", ErrNotRendered)
	}
	info := DocumentInfo{Quote: d.Number, Revision: d.Revision, Status: "approved", Seal: d.Seal}
	if *d.Draft {
		info.Status = "draft"
	}
	return info, nil
}

// VerifyHTML checks an HTML document rendered by this package against the
// stored quote revision it claims to show, as VerifyPDF does but without
// the digest, which an HTML document does not carry: it shows that quote
// and revision, the stored revision still matches its seal, and the seal
// in the document is the stored revision's (for a draft, the seal of its
// current content) — else ErrSealMismatch; it is not a draft — else
// ErrDraftDocument. A change to the document's visible text is not
// detected: only what the document claims is checked, so a reader
// compares the visible seal digits, or asks for the PDF.
func VerifyHTML(doc []byte, q *quote.Quote) (DocumentInfo, error) {
	info, err := ReadHTMLInfo(doc)
	if err != nil {
		return info, err
	}
	return info, checkInfo(info, q)
}

// VerifyJSON checks a JSON document model against the stored quote
// revision it claims to show, as VerifyHTML does.
func VerifyJSON(doc []byte, q *quote.Quote) (DocumentInfo, error) {
	info, err := ReadJSONInfo(doc)
	if err != nil {
		return info, err
	}
	return info, checkInfo(info, q)
}

// checkInfo checks what a document claims against the stored quote
// revision: the quote and revision, the seal, and the draft mark.
func checkInfo(info DocumentInfo, q *quote.Quote) error {
	if q.Number != info.Quote || q.Revision != info.Revision {
		return fmt.Errorf("the document shows quote %s revision %d, the stored quote is %s revision %d: %w",
			info.Quote, info.Revision, q.Number, q.Revision, ErrSealMismatch)
	}
	if info.Status == "draft" {
		if got := q.ComputeSeal(); got != info.Seal {
			return fmt.Errorf("draft rendered from content %s, the stored revision holds %s: %w", SealShort(info.Seal), SealShort(got), ErrSealMismatch)
		}
		return fmt.Errorf("quote %s revision %d: %w", q.Number, q.Revision, ErrDraftDocument)
	}
	if err := q.Verify(); err != nil {
		return fmt.Errorf("the stored revision: %w: %w", err, ErrSealMismatch)
	}
	if q.Seal != info.Seal {
		return fmt.Errorf("the document's seal %s, the stored revision's %s: %w", SealShort(info.Seal), SealShort(q.Seal), ErrSealMismatch)
	}
	// A revision is sealed when it is submitted: a document that claims to
	// be final must show a revision that was approved or presented.
	if !released(q) {
		return fmt.Errorf("quote %s revision %d is %s and was never released, whatever the document says: %w", q.Number, q.Revision, q.Status, ErrDraftDocument)
	}
	return nil
}

// released reports whether the stored revision is or was approved or
// presented (the approval gate lets a quote that needs no approval go
// straight to presented): its status says so, or its history does (an
// expired quote).
func released(q *quote.Quote) bool {
	switch q.Status {
	case quote.StatusApproved, quote.StatusPresented, quote.StatusAccepted, quote.StatusDeclined, quote.StatusOrdered:
		return true
	}
	return slices.ContainsFunc(q.History, func(t quote.Transition) bool {
		return t.Revision == q.Revision && (t.To == quote.StatusApproved || t.To == quote.StatusPresented)
	})
}
