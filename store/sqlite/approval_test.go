package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/store/storetest"
)

func TestApprovalConformance(t *testing.T) {
	storetest.RunApproval(t, func(tb testing.TB) storetest.ApprovalStore {
		return open(tb, filepath.Join(tb.TempDir(), "cpq.db"))
	})
}

// TestAuditTrailIsAppendOnly: the database itself refuses to change or
// remove an audit record, whoever asks.
func TestAuditTrailIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cpq.db")
	s := open(t, path)
	require.NoError(t, s.Append(ctx, approval.Record{Tenant: "acme", Quote: "q-1", Actor: "mia", Action: approval.ActionApproved, At: storetest.T0}))
	db := rawDB(t, path)
	_, err := db.Exec(`UPDATE approval_audit SET document = '{}'`)
	assert.ErrorContains(t, err, "append-only")
	_, err = db.Exec(`DELETE FROM approval_audit`)
	assert.ErrorContains(t, err, "append-only")
	rs, err := s.Trail(ctx, "acme", "q-1")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, "mia", rs[0].Actor)
}

// migrations counts the migrations the package embeds: the schema version
// a fresh database reaches.
func migrations(t testing.TB) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return len(files)
}
