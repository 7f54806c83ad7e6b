// Package modelio reads published configuration-model formats into the plain
// csp.Model of the constraint engine, and counts the valid configurations of
// boolean models exactly.
//
// Three readers are provided:
//
//   - ReadDIMACS reads a DIMACS CNF file. Each DIMACS variable becomes a
//     boolean variable (values "false", "true"; value index 1 is true) and
//     each clause a clause constraint named "clause N". FeatureIDE-style
//     comments "c 7 FeatureName" name the variables.
//   - ReadUVL reads a feature model in the Universal Variability Language and
//     encodes it into boolean variables, clauses and cardinality
//     constraints. The result is a FeatureModel: its first len(Features)
//     variables are the features, in declaration order; any further
//     variables are auxiliary (introduced by the Tseitin transformation of
//     cross-tree constraints and by group cardinalities with a lower bound
//     above one). Every auxiliary variable is defined by an equivalence over
//     the features, so each valid feature selection extends to exactly one
//     solution of the model: counting solutions over all variables counts
//     valid feature selections.
//   - ReadXCSP reads the extensional part of XCSP 2.1 (domains, variables,
//     relations given as supports or conflicts, and constraints referring to
//     them) into table constraints.
//
// CountCNF counts the solutions of a model made of boolean variables, clause
// and cardinality constraints (what ReadDIMACS and ReadUVL produce) with an
// exact #SAT procedure: DPLL with unit propagation, decomposition into
// independent components and a cache of component counts. Counting can be
// conditioned on assumed literals and is bounded by a node budget.
//
// The readers never open files: they take an io.Reader. Malformed input is
// reported as a *ParseError carrying the line and column; it wraps ErrSyntax,
// ErrUnsupported (valid input using a construct this package does not
// translate) or ErrLimit (input larger than the reader's Limits).
package modelio
