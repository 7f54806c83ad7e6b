// Package sfnt reads what the renderer needs from TrueType fonts: the faces
// of a TrueType collection (.ttc) as stand-alone fonts, the character map
// (which characters the font can draw), advance widths and vertical
// metrics. It reads TrueType outlines only; a font with CFF outlines is
// refused, since the PDF writer embeds TrueType outlines.
package sfnt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"
)

// Errors a caller may branch on.
var (
	// ErrFormat: the data is not a font this package reads.
	ErrFormat = errors.New("not a TrueType font")
	// ErrCFF: the font has CFF (PostScript) outlines.
	ErrCFF = errors.New("font has CFF outlines; a TrueType-outline font is needed")
)

const (
	tagTTC  = 0x74746366 // "ttcf"
	tagTrue = 0x74727565 // "true"
	tagOTTO = 0x4f54544f // "OTTO"
	ver1    = 0x00010000
)

func u16(b []byte, off int) uint16 { return binary.BigEndian.Uint16(b[off:]) }
func u32(b []byte, off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }

// IsCollection reports whether data is a TrueType collection.
func IsCollection(data []byte) bool {
	return len(data) >= 12 && u32(data, 0) == tagTTC
}

// NumFaces returns the number of faces in a collection, or 1 for a single
// font.
func NumFaces(data []byte) (int, error) {
	if !IsCollection(data) {
		if _, err := tableDirectory(data, 0); err != nil {
			return 0, err
		}
		return 1, nil
	}
	n := int(u32(data, 8))
	if n < 1 || len(data) < 12+4*n {
		return 0, fmt.Errorf("collection header lists %d faces: %w", n, ErrFormat)
	}
	return n, nil
}

type tableRecord struct {
	tag      string
	checksum uint32
	offset   int
	length   int
}

// tableDirectory reads the table directory starting at off (0 for a single
// font, a face's offset in a collection). Table offsets are from the start
// of data.
func tableDirectory(data []byte, off int) ([]tableRecord, error) {
	if len(data) < off+12 {
		return nil, fmt.Errorf("truncated header: %w", ErrFormat)
	}
	switch v := u32(data, off); v {
	case ver1, tagTrue:
	case tagOTTO:
		return nil, ErrCFF
	default:
		return nil, fmt.Errorf("unknown font version %#08x: %w", v, ErrFormat)
	}
	n := int(u16(data, off+4))
	if len(data) < off+12+16*n {
		return nil, fmt.Errorf("truncated table directory: %w", ErrFormat)
	}
	recs := make([]tableRecord, n)
	for i := range recs {
		p := off + 12 + 16*i
		r := tableRecord{
			tag:      string(data[p : p+4]),
			checksum: u32(data, p+4),
			offset:   int(u32(data, p+8)),
			length:   int(u32(data, p+12)),
		}
		if r.offset < 0 || r.length < 0 || r.offset+r.length > len(data) || r.offset+r.length < r.offset {
			return nil, fmt.Errorf("table %q lies outside the file: %w", r.tag, ErrFormat)
		}
		recs[i] = r
	}
	return recs, nil
}

// Face returns face index of data as a stand-alone TrueType font. For a
// single font, index must be 0 and the data is returned as it is.
func Face(data []byte, index int) ([]byte, error) {
	n, err := NumFaces(data)
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= n {
		return nil, fmt.Errorf("face %d of a font with %d faces: %w", index, n, ErrFormat)
	}
	if !IsCollection(data) {
		return data, nil
	}
	recs, err := tableDirectory(data, int(u32(data, 12+4*index)))
	if err != nil {
		return nil, err
	}
	return assemble(recs, data)
}

// assemble writes a single-font file from the tables: the table directory
// sorted by tag, each table 4-byte aligned, and head.checkSumAdjustment
// recomputed for the new file.
func assemble(recs []tableRecord, data []byte) ([]byte, error) {
	recs = append([]tableRecord(nil), recs...)
	sort.Slice(recs, func(i, j int) bool { return recs[i].tag < recs[j].tag })
	n := len(recs)
	size := 12 + 16*n
	for _, r := range recs {
		size += (r.length + 3) &^ 3
	}
	out := make([]byte, size)
	binary.BigEndian.PutUint32(out[0:], ver1)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-(16<<es)))
	pos := 12 + 16*n
	headAt := -1
	for i, r := range recs {
		copy(out[pos:], data[r.offset:r.offset+r.length])
		if r.tag == "head" {
			if r.length < 12 {
				return nil, fmt.Errorf("head table too short: %w", ErrFormat)
			}
			headAt = pos
			binary.BigEndian.PutUint32(out[pos+8:], 0)
		}
		p := 12 + 16*i
		copy(out[p:], r.tag)
		binary.BigEndian.PutUint32(out[p+4:], checksum(out[pos:pos+((r.length+3)&^3)]))
		binary.BigEndian.PutUint32(out[p+8:], uint32(pos))
		binary.BigEndian.PutUint32(out[p+12:], uint32(r.length))
		pos += (r.length + 3) &^ 3
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out, nil
}

