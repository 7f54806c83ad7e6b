package cpqhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/internal/demo"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/memory"
)

// The browser test drives the web interface in headless Chromium: a
// salesperson configures a server, sees a value greyed out with its reason,
// prices it, gives a discount that needs approval and submits; the manager
// approves in another browser context; the salesperson sends the quote and
// downloads the PDF, which verifies as the released revision.
//
// It runs where Chromium is installed (CPQ_CHROMIUM names its binary,
// otherwise it is looked up as chromium, chromium-browser or
// google-chrome) and is skipped elsewhere, unless CPQ_REQUIRE_BROWSER=1,
// as in CI, where a missing browser fails it. CPQ_SCREENSHOTS=DIR writes
// the screenshots at phone and desktop width to DIR.

// chromiumPath finds the browser, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CPQ_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CPQ_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium found, and CPQ_REQUIRE_BROWSER=1")
	}
	t.Skip("no Chromium found: install Debian's chromium or set CPQ_CHROMIUM")
	return ""
}

// uiServer is the web interface and the API on loopback, as cpq serve
// runs them: the server catalog, the demo organisation and sign-in; PDF
// documents need a font, which the test skips without.
func uiServer(t *testing.T) (*httptest.Server, *cpq.Kit) {
	t.Helper()
	docs := render.Config{Letterhead: render.Letterhead{Company: "Edge Systems Inc."}}
	for _, p := range []string{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"} {
		if _, err := os.Stat(p); err == nil {
			var err error
			docs.Fonts.Regular, err = render.ReadFontFace(os.DirFS(filepath.Dir(p)), filepath.Base(p), 0)
			require.NoError(t, err)
			break
		}
	}
	if docs.Fonts.Regular.Data == nil {
		t.Skip("no font for the PDF: install fonts-wqy-microhei or fonts-dejavu-core")
	}
	return newUIServer(t, docs)
}

// newUIServer serves the API with the web interface and the demo sign-in
// of alice (salesperson) and mia (her manager) in tenant acme.
func newUIServer(t *testing.T, docs render.Config) (*httptest.Server, *cpq.Kit) {
	t.Helper()
	cat, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	kit, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{cat}, Store: memory.New(), Directory: demo.OrgChart{}, Documents: docs})
	require.NoError(t, err)
	auth := &cpqhttp.TokenAuthenticator{Secret: []byte("browser-test-secret-0123456789abcdef"), Cookie: "cpq_token"}
	api, err := cpqhttp.New(cpqhttp.Config{Kit: kit, Authenticator: auth, WebUI: true, LoginURL: "/login"})
	require.NoError(t, err)
	login, err := (&cpqhttp.DemoLogin{Auth: auth, Tenant: "acme", Users: []cpqhttp.DemoUser{{ID: "alice", Role: "salesperson"}, {ID: "mia", Role: "sales manager"}}}).Handler()
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/login", login)
	mux.Handle("/logout", login)
	mux.Handle("/", api)
	return serve(t, mux), kit
}

// screenshot saves the page at a width (phone 390, desktop 1280) to
// CPQ_SCREENSHOTS, if set.
func screenshot(t *testing.T, ctx context.Context, name string, width int64, focus ...string) {
	t.Helper()
	dir := os.Getenv("CPQ_SCREENSHOTS")
	if dir == "" {
		return
	}
	height := int64(900)
	mobile := width < 600
	if mobile {
		height = 844
	}
	do(t, ctx,
		chromedp.EmulateViewport(width, height, func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
			p.Mobile = mobile
			if mobile {
				p.DeviceScaleFactor = 2
			}
		}),
		chromedp.Sleep(300*time.Millisecond),
		scrollTo(focus...),
		// The passing message would hide part of the page.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.getElementById("toast").hidden = true`)(ctx, tg)
			return err
		}))
	// A phone shows the screen the user sees; a desktop the whole page.
	// Quality 100 asks for PNG rather than JPEG.
	shot := chromedp.FullScreenshot(100)
	if mobile {
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(ctx, shot)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
}

