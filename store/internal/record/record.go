// Package record turns quotes and events into what the reference stores
// keep: a JSON document plus the indexed columns, with the checks every
// store applies before it writes, and the listing cursor they share.
package record

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cpqkit/cpq/quote"
	"github.com/shopspring/decimal"
)

// Quote is a quote as a store row: the indexed columns and the document.
type Quote struct {
	Tenant      string
	ID          string
	Number      string
	Status      string
	Owner       string
	Opportunity string
	// ValidUntil is the TimeKey of the header's validity, empty when it
	// is unset.
	ValidUntil string
	Revision   int
	Version    int64
	Currency   string
	// Total is the grand total, an exact decimal.
	Total string
	// Doc is the quote encoded as JSON.
	Doc []byte
}

// Encode checks that the quote can be stored and returns its row. A quote
// that breaks its own rules (quote.Validate), has no ID, holds a NUL
// character in an indexed field, text that is not valid UTF-8, or a
// validity outside the years 1 to 9999 is refused with an error wrapping
// quote.ErrInvalid: storing it would change it.
func Encode(q *quote.Quote) (Quote, error) {
	if q == nil {
		return Quote{}, fmt.Errorf("no quote given: %w", quote.ErrInvalid)
	}
	if q.ID == "" {
		return Quote{}, fmt.Errorf("quote %s has no ID: %w", q.Number, quote.ErrInvalid)
	}
	if err := q.Validate(); err != nil {
		return Quote{}, err
	}
	for _, f := range []struct{ name, value string }{
		{"tenant", q.Tenant}, {"ID", q.ID}, {"number", q.Number}, {"status", string(q.Status)},
		{"owner", q.Header.Owner}, {"opportunity", q.Header.Opportunity}, {"currency", q.Header.Currency},
	} {
		if strings.IndexByte(f.value, 0) >= 0 {
			return Quote{}, fmt.Errorf("quote %s: the %s holds a NUL character: %w", q.Number, f.name, quote.ErrInvalid)
		}
	}
	until := ""
	if !q.Header.ValidUntil.IsZero() {
		var err error
		if until, err = TimeKey(q.Header.ValidUntil); err != nil {
			return Quote{}, fmt.Errorf("quote %s: valid until: %w", q.Number, err)
		}
	}
	doc, err := json.Marshal(q)
	if err != nil {
		return Quote{}, fmt.Errorf("quote %s: encode: %w", q.Number, err)
	}
	if replacedInvalidUTF8(doc) {
		return Quote{}, fmt.Errorf("quote %s holds text that is not valid UTF-8: %w", q.Number, quote.ErrInvalid)
	}
	return Quote{
		Tenant: q.Tenant, ID: q.ID, Number: q.Number, Status: string(q.Status),
		Owner: q.Header.Owner, Opportunity: q.Header.Opportunity, ValidUntil: until,
		Revision: q.Revision, Version: q.Version, Currency: q.Header.Currency,
		Total: Decimal(q.Totals.Grand), Doc: doc,
	}, nil
}

// Matches reports whether the row passes the filter (the cursor aside),
// comparing the columns as the SQL stores do.
func (r Quote) Matches(f quote.Filter) bool {
	if len(f.Status) > 0 && !slices.Contains(f.Status, quote.Status(r.Status)) {
		return false
	}
	if f.Owner != "" && r.Owner != f.Owner {
		return false
	}
	if f.Opportunity != "" && r.Opportunity != f.Opportunity {
		return false
	}
	if !f.ExpiringBefore.IsZero() && (r.ValidUntil == "" || r.ValidUntil >= BoundKey(f.ExpiringBefore)) {
		return false
	}
	return true
}

// Decimal writes a decimal exactly, in fixed notation, whatever the
// decimal package's global formatting switches say.
func Decimal(d decimal.Decimal) string {
	places := int32(0)
	if e := d.Exponent(); e < 0 {
		places = -e
	}
	return d.StringFixed(places)
}

