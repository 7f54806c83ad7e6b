package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/internal/demo"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/sqlite"
)

// serveTenant is the tenant every demo token names.
const serveTenant = "acme"

// serveDemoUsers are the demo users: the salesperson and the approvers of
// the server catalog's rules. A token is printed for each, and the web
// sign-in page offers them.
var serveDemoUsers = []cpqhttp.DemoUser{
	{ID: "alice", Role: "salesperson · 销售"},
	{ID: "mia", Role: "sales manager · 销售经理"},
	{ID: "victor", Role: "regional VP · 区域副总裁"},
	{ID: "fred", Role: "finance · 财务"},
	{ID: "lena", Role: "legal · 法务"},
}

// serveCookie is the cookie that carries a web user's token.
const serveCookie = "cpq_token"

// serveTokenLife is how long the printed tokens are valid.
const serveTokenLife = 12 * time.Hour

// Timeouts of the HTTP server.
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 30 * time.Second
	serveWriteTimeout      = 2 * time.Minute
	serveIdleTimeout       = 2 * time.Minute
	serveShutdownTimeout   = 10 * time.Second
	serveMaxHeaderBytes    = 64 << 10
)

// serveOptions are the inputs of serve.
type serveOptions struct {
	// Addr is the address to listen on; port 0 picks a free one.
	Addr string
	// Dir holds the SQLite database; it must exist.
	Dir string
	// Secret signs the bearer tokens; empty means 32 random bytes.
	Secret []byte
	// Ready, if set, is called with the bound address once the server
	// accepts connections.
	Ready func(addr net.Addr)
	// Remote lets the server listen on an address other machines reach:
	// its demo users sign in without a password, so by default it listens
	// on loopback only.
	Remote bool
}

// errRemote refuses a non-loopback address without --remote.
var errRemote = errors.New("the demo users sign in without a password: listen on a loopback address (127.0.0.1), or give --remote to let other machines reach it")

// runServe serves the JSON API on the embedded SQLite store until SIGINT
// or SIGTERM.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := fs.String("dir", "", "directory for the SQLite database (default: a new temporary directory)")
	secret := fs.String("secret", "", "secret that signs the bearer tokens (default: a random one)")
	remote := fs.Bool("remote", false, "allow an address other machines reach (the demo users have no password)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: cpq serve [--addr 127.0.0.1:8080] [--dir DIR] [--secret S] [--remote]")
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "cpq-serve-")
		if err != nil {
			fmt.Fprintf(stderr, "cpq serve: %v\n", err)
			return 1
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "cpq serve: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := serveOptions{Addr: *addr, Dir: *dir, Remote: *remote}
	if *secret != "" {
		opts.Secret = []byte(*secret)
	}
	if err := serve(ctx, opts, stdout); err != nil {
		fmt.Fprintf(stderr, "cpq serve: %v\n", err)
		return 1
	}
	return 0
}

// demoDatabase is the file of the SQLite database in the directory
// serve and loadtest are given.
const demoDatabase = "cpq.db"

// demoKit opens the SQLite store in dir and wires over it a Kit of the
// example server catalog and the demo company, as serve and loadtest run
// them. The caller closes the store.
func demoKit(ctx context.Context, dir string, docs render.Config) (*cpq.Kit, *sqlite.Store, error) {
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	if err != nil {
		return nil, nil, err
	}
	store, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, demoDatabase)})
	if err != nil {
		return nil, nil, err
	}
	kit, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{cat}, Store: store, Directory: demo.OrgChart{}, Documents: docs})
	if err != nil {
		return nil, nil, errors.Join(err, store.Close())
	}
	return kit, store, nil
}

// randomSecret returns 32 random bytes to sign tokens with.
func randomSecret() ([]byte, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	return secret, nil
}

// serve serves the API until ctx is done, then shuts the server down
// gracefully and returns nil.
func serve(ctx context.Context, opts serveOptions, stdout io.Writer) (err error) {
	secret := opts.Secret
	if len(secret) == 0 {
		if secret, err = randomSecret(); err != nil {
			return err
		}
	}
	docs := render.Config{Letterhead: render.Letterhead{Company: "Edge Systems Inc.", Address: []string{"1 Foundry Way", "Pittsburgh PA 15201"}}}
	if path := defaultFont(); path != "" {
		// Without a font, documents are still served as HTML, JSON and CSV.
		if docs.Fonts.Regular, err = render.ReadFontFace(os.DirFS(filepath.Dir(path)), filepath.Base(path), 0); err != nil {
			return err
		}
	}
	kit, store, err := demoKit(ctx, opts.Dir, docs)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); err == nil {
			err = cerr
		}
	}()
	dbPath := filepath.Join(opts.Dir, demoDatabase)
	cat, err := kit.Catalog(time.Now())
	if err != nil {
		return err
	}
	defer purgeSessions(ctx, store.Sessions(), serveSessionPurging, serveSessionMaxAge, stdout)()
	auth := &cpqhttp.TokenAuthenticator{Secret: secret, Cookie: serveCookie}
	api, err := cpqhttp.New(cpqhttp.Config{Kit: kit, Authenticator: auth, Sessions: store.Sessions(), MaxBody: cpqhttp.DefaultMaxBody, WebUI: true, LoginURL: "/login"})
	if err != nil {
		return err
	}
	login, err := (&cpqhttp.DemoLogin{Auth: auth, Tenant: serveTenant, Users: serveDemoUsers, Life: serveTokenLife}).Handler()
	if err != nil {
		return err
	}
	handler := http.NewServeMux()
	handler.Handle("/login", login)
	handler.Handle("/logout", login)
	handler.Handle("/", api)
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", opts.Addr)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && !opts.Remote {
		ln.Close()
		return errRemote
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "cpqkit API for catalog %s %s, SQLite at %s\n", cat.ID, cat.Version, dbPath)
	fmt.Fprintf(stdout, "listening on %s\n", url)
	fmt.Fprintf(stdout, "web:         %s/ (sign in as a demo user)\n", url)
	fmt.Fprintf(stdout, "OpenAPI:     %s/openapi.json\n", url)
	expiry := time.Now().Add(serveTokenLife)
	fmt.Fprintf(stdout, "bearer tokens of tenant %s, valid until %s:\n", serveTenant, expiry.Format(time.RFC3339))
	for _, u := range serveDemoUsers {
		fmt.Fprintf(stdout, "  %-7s %s\n", u.ID, auth.Issue(cpqhttp.Identity{Tenant: serveTenant, User: u.ID}, expiry))
	}
	fmt.Fprintf(stdout, "e.g. curl -H 'Authorization: Bearer <token>' -d '{\"product\":\"SRV-R2\"}' %s/v1/sessions\n", url)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if opts.Ready != nil {
		opts.Ready(ln.Addr())
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		<-served
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
