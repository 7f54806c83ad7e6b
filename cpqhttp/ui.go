package cpqhttp

import (
	"embed"
	"io/fs"
	"net/http"
)

// web holds the reference web interface: plain HTML, CSS and JavaScript,
// no build step.
//
//go:embed web
var web embed.FS

// registerUI serves the web interface: the page at / and its assets under
// /ui/. The assets need no credentials; everything they show comes from
// the API, with the browser's.
func (s *server) registerUI(mux *api) {
	assets, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	files := http.FileServerFS(assets)
	mux.register("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		http.ServeFileFS(w, r, assets, "index.html")
	}))
	mux.register("GET /ui/", http.StripPrefix("/ui/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})))
}

// contentSecurityPolicy lets the page load only its own scripts, styles
// and documents.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
