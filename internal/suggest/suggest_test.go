package suggest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"category", "categroy", 2}, {"flaw", "lawn", 2},
	} {
		assert.Equal(t, tt.want, Distance(tt.a, tt.b), "%s/%s", tt.a, tt.b)
		assert.Equal(t, tt.want, Distance(tt.b, tt.a), "symmetric")
	}
}

func TestClosest(t *testing.T) {
	names := []string{"category", "currency", "name", "unit"}
	assert.Equal(t, "category", Closest("categroy", names))
	assert.Equal(t, "currency", Closest("Curency", names), "case is ignored")
	assert.Equal(t, "", Closest("pricing", names), "too far from every name")
}
