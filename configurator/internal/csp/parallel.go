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
// every worker's domains before its next search. The answer does not
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
	list   []int32   // the values to search, as (variable, value) pairs
	next   atomic.Int64

	mu      sync.Mutex
	wake    sync.Cond // on mu: a retry was queued, a worker finished, or stop
	cover   []uint64  // values covered by a solution (domain layout)
	removed []uint64  // values proven impossible (domain layout)
	refutes []int32   // the values in removed, in the order found, as (variable, value) pairs
	// nRefutes is len(refutes)/2, read without the lock.
	nRefutes atomic.Int64
	found    [][]int32
	// retry[l] holds the values whose search with fail limit
	// passLimits[l-1] gave up, to be searched with passLimits[l].
	retry [len(passLimits)][]int32
	// busy counts the workers searching a value, by fail limit. It goes
	// down (and wake is signalled) with mu held, so that a worker that
	// finds nothing to take and others busy cannot miss the end of their
	// searches; it may go up without mu.
	busy    [len(passLimits)]atomic.Int32
	stopped bool // see stop
	broken  bool // a worker's state became inconsistent (cannot happen)
	// panicked is the first panic of a helper, raised again on the
	// query's own goroutine, where the host can recover it.
	panicked error
}

// breakDown records that a worker searching with the fail limit at level
// found its state inconsistent (which cannot happen), and stops them all.
func (st *valueSearch) breakDown(level int) {
	st.mu.Lock()
	st.broken = true
	st.busy[level].Add(-1)
	st.mu.Unlock()
	st.stop()
}

