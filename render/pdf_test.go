package render_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

func renderPDF(t testing.TB, cfg render.Config, q *quote.Quote, opts render.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, newRenderer(t, cfg).PDF(context.Background(), &b, q, opts))
	return b.Bytes()
}

// inOrder asserts that each string occurs in text after the one before.
func inOrder(t *testing.T, text string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if !assert.GreaterOrEqual(t, i, 0, "%q not found after %q", w, text[max(0, at-40):at]) {
			return
		}
		at += i + len(w)
	}
}

// pages splits pdftotext output at its form feeds.
func pages(text string) []string {
	p := strings.Split(text, "\f")
	if len(p) > 0 && strings.TrimSpace(p[len(p)-1]) == "" {
		p = p[:len(p)-1]
	}
	return p
}

func TestPDFEnglish(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	pdf := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "Dana Fischer")}, q, render.Options{})
	text := pdfText(t, pdf)
	inOrder(t, text,
		"Acme Office Systems GmbH", "Tax ID: DE 811 234 567",
		"Quote – Office fit-out, Floor 1",
		"Quote number", "Q-2026-0042", "Date", "2 March 2026", "Valid until", "1 April 2026",
		"Prepared for", "Northwind Traders Ltd",
		"Floor 1", "Standing desk", "Electric height adjustment", "Finish: Brushed steel", "Drawer unit", "Ergonomic chair",
		"Desk lamp", "Optional", "Subtotal Floor 1", "€4,494.00",
		"Services", "Installation", "Care plan", "Recurring, 12 months", "Subtotal Services", "€650.00",
		"Optional items are not included in the totals.",
		"List price total", "€5,590.00", "Discounts", "-€446.00", "Net total", "€5,144.00", "Tax", "€977.36",
		"Grand total", "€6,121.36", "One-time charges", "€4,844.00", "Recurring charges over the term", "€300.00",
		"Terms and conditions", "Payment", "Warranty", "Acceptance", "Name", "Signature", "Date",
	)
	// The approval stamp beside the title: approvers, date and the seal's
	// first 12 hex digits.
	inOrder(t, text, "Approved", "by Dana Fischer on 2 March 2026", "Seal "+render.SealShort(q.Seal))
	// The columns of a row stand on one line, in the template's order.
	assert.Regexp(t, `(?m)^\s*#\s+Description\s+Qty\s+Unit\s+Unit price\s+Discount\s+Total\s*$`, text)
	assert.Regexp(t, `(?m)^\s*1\s+Standing desk\s+4\s+pcs\s+€652\.50\s+10%\s+€2,610\.00\s*$`, text)
	assert.Regexp(t, `(?m)^\s*1\.1\s+Drawer unit\s+4\s+pcs\s+€120\.00\s+€480\.00\s*$`, text)
	assert.NotContains(t, text, "DRAFT")
	ps := pages(text)
	require.Len(t, ps, 2)
	for i, p := range ps {
		assert.Contains(t, p, fmt.Sprintf("Page %d of 2", i+1))
		assert.Contains(t, p, "Quote Q-2026-0042 Revision 2 · Seal "+render.SealShort(q.Seal))
	}
}

func TestPDFChinese(t *testing.T) {
	q := loadQuote(t, "quote-zh.json")
	pdf := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "赵敏")}, q, render.Options{})
	text := pdfText(t, pdf)
	inOrder(t, text,
		"报价单 – 数据中心机柜扩容",
		"报价单号", "Q-2026-0043", "有效期至", "2026年4月1日", "服务期限", "12 个月",
		"客户", "上海云杉科技有限公司", "联系人: 王磊 (采购经理)",
		"感谢您的垂询，现将报价提供如下。",
		"服务器机柜", "标准 19 英寸机柜", "Height: 42U", "Color: 黑色", "安装调试服务", "年度维保服务", "周期性费用，12 个月",
		"目录价合计", "¥34,600.00", "折扣", "-¥2,560.00", "净额", "¥32,040.00", "税额", "¥4,165.20",
		"合计", "¥36,205.20", "一次性费用", "¥26,040.00", "服务期内周期性费用", "¥6,000.00",
		"条款与条件", "付款方式", "质量保证", "确认", "姓名", "签字", "日期",
	)
	inOrder(t, text, "已批准", "批准人 赵敏，2026年3月2日", "校验码 "+render.SealShort(q.Seal))
	assert.Regexp(t, `(?m)^\s*序号\s+品名及说明\s+数量\s+单位\s+单价\s+折扣\s+金额\s*$`, text)
	assert.Regexp(t, `(?m)^\s*1\s+服务器机柜\s+2\s+台\s+¥11,520\.00\s+10%\s+¥23,040\.00\s*$`, text)

	// The long payment term wraps onto several lines, every character
	// kept in order, and no line starts with closing punctuation.
	term := q.Terms[0].Text
	start := strings.Index(text, "付款方式")
	end := strings.Index(text, "质量保证")
	require.True(t, start >= 0 && end > start)
	block := text[start+len("付款方式") : end]
	lines := strings.Split(strings.TrimSpace(block), "\n")
	assert.GreaterOrEqual(t, len(lines), 2, "the term wraps")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" {
			assert.NotContains(t, "，。；、）", string([]rune(l)[0]), "line %q starts with closing punctuation", l)
		}
	}
	assert.Equal(t, strings.Join(strings.Fields(term), ""), strings.Join(strings.Fields(block), ""))
}

