package storetest

import (
	"github.com/cpqkit/cpq/internal/sample"
	"github.com/cpqkit/cpq/quote"
)

// SampleQuote returns the n-th sample quote of a tenant, with the given
// number of lines: ID "q-<n>", number "Q-<n, six digits>", a draft of
// revision 1. It is the same on every call, and holds what a store could
// get wrong: exact decimals with trailing zeros and many digits, text in
// several scripts and with characters JSON escapes, times in a non-UTC
// zone, optional and alternative lines, adjustments and waterfalls.
func SampleQuote(tenant string, n, lines int) *quote.Quote { return sample.Quote(tenant, n, lines) }
