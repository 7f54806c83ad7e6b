package csp

import (
	"fmt"
	"math/bits"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The values left after the cheap steps of a valid-domains query are
// independent questions (does a solution hold this value?), so they are
// shared out among workers: the session's engine and, once the query has
// run for helperDelay with enough work left, helper engines on other
// goroutines, up to the parallelism of the compiled model. Each helper
// joins at the query's propagated state; the workers widen the recent
// solutions, then take values from a common list. A value that a solution
// of another worker covers is skipped, and a refuted one is removed from
// every worker's domains at the end of the pass. The answer does not
// depend on how the work is shared out: each value is covered by a
// solution or refuted by an exhaustive search, whichever worker takes it.

// minValuesPerWorker is how many values (or solutions to widen) left
// justify starting helpers (a helper costs a propagation from the root to
// join).
var minValuesPerWorker = 12

// helperDelay is how long a query runs on its own goroutine before helpers
// join.
var helperDelay = 500 * time.Microsecond

// valueSearch is what the workers of one query share.
type valueSearch struct {
	main  *engine        // the session's engine
	spawn func(left int) // called by main between items: start helpers?

	pools [][][]int32 // known solutions of the model (read only)

	recent [][]int32 // solutions to widen first, most recent last
	list   []int32   // the pass's values to search, as (variable, value) pairs
	next   atomic.Int64

	mu      sync.Mutex
	cover   []uint64 // values covered by a solution (domain layout)
	removed []uint64 // values proven impossible (domain layout)
	found   [][]int32
	pending bool // a search gave up: another pass is needed
	broken  bool // a worker's state became inconsistent (cannot happen)
	// panicked is the first panic of a helper, raised again on the
	// query's own goroutine, where the host can recover it.
	panicked error
}

// stop makes every worker stop after its current item.
func (st *valueSearch) stop() {
	st.next.Store(1 << 40)
}

// guard runs f, helper h's share of a stage. A panic stops the query's
// workers and is kept, with h's stack, for the query's goroutine to raise;
// h, in an unknown state, is not returned to the pool.
func (st *valueSearch) guard(h *engine, f func()) {
	defer func() {
		if r := recover(); r != nil {
			err, ok := r.(error)
			if !ok {
				err = fmt.Errorf("%v", r)
			}
			st.mu.Lock()
			if st.panicked == nil {
				st.panicked = fmt.Errorf("csp: a valid-domains helper panicked: %w\n\n%s", err, debug.Stack())
			}
			st.mu.Unlock()
			h.lost = true
			st.stop()
		}
	}()
	if testHelperStart != nil {
		testHelperStart()
	}
	f()
}

// testHelperStart, when set (by tests), runs as each helper's share of a
// stage starts.
var testHelperStart func()

// SetParallelism sets how many goroutines a valid-domains query on c may
// use to search values: n <= 0 means GOMAXPROCS (the default), 1 only the
// caller's goroutine. Concurrent sessions each use up to n.
func (c *Compiled) SetParallelism(n int) {
	c.parallel.Store(int32(n))
}

// workers returns the parallelism set for c (or for the model c is a
// reduced copy of).
func (c *Compiled) workers() int {
	if c.parent != nil {
		return c.parent.workers()
	}
	n := int(c.parallel.Load())
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return max(n, 1)
}

// helper returns an idle helper engine on c.
func (c *Compiled) helper() *engine {
	if h, ok := c.helpers.Get().(*engine); ok {
		return h
	}
	return newEngine(c, nil, nil, false)
}

// release returns helper engine h, done with its query, to c's pool.
func (c *Compiled) release(h *engine) {
	h.guided, h.failLimit, h.base = false, -1, nil
	h.backtrackTo(0)
	c.helpers.Put(h)
}

// searchValues is steps 2 and 3 of computeValid. It widens the recent
// solutions (most recent first), then covers or refutes every value in e's
// domains that e.cover does not hold, in passes with growing fail limits,
// and leaves e at the query's level with the refuted values removed. It
// returns found with the new solutions appended, and false if e's state
// became inconsistent (which cannot happen while a solution is known).
func (e *engine) searchValues(cs []Choice, pools [][][]int32, found, recent [][]int32) ([][]int32, bool) {
	c := e.c
	st := &valueSearch{pools: pools, found: found, main: e, recent: recent}
	st.cover = slices.Clone(e.cover)
	st.removed = make([]uint64, len(e.cover))
	workers := []*engine{e}
	defer func() {
		for _, h := range workers[1:] {
			if !h.lost {
				c.release(h)
			}
		}
	}()
	// Helpers join once the query has taken helperDelay, if values are
	// left: cheap queries are not slowed by their start.
	start := time.Now()
	limitWorkers := c.workers()
	var stage func(w *engine)
	var wg *sync.WaitGroup
	st.spawn = func(left int) {
		if len(workers) >= limitWorkers || left < minValuesPerWorker || time.Since(start) < helperDelay {
			return
		}
		doms, chosen, base := slices.Clone(e.mem[:c.ufLimOff]), e.chosen, e.base
		for len(workers) < limitWorkers {
			h := c.helper()
			h.joined = false
			workers = append(workers, h)
			f := stage
			wg.Go(func() {
				st.guard(h, func() {
					if h.join(doms, chosen, base, cs) {
						h.joined = true
						f(h)
					}
				})
			})
		}
	}
	run := func(f func(w *engine)) {
		stage, wg = f, &sync.WaitGroup{}
		for _, h := range workers[1:] {
			if h.joined {
				wg.Go(func() { st.guard(h, func() { f(h) }) })
			}
		}
		defer func() {
			// A panic here waits for the helpers (stopped after their
			// current value) before it goes on up.
			if r := recover(); r != nil {
				st.stop()
				wg.Wait()
				panic(r)
			}
		}()
		f(e)
		wg.Wait()
		if st.panicked != nil {
			panic(st.panicked)
		}
	}
	run(func(w *engine) { w.widenRecent(st) })
	for _, limit := range passLimits {
		st.list = e.uncovered(st.list[:0], st.cover)
		if len(st.list) == 0 {
			break
		}
		st.next.Store(0)
		st.pending = false
		run(func(w *engine) { w.searchPass(st, limit) })
		if st.broken {
			return st.found, false
		}
		for _, w := range workers {
			if (w == e || w.joined) && !w.removeAll(st.removed) {
				return st.found, false
			}
		}
		if !st.pending {
			break
		}
	}
	return st.found, true
}

// widenRecent takes solutions from st.recent (from the end) until there
// are none left and widens each against what every worker has covered.
func (e *engine) widenRecent(st *valueSearch) {
	for {
		i := len(st.recent) - 1 - int(st.next.Add(1)-1)
		if i < 0 {
			return
		}
		if e == st.main {
			st.spawn(i + 1)
		}
		e.widenShared(st, st.recent[i], false)
	}
}

// widenShared widens sol (a copy of it unless inPlace) against what every
// worker has covered so far, and publishes it when it is new or changed:
// its values join the shared cover, it joins the found solutions and
// becomes e's base.
func (e *engine) widenShared(st *valueSearch, sol []int32, inPlace bool) {
	st.mu.Lock()
	copy(e.cover, st.cover)
	st.mu.Unlock()
	if inPlace {
		e.markSolution(sol)
		e.widen(sol, true)
	} else if sol = e.widen(sol, false); sol == nil {
		return
	}
	st.mu.Lock()
	for j, x := range e.cover {
		st.cover[j] |= x
	}
	st.found = append(st.found, sol)
	st.mu.Unlock()
	e.base = sol
}

// uncovered appends to list the values of e's domains that cover does not
// hold, as (variable, value) pairs: variables with larger domains first
// (their solutions, widened, cover the most values of the others), in
// index order otherwise.
func (e *engine) uncovered(list []int32, cover []uint64) []int32 {
	c := e.c
	for _, v := range c.byDomain {
		off, nw := c.domOff[v], c.domNW[v]
		for w := int32(0); w < nw; w++ {
			for x := e.mem[off+w] &^ cover[off+w]; x != 0; x &= x - 1 {
				list = append(list, v, w*64+int32(bits.TrailingZeros64(x)))
			}
		}
	}
	return list
}

// join brings helper h to the state of the main worker at the start of
// step 2: the choices applied and every domain restricted to doms (the
// main worker's domains), with its chosen variables and base solution. It
// returns false if that fails, which cannot happen while the state is
// consistent.
func (h *engine) join(doms []uint64, chosen []bool, base []int32, cs []Choice) bool {
	c := h.c
	h.backtrackTo(0)
	if !h.ok {
		return false
	}
	h.push()
	if !h.applyChoices(cs) || !h.propagate() {
		return false
	}
	for v := range c.domSize {
		off, nw := c.domOff[v], c.domNW[v]
		if !h.restrict(int32(v), doms[off:off+nw], -1) {
			h.clearQueues()
			return false
		}
	}
	if !h.propagate() {
		return false
	}
	copy(h.chosen, chosen)
	h.guided = true
	h.base = base
	return true
}

// removeAll removes the values in removed (domain layout) from e's domains
// and propagates.
func (e *engine) removeAll(removed []uint64) bool {
	c := e.c
	for v := range c.domSize {
		off, nw := c.domOff[v], c.domNW[v]
		hit := false
		for w := int32(0); w < nw; w++ {
			hit = hit || e.mem[off+w]&removed[off+w] != 0
			e.tmp[w] = ^removed[off+w]
		}
		if hit && !e.restrict(int32(v), e.tmp[:nw], -1) {
			e.clearQueues()
			return false
		}
	}
	return e.propagate()
}

// searchPass takes values from the shared list until it is exhausted and
// searches each one still open with the pass's fail limit.
func (e *engine) searchPass(st *valueSearch, limit int64) {
	for {
		i := int(st.next.Add(1) - 1)
		if 2*i >= len(st.list) {
			return
		}
		if e == st.main {
			st.spawn(len(st.list)/2 - i)
		}
		e.searchValue(st, limit, st.list[2*i], st.list[2*i+1])
	}
}

// searchValue covers or refutes v = a, unless another worker has covered
// it, or this worker's refutations have ruled it out already.
func (e *engine) searchValue(st *valueSearch, limit int64, v, a int32) {
	k := e.c.domOff[v] + a>>6
	bit := uint64(1) << (a & 63)
	st.mu.Lock()
	done := st.cover[k]&bit != 0
	if !done && e.mem[k]&bit == 0 {
		// Propagating this worker's refutations removed it.
		st.removed[k] |= bit
		done = true
	}
	st.mu.Unlock()
	if done {
		return
	}
	if wit := findWitness(v, a, st.pools); wit != nil {
		copy(e.phase, wit)
	}
	r := resUnsat
	e.push()
	if e.assign(v, a, -1) && e.propagate() {
		e.failLimit = limit
		r = e.search()
	}
	e.pop()
	switch r {
	case resSat:
		e.widenShared(st, slices.Clone(e.sol), true)
	case resUnsat:
		st.mu.Lock()
		st.removed[k] |= bit
		st.mu.Unlock()
		// Propagating the refutation strengthens this worker's later
		// searches. It cannot fail while a solution is known; if it did,
		// the query would fail rather than trust this worker's domains.
		if !e.remove(v, a, -1) || !e.propagate() {
			e.clearQueues()
			st.mu.Lock()
			st.broken = true
			st.mu.Unlock()
			st.next.Store(int64(len(st.list)))
		}
	case resAborted:
		st.mu.Lock()
		st.pending = true
		st.mu.Unlock()
	}
}
