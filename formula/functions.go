package formula

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cpqkit/cpq/money"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// MaxStringLen bounds, in bytes, a string built during evaluation (by +,
// replace, join): a longer result fails with ErrTooLarge.
const MaxStringLen = 1 << 16

// impl is a Go function a compiled formula calls: an operator on decimals
// or dates, a built-in, a table lookup or a host function. A pure impl with
// constant arguments is evaluated at compile time.
type impl struct {
	name string
	fn   func(args ...any) (any, error)
	// fast, if set, is the same function with one or two plain arguments,
	// as func(any) any or func(any, any) any, that panics with its error.
	// The virtual machine calls such a function without building an
	// argument slice and turns the panic back into an error.
	fast  any
	arity int // number of arguments fast takes
	pure  bool
}

func unary(name string, f func(x any) (any, error)) *impl {
	return &impl{
		name: name, pure: true, arity: 1,
		fn: func(args ...any) (any, error) { return f(args[0]) },
		fast: func(x any) any {
			out, err := f(x)
			if err != nil {
				panic(err)
			}
			return out
		},
	}
}

func binary(name string, f func(x, y any) (any, error)) *impl {
	return &impl{
		name: name, pure: true, arity: 2,
		fn: func(args ...any) (any, error) { return f(args[0], args[1]) },
		fast: func(x, y any) any {
			out, err := f(x, y)
			if err != nil {
				panic(err)
			}
			return out
		},
	}
}

func nary(name string, f func(args ...any) (any, error)) *impl {
	return &impl{name: name, fn: f, pure: true}
}

// Operators and built-ins. Names starting with $ cannot be written in a
// formula; they are what the checker rewrites operators into.
var (
	implAdd         = binary("$add", opAdd)
	implSub         = binary("$sub", opSub)
	implMul         = binary("$mul", opMul)
	implDiv         = binary("$div", opDiv)
	implMod         = binary("$mod", opMod)
	implPow         = binary("$pow", opPow)
	implNeg         = unary("$neg", opNeg)
	implEq          = binary("$eq", decimalComparison(func(c int) bool { return c == 0 }))
	implNe          = binary("$ne", decimalComparison(func(c int) bool { return c != 0 }))
	implLt          = binary("$lt", decimalComparison(func(c int) bool { return c < 0 }))
	implLe          = binary("$le", decimalComparison(func(c int) bool { return c <= 0 }))
	implGt          = binary("$gt", decimalComparison(func(c int) bool { return c > 0 }))
	implGe          = binary("$ge", decimalComparison(func(c int) bool { return c >= 0 }))
	implDateEq      = binary("$date_eq", dateComparison(func(c int) bool { return c == 0 }))
	implDateNe      = binary("$date_ne", dateComparison(func(c int) bool { return c != 0 }))
	implDateLt      = binary("$date_lt", dateComparison(func(c int) bool { return c < 0 }))
	implDateLe      = binary("$date_le", dateComparison(func(c int) bool { return c <= 0 }))
	implDateGt      = binary("$date_gt", dateComparison(func(c int) bool { return c > 0 }))
	implDateGe      = binary("$date_ge", dateComparison(func(c int) bool { return c >= 0 }))
	implConcat      = binary("$concat", opConcat)
	implInDecimals  = binary("$in_decimals", opInDecimals)
	implInStrings   = binary("$in_strings", opInStrings)
	implDecimalList = nary("$decimal_list", opDecimalList)
	implStringList  = nary("$string_list", opStringList)
	implCoalesce    = nary("$coalesce", fnCoalesce)
	implMinDecimals = nary("$min_decimals", fnMinDecimals)
	implMaxDecimals = nary("$max_decimals", fnMaxDecimals)
	implMinDates    = nary("$min_dates", fnMinDates)
	implMaxDates    = nary("$max_dates", fnMaxDates)
	implBetweenDec  = nary("$between_decimals", fnBetweenDecimals)
	implBetweenDate = nary("$between_dates", fnBetweenDates)
	implRound       = nary("$round", fnRound)
	implDate        = unary("$date", fnDate)
	implLenString   = unary("$len_string", fnLenString)
	implLenList     = unary("$len_list", fnLenList)
	implStrDecimal  = unary("$string_decimal", fnStringDecimal)
	implStrDate     = unary("$string_date", fnStringDate)
	implStrBool     = unary("$string_bool", fnStringBool)
)

