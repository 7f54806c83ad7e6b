package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/sqlite"
)

func Example() {
	dir, err := os.MkdirTemp("", "cpq-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "quotes.db")})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	q := &quote.Quote{
		ID: "q-1", Tenant: "acme", Number: "Q-2030-0001", Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{Owner: "alice", Currency: "EUR"},
		Lines: []quote.Line{{
			ID: "l-1", Product: "SRV-R2", Name: "Rack server", Quantity: decimal.New(2, 0),
			Price: quote.LinePrice{ListTotal: decimal.RequireFromString("9800.00"), NetTotal: decimal.RequireFromString("8820.00")},
		}},
	}
	q.Recalculate()

	// The quote and the event announcing it are stored together or not
	// at all.
	err = s.InTx(ctx, func(tx quote.Tx) error {
		if err := tx.Create(ctx, q); err != nil {
			return err
		}
		return tx.Enqueue(ctx, quote.Event{ID: "evt-1", Tenant: "acme", QuoteID: q.ID, Revision: 1, Kind: "quote.created", At: time.Now()})
	})
	if err != nil {
		log.Fatal(err)
	}

	// Two people edit the same version: the second update is refused.
	mine, _ := s.Get(ctx, "acme", "q-1")
	theirs, _ := s.Get(ctx, "acme", "q-1")
	mine.Header.Notes = "customer asked for 3 years of support"
	fmt.Println("first update:", s.Update(ctx, mine), "version", mine.Version)
	theirs.Header.Notes = "something else"
	fmt.Println("second update is a conflict:", errors.Is(s.Update(ctx, theirs), quote.ErrConflict))

	// A dispatcher claims the event, delivers it, and settles it.
	ds, _ := s.Claim(ctx, quote.ClaimRequest{})
	fmt.Println("claimed:", ds[0].Kind, "for", ds[0].QuoteID)
	fmt.Println("settled:", s.Delivered(ctx, ds[0]))

	got, _ := s.GetByNumber(ctx, "acme", "Q-2030-0001")
	fmt.Println(got.Header.Notes, got.Totals.Net.StringFixed(2))
	// Output:
	// first update: <nil> version 2
	// second update is a conflict: true
	// claimed: quote.created for q-1
	// settled: <nil>
	// customer asked for 3 years of support 8820.00
}