func TestPDFDraftOnEveryPage(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	pdf := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t)}, q, render.Options{})
	ps := pages(pdfRawText(t, pdf))
	require.Len(t, ps, 2)
	for i, p := range ps {
		// The watermark is drawn last, over the content, on every page.
		_, watermark, ok := strings.Cut(p, fmt.Sprintf("Page %d of 2", i+1))
		require.True(t, ok)
		assert.Equal(t, "DRAFT", strings.Join(strings.Fields(watermark), ""), "page %d", i+1)
		assert.Contains(t, p, "Draft: not valid as an offer.", "page %d", i+1)
		assert.NotContains(t, p, "Approved")
	}
	info, err := render.ReadPDFInfo(pdf)
	require.NoError(t, err)
	assert.Equal(t, "draft", info.Status)

	zh := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t)}, loadQuote(t, "quote-zh.json"), render.Options{})
	zhPages := pages(pdfRawText(t, zh))
	require.Len(t, zhPages, 2)
	for i, p := range zhPages {
		_, watermark, ok := strings.Cut(p, fmt.Sprintf("第 %d 页，共 2 页", i+1))
		require.True(t, ok)
		assert.Equal(t, "草稿", strings.Join(strings.Fields(watermark), ""), "page %d", i+1)
	}
}

func TestPDFFinalRefusesDrafts(t *testing.T) {
	r := newRenderer(t, render.Config{Fonts: cjkFonts(t)})
	var b bytes.Buffer
	err := r.PDF(context.Background(), &b, loadQuote(t, "quote-en.json"), render.Options{Final: true})
	assert.ErrorIs(t, err, render.ErrNotApproved)
	assert.Zero(t, b.Len(), "nothing is written")
}

func TestPDF500LinesPaginates(t *testing.T) {
	const n = 500
	q := bigQuote(t, n)
	pdf := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "Dana Fischer")}, q, render.Options{})
	text := pdfText(t, pdf)
	ps := pages(text)
	m := len(ps)
	require.Greater(t, m, 5)
	header := regexp.MustCompile(`(?m)^\s*#\s+Description\s+Qty\s+Unit\s+Unit price\s+Discount\s+Total\s*$`)
	item := regexp.MustCompile(`(?m)^\s*(\d+)\s+Item (\d+)\s+1\s+pcs\s+€([\d,]+)\.00\s+€([\d,]+)\.00\s*$`)
	next := 1
	for i, p := range ps {
		assert.Contains(t, p, fmt.Sprintf("Page %d of %d", i+1, m))
		rows := item.FindAllStringSubmatch(p, -1)
		if len(rows) > 0 {
			// Every page the table runs over starts with its header row.
			loc := header.FindStringIndex(p)
			require.NotNil(t, loc, "page %d has rows but no header row", i+1)
			first := item.FindStringIndex(p)
			assert.Less(t, loc[0], first[0], "page %d: the header precedes the rows", i+1)
		}
		for _, r := range rows {
			want := fmt.Sprint(next)
			assert.Equal(t, []string{want, want}, r[1:3], "rows in order")
			next++
		}
	}
	assert.Equal(t, n+1, next, "every line once")
	// The total of 1 + 2 + … + 500 euros.
	assert.Regexp(t, `Grand total\s+€125,250\.00`, text)
}

func TestPDFMissingGlyph(t *testing.T) {
	// DejaVu Sans has Latin, Greek, Cyrillic and ¥, but no ideographs.
	dejavu := render.Fonts{Regular: render.FontFace{Data: readFont(t, dejavuPath)}}
	r := newRenderer(t, render.Config{Fonts: dejavu, Approvals: approvedBy(approvalTime, "赵敏")})
	var b bytes.Buffer
	err := r.PDF(context.Background(), &b, loadQuote(t, "quote-zh.json"), render.Options{})
	require.ErrorIs(t, err, render.ErrMissingGlyph)
	assert.ErrorContains(t, err, `font "DejaVu Sans" cannot draw`)
	// 。 ends the introduction, 一 starts 一次性费用 (one-time charges).
	assert.ErrorContains(t, err, `'。' (U+3002), '一' (U+4E00)`)
	assert.Zero(t, b.Len(), "nothing is written")

	// The same font draws the English quote.
	r = newRenderer(t, render.Config{Fonts: dejavu, Approvals: approvedBy(approvalTime, "Dana Fischer")})
	require.NoError(t, r.PDF(context.Background(), &b, loadQuote(t, "quote-en.json"), render.Options{}))
}

