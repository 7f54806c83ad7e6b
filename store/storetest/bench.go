package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

// ListQuotes is how many quotes the listing benchmark pages through.
const ListQuotes = 10_000

// Benchmark measures a store: saving (Update) and loading (Get) a
// 200-line quote, and listing ListQuotes quotes 100 at a time. Besides
// ns/op it reports ops/s and the 99th percentile latency (p99-ms); the
// listing reports quotes/s. newStore is called once for each benchmark.
func Benchmark(b *testing.B, newStore func(testing.TB) Store) {
	b.Run("Save200Lines", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		q := SampleQuote(acme, 1, 200)
		create(b, s, q)
		var lat latencies
		for b.Loop() {
			q.Header.Notes = fmt.Sprintf("save %d", len(lat))
			start := time.Now()
			if err := s.Update(ctx, q); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		lat.report(b)
	})
	b.Run("Load200Lines", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		create(b, s, SampleQuote(acme, 1, 200))
		var lat latencies
		for b.Loop() {
			start := time.Now()
			q, err := s.Get(ctx, acme, "q-1")
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
			if len(q.Lines) != 200 {
				b.Fatalf("%d lines", len(q.Lines))
			}
		}
		lat.report(b)
	})
	b.Run(fmt.Sprintf("List%d", ListQuotes), func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		for from := 0; from < ListQuotes; from += 1000 {
			var qs []*quote.Quote
			for n := from; n < from+1000 && n < ListQuotes; n++ {
				qs = append(qs, SampleQuote(acme, n, 2))
			}
			create(b, s, qs...)
		}
		var lat latencies
		for b.Loop() {
			start := time.Now()
			f := quote.Filter{Limit: 100}
			seen := 0
			for {
				p, err := s.List(ctx, acme, f)
				if err != nil {
					b.Fatal(err)
				}
				seen += len(p.Quotes)
				if p.Next == "" {
					break
				}
				f.Cursor = p.Next
			}
			lat = append(lat, time.Since(start))
			require.Equal(b, ListQuotes, seen)
		}
		lat.report(b)
		b.ReportMetric(float64(ListQuotes*len(lat))/b.Elapsed().Seconds(), "quotes/s")
	})
}

type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	p99 := s[(len(s)*99+99)/100-1]
	b.ReportMetric(float64(p99)/float64(time.Millisecond), "p99-ms")
	b.ReportMetric(float64(len(l))/b.Elapsed().Seconds(), "ops/s")
}
