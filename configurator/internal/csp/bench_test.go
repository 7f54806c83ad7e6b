package csp

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

var automotiveModel = sync.OnceValue(func() *Model {
	return GenerateAutomotive(1, AutomotiveSpec{})
})

var automotiveNearMissModel = sync.OnceValue(func() *Model {
	return GenerateAutomotive(1, AutomotiveSpec{NearMisses: true})
})

// choiceTimes are the wall-clock and process CPU times of each choice.
type choiceTimes struct {
	wall, cpu []time.Duration
}

// choiceSequence plays one random configuration: repeatedly pick a random
// variable with more than one offered value and a random offered value,
// assign it and recompute the valid domains, until every variable has a
// single offered value. It records the time of each choice (assignment plus
// valid domains).
func choiceSequence(tb testing.TB, c *Compiled, r *rand.Rand, times *choiceTimes) {
	s := NewSession(c)
	doms, err := s.ValidDomains()
	if err != nil {
		tb.Fatalf("initial valid domains: %v", err)
	}
	for {
		v, a, ok := randomOffered(r, doms)
		if !ok {
			return
		}
		start, cpu := time.Now(), processCPU()
		if err := s.Assign(v, a); err != nil {
			tb.Fatal(err)
		}
		doms, err = s.ValidDomains()
		times.cpu = append(times.cpu, processCPU()-cpu)
		times.wall = append(times.wall, time.Since(start))
		if err != nil {
			tb.Fatalf("valid domains after %d choices: %v", len(s.Choices()), err)
		}
	}
}

// randomOffered picks a random variable with more than one offered value
// in doms and a random one of its values; false when every variable has
// one value left.
func randomOffered(r *rand.Rand, doms [][]int) (v, a int, ok bool) {
	var open []int
	for v, d := range doms {
		if len(d) > 1 {
			open = append(open, v)
		}
	}
	if len(open) == 0 {
		return 0, 0, false
	}
	v = open[r.IntN(len(open))]
	return v, doms[v][r.IntN(len(doms[v]))], true
}

func quantileMs(durs []time.Duration, p float64) float64 {
	slices.Sort(durs)
	return float64(durs[int(p*float64(len(durs)-1))].Microseconds()) / 1000
}

func reportChoiceTimes(b *testing.B, times *choiceTimes, mallocs uint64) {
	n := len(times.wall)
	if n == 0 {
		return
	}
	for _, q := range []struct {
		name string
		p    float64
	}{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"max", 1}} {
		b.ReportMetric(quantileMs(times.wall, q.p), q.name+"-ms")
		b.ReportMetric(quantileMs(times.cpu, q.p), "cpu-"+q.name+"-ms")
	}
	b.ReportMetric(float64(n)/float64(b.N), "choices/op")
	b.ReportMetric(float64(mallocs)/float64(n), "allocs/choice")
}

// benchmarkChoices runs b.N random choice sequences (one op = one
// sequence) with the given parallelism (see SetParallelism). Wall-clock
// percentiles are the latency a user sees, including time other processes
// took the CPU from the benchmark; the cpu- percentiles are the CPU time of
// the whole process (every worker) per choice, the work a choice costs.
func benchmarkChoices(b *testing.B, c *Compiled, parallelism int) {
	c.SetParallelism(parallelism)
	c.rootValid()
	r := rand.New(rand.NewPCG(42, 43))
	var times choiceTimes
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		choiceSequence(b, c, r, &times)
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	reportChoiceTimes(b, &times, ms1.Mallocs-ms0.Mallocs)
}

// BenchmarkValidDomainsAutomotive: valid domains after each choice along
// random choice sequences on the synthetic automotive model (one op = one
// sequence).
func BenchmarkValidDomainsAutomotive(b *testing.B) {
	c, err := Compile(automotiveModel())
	if err != nil {
		b.Fatal(err)
	}
	benchmarkChoices(b, c, 0)
}

// BenchmarkValidDomainsAutomotiveOneWorker: the same with every query on
// the caller's goroutine alone (SetParallelism(1)).
func BenchmarkValidDomainsAutomotiveOneWorker(b *testing.B) {
	c, err := Compile(automotiveModel())
	if err != nil {
		b.Fatal(err)
	}
	benchmarkChoices(b, c, 1)
}

// BenchmarkValidDomainsAutomotiveNearMiss: the same on the harder variant
// whose extra rows are near misses of hidden configurations.
func BenchmarkValidDomainsAutomotiveNearMiss(b *testing.B) {
	c, err := Compile(automotiveNearMissModel())
	if err != nil {
		b.Fatal(err)
	}
	benchmarkChoices(b, c, 0)
}

// BenchmarkValidDomainsDIMACS: the same on automotive01 (p cnf 2513 10300).
func BenchmarkValidDomainsDIMACS(b *testing.B) {
	c, err := Compile(loadAutomotive01(b))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkChoices(b, c, 0)
}

// BenchmarkValidDomainsDIMACSOneWorker: the same on one goroutine.
func BenchmarkValidDomainsDIMACSOneWorker(b *testing.B) {
	c, err := Compile(loadAutomotive01(b))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkChoices(b, c, 1)
}

func benchmarkCompile(b *testing.B, m *Model) {
	var c *Compiled
	for i := 0; i < b.N; i++ {
		var err error
		c, err = Compile(m)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// Retained heap of one compiled model, measured around a fresh compile.
	c = nil
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	c, _ = Compile(m)
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.HeapAlloc-ms0.HeapAlloc)/(1<<20), "heap-MiB")
	start := time.Now()
	c.rootValid()
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "first-query-ms")
	// After the first query: with the reduced copy sessions search.
	b.ReportMetric(float64(c.MemoryBytes())/(1<<20), "compiled-MiB")
	b.ReportMetric(float64(c.StateBytes())/(1<<10), "session-state-KiB")
	runtime.KeepAlive(c)
}

// BenchmarkCompileAutomotive measures Compile on the synthetic model.
func BenchmarkCompileAutomotive(b *testing.B) { benchmarkCompile(b, automotiveModel()) }

// BenchmarkCompileDIMACS measures Compile on automotive01.
func BenchmarkCompileDIMACS(b *testing.B) { benchmarkCompile(b, loadAutomotive01(b)) }