// checksum is the TrueType table checksum: the sum of big-endian uint32
// words, the last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += u32(b, i)
	}
	if rem := len(b) % 4; rem != 0 {
		var last [4]byte
		copy(last[:], b[len(b)-rem:])
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}

// Font is a parsed TrueType font: what text layout needs.
type Font struct {
	// UnitsPerEm is the design units per em.
	UnitsPerEm int
	// Ascent and Descent are hhea's ascender and descender (Descent is
	// negative), in design units.
	Ascent, Descent int
	// Family is the font's family name from the name table, if it has
	// one.
	Family string
	// Restricted is true when the font's licence forbids embedding it
	// (OS/2 fsType 2, restricted licence embedding).
	Restricted bool

	cmap     *charMap
	advances []uint16
	tables   map[string][]byte
}

// Parse reads a single TrueType font (use Face first for a collection).
func Parse(data []byte) (*Font, error) {
	if IsCollection(data) {
		return nil, fmt.Errorf("a collection; choose a face first: %w", ErrFormat)
	}
	recs, err := tableDirectory(data, 0)
	if err != nil {
		return nil, err
	}
	tables := map[string][]byte{}
	for _, r := range recs {
		tables[r.tag] = data[r.offset : r.offset+r.length]
	}
	for _, need := range []string{"head", "hhea", "hmtx", "cmap", "maxp"} {
		if tables[need] == nil {
			return nil, fmt.Errorf("no %s table: %w", need, ErrFormat)
		}
	}
	if tables["glyf"] == nil {
		if tables["CFF "] != nil || tables["CFF2"] != nil {
			return nil, ErrCFF
		}
		return nil, fmt.Errorf("no glyf table: %w", ErrFormat)
	}
	f := &Font{tables: tables}
	head, hhea, maxp := tables["head"], tables["hhea"], tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, fmt.Errorf("head, hhea or maxp too short: %w", ErrFormat)
	}
	f.UnitsPerEm = int(u16(head, 18))
	if f.UnitsPerEm == 0 {
		return nil, fmt.Errorf("units per em is 0: %w", ErrFormat)
	}
	f.Ascent = int(int16(u16(hhea, 4)))
	f.Descent = int(int16(u16(hhea, 6)))
	numHMetrics := int(u16(hhea, 34))
	numGlyphs := int(u16(maxp, 4))
	hmtx := tables["hmtx"]
	if numHMetrics < 1 || len(hmtx) < 4*numHMetrics {
		return nil, fmt.Errorf("hmtx too short for %d metrics: %w", numHMetrics, ErrFormat)
	}
	f.advances = make([]uint16, max(numGlyphs, numHMetrics))
	for g := range f.advances {
		if g < numHMetrics {
			f.advances[g] = u16(hmtx, 4*g)
		} else {
			f.advances[g] = f.advances[numHMetrics-1]
		}
	}
	if f.cmap, err = parseCmap(tables["cmap"], numGlyphs); err != nil {
		return nil, err
	}
	f.Family = familyName(tables["name"])
	if os2 := tables["OS/2"]; len(os2) >= 10 {
		f.Restricted = u16(os2, 8)&0x000F == 0x0002
	}
	return f, nil
}

// GlyphIndex returns the glyph for r, and false when the font has none.
func (f *Font) GlyphIndex(r rune) (uint16, bool) {
	return f.cmap.lookup(r)
}

// Has reports whether the font maps r to a glyph.
func (f *Font) Has(r rune) bool {
	_, ok := f.cmap.lookup(r)
	return ok
}

// Advance returns the advance width of r in design units; a rune the font
// lacks has the advance of glyph 0 (the .notdef glyph).
func (f *Font) Advance(r rune) int {
	g, _ := f.cmap.lookup(r)
	if int(g) >= len(f.advances) {
		return 0
	}
	return int(f.advances[g])
}

// charMap maps runes to glyphs by searching the ranges of the font's
// character map; it is not expanded into a table, so reading a large CJK
// font costs no more than a small one.
type charMap struct {
	ranges    []cmapRange // in the order of the font: by code point
	sub       []byte      // the format 4 subtable, for glyphIdArray
	numGlyphs int
}

type cmapRange struct {
	start, end int
	// delta: format 4, the glyph is (c + delta) mod 65536; format 12,
	// the glyph is delta + c - start.
	delta int
	// at is the offset in sub of the glyphIdArray entry for start, or 0
	// when the range does not use the array.
	at       int
	format12 bool
}

