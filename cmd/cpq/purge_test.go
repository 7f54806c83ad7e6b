package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/store"
	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/sqlite"
)

func TestPurgeSessions(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSessions()
	_, err := s.Put(ctx, "acme", "old", []byte("x"), 0)
	require.NoError(t, err)
	time.Sleep(20 * time.Millisecond)

	var out bytes.Buffer
	stop := purgeSessions(ctx, s, 5*time.Millisecond, 10*time.Millisecond, &out)
	// The first purge runs at once: the old session goes.
	require.Eventually(t, func() bool {
		_, _, err := s.Get(ctx, "acme", "old")
		return err != nil
	}, time.Second, time.Millisecond)
	// A later one removes a session once it is older than the age.
	_, err = s.Put(ctx, "acme", "new", []byte("y"), 0)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, _, err := s.Get(ctx, "acme", "new")
		return err != nil
	}, time.Second, time.Millisecond)
	stop()
	_, _, err = s.Get(ctx, "acme", "old")
	assert.ErrorIs(t, err, store.ErrSessionNotFound)
	assert.Empty(t, out.String())
}

// failingPurger fails every purge.
type failingPurger struct{}

func (failingPurger) Purge(context.Context, time.Time) (int, error) {
	return 0, io.ErrUnexpectedEOF
}

func TestPurgeSessionsReportsFailures(t *testing.T) {
	var out lockedBuffer
	stop := purgeSessions(context.Background(), failingPurger{}, time.Hour, time.Hour, &out)
	require.Eventually(t, func() bool { return out.String() != "" }, time.Second, time.Millisecond)
	stop()
	assert.Equal(t, "purging configuration sessions: unexpected EOF\n", out.String())
}

// TestServeKeepsSessionsInSQLite starts a session through cpq serve and
// finds it in the SQLite database, where another process would.
func TestServeKeepsSessionsInSQLite(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	secret := []byte("serve-sessions-secret-0123456789")
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveOptions{Addr: "127.0.0.1:0", Dir: dir, Secret: secret, Ready: func(a net.Addr) { ready <- a }}, io.Discard)
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	token := (&cpqhttp.TokenAuthenticator{Secret: secret}).Issue(cpqhttp.Identity{Tenant: serveTenant, User: "alice"}, time.Now().Add(time.Hour))
	req, err := http.NewRequest("POST", "http://"+addr.String()+"/v1/sessions", strings.NewReader(`{"product":"SRV-R2"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/v1/sessions/")
	require.NotEmpty(t, id)

	db, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "cpq.db")})
	require.NoError(t, err)
	defer db.Close()
	state, version, err := db.Sessions().Get(ctx, serveTenant, id)
	require.NoError(t, err)
	assert.Equal(t, int64(1), version)
	assert.Contains(t, string(state), `"SRV-R2"`)

	cancel()
	require.NoError(t, <-done)
}
