package formula

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cpqkit/cpq/money"
	"github.com/shopspring/decimal"
)

func fnAbs(x any) (any, error) {
	d, err := toDecimal(x)
	if err != nil {
		return nil, err
	}
	return d.Abs(), nil
}

func fnCeil(x any) (any, error) {
	d, err := toDecimal(x)
	if err != nil {
		return nil, err
	}
	return d.Ceil(), nil
}

func fnFloor(x any) (any, error) {
	d, err := toDecimal(x)
	if err != nil {
		return nil, err
	}
	return d.Floor(), nil
}

func fnRound(args ...any) (any, error) {
	d, err := toDecimal(args[0])
	if err != nil {
		return nil, err
	}
	places, err := wholeNumber(args[1], "number of places", maxRoundPlaces)
	if err != nil {
		return nil, err
	}
	mode, err := roundingMode(args[2])
	if err != nil {
		return nil, err
	}
	return roundDecimal(d, int32(places), mode)
}

// roundDecimal rounds d to places with mode, as money.RoundDecimal does; a
// value that already has exactly that many places is returned as it is.
func roundDecimal(d decimal.Decimal, places int32, mode money.RoundingMode) (any, error) {
	if d.Exponent() == -places {
		return d, nil
	}
	return checkSize(money.RoundDecimal(d, places, mode))
}

// roundTo returns the rounding of round(x, places, mode) with constant
// places and mode, as a function of x alone.
func roundTo(places int32, mode money.RoundingMode) func(x any) (any, error) {
	return func(x any) (any, error) {
		d, err := toDecimal(x)
		if err != nil {
			return nil, err
		}
		if _, ok := x.(decimal.Decimal); ok && d.Exponent() == -places {
			return x, nil // as it is, without boxing it again
		}
		return roundDecimal(d, places, mode)
	}
}

// extreme returns the least (sign -1) or greatest (sign 1) decimal.
func extreme(args []any, sign int) (any, error) {
	best, err := toDecimal(args[0])
	if err != nil {
		return nil, err
	}
	for _, a := range args[1:] {
		d, err := toDecimal(a)
		if err != nil {
			return nil, err
		}
		if d.Cmp(best) == sign {
			best = d
		}
	}
	return best, nil
}

func fnMinDecimals(args ...any) (any, error) { return extreme(args, -1) }
func fnMaxDecimals(args ...any) (any, error) { return extreme(args, 1) }

// extremeDate returns the earliest (sign -1) or latest (sign 1) date.
func extremeDate(args []any, sign int) (any, error) {
	best, err := toDate(args[0])
	if err != nil {
		return nil, err
	}
	for _, a := range args[1:] {
		d, err := toDate(a)
		if err != nil {
			return nil, err
		}
		if d.Compare(best) == sign {
			best = d
		}
	}
	return best, nil
}

func fnMinDates(args ...any) (any, error) { return extremeDate(args, -1) }
func fnMaxDates(args ...any) (any, error) { return extremeDate(args, 1) }

func fnBetweenDecimals(args ...any) (any, error) {
	x, err := toDecimal(args[0])
	if err != nil {
		return nil, err
	}
	lo, hi, err := twoDecimals(args[1], args[2])
	if err != nil {
		return nil, err
	}
	return x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0, nil
}

func fnBetweenDates(args ...any) (any, error) {
	x, err := toDate(args[0])
	if err != nil {
		return nil, err
	}
	lo, hi, err := twoDates(args[1], args[2])
	if err != nil {
		return nil, err
	}
	return x.Compare(lo) >= 0 && x.Compare(hi) <= 0, nil
}

// fnCoalesce returns its first argument that has a value.
func fnCoalesce(args ...any) (any, error) {
	for _, a := range args {
		if a != nil {
			return a, nil
		}
	}
	return nil, fmt.Errorf("%w: every argument of coalesce is missing", ErrMissingValue)
}

