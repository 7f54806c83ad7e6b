package render

import (
	"math"
	"strconv"
	"strings"
)

// The PDF is laid out in two passes: layout places every piece of text,
// rule and box on pages (breaking paragraphs and tables, repeating the
// table header), which gives the page count; then the footer with "N of M"
// and the watermark are added, and the pages are drawn by a backend. The
// layout does not know the PDF library.

type rgb [3]uint8

var (
	colText       = rgb{31, 41, 51}
	colMuted      = rgb{98, 125, 152}
	colHead       = rgb{16, 42, 67}
	colHeaderFill = rgb{36, 59, 83}
	colGroupFill  = rgb{217, 226, 236}
	colRule       = rgb{188, 204, 220}
	colNote       = rgb{156, 66, 33}
	colStamp      = rgb{47, 129, 50}
	colWatermark  = rgb{204, 31, 26}
	colWhite      = rgb{255, 255, 255}
)

type opKind uint8

const (
	opText         opKind = iota // text with its baseline at y
	opFill                       // filled rectangle x, y, w, h
	opLine                       // line from x, y to x+w, y+h
	opFrame                      // stroked rectangle x, y, w, h
	opImage                      // the logo at x, y, w, h
	opWatermark                  // text centred on x, y, rotated
	watermarkAngle = 35.0
)

// op is one drawing operation; y grows downwards from the top of the page.
type op struct {
	kind       opKind
	x, y, w, h float64
	text       string
	bold       bool
	size       float64
	color      rgb
}

type page struct{ ops []op }

// Type sizes, in points.
const (
	sizeBody   = 9.5
	sizeCell   = 8.5
	sizeSmall  = 7.5
	sizeTitle  = 20
	sizeH2     = 12
	sizeFooter = 7.5
	leading    = 1.3
	cellPadX   = 4
	cellPadY   = 3
	margin     = 42
)

type layout struct {
	fonts     *pdfFonts
	size      PageSize
	left      float64
	right     float64
	top       float64
	bottom    float64
	pages     []*page
	y         float64
	onNewPage func()
	logo      *logo
	logoH     float64
}

func newLayout(fonts *pdfFonts, size PageSize, lg *logo, logoH float64) *layout {
	l := &layout{fonts: fonts, size: size, left: margin, right: size.Width - margin, top: margin, bottom: size.Height - 58, logo: lg, logoH: logoH}
	l.newPage()
	return l
}

func (l *layout) face(bold bool) *fontFace {
	if bold {
		return l.fonts.bold
	}
	return l.fonts.regular
}

func (l *layout) width(s string, bold bool, size float64) float64 {
	f := l.face(bold)
	units := 0
	for _, r := range s {
		if r = f.drawable(r); r >= 0 {
			units += f.font.Advance(r)
		}
	}
	return float64(units) * size / float64(f.font.UnitsPerEm)
}

func (l *layout) wrap(s string, bold bool, size, width float64) []string {
	f := l.face(bold)
	scale := size / float64(f.font.UnitsPerEm)
	return wrapRunes(s, width, func(r rune) float64 {
		if r = f.drawable(r); r < 0 {
			return 0
		}
		return float64(f.font.Advance(r)) * scale
	})
}

func lineHeight(size float64) float64 { return size * leading }

// baseline returns the baseline of a line of text whose line box starts at
// top: the glyphs' ascent and descent centred in the box.
func (l *layout) baseline(top float64, bold bool, size float64) float64 {
	f := l.face(bold).font
	asc := float64(f.Ascent) * size / float64(f.UnitsPerEm)
	desc := float64(-f.Descent) * size / float64(f.UnitsPerEm)
	return top + (lineHeight(size)-(asc+desc))/2 + asc
}

func (l *layout) cur() *page { return l.pages[len(l.pages)-1] }

func (l *layout) add(o op) { p := l.cur(); p.ops = append(p.ops, o) }

