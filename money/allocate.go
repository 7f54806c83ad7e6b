package money

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"
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
	if w64, sum, ok := scaleWeightsInt64(weights, exp); ok {
		if sum == 0 {
			return nil, fmt.Errorf("allocate %s: %w: all weights are zero", a, ErrInvalidWeights)
		}
		if total.IsInt64() {
			t := total.Int64()
			if t != minInt64 && bits.Len64(absInt64(t))+bits.Len64(sum) <= 62 {
				return distributeInt64(a.currency, t, w64, sum), nil
			}
		}
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
	if total.IsInt64() && total.Int64() != minInt64 {
		w := make([]uint64, n)
		for i := range w {
			w[i] = 1
		}
		return distributeInt64(a.currency, total.Int64(), w, uint64(n)), nil
	}
	one := big.NewInt(1)
	ints := make([]*big.Int, n)
	for i := range ints {
		ints[i] = one
	}
	return distribute(a.currency, total, ints, big.NewInt(int64(n))), nil
}

const minInt64 = -1 << 63

func absInt64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// scaleWeightsInt64 returns the weights as integers over 10^exp and their
// sum, when all of them and the sum fit in 62 bits.
func scaleWeightsInt64(weights []decimal.Decimal, exp int32) ([]uint64, uint64, bool) {
	out := make([]uint64, len(weights))
	var sum uint64
	for i, w := range weights {
		shift := int64(w.Exponent()) - int64(exp)
		if int64(w.NumDigits())+shift > maxInt64Digits {
			return nil, 0, false
		}
		out[i] = uint64(w.CoefficientInt64()) * uint64(pow10Int64[shift])
		sum += out[i]
		if sum >= 1<<62 {
			return nil, 0, false
		}
	}
	return out, sum, true
}

// distributeInt64 is distribute for totals and weights whose products fit
// in 62 bits.
func distributeInt64(c Currency, total int64, weights []uint64, sum uint64) []Amount {
	abs := absInt64(total)
	units := make([]uint64, len(weights))
	remainders := make([]uint64, len(weights))
	var given uint64
	for i, w := range weights {
		units[i], remainders[i] = abs*w/sum, abs*w%sum
		given += units[i]
	}
	for _, i := range largestRemainders(len(weights), int(abs-given), func(x, y int) int {
		switch {
		case remainders[x] > remainders[y]:
			return -1
		case remainders[x] < remainders[y]:
			return 1
		}
		return 0
	}) {
		units[i]++
	}
	parts := make([]Amount, len(units))
	for i, u := range units {
		v := int64(u)
		if total < 0 {
			v = -v
		}
		parts[i] = Amount{value: decimal.New(v, -c.digits), currency: c}
	}
	return parts
}

// distribute spreads total minor units over integer weights with the given
// positive sum.
func distribute(c Currency, total *big.Int, weights []*big.Int, sum *big.Int) []Amount {
	abs := new(big.Int).Abs(total)
	units := make([]*big.Int, len(weights))
	remainders := make([]*big.Int, len(weights))
	given := new(big.Int)
	for i, w := range weights {
		units[i], remainders[i] = new(big.Int).QuoRem(new(big.Int).Mul(abs, w), sum, new(big.Int))
		given.Add(given, units[i])
	}
	// Fewer than len(weights) units are left over, so this fits in an int.
	left := int(given.Sub(abs, given).Int64())
	one := big.NewInt(1)
	for _, i := range largestRemainders(len(weights), left, func(x, y int) int {
		return remainders[y].Cmp(remainders[x])
	}) {
		units[i].Add(units[i], one)
	}
	parts := make([]Amount, len(units))
	for i, u := range units {
		if total.Sign() < 0 {
			u.Neg(u)
		}
		parts[i] = Amount{value: decimal.NewFromBigInt(u, -c.digits), currency: c}
	}
	return parts
}

// largestRemainders returns the indices of the left parts that get one more
// minor unit: those with the largest remainders (cmp orders larger first),
// the earliest index first among equals.
func largestRemainders(n, left int, cmp func(x, y int) int) []int {
	if left <= 0 {
		return nil
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		if c := cmp(x, y); c != 0 {
			return c
		}
		return x - y
	})
	return order[:left]
}
