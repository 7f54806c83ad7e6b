package cpqhttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// MaxDocumentBody bounds the documents POST /v1/verify takes, whatever
// Config.MaxBody says: a PDF with its fonts is larger than a request.
const MaxDocumentBody = 32 << 20

// SealCheck is the answer of GET /v1/quotes/{id}/verify: whether the
// stored content of the quote's current revision matches its seal, and
// whether the approval gate releases it.
type SealCheck struct {
	Quote    string       `json:"quote"`
	Number   string       `json:"number"`
	Revision int          `json:"revision"`
	Status   quote.Status `json:"status"`
	// Seal is the seal recorded at submission or approval (empty while
	// the revision is edited); ContentSeal the seal of the content as it
	// is stored now.
	Seal        string `json:"seal,omitempty"`
	ContentSeal string `json:"content_seal"`
	// Verified is true when the recorded seal matches the content;
	// Reason says why not.
	Verified bool   `json:"verified"`
	Reason   string `json:"reason,omitempty"`
	// Released is true when the approval gate lets this content reach the
	// customer.
	Released bool `json:"released"`
}

func (s *server) verifyQuote(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out := SealCheck{Quote: q.ID, Number: q.Number, Revision: q.Revision, Status: q.Status, Seal: q.Seal, ContentSeal: q.ComputeSeal()}
	if err := q.Verify(); err != nil {
		out.Reason = err.Error()
	} else {
		out.Verified = true
	}
	switch err := s.kit.Approvals().Gate(ctx, q); {
	case err == nil:
		out.Released = true
	case errors.Is(err, approval.ErrApprovalRequired), errors.Is(err, approval.ErrStaleSeal):
	default:
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

// DocumentCheck is the answer of POST /v1/verify: what the document
// claims, and whether it matches the stored quote revision it claims to
// show.
type DocumentCheck struct {
	// Format is pdf, html or json.
	Format string `json:"format"`
	// Quote is the stored quote's ID; Number, Revision, Status (approved
	// or draft) and Seal are what the document says.
	Quote    string `json:"quote"`
	Number   string `json:"number"`
	Revision int    `json:"revision"`
	Status   string `json:"status"`
	Seal     string `json:"seal"`
	// Verified is true when the document is an approved document of
	// exactly the stored revision's sealed content (and, for a PDF, the
	// file is byte for byte as rendered).
	Verified bool `json:"verified"`
	// Failure says which check failed: document_changed (the PDF was
	// edited after rendering), seal_mismatch (other content than the
	// stored revision's, or the stored revision no longer matches its
	// seal) or draft (a draft, not an approved document); Reason says it
	// in words.
	Failure string `json:"failure,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Current is the quote's current revision; a verified document of an
	// earlier revision is Superseded.
	Current    int  `json:"current_revision"`
	Superseded bool `json:"superseded"`
}

// documentFormat tells a document's format from its media type, or from
// its first bytes when the type says nothing.
func documentFormat(contentType string, doc []byte) string {
	mt, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(strings.ToLower(mt)) {
	case "application/pdf":
		return "pdf"
	case "text/html", "application/xhtml+xml":
		return "html"
	case "application/json":
		return "json"
	case "", "application/octet-stream":
		head := bytes.TrimSpace(doc[:min(len(doc), 512)])
		switch {
		case bytes.HasPrefix(head, []byte("%PDF-")):
			return "pdf"
		case bytes.HasPrefix(head, []byte("{")):
			return "json"
		case bytes.HasPrefix(bytes.ToLower(head), []byte("<!doctype html")), bytes.HasPrefix(bytes.ToLower(head), []byte("<html")):
			return "html"
		}
	}
	return ""
}

func (s *server) verifyDocument(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	select {
	case s.verifying <- struct{}{}:
		defer func() { <-s.verifying }()
	default:
		w.Header().Set("Retry-After", "1")
		return 0, nil, newProblem(http.StatusServiceUnavailable, CodeBusy, fmt.Sprintf("%d documents are being verified, as many as the server reads at once; try again shortly", cap(s.verifying)))
	}
	doc, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxDocumentBody))
	if err != nil {
		return 0, nil, err
	}
	if len(doc) == 0 {
		return 0, nil, invalid("the body must be the document to verify: a PDF, HTML or JSON document of a quote")
	}
	format := documentFormat(r.Header.Get("Content-Type"), doc)
	read, verify := map[string]func([]byte) (render.DocumentInfo, error){
		"pdf": render.ReadPDFInfo, "html": render.ReadHTMLInfo, "json": render.ReadJSONInfo,
	}[format], map[string]func([]byte, *quote.Quote) (render.DocumentInfo, error){
		"pdf": render.VerifyPDF, "html": render.VerifyHTML, "json": render.VerifyJSON,
	}[format]
	if read == nil {
		return 0, nil, newProblem(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "the document must be application/pdf, text/html or application/json")
	}
	info, err := read(doc)
	if err != nil {
		return 0, nil, err
	}
	q, err := s.kit.Store().GetByNumber(ctx, id.Tenant, info.Quote)
	if err != nil {
		return 0, nil, err
	}
	out := DocumentCheck{Format: format, Quote: q.ID, Number: info.Quote, Revision: info.Revision, Status: info.Status, Seal: info.Seal, Current: q.Revision}
	rev, err := s.revisionOf(ctx, id, q, info.Revision)
	if err != nil {
		return 0, nil, err
	}
	_, err = verify(doc, rev)
	switch {
	case err == nil:
		out.Verified = true
		out.Superseded = rev.Revision < q.Revision
	case errors.Is(err, render.ErrDocumentChanged):
		out.Failure = "document_changed"
	case errors.Is(err, render.ErrDraftDocument):
		out.Failure = "draft"
	case errors.Is(err, render.ErrSealMismatch), errors.Is(err, quote.ErrSealMismatch):
		out.Failure = "seal_mismatch"
	default:
		return 0, nil, err
	}
	if err != nil {
		out.Reason = err.Error()
	}
	return http.StatusOK, out, nil
}
