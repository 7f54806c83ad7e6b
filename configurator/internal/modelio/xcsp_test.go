package modelio

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

func readXCSPFile(t *testing.T, name string) *csp.Model {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	m, err := ReadXCSP(f)
	require.NoError(t, err)
	return m
}

func TestReadXCSPQueens(t *testing.T) {
	m := readXCSPFile(t, "queens4.xml")
	assert.Equal(t, "queens-4", m.Name)
	require.Len(t, m.Vars, 4)
	assert.Equal(t, csp.Var{Name: "Q2", Values: []string{"1", "2", "3", "4"}}, m.Vars[2])
	require.Len(t, m.Constraints, 6)
	// 4-queens has exactly two solutions: (2,4,1,3) and (3,1,4,2).
	assert.Equal(t, int64(2), bruteCount(m))
	// and the solutions are those: value index = row - 1
	sol := []int{1, 3, 0, 2}
	assert.True(t, satisfied(m, sol))
	assert.True(t, satisfied(m, []int{2, 0, 3, 1}))
	assert.False(t, satisfied(m, []int{0, 2, 1, 3}))
}

func TestReadXCSPCar(t *testing.T) {
	m := readXCSPFile(t, "car.xml")
	assert.Equal(t, &csp.Model{
		Name: "tiny car",
		Vars: []csp.Var{
			{Name: "engine", Values: []string{"1", "2", "3"}},
			{Name: "gearbox", Values: []string{"1", "2"}},
			{Name: "battery", Values: []string{"0", "40", "60", "80"}},
			{Name: "towbar", Values: []string{"0", "1"}},
		},
		Constraints: []csp.Constraint{
			{Name: "battery", Text: "engineBattery over engine, battery (supports)", Kind: csp.KindTable, Scope: []int{0, 2},
				Tuples: [][]int{{0, 0}, {1, 0}, {2, 1}, {2, 2}, {2, 3}}},
			{Name: "gearbox", Text: "electricNeedsAuto over engine, gearbox (conflicts)", Kind: csp.KindTable, Scope: []int{0, 1},
				Tuples: [][]int{{2, 0}}, Forbidden: true},
			{Name: "towing", Text: "smallBatteryNoTowbar over battery, towbar (conflicts)", Kind: csp.KindTable, Scope: []int{2, 3},
				Tuples: [][]int{{1, 1}}, Forbidden: true},
		},
	}, m)
	// petrol 4 + diesel 4 + electric (60 or 80 with or without towbar, 40 without) 5
	assert.Equal(t, int64(13), bruteCount(m))
}

const xcspHead = `<instance>
<domains nbDomains="1"><domain name="D" nbValues="2">0 1</domain></domains>
<variables nbVariables="2"><variable name="X" domain="D"/><variable name="Y" domain="D"/></variables>
`

func TestReadXCSPSharesMappedTuples(t *testing.T) {
	src := xcspHead + `<relations><relation name="NE" arity="2" nbTuples="2" semantics="supports">0 1|1 0</relation></relations>
<constraints><constraint name="A" arity="2" scope="X Y" reference="NE"/><constraint name="B" arity="2" scope="Y X" reference="NE"/></constraints>
</instance>`
	m, err := ReadXCSP(strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, m.Constraints, 2)
	assert.Equal(t, [][]int{{0, 1}, {1, 0}}, m.Constraints[0].Tuples)
	assert.Same(t, &m.Constraints[0].Tuples[0], &m.Constraints[1].Tuples[0])
	assert.Equal(t, int64(2), bruteCount(m))
}

