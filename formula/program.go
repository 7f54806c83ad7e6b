package formula

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"
)

// Program is a compiled formula. It is immutable and safe for concurrent
// use by many goroutines.
type Program struct {
	name      string
	source    string
	result    Type
	program   *vm.Program
	inputs    []input // sorted by name
	variables []string
	tables    []string
}

// input is a schema variable the program reads.
type input struct {
	name     string
	typ      Type
	required bool // false when read only as an argument of coalesce
}

// machines recycles expr virtual machines: a vm.VM holds the state of one
// run, while the vm.Program is shared.
var machines = sync.Pool{New: func() any { return new(vm.VM) }}

// Name returns Options.Name.
func (p *Program) Name() string { return p.name }

// Source returns the formula source.
func (p *Program) Source() string { return p.source }

// ResultType returns the type of the formula's value.
func (p *Program) ResultType() Type { return p.result }

// Variables returns the sorted full (dotted) names of the schema variables
// the formula reads.
func (p *Program) Variables() []string { return slices.Clone(p.variables) }

// Tables returns the sorted names of the lookup tables the formula reads.
func (p *Program) Tables() []string { return slices.Clone(p.tables) }

// Eval evaluates the formula with vars. The result has the Go type of
// ResultType: decimal.Decimal, bool, string, time.Time (a date at midnight
// UTC), []string or []decimal.Decimal. Every failure is an *EvalError.
func (p *Program) Eval(vars Vars) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &EvalError{Rule: p.name, Err: fmt.Errorf("unexpected failure: %v", r)}
		}
	}()
	for i := range p.inputs {
		in := &p.inputs[i]
		v, ok := vars[in.name]
		if !ok || v == nil {
			if in.required {
				return nil, &EvalError{Rule: p.name, Err: fmt.Errorf("%w: variable %s", ErrMissingValue, in.name)}
			}
			continue
		}
		if err := checkValue(in.typ, v); err != nil {
			return nil, &EvalError{Rule: p.name, Err: fmt.Errorf("variable %s: %w", in.name, err)}
		}
	}
	machine := machines.Get().(*vm.VM)
	out, err = machine.Run(p.program, map[string]any(vars))
	machines.Put(machine)
	if err != nil {
		return nil, p.runtimeError(err)
	}
	if _, ok := out.(decimal.Decimal); ok {
		// Every decimal a formula computes or reads is already checked.
		return out, nil
	}
	if out, err = canonical(p.result, out); err != nil {
		return nil, &EvalError{Rule: p.name, Err: fmt.Errorf("result: %w", err)}
	}
	return out, nil
}

// EvalDecimal evaluates a formula whose ResultType is TypeDecimal.
func (p *Program) EvalDecimal(vars Vars) (decimal.Decimal, error) {
	out, err := p.evalAs(TypeDecimal, vars)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return out.(decimal.Decimal), nil
}

// EvalBool evaluates a formula whose ResultType is TypeBool.
func (p *Program) EvalBool(vars Vars) (bool, error) {
	out, err := p.evalAs(TypeBool, vars)
	if err != nil {
		return false, err
	}
	return out.(bool), nil
}

// EvalString evaluates a formula whose ResultType is TypeString.
func (p *Program) EvalString(vars Vars) (string, error) {
	out, err := p.evalAs(TypeString, vars)
	if err != nil {
		return "", err
	}
	return out.(string), nil
}

// EvalDate evaluates a formula whose ResultType is TypeDate.
func (p *Program) EvalDate(vars Vars) (time.Time, error) {
	out, err := p.evalAs(TypeDate, vars)
	if err != nil {
		return time.Time{}, err
	}
	return out.(time.Time), nil
}

func (p *Program) evalAs(t Type, vars Vars) (any, error) {
	if p.result != t {
		return nil, &EvalError{Rule: p.name, Err: fmt.Errorf("%w: it gives a %s, not a %s", ErrResultType, p.result, t)}
	}
	return p.Eval(vars)
}

// runtimeError turns an error of the virtual machine into an *EvalError
// that names the rule and the position of the failed operation.
func (p *Program) runtimeError(err error) error {
	e := &EvalError{Rule: p.name, Err: err}
	var fe *file.Error
	if errors.As(err, &fe) {
		e.Line, e.Column = fe.Line, fe.Column+1
		if fe.Prev != nil {
			e.Err = fe.Prev
		} else {
			e.Err = errors.New(fe.Message)
		}
	}
	return e
}

// checkValue reports whether v, read from Vars, is a valid value of type t.
// It does not allocate for values already in canonical form.
func checkValue(t Type, v any) error {
	switch t {
	case TypeDecimal:
		switch d := v.(type) {
		case decimal.Decimal:
			_, err := checkSize(d)
			return err
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			return nil
		}
		_, err := toDecimal(v)
		return err
	case TypeDate:
		_, err := toDate(v)
		return err
	}
	_, err := canonical(t, v)
	return err
}

// canonical checks that v is a value of type t and returns it in canonical
// form: a decimal.Decimal within the size limits for any integer, a date at
// midnight UTC for a time.Time. A value already canonical is returned as
// the same interface, without allocating.
func canonical(t Type, v any) (any, error) {
	switch t {
	case TypeDecimal:
		if d, ok := v.(decimal.Decimal); ok {
			if _, err := checkSize(d); err != nil {
				return nil, err
			}
			return v, nil
		}
		d, err := decimalOperand(v)
		if err != nil {
			return nil, err
		}
		return d, nil
	case TypeDate:
		d, err := toDate(v)
		if err != nil {
			return nil, err
		}
		if tv, ok := v.(time.Time); ok && tv.Equal(d) && tv.Location() == time.UTC {
			return v, nil
		}
		return d, nil
	case TypeBool:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	case TypeString:
		if _, ok := v.(string); ok {
			return v, nil
		}
	case TypeStringList:
		if _, ok := v.([]string); ok {
			return v, nil
		}
	case TypeDecimalList:
		if l, ok := v.([]decimal.Decimal); ok {
			for _, d := range l {
				if _, err := checkSize(d); err != nil {
					return nil, err
				}
			}
			return v, nil
		}
	}
	if v == nil {
		return nil, ErrMissingValue
	}
	return nil, fmt.Errorf("%w: want a %s, got %T", ErrValueType, t, v)
}
