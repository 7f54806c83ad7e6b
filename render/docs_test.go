package render_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/render"
)

// TestDocsImages renders the example quotes to PDF and their first pages
// to PNG under docs/images, so that users see what they get. It runs with
// -update only (the pictures depend on the poppler version).
func TestDocsImages(t *testing.T) {
	if !*update {
		t.Skip("run go test -update to regenerate the pictures in docs/images")
	}
	needTool(t, "pdftoppm")
	dir := filepath.Join("..", "docs", "images")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, tc := range []struct {
		name, quote string
		approvers   []string
		pages       int
	}{
		{"quote-en", "quote-en.json", []string{"Dana Fischer"}, 2},
		{"quote-zh", "quote-zh.json", []string{"赵敏"}, 1},
		{"quote-zh-draft", "quote-zh.json", nil, 1},
	} {
		cfg := render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t)}
		if tc.approvers != nil {
			cfg.Approvals = approvedBy(approvalTime, tc.approvers...)
		}
		pdf := filepath.Join(t.TempDir(), tc.name+".pdf")
		require.NoError(t, os.WriteFile(pdf, renderPDF(t, cfg, loadQuote(t, tc.quote), render.Options{}), 0o644))
		out, err := exec.Command("pdftoppm", "-r", "60", "-png", "-l", string(rune('0'+tc.pages)), pdf, filepath.Join(dir, tc.name)).CombinedOutput()
		require.NoError(t, err, string(out))
	}
}
