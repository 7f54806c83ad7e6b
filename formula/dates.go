package formula

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// dateLayout is the one text form of a date: ISO 8601 calendar date.
const dateLayout = "2006-01-02"

// Bounds on date arithmetic arguments (about 10,000 years either way).
const (
	maxAddDays   = 3_660_000
	maxAddMonths = 120_000
)

// toDate converts a date operand: the calendar date of a time.Time in its
// own location, as midnight UTC.
func toDate(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		if t.Location() == time.UTC && t.Nanosecond() == 0 && t.Unix()%86400 == 0 {
			return t, nil
		}
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	case nil:
		return time.Time{}, ErrMissingValue
	}
	return time.Time{}, fmt.Errorf("%w: want a date (time.Time), got %T", ErrValueType, v)
}

func twoDates(x, y any) (time.Time, time.Time, error) {
	a, err := toDate(x)
	if err != nil {
		return a, a, err
	}
	b, err := toDate(y)
	return a, b, err
}

// parseDate reads a date in the form 2006-01-02.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is not a date of the form YYYY-MM-DD", ErrBadArgument, s)
	}
	return t, nil
}

// dayNumber counts days since 1970-01-01 for a date at midnight UTC.
func dayNumber(t time.Time) int64 { return t.Unix() / 86400 }

// addMonths moves t by n calendar months. A day that does not exist in the
// target month becomes that month's last day: Jan 31 + 1 month is Feb 28,
// or Feb 29 in a leap year.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	total := y*12 + int(m) - 1 + n
	ny, nm := total/12, total%12
	if nm < 0 {
		ny, nm = ny-1, nm+12
	}
	month := time.Month(nm + 1)
	if last := daysIn(ny, month); d > last {
		d = last
	}
	return time.Date(ny, month, d, 0, 0, 0, 0, time.UTC)
}

// daysIn returns the number of days of a month.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// monthsBetween counts the whole months from a to b: the largest n with
// addMonths(a, n) not after b. When b is before a it is the negative of
// monthsBetween(b, a).
func monthsBetween(a, b time.Time) int {
	if b.Before(a) {
		return -monthsBetween(b, a)
	}
	ay, am, _ := a.Date()
	by, bm, _ := b.Date()
	n := (by-ay)*12 + int(bm) - int(am)
	if addMonths(a, n).After(b) {
		n--
	}
	return n
}

func fnDate(x any) (any, error) {
	s, ok := x.(string)
	if !ok {
		return nil, fmt.Errorf("%w: date wants a string, got %T", ErrValueType, x)
	}
	return parseDate(s)
}

func fnDaysBetween(x, y any) (any, error) {
	a, b, err := twoDates(x, y)
	if err != nil {
		return nil, err
	}
	return decimal.NewFromInt(dayNumber(b) - dayNumber(a)), nil
}

func fnMonthsBetween(x, y any) (any, error) {
	a, b, err := twoDates(x, y)
	if err != nil {
		return nil, err
	}
	return decimal.NewFromInt(int64(monthsBetween(a, b))), nil
}

func fnAddDays(x, y any) (any, error) {
	d, err := toDate(x)
	if err != nil {
		return nil, err
	}
	n, err := wholeNumber(y, "number of days", maxAddDays)
	if err != nil {
		return nil, err
	}
	return d.AddDate(0, 0, int(n)), nil
}

func fnAddMonths(x, y any) (any, error) {
	d, err := toDate(x)
	if err != nil {
		return nil, err
	}
	n, err := wholeNumber(y, "number of months", maxAddMonths)
	if err != nil {
		return nil, err
	}
	return addMonths(d, int(n)), nil
}

func datePart(part func(time.Time) int) func(x any) (any, error) {
	return func(x any) (any, error) {
		d, err := toDate(x)
		if err != nil {
			return nil, err
		}
		return decimal.NewFromInt(int64(part(d))), nil
	}
}

// dateComparison builds a comparison operator from a test of Compare's
// result.
func dateComparison(test func(c int) bool) func(x, y any) (any, error) {
	return func(x, y any) (any, error) {
		a, b, err := twoDates(x, y)
		if err != nil {
			return nil, err
		}
		return test(a.Compare(b)), nil
	}
}
