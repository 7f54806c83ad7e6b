package cpqhttp

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// DemoUser is a user the demonstration sign-in page offers.
type DemoUser struct {
	ID   string
	Role string
}

// DemoLogin is a sign-in page for demonstrations: it lists the demo users,
// and choosing one sets a cookie holding a signed token for that user in
// Tenant, which the TokenAuthenticator reads (its Cookie must be set). There
// is no password: it stands in for the host's own sign-in, and must not be
// served where anybody could reach it.
type DemoLogin struct {
	Auth   *TokenAuthenticator
	Tenant string
	Users  []DemoUser
	// Life is how long a sign-in lasts; zero means 12 hours.
	Life time.Duration
	// Secure marks the cookie Secure (for a server behind HTTPS).
	Secure bool
}

// ErrLoginConfig is returned by DemoLogin.Handler for a DemoLogin without
// an authenticator with a cookie name, a tenant or users.
var ErrLoginConfig = errors.New("cpqhttp: demo sign-in needs an authenticator with a cookie name, a tenant and users")

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · cpqkit</title>
<link rel="stylesheet" href="/ui/app.css">
</head><body>
<header class="bar"><span class="brand">cpqkit</span></header>
<main><div class="card login">
<h1>Sign in · 登录</h1>
<p class="muted">Demo users of tenant {{.Tenant}} · 演示用户</p>
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}">
{{range .Users}}<p><button type="submit" name="user" value="{{.ID}}" data-user="{{.ID}}">{{.ID}} <span class="small">· {{.Role}}</span></button></p>
{{end}}</form>
</div></main></body></html>
`))

// Handler serves GET /login (the page), POST /login (sign in as the
// chosen user, then back to the page given as next) and POST /logout.
func (d *DemoLogin) Handler() (http.Handler, error) {
	if d.Auth == nil || d.Auth.Cookie == "" || d.Tenant == "" || len(d.Users) == 0 {
		return nil, ErrLoginConfig
	}
	life := d.Life
	if life == 0 {
		life = 12 * time.Hour
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		_ = loginPage.Execute(w, struct {
			Tenant, Next string
			Users        []DemoUser
		}{d.Tenant, localPath(r.URL.Query().Get("next")), d.Users})
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		user := r.PostFormValue("user")
		if !slices.ContainsFunc(d.Users, func(u DemoUser) bool { return u.ID == user }) {
			http.Error(w, "unknown demo user", http.StatusForbidden)
			return
		}
		expiry := time.Now().Add(life)
		http.SetCookie(w, &http.Cookie{
			Name: d.Auth.Cookie, Value: d.Auth.Issue(Identity{Tenant: d.Tenant, User: user}, expiry),
			Path: "/", Expires: expiry, HttpOnly: true, Secure: d.Secure, SameSite: http.SameSiteLaxMode,
		})
		http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: d.Auth.Cookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: d.Secure, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
	return http.NewCrossOriginProtection().Handler(mux), nil
}

// localPath keeps a redirect on this site: anything but a path of it
// (another host, a scheme, a backslash, control characters, which
// browsers strip) becomes "/".
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(p, "/") ||
		strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") || strings.ContainsFunc(p, unicode.IsControl) {
		return "/"
	}
	return p
}
