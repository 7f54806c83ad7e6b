package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/internal/sample"
	"github.com/cpqkit/cpq/quote"
)

// Store is what the suite checks: a quote repository with transactions and
// the consumer side of the outbox.
type Store interface {
	quote.Repository
	quote.Transactor
	quote.Outbox
}

// Run runs the conformance suite. newStore returns a fresh, empty store
// for each subtest and arranges its clean-up with t.Cleanup.
func Run(t *testing.T, newStore func(t testing.TB) Store) {
	t.Helper()
	groups := []struct {
		name  string
		tests []subtest[Store]
	}{
		{"Repository", repositoryTests},
		{"List", listTests},
		{"Tenants", tenantTests},
		{"Tx", txTests},
		{"Concurrency", concurrencyTests},
		{"Outbox", outboxTests},
		{"Seal", sealTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { runSubtests(t, g.tests, newStore) })
	}
}

// subtest is one test of a suite over stores of type S.
type subtest[S any] struct {
	name string
	run  func(t *testing.T, s S)
}

// runSubtests runs each test as a subtest of t on a fresh store.
func runSubtests[S any](t *testing.T, tests []subtest[S], newStore func(t testing.TB) S) {
	t.Helper()
	for _, st := range tests {
		t.Run(st.name, func(t *testing.T) { st.run(t, newStore(t)) })
	}
}

// T0 is the time the suite's quotes and events are made at.
var T0 = sample.T0

// create stores quotes in one transaction.
func create(t testing.TB, s Store, qs ...*quote.Quote) {
	t.Helper()
	err := s.InTx(context.Background(), func(tx quote.Tx) error {
		for _, q := range qs {
			if err := tx.Create(context.Background(), q); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// encode is a quote as a user would compare it: every field, with
// decimals and times as JSON writes them.
func encode(t testing.TB, q *quote.Quote) string {
	t.Helper()
	b, err := json.Marshal(q)
	require.NoError(t, err)
	return string(b)
}

// requireSame fails unless got holds exactly what want holds, and both
// have the same content seal.
func requireSame(t testing.TB, want, got *quote.Quote) {
	t.Helper()
	require.NotNil(t, got)
	require.JSONEq(t, encode(t, want), encode(t, got))
	require.Equal(t, want.ComputeSeal(), got.ComputeSeal(), "seal")
}

func numbers(qs []*quote.Quote) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Number
	}
	return out
}

// listAll pages through a listing and returns the numbers in order.
func listAll(t testing.TB, s quote.Repository, tenant string, f quote.Filter) []string {
	t.Helper()
	all := []string{}
	for range 10_000 {
		p, err := s.List(context.Background(), tenant, f)
		require.NoError(t, err)
		all = append(all, numbers(p.Quotes)...)
		if p.Next == "" {
			return all
		}
		require.NotEmpty(t, p.Quotes, "a page with a next cursor must not be empty")
		f.Cursor = p.Next
	}
	t.Fatal("listing did not end")
	return nil
}

func requireIs(t testing.TB, err, target error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Truef(t, errors.Is(err, target), "error %q is not %q %s", err, target, fmt.Sprint(msgAndArgs...))
}

func assertIs(t testing.TB, err, target error, msgAndArgs ...any) bool {
	t.Helper()
	if !assert.Error(t, err, msgAndArgs...) {
		return false
	}
	return assert.Truef(t, errors.Is(err, target), "error %q is not %q %s", err, target, fmt.Sprint(msgAndArgs...))
}
