package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for the server and the test to share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// printedToken finds the token serve printed for user.
func printedToken(t *testing.T, out, user string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == user {
			return f[1]
		}
	}
	t.Fatalf("no token printed for %s in:\n%s", user, out)
	return ""
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan net.Addr, 1)
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveOptions{Addr: "127.0.0.1:0", Dir: t.TempDir(), Ready: func(a net.Addr) { ready <- a }}, &out)
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve returned before it was ready: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("serve not ready")
	}
	base := "http://" + addr.String()
	printed := out.String()
	assert.Contains(t, printed, base+"/openapi.json")
	for _, u := range serveDemoUsers {
		printedToken(t, printed, u.ID)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	do := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	code, body := do("GET", "/openapi.json", "", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"openapi"`)

	code, body = do("POST", "/v1/sessions", printedToken(t, printed, "alice"), `{"product":"SRV-R2"}`)
	assert.Equal(t, http.StatusCreated, code, body)
	assert.Contains(t, body, `"product":"SRV-R2"`)

	code, body = do("POST", "/v1/sessions", "", `{"product":"SRV-R2"}`)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, body, "auth.unauthenticated")

	// The web interface, and the sign-in page it sends strangers to.
	code, body = do("GET", "/", "", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `data-login="/login"`)
	code, body = do("GET", "/login", "", "")
	assert.Equal(t, http.StatusOK, code)
	for _, u := range serveDemoUsers {
		assert.Contains(t, body, `data-user="`+u.ID+`"`)
	}

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("serve did not return after cancel")
	}
	assert.Contains(t, out.String(), "shutting down")
}

func TestServeUsage(t *testing.T) {
	code, _, errOut := runCmd("serve", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: cpq serve")
}

// The demo users have no password: serving them where other machines
// reach them takes --remote.
func TestServeLoopbackOnly(t *testing.T) {
	err := serve(context.Background(), serveOptions{Addr: "0.0.0.0:0", Dir: t.TempDir()}, io.Discard)
	assert.ErrorIs(t, err, errRemote)
}