func TestReadXCSPErrors(t *testing.T) {
	rel := `<relations><relation name="R" arity="2" nbTuples="1" semantics="supports">0 1</relation></relations>
`
	tests := []struct {
		name      string
		src       string
		line, col int
		sentinel  error
		msg       string
	}{
		{"empty", "", 1, 0, ErrSyntax, "missing <instance>"},
		{"wrong root", "<csp/>", 1, 1, ErrSyntax, "root element <csp>, want <instance>"},
		{"malformed xml", "<instance>\n<domains>\n</instance>", 3, 0, ErrSyntax, "element <domains> closed by </instance>"},
		{"unterminated", "<instance>\n<domains>", 2, 0, ErrSyntax, "unexpected EOF"},
		{"predicates", "<instance>\n  <predicates nbPredicates=\"0\"/>\n</instance>", 2, 3, ErrUnsupported, "intensional constraints (<predicates>) are not supported"},
		{"bad domain value", "<instance>\n<domains><domain name=\"D\">1 x</domain></domains></instance>", 2, 10, ErrSyntax, `domain "D": invalid value "x"`},
		{"bad range", "<instance>\n<domains><domain name=\"D\">5..1</domain></domains></instance>", 2, 10, ErrSyntax, `domain "D": invalid range "5..1"`},
		{"nbValues mismatch", "<instance>\n<domains><domain name=\"D\" nbValues=\"3\">1..2</domain></domains></instance>", 2, 10, ErrSyntax, `domain "D" has 2 values, nbValues says 3`},
		{"unknown domain", "<instance>\n<variables>\n<variable name=\"X\" domain=\"Z\"/></variables></instance>", 3, 1, ErrSyntax, `variable "X": unknown domain "Z"`},
		{"tuple arity", xcspHead + `<relations><relation name="R" arity="2" nbTuples="1" semantics="supports">0 1 1</relation></relations></instance>`, 4, 12, ErrSyntax, `relation "R": tuple 1 has more than 2 values`},
		{"nbTuples mismatch", xcspHead + `<relations><relation name="R" arity="2" nbTuples="2" semantics="supports">0 1</relation></relations></instance>`, 4, 12, ErrSyntax, `relation "R" has 1 tuples, nbTuples says 2`},
		{"semantics", xcspHead + `<relations><relation name="R" arity="1" semantics="maybe">0</relation></relations></instance>`, 4, 12, ErrSyntax, `semantics "maybe"`},
		{"soft", xcspHead + `<relations><relation name="R" arity="1" semantics="soft">0</relation></relations></instance>`, 4, 12, ErrUnsupported, "soft relations are not supported"},
		{"unknown relation", xcspHead + rel + `<constraints><constraint name="C" arity="2" scope="X Y" reference="Q"/></constraints></instance>`, 5, 14, ErrSyntax, `constraint "C": unknown relation "Q"`},
		{"unknown variable", xcspHead + rel + `<constraints><constraint name="C" arity="2" scope="X Z" reference="R"/></constraints></instance>`, 5, 14, ErrSyntax, `constraint "C": unknown variable "Z"`},
		{"scope arity", xcspHead + rel + `<constraints><constraint name="C" arity="1" scope="X" reference="R"/></constraints></instance>`, 5, 14, ErrSyntax, `constraint "C": 1 variables in scope, relation "R" has arity 2`},
		{"global", xcspHead + `<constraints><constraint name="C" arity="2" scope="X Y" reference="global:allDifferent"/></constraints></instance>`, 4, 14, ErrUnsupported, "global constraint"},
		{"intensional parameters", xcspHead + `<constraints><constraint name="C" arity="2" scope="X Y" reference="P">
<parameters>X Y</parameters></constraint></constraints></instance>`, 5, 1, ErrUnsupported, "intensional constraints (<parameters>)"},
		{"count mismatch", "<instance>\n<variables nbVariables=\"2\"></variables></instance>", 2, 1, ErrSyntax, "<variables> holds 0, its count attribute says 2"},
		{"duplicate variable", xcspHead + `<variables/></instance>`, 4, 1, ErrSyntax, "second <variables>"},
		{"undeclared charset", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<instance/>", 1, 0, ErrSyntax, "encoding \"ISO-8859-1\" declared but Decoder.CharsetReader is nil"},
		{"misplaced element", "<instance><domain name=\"D\">1</domain></instance>", 1, 11, ErrSyntax, "unexpected <domain> inside <instance>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadXCSP(strings.NewReader(tt.src))
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T %v", err, err)
			assert.Equal(t, "xcsp", pe.Format)
			assert.Equal(t, tt.line, pe.Line, err.Error())
			assert.Equal(t, tt.col, pe.Column, err.Error())
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadXCSPReadError(t *testing.T) {
	_, err := ReadXCSP(failingReader{})
	require.EqualError(t, err, "xcsp: read: disk on fire")
	var pe *ParseError
	assert.False(t, errors.As(err, &pe), "a read failure is not a parse error")
}

func TestReadXCSPLimits(t *testing.T) {
	_, err := ReadXCSPLimits(strings.NewReader("<instance><domains><domain name=\"D\">0..100000000000</domain></domains></instance>"), Limits{})
	require.ErrorIs(t, err, ErrLimit)
	_, err = ReadXCSPLimits(strings.NewReader(xcspHead+"</instance>"), Limits{MaxVars: 1})
	require.ErrorIs(t, err, ErrLimit)
}
