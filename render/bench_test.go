package render_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/cpqkit/cpq/render"
)

func benchPDF(b *testing.B, lines int) {
	q := bigQuote(b, lines)
	r := newRenderer(b, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(b), Approvals: approvedBy(approvalTime, "Dana Fischer")})
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.PDF(ctx, &buf, q, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "pdf-bytes")
}

// BenchmarkPDF20 renders a 20-line quote to PDF.
func BenchmarkPDF20(b *testing.B) { benchPDF(b, 20) }

// BenchmarkPDF500 renders a 500-line quote to PDF (about 15 pages).
func BenchmarkPDF500(b *testing.B) { benchPDF(b, 500) }

// BenchmarkHTML500 renders the same 500-line quote to HTML.
func BenchmarkHTML500(b *testing.B) {
	q := bigQuote(b, 500)
	r := newRenderer(b, render.Config{Letterhead: letterhead(), Approvals: approvedBy(approvalTime, "Dana Fischer")})
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.HTML(ctx, &buf, q, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "html-bytes")
}