// stop makes every worker stop after its current item.
func (st *valueSearch) stop() {
	st.next.Store(1 << 40)
	st.mu.Lock()
	st.stopped = true
	st.wake.Broadcast()
	st.mu.Unlock()
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
// domains that e.cover does not hold, retrying with growing fail limits
// the values whose search gave up, and leaves e at the query's level with
// the refuted values removed. It returns found with the new solutions
// appended, and false if e's state became inconsistent (which cannot
// happen while a solution is known).
func (e *engine) searchValues(cs []Choice, pools [][][]int32, found, recent [][]int32) ([][]int32, bool) {
	c := e.c
	st := &valueSearch{pools: pools, found: found, main: e, recent: recent}
	st.wake.L = &st.mu
	e.seenRemove = 0
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
		// A helper starts with the session engine's variable weights and
		// phases, which record this configuration's failures and
		// solutions, not those of whichever queries the helper served
		// before (with its own weights, an unsatisfiable hard value of one
		// synthetic query took 250–800 fails instead of 30–70, in half of
		// the runs).
		doms, chosen, base := slices.Clone(e.mem[:c.ufLimOff]), e.chosen, e.base
		wdeg := slices.Clone(e.wdeg)
		phase := slices.Clone(e.phase)
		for len(workers) < limitWorkers {
			h := c.helper()
			h.joined = false
			workers = append(workers, h)
			f := stage
			wg.Go(func() {
				st.guard(h, func() {
					copy(h.wdeg, wdeg)
					copy(h.phase, phase)
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
	st.list = e.uncovered(st.list[:0], st.cover)
	if len(st.list) > 0 {
		st.next.Store(0)
		run(func(w *engine) { w.searchAll(st) })
	}
	if st.broken || !e.syncRemoved(st) {
		return st.found, false
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
	h.seenRemove = 0
	h.guided = true
	h.base = base
	return true
}

// waitLower is the index in passLimits from which a retry waits until the
// searches with lower limits are done: the hardest values are then
// searched with every refutation of the other values applied. (On the
// synthetic model, the unlimited search of one hard value took about 2 ms
// with them, 24–39 ms when it started while another value with the limit
// before was still being refuted.)
const waitLower = 2

// searchAll takes values until none are left and searches each one still
// open: first the values of the list with the first fail limit, then the
// values whose search gave up, with the next limit (see take). A worker
// with nothing left waits while others search, since their searches may
// give up values for it to retry. Before each search it applies the
// refutations of the other workers.
func (e *engine) searchAll(st *valueSearch) {
	for {
		level, v, a, ok := st.take(e)
		if !ok {
			return
		}
		if !e.syncRemoved(st) {
			st.breakDown(level)
			return
		}
		e.searchValue(st, level, v, a)
	}
}

// take returns the next value to search and the index of its fail limit
// in passLimits, counting e as busy, or false when nothing is left (or the
// workers are stopped). A value whose search gave up is retried once the
// list is exhausted; from the limit at index waitLower on, only when no
// search with a lower limit is in flight.
func (st *valueSearch) take(e *engine) (int, int32, int32, bool) {
	if i := int(st.next.Add(1) - 1); 2*i < len(st.list) {
		if e == st.main {
			st.spawn(len(st.list)/2 - i)
		}
		st.busy[0].Add(1)
		return 0, st.list[2*i], st.list[2*i+1], true
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for !st.stopped {
		lower := st.busy[0].Load() // searches in flight with a lower limit
		for l := 1; l < len(st.retry); l++ {
			if q := st.retry[l]; len(q) > 0 && (l < waitLower || lower == 0) {
				st.retry[l] = q[2:]
				st.busy[l].Add(1)
				return l, q[0], q[1], true
			}
			lower += st.busy[l].Load()
		}
		if lower == 0 {
			return 0, 0, 0, false
		}
		st.wake.Wait()
	}
	return 0, 0, 0, false
}

// syncRemoved applies to e the values other workers have refuted since
// its last look (e is between searches, at the query's level, or done).
func (e *engine) syncRemoved(st *valueSearch) bool {
	if int64(e.seenRemove) == st.nRefutes.Load() {
		return true
	}
	st.mu.Lock()
	news := append(e.refuteBuf[:0], st.refutes[2*e.seenRemove:]...)
	e.seenRemove = len(st.refutes) / 2
	st.mu.Unlock()
	e.refuteBuf = news
	for i := 0; i < len(news); i += 2 {
		if !e.remove(news[i], news[i+1], -1) {
			e.clearQueues()
			return false
		}
	}
	return e.propagate()
}

// searchValue covers or refutes v = a with the fail limit
// passLimits[level], unless another worker has covered it, or this
// worker's refutations have ruled it out already; a search that gives up
// queues the value for the next limit.
func (e *engine) searchValue(st *valueSearch, level int, v, a int32) {
	k := e.c.domOff[v] + a>>6
	bit := uint64(1) << (a & 63)
	st.mu.Lock()
	done := st.cover[k]&bit != 0
	if !done && e.mem[k]&bit == 0 {
		// Propagating this worker's refutations removed it.
		e.refuted(st, v, a, k, bit)
		done = true
	}
	if done {
		st.busy[level].Add(-1)
		st.wake.Broadcast()
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
		e.failLimit = passLimits[level]
		r = e.search()
	}
	e.pop()
	switch r {
	case resSat:
		e.widenShared(st, slices.Clone(e.sol), true)
	case resUnsat:
		// Propagating the refutation strengthens this worker's later
		// searches. It cannot fail while a solution is known; if it did,
		// the query would fail rather than trust this worker's domains.
		if !e.remove(v, a, -1) || !e.propagate() {
			e.clearQueues()
			st.breakDown(level)
			return
		}
	}
	st.mu.Lock()
	switch r {
	case resUnsat:
		e.refuted(st, v, a, k, bit)
	case resAborted:
		st.retry[level+1] = append(st.retry[level+1], v, a)
	}
	st.busy[level].Add(-1)
	st.wake.Broadcast()
	st.mu.Unlock()
}

// refuted publishes that v = a (word k, bit, of the domain layout) is
// impossible and already removed from e's domains (st.mu held).
func (e *engine) refuted(st *valueSearch, v, a, k int32, bit uint64) {
	if st.removed[k]&bit != 0 {
		return
	}
	st.removed[k] |= bit
	if 2*e.seenRemove == len(st.refutes) {
		e.seenRemove++
	}
	st.refutes = append(st.refutes, v, a)
	st.nRefutes.Add(1)
}
