package formula

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cpqkit/cpq/money"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// MaxStringLen bounds, in bytes, a string built during evaluation (by +,
// replace, join): a longer result fails with ErrTooLarge.
const MaxStringLen = 1 << 16

// Operators and built-ins. Names starting with $ cannot be written in a
// formula; they are what the checker rewrites operators into.
var (
	implAdd         = &impl{"$add", opAdd, true}
	implSub         = &impl{"$sub", opSub, true}
	implMul         = &impl{"$mul", opMul, true}
	implDiv         = &impl{"$div", opDiv, true}
	implMod         = &impl{"$mod", opMod, true}
	implPow         = &impl{"$pow", opPow, true}
	implNeg         = &impl{"$neg", opNeg, true}
	implEq          = &impl{"$eq", opEq, true}
	implNe          = &impl{"$ne", opNe, true}
	implLt          = &impl{"$lt", opLt, true}
	implLe          = &impl{"$le", opLe, true}
	implGt          = &impl{"$gt", opGt, true}
	implGe          = &impl{"$ge", opGe, true}
	implDateEq      = &impl{"$date_eq", opDateEq, true}
	implDateNe      = &impl{"$date_ne", opDateNe, true}
	implDateLt      = &impl{"$date_lt", opDateLt, true}
	implDateLe      = &impl{"$date_le", opDateLe, true}
	implDateGt      = &impl{"$date_gt", opDateGt, true}
	implDateGe      = &impl{"$date_ge", opDateGe, true}
	implConcat      = &impl{"$concat", opConcat, true}
	implInDecimals  = &impl{"$in_decimals", opInDecimals, true}
	implInStrings   = &impl{"$in_strings", opInStrings, true}
	implDecimalList = &impl{"$decimal_list", opDecimalList, true}
	implStringList  = &impl{"$string_list", opStringList, true}
	implCoalesce    = &impl{"$coalesce", fnCoalesce, false}
	implMinDecimals = &impl{"$min_decimals", fnMinDecimals, true}
	implMaxDecimals = &impl{"$max_decimals", fnMaxDecimals, true}
	implMinDates    = &impl{"$min_dates", fnMinDates, true}
	implMaxDates    = &impl{"$max_dates", fnMaxDates, true}
	implBetweenDec  = &impl{"$between_decimals", fnBetweenDecimals, true}
	implBetweenDate = &impl{"$between_dates", fnBetweenDates, true}
	implRound       = &impl{"$round", fnRound, true}
	implDate        = &impl{"$date", fnDate, true}
	implLenString   = &impl{"$len_string", fnLenString, true}
	implLenList     = &impl{"$len_list", fnLenList, true}
	implStrDecimal  = &impl{"$string_decimal", fnStringDecimal, true}
	implStrDate     = &impl{"$string_date", fnStringDate, true}
	implStrBool     = &impl{"$string_bool", fnStringBool, true}
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
	arityText        string
}