// builtin describes a built-in function. A builtin without check has the
// fixed parameter types params, of which the first minArgs are required,
// and calls impl.
type builtin struct {
	minArgs, maxArgs int // maxArgs < 0: any number
	params           []Type
	result           Type
	impl             *impl
	check            func(c *checker, np *ast.Node, n *ast.CallNode) (Type, error)
}

func (b builtin) arity() string {
	switch {
	case b.maxArgs < 0:
		return fmt.Sprintf("at least %d %s", b.minArgs, plural(b.minArgs, "argument"))
	case b.minArgs == b.maxArgs:
		return fmt.Sprintf("%d %s", b.minArgs, plural(b.minArgs, "argument"))
	}
	return fmt.Sprintf("%d to %d arguments", b.minArgs, b.maxArgs)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// fixed describes a built-in with fixed parameter types.
func fixed(f *impl, result Type, params ...Type) builtin {
	return builtin{minArgs: len(params), maxArgs: len(params), params: params, result: result, impl: f}
}

// optional makes the last n parameters of b optional.
func optional(b builtin, n int) builtin {
	b.minArgs -= n
	return b
}

// custom describes a built-in that checks its own arguments.
func custom(minArgs, maxArgs int, check func(c *checker, np *ast.Node, n *ast.CallNode) (Type, error)) builtin {
	return builtin{minArgs: minArgs, maxArgs: maxArgs, check: check}
}

// builtins are the functions of the language, by name.
var builtins map[string]builtin

// refused names expr built-ins that formulas leave out, with the reason.
var refused = map[string]string{
	"now":      "rules have no clock; the host passes today as a variable",
	"duration": "formulas have dates, not times",
	"timezone": "formulas have dates, not times",
	"repeat":   "it can build unbounded strings",
	"fromJSON": "formulas do not decode data",
	"toJSON":   "formulas do not encode data",
	"int":      "numbers are decimals; use round, floor or ceil",
	"float":    "numbers are exact decimals",
	"get":      "use member access",
}

func init() {
	builtins = map[string]builtin{
		"abs":   fixed(unary("$abs", fnAbs), TypeDecimal, TypeDecimal),
		"ceil":  fixed(unary("$ceil", fnCeil), TypeDecimal, TypeDecimal),
		"floor": fixed(unary("$floor", fnFloor), TypeDecimal, TypeDecimal),
		"min":   custom(1, -1, checkMinMax),
		"max":   custom(1, -1, checkMinMax),
		"round": custom(2, 3, checkRound),
		"between": custom(3, 3, func(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
			return c.checkSameType(np, n, TypeBool, implBetweenDec, implBetweenDate)
		}),
		"coalesce": custom(1, -1, checkCoalesce),
		"lookup":   custom(1, -1, checkLookup),
		"sum":      fixed(unary("$sum", fnSum), TypeDecimal, TypeDecimalList),
		"decimal":  fixed(unary("$decimal", fnDecimal), TypeDecimal, TypeString),
		"string":   custom(1, 1, checkString),
		"len":      custom(1, 1, checkLen),

		"date":           custom(1, 1, checkDate),
		"days_between":   fixed(binary("$days_between", fnDaysBetween), TypeDecimal, TypeDate, TypeDate),
		"months_between": fixed(binary("$months_between", fnMonthsBetween), TypeDecimal, TypeDate, TypeDate),
		"add_days":       fixed(binary("$add_days", fnAddDays), TypeDate, TypeDate, TypeDecimal),
		"add_months":     fixed(binary("$add_months", fnAddMonths), TypeDate, TypeDate, TypeDecimal),
		"year":           fixed(unary("$year", datePart(func(t time.Time) int { return t.Year() })), TypeDecimal, TypeDate),
		"month":          fixed(unary("$month", datePart(func(t time.Time) int { return int(t.Month()) })), TypeDecimal, TypeDate),
		"day":            fixed(unary("$day", datePart(func(t time.Time) int { return t.Day() })), TypeDecimal, TypeDate),

		"upper":       fixed(unary("$upper", stringFunc(strings.ToUpper)), TypeString, TypeString),
		"lower":       fixed(unary("$lower", stringFunc(strings.ToLower)), TypeString, TypeString),
		"trim":        optional(fixed(nary("$trim", fnTrim), TypeString, TypeString, TypeString), 1),
		"trimPrefix":  fixed(binary("$trimPrefix", stringsFunc(strings.TrimPrefix)), TypeString, TypeString, TypeString),
		"trimSuffix":  fixed(binary("$trimSuffix", stringsFunc(strings.TrimSuffix)), TypeString, TypeString, TypeString),
		"hasPrefix":   fixed(binary("$hasPrefix", stringsTest(strings.HasPrefix)), TypeBool, TypeString, TypeString),
		"hasSuffix":   fixed(binary("$hasSuffix", stringsTest(strings.HasSuffix)), TypeBool, TypeString, TypeString),
		"indexOf":     fixed(binary("$indexOf", stringsIndex(strings.Index)), TypeDecimal, TypeString, TypeString),
		"lastIndexOf": fixed(binary("$lastIndexOf", stringsIndex(strings.LastIndex)), TypeDecimal, TypeString, TypeString),
		"split":       fixed(binary("$split", fnSplit), TypeStringList, TypeString, TypeString),
		"join":        optional(fixed(nary("$join", fnJoin), TypeString, TypeStringList, TypeString), 1),
		"replace":     fixed(nary("$replace", fnReplace), TypeString, TypeString, TypeString, TypeString),
	}
}

// checkSameType checks a call whose arguments are all decimals (calling
// onDecimals) or all dates (calling onDates).
func (c *checker) checkSameType(np *ast.Node, n *ast.CallNode, result Type, onDecimals, onDates *impl) (Type, error) {
	types, err := c.checkArgs(n, nil)
	if err != nil {
		return TypeAny, err
	}
	name := n.Callee.(*ast.IdentifierNode).Value
	first := types[0]
	if first != TypeDecimal && first != TypeDate {
		return TypeAny, c.errorStart(CodeType, n.Arguments[0], "arguments of %s must be decimals or dates, got %s", name, first)
	}
	for i, t := range types[1:] {
		if t != first {
			return TypeAny, c.errorStart(CodeType, n.Arguments[i+1], "argument %d of %s must be a %s like the first, got %s", i+2, name, first, t)
		}
	}
	if result == TypeAny {
		result = first
	}
	if first == TypeDecimal {
		*np = c.call(n, onDecimals, n.Arguments...)
	} else {
		*np = c.call(n, onDates, n.Arguments...)
	}
	return result, nil
}

func checkMinMax(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	if n.Callee.(*ast.IdentifierNode).Value == "min" {
		return c.checkSameType(np, n, TypeAny, implMinDecimals, implMinDates)
	}
	return c.checkSameType(np, n, TypeAny, implMaxDecimals, implMaxDates)
}

func checkRound(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	types, err := c.checkArgs(n, nil)
	if err != nil {
		return TypeAny, err
	}
	want := []Type{TypeDecimal, TypeDecimal, TypeString}
	for i, t := range types {
		if t != want[i] {
			return TypeAny, c.errorStart(CodeType, n.Arguments[i], "argument %d of round must be a %s, got %s", i+1, want[i], t)
		}
	}
	args := n.Arguments
	places, placesConstant := constant(args[1])
	if placesConstant {
		if _, err := wholeNumber(places, "number of places", maxRoundPlaces); err != nil {
			return TypeAny, c.errorStart(CodeArgument, args[1], "%v", err)
		}
	}
	mode, modeConstant := money.HalfEven, true
	if len(args) == 3 {
		var v any
		if v, modeConstant = constant(args[2]); modeConstant {
			var err error
			if mode, err = money.ParseRoundingMode(v.(string)); err != nil {
				return TypeAny, c.errorStart(CodeArgument, args[2], "%v", err)
			}
		}
	}
	if placesConstant && modeConstant {
		// The common case, round(x, 2): a function of x alone.
		p := int32(places.(decimal.Decimal).IntPart())
		*np = c.call(n, unary(fmt.Sprintf("$round:%d:%s", p, mode), roundTo(p, mode)), args[0])
		return TypeDecimal, nil
	}
	if len(args) == 2 {
		m := &ast.ConstantNode{Value: mode}
		m.SetLocation(n.Location())
		args = append(args, m)
	}
	*np = c.call(n, implRound, args...)
	return TypeDecimal, nil
}

func checkCoalesce(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	var first Type
	for i := range n.Arguments {
		t, err := c.checkNode(&n.Arguments[i], true)
		if err != nil {
			return TypeAny, err
		}
		if i == 0 {
			first = t
		} else if t != first {
			return TypeAny, c.errorStart(CodeType, n.Arguments[i], "argument %d of coalesce must be a %s like the first, got %s", i+1, first, t)
		}
	}
	*np = c.call(n, implCoalesce, n.Arguments...)
	return first, nil
}

func checkString(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	t, err := c.check(&n.Arguments[0])
	if err != nil {
		return TypeAny, err
	}
	switch t {
	case TypeString:
		*np = n.Arguments[0]
	case TypeDecimal:
		*np = c.call(n, implStrDecimal, n.Arguments[0])
	case TypeDate:
		*np = c.call(n, implStrDate, n.Arguments[0])
	case TypeBool:
		*np = c.call(n, implStrBool, n.Arguments[0])
	default:
		return TypeAny, c.errorStart(CodeType, n.Arguments[0], "string cannot convert a %s", t)
	}
	return TypeString, nil
}

func checkLen(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	t, err := c.check(&n.Arguments[0])
	if err != nil {
		return TypeAny, err
	}
	switch t {
	case TypeString:
		*np = c.call(n, implLenString, n.Arguments[0])
	case TypeStringList, TypeDecimalList:
		*np = c.call(n, implLenList, n.Arguments[0])
	default:
		return TypeAny, c.errorStart(CodeType, n.Arguments[0], "len needs a string or a list, got %s", t)
	}
	return TypeDecimal, nil
}

func checkDate(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	t, err := c.check(&n.Arguments[0])
	if err != nil {
		return TypeAny, err
	}
	if t != TypeString {
		return TypeAny, c.errorStart(CodeType, n.Arguments[0], "argument 1 of date must be a string, got %s", t)
	}
	if s, ok := n.Arguments[0].(*ast.StringNode); ok {
		if _, err := parseDate(s.Value); err != nil {
			return TypeAny, c.errorStart(CodeArgument, s, "%q is not a date of the form YYYY-MM-DD", s.Value)
		}
	}
	*np = c.call(n, implDate, n.Arguments[0])
	return TypeDate, nil
}

func checkLookup(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
	nameNode, ok := n.Arguments[0].(*ast.StringNode)
	if !ok {
		return TypeAny, c.errorStart(CodeArgument, n.Arguments[0], "the first argument of lookup must be a table name in quotes")
	}
	table, ok := c.opts.Tables[nameNode.Value]
	if !ok || table == nil {
		return TypeAny, c.errorf(CodeUnknownTable, nameNode, "unknown table %q", nameNode.Value)
	}
	keyTypes, valueType := table.KeyTypes(), table.ValueType()
	if !valueType.valid() || slices.ContainsFunc(keyTypes, func(t Type) bool { return !t.valid() }) {
		return TypeAny, c.errorf(CodeUnknownTable, nameNode, "table %q declares an invalid key or value type", nameNode.Value)
	}
	keys := n.Arguments[1:]
	if len(keys) != len(keyTypes) {
		return TypeAny, c.errorf(CodeArity, n, "table %q has %d %s, lookup gives %d", nameNode.Value, len(keyTypes), plural(len(keyTypes), "key"), len(keys))
	}
	for i := range keys {
		t, err := c.check(&keys[i])
		if err != nil {
			return TypeAny, err
		}
		if t != keyTypes[i] {
			return TypeAny, c.errorStart(CodeType, keys[i], "key %d of table %q must be a %s, got %s", i+1, nameNode.Value, keyTypes[i], t)
		}
	}
	c.tables[nameNode.Value] = true
	*np = c.call(n, lookupImpl(nameNode.Value, table), keys...)
	return valueType, nil
}

// lookupImpl reads one table. A missing row is ErrNoRow.
func lookupImpl(name string, table Table) *impl {
	keyTypes, valueType := table.KeyTypes(), table.ValueType()
	return &impl{name: "$lookup:" + name, fn: func(keys ...any) (any, error) {
		for i, t := range keyTypes {
			v, err := canonical(t, keys[i])
			if err != nil {
				return nil, fmt.Errorf("key %d of table %q: %w", i+1, name, err)
			}
			keys[i] = v
		}
		v, ok := table.Lookup(keys)
		if !ok {
			return nil, fmt.Errorf("%w %q for keys %s", ErrNoRow, name, formatKeys(keys))
		}
		v, err := canonical(valueType, v)
		if err != nil {
			return nil, fmt.Errorf("value of table %q: %w", name, err)
		}
		return v, nil
	}}
}

func formatKeys(keys []any) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatValue(k))
	}
	b.WriteByte(')')
	return b.String()
}

