package pricing_test

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/pricing"
)

var update = flag.Bool("update", false, "rewrite golden files")

var day = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// engine loads a catalog written as YAML after a common header (ID t,
// version 7, in force from 2026-01-01; the body gives the currency) and
// prepares an engine.
func engine(t testing.TB, body string, opts ...pricing.Options) *pricing.Engine {
	t.Helper()
	src := "id: t\nversion: \"7\"\neffective_from: 2026-01-01\n" + strings.TrimLeft(body, "\n")
	c, err := catalog.Parse([]byte(src), "t.yaml")
	require.NoError(t, err)
	var o pricing.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	e, err := pricing.New(c, o)
	require.NoError(t, err)
	return e
}

// price prices the request (on day unless it has a date) and fails the
// test on error.
func price(t testing.TB, e *pricing.Engine, req pricing.Request) *pricing.Result {
	t.Helper()
	res, err := tryPrice(e, req)
	require.NoError(t, err)
	return res
}

func tryPrice(e *pricing.Engine, req pricing.Request) (*pricing.Result, error) {
	if req.Date.IsZero() {
		req.Date = day
	}
	return e.Price(context.Background(), req)
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal {
	v := d(s)
	return &v
}

func qty(n int64) decimal.Decimal { return decimal.NewFromInt(n) }

// steps lists a line's steps as "kind source before → after".
func steps(l *pricing.PricedLine) []string {
	out := make([]string, len(l.Steps))
	for i, s := range l.Steps {
		out[i] = string(s.Kind) + " " + s.Source + " " + s.Before.String() + " → " + s.After.String()
	}
	return out
}

func assertAmount(t testing.TB, want string, got interface{ String() string }, msg ...any) {
	t.Helper()
	assert.Equal(t, want, got.String(), msg...)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}