func (l *layout) newPage() {
	l.pages = append(l.pages, &page{})
	l.y = l.top
	if l.onNewPage != nil {
		l.onNewPage()
	}
}

// ensure starts a new page unless h more points fit on this one (or the
// page is still empty, where nothing would gain from a break).
func (l *layout) ensure(h float64) {
	if l.y+h > l.bottom && l.y > l.top+0.5 {
		l.newPage()
	}
}

// text draws one line of text whose line box starts at top.
func (l *layout) text(x, top float64, s string, bold bool, size float64, c rgb) {
	if s == "" {
		return
	}
	l.add(op{kind: opText, x: x, y: l.baseline(top, bold, size), text: s, bold: bold, size: size, color: c})
}

func (l *layout) textRight(xRight, top float64, s string, bold bool, size float64, c rgb) {
	l.text(xRight-l.width(s, bold, size), top, s, bold, size, c)
}

// paragraph flows wrapped text from the cursor, breaking pages between
// lines.
func (l *layout) paragraph(x, width float64, s string, bold bool, size float64, c rgb) {
	lh := lineHeight(size)
	for _, line := range l.wrap(s, bold, size, width) {
		l.ensure(lh)
		l.text(x, l.y, line, bold, size, c)
		l.y += lh
	}
}

func (l *layout) heading(s string) {
	lh := lineHeight(sizeH2)
	l.y += 10
	l.ensure(lh + 4 + 3*lineHeight(sizeBody))
	l.text(l.left, l.y, s, true, sizeH2, colHead)
	l.y += lh + 1
	l.add(op{kind: opLine, x: l.left, y: l.y, w: l.right - l.left, h: 0, size: 0.7, color: colRule})
	l.y += 5
}

// block is measured text: lines with their style, stacked.
type textLine struct {
	text  string
	bold  bool
	size  float64
	color rgb
}

func blockHeight(lines []textLine) float64 {
	h := 0.0
	for _, t := range lines {
		h += lineHeight(t.size)
	}
	return h
}

func (l *layout) wrapLines(s string, bold bool, size, width float64, c rgb) []textLine {
	var out []textLine
	for _, line := range l.wrap(s, bold, size, width) {
		out = append(out, textLine{line, bold, size, c})
	}
	return out
}

// drawBlock draws stacked lines from top, left-aligned at x, or
// right-aligned at x when right is set.
func (l *layout) drawBlock(x, top float64, lines []textLine, right bool) {
	y := top
	for _, t := range lines {
		if right {
			l.textRight(x, y, t.text, t.bold, t.size, t.color)
		} else {
			l.text(x, y, t.text, t.bold, t.size, t.color)
		}
		y += lineHeight(t.size)
	}
}

// layoutDocument lays a whole document out.
func layoutDocument(d *Document, fonts *pdfFonts, size PageSize, logoH float64) []*page {
	l := newLayout(fonts, size, d.logo, logoH)
	for _, s := range d.Sections {
		switch s.Kind {
		case SectionLetterhead:
			l.letterhead(d)
		case SectionTitle:
			l.title(d)
		case SectionCustomer:
			l.customer(d)
		case SectionIntroduction:
			l.y += 8
			l.paragraph(l.left, l.right-l.left, s.Text, false, sizeBody, colText)
		case SectionText:
			if s.Title != "" {
				l.heading(s.Title)
			} else {
				l.y += 8
			}
			l.paragraph(l.left, l.right-l.left, s.Text, false, sizeBody, colText)
		case SectionLines:
			l.lineTable(d)
		case SectionTotals:
			l.totals(d)
		case SectionTerms:
			l.terms(d, s.Title)
		case SectionSignature:
			l.signature(d, s.Title)
		}
	}
	l.finish(d)
	return l.pages
}

