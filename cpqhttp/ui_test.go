package cpqhttp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/render"
)

// noRedirect is a client that shows redirects instead of following them,
// with a cookie jar.
func noRedirect(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestDemoLoginSetsCookieThatAuthenticates(t *testing.T) {
	srv, _ := newUIServer(t, render.Config{})
	c := noRedirect(t)

	// The page lists the demo users.
	resp, err := c.Get(srv.URL + "/login?next=/%23/inbox")
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), `data-user="alice"`)
	assert.Contains(t, string(page), `data-user="mia"`)
	assert.Contains(t, string(page), `name="next" value="/#/inbox"`)

	// Without the cookie, the API refuses.
	resp, err = c.Get(srv.URL + "/v1/me")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Signing in as mia sets an HttpOnly cookie and goes back to next.
	resp, err = c.PostForm(srv.URL+"/login", url.Values{"user": {"mia"}, "next": {"/#/inbox"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/#/inbox", resp.Header.Get("Location"))
	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, "cpq_token", cookies[0].Name)
	assert.True(t, cookies[0].HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookies[0].SameSite)

	resp, err = c.Get(srv.URL + "/v1/me")
	require.NoError(t, err)
	var me cpqhttp.Me
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&me))
	resp.Body.Close()
	assert.Equal(t, cpqhttp.Me{Tenant: "acme", User: "mia"}, me)

	// Signing out clears it.
	resp, err = c.PostForm(srv.URL+"/logout", nil)
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = c.Get(srv.URL + "/v1/me")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestDemoLoginRefusesUnknownUsersAndForeignRedirects(t *testing.T) {
	srv, _ := newUIServer(t, render.Config{})
	c := noRedirect(t)
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"user": {"mallory"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Empty(t, resp.Cookies())

	// A next that leaves the site goes to the start page instead.
	for _, next := range []string{"https://evil.example/", "//evil.example/", `/\evil.example`, "javascript:alert(1)",
		"/\t/evil.example", "/\n/evil.example"} {
		resp, err := c.PostForm(srv.URL+"/login", url.Values{"user": {"alice"}, "next": {next}})
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, "/", resp.Header.Get("Location"), next)
	}

	// A sign-in posted from another site is refused: nobody can sign a
	// victim in as somebody else.
	req, err := http.NewRequest("POST", srv.URL+"/login", strings.NewReader("user=alice"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	srv, _ := newUIServer(t, render.Config{})
	c := noRedirect(t)
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"user": {"alice"}})
	require.NoError(t, err)
	resp.Body.Close()

	post := func(headers map[string]string) (int, map[string]any) {
		req, err := http.NewRequest("POST", srv.URL+"/v1/sessions", strings.NewReader(`{"product":"SRV-R2"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	// A page of another site, with the user's cookie: refused, and no
	// session is made.
	status, v := post(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, cpqhttp.CodeCrossOrigin, v["code"])
	status, v = post(map[string]string{"Origin": "https://evil.example"})
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, cpqhttp.CodeCrossOrigin, v["code"])

	// The interface's own page, and a client that is not a browser, may.
	status, _ = post(map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": srv.URL})
	assert.Equal(t, http.StatusCreated, status)
	status, _ = post(nil)
	assert.Equal(t, http.StatusCreated, status)

	// Reading is not a state change: a cross-site GET is answered (and
	// the browser's same-origin policy keeps the answer from the page).
	req, err := http.NewRequest("GET", srv.URL+"/v1/me", nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestTrustedOrigins(t *testing.T) {
	_, err := cpqhttp.New(cpqhttp.Config{Kit: newFixture(t).kit, Authenticator: &cpqhttp.TokenAuthenticator{Secret: []byte("s")}, TrustedOrigins: []string{"not an origin"}})
	assert.ErrorIs(t, err, cpqhttp.ErrConfig)
}

func TestWebInterfaceIsServed(t *testing.T) {
	srv, _ := newUIServer(t, render.Config{})
	resp, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'")
	assert.Contains(t, string(page), `data-login="/login"`, "the sign-in page the interface sends a stranger to")
	assert.Contains(t, string(page), `/ui/app.js`)

	for path, kind := range map[string]string{"/ui/app.js": "javascript", "/ui/i18n.js": "javascript", "/ui/app.css": "text/css"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, resp.Header.Get("Content-Type"), kind, path)
	}
	resp, err = http.Get(srv.URL + "/ui/missing.js")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// Every word the interface shows has an English and a Chinese text.
func TestInterfaceMessagesInBothLanguages(t *testing.T) {
	srv, _ := newUIServer(t, render.Config{})
	resp, err := http.Get(srv.URL + "/ui/i18n.js")
	require.NoError(t, err)
	src, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	en, zh := messageKeys(t, string(src), "en"), messageKeys(t, string(src), `"zh-CN"`)
	assert.NotEmpty(t, en)
	assert.ElementsMatch(t, en, zh)

	// Every kind of waterfall step has a label (the page builds the key).
	for _, k := range pricing.StepKinds() {
		assert.Contains(t, en, "kind."+string(k))
	}
	// The interface's sentences for API problems name problems the API
	// has (the page builds the key from the code, dots as underscores).
	codes := map[string]bool{}
	for _, c := range []string{cpqhttp.CodeBusy, cpqhttp.CodeSessionConflict, cpqhttp.CodeNothingToUndo,
		cpqhttp.CodeNotAvailable, cpqhttp.CodeInconsistent, cpqhttp.CodePricingRefused, cpqhttp.CodePricingInvalid,
		cpqhttp.CodeQuoteConflict, cpqhttp.CodeQuoteLocked, cpqhttp.CodeQuoteTransition, cpqhttp.CodeQuoteNotFound,
		cpqhttp.CodeNotAuthorized, cpqhttp.CodeSelfApproval, cpqhttp.CodeStaleSeal, cpqhttp.CodeAlreadyDecided,
		cpqhttp.CodeNotPending, cpqhttp.CodeApprovalRequired, cpqhttp.CodeNoApprover, cpqhttp.CodeDocumentNoFont,
		cpqhttp.CodeGuideConflict, cpqhttp.CodeInvalidAnswer, cpqhttp.CodeInternal} {
		codes["problem."+strings.ReplaceAll(c, ".", "_")] = true
	}
	n := 0
	for _, key := range en {
		if strings.HasPrefix(key, "problem.") {
			n++
			assert.True(t, codes[key], "%s names no problem code", key)
		}
	}
	assert.Equal(t, len(codes), n)

	// And every key the page and the script use is there.
	for _, path := range []string{"/ui/app.js", "/"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, key := range usedKeys(string(body)) {
			assert.Contains(t, en, key, "%s uses %s", path, key)
		}
	}
}

var messageKey = regexp.MustCompile(`"([a-z]+\.[A-Za-z_]+)":`)

// messageKeys returns the keys of one language's block of i18n.js.
func messageKeys(t *testing.T, src, lang string) []string {
	t.Helper()
	start := strings.Index(src, "\n  "+lang+": {")
	require.GreaterOrEqual(t, start, 0, lang)
	end := strings.Index(src[start:], "\n  },")
	require.Greater(t, end, 0, lang)
	var keys []string
	for _, m := range messageKey.FindAllStringSubmatch(src[start:start+end], -1) {
		keys = append(keys, m[1])
	}
	return keys
}

var usedKey = regexp.MustCompile(`(?:\bt\(|data-t=)"([a-z]+\.[A-Za-z_]+)"`)

// usedKeys returns the message keys a script or page names literally.
func usedKeys(src string) []string {
	var keys []string
	for _, m := range usedKey.FindAllStringSubmatch(src, -1) {
		keys = append(keys, m[1])
	}
	return keys
}
