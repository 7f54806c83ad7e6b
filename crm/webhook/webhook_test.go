package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/webhook"
	"github.com/cpqkit/cpq/quote"
)

var (
	secret = []byte("whsec-3f9a")
	now    = time.Date(2030, time.March, 4, 9, 0, 0, 0, time.UTC)
	body   = []byte(`{"id":"e-1","tenant":"acme","quote_id":"q-1","revision":1,"kind":"quote.approved","at":"2030-03-04T09:00:00Z"}`)
)

// signed returns the headers a sender would send with body at a time,
// signed with key.
func signed(key []byte, at time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "."))
	m.Write(body)
	h := http.Header{}
	h.Set(webhook.HeaderTimestamp, ts)
	h.Set(webhook.HeaderSignature, "v1="+hex.EncodeToString(m.Sum(nil)))
	return h
}

func TestSignMatchesTheDocumentedScheme(t *testing.T) {
	assert.Equal(t, signed(secret, now, body).Get(webhook.HeaderSignature), webhook.Sign(secret, now, body))
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		headers http.Header
		body    []byte
		want    error
	}{
		{"signed with the secret", signed(secret, now, body), body, nil},
		{"sent a minute ago", signed(secret, now.Add(-time.Minute), body), body, nil},
		{"wrong key", signed([]byte("whsec-other"), now, body), body, webhook.ErrBadSignature},
		{"body changed", signed(secret, now, body), []byte(strings.Replace(string(body), "approved", "rejected", 1)), webhook.ErrBadSignature},
		{"amount changed", signed(secret, now, []byte(`{"amount":"100"}`)), []byte(`{"amount":"900"}`), webhook.ErrBadSignature},
		{"old timestamp", signed(secret, now.Add(-6*time.Minute), body), body, webhook.ErrStale},
		{"timestamp from the future", signed(secret, now.Add(6*time.Minute), body), body, webhook.ErrStale},
		{"timestamp changed after signing", func() http.Header {
			h := signed(secret, now.Add(-time.Hour), body)
			h.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
			return h
		}(), body, webhook.ErrBadSignature},
		{"no signature", func() http.Header {
			h := signed(secret, now, body)
			h.Del(webhook.HeaderSignature)
			return h
		}(), body, webhook.ErrBadSignature},
		{"no timestamp", func() http.Header {
			h := signed(secret, now, body)
			h.Del(webhook.HeaderTimestamp)
			return h
		}(), body, webhook.ErrBadSignature},
		{"signature not hex", func() http.Header {
			h := signed(secret, now, body)
			h.Set(webhook.HeaderSignature, "v1=zz")
			return h
		}(), body, webhook.ErrBadSignature},
		{"another scheme", func() http.Header {
			h := signed(secret, now, body)
			h.Set(webhook.HeaderSignature, "v0="+h.Get(webhook.HeaderSignature)[3:])
			return h
		}(), body, webhook.ErrBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := webhook.Verify(secret, tc.headers, tc.body, now, 5*time.Minute)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestVerifierAcceptsEitherSecretWhileRotating(t *testing.T) {
	next := []byte("whsec-next")
	v := webhook.Verifier{Secrets: [][]byte{secret, next}, Clock: crm.ClockFunc(func() time.Time { return now })}
	assert.NoError(t, v.Verify(signed(secret, now, body), body))
	assert.NoError(t, v.Verify(signed(next, now, body), body))
	assert.ErrorIs(t, v.Verify(signed([]byte("whsec-old"), now, body), body), webhook.ErrBadSignature)

	both := signed(secret, now, body)
	both.Set(webhook.HeaderSignature, webhook.Sign([]byte("whsec-old"), now, body)+", "+webhook.Sign(next, now, body))
	assert.NoError(t, v.Verify(both, body), "one good signature among several is enough")
}

// A sender and a receiver agree; the receiver refuses the same request
// signed with another key.
func TestSenderAndHandler(t *testing.T) {
	var mu sync.Mutex
	var got []quote.Event
	apply := func(_ context.Context, e quote.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e)
		return nil
	}
	srv := httptest.NewServer(webhook.Handler(webhook.Verifier{Secrets: [][]byte{secret}}, apply))
	defer srv.Close()

	e := quote.Event{ID: "e-1", Tenant: "acme", QuoteID: "q-1", Revision: 2, Kind: crm.KindApproved,
		Payload: []byte(`{"quote":{"id":"q-1","amount":"1234.50"}}`), At: now}
	s, err := webhook.NewSender(webhook.Config{URL: srv.URL, Secret: secret})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), e))
	require.Len(t, got, 1)
	assert.Equal(t, e.ID, got[0].ID)
	assert.Equal(t, e.Revision, got[0].Revision)
	assert.JSONEq(t, string(e.Payload), string(got[0].Payload))
	assert.True(t, e.At.Equal(got[0].At))

	wrong, err := webhook.NewSender(webhook.Config{URL: srv.URL, Secret: []byte("whsec-other")})
	require.NoError(t, err)
	err = wrong.Deliver(context.Background(), e)
	var se *webhook.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusUnauthorized, se.Code)
	assert.ErrorIs(t, err, crm.ErrPermanent, "a refused signature is not retried: the key must be fixed")
	assert.Len(t, got, 1)
}

