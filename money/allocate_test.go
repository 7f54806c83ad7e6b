package money

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func partStrings(parts []Amount) []string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = p.String()
	}
	return s
}

func decs(ss ...string) []decimal.Decimal {
	d := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		d[i] = dec(s)
	}
	return d
}

func TestAllocate(t *testing.T) {
	// Worked by hand: exact shares, floors, leftover units to the largest
	// remainders, earliest index first among equals.
	tests := []struct {
		name         string
		amount, code string
		weights      []string
		want         []string
	}{
		{"thirds", "100.00", "EUR", []string{"1", "1", "1"}, []string{"33.34 EUR", "33.33 EUR", "33.33 EUR"}},
		{"thirds yen", "100", "JPY", []string{"1", "1", "1"}, []string{"34 JPY", "33 JPY", "33 JPY"}},
		{"negative thirds", "-100.00", "EUR", []string{"1", "1", "1"}, []string{"-33.34 EUR", "-33.33 EUR", "-33.33 EUR"}},
		// 5 cents as 1.5 and 3.5: equal remainders, earliest index wins.
		{"tie", "0.05", "EUR", []string{"3", "7"}, []string{"0.02 EUR", "0.03 EUR"}},
		// 1001 units as 500.5, 250.25, 250.25.
		{"fractions", "10.01", "EUR", []string{"0.5", "0.25", "0.25"}, []string{"5.01 EUR", "2.50 EUR", "2.50 EUR"}},
		// 1 unit as 0, 0.5, 0.5.
		{"zero weight", "0.01", "EUR", []string{"0", "1", "1"}, []string{"0.00 EUR", "0.01 EUR", "0.00 EUR"}},
		// 10 units as 1.6667, 3.3333, 5: remainders 2/3 and 1/3; index 0 gets the unit.
		{"largest remainder not first", "10", "JPY", []string{"1", "2", "3"}, []string{"2 JPY", "3 JPY", "5 JPY"}},
		// 7 units as 0.7, 2.8, 3.5: floors 0, 2, 3; 2 left, to remainders 0.8 and 0.7.
		{"two leftovers", "0.007", "KWD", []string{"10", "40", "50"}, []string{"0.001 KWD", "0.003 KWD", "0.003 KWD"}},
		{"exact", "90.00", "EUR", []string{"2", "1"}, []string{"60.00 EUR", "30.00 EUR"}},
		{"zero amount", "0", "EUR", []string{"1", "2"}, []string{"0.00 EUR", "0.00 EUR"}},
		{"one weight", "12.34", "USD", []string{"0.001"}, []string{"12.34 USD"}},
		{"trailing zeros", "1.500", "EUR", []string{"1", "1"}, []string{"0.75 EUR", "0.75 EUR"}},
	}
	for _, tc := range tests {
		parts, err := Allocate(MustParse(tc.amount, tc.code), decs(tc.weights...))
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, partStrings(parts), tc.name)
	}
}

func TestAllocateErrors(t *testing.T) {
	eur := MustParse("10.00", "EUR")
	_, err := Allocate(eur, decs("0", "0"))
	require.ErrorIs(t, err, ErrInvalidWeights)
	assert.EqualError(t, err, "allocate 10.00 EUR: invalid allocation weights: all weights are zero")
	_, err = Allocate(eur, decs("1", "-1", "2"))
	require.ErrorIs(t, err, ErrInvalidWeights)
	assert.EqualError(t, err, "allocate 10.00 EUR: invalid allocation weights: weight 1 is negative (-1)")
	_, err = Allocate(eur, nil)
	require.ErrorIs(t, err, ErrInvalidWeights)
	_, err = Allocate(MustParse("10.005", "EUR"), decs("1"))
	require.ErrorIs(t, err, ErrSubMinorUnit)
	_, err = Allocate(Amount{}, decs("1"))
	require.ErrorIs(t, err, ErrUnknownCurrency)
}

