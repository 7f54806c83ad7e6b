package sfnt

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The collection the tests read: Debian's fonts-wqy-microhei (Apache 2.0).
const wqyPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func readCollection(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(wqyPath)
	if os.IsNotExist(err) {
		t.Skipf("%s is not installed (Debian: apt-get install fonts-wqy-microhei); skipping", wqyPath)
	}
	require.NoError(t, err)
	return b
}

func TestFacesOfACollection(t *testing.T) {
	ttc := readCollection(t)
	require.True(t, IsCollection(ttc))
	n, err := NumFaces(ttc)
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	for i, family := range []string{"WenQuanYi Micro Hei", "WenQuanYi Micro Hei Mono"} {
		ttf, err := Face(ttc, i)
		require.NoError(t, err)
		assert.False(t, IsCollection(ttf))
		assert.Equal(t, uint32(0x00010000), binary.BigEndian.Uint32(ttf))
		// The whole file sums to the magic number TrueType prescribes,
		// so head.checkSumAdjustment was recomputed.
		assert.Equal(t, uint32(0xB1B0AFBA), checksum(ttf), "face %d", i)
		f, err := Parse(ttf)
		require.NoError(t, err)
		assert.Equal(t, family, f.Family)
		for _, r := range "报价单¥€$Aa" {
			assert.True(t, f.Has(r), "%q", r)
		}
	}
	_, err = Face(ttc, 2)
	assert.ErrorIs(t, err, ErrFormat)
	_, err = Parse(ttc)
	assert.ErrorIs(t, err, ErrFormat)
}

func TestMetrics(t *testing.T) {
	ttf, err := Face(readCollection(t), 1)
	require.NoError(t, err)
	f, err := Parse(ttf)
	require.NoError(t, err)
	// The Mono face: every Latin character has one advance (narrower
	// than an em), every ideograph a full em.
	assert.Equal(t, 2048, f.UnitsPerEm)
	for _, r := range "iW.0" {
		assert.Equal(t, f.Advance('A'), f.Advance(r), "%q", r)
	}
	assert.Less(t, f.Advance('A'), 2048)
	assert.Equal(t, 2048, f.Advance('报'))
	assert.False(t, f.Has('\U0001F600'))
}

func TestSubset(t *testing.T) {
	ttf, err := Face(readCollection(t), 0)
	require.NoError(t, err)
	f, err := Parse(ttf)
	require.NoError(t, err)
	runes := []rune("报价单 Qty ¥1,234.56")
	sub, err := f.Subset(runes)
	require.NoError(t, err)
	assert.Less(t, len(sub), len(ttf)/100, "a subset of a few glyphs is a small fraction of the font")
	assert.Equal(t, uint32(0xB1B0AFBA), checksum(sub))

	s, err := Parse(sub)
	require.NoError(t, err)
	assert.Equal(t, f.Family, s.Family)
	assert.Equal(t, f.UnitsPerEm, s.UnitsPerEm)
	assert.Equal(t, f.Ascent, s.Ascent)
	distinct := map[rune]bool{}
	for _, r := range runes {
		distinct[r] = true
		assert.True(t, s.Has(r), "%q", r)
		assert.Equal(t, f.Advance(r), s.Advance(r), "advance of %q", r)
	}
	mapped := 0
	for r := rune(0); r <= 0xFFFF; r++ {
		if s.Has(r) {
			mapped++
		}
	}
	assert.Equal(t, len(distinct), mapped, "the subset maps exactly the runes asked for")
	assert.False(t, s.Has('合'))
	// Glyphs are renumbered from 1 (0 is .notdef): as many glyphs as
	// distinct runes, plus .notdef, plus any composite components.
	assert.GreaterOrEqual(t, len(s.advances), len(distinct)+1)
	assert.Less(t, len(s.advances), len(distinct)+10)
}

func TestSubsetBeyondTheBMP(t *testing.T) {
	ttf, err := Face(readCollection(t), 0)
	require.NoError(t, err)
	f, err := Parse(ttf)
	require.NoError(t, err)
	// A rune the font lacks is left out, and no format 12 subtable is
	// needed for BMP runes alone.
	sub, err := f.Subset([]rune{'A', '\U0001F600'})
	require.NoError(t, err)
	s, err := Parse(sub)
	require.NoError(t, err)
	assert.True(t, s.Has('A'))
	assert.False(t, s.Has('\U0001F600'))
}

func TestRefusesWhatItCannotRead(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("hello, not a font at all"),
		"cff":       append([]byte("OTTO"), make([]byte, 20)...),
		"truncated": {0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0},
	} {
		_, err := Parse(data)
		assert.Error(t, err, name)
		if name == "cff" {
			assert.ErrorIs(t, err, ErrCFF)
		} else {
			assert.ErrorIs(t, err, ErrFormat, name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("OTTO\x00\x01"))
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 'c', 'm', 'a', 'p', 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 4, 0, 0, 0, 0})
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"))
	if b, err := os.ReadFile(wqyPath); err == nil {
		if ttf, err := Face(b, 0); err == nil {
			if p, err := Parse(ttf); err == nil {
				if sub, err := p.Subset([]rune("Ab报")); err == nil {
					f.Add(sub)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := NumFaces(data); err == nil && n < 4 {
			for i := range n {
				_, _ = Face(data, i)
			}
		}
		font, err := Parse(data)
		if err != nil {
			return
		}
		_ = font.Advance('A')
		_, _ = font.Subset([]rune("Ab报"))
	})
}
