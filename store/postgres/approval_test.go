package postgres_test

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
	pool := testPool(t)
	storetest.RunApproval(t, func(tb testing.TB) storetest.ApprovalStore { return open(tb, pool) })
}

// TestAuditTrailIsAppendOnly: the database itself refuses to change,
// remove or truncate audit records, whoever asks.
func TestAuditTrailIsAppendOnly(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	s, schema := openSchema(t, pool)
	require.NoError(t, s.Append(ctx, approval.Record{Tenant: "acme", Quote: "q-1", Actor: "mia", Action: approval.ActionApproved, At: storetest.T0}))
	for _, stmt := range []string{
		`UPDATE ` + schema + `.approval_audit SET document = '{}'`,
		`DELETE FROM ` + schema + `.approval_audit`,
		`TRUNCATE ` + schema + `.approval_audit`,
	} {
		_, err := pool.Exec(ctx, stmt)
		assert.ErrorContains(t, err, "append-only", stmt)
	}
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
