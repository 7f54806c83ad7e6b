package quote

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// SealPrefix starts every seal: the hash function that made it.
const SealPrefix = "sha256:"

// The seal covers what the customer sees: the quote number and revision,
// the header (but not internal notes or the owner), groups, lines with
// their configuration and prices (but not costs or the waterfall), terms,
// and totals (but not cost or margin). Decimals are written in a canonical
// form (no trailing zeros), dates as YYYY-MM-DD, in a fixed field order, so
// the seal is the same on every run and in every store.
type sealedQuote struct {
	Number   string       `json:"number"`
	Revision int          `json:"revision"`
	Header   sealedHeader `json:"header"`
	Groups   []Group      `json:"groups"`
	Lines    []sealedLine `json:"lines"`
	Terms    []sealedTerm `json:"terms"`
	Totals   sealedTotals `json:"totals"`
}

type sealedHeader struct {
	Title          string    `json:"title"`
	Account        Party     `json:"account"`
	Contacts       []Contact `json:"contacts"`
	BillTo         Address   `json:"bill_to"`
	ShipTo         Address   `json:"ship_to"`
	Currency       string    `json:"currency"`
	ValidUntil     string    `json:"valid_until"`
	PaymentTerms   string    `json:"payment_terms"`
	PaymentDays    int       `json:"payment_days"`
	DeliveryTerms  string    `json:"delivery_terms"`
	TermMonths     int       `json:"term_months"`
	Language       string    `json:"language"`
	CustomerNeeds  string    `json:"customer_needs"`
	HeaderDiscount string    `json:"header_discount"`
}

type sealedLine struct {
	ID            string        `json:"id"`
	Product       string        `json:"product"`
	Name          string        `json:"name"`
	Description   string        `json:"description"`
	Quantity      string        `json:"quantity"`
	Unit          string        `json:"unit"`
	Group         string        `json:"group"`
	Parent        string        `json:"parent"`
	Optional      bool          `json:"optional"`
	Alternative   string        `json:"alternative"`
	Selected      bool          `json:"selected"`
	Configuration []ConfigValue `json:"configuration"`
	ListUnitPrice string        `json:"list_unit_price"`
	UnitPrice     string        `json:"unit_price"`
	ListTotal     string        `json:"list_total"`
	NetTotal      string        `json:"net_total"`
	Recurring     bool          `json:"recurring"`
	TermMonths    int           `json:"term_months"`
}

type sealedTerm struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

type sealedTotals struct {
	List      string `json:"list"`
	Discount  string `json:"discount"`
	Net       string `json:"net"`
	Tax       string `json:"tax"`
	Grand     string `json:"grand"`
	OneTime   string `json:"one_time"`
	Recurring string `json:"recurring"`
}

// canonical writes a decimal without trailing zeros and without depending
// on the decimal package's global formatting switches.
func canonical(d decimal.Decimal) string {
	places := int32(0)
	if d.Exponent() < 0 {
		places = -d.Exponent()
	}
	s := d.StringFixed(places)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// nilIfEmpty makes an empty list and a missing one serialise alike, so that
// a quote read back from a store seals the same.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Content returns the canonical serialisation of the quote's customer-
// visible content, which the seal hashes.
func (q *Quote) Content() []byte {
	h := q.Header
	s := sealedQuote{
		Number: q.Number, Revision: q.Revision,
		Header: sealedHeader{
			Title: h.Title, Account: h.Account, Contacts: nilIfEmpty(h.Contacts), BillTo: h.BillTo, ShipTo: h.ShipTo,
			Currency: h.Currency, ValidUntil: date(h.ValidUntil), PaymentTerms: h.PaymentTerms, PaymentDays: h.PaymentDays,
			DeliveryTerms: h.DeliveryTerms, TermMonths: h.TermMonths, Language: h.Language, CustomerNeeds: h.CustomerNeeds,
			HeaderDiscount: canonical(h.HeaderDiscount),
		},
		Groups: nilIfEmpty(q.Groups),
		Totals: sealedTotals{
			List: canonical(q.Totals.List), Discount: canonical(q.Totals.Discount), Net: canonical(q.Totals.Net),
			Tax: canonical(q.Totals.Tax), Grand: canonical(q.Totals.Grand), OneTime: canonical(q.Totals.OneTime),
			Recurring: canonical(q.Totals.Recurring),
		},
	}
	for _, l := range q.Lines {
		s.Lines = append(s.Lines, sealedLine{
			ID: l.ID, Product: l.Product, Name: l.Name, Description: l.Description, Quantity: canonical(l.Quantity),
			Unit: l.Unit, Group: l.Group, Parent: l.Parent, Optional: l.Optional, Alternative: l.Alternative,
			Selected: l.Selected, Configuration: nilIfEmpty(l.Configuration),
			ListUnitPrice: canonical(l.Price.ListUnitPrice), UnitPrice: canonical(l.Price.UnitPrice),
			ListTotal: canonical(l.Price.ListTotal), NetTotal: canonical(l.Price.NetTotal),
			Recurring: l.Price.Recurring, TermMonths: l.Price.TermMonths,
		})
	}
	for _, t := range q.Terms {
		s.Terms = append(s.Terms, sealedTerm{ID: t.ID, Title: t.Title, Text: t.Text})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// Only strings, numbers and booleans are encoded: this cannot fail.
		panic(fmt.Sprintf("quote: encode content: %v", err))
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// ComputeSeal returns the seal of the quote's current content:
// "sha256:" and the hex SHA-256 of Content.
func (q *Quote) ComputeSeal() string {
	sum := sha256.Sum256(q.Content())
	return SealPrefix + hex.EncodeToString(sum[:])
}

// SealContent records the seal of the current content.
func (q *Quote) SealContent() { q.Seal = q.ComputeSeal() }

// Verify checks that the content still matches the recorded seal. A quote
// with no seal, or whose content changed after sealing, fails with an error
// wrapping ErrSealMismatch.
func (q *Quote) Verify() error {
	if q.Seal == "" {
		return fmt.Errorf("quote %s revision %d has no seal: %w", q.Number, q.Revision, ErrSealMismatch)
	}
	if got := q.ComputeSeal(); got != q.Seal {
		return fmt.Errorf("quote %s revision %d: sealed %s, content now %s: %w", q.Number, q.Revision, q.Seal, got, ErrSealMismatch)
	}
	return nil
}
