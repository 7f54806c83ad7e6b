package guide_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
)

// benchCatalog generates a catalog with 200 products (one configurable
// product with 12 attributes, 11 rules and 20 packages, and 199 products
// in 10 categories with a capacity), and a questionnaire of 40 single-choice
// questions in 8 steps: each answer restricts an attribute, scores products
// and packages; some filter products by capacity, some questions show only
// after an earlier answer, and 5 rules read the answers.
func benchCatalog() string {
	var b strings.Builder
	b.WriteString("id: bench\nversion: \"1\"\neffective_from: 2026-01-01\ncurrency: EUR\nproducts:\n")
	b.WriteString("  - sku: CFG\n    name: Configurable\n    kind: configurable\n    attributes:\n")
	const attrs, vals = 12, 5
	for a := range attrs {
		fmt.Fprintf(&b, "      - {id: a%d, type: enum, values: [v0, v1, v2, v3, v4], default: v%d}\n", a, a%vals)
	}
	b.WriteString("    constraints:\n")
	for a := 0; a+1 < attrs; a++ {
		fmt.Fprintf(&b, "      - {id: r%d, requires: {if: {a%d: [v0, v1]}, then: {a%d: [v%d, v%d, v%d]}}}\n", a, a, a+1, a%vals, (a+1)%vals, (a+2)%vals)
	}
	b.WriteString("    packages:\n")
	for p := range 20 {
		fmt.Fprintf(&b, "      - {id: pk%d, name: Package %d, choices: {a%d: v%d, a%d: v%d, a%d: v%d}}\n",
			p, p, p%attrs, p%vals, (p+3)%attrs, (p+1)%vals, (p+7)%attrs, (p+2)%vals)
	}
	for i := 1; i < 200; i++ {
		fmt.Fprintf(&b, "  - {sku: P%03d, name: Product %d, category: c%d, capabilities: [{id: capacity, unit: kg, value: %d}]}\n", i, i, i%10, i*10)
	}
	b.WriteString("questionnaires:\n  - id: needs\n    product: CFG\n    steps:\n")
	q := 0
	for st := range 8 {
		fmt.Fprintf(&b, "      - id: s%d\n        questions:\n", st)
		for range 5 {
			fmt.Fprintf(&b, "          - id: q%d\n            text: Question %d\n            type: single\n", q, q)
			if q%5 == 4 {
				fmt.Fprintf(&b, "            visible: answer.q%d != \"o0\"\n", q-1)
			}
			b.WriteString("            options:\n")
			for o := range 3 {
				fmt.Fprintf(&b, "              - id: o%d\n                text: Option %d\n", o, o)
				if o < 2 {
					fmt.Fprintf(&b, "                require: {a%d: [v%d, v%d, v%d]}\n", q%attrs, (q+o)%vals, (q+o+1)%vals, (q+o+3)%vals)
				}
				if q%4 == 0 && o == 1 {
					fmt.Fprintf(&b, "                fits: capability.capacity >= %d\n", 100*(q%10+1))
				}
				fmt.Fprintf(&b, "                score: {products: {P%03d: %d, P%03d: 2}, packages: {pk%d: %d}}\n",
					(q*7+o*13)%199+1, o+1, (q*7+o*13+100)%199+1, (q+o)%20, 3-o)
			}
			q++
		}
	}
	b.WriteString("    rules:\n")
	for r := range 5 {
		fmt.Fprintf(&b, "      - {id: rule%d, when: 'answer.q%d == \"o1\" && answer.q%d != \"o2\"', require: {a%d: [v1, v2, v3, v4]}, score: {packages: {pk%d: 5}}}\n",
			r, r*8, r*8+3, (r*5)%attrs, r*4)
	}
	return b.String()
}

// benchSessions answers random prefixes of the questionnaire (available
// answers only), giving sessions at every stage of an interview.
func benchSessions(tb testing.TB, g *guide.Guide, n int) []*guide.Session {
	rng := rand.New(rand.NewPCG(3, 9))
	var out []*guide.Session
	for i := range n {
		s, err := g.NewSession(guide.Options{Questionnaire: "needs"})
		require.NoError(tb, err)
		for range i % 40 {
			p, err := s.Next()
			require.NoError(tb, err)
			if p == nil {
				break
			}
			var ok []string
			for _, o := range p.Options {
				if o.Available {
					ok = append(ok, o.ID)
				}
			}
			require.NoError(tb, s.Answer(p.Question.ID, ok[rng.IntN(len(ok))]))
		}
		out = append(out, s)
	}
	return out
}

func benchGuide(tb testing.TB) *guide.Guide {
	c, err := catalog.Parse([]byte(benchCatalog()), "bench.yaml")
	require.NoError(tb, err)
	st := c.Stats()
	require.Equal(tb, 200, st.Products)
	g, err := guide.New(c)
	require.NoError(tb, err)
	return g
}

// reportPercentiles adds p50 and p99 of the timed calls to the benchmark.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkNextQuestion: the next relevant question, at every stage of the
// interview.
func BenchmarkNextQuestion(b *testing.B) {
	ss := benchSessions(b, benchGuide(b), 80)
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := ss[i%len(ss)].Next(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportPercentiles(b, ds)
}

// BenchmarkRecommendations: ranking the 199 products and 20 packages.
func BenchmarkRecommendations(b *testing.B) {
	ss := benchSessions(b, benchGuide(b), 80)
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := ss[i%len(ss)].Recommendations(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportPercentiles(b, ds)
}

// BenchmarkAnswerStep: one step of an interview — answer the next question,
// then the next question and the ranking — undone after each step.
func BenchmarkAnswerStep(b *testing.B) {
	ss := benchSessions(b, benchGuide(b), 80)
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s := ss[i%len(ss)]
		p, err := s.Next()
		if err != nil {
			b.Fatal(err)
		}
		if p == nil {
			continue
		}
		start := time.Now()
		if err := s.Answer(p.Question.ID, p.Options[len(p.Options)-1].ID); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Next(); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Recommendations(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		b.StopTimer()
		if err := s.Clear(p.Question.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	reportPercentiles(b, ds)
}