func TestSenderClassifiesAnswers(t *testing.T) {
	tests := []struct {
		status    int
		ok        bool
		permanent bool
	}{
		{http.StatusOK, true, false},
		{http.StatusNoContent, true, false},
		{http.StatusBadRequest, false, true},
		{http.StatusNotFound, false, true},
		{http.StatusUnprocessableEntity, false, true},
		{http.StatusRequestTimeout, false, false},
		{http.StatusTooManyRequests, false, false},
		{http.StatusInternalServerError, false, false},
		{http.StatusBadGateway, false, false},
		{http.StatusServiceUnavailable, false, false},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, "receiver says no")
			}))
			defer srv.Close()
			s, err := webhook.NewSender(webhook.Config{URL: srv.URL, Secret: secret})
			require.NoError(t, err)
			err = s.Deliver(context.Background(), quote.Event{ID: "e-1", Kind: crm.KindUpdated})
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.permanent, errors.Is(err, crm.ErrPermanent))
			assert.Contains(t, err.Error(), "receiver says no")
		})
	}
}

func TestSenderTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	s, err := webhook.NewSender(webhook.Config{URL: srv.URL, Secret: secret, Timeout: 20 * time.Millisecond})
	require.NoError(t, err)
	err = s.Deliver(context.Background(), quote.Event{ID: "e-1", Kind: crm.KindUpdated})
	require.Error(t, err)
	assert.False(t, errors.Is(err, crm.ErrPermanent), "a timeout is retried")
}

func TestHandlerAnswers(t *testing.T) {
	v := webhook.Verifier{Secrets: [][]byte{secret}, Clock: crm.ClockFunc(func() time.Time { return now })}
	failing := errors.New("database down")
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		apply  error
		want   int
	}{
		{"applied", signed(secret, now, body), body, nil, http.StatusNoContent},
		{"bad signature", signed([]byte("x"), now, body), body, nil, http.StatusUnauthorized},
		{"stale", signed(secret, now.Add(-time.Hour), body), body, nil, http.StatusUnauthorized},
		{"not an event", signed(secret, now, []byte(`[1]`)), []byte(`[1]`), nil, http.StatusBadRequest},
		{"apply fails: retry", signed(secret, now, body), body, failing, http.StatusInternalServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := webhook.Handler(v, func(context.Context, quote.Event) error { return tc.apply })
			req := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(tc.body))
			for k, vs := range tc.header {
				req.Header[k] = vs
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			assert.Equal(t, tc.want, w.Code)
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	h := signed(secret, now, body)
	b.ReportAllocs()
	for b.Loop() {
		if err := webhook.Verify(secret, h, body, now, 0); err != nil {
			b.Fatal(err)
		}
	}
}
