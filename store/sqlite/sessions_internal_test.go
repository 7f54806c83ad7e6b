package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionCommitsKeepQuotesSynced checks that the writer connection,
// which session commits run with relaxed sync, has the store's full sync
// back for the quotes once they are done.
func TestSessionCommitsKeepQuotesSynced(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		relaxed bool
		want    int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{{false, 2}, {true, 1}} {
		s, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "cpq.db"), RelaxedSync: tc.relaxed})
		require.NoError(t, err)
		for v := range int64(3) {
			_, err := s.Sessions().Put(ctx, "acme", "s-1", []byte("state"), v)
			require.NoError(t, err)
		}
		var got int
		require.NoError(t, s.writer.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got))
		assert.Equal(t, tc.want, got, "relaxed %v", tc.relaxed)
		require.NoError(t, s.Close())
	}
}
