package render_test

import (
	"bytes"
	"context"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/render"
)

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs; if the change is intended, run go test -update", path)
}

func TestHTMLGolden(t *testing.T) {
	for _, tc := range []struct {
		golden, quote string
		approved      bool
	}{
		{"quote-en.html", "quote-en.json", true},
		{"quote-zh.html", "quote-zh.json", true},
		{"quote-en-draft.html", "quote-en.json", false},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			cfg := render.Config{Letterhead: letterhead()}
			if tc.approved {
				cfg.Approvals = approvedBy(approvalTime, "Dana Fischer")
			}
			q := loadQuote(t, tc.quote)
			var b bytes.Buffer
			require.NoError(t, newRenderer(t, cfg).HTML(context.Background(), &b, q, render.Options{}))
			html := b.String()
			// The seal differs whenever the quote package changes how it
			// seals; the golden file holds a stand-in.
			html = strings.ReplaceAll(html, q.Seal, "sha256:SEAL")
			html = strings.ReplaceAll(html, render.SealShort(q.Seal), "SEALSHORT")
			golden(t, tc.golden, []byte(html))
		})
	}
}

func TestHTMLApprovalState(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	var approved, draft bytes.Buffer
	require.NoError(t, newRenderer(t, render.Config{Approvals: approvedBy(approvalTime, "Dana Fischer")}).HTML(context.Background(), &approved, q, render.Options{}))
	require.NoError(t, newRenderer(t, render.Config{}).HTML(context.Background(), &draft, q, render.Options{}))

	assert.Contains(t, approved.String(), `<div class="stamp">`)
	assert.Contains(t, approved.String(), "<code>"+render.SealShort(q.Seal)+"</code>")
	assert.Contains(t, approved.String(), `<meta name="cpq-seal" content="`+q.Seal+`">`)
	assert.NotContains(t, approved.String(), `class="watermark"`)

	assert.Contains(t, draft.String(), `<div class="watermark" aria-hidden="true">DRAFT</div>`)
	assert.Contains(t, draft.String(), `<meta name="cpq-status" content="draft">`)
	assert.NotContains(t, draft.String(), `<div class="stamp">`)
}

func TestHTMLEscapes(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	q.Header.Account.Name = `<script>alert("x")</script>`
	q.SealContent()
	r := newRenderer(t, render.Config{Labels: map[string]render.Labels{"en": {"page": `Page {n} of {m}"</style><script>`}}})
	var b bytes.Buffer
	require.NoError(t, r.HTML(context.Background(), &b, q, render.Options{}))
	assert.NotContains(t, b.String(), "<script>")
	assert.Contains(t, b.String(), "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
	// The page counter is a CSS string; its quote and angle brackets are
	// escaped.
	assert.Contains(t, b.String(), `content: "Page " counter(page) " of " counter(pages) "\22 \3c /style\3e \3c script\3e ";`)
}

func TestHTMLHostTemplate(t *testing.T) {
	tmpl := template.Must(template.New("mine").Funcs(render.HTMLFuncs).Parse(
		`<h1>{{.Title}}</h1>{{range .Totals}}<p>{{.Label}}: {{.Amount}}</p>{{end}}{{if .Draft}}<p>{{.Watermark}}</p>{{end}}`))
	r := newRenderer(t, render.Config{HTML: tmpl})
	var b bytes.Buffer
	require.NoError(t, r.HTML(context.Background(), &b, loadQuote(t, "quote-zh.json"), render.Options{}))
	assert.Equal(t, "<h1>报价单 – 数据中心机柜扩容</h1><p>目录价合计: ¥34,600.00</p><p>折扣: -¥2,560.00</p><p>净额: ¥32,040.00</p>"+
		"<p>税额: ¥4,165.20</p><p>合计: ¥36,205.20</p><p>一次性费用: ¥26,040.00</p><p>服务期内周期性费用: ¥6,000.00</p><p>草稿</p>", b.String())
}