// replacedInvalidUTF8 reports whether encoding/json replaced invalid UTF-8
// in a string: it writes the escape \ufffd for each invalid byte, while a
// real U+FFFD is written as is and a backslash in the text is doubled.
func replacedInvalidUTF8(doc []byte) bool {
	const esc = `\ufffd`
	for off := 0; ; {
		i := bytes.Index(doc[off:], []byte(esc))
		if i < 0 {
			return false
		}
		i += off
		backslashes := 0
		for j := i; j >= 0 && doc[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 1 {
			return true
		}
		off = i + len(esc)
	}
}

// Decode reads a stored document. The document holds the version it was
// stored at.
func Decode(doc []byte) (*quote.Quote, error) {
	var q quote.Quote
	if err := json.Unmarshal(doc, &q); err != nil {
		return nil, fmt.Errorf("decode stored quote: %w", err)
	}
	return &q, nil
}

// timeKeyLayout sorts as text in time order for the years 1 to 9999.
const timeKeyLayout = "2006-01-02T15:04:05.000000000Z"

// TimeKey writes an instant in UTC with nanoseconds, fixed width, so that
// keys compare as text in the order of the instants.
func TimeKey(t time.Time) (string, error) {
	u := t.UTC()
	if y := u.Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("time %s is outside the years 1 to 9999: %w", t, quote.ErrInvalid)
	}
	return u.Format(timeKeyLayout), nil
}

// BoundKey is the key of a bound to compare TimeKeys with: a bound before
// the year 1 is below every key, one after the year 9999 above every key.
func BoundKey(t time.Time) string {
	switch y := t.UTC().Year(); {
	case y < 1:
		return ""
	case y > 9999:
		return "~"
	}
	k, _ := TimeKey(t)
	return k
}

// ParseTimeKey reads a TimeKey.
func ParseTimeKey(s string) (time.Time, error) {
	t, err := time.Parse(timeKeyLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// CheckEvent checks that an event can be enqueued: it needs an ID, a
// tenant, a quote and a kind, none holding a NUL character or invalid
// UTF-8.
func CheckEvent(e quote.Event) error {
	for _, f := range []struct{ name, value string }{
		{"ID", e.ID}, {"tenant", e.Tenant}, {"quote ID", e.QuoteID}, {"kind", e.Kind},
	} {
		switch {
		case f.value == "":
			return fmt.Errorf("event %q has no %s: %w", e.ID, f.name, quote.ErrInvalid)
		case strings.IndexByte(f.value, 0) >= 0 || !utf8.ValidString(f.value):
			return fmt.Errorf("event %q: the %s is not printable text: %w", e.ID, f.name, quote.ErrInvalid)
		}
	}
	if len(e.Payload) > 0 && !json.Valid(e.Payload) {
		return fmt.Errorf("event %s: the payload is not JSON: %w", e.ID, quote.ErrInvalid)
	}
	if _, err := TimeKey(e.At); err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	return nil
}

// Text reports whether every string is valid UTF-8 without a NUL
// character: text every database can hold. A key that is not cannot
// match a stored quote.
func Text(ss ...string) bool {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

const cursorPrefix = "n:"

// Cursor returns the cursor of a listing that continues after the quote
// with the given number.
func Cursor(number string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + number))
}

// After returns the number a cursor continues after; ok is false for an
// empty cursor. A cursor no store gave out is refused with an error
// wrapping quote.ErrInvalid.
func After(cursor string) (number string, ok bool, err error) {
	if cursor == "" {
		return "", false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !bytes.HasPrefix(b, []byte(cursorPrefix)) {
		return "", false, fmt.Errorf("cursor %q is not one this store gave out: %w", cursor, quote.ErrInvalid)
	}
	return string(b[len(cursorPrefix):]), true, nil
}

// NewLease returns a fresh, unguessable lease token.
func NewLease() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
