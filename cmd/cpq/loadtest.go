package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/render"
	"github.com/cpqkit/cpq/store/memory"
)

// loadProduct is the product every virtual salesperson configures.
const loadProduct = "SRV-R2"

// The kinds of request a virtual salesperson makes.
const (
	kindCreate   = "create"
	kindChoose   = "choose"
	kindWithdraw = "withdraw"
	kindExplain  = "explain"
)

var loadKinds = []string{kindCreate, kindChoose, kindWithdraw, kindExplain}

// loadOptions are the inputs of a load test.
type loadOptions struct {
	// Sessions is how many virtual salespeople configure at once.
	Sessions int
	// Duration is how long they do.
	Duration time.Duration
	// Think is the mean pause of a salesperson between two requests,
	// drawn uniformly from [0, 2×Think]; zero sends the next request as
	// soon as the answer arrives.
	Think time.Duration
	// MemorySessions keeps the sessions in memory instead of the SQLite
	// store.
	MemorySessions bool
	// Seed makes the salespeople's choices repeatable.
	Seed uint64
	// Dir holds the SQLite database; empty means a temporary directory,
	// removed afterwards.
	Dir string
	// CPUProfile, if set, is a file for a CPU profile of the measured
	// run (go tool pprof reads it).
	CPUProfile string
}

