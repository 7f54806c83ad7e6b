package yamlpos

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type line struct {
	Product  string          `yaml:"product"`
	Quantity decimal.Decimal `yaml:"quantity"`
	Pos      Pos             `yaml:"-"`
}

type order struct {
	Name  string         `yaml:"name"`
	Lines []line         `yaml:"lines"`
	Tags  map[string]int `yaml:"tags"`
	Rush  bool           `yaml:"rush"`
}

func TestDecodeCollectsEveryProblem(t *testing.T) {
	src := "name: o1\nlines:\n  - product: A\n    quantity: 2.50\n  - product: B\n    quantiy: 3\n    quantity: x\nrush: yes\ntags: {a: 1, a: 2}\n"
	var o order
	d := Decode([]byte(src), "o.yaml", "quote", &o)
	type p struct {
		line, col  int
		code, path string
	}
	var got []p
	for _, pr := range d.Problems {
		got = append(got, p{pr.Pos.Line, pr.Pos.Column, pr.Code, pr.Path})
	}
	assert.Equal(t, []p{
		{6, 5, "quote.unknown-key", "lines[1].quantiy"},
		{7, 15, "quote.type", "lines[1].quantity"},
		{8, 7, "quote.type", "rush"},
		{9, 14, "quote.duplicate-key", "tags.a"},
	}, got)
	assert.Contains(t, d.Problems[0].Message, `did you mean "quantity"?`)
	require.Len(t, o.Lines, 2)
	assert.Equal(t, "2.5", o.Lines[0].Quantity.String())
	assert.Equal(t, Pos{File: "o.yaml", Line: 3, Column: 5}, o.Lines[0].Pos)
	assert.Equal(t, Pos{File: "o.yaml", Line: 4, Column: 15}, d.At("lines[0].quantity"))
	assert.Equal(t, Pos{File: "o.yaml", Line: 5, Column: 5}, d.At("lines[1].missing"), "falls back to the parent")
}

func TestDecodeSyntaxError(t *testing.T) {
	var o order
	d := Decode([]byte("name: [\n"), "o.yaml", "quote", &o)
	require.Len(t, d.Problems, 1)
	assert.Equal(t, "quote.syntax", d.Problems[0].Code)
	assert.True(t, d.SyntaxOnly())
}

func TestDecodeJSON(t *testing.T) {
	var o order
	d := Decode([]byte(`{"name": "j", "lines": [{"product": "A", "quantity": 1}], "rush": true}`), "o.json", "quote", &o)
	assert.Empty(t, d.Problems)
	assert.True(t, o.Rush)
	assert.Equal(t, 1, o.Lines[0].Pos.Line)
}
