package modelio

import (
	"errors"
	"fmt"
)

var (
	// ErrSyntax is wrapped by every error about input that does not follow
	// its format.
	ErrSyntax = errors.New("syntax error")
	// ErrUnsupported is wrapped by errors about well-formed input using a
	// construct the reader does not translate (UVL imports, typed or
	// arithmetic features, XCSP intensional or global constraints).
	ErrUnsupported = errors.New("unsupported construct")
	// ErrLimit is wrapped by errors about input exceeding the reader's
	// Limits.
	ErrLimit = errors.New("input exceeds limit")
	// ErrNotCNF is returned by CountCNF for a model it cannot count: a
	// variable whose domain does not have exactly two values, a table
	// constraint, or a literal with an out-of-range variable or value.
	ErrNotCNF = errors.New("model is not a boolean clause/cardinality model")
	// ErrBudgetExceeded is returned by CountCNF when counting needs more
	// search nodes than CountOptions.MaxNodes allows.
	ErrBudgetExceeded = errors.New("counting budget exceeded")
)

// ParseError reports malformed or unsupported input at a position.
type ParseError struct {
	// Format is "dimacs", "uvl" or "xcsp".
	Format string
	// Line and Column are 1-based. Column counts characters (a tab is one)
	// and is 0 when only the line is known.
	Line, Column int
	// Msg describes the problem.
	Msg string
	// Err is the sentinel the error wraps (ErrSyntax, ErrUnsupported or
	// ErrLimit), or an underlying cause such as a read error.
	Err error
}

func (e *ParseError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Format, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Format, e.Line, e.Msg)
}

// Unwrap returns the sentinel or cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Limits bounds what a reader accepts, so that untrusted input cannot make it
// allocate without bound. A zero field means the default.
type Limits struct {
	// MaxVars bounds the number of variables (features, DIMACS variables,
	// XCSP variables). Default 1<<20.
	MaxVars int
	// MaxConstraints bounds the number of constraints of the produced
	// model. Default 1<<22.
	MaxConstraints int
	// MaxCells bounds the total number of literals, tuple cells and domain
	// values. Default 1<<26.
	MaxCells int
	// MaxDepth bounds the nesting of UVL features and expressions.
	// Default 1000.
	MaxDepth int
}

func (l Limits) withDefaults() Limits {
	if l.MaxVars <= 0 {
		l.MaxVars = 1 << 20
	}
	if l.MaxConstraints <= 0 {
		l.MaxConstraints = 1 << 22
	}
	if l.MaxCells <= 0 {
		l.MaxCells = 1 << 26
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 1000
	}
	return l
}
