package memory

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/store"
)

// With ExpireAfter(10h), writes remove the sessions unwritten for 10
// hours, at most once an hour (a tenth of 10 hours).
func TestSessionsExpire(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	at := start
	m := NewSessions()
	m.now = func() time.Time { return at }
	m.ExpireAfter(10 * time.Hour)
	put := func(after time.Duration, id string) {
		t.Helper()
		at = start.Add(after)
		_, err := m.Put(ctx, "acme", id, []byte("1"), 0)
		require.NoError(t, err)
	}
	alive := func(id string) bool {
		_, _, err := m.Get(ctx, "acme", id)
		if err != nil {
			require.ErrorIs(t, err, store.ErrSessionNotFound)
		}
		return err == nil
	}
	put(0, "old")
	put(5*time.Hour, "kept")
	put(10*time.Hour+30*time.Minute, "a") // removes "old", written 10 h 30 min ago
	assert.False(t, alive("old"))
	assert.True(t, alive("kept"))

	put(15*time.Hour+20*time.Minute, "b") // "kept" expired at 15 h; the last removal was 4 h 50 min ago
	assert.False(t, alive("kept"))
	put(15*time.Hour+30*time.Minute, "c")
	put(20*time.Hour+40*time.Minute, "d") // "a" expired at 20 h 30 min; last removal 5 h 20 min ago
	assert.False(t, alive("a"))
	put(25*time.Hour+30*time.Minute, "e") // "b" expired at 25 h 20 min, "c" at 25 h 30 min; removal 4 h 50 min ago
	assert.False(t, alive("b"))
	put(25*time.Hour+45*time.Minute, "f") // "c" expired, but the last removal was 15 min ago
	assert.True(t, alive("c"), "removals run at most once an hour")
	put(26*time.Hour+45*time.Minute, "g")
	assert.False(t, alive("c"))
	for _, id := range []string{"d", "e", "f", "g"} {
		assert.True(t, alive(id), id)
	}
}
