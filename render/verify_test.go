package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

func TestVerifyPDF(t *testing.T) {
	cfg := render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "Dana Fischer")}
	stored := loadQuote(t, "quote-en.json")
	approved := renderPDF(t, cfg, stored, render.Options{})
	draft := renderPDF(t, render.Config{Fonts: cjkFonts(t)}, stored, render.Options{})

	info, err := render.VerifyPDF(approved, stored)
	require.NoError(t, err)
	assert.Equal(t, render.DocumentInfo{Quote: "Q-2026-0042", Revision: 2, Status: "approved", Seal: stored.Seal, Digest: info.Digest}, info)

	// replace changes the first occurrence of old in the file, keeping
	// its length (so the file still parses).
	replace := func(pdf []byte, old, new string) []byte {
		t.Helper()
		require.Equal(t, len(old), len(new))
		i := bytes.Index(pdf, []byte(old))
		require.GreaterOrEqual(t, i, 0, "%q not in the file", old)
		out := bytes.Clone(pdf)
		copy(out[i:], new)
		return out
	}
	streamByte := func(pdf []byte) []byte {
		i := bytes.Index(pdf, []byte("stream\n"))
		require.Greater(t, i, 0)
		out := bytes.Clone(pdf)
		out[i+len("stream\n")+10] ^= 0x01
		return out
	}
	// The seal in the metadata, UTF-16 hex as the writer stores it.
	sealHex := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteString("00" + strings.ToUpper(string("0123456789abcdef"[r>>4])+string("0123456789abcdef"[r&15])))
		}
		return b.String()
	}
	otherSeal := stored.Seal[:len(stored.Seal)-1] + "0"
	if otherSeal == stored.Seal {
		otherSeal = stored.Seal[:len(stored.Seal)-1] + "1"
	}

	for _, tc := range []struct {
		name  string
		pdf   []byte
		quote func(q *quote.Quote)
		want  error
	}{
		{name: "page content changed", pdf: streamByte(approved), want: render.ErrDocumentChanged},
		{name: "metadata changed", pdf: replace(approved, "/Creator <FEFF", "/Creator <feff"), want: render.ErrDocumentChanged},
		{name: "seal in the metadata changed", pdf: replace(approved, sealHex(stored.Seal), sealHex(otherSeal)), want: render.ErrDocumentChanged},
		{name: "update appended", pdf: append(bytes.Clone(approved), "\n1 0 obj\n<< /Subject (edited) >>\nendobj\n%%EOF\n"...), want: render.ErrDocumentChanged},
		{name: "stored quote revised and resealed", pdf: approved, quote: func(q *quote.Quote) {
			q.Lines[0].Quantity = decimal.NewFromInt(5)
			q.SealContent()
		}, want: render.ErrSealMismatch},
		{name: "stored quote changed after sealing", pdf: approved, quote: func(q *quote.Quote) {
			q.Totals.Grand = decimal.NewFromInt(1)
		}, want: quote.ErrSealMismatch},
		{name: "another revision", pdf: approved, quote: func(q *quote.Quote) { q.Revision = 3; q.SealContent() }, want: render.ErrSealMismatch},
		{name: "another quote", pdf: approved, quote: func(q *quote.Quote) { q.Number = "Q-2026-0099"; q.SealContent() }, want: render.ErrSealMismatch},
		{name: "draft", pdf: draft, want: render.ErrDraftDocument},
		{name: "draft of other content", pdf: draft, quote: func(q *quote.Quote) { q.Header.ValidUntil = q.Header.ValidUntil.AddDate(0, 1, 0) }, want: render.ErrSealMismatch},
		{name: "not ours", pdf: []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"), want: render.ErrNotRendered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := stored.Clone()
			if tc.quote != nil {
				tc.quote(q)
			}
			_, err := render.VerifyPDF(tc.pdf, q)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func FuzzReadPDFInfo(f *testing.F) {
	f.Add([]byte("/Subject <FEFF0063007000710064>"))
	f.Add([]byte("/Subject <FEFF" + "0063007000710064006F00630075006D0065006E0074002F0031" + ">"))
	f.Add([]byte("/Subject <FEFF00"))
	q := &quote.Quote{Number: "Q-1", Revision: 1}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := render.ReadPDFInfo(data)
		if err == nil {
			assert.NotEmpty(t, info.Seal)
		}
		_, _ = render.VerifyPDF(data, q)
	})
}
