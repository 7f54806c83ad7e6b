package render

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/cpqkit/cpq/render/internal/sfnt"
)

// fontFace is a font read once: its single-face TrueType data and its
// metrics and character map.
type fontFace struct {
	name string
	ttf  []byte
	font *sfnt.Font
}

// pdfFonts are the faces of a renderer: regular, and bold (the regular face
// when no bold one was given).
type pdfFonts struct {
	regular, bold *fontFace
}

func loadFace(f FontFace, role string) (*fontFace, error) {
	ttf, err := sfnt.Face(f.Data, f.Index)
	if err != nil {
		return nil, fmt.Errorf("%s font: %w: %w", role, err, ErrInvalidConfig)
	}
	parsed, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("%s font: %w: %w", role, err, ErrInvalidConfig)
	}
	if parsed.Restricted {
		return nil, fmt.Errorf("%s font %q: its licence does not allow embedding: %w", role, parsed.Family, ErrInvalidConfig)
	}
	name := parsed.Family
	if name == "" {
		name = role
	}
	return &fontFace{name: name, ttf: ttf, font: parsed}, nil
}

func loadFonts(f Fonts) (*pdfFonts, error) {
	reg, err := loadFace(f.Regular, "regular")
	if err != nil {
		return nil, err
	}
	out := &pdfFonts{regular: reg, bold: reg}
	if len(f.Bold.Data) > 0 {
		if out.bold, err = loadFace(f.Bold, "bold"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// drawable maps a rune to the rune drawn for it: a space the font lacks
// (a no-break or narrow no-break space from locale formatting) is drawn as
// an ordinary space, a tab as a space, and other control characters not at
// all (-1).
func (f *fontFace) drawable(r rune) rune {
	switch {
	case r == '\t':
		return ' '
	case unicode.IsControl(r):
		return -1
	case unicode.Is(unicode.Zs, r) && !f.font.Has(r):
		return ' '
	}
	return r
}

// missingGlyphs checks that the face can draw every rune; the error names
// the characters it cannot.
func (f *fontFace) missingGlyphs(runes map[rune]bool) error {
	var missing []rune
	for r := range runes {
		if !f.font.Has(r) {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	var names []string
	for i, r := range missing {
		if i == 10 {
			names = append(names, fmt.Sprintf("and %d more", len(missing)-10))
			break
		}
		names = append(names, fmt.Sprintf("%q (U+%04X)", r, r))
	}
	return fmt.Errorf("font %q cannot draw %s: %w", f.name, strings.Join(names, ", "), ErrMissingGlyph)
}
