package render_test

import (
	"context"
	"os"
	"testing"

	"github.com/cpqkit/cpq/render"
)

// TestPDFUsage is the documented way to make a PDF: a TrueType font given
// as bytes (a collection is read with the index of its face), then
// VerifyPDF checks the file against the stored revision.
func TestPDFUsage(t *testing.T) {
	font, err := render.ReadFontFace(os.DirFS("/usr/share/fonts/truetype/wqy"), "wqy-microhei.ttc", 0)
	if err != nil {
		t.Skipf("no WenQuanYi Micro Hei font (Debian: fonts-wqy-microhei): %v", err)
	}
	r, err := render.New(render.Config{Fonts: render.Fonts{Regular: font}, Approvals: exampleGate})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp("", "quote-*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	q := exampleQuote()
	if err := r.PDF(context.Background(), f, q, render.Options{Final: true}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	pdf, _ := os.ReadFile(f.Name())
	info, err := render.VerifyPDF(pdf, q)
	if err != nil || info.Status != "approved" {
		t.Fatalf("verify: status %q, error %v", info.Status, err)
	}
}