func (l *layout) letterhead(d *Document) {
	top := l.y
	h := 0.0
	if l.logo != nil && l.logo.height > 0 {
		lh := l.logoH
		lw := lh * float64(l.logo.width) / float64(l.logo.height)
		if maxW := (l.right - l.left) * 0.4; lw > maxW {
			lw, lh = maxW, maxW*float64(l.logo.height)/float64(l.logo.width)
		}
		l.add(op{kind: opImage, x: l.left, y: top, w: lw, h: lh})
		h = lh
	}
	width := (l.right - l.left) * 0.55
	var lines []textLine
	lines = append(lines, l.wrapLines(d.Letterhead.Company, true, 13, width, colHead)...)
	for _, s := range d.Letterhead.Lines {
		lines = append(lines, l.wrapLines(s, false, 8, width, colMuted)...)
	}
	l.drawBlock(l.right, top, lines, true)
	h = math.Max(h, blockHeight(lines))
	l.y = top + h + 6
	l.add(op{kind: opLine, x: l.left, y: l.y, w: l.right - l.left, size: 1.5, color: colHead})
	l.y += 14
}

func (l *layout) title(d *Document) {
	top := l.y
	full := l.right - l.left
	leftW := full * 0.6
	if d.Approval == nil {
		leftW = full
	}
	title := l.wrapLines(d.Title, true, sizeTitle, leftW, colHead)
	l.ensure(blockHeight(title) + 4*lineHeight(sizeBody))
	top = l.y
	l.drawBlock(l.left, top, title, false)
	y := top + blockHeight(title) + 4
	labelW := 0.0
	for _, f := range d.Meta {
		labelW = math.Max(labelW, l.width(f.Label, false, 8.5))
	}
	labelW = math.Min(labelW+10, leftW*0.45)
	for _, f := range d.Meta {
		labels := l.wrapLines(f.Label, false, 8.5, labelW-6, colMuted)
		values := l.wrapLines(f.Value, false, 9, leftW-labelW, colText)
		l.drawBlock(l.left, y, labels, false)
		l.drawBlock(l.left+labelW, y, values, false)
		y += math.Max(blockHeight(labels), blockHeight(values)) + 1
	}
	if a := d.Approval; a != nil {
		w := full * 0.36
		x := l.right - w
		var lines []textLine
		lines = append(lines, l.wrapLines(a.Label, true, 13, w-16, colStamp)...)
		lines = append(lines, l.wrapLines(a.Text, false, 8, w-16, colStamp)...)
		lines = append(lines, l.wrapLines(a.SealLabel+" "+a.SealShort, false, 8, w-16, colStamp)...)
		h := blockHeight(lines) + 12
		l.add(op{kind: opFrame, x: x, y: top + 4, w: w, h: h, size: 1.8, color: colStamp})
		l.drawBlock(x+8, top+10, lines, false)
		y = math.Max(y, top+4+h)
	}
	l.y = y + 6
}

func (l *layout) customer(d *Document) {
	c := d.Customer
	width := (l.right - l.left) * 0.6
	lines := l.wrapLines(c.Label, false, 8.5, width, colMuted)
	lines = append(lines, l.wrapLines(c.Name, true, 10.5, width, colText)...)
	for _, s := range c.Lines {
		lines = append(lines, l.wrapLines(s, false, 9, width, colText)...)
	}
	for _, s := range c.Contact {
		lines = append(lines, l.wrapLines(s, false, 9, width, colText)...)
	}
	l.y += 8
	l.ensure(blockHeight(lines))
	l.drawBlock(l.left, l.y, lines, false)
	l.y += blockHeight(lines) + 4
}

// tableCol is a laid-out column of the line table.
type tableCol struct {
	key   string
	label string
	x, w  float64
	right bool
}

// columnCap bounds a column's width before its text wraps.
func columnCap(key string) float64 {
	switch key {
	case ColListPrice, ColUnitPrice, ColTotal:
		return 110
	case ColProduct:
		return 90
	}
	return 64
}