// stepTimeout bounds each do: a step that waits for what never comes fails
// the test instead of hanging it.
const stepTimeout = 45 * time.Second

// scrollTo scrolls the first element that matches the CSS selector into
// the middle of the screen; with no selector, to the top.
func scrollTo(sel ...string) chromedp.Action[chromedp.Void] {
	expr := `window.scrollTo(0, 0), true`
	if len(sel) > 0 {
		expr = `(document.querySelector(` + jsString(sel[0]) + `).scrollIntoView({block: "center"}), true)`
	}
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](expr)(ctx, tg)
		return err
	})
}

// do runs browser steps and fails the test on the first error. The
// context's browser must have started (the timeout would stop it).
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		// Say where the page was and what it last told the user.
		octx, ocancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer ocancel()
		loc, _ := chromedp.Run(octx, chromedp.Location())
		said, _ := chromedp.Run(octx, chromedp.Evaluate[string](`document.getElementById("toast").textContent`))
		if dir := os.Getenv("CPQ_SCREENSHOTS"); dir != "" {
			if png, err := chromedp.Run(octx, chromedp.FullScreenshot(100)); err == nil {
				_ = os.WriteFile(filepath.Join(dir, "failure.png"), png, 0o644)
			}
		}
		t.Fatalf("browser at %s (last message %q): %v", loc, said, err)
	}
}

// The steps below find and act on an element in one script, in the page:
// the interface redraws a view after each answer, so an element found by
// one protocol call may be gone by the next.

// until polls a script until it returns true, or fails saying what it
// waited for. A page that navigates meanwhile (the interface sends a
// stranger to sign in, a form posts) is polled again.
func until(what, script string) chromedp.Action[chromedp.Void] { return poll(what, script, false) }

// poll is until; with leaves, a page that navigates away while the script
// runs ends the wait instead: the script's own action (a click that posts
// a form) made it leave.
func poll(what, script string, leaves bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, err := chromedp.Poll[bool](script, chromedp.WithPollingTimeout(time.Until(deadline)))(ctx, tg)
			if err == nil || (leaves && navigated(err)) {
				return nil
			}
			if !navigated(err) || time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("waiting for %s: %w", what, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// navigated reports an error of a script whose page went away under it.
func navigated(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "navigated or closed") || strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Cannot find context")
}

// find is a script expression for the first element that matches the CSS
// selector.
func find(sel string) string { return `document.querySelector(` + jsString(sel) + `)` }

// text returns the text of the first element that matches the CSS selector,
// once there is one.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	do(t, ctx, until(sel, `!!`+find(sel)))
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+find(sel)+`?.innerText ?? "")`))
	require.NoError(t, err)
	return s
}

// visible waits until an element that matches the CSS selector is shown.
func visible(sel string) chromedp.Action[chromedp.Void] {
	return until(sel+" to show", `(() => { const e = `+find(sel)+`; return !!e && e.getClientRects().length > 0; })()`)
}

// gone waits until no element matches the CSS selector.
func gone(sel string) chromedp.Action[chromedp.Void] {
	return until(sel+" to go", `!`+find(sel))
}

// click clicks the first element that matches the CSS selector, once there
// is one.
func click(sel string) chromedp.Action[chromedp.Void] {
	return poll(sel+" to click", `(() => { const e = `+find(sel)+`; if (!e) return false; e.click(); return true; })()`, true)
}

// setValue types a value into the first input, text area or select that
// matches the CSS selector, as a user would: the page hears input and
// change.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return until(sel+" to fill", `(() => { const e = `+find(sel)+`; if (!e) return false; e.value = `+jsString(value)+`;
		e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
}

