package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
)

// The headers of a webhook request.
const (
	// HeaderSignature carries "v1=" and the hex HMAC-SHA256 of the
	// timestamp, a dot, and the body; several, comma-separated, while
	// secrets are rotated.
	HeaderSignature = "Cpq-Signature"
	// HeaderTimestamp carries the time of sending, in Unix seconds.
	HeaderTimestamp = "Cpq-Timestamp"
	// HeaderEvent carries the event's kind.
	HeaderEvent = "Cpq-Event"
	// HeaderIdempotencyKey carries the event's ID.
	HeaderIdempotencyKey = "Idempotency-Key"
)

// Errors a receiver may branch on.
var (
	// ErrBadSignature: the signature is missing, malformed, or not made
	// with any of the receiver's secrets over this body and timestamp.
	ErrBadSignature = errors.New("webhook signature does not verify")
	// ErrStale: the timestamp is outside the receiver's window (an old
	// request replayed, or a clock far off).
	ErrStale = errors.New("webhook timestamp outside the accepted window")
)

// Sign returns the signature header value of a body sent at a time.
func Sign(secret []byte, timestamp time.Time, body []byte) string {
	return "v1=" + hex.EncodeToString(mac(secret, strconv.FormatInt(timestamp.Unix(), 10), body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Config configures a Sender. URL and Secret are required.
type Config struct {
	URL    string
	Secret []byte
	// Client sends the requests; zero means a client of its own with
	// Timeout.
	Client *http.Client
	// Timeout bounds one request, connection and answer included; zero
	// means ten seconds. The dispatcher's delivery timeout bounds it too.
	Timeout time.Duration
	// Clock stamps the requests; zero means the system clock.
	Clock crm.Clock
	// UserAgent names the sender; zero means "cpqkit-webhook".
	UserAgent string
}

// Sender is a crm.Handler that POSTs each event as JSON to a URL, signed.
// A 2xx answer takes the event; 408, 425, 429, any 5xx, a timeout or a
// broken connection are retried by the dispatcher; any other answer is a
// permanent failure (crm.ErrPermanent), so the event becomes a dead letter
// to fix and replay.
type Sender struct {
	cfg Config
}

// StatusError is an answer that was not 2xx.
type StatusError struct {
	Code int
	// Body is the start of the answer's body.
	Body string
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("webhook answered %d %s", e.Code, http.StatusText(e.Code))
	}
	return fmt.Sprintf("webhook answered %d %s: %s", e.Code, http.StatusText(e.Code), e.Body)
}

// NewSender returns a sender.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.URL == "" || len(cfg.Secret) == 0 {
		return nil, errors.New("new webhook sender: a URL and a secret are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.Timeout}
	}
	if cfg.Clock == nil {
		cfg.Clock = crm.ClockFunc(time.Now)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "cpqkit-webhook"
	}
	return &Sender{cfg: cfg}, nil
}

// Deliver POSTs the event.
func (s *Sender) Deliver(ctx context.Context, e quote.Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return crm.Permanent(fmt.Errorf("webhook: encode event %s: %w", e.ID, err))
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return crm.Permanent(fmt.Errorf("webhook: %w", err))
	}
	now := s.cfg.Clock.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(s.cfg.Secret, now, body))
	req.Header.Set(HeaderEvent, e.Kind)
	req.Header.Set(HeaderIdempotencyKey, e.ID)
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: post event %s: %w", e.ID, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := &StatusError{Code: resp.StatusCode, Body: strings.TrimSpace(string(snippet))}
	switch {
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusRequestTimeout,
		resp.StatusCode == http.StatusTooEarly, resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("webhook: post event %s: %w", e.ID, se)
	}
	return crm.Permanent(fmt.Errorf("webhook: post event %s: %w", e.ID, se))
}

