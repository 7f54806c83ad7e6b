package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWrap(t *testing.T) {
	// Every character is 1 wide, except ideographs and full-width
	// punctuation, which are 2.
	adv := func(r rune) float64 {
		if isCJK(r) {
			return 2
		}
		return 1
	}
	for _, tc := range []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "unit price", 10, []string{"unit price"}},
		{"breaks at spaces", "the quick brown fox", 10, []string{"the quick", "brown fox"}},
		{"spaces at a break are dropped", "aaaa    bbbb", 5, []string{"aaaa", "bbbb"}},
		{"a long word is cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"newlines end lines", "one\ntwo three", 20, []string{"one", "two three"}},
		{"an empty paragraph is an empty line", "a\n\nb", 20, []string{"a", "", "b"}},
		// 合同签订后支付 is 7 ideographs, 14 wide: 4 fit in 8.
		{"ideographs break anywhere", "合同签订后支付", 8, []string{"合同签订", "后支付"}},
		// A comma may not start a line: 签订 moves down with it.
		{"no break before a comma", "合同签，订后", 6, []string{"合同", "签，订", "后"}},
		// An opening bracket may not end a line, nor a closing one start it.
		{"no break after an opening bracket", "付款（预付）", 6, []string{"付款", "（预", "付）"}},
		{"Latin and ideographs", "Qty 数量 12,345.00", 9, []string{"Qty 数量", "12,345.00"}},
		{"numbers are not cut at commas", "¥1,234,567.00 合计", 14, []string{"¥1,234,567.00", "合计"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, wrapRunes(tc.text, tc.width, adv))
		})
	}
}

func TestBreakBetween(t *testing.T) {
	assert.True(t, breakBetween('合', '同'))
	assert.True(t, breakBetween('a', '合'))
	assert.True(t, breakBetween('合', 'a'))
	assert.False(t, breakBetween('a', 'b'))
	assert.True(t, breakBetween(' ', 'b'))
	assert.False(t, breakBetween('合', '。'))
	assert.False(t, breakBetween('「', '合'))
	assert.True(t, breakBetween('。', '合'))
}