func (l *layout) tableColumns(d *Document) []tableCol {
	full := l.right - l.left
	cols := make([]tableCol, len(d.Columns))
	fixed := 0.0
	item := -1
	for i, c := range d.Columns {
		cols[i] = tableCol{key: c.Key, label: c.Label, right: c.Align == "right"}
		if c.Key == ColItem {
			item = i
			continue
		}
		w := l.width(c.Label, true, sizeCell)
		for _, g := range d.Groups {
			for _, r := range g.Rows {
				w = math.Max(w, l.width(r.Cell(c.Key), false, sizeCell))
			}
			if g.Subtotal != nil && i == len(d.Columns)-1 {
				w = math.Max(w, l.width(g.Subtotal.Value, true, sizeCell))
			}
		}
		cols[i].w = math.Min(w, columnCap(c.Key)) + 2*cellPadX
		fixed += cols[i].w
	}
	if minItem := full * 0.34; full-fixed < minItem {
		scale := (full - minItem) / fixed
		fixed = 0
		for i := range cols {
			if i != item {
				cols[i].w *= scale
				fixed += cols[i].w
			}
		}
	}
	cols[item].w = full - fixed
	x := l.left
	for i := range cols {
		cols[i].x = x
		x += cols[i].w
	}
	return cols
}

// cell is the measured content of one table cell.
type cell struct {
	lines  []textLine
	indent float64
	right  bool
}

func (l *layout) rowCells(cols []tableCol, r Row) ([]cell, float64) {
	cells := make([]cell, len(cols))
	h := 0.0
	color := colText
	if !r.Counts {
		color = colMuted
	}
	for i, c := range cols {
		inner := c.w - 2*cellPadX
		var ce cell
		if c.key == ColItem {
			ce.indent = 10 * float64(r.Level)
			inner -= ce.indent
			ce.lines = l.wrapLines(r.Name, r.Level == 0, sizeCell, inner, color)
			if r.Description != "" {
				ce.lines = append(ce.lines, l.wrapLines(r.Description, false, sizeSmall, inner, colMuted)...)
			}
			for _, o := range r.Options {
				ce.lines = append(ce.lines, l.wrapLines("• "+o, false, sizeSmall, inner, colMuted)...)
			}
			if r.Note != "" {
				ce.lines = append(ce.lines, l.wrapLines(r.Note, false, sizeSmall, inner, colNote)...)
			}
		} else {
			ce.right = c.right
			ce.lines = l.wrapLines(r.Cell(c.key), false, sizeCell, inner, color)
		}
		cells[i] = ce
		h = math.Max(h, blockHeight(ce.lines))
	}
	return cells, h + 2*cellPadY
}

func (l *layout) drawCells(cols []tableCol, cells []cell, top float64) {
	for i, ce := range cells {
		if ce.right {
			l.drawBlock(cols[i].x+cols[i].w-cellPadX, top+cellPadY, ce.lines, true)
		} else {
			l.drawBlock(cols[i].x+cellPadX+ce.indent, top+cellPadY, ce.lines, false)
		}
	}
}