// waitText waits until the element's text is want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return until(fmt.Sprintf("%s to read %q", sel, want),
		`(() => { const e = `+find(sel)+`; return !!e && e.textContent.trim() === `+jsString(want)+`; })()`)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestBrowserSalespersonAndManager(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	path := chromiumPath(t)
	srv, kit := uiServer(t)
	base := srv.URL

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	alice, cancelAlice := chromedp.NewContext(allocCtx)
	defer cancelAlice()
	// Start the browser without a deadline; each step then has its own.
	require.NoError(t, chromedp.Do(alice))

	// Alice signs in and configures a server.
	do(t, alice,
		chromedp.Navigate(base+"/"),
		visible(`button[data-user="alice"]`),
		click(`button[data-user="alice"]`),
		visible(`button[data-product="SRV-R2"]`))
	screenshot(t, alice, "ui-products-desktop", 1280)
	do(t, alice,
		click(`button[data-product="SRV-R2"]`),
		visible(`[data-var="chassis"] .chip[data-value="1U"]`),
		click(`[data-var="chassis"] .chip[data-value="1U"]`),
		// The X9 processor needs liquid cooling, which fits only the 2U
		// chassis: with 1U chosen it is greyed out, and says why.
		visible(`[data-var="chassis"] .chip.chosen[data-value="1U"]`),
		visible(`[data-var="cpu"] .chip.off[data-value="X9"]`),
		click(`[data-var="cpu"] .chip.off[data-value="X9"]`),
		visible(`[data-var="cpu"] .why`))
	why := text(t, alice, `[data-var="cpu"] .why`)
	assert.Contains(t, why, "liquid cooling")
	assert.Contains(t, why, "1U")
	// The click on a greyed value chose nothing.
	chosenX9, err := chromedp.Run(alice, chromedp.Evaluate[bool](`!!document.querySelector('[data-var="cpu"] .chip.chosen')`))
	require.NoError(t, err)
	assert.False(t, chosenX9)

	// The price follows the choices: the list price 4,200 plus the memory
	// surcharge 140, and the two default 960 GB drives at 210 each.
	do(t, alice, waitText(`#price-total`, "$4,760.00"))
	screenshot(t, alice, "ui-configure-desktop", 1280)
	screenshot(t, alice, "ui-configure-phone", 390, `[data-var="cpu"] .why`)

	// A quote, with 15 % off the server: over the manager's 10 % limit.
	do(t, alice,
		click(`#create-quote`),
		visible(`#quote-total`),
		waitText(`#quote-total`, "$4,760.00"),
		setValue(`input[data-line="1"]`, "15"),
		click(`#save`),
		// 4,340 × 0.85 = 3,689, plus the drives' 420.
		waitText(`#quote-total`, "$4,109.00"),
		visible(`#submit`))
	assert.Contains(t, text(t, alice, `#approvals`), "Discount over 10 %")
	screenshot(t, alice, "ui-quote-desktop", 1280)
	do(t, alice, click(`#submit`), visible(`h1 [data-status="in_review"]`))
	quoteURL, err := chromedp.Run(alice, chromedp.Location())
	require.NoError(t, err)
	quoteID := quoteURL[strings.LastIndex(quoteURL, "/")+1:]

	// Mia, the manager, in a browser context of her own, approves.
	mia, cancelMia := chromedp.NewContext(alice, chromedp.WithNewBrowserContext())
	defer cancelMia()
	require.NoError(t, chromedp.Do(mia))
	do(t, mia,
		chromedp.Navigate(base+"/#/inbox"),
		visible(`button[data-user="mia"]`),
		click(`button[data-user="mia"]`),
		visible(`button[data-approve="manager_discount"]`))
	screenshot(t, mia, "ui-inbox-phone", 390)
	do(t, mia,
		setValue(`[data-item] textarea`, "Strategic account, approved."),
		click(`button[data-approve="manager_discount"]`),
		gone(`[data-item]`))

	// Alice sees it approved, sends it and downloads the PDF.
	dir := t.TempDir()
	done := make(chan string, 4)
	require.NoError(t, chromedp.ListenBrowser(alice, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	}))
	events := true
	_, err = chromedp.CallBrowser(alice, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
	})
	require.NoError(t, err)
	do(t, alice,
		chromedp.Reload(),
		visible(`h1 [data-status="approved"]`),
		click(`#present`),
		visible(`h1 [data-status="presented"]`),
		click(`#download`))
	var guid string
	select {
	case guid = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the PDF was not downloaded")
	}
	pdf, err := os.ReadFile(filepath.Join(dir, guid))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-"), "a PDF")
	q, err := kit.Store().Get(context.Background(), "acme", quoteID)
	require.NoError(t, err)
	assert.Equal(t, quote.StatusPresented, q.Status)
	info, err := render.VerifyPDF(pdf, q)
	require.NoError(t, err, "the downloaded PDF is the released revision, not a draft")
	assert.Equal(t, q.Number, info.Quote)
	assert.Equal(t, "approved", info.Status)

	// Her quotes list it, sent, with its total.
	do(t, alice,
		chromedp.Navigate(base+"/#/quotes"),
		visible(`a[href="#/q/`+quoteID+`"]`))
	row := text(t, alice, `tr:has(a[href="#/q/`+quoteID+`"])`)
	assert.Contains(t, row, q.Number)
	assert.Contains(t, row, "presented")
	assert.Contains(t, row, "$4,109.00")

	// In Chinese, the interface's and the catalog's words change.
	do(t, alice,
		chromedp.Navigate(base+"/#/"),
		visible(`button[data-product="SRV-R2"]`),
		setValue(`#lang`, "zh-CN"),
		waitText(`[data-t="nav.configure"]`, "配置"),
		click(`button[data-product="SRV-R2"]`),
		visible(`[data-var="chassis"] .chip[data-value="2U"]`),
		// The questionnaire: databases need 256 GB or more…
		waitText(`[data-answer="database"]`, "数据库"),
		click(`[data-answer="database"]`),
		visible(`[data-answered="workload"]`),
		visible(`[data-var="memory_gb"] .chip.off[data-value="128"]`),
		visible(`[data-var="memory_gb"] .chip[data-value="256"]:not(.off)`),
		// …and 600 users at least 512 GB.
		visible(`input[data-number="users"]`),
		setValue(`input[data-number="users"]`, "600"),
		click(`button[data-ok="users"]`),
		visible(`[data-answered="users"]`),
		visible(`[data-var="memory_gb"] .chip.off[data-value="480"]`),
		visible(`[data-var="memory_gb"] .chip[data-value="512"]:not(.off)`),
		// A chosen value can be changed, unless another choice stands in
		// the way: with X9 chosen, the 1U chassis is refused, and why.
		click(`[data-var="chassis"] .chip[data-value="2U"]`),
		visible(`[data-var="chassis"] .chip.chosen[data-value="2U"]`),
		click(`[data-var="cpu"] .chip[data-value="X9"]`),
		visible(`[data-var="cpu"] .chip.chosen[data-value="X9"]`),
		click(`[data-var="chassis"] .chip[data-value="1U"]`),
		visible(`[data-var="chassis"] .why`))
	assert.Contains(t, text(t, alice, `[data-var="chassis"] .why`), "液冷仅适用于2U机箱")
	do(t, alice, visible(`[data-var="chassis"] .chip.chosen[data-value="2U"]`))
	screenshot(t, alice, "ui-configure-zh-phone", 390, `[data-var="chassis"] .why`)

	// The quote's approval steps are named in Chinese as well.
	do(t, alice, chromedp.Navigate(quoteURL), visible(`#approvals [data-step="manager_discount"]`))
	assert.Contains(t, text(t, alice, `#approvals [data-step="manager_discount"]`), "折扣超过 10%")
	// So is a problem the API reports (here a quote that does not exist).
	do(t, alice, chromedp.Navigate(base+"/#/q/nope"), waitText(`#toast`, "找不到该报价单。"))
}
