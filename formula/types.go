package formula

import "fmt"

// Type is the type of a formula value: of a variable, a table key or value,
// a function parameter or result, or a whole formula.
type Type uint8

const (
	// TypeAny is the zero Type. It is valid only as Options.Result, where it
	// means that a formula may have any result type.
	TypeAny Type = iota
	// TypeDecimal is an exact decimal number, held as decimal.Decimal.
	TypeDecimal
	// TypeBool is true or false, held as bool.
	TypeBool
	// TypeString is text, held as string.
	TypeString
	// TypeDate is a calendar date without time of day, held as a time.Time
	// at midnight UTC.
	TypeDate
	// TypeStringList is a list of strings, held as []string.
	TypeStringList
	// TypeDecimalList is a list of decimals, held as []decimal.Decimal.
	TypeDecimalList
)

var typeNames = [...]string{
	TypeAny:         "any",
	TypeDecimal:     "decimal",
	TypeBool:        "bool",
	TypeString:      "string",
	TypeDate:        "date",
	TypeStringList:  "string list",
	TypeDecimalList: "decimal list",
}

// String returns the name used in error messages, such as "decimal" or
// "string list".
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// valid reports whether t is a concrete value type (not TypeAny).
func (t Type) valid() bool { return t > TypeAny && int(t) < len(typeNames) }

// elem returns the element type of a list type and false for other types.
func (t Type) elem() (Type, bool) {
	switch t {
	case TypeStringList:
		return TypeString, true
	case TypeDecimalList:
		return TypeDecimal, true
	}
	return TypeAny, false
}

// Schema declares the variables a formula may read and their types. A name
// may be dotted ("line.quantity", "customer.segment", "attr.cpu"): every
// prefix ("line", "customer", "attr") is then an object whose members are
// checked like names, so `line.quantity` and `line["quantity"]` are known
// and `line.quantty` is a compile error. A name cannot be both a variable
// and an object.
type Schema map[string]Type

// Vars holds the values of a formula's variables for one evaluation, keyed
// by the same (dotted) names as the Schema: Vars{"line.quantity": q}.
//
// Values are decimal.Decimal (an int, int8…int64 or uint8…uint64 is
// accepted for a decimal and converted exactly), bool, string, time.Time
// (only its date counts, taken in the time's own location), []string and
// []decimal.Decimal. A float32 or float64 is refused: money must be exact.
// Eval only reads vars; one Vars may be shared by concurrent evaluations.
type Vars map[string]any

// Table is a catalog lookup table, read by the lookup function. Every row
// has one key per KeyTypes entry and a value of ValueType.
//
// Lookup receives the keys as Go values of the key types (decimal keys as
// decimal.Decimal: an implementation should compare them by value, so that
// 2 and 2.0 find the same row) and reports whether a row exists. It must
// not keep or modify the keys slice, and must be safe for concurrent use.
type Table interface {
	KeyTypes() []Type
	ValueType() Type
	Lookup(keys []any) (value any, ok bool)
}

// Function is a host function that formulas may call by Name. Its
// parameters and result are checked at compile time like the built-in
// functions.
//
// Call receives the arguments as Go values of the parameter types (decimals
// as decimal.Decimal, dates as time.Time at midnight UTC) and returns a
// value of the Result type. It must not keep or modify the args slice, must
// not block on I/O and must be safe for concurrent use. An error it returns
// is wrapped in the *EvalError of the evaluation.
type Function struct {
	Name   string
	Params []Type
	// Variadic lets the last parameter repeat: zero or more arguments of
	// its type.
	Variadic bool
	Result   Type
	Call     func(args []any) (any, error)
}
