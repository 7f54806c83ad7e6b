package csp

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidModel is wrapped by every error Compile returns for a model
	// that breaks the rules of Model (see *ModelError for the detail).
	ErrInvalidModel = errors.New("invalid model")
	// ErrInconsistent reports that the current choices cannot be extended to
	// any solution (or that the model has no solution at all). Conflicts
	// names a minimal set of choices to drop.
	ErrInconsistent = errors.New("choices are inconsistent")
	// ErrBudgetExceeded reports that a bounded computation (Count) gave up
	// before reaching an exact answer.
	ErrBudgetExceeded = errors.New("budget exceeded")
	// ErrValueAvailable reports that Explain was asked why a value is not
	// available while it is available.
	ErrValueAvailable = errors.New("value is available")
	// ErrOutOfRange reports a variable, value or constraint index outside
	// the model.
	ErrOutOfRange = errors.New("index out of range")
)

// ModelError describes one problem Compile found in a model. Constraint and
// Var are -1 when not applicable.
type ModelError struct {
	Constraint int
	Name       string // the constraint's (or variable's) name, if any
	Var        int
	Msg        string
}

func (e *ModelError) Error() string {
	switch {
	case e.Constraint >= 0 && e.Name != "":
		return fmt.Sprintf("constraint %d (%q): %s", e.Constraint, e.Name, e.Msg)
	case e.Constraint >= 0:
		return fmt.Sprintf("constraint %d: %s", e.Constraint, e.Msg)
	case e.Var >= 0 && e.Name != "":
		return fmt.Sprintf("variable %d (%q): %s", e.Var, e.Name, e.Msg)
	case e.Var >= 0:
		return fmt.Sprintf("variable %d: %s", e.Var, e.Msg)
	}
	return e.Msg
}

// Unwrap makes errors.Is(err, ErrInvalidModel) hold.
func (e *ModelError) Unwrap() error { return ErrInvalidModel }

func constraintError(i int, c *Constraint, format string, args ...any) error {
	return &ModelError{Constraint: i, Name: c.Name, Var: -1, Msg: fmt.Sprintf(format, args...)}
}
