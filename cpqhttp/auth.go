package cpqhttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Identity is who makes a request: the tenant whose data it reads and
// writes, and the user who acts. The API takes both only from the
// Authenticator, never from a request's body or query.
type Identity struct {
	Tenant string
	User   string
}

// Authenticator tells who makes a request. The host implements it over its
// own sign-in (session cookies, OAuth access tokens, mutual TLS); an error
// refuses the request with 401 and nothing is done.
type Authenticator interface {
	Authenticate(r *http.Request) (Identity, error)
}

// AuthenticatorFunc turns a function into an Authenticator.
type AuthenticatorFunc func(r *http.Request) (Identity, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(r *http.Request) (Identity, error) { return f(r) }

// ErrUnauthenticated is wrapped by the errors of TokenAuthenticator: no
// token, a malformed or forged one, or one past its expiry.
var ErrUnauthenticated = errors.New("not authenticated")

// TokenAuthenticator is a simple Authenticator for demonstrations and
// tests: a bearer token that names the tenant, the user and an expiry,
// signed with HMAC-SHA256 under a secret the server keeps. It is not a
// replacement for the host's identity provider: tokens cannot be revoked
// before they expire.
type TokenAuthenticator struct {
	// Secret is the signing key; it should be at least 32 random bytes.
	Secret []byte
	// Now tells the time tokens are checked against; nil means the system
	// clock.
	Now func() time.Time
	// Cookie, if set, names a cookie that carries the token when a request
	// has no Authorization header: how the web interface's browser
	// presents it. Such a cookie should be HttpOnly and SameSite=Lax; the
	// API's cross-origin protection guards the requests that change
	// something.
	Cookie string
}

const tokenVersion = "v1"

// Issue returns a token for the identity, valid until expiry.
func (a *TokenAuthenticator) Issue(id Identity, expiry time.Time) string {
	payload := tokenVersion + "." + b64(id.Tenant) + "." + b64(id.User) + "." + strconv.FormatInt(expiry.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(a.sign(payload))
}

// sign is the HMAC-SHA256 of the payload: version, tenant, user and expiry,
// each field encoded so that no separator can be forged inside one.
func (a *TokenAuthenticator) sign(payload string) []byte {
	m := hmac.New(sha256.New, a.Secret)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// Authenticate reads the bearer token of the Authorization header.
func (a *TokenAuthenticator) Authenticate(r *http.Request) (Identity, error) {
	h := r.Header.Get("Authorization")
	if h == "" && a.Cookie != "" {
		if c, err := r.Cookie(a.Cookie); err == nil {
			return a.Verify(c.Value)
		}
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Identity{}, errors.Join(ErrUnauthenticated, errors.New("no bearer token"))
	}
	return a.Verify(strings.TrimSpace(token))
}

// Verify checks a token's signature and expiry and returns its identity.
func (a *TokenAuthenticator) Verify(token string) (Identity, error) {
	bad := errors.Join(ErrUnauthenticated, errors.New("invalid token"))
	if len(a.Secret) == 0 {
		return Identity{}, bad
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return Identity{}, bad
	}
	payload, sig := token[:i], token[i+1:]
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, a.sign(payload)) {
		return Identity{}, bad
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 4 || parts[0] != tokenVersion {
		return Identity{}, bad
	}
	tenant, err1 := unb64(parts[1])
	user, err2 := unb64(parts[2])
	exp, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || tenant == "" || user == "" {
		return Identity{}, bad
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if !now().Before(time.Unix(exp, 0)) {
		return Identity{}, errors.Join(ErrUnauthenticated, errors.New("token expired"))
	}
	return Identity{Tenant: tenant, User: user}, nil
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func unb64(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err
}
