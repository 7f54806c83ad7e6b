package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkLoadReport checks what every load test must show: no errors,
// every kind of request made, the totals adding up and the percentiles in
// order.
func checkLoadReport(t *testing.T, r *loadReport, sessions int) {
	t.Helper()
	require.Len(t, r.Kinds, len(loadKinds)+1)
	total, byKind := 0, map[string]loadKindReport{}
	for i, k := range r.Kinds[:len(loadKinds)] {
		assert.Equal(t, loadKinds[i], k.Kind)
		assert.Positive(t, k.Requests, "%s requests", k.Kind)
		assert.Zero(t, k.Errors, "%s errors", k.Kind)
		assert.True(t, k.P50 <= k.P90 && k.P90 <= k.P99 && k.P99 <= k.Max && k.P50 > 0, "%s: %+v", k.Kind, k)
		total += k.Requests
		byKind[k.Kind] = k
	}
	all := r.Kinds[len(loadKinds)]
	assert.Equal(t, "all", all.Kind)
	assert.Equal(t, total, all.Requests)
	assert.Zero(t, all.Errors)
	assert.InDelta(t, float64(total)/r.Duration.Seconds(), all.PerSec, 0.01*all.PerSec)
	assert.Empty(t, r.FirstErrors)
	// Each salesperson created one session, and another after each
	// configuration it completed.
	assert.Positive(t, r.Completed)
	assert.Equal(t, sessions+r.Completed, byKind[kindCreate].Requests)
	assert.Positive(t, r.HeapInUse)
	assert.GreaterOrEqual(t, r.HeapInUsePeak, r.HeapInUse)
	assert.Positive(t, r.RSS)
	assert.GreaterOrEqual(t, r.RSSPeak, r.RSS)
}

func TestLoadTestSQLite(t *testing.T) {
	dir := t.TempDir()
	opts := loadOptions{Sessions: 4, Duration: time.Second, Seed: 7, Dir: dir}
	var progress bytes.Buffer
	r, err := loadTest(context.Background(), opts, &progress)
	require.NoError(t, err)
	checkLoadReport(t, r, opts.Sessions)
	assert.Equal(t, "sqlite", r.Store)
	assert.Contains(t, progress.String(), "4 sessions for 1s on http://127.0.0.1:")

	// Every session created is in the database, besides the warm-up's.
	db, err := sql.Open("sqlite", filepath.Join(dir, "cpq.db"))
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n))
	assert.Equal(t, r.Kinds[0].Requests+1, n)
}

func TestLoadTestMemoryJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"loadtest", "--sessions", "3", "--duration", "1s", "--think", "1ms", "--memory-sessions", "--json"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	var r loadReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	checkLoadReport(t, &r, 3)
	assert.Equal(t, "memory", r.Store)
	assert.Equal(t, time.Millisecond, r.Think)
	assert.Equal(t, 3, r.Sessions)
}

func TestLoadTestText(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"loadtest", "--sessions", "2", "--duration", "500ms", "--think", "0", "--memory-sessions"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	for _, want := range []string{"2 sessions of SRV-R2", "request", "create", "choose", "withdraw", "explain", "all", "configurations completed:", "Go heap in use", "RSS"} {
		assert.Contains(t, out.String(), want)
	}
}

func TestLoadTestUsage(t *testing.T) {
	for _, args := range [][]string{{"--sessions", "0"}, {"--duration", "0s"}, {"extra"}} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(append([]string{"loadtest"}, args...), &out, &errOut), args)
		assert.Contains(t, errOut.String(), "usage: cpq loadtest")
	}
}
