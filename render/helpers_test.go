package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The Debian font the PDF tests use (package fonts-wqy-microhei, Apache
// 2.0), and DejaVu Sans (fonts-dejavu-core), which has no CJK characters.
const (
	wqyPath    = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
	dejavuPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)

func readFont(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("font %s is not installed (Debian: apt-get install fonts-wqy-microhei fonts-dejavu-core); skipping", path)
	}
	require.NoError(t, err)
	return b
}

func cjkFonts(t testing.TB) render.Fonts {
	return render.Fonts{Regular: render.FontFace{Data: readFont(t, wqyPath), Index: 0}}
}

func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (Debian: apt-get install poppler-utils); skipping", name)
	}
}

// loadQuote reads a sealed test quote. Its seal must match its content;
// -update reseals the file (when the quote package changes what it seals).
func loadQuote(t testing.TB, name string) *quote.Quote {
	t.Helper()
	path := filepath.Join("testdata", name)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var q quote.Quote
	require.NoError(t, json.Unmarshal(b, &q))
	require.NoError(t, q.Validate())
	if *update && q.Verify() != nil {
		seal := regexp.MustCompile(`"seal": "[^"]*"`)
		b = seal.ReplaceAll(b, []byte(`"seal": "`+q.ComputeSeal()+`"`))
		require.NoError(t, os.WriteFile(path, b, 0o644))
		q.SealContent()
	}
	require.NoError(t, q.Verify(), "the seal of %s does not match its content; run go test -update to reseal it", path)
	return &q
}

// approvedBy is an approval gate that approves the quote's current seal.
func approvedBy(at time.Time, names ...string) render.ApprovalState {
	return render.ApprovalFunc(func(_ context.Context, q *quote.Quote) (render.Approval, error) {
		return render.Approval{Approved: true, Seal: q.Seal, Approvers: names, At: at}, nil
	})
}

var approvalTime = time.Date(2026, 3, 2, 11, 30, 0, 0, time.UTC)

func letterhead() render.Letterhead {
	return render.Letterhead{
		Company: "Acme Office Systems GmbH",
		Address: []string{"Industriestraße 5", "70565 Stuttgart, Germany"},
		TaxID:   "DE 811 234 567",
		Phone:   "+49 711 000 000",
		Email:   "sales@acme.example",
		Logo:    testLogo(),
	}
}

// testLogo draws a small logo: a blue square with a white bar.
func testLogo() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 120; x++ {
			c := color.RGBA{0x24, 0x3b, 0x53, 0xff}
			if x >= 40 {
				c = color.RGBA{0xff, 0xff, 0xff, 0}
			}
			if x >= 44 && y >= 14 && y < 26 {
				c = color.RGBA{0x2f, 0x81, 0x32, 0xff}
			}
			if x < 40 && y >= 16 && y < 24 && x >= 8 && x < 32 {
				c = color.RGBA{0xff, 0xff, 0xff, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func newRenderer(t testing.TB, cfg render.Config) *render.Renderer {
	t.Helper()
	r, err := render.New(cfg)
	require.NoError(t, err)
	return r
}

// pdfText extracts a PDF's text with pdftotext, in reading order and
// with the layout kept.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext")
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o644))
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

// bigQuote is an approved quote of n lines: line i is "Item i", quantity
// 1 at i euros, so the net total is n(n+1)/2 euros.
func bigQuote(t testing.TB, n int) *quote.Quote {
	t.Helper()
	q := loadQuote(t, "quote-en.json")
	q.Groups = nil
	q.Lines = nil
	for i := 1; i <= n; i++ {
		p := decimal.NewFromInt(int64(i))
		q.Lines = append(q.Lines, quote.Line{
			ID: fmt.Sprintf("L%d", i), Product: fmt.Sprintf("SKU-%04d", i), Name: fmt.Sprintf("Item %d", i),
			Quantity: decimal.NewFromInt(1), Unit: "pcs",
			Price: quote.LinePrice{ListUnitPrice: p, UnitPrice: p, ListTotal: p, NetTotal: p},
		})
	}
	q.Totals = quote.Totals{}
	q.Recalculate()
	q.SealContent()
	return q
}

// pdfRawText extracts a PDF's text in the order it is drawn, which keeps
// rotated text (the watermark) together.
func pdfRawText(t testing.TB, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o644))
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", in, "-").CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}
