package csp

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func twoVars() []Var {
	return []Var{
		{Name: "engine", Values: []string{"petrol", "diesel", "electric"}},
		{Name: "gearbox", Values: []string{"manual", "automatic"}},
	}
}

func TestCompileRejectsInvalidModels(t *testing.T) {
	tests := []struct {
		name       string
		model      Model
		constraint int
		wantMsg    string
	}{
		{
			name:       "empty domain",
			model:      Model{Vars: []Var{{Name: "colour"}}},
			constraint: -1,
			wantMsg:    `variable 0 ("colour"): empty domain`,
		},
		{
			name: "unknown kind",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Name: "R1", Kind: 9}}},
			wantMsg: `constraint 0 ("R1"): unknown kind 9`,
		},
		{
			name: "scope out of range",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Name: "R1", Kind: KindTable, Scope: []int{0, 2}, Tuples: [][]int{{0, 0}}}}},
			wantMsg: `constraint 0 ("R1"): scope variable 2 out of range [0,2)`,
		},
		{
			name: "arity mismatch",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Name: "ok", Kind: KindClause, Lits: []Lit{{Var: 0, Val: 1}}},
				{Name: "R2", Kind: KindTable, Scope: []int{0, 1}, Tuples: [][]int{{0, 0}, {1}}}}},
			constraint: 1,
			wantMsg:    `constraint 1 ("R2"): row 1 has 1 values, scope has 2 variables`,
		},
		{
			name: "row value out of range",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Name: "R1", Kind: KindTable, Scope: []int{0, 1}, Tuples: [][]int{{0, 2}}}}},
			wantMsg: `constraint 0 ("R1"): row 0: value 2 out of range for variable 1 (2 values)`,
		},
		{
			name: "literal variable out of range",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Kind: KindClause, Lits: []Lit{{Var: -1, Val: 0}}}}},
			wantMsg: `constraint 0: literal variable -1 out of range [0,2)`,
		},
		{
			name: "literal value out of range",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Name: "C", Kind: KindCardinality, Lits: []Lit{{Var: 1, Val: 5}}, Max: 1}}},
			wantMsg: `constraint 0 ("C"): literal value 5 out of range for variable 1 (2 values)`,
		},
		{
			name: "cardinality bounds",
			model: Model{Vars: twoVars(), Constraints: []Constraint{
				{Name: "C", Kind: KindCardinality, Lits: []Lit{{Var: 1, Val: 1}}, Min: 2, Max: 1}}},
			wantMsg: `constraint 0 ("C"): cardinality bounds [2,1] are not 0 <= min <= max`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(&tt.model)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidModel)
			var me *ModelError
			require.True(t, errors.As(err, &me))
			assert.Equal(t, tt.constraint, me.Constraint)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
	_, err := Compile(nil)
	assert.ErrorIs(t, err, ErrInvalidModel)
}

func TestCompileCopiesTheModel(t *testing.T) {
	m := &Model{Vars: twoVars(), Constraints: []Constraint{
		{Name: "no diesel automatic", Kind: KindTable, Forbidden: true, Scope: []int{0, 1}, Tuples: [][]int{{1, 1}}}}}
	c, err := Compile(m)
	require.NoError(t, err)
	m.Vars[0].Values[0] = "changed"
	m.Constraints[0].Tuples[0][1] = 0
	assert.Equal(t, "petrol", c.Var(0).Values[0])
	s := NewSession(c)
	require.NoError(t, s.Assign(0, 1))
	doms, err := s.ValidDomains()
	require.NoError(t, err)
	assert.Equal(t, [][]int{{1}, {0}}, doms)
}

func TestSessionRejectsUnknownValues(t *testing.T) {
	c, err := Compile(&Model{Vars: twoVars()})
	require.NoError(t, err)
	s := NewSession(c)
	assert.ErrorIs(t, s.Assign(2, 0), ErrOutOfRange)
	assert.ErrorIs(t, s.Assign(0, 3), ErrOutOfRange)
	assert.ErrorIs(t, s.SetChoices([]Choice{{Var: 1, Val: -1}}), ErrOutOfRange)
	_, err = s.Explain(0, 7)
	assert.ErrorIs(t, err, ErrOutOfRange)
	_, err = c.Redundant(1)
	assert.ErrorIs(t, err, ErrOutOfRange)
	s.Unassign(99) // ignored
	assert.Empty(t, s.Choices())
}

func TestUnsatisfiableModel(t *testing.T) {
	m := &Model{Vars: twoVars(), Constraints: []Constraint{
		{Name: "needs diesel", Kind: KindClause, Lits: []Lit{{Var: 0, Val: 1}}},
		{Name: "no diesel", Kind: KindClause, Lits: []Lit{{Var: 0, Val: 1, Neg: true}}},
	}}
	c, err := Compile(m)
	require.NoError(t, err)
	assert.False(t, c.Satisfiable())
	assert.Len(t, c.DeadValues(), 5)
	assert.Empty(t, c.ForcedValues())
	s := NewSession(c)
	_, err = s.ValidDomains()
	assert.ErrorIs(t, err, ErrInconsistent)
	n, err := s.Count(0)
	require.NoError(t, err)
	assert.Zero(t, n.Sign())
	_, err = s.Complete(Preference{})
	assert.ErrorIs(t, err, ErrInconsistent)
	x, err := s.Explain(0, 1)
	require.NoError(t, err)
	assert.Empty(t, x.Choices)
	assert.Equal(t, []int{1}, x.Constraints)
}

func TestExplainNamesChoicesAndRules(t *testing.T) {
	// electric -> automatic; automatic -> not (towbar)
	m := &Model{
		Vars: append(twoVars(), Var{Name: "towbar", Values: []string{"no", "yes"}}),
		Constraints: []Constraint{
			{Name: "E1", Text: "electric cars are automatic", Kind: KindClause,
				Lits: []Lit{{Var: 0, Val: 2, Neg: true}, {Var: 1, Val: 1}}},
			{Name: "T1", Text: "automatic cars have no towbar", Kind: KindClause,
				Lits: []Lit{{Var: 1, Val: 1, Neg: true}, {Var: 2, Val: 0}}},
		},
	}
	c, err := Compile(m)
	require.NoError(t, err)
	s := NewSession(c)
	require.NoError(t, s.Assign(0, 2)) // electric
	doms, err := s.ValidDomains()
	require.NoError(t, err)
	assert.Equal(t, [][]int{{2}, {1}, {0}}, doms)
	x, err := s.Explain(2, 1) // why no towbar?
	require.NoError(t, err)
	assert.Equal(t, []Choice{{Var: 0, Val: 2}}, x.Choices)
	assert.Equal(t, []int{0, 1}, x.Constraints)
	assert.True(t, x.Minimal)
	_, err = s.Explain(2, 0)
	assert.ErrorIs(t, err, ErrValueAvailable)

	require.NoError(t, s.Assign(2, 1)) // the user insists on a towbar
	assert.False(t, s.Consistent())
	drop, err := s.Conflicts()
	require.NoError(t, err)
	assert.Len(t, drop, 1)
}
