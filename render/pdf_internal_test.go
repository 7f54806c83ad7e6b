package render

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render/internal/sfnt"
)

// A font that lacks ¥ cannot render a quote in yuan: the error names the
// sign before anything is drawn.
func TestMissingYenSign(t *testing.T) {
	ttc, err := os.ReadFile("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
	if os.IsNotExist(err) {
		t.Skip("fonts-wqy-microhei is not installed (Debian: apt-get install fonts-wqy-microhei); skipping")
	}
	require.NoError(t, err)
	ttf, err := sfnt.Face(ttc, 0)
	require.NoError(t, err)
	full, err := sfnt.Parse(ttf)
	require.NoError(t, err)
	// Printable ASCII and the few other characters of the English
	// quote; no ¥.
	var runes []rune
	for r := rune(0x20); r < 0x7f; r++ {
		runes = append(runes, r)
	}
	runes = append(runes, []rune("€–·×•ß")...)
	latin, err := full.Subset(runes)
	require.NoError(t, err)

	b, err := os.ReadFile(filepath.Join("testdata", "quote-en.json"))
	require.NoError(t, err)
	var q quote.Quote
	require.NoError(t, json.Unmarshal(b, &q))
	r, err := New(Config{Fonts: Fonts{Regular: FontFace{Data: latin}}})
	require.NoError(t, err)

	var out bytes.Buffer
	require.NoError(t, r.PDF(context.Background(), &out, &q, Options{}), "the euro quote renders")

	q.Header.Currency = "CNY"
	out.Reset()
	err = r.PDF(context.Background(), &out, &q, Options{Locale: "zh-CN"})
	require.ErrorIs(t, err, ErrMissingGlyph)
	assert.EqualError(t, err, `font "WenQuanYi Micro Hei" cannot draw '¥' (U+00A5): font lacks characters the document needs`)
	assert.Zero(t, out.Len())
}
