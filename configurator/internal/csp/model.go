package csp

// Model is a finite-domain constraint model. Every variable's domain is the
// value indices 0..len(Values)-1; constraints refer to variables and values by
// index. A Model is plain data: importers and the catalog compiler build it,
// the engine compiles it.
type Model struct {
	Name        string
	Vars        []Var
	Constraints []Constraint
}

// Var is one variable of a model.
type Var struct {
	// Name identifies the variable to users (an attribute ID, an option ID,
	// a feature name, a DIMACS variable number).
	Name string
	// Values are the labels of the domain values, in domain order.
	Values []string
}

// Lit is a literal over a variable: Var = Val, or Var != Val when Neg.
type Lit struct {
	Var int
	Val int
	Neg bool
}

// Kind is the kind of a constraint.
type Kind uint8

const (
	// KindTable restricts the variables in Scope to the rows of Tuples
	// (supports), or, when Forbidden, to anything but those rows (conflicts).
	KindTable Kind = iota + 1
	// KindClause requires at least one of Lits to hold.
	KindClause
	// KindCardinality requires the number of Lits that hold to lie within
	// [Min, Max].
	KindCardinality
)

// Constraint is one constraint of a model.
type Constraint struct {
	// Name identifies the constraint in explanations (a catalog rule ID, a
	// clause number); Text is the human-readable reason shown to users.
	Name string
	Text string
	Kind Kind

	// Table constraints.
	Scope     []int
	Tuples    [][]int
	Forbidden bool

	// Clause and cardinality constraints.
	Lits     []Lit
	Min, Max int
}
