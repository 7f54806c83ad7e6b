package approval_test

import (
	"fmt"
	"testing"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// benchQuote is a 50-line quote under the whole chain.
func benchQuote(id string) *quote.Quote {
	var lines []line
	for i := range 50 {
		lines = append(lines, line{fmt.Sprint(i + 1), "SRV", "4000", "2800", "2400"})
	}
	q := newQuote(id, lines...)
	q.Header.PaymentDays = 90
	q.Terms[0].Edited = true
	return q
}

// BenchmarkPreview works out the steps and the discount limit of each of
// 50 lines.
func BenchmarkPreview(b *testing.B) {
	e := newEnv(b, chainPolicy)
	q := benchQuote("q")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.eng.Preview(e.ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitAndApprove runs a quote through the four steps of the
// chain on the memory store.
func BenchmarkSubmitAndApprove(b *testing.B) {
	e := newEnv(b, chainPolicy)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		id := fmt.Sprintf("q%d", n)
		if err := e.store.Create(e.ctx, benchQuote(id)); err != nil {
			b.Fatal(err)
		}
		a, err := e.eng.Submit(e.ctx, acme("sam"), approval.Request{Tenant: "acme", Quote: id})
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range [][2]string{{"mia", "manager"}, {"vera", "vp"}, {"fay", "finance"}, {"lena", "legal"}, {"lou", "legal"}} {
			if _, err := e.eng.Approve(e.ctx, acme(d[0]), approval.DecisionRequest{Tenant: "acme", Quote: id, Step: d[1], Seal: a.Seal}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
