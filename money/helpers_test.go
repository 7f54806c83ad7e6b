package money

import (
	"math/rand/v2"

	"github.com/shopspring/decimal"
)

// newTestRand returns a deterministic random source, so property tests
// check the same cases on every run.
func newTestRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
