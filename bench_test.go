package cpq_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// BenchmarkPreview previews the approvals of a quote of 40 server lines
// (80 with the drives they include) under a catalog with an approval
// floor: the steps, and each line's discount limit by bisection, every
// evaluation with the lines below floor counted by pricing.
func BenchmarkPreview(b *testing.B) {
	ctx := context.Background()
	k, err := cpq.New(cpq.Config{Catalogs: []*catalog.Catalog{serverCatalogFloor(b)}, Store: memory.New(), Directory: org{}, Clock: &clock{t: march}})
	if err != nil {
		b.Fatal(err)
	}
	q, err := k.NewQuote(ctx, "acme", "alice", quote.Header{Account: quote.Party{ID: "acc-1", Name: "Nordwerk AG"}})
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= 40; i++ {
		l := serverLine(1)
		l.ID = fmt.Sprint(i)
		q.Lines = append(q.Lines, l)
	}
	if err := k.PriceQuote(ctx, q); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := k.Approvals().Preview(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