// Verify checks a request's signature and timestamp: the signature must be
// the HMAC-SHA256 of the timestamp, a dot and the body under secret
// (ErrBadSignature otherwise), and the timestamp within window of now, in
// either direction (ErrStale otherwise; zero window means five minutes).
// Within the window a request could be sent again: the receiver applies
// each idempotency key once.
func Verify(secret []byte, h http.Header, body []byte, now time.Time, window time.Duration) error {
	return Verifier{Secrets: [][]byte{secret}, Window: window, Clock: crm.ClockFunc(func() time.Time { return now })}.Verify(h, body)
}

// Verifier is the receiver's side of the webhook.
type Verifier struct {
	// Secrets are the secrets a request may be signed with: one, or two
	// while the sender's is rotated.
	Secrets [][]byte
	// Window is how far the timestamp may be from now; zero means five
	// minutes.
	Window time.Duration
	// Clock tells now; zero means the system clock.
	Clock crm.Clock
	// MaxBody bounds the body Event reads; zero means 1 MiB.
	MaxBody int64
}

// DefaultWindow is the timestamp window unless configured.
const DefaultWindow = 5 * time.Minute

// Verify checks the headers and body of a request.
func (v Verifier) Verify(h http.Header, body []byte) error {
	window := v.Window
	if window <= 0 {
		window = DefaultWindow
	}
	ts := h.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: timestamp %q is not Unix seconds: %w", ts, ErrBadSignature)
	}
	var sigs [][]byte
	for part := range strings.SplitSeq(h.Get(HeaderSignature), ",") {
		hexSig, ok := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !ok {
			continue
		}
		if sig, err := hex.DecodeString(hexSig); err == nil {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		return fmt.Errorf("webhook: no v1 signature: %w", ErrBadSignature)
	}
	valid := false
	for _, secret := range v.Secrets {
		if len(secret) == 0 {
			continue
		}
		want := mac(secret, ts, body)
		for _, sig := range sigs {
			valid = valid || hmac.Equal(sig, want)
		}
	}
	if !valid {
		return fmt.Errorf("webhook: signature does not match the body: %w", ErrBadSignature)
	}
	// The timestamp is checked once it is known to be the sender's.
	var now time.Time
	if v.Clock != nil {
		now = v.Clock.Now()
	} else {
		now = time.Now()
	}
	sent := time.Unix(sec, 0)
	switch d := now.Sub(sent); {
	case d > window:
		return fmt.Errorf("webhook: sent at %s, %s ago, older than the %s window: %w", sent.UTC().Format(time.RFC3339), d.Round(time.Second), window, ErrStale)
	case d < -window:
		return fmt.Errorf("webhook: sent at %s, %s ahead of the receiver's clock, beyond the %s window: %w", sent.UTC().Format(time.RFC3339), (-d).Round(time.Second), window, ErrStale)
	}
	return nil
}

// Event reads a request's body, verifies it and decodes the event.
func (v Verifier) Event(r *http.Request) (quote.Event, error) {
	limit := v.MaxBody
	if limit <= 0 {
		limit = 1 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return quote.Event{}, fmt.Errorf("webhook: read body: %w", err)
	}
	if int64(len(body)) > limit {
		return quote.Event{}, fmt.Errorf("webhook: body over %d bytes", limit)
	}
	if err := v.Verify(r.Header, body); err != nil {
		return quote.Event{}, err
	}
	var e quote.Event
	if err := json.Unmarshal(body, &e); err != nil {
		return quote.Event{}, fmt.Errorf("webhook: decode event: %w", err)
	}
	if e.ID == "" || e.Kind == "" {
		return quote.Event{}, errors.New("webhook: event without an ID or kind")
	}
	return e, nil
}

// Handler returns an http.Handler for the receiver: it verifies each
// request and gives its event to apply, answering 204 when apply returns
// nil, 401 for a bad signature or a stale timestamp, 400 for a body that is
// not an event, and 500 (so the sender retries) when apply fails. apply
// must apply each event ID once: the sender delivers at least once.
func Handler(v Verifier, apply func(ctx context.Context, e quote.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "only POST", http.StatusMethodNotAllowed)
			return
		}
		e, err := v.Event(r)
		switch {
		case errors.Is(err, ErrBadSignature), errors.Is(err, ErrStale):
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := apply(r.Context(), e); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