func (b builtin) arity() string {
	switch {
	case b.arityText != "":
		return b.arityText
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
func fixed(name string, fn func(args ...any) (any, error), result Type, params ...Type) builtin {
	return builtin{
		minArgs: len(params), maxArgs: len(params), params: params, result: result,
		impl: &impl{"$" + name, fn, true},
	}
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
		"abs":   fixed("abs", fnAbs, TypeDecimal, TypeDecimal),
		"ceil":  fixed("ceil", fnCeil, TypeDecimal, TypeDecimal),
		"floor": fixed("floor", fnFloor, TypeDecimal, TypeDecimal),
		"min":   custom(1, -1, checkMinMax),
		"max":   custom(1, -1, checkMinMax),
		"round": custom(2, 3, checkRound),
		"between": custom(3, 3, func(c *checker, np *ast.Node, n *ast.CallNode) (Type, error) {
			return c.checkSameType(np, n, TypeBool, implBetweenDec, implBetweenDate)
		}),
		"coalesce": custom(1, -1, checkCoalesce),
		"lookup":   custom(1, -1, checkLookup),
		"sum":      fixed("sum", fnSum, TypeDecimal, TypeDecimalList),
		"decimal":  fixed("decimal", fnDecimal, TypeDecimal, TypeString),
		"string":   custom(1, 1, checkString),
		"len":      custom(1, 1, checkLen),

		"date":           custom(1, 1, checkDate),
		"days_between":   fixed("days_between", fnDaysBetween, TypeDecimal, TypeDate, TypeDate),
		"months_between": fixed("months_between", fnMonthsBetween, TypeDecimal, TypeDate, TypeDate),
		"add_days":       fixed("add_days", fnAddDays, TypeDate, TypeDate, TypeDecimal),
		"add_months":     fixed("add_months", fnAddMonths, TypeDate, TypeDate, TypeDecimal),
		"year":           fixed("year", datePart(func(t time.Time) int { return t.Year() }), TypeDecimal, TypeDate),
		"month":          fixed("month", datePart(func(t time.Time) int { return int(t.Month()) }), TypeDecimal, TypeDate),
		"day":            fixed("day", datePart(func(t time.Time) int { return t.Day() }), TypeDecimal, TypeDate),

		"upper":       fixed("upper", stringFunc(strings.ToUpper), TypeString, TypeString),
		"lower":       fixed("lower", stringFunc(strings.ToLower), TypeString, TypeString),
		"trim":        optional(fixed("trim", fnTrim, TypeString, TypeString, TypeString), 1),
		"trimPrefix":  fixed("trimPrefix", stringsFunc(strings.TrimPrefix), TypeString, TypeString, TypeString),
		"trimSuffix":  fixed("trimSuffix", stringsFunc(strings.TrimSuffix), TypeString, TypeString, TypeString),
		"hasPrefix":   fixed("hasPrefix", stringsTest(strings.HasPrefix), TypeBool, TypeString, TypeString),
		"hasSuffix":   fixed("hasSuffix", stringsTest(strings.HasSuffix), TypeBool, TypeString, TypeString),
		"indexOf":     fixed("indexOf", stringsIndex(strings.Index), TypeDecimal, TypeString, TypeString),
		"lastIndexOf": fixed("lastIndexOf", stringsIndex(strings.LastIndex), TypeDecimal, TypeString, TypeString),
		"split":       fixed("split", fnSplit, TypeStringList, TypeString, TypeString),
		"join":        optional(fixed("join", fnJoin, TypeString, TypeStringList, TypeString), 1),
		"replace":     fixed("replace", fnReplace, TypeString, TypeString, TypeString, TypeString),
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
	if v, ok := constant(n.Arguments[1]); ok {
		if _, err := wholeNumber(v, "number of places", maxRoundPlaces); err != nil {
			return TypeAny, c.errorStart(CodeArgument, n.Arguments[1], "%v", err)
		}
	}
	args := n.Arguments
	if len(args) == 2 {
		mode := &ast.ConstantNode{Value: money.HalfEven}
		mode.SetLocation(n.Location())
		args = append(args, mode)
	} else if v, ok := constant(args[2]); ok {
		mode, err := money.ParseRoundingMode(v.(string))
		if err != nil {
			return TypeAny, c.errorStart(CodeArgument, args[2], "%v", err)
		}
		m := &ast.ConstantNode{Value: mode}
		m.SetLocation(args[2].Location())
		args[2] = m
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
	if !valueType.valid() {
		return TypeAny, c.errorf(CodeUnknownTable, nameNode, "table %q has no valid value type", nameNode.Value)
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
			v, err := normalize(t, keys[i])
			if err != nil {
				return nil, fmt.Errorf("key %d of table %q: %w", i+1, name, err)
			}
			keys[i] = v
		}
		v, ok := table.Lookup(keys)
		if !ok {
			return nil, fmt.Errorf("%w %q for keys %s", ErrNoRow, name, formatKeys(keys))
		}
		v, err := normalize(valueType, v)
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
			v, err := normalize(params[min(i, len(params)-1)], args[i])
			if err != nil {
				return nil, fmt.Errorf("argument %d of %s: %w", i+1, name, err)
			}
			args[i] = v
		}
		out, err := call(args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out, err = normalize(result, out)
		if err != nil {
			return nil, fmt.Errorf("result of %s: %w", name, err)
		}
		return out, nil
	}}
}

// normalize checks that v is a value of type t and returns it in its
// canonical Go form: a decimal.Decimal within the size limits for an
// integer, a date at midnight UTC for a time.Time.
func normalize(t Type, v any) (any, error) {
	switch t {
	case TypeDecimal:
		if d, ok := v.(decimal.Decimal); ok {
			return checkSize(d)
		}
		return decimalOperand(v)
	case TypeDate:
		return toDate(v)
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

func opConcat(args ...any) (any, error) {
	a, err := toString(args[0])
	if err != nil {
		return nil, err
	}
	b, err := toString(args[1])
	if err != nil {
		return nil, err
	}
	if n := len(a) + len(b); n > MaxStringLen {
		return nil, fmt.Errorf("%w: string of %d bytes, more than %d", ErrTooLarge, n, MaxStringLen)
	}
	return a + b, nil
}