func fnSum(x any) (any, error) {
	list, ok := x.([]decimal.Decimal)
	if !ok {
		return nil, fmt.Errorf("%w: sum wants a decimal list, got %T", ErrValueType, x)
	}
	var total decimal.Decimal
	for _, d := range list {
		var err error
		if total, err = checkSize(total.Add(d)); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func fnDecimal(x any) (any, error) {
	s, err := toString(x)
	if err != nil {
		return nil, err
	}
	if len(s) > MaxDigits+MaxExponent {
		return nil, fmt.Errorf("%w: %d characters is too long for a number", ErrBadArgument, len(s))
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a number", ErrBadArgument, s)
	}
	return checkSize(d)
}

func opInDecimals(v, l any) (any, error) {
	x, err := toDecimal(v)
	if err != nil {
		return nil, err
	}
	list, ok := l.([]decimal.Decimal)
	if !ok {
		return nil, fmt.Errorf("%w: want a decimal list, got %T", ErrValueType, l)
	}
	for _, d := range list {
		if x.Cmp(d) == 0 {
			return true, nil
		}
	}
	return false, nil
}

func opInStrings(v, l any) (any, error) {
	x, err := toString(v)
	if err != nil {
		return nil, err
	}
	list, ok := l.([]string)
	if !ok {
		return nil, fmt.Errorf("%w: want a string list, got %T", ErrValueType, l)
	}
	for _, s := range list {
		if x == s {
			return true, nil
		}
	}
	return false, nil
}

func opDecimalList(args ...any) (any, error) {
	list := make([]decimal.Decimal, len(args))
	for i, a := range args {
		d, err := toDecimal(a)
		if err != nil {
			return nil, err
		}
		list[i] = d
	}
	return list, nil
}

func opStringList(args ...any) (any, error) {
	list := make([]string, len(args))
	for i, a := range args {
		s, err := toString(a)
		if err != nil {
			return nil, err
		}
		list[i] = s
	}
	return list, nil
}

func fnLenString(x any) (any, error) {
	s, err := toString(x)
	if err != nil {
		return nil, err
	}
	return decimal.NewFromInt(int64(utf8.RuneCountInString(s))), nil
}

func fnLenList(x any) (any, error) {
	switch l := x.(type) {
	case []string:
		return decimal.NewFromInt(int64(len(l))), nil
	case []decimal.Decimal:
		return decimal.NewFromInt(int64(len(l))), nil
	}
	return nil, fmt.Errorf("%w: len wants a list, got %T", ErrValueType, x)
}

func fnStringDecimal(x any) (any, error) {
	d, err := toDecimal(x)
	if err != nil {
		return nil, err
	}
	return d.String(), nil
}

func fnStringDate(x any) (any, error) {
	d, err := toDate(x)
	if err != nil {
		return nil, err
	}
	return d.Format(dateLayout), nil
}

func fnStringBool(x any) (any, error) {
	b, ok := x.(bool)
	if !ok {
		return nil, fmt.Errorf("%w: want a bool, got %T", ErrValueType, x)
	}
	return strconv.FormatBool(b), nil
}

// stringFunc adapts a function of one string.
func stringFunc(f func(string) string) func(x any) (any, error) {
	return func(x any) (any, error) {
		s, err := toString(x)
		if err != nil {
			return nil, err
		}
		return limitString(f(s))
	}
}

func twoStrings(x, y any) (string, string, error) {
	a, err := toString(x)
	if err != nil {
		return a, a, err
	}
	b, err := toString(y)
	return a, b, err
}

// stringsFunc adapts a function of two strings giving a string.
func stringsFunc(f func(string, string) string) func(x, y any) (any, error) {
	return func(x, y any) (any, error) {
		a, b, err := twoStrings(x, y)
		if err != nil {
			return nil, err
		}
		return f(a, b), nil
	}
}

// stringsTest adapts a predicate on two strings.
func stringsTest(f func(string, string) bool) func(x, y any) (any, error) {
	return func(x, y any) (any, error) {
		a, b, err := twoStrings(x, y)
		if err != nil {
			return nil, err
		}
		return f(a, b), nil
	}
}

// stringsIndex adapts strings.Index and LastIndex: the result counts
// characters, not bytes, and is -1 when the substring is absent.
func stringsIndex(f func(string, string) int) func(x, y any) (any, error) {
	return func(x, y any) (any, error) {
		a, b, err := twoStrings(x, y)
		if err != nil {
			return nil, err
		}
		i := f(a, b)
		if i > 0 {
			i = utf8.RuneCountInString(a[:i])
		}
		return decimal.NewFromInt(int64(i)), nil
	}
}

// fnTrim removes leading and trailing white space, or the characters of
// its second argument.
func fnTrim(args ...any) (any, error) {
	s, err := toString(args[0])
	if err != nil {
		return nil, err
	}
	if len(args) == 1 {
		return strings.TrimSpace(s), nil
	}
	cutset, err := toString(args[1])
	if err != nil {
		return nil, err
	}
	return strings.Trim(s, cutset), nil
}

func fnSplit(x, y any) (any, error) {
	s, sep, err := twoStrings(x, y)
	if err != nil {
		return nil, err
	}
	return strings.Split(s, sep), nil
}

func fnJoin(args ...any) (any, error) {
	list, ok := args[0].([]string)
	if !ok {
		return nil, fmt.Errorf("%w: join wants a string list, got %T", ErrValueType, args[0])
	}
	sep := ""
	if len(args) > 1 {
		var err error
		if sep, err = toString(args[1]); err != nil {
			return nil, err
		}
	}
	n := len(sep) * max(len(list)-1, 0)
	for _, s := range list {
		n += len(s)
	}
	if n > MaxStringLen {
		return nil, fmt.Errorf("%w: string of %d bytes, more than %d", ErrTooLarge, n, MaxStringLen)
	}
	return strings.Join(list, sep), nil
}

func fnReplace(args ...any) (any, error) {
	s, old, err := twoStrings(args[0], args[1])
	if err != nil {
		return nil, err
	}
	repl, err := toString(args[2])
	if err != nil {
		return nil, err
	}
	// Bound the result before building it.
	count := strings.Count(s, old)
	if n := len(s) + count*(len(repl)-len(old)); n > MaxStringLen {
		return nil, fmt.Errorf("%w: string of %d bytes, more than %d", ErrTooLarge, n, MaxStringLen)
	}
	return strings.ReplaceAll(s, old, repl), nil
}