func TestSplit(t *testing.T) {
	tests := []struct {
		amount, code string
		n            int
		want         []string
	}{
		{"100.00", "EUR", 3, []string{"33.34 EUR", "33.33 EUR", "33.33 EUR"}},
		{"0.02", "EUR", 3, []string{"0.01 EUR", "0.01 EUR", "0.00 EUR"}},
		{"1000", "JPY", 7, []string{"143 JPY", "143 JPY", "143 JPY", "143 JPY", "143 JPY", "143 JPY", "142 JPY"}},
		{"-10.00", "USD", 4, []string{"-2.50 USD", "-2.50 USD", "-2.50 USD", "-2.50 USD"}},
		{"-0.05", "USD", 2, []string{"-0.03 USD", "-0.02 USD"}},
		{"5.55", "EUR", 1, []string{"5.55 EUR"}},
	}
	for _, tc := range tests {
		parts, err := Split(MustParse(tc.amount, tc.code), tc.n)
		require.NoError(t, err)
		assert.Equal(t, tc.want, partStrings(parts), "%s %s in %d", tc.amount, tc.code, tc.n)
	}
	_, err := Split(MustParse("1", "EUR"), 0)
	require.ErrorIs(t, err, ErrInvalidWeights)
	_, err = Split(MustParse("1.001", "EUR"), 2)
	require.ErrorIs(t, err, ErrSubMinorUnit)
}

// TestAllocateProperties checks, on many seeded random cases, that the parts
// add up to the whole exactly and that each part is its exact proportional
// share rounded down or up (so within one minor unit of it), using rational
// arithmetic independent of the implementation.
func TestAllocateProperties(t *testing.T) {
	rng := newTestRand(42)
	codes := []string{"EUR", "JPY", "KWD", "CLF"}
	for i := range 3000 {
		code := codes[rng.IntN(len(codes))]
		cur := MustCurrency(code)
		units := rng.Int64N(2_000_000_001) - 1_000_000_000
		if i%50 == 0 {
			units = rng.Int64N(20) - 10 // fewer units than parts
		}
		amount := decimal.New(units, -cur.Digits())
		if i%97 == 0 {
			// Beyond int64 minor units.
			amount = amount.Mul(decimal.New(1, 15))
		}
		n := 1 + rng.IntN(30)
		weights := make([]decimal.Decimal, n)
		for j := range weights {
			switch rng.IntN(5) {
			case 0:
				weights[j] = decimal.Zero
			default:
				weights[j] = decimal.New(rng.Int64N(100_000), -int32(rng.IntN(5)))
			}
		}
		if !anyPositive(weights) {
			weights[rng.IntN(n)] = decimal.NewFromInt(1)
		}
		a := cur.Amount(amount)
		parts, err := Allocate(a, weights)
		require.NoError(t, err)
		require.Len(t, parts, n)

		total, err := Sum(parts)
		require.NoError(t, err)
		require.True(t, total.Equal(a), "case %d: parts add up to %s, want %s", i, total, a)

		var wsum big.Rat
		for _, w := range weights {
			wsum.Add(&wsum, w.Rat())
		}
		unit := decimal.New(1, -cur.Digits()).Rat()
		for j, p := range parts {
			require.Equal(t, cur, p.Currency())
			require.True(t, p.IsRounded(), "case %d part %d: %s", i, j, p)
			share := new(big.Rat).Mul(a.Value().Rat(), weights[j].Rat())
			share.Quo(share, &wsum)
			diff := new(big.Rat).Sub(p.Value().Rat(), share)
			require.True(t, diff.Abs(diff).Cmp(unit) < 0, "case %d part %d: %s is not within one minor unit of %s", i, j, p, share.FloatString(8))
			if weights[j].IsZero() {
				require.True(t, p.IsZero(), "case %d part %d: zero weight got %s", i, j, p)
			}
			require.False(t, p.Sign() != 0 && p.Sign() != a.Sign(), "case %d part %d: %s has the wrong sign", i, j, p)
		}

		again, err := Allocate(a, weights)
		require.NoError(t, err)
		require.Equal(t, partStrings(parts), partStrings(again), "case %d: allocation is deterministic", i)
	}
}

func anyPositive(ds []decimal.Decimal) bool {
	for _, d := range ds {
		if d.Sign() > 0 {
			return true
		}
	}
	return false
}

// TestDistributePathsAgree checks that the int64 fast path and the
// big-integer path allocate identically.
func TestDistributePathsAgree(t *testing.T) {
	rng := newTestRand(99)
	eur := MustCurrency("EUR")
	for i := range 2000 {
		total := rng.Int64N(2_000_001) - 1_000_000
		n := 1 + rng.IntN(20)
		w64 := make([]uint64, n)
		wBig := make([]*big.Int, n)
		var sum uint64
		for j := range w64 {
			w64[j] = uint64(rng.Int64N(1000))
			wBig[j] = new(big.Int).SetUint64(w64[j])
			sum += w64[j]
		}
		if sum == 0 {
			continue
		}
		fast := distributeInt64(eur, total, w64, sum)
		slow := distribute(eur, big.NewInt(total), wBig, new(big.Int).SetUint64(sum))
		require.Equal(t, partStrings(slow), partStrings(fast), "case %d", i)
	}
}
