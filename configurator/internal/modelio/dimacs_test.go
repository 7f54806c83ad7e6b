package modelio

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

func bools(names ...string) []csp.Var {
	vs := make([]csp.Var, len(names))
	for i, n := range names {
		vs[i] = csp.Var{Name: n, Values: []string{"false", "true"}}
	}
	return vs
}

func TestReadDIMACS(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *csp.Model
	}{
		{
			name: "featureide names and clauses",
			in:   "c 1 Car\nc 2 Engine Type\nc 3 Towbar\np cnf 3 2\n1 0\n-3 2 0\n",
			want: &csp.Model{Vars: bools("Car", "Engine Type", "Towbar"), Constraints: []csp.Constraint{
				{Name: "clause 1", Text: "Car", Kind: csp.KindClause, Lits: []csp.Lit{{Var: 0, Val: 1}}},
				{Name: "clause 2", Text: "!Towbar | Engine Type", Kind: csp.KindClause, Lits: []csp.Lit{{Var: 2, Val: 1, Neg: true}, {Var: 1, Val: 1}}},
			}},
		},
		{
			name: "numbers when unnamed, clause over lines, comments between, CRLF",
			in:   "c a plain comment\r\np cnf 3 2\r\n1 -2\r\nc inside\r\n\r\n 3 0 -1 0\r\n",
			want: &csp.Model{Vars: bools("1", "2", "3"), Constraints: []csp.Constraint{
				{Name: "clause 1", Text: "1 | !2 | 3", Kind: csp.KindClause, Lits: []csp.Lit{{Var: 0, Val: 1}, {Var: 1, Val: 1, Neg: true}, {Var: 2, Val: 1}}},
				{Name: "clause 2", Text: "!1", Kind: csp.KindClause, Lits: []csp.Lit{{Var: 0, Val: 1, Neg: true}}},
			}},
		},
		{
			name: "empty clause, unused variable, satlib end marker",
			in:   "p cnf 2 1\n0\n%\n0\n",
			want: &csp.Model{Vars: bools("1", "2"), Constraints: []csp.Constraint{
				{Name: "clause 1", Kind: csp.KindClause, Lits: []csp.Lit{}},
			}},
		},
		{
			name: "name comment out of range is ignored, later name wins",
			in:   "c 9 Ghost\nc 1 First\nc 1 Second\np cnf 1 0\n",
			want: &csp.Model{Vars: bools("Second"), Constraints: []csp.Constraint{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ReadDIMACS(strings.NewReader(tt.in))
			require.NoError(t, err)
			for i := range m.Constraints {
				if len(m.Constraints[i].Lits) == 0 {
					m.Constraints[i].Lits = []csp.Lit{}
				}
			}
			assert.Equal(t, tt.want, m)
		})
	}
}

func TestReadDIMACSErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line, col int
		sentinel  error
		msg       string
	}{
		{"empty input", "", 1, 0, ErrSyntax, "missing problem line"},
		{"clause before header", "c x\n1 0\n", 2, 1, ErrSyntax, "clause before the problem line"},
		{"short header", "p cnf 3\n", 1, 1, ErrSyntax, "problem line must be"},
		{"not cnf", "p wcnf 3 1\n", 1, 3, ErrUnsupported, `problem format "wcnf"`},
		{"bad variable count", "p cnf x 1\n", 1, 7, ErrSyntax, `invalid variable count "x"`},
		{"negative clause count", "p cnf 2 -1\n", 1, 9, ErrSyntax, `invalid clause count "-1"`},
		{"second header", "p cnf 1 0\np cnf 1 0\n", 2, 1, ErrSyntax, "second problem line (first at line 1)"},
		{"literal out of range", "p cnf 2 1\n1\n  -3 0\n", 3, 3, ErrSyntax, "literal -3 out of range: 2 variables declared"},
		{"not a number", "p cnf 2 1\n1 x2 0\n", 2, 3, ErrSyntax, `invalid literal "x2"`},
		{"too many clauses", "p cnf 2 1\n1 0\n2 0\n", 3, 1, ErrSyntax, "more clauses than the 1 declared on line 1"},
		{"too few clauses", "p cnf 2 3\n1 0\n2 0\n", 3, 0, ErrSyntax, "found 2 clauses, the problem line (line 1) declares 3"},
		{"unterminated clause", "p cnf 2 1\n1 2\n", 2, 0, ErrSyntax, "clause starting on line 2 is not terminated by 0"},
		{"variable limit", "p cnf 2000000 0\n", 1, 7, ErrLimit, "2000000 variables exceed the limit of 1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadDIMACS(strings.NewReader(tt.in))
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T", err)
			assert.Equal(t, "dimacs", pe.Format)
			assert.Equal(t, tt.line, pe.Line, err.Error())
			assert.Equal(t, tt.col, pe.Column, err.Error())
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestReadDIMACSLimits(t *testing.T) {
	_, err := ReadDIMACSLimits(strings.NewReader("p cnf 3 1\n1 2 3 0\n"), Limits{MaxCells: 2})
	require.ErrorIs(t, err, ErrLimit)
	assert.Equal(t, "dimacs:2:5: more than 2 literals", err.Error())
	_, err = ReadDIMACSLimits(strings.NewReader("p cnf 3 5\n"), Limits{MaxConstraints: 4})
	require.ErrorIs(t, err, ErrLimit)
}