func (l *layout) lineTable(d *Document) {
	cols := l.tableColumns(d)
	full := l.right - l.left
	// The header row: measured once, drawn at the start of the table and
	// again at the top of every page the table continues on.
	var header []cell
	headerH := 0.0
	for _, c := range cols {
		lines := l.wrapLines(c.label, true, sizeCell, c.w-2*cellPadX, colWhite)
		header = append(header, cell{lines: lines, right: c.right})
		headerH = math.Max(headerH, blockHeight(lines))
	}
	headerH += 2 * cellPadY
	drawHeader := func() {
		l.add(op{kind: opFill, x: l.left, y: l.y, w: full, h: headerH, color: colHeaderFill})
		l.drawCells(cols, header, l.y)
		l.y += headerH
	}
	l.y += 10
	first := 0.0
	if len(d.Groups) > 0 && len(d.Groups[0].Rows) > 0 {
		_, first = l.rowCells(cols, d.Groups[0].Rows[0])
	}
	// The header with the first row, or its first lines when it is long.
	first = math.Min(first, 3*lineHeight(sizeCell)+2*cellPadY)
	l.ensure(headerH + first + lineHeight(9) + 2*cellPadY)
	drawHeader()
	l.onNewPage = drawHeader
	for _, g := range d.Groups {
		groupH := 0.0
		if g.Name != "" {
			groupH = lineHeight(9) + 2*cellPadY
		}
		for i, r := range g.Rows {
			cells, h := l.rowCells(cols, r)
			if i == 0 && groupH > 0 {
				l.ensure(groupH + math.Min(h, 3*lineHeight(sizeCell)+2*cellPadY))
				l.add(op{kind: opFill, x: l.left, y: l.y, w: full, h: groupH, color: colGroupFill})
				l.text(l.left+cellPadX, l.y+cellPadY, g.Name, true, 9, colHead)
				l.y += groupH
			}
			l.row(cols, cells, h)
			l.add(op{kind: opLine, x: l.left, y: l.y, w: full, size: 0.4, color: colRule})
		}
		if st := g.Subtotal; st != nil {
			h := lineHeight(sizeCell) + 2*cellPadY
			l.ensure(h)
			last := cols[len(cols)-1]
			l.textRight(last.x-cellPadX, l.y+cellPadY, st.Label, true, sizeCell, colHead)
			l.textRight(last.x+last.w-cellPadX, l.y+cellPadY, st.Value, true, sizeCell, colHead)
			l.y += h
			l.add(op{kind: opLine, x: l.left, y: l.y, w: full, size: 1, color: colRule})
		}
	}
	l.onNewPage = nil
	if len(d.Notes) > 0 {
		l.y += 4
		for _, n := range d.Notes {
			l.paragraph(l.left, full, n, false, sizeSmall, colMuted)
		}
	}
}

func (l *layout) totals(d *Document) {
	blockW := math.Min(300, (l.right-l.left)*0.6)
	x := l.right - blockW
	h := 0.0
	for _, t := range d.Totals {
		h += totalRowHeight(t)
	}
	l.y += 10
	l.ensure(h)
	for _, t := range d.Totals {
		size, color := sizeBody, colText
		switch {
		case t.Strong:
			size, color = 11.5, colHead
			l.add(op{kind: opLine, x: x, y: l.y + 2, w: blockW, size: 1.5, color: colHead})
			l.y += 5
		case t.Part:
			size, color = 8.5, colMuted
		}
		l.text(x, l.y, t.Label, t.Strong, size, color)
		l.textRight(l.right, l.y, t.Amount, t.Strong, size, color)
		l.y += lineHeight(size) + 1
	}
}

func totalRowHeight(t TotalRow) float64 {
	switch {
	case t.Strong:
		return lineHeight(11.5) + 6
	case t.Part:
		return lineHeight(8.5) + 1
	}
	return lineHeight(sizeBody) + 1
}

func (l *layout) terms(d *Document, title string) {
	if len(d.Terms) == 0 {
		return
	}
	l.heading(title)
	full := l.right - l.left
	for _, t := range d.Terms {
		if t.Title != "" {
			l.ensure(lineHeight(sizeBody) * 3)
			l.text(l.left, l.y, t.Title, true, sizeBody, colHead)
			l.y += lineHeight(sizeBody)
		}
		l.paragraph(l.left, full, t.Text, false, 9, colText)
		l.y += 4
	}
}