func TestPDFFontErrors(t *testing.T) {
	_, err := render.New(render.Config{Fonts: render.Fonts{Regular: render.FontFace{Data: []byte("not a font")}}})
	assert.ErrorIs(t, err, render.ErrInvalidConfig)
	_, err = render.New(render.Config{Fonts: render.Fonts{Regular: render.FontFace{Data: readFont(t, wqyPath), Index: 5}}})
	assert.ErrorIs(t, err, render.ErrInvalidConfig)

	r := newRenderer(t, render.Config{})
	err = r.PDF(context.Background(), &bytes.Buffer{}, loadQuote(t, "quote-en.json"), render.Options{})
	assert.ErrorIs(t, err, render.ErrNoFont)
}

func TestPDFMetadataCarriesTheSeal(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	pdf := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "Dana Fischer")}, q, render.Options{})
	info, err := render.ReadPDFInfo(pdf)
	require.NoError(t, err)
	assert.Equal(t, "Q-2026-0042", info.Quote)
	assert.Equal(t, 2, info.Revision)
	assert.Equal(t, "approved", info.Status)
	assert.Equal(t, q.Seal, info.Seal)

	// Any PDF reader shows it: here poppler's pdfinfo.
	needTool(t, "pdfinfo")
	path := filepath.Join(t.TempDir(), "q.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o644))
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "seal="+q.Seal)
	assert.Regexp(t, `Author:\s+Acme Office Systems GmbH`, string(out))
	assert.Regexp(t, `CreationDate:\s+Mon Mar\s+2 11:30:00 2026`, string(out))
	assert.Regexp(t, `Pages:\s+2`, string(out))

	// The logo is embedded once, at its size in pixels.
	out, err = exec.Command("pdfimages", "-list", path).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Regexp(t, `(?m)^\s+1\s+0\s+image\s+120\s+40\s`, string(out))
}

func TestPDFIsDeterministic(t *testing.T) {
	cfg := render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "赵敏")}
	q := loadQuote(t, "quote-zh.json")
	assert.Equal(t, renderPDF(t, cfg, q, render.Options{}), renderPDF(t, cfg, q, render.Options{}))
}

func TestRendererIsSafeForConcurrentUse(t *testing.T) {
	r := newRenderer(t, render.Config{Letterhead: letterhead(), Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "Dana Fischer")})
	quotes := []*quote.Quote{loadQuote(t, "quote-en.json"), loadQuote(t, "quote-zh.json")}
	want := make([][]byte, len(quotes))
	for i, q := range quotes {
		var b bytes.Buffer
		require.NoError(t, r.PDF(context.Background(), &b, q, render.Options{}))
		want[i] = b.Bytes()
	}
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Go(func() {
			var b bytes.Buffer
			if err := r.PDF(context.Background(), &b, quotes[i%2], render.Options{}); err == nil {
				got[i] = b.Bytes()
			}
		})
	}
	wg.Wait()
	for i := range got {
		assert.Equal(t, want[i%2], got[i], "goroutine %d", i)
	}
}

func TestPDFBoldFont(t *testing.T) {
	fonts := render.Fonts{
		Regular: render.FontFace{Data: readFont(t, dejavuPath)},
		Bold:    render.FontFace{Data: readFont(t, filepath.Join(filepath.Dir(dejavuPath), "DejaVuSans-Bold.ttf"))},
	}
	pdf := renderPDF(t, render.Config{Letterhead: letterhead(), Fonts: fonts, Approvals: approvedBy(approvalTime, "Dana Fischer")}, loadQuote(t, "quote-en.json"), render.Options{})
	needTool(t, "pdffonts")
	path := filepath.Join(t.TempDir(), "q.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o644))
	out, err := exec.Command("pdffonts", path).CombinedOutput()
	require.NoError(t, err, string(out))
	// Both faces embedded, as CID TrueType with a Unicode map.
	lines := regexp.MustCompile(`(?m)^\S+\s+CID TrueType\s+Identity-H\s+yes\s+(yes|no)\s+yes`).FindAllString(string(out), -1)
	assert.Len(t, lines, 2, string(out))
	assert.Regexp(t, `Grand total\s+€6,121\.36`, pdfText(t, pdf))
}

func TestPDFRowTallerThanAPage(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	var long []string
	for i := 1; i <= 120; i++ {
		long = append(long, fmt.Sprintf("Clause %d of the specification.", i))
	}
	q.Lines[0].Description = strings.Join(long, "\n")
	q.SealContent()
	text := pdfText(t, renderPDF(t, render.Config{Fonts: cjkFonts(t), Approvals: approvedBy(approvalTime, "Dana Fischer")}, q, render.Options{}))
	// The description runs over pages, every line once and in order, and
	// the rows after it follow.
	want := append(append([]string{"Standing desk"}, long...), "Drawer unit", "Grand total")
	inOrder(t, text, want...)
	ps := pages(text)
	require.Greater(t, len(ps), 2)
	for i, p := range ps[:2] {
		assert.Regexp(t, `(?m)^\s*#\s+Description\s+Qty`, p, "page %d has the header row", i+1)
		assert.Contains(t, p, fmt.Sprintf("Page %d of %d", i+1, len(ps)))
	}
}
