package pricing_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/pricing"
)

func officeEngine(t testing.TB) *pricing.Engine {
	t.Helper()
	c, err := catalog.LoadFS(os.DirFS("testdata"), "office.yaml")
	require.NoError(t, err)
	e, err := pricing.New(c, pricing.Options{})
	require.NoError(t, err)
	return e
}

func TestParseRequest(t *testing.T) {
	e := officeEngine(t)
	f, err := os.Open(filepath.Join("testdata", "quotes", "good.yaml"))
	require.NoError(t, err)
	defer f.Close()
	req, err := e.LoadRequest(f, "good.yaml")
	require.NoError(t, err)
	assert.Equal(t, "EUR", req.Currency)
	assert.Equal(t, "2026-03-02", req.Date.Format("2006-01-02"))
	assert.Equal(t, pricing.Customer{ID: "ACME", Segment: "gold", Country: "DE"}, req.Customer)
	require.Len(t, req.Lines, 3)
	assert.Equal(t, map[string]string{"finish": "steel", "drawers": "true", "qty.drawers": "2"}, req.Lines[0].Values)
	assert.Equal(t, "5", req.Lines[0].Manual.Percent.String())
	assert.Nil(t, req.Lines[0].Options, "option lines are derived from the configuration")
	require.NotNil(t, req.Rates)
	rate, err := req.Rates.Rate("EUR", "USD")
	require.NoError(t, err)
	assert.Equal(t, "1.08", rate.String())

	res, err := e.Price(context.Background(), *req)
	require.NoError(t, err)
	var ids []string
	for _, l := range res.Lines {
		ids = append(ids, l.ID+" "+l.Product+" "+l.Quantity.String())
	}
	// The desk line, its drawers (2 per desk × 4), the lamps, the cloud,
	// and the two lamps the rule adds for four desks.
	assert.Equal(t, []string{"10 DESK 4", "10.drawers DRAWER 8", "2 LAMP 8", "3 CLOUD 25", "10+lamp_per_desk LAMP 2"}, ids)
	// The contracted lamp price (70) replaces the list price of 89.
	assert.Equal(t, "contracted K-7 712.00 EUR → 560.00 EUR", steps(res.Lines[2])[1])
	// 24 months of cloud from 1 April 2026: 25 × 4.50 × 24.
	assertAmount(t, "2700.00 EUR", res.Lines[3].List)
}

// TestParseRequestMistakes loads a quote file with seeded mistakes and
// checks that each is reported at the line and column worked out by hand.
func TestParseRequestMistakes(t *testing.T) {
	e := officeEngine(t)
	data, err := os.ReadFile(filepath.Join("testdata", "quotes", "mistakes.yaml"))
	require.NoError(t, err)
	_, err = e.ParseRequest(data, "mistakes.yaml")
	require.ErrorIs(t, err, pricing.ErrInvalidRequest)
	var list pricing.InputErrors
	require.ErrorAs(t, err, &list)
	type want struct {
		line, col int
		code      string
	}
	wants := []want{
		{2, 11, pricing.CodeInputInvalid},    // EURO
		{3, 7, "quote.type"},                 // 30 February
		{4, 22, "quote.unknown-key"},         // segmnt
		{5, 13, pricing.CodeInputReference},  // eur_lst
		{6, 18, pricing.CodeInputInvalid},    // percent and amount
		{8, 21, pricing.CodeInputInvalid},    // USX
		{8, 32, pricing.CodeInputInvalid},    // rate 0
		{12, 15, pricing.CodeInputInvalid},   // quantity 0
		{13, 22, pricing.CodeInputInvalid},   // walnut (values are checked by key order)
		{13, 38, pricing.CodeInputReference}, // drawrs (at its value)
		{13, 57, pricing.CodeInputInvalid},   // 9 drawers
		{14, 25, pricing.CodeInputInvalid},   // 120 %
		{15, 9, pricing.CodeInputInvalid},    // line a twice
		{16, 14, pricing.CodeInputReference}, // LAMPS
		{18, 5, pricing.CodeInputRequired},   // no quantity
		{18, 5, pricing.CodeInputInvalid},    // start without end
	}
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.Error() + "\n")
	}
	require.Len(t, list, len(wants), b.String())
	for i, w := range wants {
		got := list[i]
		assert.Equal(t, w.line, got.Pos.Line, "problem %d: %s", i, got)
		assert.Equal(t, w.col, got.Pos.Column, "problem %d: %s", i, got)
		assert.Equal(t, w.code, got.Code, "problem %d: %s", i, got)
	}
	golden(t, filepath.Join("testdata", "quotes", "mistakes.golden"), b.String())
}

func TestParseRequestSyntax(t *testing.T) {
	e := officeEngine(t)
	_, err := e.ParseRequest([]byte("lines: [\n"), "bad.yaml")
	var list pricing.InputErrors
	require.ErrorAs(t, err, &list)
	assert.Equal(t, "quote.syntax", list[0].Code)
	_, err = e.ParseRequest([]byte(`{"date": "2026-03-02", "lines": [{"product": "LAMP", "quantity": 2}]}`), "q.json")
	require.NoError(t, err, "JSON is read by the same decoder")
}

// FuzzParseRequest feeds arbitrary bytes to the quote loader: it never
// panics, and returns a request that prices or fails with an error, or
// problems that each carry a code and a position in the file.
func FuzzParseRequest(f *testing.F) {
	for _, name := range []string{"good.yaml", "mistakes.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "quotes", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"date": "2026-03-02", "lines": [{"product": "LAMP", "quantity": 2}]}`))
	f.Add([]byte("date: 2026-03-02\nlines: [{product: DESK, quantity: 1e400, values: {qty.drawers: x}}]\n"))
	f.Add([]byte("a: &x [1, *x]\n"))
	e := officeEngine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := e.ParseRequest(data, "fuzz.yaml")
		if err == nil {
			if req == nil {
				t.Fatal("nil request without error")
			}
			if _, err := e.Price(context.Background(), *req); err != nil && !errors.Is(err, pricing.ErrInvalidRequest) &&
				!errors.Is(err, pricing.ErrNoPrice) && !errors.Is(err, pricing.ErrBelowFloor) && !errors.Is(err, pricing.ErrNoRates) {
				var le *pricing.LineError
				if !errors.As(err, &le) {
					t.Fatalf("unexpected pricing error: %v", err)
				}
			}
			return
		}
		var list pricing.InputErrors
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is not a list of problems: %v", err)
		}
		for _, p := range list {
			if p.Code == "" || p.Pos.File != "fuzz.yaml" {
				t.Fatalf("problem without code or file: %#v", p)
			}
		}
	})
}
