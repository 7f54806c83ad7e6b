package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

const wqyFont = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func needFont(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(wqyFont); err != nil {
		t.Skipf("%s is not installed (Debian: apt-get install fonts-wqy-microhei); skipping", wqyFont)
	}
}

// renderQuote copies the render package's sealed English test quote into
// dir, changed by edit, and returns its path.
func renderQuote(t *testing.T, dir string, edit func(q *quote.Quote)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "render", "testdata", "quote-en.json"))
	require.NoError(t, err)
	var q quote.Quote
	require.NoError(t, json.Unmarshal(b, &q))
	require.NoError(t, q.Verify())
	if edit != nil {
		edit(&q)
	}
	b, err = json.Marshal(&q)
	require.NoError(t, err)
	path := filepath.Join(dir, "quote.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

func TestRenderAndVerify(t *testing.T) {
	needFont(t)
	dir := t.TempDir()
	qf := renderQuote(t, dir, nil)
	letterhead := filepath.Join(dir, "company.yaml")
	require.NoError(t, os.WriteFile(letterhead, []byte("company: Acme Office Systems GmbH\naddress: [Industriestraße 5, 70565 Stuttgart]\ntax_id: DE 811 234 567\n"), 0o644))
	pdf := filepath.Join(dir, "quote.pdf")

	code, _, errOut := runCmd("render", "--letterhead", letterhead, "--font", wqyFont, "-o", pdf, qf)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `quote\.pdf: quote Q-2026-0042 revision 2, pdf, approved, seal [0-9a-f]{12}\n`, errOut)

	code, out, errOut := runCmd("verify", pdf, qf)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok: quote Q-2026-0042 revision 2, approved, seal sha256:3f99")

	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		require.NoError(t, err)
		assert.Contains(t, string(text), "Acme Office Systems GmbH")
		assert.Regexp(t, `Grand total\s+€6,121\.36`, string(text))
	}

	// A changed quote: the stored revision no longer matches the
	// document.
	changed := renderQuote(t, t.TempDir(), func(q *quote.Quote) {
		q.Lines[0].Quantity = decimal.NewFromInt(5)
		q.SealContent()
	})
	code, out, _ = runCmd("verify", pdf, changed)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAILED: the document's seal")

	// A tampered file.
	b, err := os.ReadFile(pdf)
	require.NoError(t, err)
	tampered := filepath.Join(dir, "tampered.pdf")
	require.NoError(t, os.WriteFile(tampered, append(b, "% edited\n"...), 0o644))
	code, out, _ = runCmd("verify", tampered, qf)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "document was changed after it was rendered")

	code, _, errOut = runCmd("verify", filepath.Join(dir, "missing.pdf"), qf)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no such file")
}

func TestRenderDraft(t *testing.T) {
	needFont(t)
	dir := t.TempDir()
	// A revision sent back to draft renders only as a draft, and
	// --final refuses it.
	qf := renderQuote(t, dir, func(q *quote.Quote) { q.Status = quote.StatusDraft })
	pdf := filepath.Join(dir, "draft.pdf")
	code, _, errOut := runCmd("render", "--font", wqyFont, "-o", pdf, qf)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "DRAFT: the quote revision is not approved")
	code, out, _ := runCmd("verify", pdf, qf)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "document is a draft")

	code, _, errOut = runCmd("render", "--final", "--font", wqyFont, "-o", filepath.Join(dir, "final.pdf"), qf)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "quote revision is not approved")
	_, err := os.Stat(filepath.Join(dir, "final.pdf"))
	assert.True(t, os.IsNotExist(err), "no file is written")
}

func TestRenderFormats(t *testing.T) {
	dir := t.TempDir()
	qf := renderQuote(t, dir, nil)

	code, out, errOut := runCmd("render", "--format", "csv", qf)
	require.Equal(t, 0, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 7)
	assert.Equal(t, []string{"Q-2026-0042", "2", "approved", "1", "10"}, rows[1][:5])

	html := filepath.Join(dir, "quote.html")
	code, _, errOut = runCmd("render", "--lang", "zh-CN", "-o", html, qf)
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<html lang=\"zh-CN\">")
	assert.Contains(t, string(b), "<th>合计</th><td>€6,121.36</td>")

	code, out, errOut = runCmd("render", "--format", "json", "--locale", "de-DE", qf)
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Draft  bool `json:"draft"`
		Totals []struct {
			Amount string `json:"amount"`
		} `json:"totals"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.False(t, doc.Draft)
	assert.Equal(t, "6.121,36\u00a0€", doc.Totals[4].Amount)

	code, _, errOut = runCmd("render", "--format", "docx", qf)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown format "docx"`)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("company: Acme\ncolour: red\n"), 0o644))
	code, _, errOut = runCmd("render", "--letterhead", bad, "--format", "csv", qf)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "colour")
}
