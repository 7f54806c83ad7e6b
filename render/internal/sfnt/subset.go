package sfnt

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// Composite glyph flags (the glyf table).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// kept lists the tables a subset keeps: those it rewrites and those that do
// not depend on glyph numbers. Tables indexed by glyph that the subset does
// not rewrite (kern, GSUB, GPOS, bitmaps, vertical metrics) are dropped.
var kept = []string{"OS/2", "cmap", "cvt ", "fpgm", "gasp", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post", "prep"}

// Subset returns a TrueType font holding only the glyphs for runes (and
// .notdef, and the components of composite glyphs), renumbered from 0, with
// a character map of exactly those runes. Runes the font lacks are left
// out.
//
// The result is a complete font: text drawn with it looks as with the
// original, and a PDF writer parses it in a fraction of the time a large
// CJK font takes.
func (f *Font) Subset(runes []rune) ([]byte, error) {
	tables := f.tables
	head, hhea, maxp, hmtx, glyf, loca := tables["head"], tables["hhea"], tables["maxp"], tables["hmtx"], tables["glyf"], tables["loca"]
	if loca == nil {
		return nil, fmt.Errorf("no loca table: %w", ErrFormat)
	}
	numGlyphs := int(u16(maxp, 4))
	longLoca := int16(u16(head, 50)) == 1
	glyphAt := func(g int) ([]byte, error) {
		var start, end int
		if longLoca {
			if len(loca) < 4*(g+2) {
				return nil, fmt.Errorf("loca too short for glyph %d: %w", g, ErrFormat)
			}
			start, end = int(u32(loca, 4*g)), int(u32(loca, 4*g+4))
		} else {
			if len(loca) < 2*(g+2) {
				return nil, fmt.Errorf("loca too short for glyph %d: %w", g, ErrFormat)
			}
			start, end = 2*int(u16(loca, 2*g)), 2*int(u16(loca, 2*g+2))
		}
		if start > end || end > len(glyf) {
			return nil, fmt.Errorf("glyph %d lies outside glyf: %w", g, ErrFormat)
		}
		return glyf[start:end], nil
	}

	// The glyphs to keep: .notdef, those of the runes, and every
	// component of a composite glyph, transitively.
	keep := map[int]bool{0: true}
	var queue []int
	cmap := map[rune]int{}
	for _, r := range runes {
		if g, ok := f.GlyphIndex(r); ok {
			cmap[r] = int(g)
			if !keep[int(g)] {
				keep[int(g)] = true
				queue = append(queue, int(g))
			}
		}
	}
	queue = append(queue, 0)
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		b, err := glyphAt(g)
		if err != nil {
			return nil, err
		}
		err = components(b, func(_ int, c int) int {
			if c < numGlyphs && !keep[c] {
				keep[c] = true
				queue = append(queue, c)
			}
			return c
		})
		if err != nil {
			return nil, fmt.Errorf("glyph %d: %w", g, err)
		}
	}
	old := make([]int, 0, len(keep))
	for g := range keep {
		old = append(old, g)
	}
	slices.Sort(old)
	newID := make(map[int]int, len(old))
	for i, g := range old {
		newID[g] = i
	}

	// glyf and loca, long offsets; hmtx with a full metric per glyph.
	numHMetrics := int(u16(hhea, 34))
	var newGlyf []byte
	newLoca := make([]byte, 4*(len(old)+1))
	newHmtx := make([]byte, 4*len(old))
	for i, g := range old {
		binary.BigEndian.PutUint32(newLoca[4*i:], uint32(len(newGlyf)))
		b, err := glyphAt(g)
		if err != nil {
			return nil, err
		}
		start := len(newGlyf)
		newGlyf = append(newGlyf, b...)
		if err := components(newGlyf[start:], func(at, c int) int {
			binary.BigEndian.PutUint16(newGlyf[start+at:], uint16(newID[c]))
			return c
		}); err != nil {
			return nil, err
		}
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
		var adv, lsb uint16
		if g < numHMetrics {
			adv, lsb = u16(hmtx, 4*g), u16(hmtx, 4*g+2)
		} else {
			adv = u16(hmtx, 4*(numHMetrics-1))
			if p := 4*numHMetrics + 2*(g-numHMetrics); p+2 <= len(hmtx) {
				lsb = u16(hmtx, p)
			}
		}
		binary.BigEndian.PutUint16(newHmtx[4*i:], adv)
		binary.BigEndian.PutUint16(newHmtx[4*i+2:], lsb)
	}
	binary.BigEndian.PutUint32(newLoca[4*len(old):], uint32(len(newGlyf)))

	newHead := slices.Clone(head)
	binary.BigEndian.PutUint16(newHead[50:], 1)
	newHhea := slices.Clone(hhea)
	binary.BigEndian.PutUint16(newHhea[34:], uint16(len(old)))
	newMaxp := slices.Clone(maxp)
	binary.BigEndian.PutUint16(newMaxp[4:], uint16(len(old)))

	out := map[string][]byte{
		"head": newHead, "hhea": newHhea, "maxp": newMaxp, "hmtx": newHmtx,
		"loca": newLoca, "glyf": newGlyf, "cmap": writeCmap(cmap, newID),
	}
	if post := tables["post"]; len(post) >= 32 {
		p := slices.Clone(post[:32])
		binary.BigEndian.PutUint32(p, 0x00030000) // version 3: no glyph names
		out["post"] = p
	}
	for _, tag := range kept {
		if out[tag] == nil && tables[tag] != nil {
			out[tag] = tables[tag]
		}
	}
	// Lay the tables out one after the other in a scratch buffer and let
	// assemble write the file.
	var all []byte
	var recsOut []tableRecord
	for _, tag := range kept {
		b := out[tag]
		if b == nil {
			continue
		}
		recsOut = append(recsOut, tableRecord{tag: tag, offset: len(all), length: len(b)})
		all = append(all, b...)
	}
	return assemble(recsOut, all)
}