func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case time.Time:
		return x.Format(dateLayout)
	}
	return fmt.Sprint(v)
}

// hostImpl wraps a host function: arguments are normalized to their
// declared types and the result is checked.
func hostImpl(f *Function) *impl {
	params, result, call, name := f.Params, f.Result, f.Call, f.Name
	return &impl{name: name, fn: func(args ...any) (any, error) {
		for i := range args {
			v, err := canonical(params[min(i, len(params)-1)], args[i])
			if err != nil {
				return nil, fmt.Errorf("argument %d of %s: %w", i+1, name, err)
			}
			args[i] = v
		}
		out, err := call(args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out, err = canonical(result, out)
		if err != nil {
			return nil, fmt.Errorf("result of %s: %w", name, err)
		}
		return out, nil
	}}
}

func toString(v any) (string, error) {
	switch s := v.(type) {
	case string:
		return s, nil
	case nil:
		return "", ErrMissingValue
	}
	return "", fmt.Errorf("%w: want a string, got %T", ErrValueType, v)
}

// limitString refuses a string longer than MaxStringLen.
func limitString(s string) (any, error) {
	if len(s) > MaxStringLen {
		return nil, fmt.Errorf("%w: string of %d bytes, more than %d", ErrTooLarge, len(s), MaxStringLen)
	}
	return s, nil
}

func opConcat(x, y any) (any, error) {
	a, b, err := twoStrings(x, y)
	if err != nil {
		return nil, err
	}
	if n := len(a) + len(b); n > MaxStringLen {
		return nil, fmt.Errorf("%w: string of %d bytes, more than %d", ErrTooLarge, n, MaxStringLen)
	}
	return a + b, nil
}
