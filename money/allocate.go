package money

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
)

// ErrInvalidWeights is returned by Allocate for a negative weight, for
// weights that are all zero or absent, and by Split for a count below one.
var ErrInvalidWeights = errors.New("invalid allocation weights")

// Allocate spreads a over the weights in whole minor units with the
// largest-remainder method: each part first gets its exact proportional
// share rounded toward zero, then the minor units left over go one each to
// the parts with the largest dropped remainders, the earliest index first
// among equal remainders. The parts always add up to a exactly and each is
// within one minor unit of its exact share. A negative amount is spread as
// its absolute value and every part negated. A part with weight zero gets
// zero.
//
// a must be a whole number of minor units (ErrSubMinorUnit otherwise).
// Weights must not be negative and not all zero (ErrInvalidWeights).
func Allocate(a Amount, weights []decimal.Decimal) ([]Amount, error) {
	total, err := a.minorUnitsBig()
	if err != nil {
		return nil, fmt.Errorf("allocate: %w", err)
	}
	if len(weights) == 0 {
		return nil, fmt.Errorf("allocate %s: %w: no weights", a, ErrInvalidWeights)
	}
	// Scale the weights to integers over a common exponent, so shares and
	// remainders are exact integer arithmetic.
	exp := weights[0].Exponent()
	for i, w := range weights {
		if w.Sign() < 0 {
			return nil, fmt.Errorf("allocate %s: %w: weight %d is negative (%s)", a, ErrInvalidWeights, i, w)
		}
		exp = min(exp, w.Exponent())
	}
	ints := make([]*big.Int, len(weights))
	sum := new(big.Int)
	for i, w := range weights {
		ints[i] = shiftLeft(w.Coefficient(), int64(w.Exponent())-int64(exp))
		sum.Add(sum, ints[i])
	}
	if sum.Sign() == 0 {
		return nil, fmt.Errorf("allocate %s: %w: all weights are zero", a, ErrInvalidWeights)
	}
	return distribute(a.currency, total, ints, sum), nil
}

// Split divides a into n parts that differ by at most one minor unit, the
// larger parts first: 100.00 EUR in 3 is 33.34, 33.33, 33.33. It is
// Allocate with n equal weights, as for instalments.
func Split(a Amount, n int) ([]Amount, error) {
	if n < 1 {
		return nil, fmt.Errorf("split %s: %w: %d parts", a, ErrInvalidWeights, n)
	}
	total, err := a.minorUnitsBig()
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	one := big.NewInt(1)
	ints := make([]*big.Int, n)
	for i := range ints {
		ints[i] = one
	}
	return distribute(a.currency, total, ints, big.NewInt(int64(n))), nil
}

// distribute spreads total minor units over integer weights with the given
// positive sum.
func distribute(c Currency, total *big.Int, weights []*big.Int, sum *big.Int) []Amount {
	negative := total.Sign() < 0
	abs := new(big.Int).Abs(total)

	type share struct {
		units     *big.Int
		remainder *big.Int
	}
	shares := make([]share, len(weights))
	given := new(big.Int)
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(abs, w), sum, new(big.Int))
		shares[i] = share{units: q, remainder: r}
		given.Add(given, q)
	}
	// Fewer than len(weights) units are left over, so this fits in an int.
	left := int(new(big.Int).Sub(abs, given).Int64())
	if left > 0 {
		order := make([]int, len(shares))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(x, y int) int {
			if c := shares[y].remainder.Cmp(shares[x].remainder); c != 0 {
				return c
			}
			return x - y
		})
		one := big.NewInt(1)
		for _, i := range order[:left] {
			shares[i].units.Add(shares[i].units, one)
		}
	}
	parts := make([]Amount, len(shares))
	for i, s := range shares {
		if negative {
			s.units.Neg(s.units)
		}
		parts[i] = Amount{value: decimal.NewFromBigInt(s.units, -c.digits), currency: c}
	}
	return parts
}