// components calls fn with the offset and glyph index of every component of
// a composite glyph; a simple or empty glyph has none.
func components(b []byte, fn func(at, glyph int) int) error {
	if len(b) < 10 || int16(u16(b, 0)) >= 0 {
		return nil
	}
	p := 10
	for {
		if p+4 > len(b) {
			return fmt.Errorf("composite glyph truncated: %w", ErrFormat)
		}
		flags := u16(b, p)
		fn(p+2, int(u16(b, p+2)))
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			return nil
		}
	}
}

// writeCmap writes a cmap with a Windows Unicode BMP subtable (format 4),
// and a full-repertoire subtable (format 12) when a rune lies beyond the
// BMP.
func writeCmap(cmap map[rune]int, newID map[int]int) []byte {
	runes := make([]rune, 0, len(cmap))
	wide := false
	for r := range cmap {
		runes = append(runes, r)
		wide = wide || r > 0xFFFF
	}
	slices.Sort(runes)

	// Format 4: runs of consecutive runes with consecutive glyphs share a
	// segment; the last segment maps 0xFFFF to glyph 0.
	type seg struct{ start, end, delta int }
	var segs []seg
	for _, r := range runes {
		if r > 0xFFFF {
			break
		}
		g := newID[cmap[r]]
		if n := len(segs); n > 0 && segs[n-1].end == int(r)-1 && int(r)+segs[n-1].delta == g {
			segs[n-1].end = int(r)
			continue
		}
		segs = append(segs, seg{int(r), int(r), g - int(r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	f4 := make([]byte, 16+8*n)
	binary.BigEndian.PutUint16(f4[0:], 4)
	binary.BigEndian.PutUint16(f4[2:], uint16(len(f4)))
	binary.BigEndian.PutUint16(f4[6:], uint16(2*n))
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	binary.BigEndian.PutUint16(f4[8:], uint16(2<<es))
	binary.BigEndian.PutUint16(f4[10:], uint16(es))
	binary.BigEndian.PutUint16(f4[12:], uint16(2*n-(2<<es)))
	for i, s := range segs {
		binary.BigEndian.PutUint16(f4[14+2*i:], uint16(s.end))
		binary.BigEndian.PutUint16(f4[16+2*n+2*i:], uint16(s.start))
		binary.BigEndian.PutUint16(f4[16+4*n+2*i:], uint16(s.delta))
		// idRangeOffset stays 0.
	}

	subtables := [][]byte{f4}
	ids := [][2]uint16{{3, 1}}
	if wide {
		var groups [][3]int
		for _, r := range runes {
			g := newID[cmap[r]]
			if k := len(groups); k > 0 && groups[k-1][1] == int(r)-1 && groups[k-1][2]+int(r)-groups[k-1][0] == g {
				groups[k-1][1] = int(r)
				continue
			}
			groups = append(groups, [3]int{int(r), int(r), g})
		}
		f12 := make([]byte, 16+12*len(groups))
		binary.BigEndian.PutUint16(f12[0:], 12)
		binary.BigEndian.PutUint32(f12[4:], uint32(len(f12)))
		binary.BigEndian.PutUint32(f12[12:], uint32(len(groups)))
		for i, gr := range groups {
			binary.BigEndian.PutUint32(f12[16+12*i:], uint32(gr[0]))
			binary.BigEndian.PutUint32(f12[20+12*i:], uint32(gr[1]))
			binary.BigEndian.PutUint32(f12[24+12*i:], uint32(gr[2]))
		}
		subtables = append(subtables, f12)
		ids = append(ids, [2]uint16{3, 10})
	}
	head := 4 + 8*len(subtables)
	out := make([]byte, head)
	binary.BigEndian.PutUint16(out[2:], uint16(len(subtables)))
	for i, st := range subtables {
		binary.BigEndian.PutUint16(out[4+8*i:], ids[i][0])
		binary.BigEndian.PutUint16(out[6+8*i:], ids[i][1])
		binary.BigEndian.PutUint32(out[8+8*i:], uint32(len(out)))
		out = append(out, st...)
	}
	return out
}