func (m *charMap) lookup(r rune) (uint16, bool) {
	c := int(r)
	i := sort.Search(len(m.ranges), func(i int) bool { return m.ranges[i].end >= c })
	if i == len(m.ranges) || m.ranges[i].start > c {
		return 0, false
	}
	rg := m.ranges[i]
	var g int
	switch {
	case rg.format12:
		g = rg.delta + c - rg.start
	case rg.at == 0:
		g = (c + rg.delta) & 0xFFFF
	default:
		p := rg.at + 2*(c-rg.start)
		if p+2 > len(m.sub) {
			return 0, false
		}
		if g = int(u16(m.sub, p)); g == 0 {
			return 0, false
		}
		g = (g + rg.delta) & 0xFFFF
	}
	if g <= 0 || g >= m.numGlyphs {
		return 0, false
	}
	return uint16(g), true
}

// parseCmap reads the best Unicode subtable: format 12 (full repertoire)
// when there is one, else format 4 (the Basic Multilingual Plane).
func parseCmap(b []byte, numGlyphs int) (*charMap, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("cmap too short: %w", ErrFormat)
	}
	n := int(u16(b, 2))
	if len(b) < 4+8*n {
		return nil, fmt.Errorf("cmap directory truncated: %w", ErrFormat)
	}
	best, bestRank := -1, 0
	for i := 0; i < n; i++ {
		p := 4 + 8*i
		platform, encoding, off := u16(b, p), u16(b, p+2), int(u32(b, p+4))
		if off < 0 || off+2 > len(b) {
			continue
		}
		format := u16(b, off)
		rank := 0
		switch {
		case format == 12 && (platform == 3 && encoding == 10 || platform == 0):
			rank = 3
		case format == 4 && (platform == 3 && encoding == 1 || platform == 0):
			rank = 2
		case format == 4 && platform == 3 && encoding == 0:
			rank = 1
		}
		if rank > bestRank {
			best, bestRank = off, rank
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("no Unicode character map: %w", ErrFormat)
	}
	sub := b[best:]
	m := &charMap{sub: sub, numGlyphs: numGlyphs}
	switch u16(sub, 0) {
	case 4:
		if len(sub) < 14 {
			return nil, fmt.Errorf("cmap format 4 truncated: %w", ErrFormat)
		}
		segs := int(u16(sub, 6)) / 2
		endAt, startAt := 14, 16+2*segs
		deltaAt, rangeAt := startAt+2*segs, startAt+4*segs
		if len(sub) < rangeAt+2*segs {
			return nil, fmt.Errorf("cmap format 4 segments truncated: %w", ErrFormat)
		}
		for s := 0; s < segs; s++ {
			rg := cmapRange{end: int(u16(sub, endAt+2*s)), start: int(u16(sub, startAt+2*s)), delta: int(u16(sub, deltaAt+2*s))}
			if ro := int(u16(sub, rangeAt+2*s)); ro != 0 {
				rg.at = rangeAt + 2*s + ro
			}
			if rg.end == 0xFFFF {
				rg.end = 0xFFFE // 0xFFFF is the end marker, not a character
			}
			if rg.start <= rg.end {
				m.ranges = append(m.ranges, rg)
			}
		}
	case 12:
		if len(sub) < 16 {
			return nil, fmt.Errorf("cmap format 12 truncated: %w", ErrFormat)
		}
		groups := int(u32(sub, 12))
		if groups < 0 || groups > (len(sub)-16)/12 {
			return nil, fmt.Errorf("cmap format 12 groups truncated: %w", ErrFormat)
		}
		for i := 0; i < groups; i++ {
			p := 16 + 12*i
			rg := cmapRange{start: int(u32(sub, p)), end: int(u32(sub, p+4)), delta: int(u32(sub, p+8)), format12: true}
			if rg.end < rg.start || rg.end > 0x10FFFF {
				return nil, fmt.Errorf("cmap group %d..%d: %w", rg.start, rg.end, ErrFormat)
			}
			m.ranges = append(m.ranges, rg)
		}
	}
	return m, nil
}

// familyName returns the font family (name ID 1) in English, decoded from
// UTF-16BE (Windows) or Latin-1 (Macintosh) records.
func familyName(b []byte) string {
	if len(b) < 6 {
		return ""
	}
	n, strOff := int(u16(b, 2)), int(u16(b, 4))
	var mac string
	for i := 0; i < n; i++ {
		p := 6 + 12*i
		if p+12 > len(b) {
			break
		}
		platform, lang, id := u16(b, p), u16(b, p+4), u16(b, p+6)
		length, off := int(u16(b, p+8)), strOff+int(u16(b, p+10))
		if id != 1 || off+length > len(b) {
			continue
		}
		s := b[off : off+length]
		switch {
		case platform == 3 && lang == 0x409:
			u := make([]uint16, len(s)/2)
			for j := range u {
				u[j] = u16(s, 2*j)
			}
			return string(utf16.Decode(u))
		case platform == 1 && mac == "":
			r := make([]rune, len(s))
			for j, c := range s {
				r[j] = rune(c)
			}
			mac = string(r)
		}
	}
	return mac
}
