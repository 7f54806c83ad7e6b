package cpqhttp

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/render"
)

// contentTypes are the media types of the document formats.
var contentTypes = map[cpq.Format]string{
	cpq.FormatHTML: "text/html; charset=utf-8",
	cpq.FormatJSON: "application/json",
	cpq.FormatCSV:  "text/csv; charset=utf-8",
	cpq.FormatPDF:  "application/pdf",
}

// document writes a quote's document: a draft, with the DRAFT mark, unless
// the approval gate releases the revision. It is rendered in full before
// anything is written, so that a failure is a problem, not half a document.
// documentSecurityPolicy is the Content-Security-Policy of an HTML
// document: its own inline styles and embedded images, nothing else.
const documentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

func (s *server) document(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	query := r.URL.Query()
	format := cpq.Format(query.Get("format"))
	if format == "" {
		format = cpq.FormatHTML
	}
	ct, ok := contentTypes[format]
	if !ok {
		return 0, nil, newProblem(http.StatusBadRequest, CodeDocumentFormat, "format must be html, json, csv or pdf")
	}
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	var buf bytes.Buffer
	if err := s.kit.Document(ctx, &buf, q, format, render.Options{Language: query.Get("lang")}); err != nil {
		return 0, nil, err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch format {
	case cpq.FormatPDF, cpq.FormatCSV:
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": q.Number + "." + string(format)}))
	case cpq.FormatHTML:
		// The document is the customer's, not a page of the application:
		// opened on its own it runs no script and reaches nothing, whatever
		// a host's template puts in it.
		w.Header().Set("Content-Security-Policy", documentSecurityPolicy)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return 0, nil, nil
}
