package cpqhttp_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/store/memory"
)

func TestTokenRoundTrip(t *testing.T) {
	now := time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)
	a := &cpqhttp.TokenAuthenticator{Secret: []byte("secret-secret-secret-secret-1234"), Now: func() time.Time { return now }}
	id := cpqhttp.Identity{Tenant: "acme.eu|x", User: "alice@example.com"}
	token := a.Issue(id, now.Add(time.Minute))

	r, err := http.NewRequest("GET", "/", nil)
	require.NoError(t, err)
	r.Header.Set("Authorization", "bearer "+token)
	got, err := a.Authenticate(r)
	require.NoError(t, err)
	assert.Equal(t, id, got)

	// Another tenant put in the token breaks the signature.
	parts := strings.Split(token, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte("globex"))
	_, err = a.Verify(strings.Join(parts, "."))
	assert.ErrorIs(t, err, cpqhttp.ErrUnauthenticated)

	// Another secret does not verify it.
	other := &cpqhttp.TokenAuthenticator{Secret: []byte("another-secret-another-secret-12"), Now: a.Now}
	_, err = other.Verify(token)
	assert.ErrorIs(t, err, cpqhttp.ErrUnauthenticated)

	// At its expiry it is no longer valid.
	now = now.Add(time.Minute)
	_, err = a.Verify(token)
	assert.ErrorIs(t, err, cpqhttp.ErrUnauthenticated)
}

// TestMemorySessionsVersions checks the default session store through
// the interface the API uses.
func TestMemorySessionsVersions(t *testing.T) {
	ctx := context.Background()
	var m cpqhttp.SessionStore = memory.NewSessions()
	snap := []byte(`{"product":"SRV-R2","choices":[{"var":"chassis","value":"1U"}]}`)
	v, err := m.Put(ctx, "acme", "s1", snap, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(1), v)

	// Creating it again, or writing with a stale version, is refused.
	_, err = m.Put(ctx, "acme", "s1", []byte(`{"product":"SRV-R2"}`), 0)
	assert.ErrorIs(t, err, cpqhttp.ErrSessionConflict)
	v, err = m.Put(ctx, "acme", "s1", []byte(`{"product":"SRV-R2"}`), 1)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	_, err = m.Put(ctx, "acme", "s1", snap, 1)
	assert.ErrorIs(t, err, cpqhttp.ErrSessionConflict)

	got, v, err := m.Get(ctx, "acme", "s1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	assert.JSONEq(t, `{"product":"SRV-R2"}`, string(got))

	// Tenants are apart.
	_, _, err = m.Get(ctx, "globex", "s1")
	assert.ErrorIs(t, err, cpqhttp.ErrSessionNotFound)
}

func TestNewRequiresKitAndAuthenticator(t *testing.T) {
	_, err := cpqhttp.New(cpqhttp.Config{})
	assert.ErrorIs(t, err, cpqhttp.ErrConfig)
}
