package money

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

var (
	// ErrMissingRate is returned when a rate table has no way to convert
	// between two currencies. The error is a *MissingRateError naming the
	// pair.
	ErrMissingRate = errors.New("missing exchange rate")
	// ErrInvalidRate is returned for a rate that is zero, negative, given
	// twice, or not 1 between a currency and itself.
	ErrInvalidRate = errors.New("invalid exchange rate")
)

// MissingRateError names the pair a rate table could not convert.
type MissingRateError struct {
	From, To string
}

func (e *MissingRateError) Error() string {
	return fmt.Sprintf("no exchange rate from %s to %s", e.From, e.To)
}

// Is makes errors.Is(err, ErrMissingRate) true.
func (e *MissingRateError) Is(target error) bool { return target == ErrMissingRate }

// Rate says that one unit of From is worth Value units of To.
type Rate struct {
	From, To string
	Value    decimal.Decimal
}

// DefaultRatePlaces is the number of fractional digits kept in a rate the
// table derives (an inverse or a cross rate) when RateTableConfig.Places is
// zero.
const DefaultRatePlaces = 10

// RateTableConfig configures NewRateTable.
type RateTableConfig struct {
	// Rates are the known rates. A rate from A to B also gives B to A by
	// its inverse unless B to A is listed too.
	Rates []Rate
	// Base, if set, lets the table convert between two currencies with no
	// rate between them through their rates with Base (a cross rate).
	Base string
	// Places is the number of fractional digits kept in a derived rate.
	// Zero means DefaultRatePlaces.
	Places int32
	// Mode rounds derived rates. The zero value is HalfEven.
	Mode RoundingMode
}

type currencyPair struct{ from, to string }

// RateTable converts amounts between currencies at fixed rates. Rates are
// decimals, never floats. A rate the table derives (the inverse of a listed
// rate, or a cross rate through the base currency) is computed exactly and
// rounded once to the configured places, so a conversion can always be
// explained as amount × Rate(from, to), rounded. A RateTable is immutable
// and safe for concurrent use.
type RateTable struct {
	rates  map[currencyPair]decimal.Decimal
	base   string
	places int32
	mode   RoundingMode
}

// NewRateTable checks the configuration and returns a table. Every code
// must be a known currency and every rate positive; a pair listed twice is
// an error.
func NewRateTable(cfg RateTableConfig) (*RateTable, error) {
	t := &RateTable{
		rates:  make(map[currencyPair]decimal.Decimal, len(cfg.Rates)),
		places: cfg.Places,
		mode:   cfg.Mode,
	}
	if t.places == 0 {
		t.places = DefaultRatePlaces
	}
	if t.places < 0 {
		return nil, fmt.Errorf("%w: negative places %d for derived rates", ErrInvalidRate, cfg.Places)
	}
	if !cfg.Mode.Valid() {
		return nil, fmt.Errorf("rate table: %w: %d", ErrUnknownRoundingMode, uint8(cfg.Mode))
	}
	if cfg.Base != "" {
		c, err := LookupCurrency(cfg.Base)
		if err != nil {
			return nil, fmt.Errorf("rate table base: %w", err)
		}
		t.base = c.code
	}
	for i, r := range cfg.Rates {
		from, err := LookupCurrency(r.From)
		if err != nil {
			return nil, fmt.Errorf("rate %d: %w", i, err)
		}
		to, err := LookupCurrency(r.To)
		if err != nil {
			return nil, fmt.Errorf("rate %d: %w", i, err)
		}
		switch {
		case r.Value.Sign() <= 0:
			return nil, fmt.Errorf("%w: %s to %s is %s, want a positive number", ErrInvalidRate, from, to, r.Value)
		case from == to && !r.Value.Equal(decimal.NewFromInt(1)):
			return nil, fmt.Errorf("%w: %s to itself is %s, want 1", ErrInvalidRate, from, r.Value)
		}
		p := currencyPair{from.code, to.code}
		if _, dup := t.rates[p]; dup {
			return nil, fmt.Errorf("%w: %s to %s is listed twice", ErrInvalidRate, from, to)
		}
		t.rates[p] = r.Value
	}
	return t, nil
}

// Rate returns how many units of to one unit of from is worth: the listed
// rate, else the inverse of the listed opposite rate, else the cross rate
// through the base currency. Derived rates are rounded to the table's
// places. No way to convert gives a *MissingRateError.
func (t *RateTable) Rate(from, to string) (decimal.Decimal, error) {
	f, err := LookupCurrency(from)
	if err != nil {
		return decimal.Decimal{}, err
	}
	c, err := LookupCurrency(to)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return t.rate(f.code, c.code)
}

func (t *RateTable) rate(from, to string) (decimal.Decimal, error) {
	if from == to {
		return decimal.NewFromInt(1), nil
	}
	if r, ok := t.rates[currencyPair{from, to}]; ok {
		return r, nil
	}
	num, den, ok := t.direct(from, to)
	if !ok && t.base != "" && from != t.base && to != t.base {
		n1, d1, ok1 := t.direct(from, t.base)
		n2, d2, ok2 := t.direct(t.base, to)
		if ok1 && ok2 {
			num, den, ok = n1.Mul(n2), d1.Mul(d2), true
		}
	}
	if !ok {
		return decimal.Decimal{}, &MissingRateError{From: from, To: to}
	}
	// den is positive, so this cannot fail.
	r, _ := DivDecimal(num, den, t.places, t.mode)
	if r.IsZero() {
		return decimal.Decimal{}, fmt.Errorf("%w: %s to %s rounds to zero at %d places", ErrInvalidRate, from, to, t.places)
	}
	return r, nil
}

// direct returns the exact rate from → to as num/den, from a listed rate
// or the inverse of the opposite one.
func (t *RateTable) direct(from, to string) (num, den decimal.Decimal, ok bool) {
	one := decimal.NewFromInt(1)
	if from == to {
		return one, one, true
	}
	if r, ok := t.rates[currencyPair{from, to}]; ok {
		return r, one, true
	}
	if r, ok := t.rates[currencyPair{to, from}]; ok {
		return one, r, true
	}
	return decimal.Decimal{}, decimal.Decimal{}, false
}

// Convert returns a in the currency to: a × Rate(a's currency, to), rounded
// to the minor unit of to with mode.
func (t *RateTable) Convert(a Amount, to string, mode RoundingMode) (Amount, error) {
	if a.currency.IsZero() {
		return Amount{}, fmt.Errorf("convert %s: %w", a.value, ErrUnknownCurrency)
	}
	target, err := LookupCurrency(to)
	if err != nil {
		return Amount{}, fmt.Errorf("convert %s: %w", a, err)
	}
	r, err := t.rate(a.currency.code, target.code)
	if err != nil {
		return Amount{}, fmt.Errorf("convert %s: %w", a, err)
	}
	return ConvertAt(a, target, r, mode), nil
}

// ConvertAt returns a × rate in currency to, rounded to the minor unit of
// to with mode. rate is how many units of to one unit of a's currency is
// worth.
func ConvertAt(a Amount, to Currency, rate decimal.Decimal, mode RoundingMode) Amount {
	return Amount{value: RoundDecimal(a.value.Mul(rate), to.digits, mode), currency: to}
}