func (l *layout) signature(d *Document, title string) {
	full := l.right - l.left
	text := l.wrapLines(d.Signature.Text, false, sizeBody, full, colText)
	need := lineHeight(sizeH2) + 16 + blockHeight(text) + 40 + lineHeight(8)
	l.y += 10
	l.ensure(need)
	l.heading(title)
	l.drawBlock(l.left, l.y, text, false)
	l.y += blockHeight(text) + 34
	n := len(d.Signature.Fields)
	gap := 18.0
	w := (full - gap*float64(n-1)) / float64(n)
	for i, f := range d.Signature.Fields {
		x := l.left + float64(i)*(w+gap)
		l.add(op{kind: opLine, x: x, y: l.y, w: w, size: 0.7, color: colText})
		l.text(x, l.y+2, f, false, 8, colMuted)
	}
	l.y += lineHeight(8) + 4
}

// finish adds what every page carries once the page count is known: the
// footer with "N of M", and on a draft the watermark.
func (l *layout) finish(d *Document) {
	m := len(l.pages)
	footerTop := l.size.Height - 34
	for i, p := range l.pages {
		pageLabel := fill(d.PageLabel, "n", strconv.Itoa(i+1), "m", strconv.Itoa(m))
		labelW := l.width(pageLabel, false, sizeFooter)
		footer := l.fit(d.Footer, l.right-l.left-labelW-16, sizeFooter)
		ops := []op{
			{kind: opLine, x: l.left, y: footerTop - 4, w: l.right - l.left, size: 0.5, color: colRule},
			{kind: opText, x: l.left, y: l.baseline(footerTop, false, sizeFooter), text: footer, size: sizeFooter, color: colMuted},
			{kind: opText, x: l.right - labelW, y: l.baseline(footerTop, false, sizeFooter), text: pageLabel, size: sizeFooter, color: colMuted},
		}
		if d.Draft && d.Watermark != "" {
			diag := math.Hypot(l.size.Width, l.size.Height)
			size := 120.0
			if w := l.width(d.Watermark, true, size); w > 0.7*diag {
				size *= 0.7 * diag / w
			}
			ops = append(ops, op{kind: opWatermark, x: l.size.Width / 2, y: l.size.Height / 2, text: d.Watermark, bold: true, size: size, color: colWatermark,
				w: l.width(d.Watermark, true, size)})
		}
		p.ops = append(p.ops, ops...)
	}
}

// fit shortens s with an ellipsis to fit width on one line.
func (l *layout) fit(s string, width, size float64) string {
	if l.width(s, false, size) <= width {
		return s
	}
	ellipsis := "…"
	if !l.fonts.regular.font.Has('…') {
		ellipsis = "..."
	}
	rs := []rune(s)
	for len(rs) > 0 && l.width(string(rs)+ellipsis, false, size) > width {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + ellipsis
}

// row draws a table row: on this page when it fits, else at the top of the
// next; a row taller than half a page is split between its lines where it
// stands, each part under the repeated header.
func (l *layout) row(cols []tableCol, cells []cell, h float64) {
	if h <= (l.bottom-l.top)/2 {
		l.ensure(h)
	}
	if l.y+h <= l.bottom {
		l.drawCells(cols, cells, l.y)
		l.y += h
		return
	}
	rest := cells
	for {
		avail := l.bottom - l.y - 2*cellPadY
		part := make([]cell, len(rest))
		next := make([]cell, len(rest))
		partH, left := 0.0, false
		for i, c := range rest {
			n, used := 0, 0.0
			for n < len(c.lines) && used+lineHeight(c.lines[n].size) <= avail {
				used += lineHeight(c.lines[n].size)
				n++
			}
			if n == 0 && len(c.lines) > 0 && l.y <= l.top+0.5 {
				n, used = 1, lineHeight(c.lines[0].size) // a page cannot hold less
			}
			part[i], next[i] = c, c
			part[i].lines, next[i].lines = c.lines[:n], c.lines[n:]
			partH = math.Max(partH, used)
			left = left || n < len(c.lines)
		}
		l.drawCells(cols, part, l.y)
		l.y += partH + 2*cellPadY
		if !left {
			return
		}
		rest = next
		l.newPage()
	}
}
