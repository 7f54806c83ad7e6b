package formula

import (
	"errors"
	"fmt"

	"github.com/cpqkit/cpq/money"
)

// Code is the stable identifier of a kind of compile error. Tools and
// catalogs may branch on it; the message may change between releases.
type Code string

// Compile error codes.
const (
	// CodeSyntax: the source does not parse, or a number literal is invalid.
	CodeSyntax Code = "formula.syntax"
	// CodeUnknownName: a name is neither a schema variable nor an object.
	CodeUnknownName Code = "formula.unknown-name"
	// CodeUnknownMember: an object has no member of that name.
	CodeUnknownMember Code = "formula.unknown-member"
	// CodeUnknownFunction: no built-in or host function has that name.
	CodeUnknownFunction Code = "formula.unknown-function"
	// CodeUnknownTable: lookup names a table that Options.Tables lacks.
	CodeUnknownTable Code = "formula.unknown-table"
	// CodeType: an operand, argument or result has the wrong type.
	CodeType Code = "formula.type"
	// CodeArity: a function is called with the wrong number of arguments.
	CodeArity Code = "formula.arity"
	// CodeArgument: a constant argument is invalid, such as an unknown
	// rounding mode, an impossible date or a table name that is not a
	// string literal.
	CodeArgument Code = "formula.argument"
	// CodeUnsupported: the construct exists in the underlying expression
	// syntax but not in formulas (closures, maps, ranges, nil, …).
	CodeUnsupported Code = "formula.unsupported"
	// CodeTooLarge: the source is longer than MaxSourceLen, nests deeper
	// than MaxDepth, or has more nodes than the node limit.
	CodeTooLarge Code = "formula.too-large"
)

// Error is a compile error. Line and Column are 1-based and count Unicode
// code points within the formula source; a catalog loader adds them to the
// position of the formula in its file.
type Error struct {
	Rule    string // Options.Name, if any
	Code    Code
	Line    int
	Column  int
	Message string // lower case, without position
}

func (e *Error) Error() string {
	if e.Rule != "" {
		return fmt.Sprintf("rule %q: %d:%d: %s", e.Rule, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message)
}

// Sentinel errors of evaluation. An *EvalError wraps one of them (or the
// error of a host function); test with errors.Is.
var (
	// ErrDivisionByZero: a division or remainder by zero. It is the same
	// value as money.ErrDivisionByZero.
	ErrDivisionByZero = money.ErrDivisionByZero
	// ErrNoRow: a lookup table has no row for the keys.
	ErrNoRow = errors.New("no row in lookup table")
	// ErrMissingValue: a variable the formula needs is absent from Vars or
	// nil, or every argument of coalesce is.
	ErrMissingValue = errors.New("missing value")
	// ErrValueType: a value in Vars, a table or a host function result does
	// not have the declared type (a float64 for a decimal, for one).
	ErrValueType = errors.New("value of the wrong type")
	// ErrBadArgument: a function got an argument it cannot work with, such
	// as a fractional number of days, an unknown rounding mode or an
	// impossible date.
	ErrBadArgument = errors.New("bad argument")
	// ErrTooLarge: a value outgrew the evaluation limits (see doc).
	ErrTooLarge = errors.New("value too large")
	// ErrResultType: EvalDecimal, EvalBool… was called on a program with
	// another result type.
	ErrResultType = errors.New("program has another result type")
)

// EvalError is a runtime error of one evaluation. It names the rule and the
// position in the source of the operation that failed.
type EvalError struct {
	Rule   string // Options.Name, if any
	Line   int    // 1-based; 0 if unknown
	Column int    // 1-based; 0 if unknown
	Err    error
}

func (e *EvalError) Error() string {
	pos := ""
	if e.Line > 0 {
		pos = fmt.Sprintf(" at %d:%d", e.Line, e.Column)
	}
	if e.Rule != "" {
		return fmt.Sprintf("rule %q%s: %v", e.Rule, pos, e.Err)
	}
	if pos != "" {
		return fmt.Sprintf("formula%s: %v", pos, e.Err)
	}
	return fmt.Sprintf("formula: %v", e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }
