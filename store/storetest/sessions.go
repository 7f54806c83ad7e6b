package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/store"
)

// SessionStore is what RunSessions checks: a store of configuration
// sessions, each an opaque state with a version, kept per tenant. It is
// cpqhttp.SessionStore (Get and Put) with the upkeep a server needs
// (Delete and Purge).
type SessionStore interface {
	// Get returns a session's state and its version, or an error wrapping
	// store.ErrSessionNotFound.
	Get(ctx context.Context, tenant, id string) ([]byte, int64, error)
	// Put stores a session's state if its version is still version (zero:
	// the session must not exist yet) and returns the new version, one
	// more. A stale version fails with an error wrapping
	// store.ErrSessionConflict, a version above zero of a session that
	// does not exist with one wrapping store.ErrSessionNotFound; either
	// way nothing is written.
	Put(ctx context.Context, tenant, id string, state []byte, version int64) (int64, error)
	// Delete removes a session, or fails with an error wrapping
	// store.ErrSessionNotFound.
	Delete(ctx context.Context, tenant, id string) error
	// Purge removes the sessions of every tenant last written before the
	// time and returns how many it removed.
	Purge(ctx context.Context, before time.Time) (int, error)
}

// RunSessions runs the conformance suite of a session store: states read
// back byte for byte, versions (creating twice, stale and future versions
// refused without writing), unknown sessions, deletion, purging by the
// time of the last write, tenant isolation, copies rather than shared
// slices, refused keys and cancelled contexts, and concurrent writers:
// exactly one winner among writes of one version or creates of one ID,
// and no lost update among writers that read again after a conflict.
// newSessions returns a fresh, empty store for each subtest and arranges
// its clean-up with t.Cleanup.
func RunSessions(t *testing.T, newSessions func(t testing.TB) SessionStore) {
	t.Helper()
	runSubtests(t, sessionTests, newSessions)
}

var sessionTests = []subtest[SessionStore]{
	{"CreateAndRead", testSessionCreateAndRead},
	{"CreateRefusedWhenExists", testSessionCreateTwice},
	{"UpdateIsOptimistic", testSessionUpdate},
	{"Unknown", testSessionUnknown},
	{"Delete", testSessionDelete},
	{"Purge", testSessionPurge},
	{"Tenants", testSessionTenants},
	{"Copies", testSessionCopies},
	{"RefusesBadKeys", testSessionBadKeys},
	{"CancelledContext", testSessionCancelled},
	{"OneWinnerPerVersion", testSessionOneWinner},
	{"ConcurrentCreates", testSessionConcurrentCreates},
	{"NoLostUpdates", testSessionNoLostUpdates},
}

// sessionState is a state a store could get wrong: bytes that are not
// UTF-8, a NUL, text in several scripts.
var sessionState = []byte("{\"product\":\"SRV-R2\",\"note\":\"Prüfung — 配置\"}\x00\xff\xfe\x01")

func putSession(t testing.TB, s SessionStore, tenant, id string, state []byte, version int64) int64 {
	t.Helper()
	v, err := s.Put(context.Background(), tenant, id, state, version)
	require.NoError(t, err, "put %s/%s at version %d", tenant, id, version)
	require.Equal(t, version+1, v, "put %s/%s at version %d", tenant, id, version)
	return v
}

// requireSession fails unless the session holds exactly state at version.
func requireSession(t testing.TB, s SessionStore, tenant, id string, state []byte, version int64) {
	t.Helper()
	got, v, err := s.Get(context.Background(), tenant, id)
	require.NoError(t, err, "get %s/%s", tenant, id)
	require.Equal(t, version, v, "version of %s/%s", tenant, id)
	require.True(t, bytes.Equal(state, got), "state of %s/%s: got %q, want %q", tenant, id, got, state)
}

func requireNoSession(t testing.TB, s SessionStore, tenant, id string) {
	t.Helper()
	_, _, err := s.Get(context.Background(), tenant, id)
	requireIs(t, err, store.ErrSessionNotFound, "get "+tenant+"/"+id)
}

func testSessionCreateAndRead(t *testing.T, s SessionStore) {
	putSession(t, s, acme, "s-1", sessionState, 0)
	requireSession(t, s, acme, "s-1", sessionState, 1)

	// A large state (1 MiB of every byte value) and an empty one.
	large := make([]byte, 1<<20)
	for i := range large {
		large[i] = byte(i * 7)
	}
	putSession(t, s, acme, "s-large", large, 0)
	requireSession(t, s, acme, "s-large", large, 1)
	putSession(t, s, acme, "s-empty", nil, 0)
	got, v, err := s.Get(context.Background(), acme, "s-empty")
	require.NoError(t, err)
	assert.Equal(t, int64(1), v)
	assert.Empty(t, got)
}

func testSessionCreateTwice(t *testing.T, s SessionStore) {
	putSession(t, s, acme, "s-1", sessionState, 0)
	_, err := s.Put(context.Background(), acme, "s-1", []byte("another"), 0)
	requireIs(t, err, store.ErrSessionConflict, "second create")
	requireSession(t, s, acme, "s-1", sessionState, 1)
}

func testSessionUpdate(t *testing.T, s SessionStore) {
	ctx := context.Background()
	putSession(t, s, acme, "s-1", []byte("one"), 0)
	putSession(t, s, acme, "s-1", []byte("two"), 1)
	requireSession(t, s, acme, "s-1", []byte("two"), 2)

	// A stale version and one the session never had are refused and
	// write nothing.
	for _, version := range []int64{1, 3, 1000} {
		_, err := s.Put(ctx, acme, "s-1", []byte("stale"), version)
		requireIs(t, err, store.ErrSessionConflict, fmt.Sprintf("put at version %d", version))
	}
	requireSession(t, s, acme, "s-1", []byte("two"), 2)

	putSession(t, s, acme, "s-1", []byte("three"), 2)
	requireSession(t, s, acme, "s-1", []byte("three"), 3)
}

func testSessionUnknown(t *testing.T, s SessionStore) {
	ctx := context.Background()
	requireNoSession(t, s, acme, "nope")
	_, err := s.Put(ctx, acme, "nope", []byte("x"), 1)
	requireIs(t, err, store.ErrSessionNotFound, "put at version 1 of an unknown session")
	requireNoSession(t, s, acme, "nope")
	requireIs(t, s.Delete(ctx, acme, "nope"), store.ErrSessionNotFound, "delete of an unknown session")
}

func testSessionDelete(t *testing.T, s SessionStore) {
	ctx := context.Background()
	putSession(t, s, acme, "s-1", []byte("one"), 0)
	putSession(t, s, acme, "s-2", []byte("two"), 0)
	require.NoError(t, s.Delete(ctx, acme, "s-1"))
	requireNoSession(t, s, acme, "s-1")
	requireSession(t, s, acme, "s-2", []byte("two"), 1)
	requireIs(t, s.Delete(ctx, acme, "s-1"), store.ErrSessionNotFound, "second delete")

	// A deleted session is not written by its old version; it can be
	// created again.
	_, err := s.Put(ctx, acme, "s-1", []byte("late"), 1)
	requireIs(t, err, store.ErrSessionNotFound, "put after delete")
	putSession(t, s, acme, "s-1", []byte("again"), 0)
	requireSession(t, s, acme, "s-1", []byte("again"), 1)
}

func testSessionPurge(t *testing.T, s SessionStore) {
	ctx := context.Background()
	start := time.Now()
	time.Sleep(5 * time.Millisecond)
	putSession(t, s, acme, "old", []byte("old"), 0)
	putSession(t, s, globex, "old", []byte("old"), 0)
	putSession(t, s, acme, "touched", []byte("v1"), 0)
	n, err := s.Purge(ctx, start)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing was written before the start")

	time.Sleep(5 * time.Millisecond)
	cut := time.Now()
	time.Sleep(5 * time.Millisecond)
	putSession(t, s, acme, "new", []byte("new"), 0)
	putSession(t, s, acme, "touched", []byte("v2"), 1)

	// Purging reads the last write, not the creation, and every tenant.
	n, err = s.Purge(ctx, cut)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	requireNoSession(t, s, acme, "old")
	requireNoSession(t, s, globex, "old")
	requireSession(t, s, acme, "new", []byte("new"), 1)
	requireSession(t, s, acme, "touched", []byte("v2"), 2)
	n, err = s.Purge(ctx, cut)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "purging again finds nothing")

	n, err = s.Purge(ctx, time.Now().Add(time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	requireNoSession(t, s, acme, "new")
	requireNoSession(t, s, acme, "touched")
}

func testSessionTenants(t *testing.T, s SessionStore) {
	ctx := context.Background()
	putSession(t, s, acme, "s-1", []byte("acme's"), 0)
	requireNoSession(t, s, globex, "s-1")

	// Another tenant cannot write, update or delete it, and may have a
	// session of the same ID.
	_, err := s.Put(ctx, globex, "s-1", []byte("globex's"), 1)
	requireIs(t, err, store.ErrSessionNotFound, "globex updating acme's session")
	requireIs(t, s.Delete(ctx, globex, "s-1"), store.ErrSessionNotFound, "globex deleting acme's session")
	putSession(t, s, globex, "s-1", []byte("globex's"), 0)
	putSession(t, s, globex, "s-1", []byte("globex's, again"), 1)
	requireSession(t, s, acme, "s-1", []byte("acme's"), 1)
	requireSession(t, s, globex, "s-1", []byte("globex's, again"), 2)

	require.NoError(t, s.Delete(ctx, globex, "s-1"))
	requireSession(t, s, acme, "s-1", []byte("acme's"), 1)

	// Tenant and ID are two keys, not one string.
	putSession(t, s, "ac", "mes-1", []byte("ac's"), 0)
	requireSession(t, s, acme, "s-1", []byte("acme's"), 1)
}

func testSessionCopies(t *testing.T, s SessionStore) {
	state := []byte("original")
	putSession(t, s, acme, "s-1", state, 0)
	copy(state, "CHANGED!")
	got, _, err := s.Get(context.Background(), acme, "s-1")
	require.NoError(t, err)
	assert.Equal(t, "original", string(got), "the store keeps its own copy of what it was given")
	copy(got, "CHANGED!")
	requireSession(t, s, acme, "s-1", []byte("original"), 1)
}

func testSessionBadKeys(t *testing.T, s SessionStore) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, tenant, id string
		version          int64
	}{
		{"empty ID", acme, "", 0},
		{"empty tenant", "", "s-1", 0},
		{"NUL in the ID", acme, "s\x00-1", 0},
		{"invalid UTF-8 tenant", "ac\xffme", "s-1", 0},
		{"negative version", acme, "s-neg", -1},
	} {
		_, err := s.Put(ctx, tc.tenant, tc.id, []byte("x"), tc.version)
		require.Error(t, err, tc.name)
		assert.False(t, errors.Is(err, store.ErrSessionConflict), "%s: %v is not a conflict", tc.name, err)
		requireNoSession(t, s, tc.tenant, tc.id)
	}
}

