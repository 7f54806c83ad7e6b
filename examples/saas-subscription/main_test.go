package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(context.Background(), &buf))
	out := buf.String()
	t.Log("\n" + out)

	// 120 seats a month in graduated tiers, seats 51–250 at 6 off:
	// 120 × 45 − 70 × 6 = 5400 − 420 = 4980 USD; API access 500 a month; onboarding of 120 seats is
	// the 101–500 block, 15000 once.
	//   12 months: seats 4980 × 12 = 59760, API 6000; MRR 4980 + 500 =
	//              5480, ARR 65760, TCV 59760 + 6000 + 15000 = 80760.
	//   24 months: 5 % off: seats 4980 × 24 × 0.95 = 113544, API 500 × 24
	//              × 0.95 = 11400; MRR 113544 / 24 + 11400 / 24 = 4731 +
	//              475 = 5206, ARR 62472, TCV 113544 + 11400 + 15000 = 139944.
	//   36 months: 10 % off: seats 4980 × 36 × 0.90 = 161352, API 18000 ×
	//              0.90 = 16200; MRR 4482 + 450 = 4932, ARR 59184,
	//              TCV 161352 + 16200 + 15000 = 192552.
	assert.Equal(t, []string{"12", "months", "59760.00", "6000.00", "15000.00", "none", "5480.00", "65760.00", "80760.00"}, row(t, out, "12"))
	assert.Equal(t, []string{"24", "months", "113544.00", "11400.00", "15000.00", "5", "%", "5206.00", "62472.00", "139944.00"}, row(t, out, "24"))
	assert.Equal(t, []string{"36", "months", "161352.00", "16200.00", "15000.00", "10", "%", "4932.00", "59184.00", "192552.00"}, row(t, out, "36"))

	// 2026-04-15 to 2026-12-31: 8 whole months to 2026-12-14, then the 17
	// days from 12-15 to 12-31 over the 31 days of that period: 8 + 17/31 =
	// 8.548387096774 months. Listed at 30 × 45 = 1350 a month: 1350 ×
	// 8.548387096774 = 11540.32; seats 121–150 are in the 51–250 tier,
	// 6 off each: 1350 − 30 × 6 = 1170 a month × 8.548387096774 =
	// 10001.6129… → 10001.61.
	// MRR 10001.61 / 8.548387096774 = 1169.9996… → 1170.00, ARR 14040.
	assert.Contains(t, out, "  term 8.548387096774 months, prorated by_day\n")
	assert.Contains(t, out, "  list 1350.00 → proration 11540.32 → schedule seat_tiers 10001.61 → rounding 10001.61\n")
	assert.Contains(t, out, "graduated: 30 at 6.00 USD\n")
	assert.Contains(t, out, "  net 10001.61 USD, MRR 1170.00 USD, ARR 14040.00 USD\n")

	// In euros a seat is 42 a month, EU residency 3 more: 150 × 45 = 6750
	// a month, × 12 = 81000; the 5 % renewal uplift: 85050; a 12-month
	// term has no term discount. MRR 85050 / 12 = 7087.50.
	assert.Contains(t, out, "  list 6300.00 → surcharge eu_residency 6750.00 → proration 81000.00 → uplift 85050.00\n")
	assert.Contains(t, out, "  net 85050.00 EUR, MRR 7087.50 EUR, ARR 85050.00 EUR, TCV 85050.00 EUR\n")
}

// row returns the fields of the first output line whose first field is
// first.
func row(t *testing.T, out, first string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == first {
			return f
		}
	}
	t.Fatalf("no line starts with %q", first)
	return nil
}
