package cpqhttp_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/memory"
)

// movingClock is a clock a test moves.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movingClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// withAdmins is the org chart with erin in the administrators' role.
type withAdmins struct{ orgChart }

func (d withAdmins) Members(ctx context.Context, tenant, kind, name string) ([]string, error) {
	if kind+":"+name == "role:cpq_admin" {
		return []string{"erin"}, nil
	}
	return d.orgChart.Members(ctx, tenant, kind, name)
}

// fixtureSetup says how a fixture differs from newFixture's.
type fixtureSetup struct {
	// catalogs are the catalog's versions; nil means the server catalog.
	catalogs []*catalog.Catalog
	// clock is the Kit's and the API's clock (tokens are checked against
	// day); nil means day.
	clock *movingClock
	// prefill makes quotes from the CRM.
	prefill crm.PrefillConfig
	// fonts gives the Kit a font for PDF documents (the test is skipped
	// without one).
	fonts bool
	// admins makes erin an administrator.
	admins bool
	// sessions, when set, wraps the fixture's session store.
	sessions func(*memory.Sessions) cpqhttp.SessionStore
}

const dejavuFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// newFixtureWith is newFixture with a fixtureSetup.
func newFixtureWith(t *testing.T, su fixtureSetup) *fixture {
	t.Helper()
	cats := su.catalogs
	if cats == nil {
		cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
		require.NoError(t, err)
		cats = []*catalog.Catalog{cat}
	}
	clk := su.clock
	if clk == nil {
		clk = &movingClock{t: day}
	}
	cfg := cpq.Config{Catalogs: cats, Store: memory.New(), Directory: orgChart{}, Clock: clk, Prefill: su.prefill}
	if su.admins {
		cfg.Directory, cfg.Administrators = withAdmins{}, "cpq_admin"
	}
	if su.fonts {
		font, err := os.ReadFile(dejavuFont)
		if os.IsNotExist(err) {
			t.Skipf("font %s is not installed (Debian: apt-get install fonts-dejavu-core); skipping", dejavuFont)
		}
		require.NoError(t, err)
		cfg.Documents = render.Config{Fonts: render.Fonts{Regular: render.FontFace{Data: font}}}
	}
	kit, err := cpq.New(cfg)
	require.NoError(t, err)
	auth := &cpqhttp.TokenAuthenticator{Secret: []byte("0123456789abcdef0123456789abcdef"), Now: func() time.Time { return day }}
	sessions := memory.NewSessions()
	var store cpqhttp.SessionStore = sessions
	if su.sessions != nil {
		store = su.sessions(sessions)
	}
	h, err := cpqhttp.New(cpqhttp.Config{Kit: kit, Authenticator: auth, Sessions: store, Now: clk.Now, MaxBody: 4096})
	require.NoError(t, err)
	return &fixture{kit: kit, handler: h, srv: serve(t, h), auth: auth, sessions: sessions}
}

// serverCatalogJune is the server catalog's next version, in force from June
// 2030: the server lists at 4400 instead of 4200.
func serverCatalogJune(t *testing.T) *catalog.Catalog {
	t.Helper()
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	src := string(data)
	for _, r := range [][2]string{
		{`version: "2026.2"`, `version: "2030.6"`},
		{"effective_from: 2026-02-01", "effective_from: 2030-06-01"},
		{"      - product: SRV-R2\n        price: 4200", "      - product: SRV-R2\n        price: 4400"},
	} {
		require.Equal(t, 1, strings.Count(src, r[0]), r[0])
		src = strings.Replace(src, r[0], r[1], 1)
	}
	c, err := catalog.Parse([]byte(src), "server-2030.6.yaml")
	require.NoError(t, err)
	return c
}

func loadServerCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	return c
}
