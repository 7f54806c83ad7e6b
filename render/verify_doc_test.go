package render_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// HTML and JSON documents carry what they show (number, revision, status,
// seal) but no digest: they verify against the stored revision as a PDF
// does, except that a change to their text is not detected.
func TestVerifyHTMLAndJSON(t *testing.T) {
	stored := loadQuote(t, "quote-en.json")
	approvedR := newRenderer(t, render.Config{Letterhead: letterhead(), Approvals: approvedBy(approvalTime, "Dana Fischer")})
	draftR := newRenderer(t, render.Config{Letterhead: letterhead()})
	write := func(r *render.Renderer, html bool) []byte {
		t.Helper()
		var b bytes.Buffer
		if html {
			require.NoError(t, r.HTML(context.Background(), &b, stored, render.Options{}))
		} else {
			require.NoError(t, r.JSON(context.Background(), &b, stored, render.Options{}))
		}
		return b.Bytes()
	}
	for _, format := range []struct {
		name   string
		html   bool
		verify func([]byte, *quote.Quote) (render.DocumentInfo, error)
	}{
		{"html", true, render.VerifyHTML},
		{"json", false, render.VerifyJSON},
	} {
		t.Run(format.name, func(t *testing.T) {
			approved, draft := write(approvedR, format.html), write(draftR, format.html)
			info, err := format.verify(approved, stored)
			require.NoError(t, err)
			assert.Equal(t, render.DocumentInfo{Quote: "Q-2026-0042", Revision: 2, Status: "approved", Seal: stored.Seal}, info)

			info, err = format.verify(draft, stored)
			assert.ErrorIs(t, err, render.ErrDraftDocument)
			assert.Equal(t, "draft", info.Status)

			for _, tc := range []struct {
				name  string
				doc   []byte
				quote func(q *quote.Quote)
				want  error
			}{
				{name: "stored quote revised and resealed", doc: approved, quote: func(q *quote.Quote) {
					q.Lines[0].Quantity = decimal.NewFromInt(5)
					q.SealContent()
				}, want: render.ErrSealMismatch},
				{name: "stored quote changed after sealing", doc: approved, quote: func(q *quote.Quote) {
					q.Totals.Grand = decimal.NewFromInt(1)
				}, want: quote.ErrSealMismatch},
				{name: "another revision", doc: approved, quote: func(q *quote.Quote) { q.Revision = 3; q.SealContent() }, want: render.ErrSealMismatch},
				{name: "another quote", doc: approved, quote: func(q *quote.Quote) { q.Number = "Q-2026-0099"; q.SealContent() }, want: render.ErrSealMismatch},
				{name: "draft of other content", doc: draft, quote: func(q *quote.Quote) { q.Header.ValidUntil = q.Header.ValidUntil.AddDate(0, 1, 0) }, want: render.ErrSealMismatch},
				{name: "seal changed in the document", doc: bytes.Replace(approved, []byte(stored.Seal), []byte(stored.Seal[:len(stored.Seal)-4]+"0000"), 1), want: render.ErrSealMismatch},
				{name: "not ours", doc: []byte(`<html><head><title>x</title></head></html>`), want: render.ErrNotRendered},
				{name: "not a document", doc: []byte(`{"number":"Q-2026-0042"}`), want: render.ErrNotRendered},
			} {
				t.Run(tc.name, func(t *testing.T) {
					q := stored.Clone()
					if tc.quote != nil {
						tc.quote(q)
					}
					_, err := format.verify(tc.doc, q)
					assert.ErrorIs(t, err, tc.want)
				})
			}
		})
	}
}

func FuzzReadHTMLInfo(f *testing.F) {
	f.Add([]byte(`<meta name="cpq-status" content="draft"><meta name="cpq-seal" content="sha256:00"><meta name="cpq-quote" content="Q-1"><meta name="cpq-revision" content="1">`))
	f.Add([]byte(`<meta name="cpq-revision" content="x"></head>`))
	q := &quote.Quote{Number: "Q-1", Revision: 1}
	f.Fuzz(func(t *testing.T, data []byte) {
		if info, err := render.ReadHTMLInfo(data); err == nil {
			assert.NotEmpty(t, info.Seal)
			assert.NotEmpty(t, info.Quote)
		}
		_, _ = render.VerifyHTML(data, q)
		_, _ = render.VerifyJSON(data, q)
	})
}
