package render

import (
	"strings"
	"unicode"
)

// Line breaking. Text breaks after spaces, and between two characters when
// either is a CJK ideograph, kana, hangul or full-width form — except
// before closing punctuation (，。、）」 … and their ASCII kin) and after
// opening punctuation (（「 …), the basic rules of Chinese and Japanese
// typesetting. A word wider than the line is cut between characters.

func isCJK(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return true
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF:
		return true
	}
	return false
}

const (
	noBreakBefore = "，。、．：；？！）」』】〕〉》〗〙〛”’ー…‥・々〻,.;:!?)]}%"
	noBreakAfter  = "（「『【〔〈《〖〘〚“‘([{"
)

// breakBetween reports whether a line may break between a and b.
func breakBetween(a, b rune) bool {
	if a == ' ' {
		return b != ' '
	}
	if b == ' ' || strings.ContainsRune(noBreakBefore, b) || strings.ContainsRune(noBreakAfter, a) {
		return false
	}
	return isCJK(a) || isCJK(b)
}

// wrapRunes breaks text into lines no wider than width, measuring each rune
// with adv. Newlines end lines; spaces at a break are dropped.
func wrapRunes(text string, width float64, adv func(rune) float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapParagraph([]rune(para), width, adv)...)
	}
	return out
}

func wrapParagraph(rs []rune, width float64, adv func(rune) float64) []string {
	if len(rs) == 0 {
		return []string{""}
	}
	var out []string
	start := 0
	for start < len(rs) {
		// Skip the spaces a break left at the start of the line.
		for start < len(rs) && rs[start] == ' ' && len(out) > 0 {
			start++
		}
		if start == len(rs) {
			break
		}
		w := 0.0
		lastBreak := -1 // a line may end before rs[lastBreak]
		end := start
		for end < len(rs) {
			if end > start && breakBetween(rs[end-1], rs[end]) {
				lastBreak = end
			}
			cw := adv(rs[end])
			if w+cw > width && end > start && rs[end] != ' ' {
				break
			}
			w += cw
			end++
		}
		if end < len(rs) && lastBreak > start {
			end = lastBreak
		}
		out = append(out, strings.TrimRight(string(rs[start:end]), " "))
		start = end
	}
	return out
}
