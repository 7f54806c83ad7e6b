package render

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFill(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Page {n} of {m}", "Page 3 of 12"},
		{"第 {n} 页，共 {m} 页", "第 3 页，共 12 页"},
		{"{n}{n}", "33"},
		{"no placeholders", "no placeholders"},
		{"{unknown} stays", "{unknown} stays"},
		{"open { brace", "open { brace"},
		{"{n", "{n"},
	} {
		assert.Equal(t, tc.want, fill(tc.in, "n", "3", "m", "12"), tc.in)
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, "2 March 2026", builtin["en"].date(d))
	assert.Equal(t, "2026年3月2日", builtin["zh-CN"].date(d))
	assert.Equal(t, "02.03.2026", Labels{"date_format": "{day2}.{month2}.{year}"}.date(d))
	assert.Equal(t, "", builtin["en"].date(time.Time{}))
}
