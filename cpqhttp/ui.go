package cpqhttp

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"time"
)

// web holds the reference web interface: plain HTML, CSS and JavaScript,
// no build step.
//
//go:embed web
var web embed.FS

// registerUI serves the web interface: the page at / and its assets under
// /ui/. The assets need no credentials; everything they show comes from
// the API, with the browser's.
func (s *server) registerUI(mux *api, loginURL string) error {
	assets, err := fs.Sub(web, "web")
	if err != nil {
		return err
	}
	page, err := template.ParseFS(assets, "index.html")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, struct{ LoginURL string }{loginURL}); err != nil {
		return err
	}
	index := buf.Bytes()
	started := time.Now()
	files := http.FileServerFS(assets)
	mux.register("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		http.ServeContent(w, r, "index.html", started, bytes.NewReader(index))
	}))
	mux.register("GET /ui/", http.StripPrefix("/ui/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})))
	return nil
}

// contentSecurityPolicy lets the page load only its own scripts, styles
// and documents.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
