package record

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

func sample() *quote.Quote {
	return &quote.Quote{
		ID: "q-1", Tenant: "acme", Number: "Q-1", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{Owner: "alice", Currency: "EUR", ValidUntil: time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)},
		Lines:  []quote.Line{{ID: "l-1", Product: "P", Name: "part", Quantity: decimal.New(1, 0)}},
		Totals: quote.Totals{Grand: decimal.RequireFromString("1234.5000")},
	}
}

func TestEncode(t *testing.T) {
	rec, err := Encode(sample())
	require.NoError(t, err)
	assert.Equal(t, "2030-01-02T00:00:00.000000000Z", rec.ValidUntil)
	assert.Equal(t, "1234.5000", rec.Total, "exact, trailing zeros kept")
	q, err := Decode(rec.Doc)
	require.NoError(t, err)
	assert.Equal(t, sample().ComputeSeal(), q.ComputeSeal())
}

func TestEncodeRefuses(t *testing.T) {
	for name, breakIt := range map[string]func(q *quote.Quote){
		"no ID":                  func(q *quote.Quote) { q.ID = "" },
		"invalid":                func(q *quote.Quote) { q.Header.Currency = "" },
		"NUL in the owner":       func(q *quote.Quote) { q.Header.Owner = "al\x00ice" },
		"bad UTF-8 in a line":    func(q *quote.Quote) { q.Lines[0].Name = "\xc3(" },
		"bad UTF-8 in the ID":    func(q *quote.Quote) { q.ID = "q-\xff" },
		"valid until year 10000": func(q *quote.Quote) { q.Header.ValidUntil = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
	} {
		q := sample()
		breakIt(q)
		_, err := Encode(q)
		assert.True(t, errors.Is(err, quote.ErrInvalid), "%s: %v", name, err)
	}
	_, err := Encode(nil)
	assert.True(t, errors.Is(err, quote.ErrInvalid))
}

func TestReplacedInvalidUTF8(t *testing.T) {
	for text, want := range map[string]bool{
		"plain":             false,
		"real \uFFFD":       false,
		`escaped \ufffd`:    false, // a backslash in the text is doubled
		`two \\ufffd`:       false,
		"bad \xff":          true,
		`\` + "\xff":        true,
		"NUL \x00 is valid": false,
	} {
		q := sample()
		q.Header.Notes = text
		_, err := Encode(q)
		assert.Equal(t, want, err != nil, "%q: %v", text, err)
	}
}

func TestTimeKeysSortLikeTimes(t *testing.T) {
	plus8 := time.FixedZone("", 8*3600)
	times := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2000, 1, 1, 7, 0, 0, 0, plus8), // 1999-12-31T23:00Z
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	var keys []string
	for _, tm := range times {
		k, err := TimeKey(tm)
		require.NoError(t, err)
		back, err := ParseTimeKey(k)
		require.NoError(t, err)
		assert.True(t, back.Equal(tm), "%s round trip", tm)
		keys = append(keys, k)
	}
	assert.True(t, slices.IsSorted(keys), "%v", keys)
	assert.Equal(t, "", BoundKey(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Greater(t, BoundKey(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)), keys[len(keys)-1])
}

func TestCursor(t *testing.T) {
	for _, n := range []string{"Q-1", "", "número ünicode", "a\x00b"} {
		got, ok, err := After(Cursor(n))
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, n, got)
	}
	_, ok, err := After("")
	assert.NoError(t, err)
	assert.False(t, ok)
	for _, bad := range []string{"!", "Q-1", "bTpR"} {
		_, _, err := After(bad)
		assert.True(t, errors.Is(err, quote.ErrInvalid), "%q: %v", bad, err)
	}
}

func FuzzAfter(f *testing.F) {
	f.Add(Cursor("Q-000001"))
	f.Add("")
	f.Add("not a cursor")
	f.Fuzz(func(t *testing.T, cursor string) {
		n, ok, err := After(cursor)
		if err != nil {
			if !errors.Is(err, quote.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if ok {
			if m, _, err := After(Cursor(n)); err != nil || m != n {
				t.Fatalf("the cursor of %q does not read back: %q, %v", n, m, err)
			}
		}
	})
}

func TestCheckEvent(t *testing.T) {
	good := quote.Event{ID: "e", Tenant: "t", QuoteID: "q", Kind: "k", Payload: []byte(`{"a":1}`), At: time.Now()}
	require.NoError(t, CheckEvent(good))
	for name, breakIt := range map[string]func(e *quote.Event){
		"no ID":         func(e *quote.Event) { e.ID = "" },
		"no tenant":     func(e *quote.Event) { e.Tenant = "" },
		"no quote":      func(e *quote.Event) { e.QuoteID = "" },
		"no kind":       func(e *quote.Event) { e.Kind = "" },
		"NUL in the ID": func(e *quote.Event) { e.ID = "e\x00" },
		"bad payload":   func(e *quote.Event) { e.Payload = []byte("{") },
		"time too late": func(e *quote.Event) { e.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
	} {
		e := good
		breakIt(&e)
		assert.True(t, errors.Is(CheckEvent(e), quote.ErrInvalid), name)
	}
}

// TestMatchesAgreesWithFilter compares the column filter with the quote's
// own, over every combination of a few quotes and filters.
func TestMatchesAgreesWithFilter(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2030, 6, d, 0, 0, 0, 0, time.UTC) }
	plus8 := time.FixedZone("", 8*3600)
	var quotes []*quote.Quote
	for i, until := range []time.Time{{}, day(1), day(15), day(15).Add(1), time.Date(2030, 6, 15, 0, 0, 0, 0, plus8)} {
		for j, status := range []quote.Status{quote.StatusDraft, quote.StatusApproved} {
			q := sample()
			q.Header.ValidUntil = until
			q.Status = status
			q.Header.Owner = []string{"alice", "bob"}[(i+j)%2]
			q.Header.Opportunity = []string{"", "opp-1"}[i%2]
			quotes = append(quotes, q)
		}
	}
	var filters []quote.Filter
	for _, st := range [][]quote.Status{nil, {quote.StatusDraft}, {quote.StatusApproved, quote.StatusDraft}} {
		for _, owner := range []string{"", "bob"} {
			for _, opp := range []string{"", "opp-1"} {
				for _, before := range []time.Time{{}, day(15), day(15).Add(1), day(15).In(plus8), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
					filters = append(filters, quote.Filter{Status: st, Owner: owner, Opportunity: opp, ExpiringBefore: before})
				}
			}
		}
	}
	for _, q := range quotes {
		rec, err := Encode(q)
		require.NoError(t, err)
		for _, f := range filters {
			assert.Equal(t, f.Matches(q), rec.Matches(f), "quote %+v, filter %+v", q.Header.ValidUntil, f)
		}
	}
}