// loadKindReport is the measurement of one kind of request.
type loadKindReport struct {
	Kind     string        `json:"kind"`
	Requests int           `json:"requests"`
	PerSec   float64       `json:"requests_per_second"`
	P50      time.Duration `json:"p50_ns"`
	P90      time.Duration `json:"p90_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
	Errors   int           `json:"errors"`
}

// loadReport is what cpq loadtest prints.
type loadReport struct {
	Date     string        `json:"date"`
	GOOS     string        `json:"goos"`
	GOARCH   string        `json:"goarch"`
	CPUs     int           `json:"cpus"`
	Go       string        `json:"go"`
	Sessions int           `json:"sessions"`
	Duration time.Duration `json:"duration_ns"`
	Think    time.Duration `json:"think_ns"`
	// Store is where the sessions were kept: "sqlite" or "memory".
	Store string `json:"session_store"`
	// Kinds holds one entry per kind of request, then "all".
	Kinds []loadKindReport `json:"kinds"`
	// Completed counts the configurations completed.
	Completed int `json:"configurations_completed"`
	// FirstErrors are the first few errors, if any.
	FirstErrors []string `json:"first_errors,omitempty"`
	// Memory of the process (server and load generator together).
	HeapInUse     uint64 `json:"heap_in_use_bytes"`
	HeapInUsePeak uint64 `json:"heap_in_use_peak_bytes"`
	RSS           uint64 `json:"rss_bytes"`
	RSSPeak       uint64 `json:"rss_peak_bytes"`
}

// errors returns the number of failed requests.
func (r *loadReport) errors() int {
	n := 0
	for _, k := range r.Kinds {
		if k.Kind != "all" {
			n += k.Errors
		}
	}
	return n
}

// runLoadTest serves the API in this process on loopback and drives it
// with concurrent configuration sessions over TCP.
func runLoadTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := loadOptions{}
	fs.IntVar(&opts.Sessions, "sessions", 200, "concurrent configuration sessions (virtual salespeople)")
	fs.DurationVar(&opts.Duration, "duration", 30*time.Second, "how long to run")
	fs.DurationVar(&opts.Think, "think", 100*time.Millisecond, "mean pause of a salesperson between requests, uniform in [0, 2×think]; 0 for none")
	fs.BoolVar(&opts.MemorySessions, "memory-sessions", false, "keep sessions in memory instead of the SQLite store")
	fs.Uint64Var(&opts.Seed, "seed", 1, "seed of the salespeople's random choices")
	fs.StringVar(&opts.Dir, "dir", "", "directory for the SQLite database (default: a temporary one, removed afterwards)")
	fs.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the measured run to `file`")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq loadtest [--sessions N] [--duration D] [--think D] [--memory-sessions] [--seed N] [--dir DIR] [--cpuprofile FILE] [--json]")
		fmt.Fprintln(stderr, "Serves the JSON API on the example server catalog on 127.0.0.1 in this process and drives it over TCP:")
		fmt.Fprintln(stderr, "each virtual salesperson configures "+loadProduct+" (choose, withdraw, explain), starting over when complete.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || opts.Sessions < 1 || opts.Duration <= 0 || opts.Think < 0 {
		fs.Usage()
		return 2
	}
	report, err := loadTest(context.Background(), opts, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "cpq loadtest: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(report)
	} else {
		err = printLoadReport(stdout, report)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cpq loadtest: %v\n", err)
		return 1
	}
	if n := report.errors(); n > 0 {
		fmt.Fprintf(stderr, "cpq loadtest: %d requests failed\n", n)
		return 1
	}
	return 0
}

// loadTest starts the API, runs the salespeople for the duration and
// measures them.
func loadTest(ctx context.Context, opts loadOptions, progress io.Writer) (report *loadReport, err error) {
	if opts.Dir == "" {
		dir, err := os.MkdirTemp("", "cpq-loadtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		opts.Dir = dir
	}
	kit, st, err := demoKit(ctx, opts.Dir, render.Config{})
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := st.Close(); err == nil && cerr != nil {
			report, err = nil, cerr
		}
	}()
	secret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	auth := &cpqhttp.TokenAuthenticator{Secret: secret}
	var sessions cpqhttp.SessionStore = st.Sessions()
	storeName := "sqlite"
	if opts.MemorySessions {
		sessions, storeName = memory.NewSessions(), "memory"
	}
	handler, err := cpqhttp.New(cpqhttp.Config{Kit: kit, Authenticator: auth, Sessions: sessions, MaxBody: cpqhttp.DefaultMaxBody})
	if err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: serveReadHeaderTimeout, IdleTimeout: serveIdleTimeout}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		_ = srv.Close()
		<-served
	}()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(progress, "cpq loadtest: %d sessions for %s on %s, sessions in %s\n", opts.Sessions, opts.Duration, base, storeName)

	transport := &http.Transport{
		MaxIdleConns:        opts.Sessions,
		MaxIdleConnsPerHost: opts.Sessions,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	token := auth.Issue(cpqhttp.Identity{Tenant: serveTenant, User: "alice"}, time.Now().Add(opts.Duration+time.Hour))

	// One session first, so that the model is compiled before the clock
	// starts.
	warm := &salesperson{base: base, token: token, client: client, rng: rand.New(rand.NewPCG(opts.Seed, 0))}
	if _, err := warm.create(); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}

	runtime.GC()
	var peakHeap uint64
	sampled := make(chan struct{})
	stopSampling := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stopSampling:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				peakHeap = max(peakHeap, ms.HeapInuse)
			}
		}
	}()

	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	people := make([]*salesperson, opts.Sessions)
	start := time.Now()
	deadline := start.Add(opts.Duration)
	var wg sync.WaitGroup
	for i := range people {
		p := &salesperson{
			base: base, token: token, client: client, think: opts.Think, deadline: deadline,
			rng: rand.New(rand.NewPCG(opts.Seed, uint64(i)+1)),
		}
		people[i] = p
		wg.Go(p.run)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampled

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, rssPeak := processRSS()
	report = &loadReport{
		Date: time.Now().Format(time.DateOnly), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPUs: runtime.NumCPU(), Go: runtime.Version(),
		Sessions: opts.Sessions, Duration: elapsed, Think: opts.Think, Store: storeName,
		HeapInUse: ms.HeapInuse, HeapInUsePeak: max(peakHeap, ms.HeapInuse), RSS: rss, RSSPeak: rssPeak,
	}
	var all []time.Duration
	allErrors := 0
	for _, kind := range loadKinds {
		var ds []time.Duration
		errs := 0
		for _, p := range people {
			ds = append(ds, p.timings[kind]...)
			errs += p.errors[kind]
		}
		all = append(all, ds...)
		allErrors += errs
		report.Kinds = append(report.Kinds, kindReport(kind, ds, errs, elapsed))
	}
	report.Kinds = append(report.Kinds, kindReport("all", all, allErrors, elapsed))
	for _, p := range people {
		report.Completed += p.completed
		for _, e := range p.firstErrors {
			if len(report.FirstErrors) < 10 {
				report.FirstErrors = append(report.FirstErrors, e)
			}
		}
	}
	return report, nil
}

// kindReport sorts the durations and takes their percentiles (nearest
// rank).
func kindReport(kind string, ds []time.Duration, errs int, elapsed time.Duration) loadKindReport {
	r := loadKindReport{Kind: kind, Requests: len(ds), Errors: errs}
	if len(ds) == 0 {
		return r
	}
	slices.Sort(ds)
	rank := func(p int) time.Duration { return ds[(len(ds)*p+99)/100-1] }
	r.PerSec = float64(len(ds)) / elapsed.Seconds()
	r.P50, r.P90, r.P99, r.Max = rank(50), rank(90), rank(99), ds[len(ds)-1]
	return r
}

// processRSS reads the resident set size of this process and its peak
// from /proc/self/status (zero where there is none).
func processRSS() (rss, peak uint64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak
}

func printLoadReport(w io.Writer, r *loadReport) error {
	think := "none"
	if r.Think > 0 {
		think = fmt.Sprintf("0–%s (mean %s)", 2*r.Think, r.Think)
	}
	fmt.Fprintf(w, "cpq loadtest: %s, %s/%s, %d CPUs, %s\n", r.Date, r.GOOS, r.GOARCH, r.CPUs, r.Go)
	fmt.Fprintf(w, "%d sessions of %s for %.1f s, think time %s, sessions in %s\n\n", r.Sessions, loadProduct, r.Duration.Seconds(), think, r.Store)
	rows := [][]string{{"request", "n", "req/s", "p50", "p90", "p99", "max", "errors"}}
	for _, k := range r.Kinds {
		rows = append(rows, []string{k.Kind, fmt.Sprint(k.Requests), fmt.Sprintf("%.0f", k.PerSec),
			formatDuration(k.P50), formatDuration(k.P90), formatDuration(k.P99), formatDuration(k.Max), fmt.Sprint(k.Errors)})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		line := fmt.Sprintf("%-*s", widths[0], row[0])
		for i, cell := range row[1:] {
			line += fmt.Sprintf("  %*s", widths[i+1], cell)
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\nconfigurations completed: %d\n", r.Completed)
	mib := func(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
	_, err := fmt.Fprintf(w, "memory (server and load generator): Go heap in use %s (peak %s), RSS %s (peak %s)\n",
		mib(r.HeapInUse), mib(r.HeapInUsePeak), mib(r.RSS), mib(r.RSSPeak))
	for _, e := range r.FirstErrors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	return err
}

// salesperson is one virtual user: one configuration session at a time,
// one request at a time.
type salesperson struct {
	base, token string
	client      *http.Client
	rng         *rand.Rand
	think       time.Duration
	deadline    time.Time

	timings     map[string][]time.Duration
	errors      map[string]int
	firstErrors []string
	completed   int

	// The current session, as the last answer showed it.
	session *loadSession
	// offered holds every value each variable was offered in a new
	// session; a value offered then and withheld now is explained.
	offered map[string][]string
}

// loadSession is the part of a session's JSON the salesperson reads.
type loadSession struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Choices []struct {
		Var   string `json:"var"`
		Value string `json:"value"`
	} `json:"choices"`
	Domains []struct {
		Var    string   `json:"var"`
		Values []string `json:"values"`
	} `json:"domains"`
	Complete bool `json:"complete"`
}

func (p *salesperson) run() {
	p.timings = map[string][]time.Duration{}
	p.errors = map[string]int{}
	// The salespeople arrive over the first pause, not all at once.
	if !p.pause() {
		return
	}
	for time.Now().Before(p.deadline) {
		if p.session == nil || p.session.Complete {
			if p.session != nil {
				p.completed++
			}
			s, err := p.create()
			p.record(kindCreate, err)
			p.session = s
		} else {
			p.step()
		}
		if !p.pause() {
			return
		}
	}
}

// pause thinks for a random time before the next request, and reports
// whether there is time left for one.
func (p *salesperson) pause() bool {
	if p.think <= 0 {
		return true
	}
	d := time.Duration(p.rng.Int64N(int64(2*p.think) + 1))
	if time.Now().Add(d).After(p.deadline) {
		return false
	}
	time.Sleep(d)
	return true
}

// step makes one request on the current session: mostly a choice among
// the values offered, sometimes a withdrawal or a question why a value is
// withheld.
func (p *salesperson) step() {
	s := p.session
	r := p.rng.IntN(100)
	if r < 10 && len(s.Choices) > 0 {
		c := s.Choices[p.rng.IntN(len(s.Choices))]
		next, err := p.send(kindWithdraw, "DELETE", "/v1/sessions/"+s.ID+"/choices/"+url.PathEscape(c.Var), "")
		p.after(kindWithdraw, next, err)
		return
	}
	if r < 25 {
		if variable, value, ok := p.withheld(); ok {
			q := url.Values{"var": {variable}, "value": {value}}
			_, err := p.request(kindExplain, "GET", "/v1/sessions/"+s.ID+"/explain?"+q.Encode(), "", http.StatusOK)
			p.record(kindExplain, err)
			if err != nil {
				p.session = nil
			}
			return
		}
	}
	chosen := map[string]bool{}
	for _, c := range s.Choices {
		chosen[c.Var] = true
	}
	var open []int
	for i, d := range s.Domains {
		if !chosen[d.Var] && len(d.Values) > 1 {
			open = append(open, i)
		}
	}
	if len(open) == 0 {
		// Every variable is settled but the session said it was not
		// complete: start over, and count it as a failure.
		p.record(kindChoose, errors.New("session "+s.ID+" has no open variable but is not complete"))
		p.session = nil
		return
	}
	d := s.Domains[open[p.rng.IntN(len(open))]]
	body, _ := json.Marshal(map[string]string{"var": d.Var, "value": d.Values[p.rng.IntN(len(d.Values))]})
	next, err := p.send(kindChoose, "POST", "/v1/sessions/"+s.ID+"/choices", string(body))
	p.after(kindChoose, next, err)
}

// withheld picks a value offered in a new session that the current one
// withholds, of a variable not chosen.
func (p *salesperson) withheld() (variable, value string, ok bool) {
	chosen := map[string]bool{}
	for _, c := range p.session.Choices {
		chosen[c.Var] = true
	}
	var cands [][2]string
	for _, d := range p.session.Domains {
		if chosen[d.Var] {
			continue
		}
		for _, v := range p.offered[d.Var] {
			if !slices.Contains(d.Values, v) {
				cands = append(cands, [2]string{d.Var, v})
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[p.rng.IntN(len(cands))]
	return c[0], c[1], true
}

// after records a request that answers with the session, and keeps the
// session (or starts over after a failure).
func (p *salesperson) after(kind string, next *loadSession, err error) {
	p.record(kind, err)
	p.session = next
}

func (p *salesperson) record(kind string, err error) {
	if err != nil {
		p.errors[kind]++
		if len(p.firstErrors) < 3 {
			p.firstErrors = append(p.firstErrors, kind+": "+err.Error())
		}
	}
}

// create starts a session.
func (p *salesperson) create() (*loadSession, error) {
	s, err := p.send(kindCreate, "POST", "/v1/sessions", `{"product":"`+loadProduct+`"}`)
	if err != nil {
		return nil, err
	}
	if p.offered == nil {
		p.offered = map[string][]string{}
		for _, d := range s.Domains {
			p.offered[d.Var] = d.Values
		}
	}
	return s, nil
}

// send makes a request that answers with the session.
func (p *salesperson) send(kind, method, path, body string) (*loadSession, error) {
	status := http.StatusOK
	if kind == kindCreate {
		status = http.StatusCreated
	}
	data, err := p.request(kind, method, path, body, status)
	if err != nil {
		return nil, err
	}
	var s loadSession
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return &s, nil
}

// request sends a request, times it (until the whole answer is read) and
// checks its status.
func (p *salesperson) request(kind, method, path, body string, want int) ([]byte, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := p.client.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if p.timings != nil {
		p.timings[kind] = append(p.timings[kind], time.Since(start))
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	return data, nil
}