func testSessionCancelled(t *testing.T, s SessionStore) {
	putSession(t, s, acme, "s-1", []byte("one"), 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Put(ctx, acme, "s-2", []byte("two"), 0)
	require.Error(t, err)
	_, err = s.Put(ctx, acme, "s-1", []byte("changed"), 1)
	require.Error(t, err)
	_, _, err = s.Get(ctx, acme, "s-1")
	require.Error(t, err)
	requireNoSession(t, s, acme, "s-2")
	requireSession(t, s, acme, "s-1", []byte("one"), 1)
}

// race runs f(i) for i in [0, Writers) at once and returns the errors.
func race(f func(i int) error) []error {
	errs := make([]error, Writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Writers {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner returns the index of the only nil error, failing unless every
// other error wraps store.ErrSessionConflict.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, err, store.ErrSessionConflict, "writer %d", i)
	}
	require.NotEqual(t, -1, winner, "nobody won")
	return winner
}

func testSessionOneWinner(t *testing.T, s SessionStore) {
	putSession(t, s, acme, "s-1", []byte("base"), 0)
	versions := make([]int64, Writers)
	errs := race(func(i int) error {
		var err error
		versions[i], err = s.Put(context.Background(), acme, "s-1", fmt.Appendf(nil, "writer %d", i), 1)
		return err
	})
	winner := oneWinner(t, errs)
	assert.Equal(t, int64(2), versions[winner])
	requireSession(t, s, acme, "s-1", fmt.Appendf(nil, "writer %d", winner), 2)
}

func testSessionConcurrentCreates(t *testing.T, s SessionStore) {
	errs := race(func(i int) error {
		_, err := s.Put(context.Background(), acme, "s-1", fmt.Appendf(nil, "writer %d", i), 0)
		return err
	})
	winner := oneWinner(t, errs)
	requireSession(t, s, acme, "s-1", fmt.Appendf(nil, "writer %d", winner), 1)
}

// testSessionNoLostUpdates runs Writers goroutines that each add their
// mark to one session, reading again after every conflict: in the end
// every mark is there once and the version counts every write.
func testSessionNoLostUpdates(t *testing.T, s SessionStore) {
	ctx := context.Background()
	putSession(t, s, acme, "s-1", []byte("start"), 0)
	errs := race(func(i int) error {
		for range 10 * Writers {
			state, version, err := s.Get(ctx, acme, "s-1")
			if err != nil {
				return err
			}
			state = fmt.Appendf(state, "\nw-%02d", i)
			_, err = s.Put(ctx, acme, "s-1", state, version)
			if !errors.Is(err, store.ErrSessionConflict) {
				return err
			}
		}
		return fmt.Errorf("writer %d gave up", i)
	})
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
	}
	state, version, err := s.Get(ctx, acme, "s-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1+Writers), version)
	lines := strings.Split(string(state), "\n")
	require.Equal(t, "start", lines[0])
	marks := lines[1:]
	slices.Sort(marks)
	want := make([]string, Writers)
	for i := range want {
		want[i] = fmt.Sprintf("w-%02d", i)
	}
	assert.Equal(t, want, marks, "every writer's mark, once")
}
