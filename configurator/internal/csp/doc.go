// Package csp is the finite-domain constraint engine behind the
// configurator: a model of variables with finite domains and constraints over
// them (tables, clauses, cardinalities), compiled once and shared read-only
// by interactive sessions.
//
// # Use
//
// Compile validates a Model and returns an immutable *Compiled, safe for
// concurrent use. NewSession starts one user's configuration on it: Assign
// and Unassign choices, then ask ValidDomains (exactly the values that still
// extend to a complete solution), Explain (why a value is not available),
// Conflicts (a smallest set of choices to drop when they are inconsistent),
// Complete (a full solution by preference) and Count (the number of
// solutions, within a budget). The Compiled model answers static questions:
// DeadValues, ForcedValues, Redundant. GenerateAutomotive builds synthetic
// car-like table models for tests and benchmarks.
//
// # Guarantees
//
//   - ValidDomains is exact: a value offered extends to a complete solution
//     (a witness solution was found), a value withheld does not (an
//     exhaustive search failed). Propagation only prunes soundly; exactness
//     never depends on its strength. Inconsistent choices are reported as
//     ErrInconsistent, never as empty domains.
//   - Explain returns a subset-minimal set of the user's choices that rules
//     the value out (with them alone it is impossible; without any one of
//     them it is possible), and, with those choices fixed, an irreducible set
//     of constraints that rules it out (Minimal reports whether the
//     minimisation finished within its budget). A dead value is explained
//     by constraints alone.
//   - Conflicts returns a minimum-cardinality correction set when the
//     implicit hitting-set search finishes within its budget, and a
//     subset-minimal one otherwise.
//   - Complete returns the lexicographically most preferred solution:
//     variables in index order, each with the most preferred value that
//     still extends to a solution.
//   - Count is exact or fails with ErrBudgetExceeded.
//
// # Design
//
// One engine handles all constraint kinds, with a propagator per kind:
//
//   - Positive tables use Compact-Table: per (position, value) a bitset of
//     the rows holding it; the current table (rows still valid) is a
//     reversible sparse bitset updated incrementally (by the removed values,
//     or by the remaining ones when fewer; a single value, the common case
//     of an assignment, is intersected directly without a union loop);
//     supports are checked through residues, each caching the support word
//     it found.
//   - Negative tables use the same data and count: a value is unsupported
//     when the forbidden rows with it number as many as the combinations of
//     the other positions' domains.
//   - Clauses are disjunctions of "x in S" over distinct variables (literals
//     on one variable are merged into a value set), with two watched
//     literals that need no restoring on backtrack.
//   - Cardinalities count true and undetermined literals.
//
// All backtrackable state (domains as bitsets, current tables and their
// limits, last-seen domains, the unfixed-variable set) lives in one word
// array restored from a trail; each word is saved at most once per search
// level (stamps). Sparse-set permutations need no restoring. Search is
// depth first with binary branching, dom/wdeg variable choice and phase
// saving, and allocates nothing per node.
//
// Measured on a real automotive model (99 variables, 113 tables, ~195,000
// rows): a one-boolean-per-row SAT encoding took 4–6 s per choice, an
// answer-set solver ~5.5 s, a BDD did not finish; propagation on the tables
// plus search for witnesses was the only approach that answered in
// milliseconds, hence this design.
//
// Valid domains are computed as "cover or prove": each value in the
// propagated domains is either covered by a known solution or refuted by a
// search. The cheap sources of witnesses come first: solutions from earlier
// queries (and from the compiled model's own first query) that agree with
// the choices; those that do not, with the chosen values written in
// (checked constraint by constraint, without search); and solutions widened
// by switching single values to uncovered ones, with a repairing change of
// one neighbour, or of up to two when the broken constraint is a table
// (the rows of its current table that differ from the solution in one or
// two other positions, found with bitwise counters). Each value still
// uncovered gets a search with that value assigned, guided by a known
// solution that holds it: the search guesses a complete assignment from
// that solution and the current domains and checks only the constraints on
// variables that differ from a known solution. On a violated clause (or
// cardinality) it decides a variable of it with a value that repairs it
// (min-conflicts); on a violated table, the table's variable with the
// smallest dom/wdeg on the first dive, any variable by dom/wdeg after a
// failure (a single changed value seldom leads to a row that fits the rest
// of the guess; repairing tables by single values took 10–15% more time
// on the synthetic model, while on automotive01 dom/wdeg instead of repairs
// took four times as long). A value whose search fails is removed at once
// and propagated, which strengthens the later checks; a search that
// reaches its fail limit gives up, and its value is retried after the
// others with a larger limit, so hard values are proven last. Results
// are kept per set of choices: valid domains only shrink as choices are
// added, so an earlier result for a subset of the choices bounds the
// search, and one for a superset gives witnesses.
//
// The values left after the known and widened solutions are shared out
// among workers when a query has run for half a millisecond with at least
// minValuesPerWorker values left (parallel.go): the session's engine and
// helper engines from a pool on the compiled model, on other goroutines, up
// to SetParallelism (GOMAXPROCS by default). A helper joins at the query's
// propagated state (choices applied, domains restricted to the session
// engine's); the workers widen the recent solutions and then take values
// from one list, variables with larger domains first (their solutions,
// widened, cover most of the small variables' values: about 7% fewer
// propagator runs at p99 than index order). A value another worker has
// covered is skipped; a refuted one is removed from every worker's domains
// before its next search, and a value that a worker's own refutations have
// already removed counts as refuted. Values whose search gave up are
// retried with a larger fail limit by whichever worker is free first,
// while the other may still be searching with the smaller limit (waiting
// for all searches of a limit to end before the retries, a worker idled
// while the other finished its last search: p99 1–2 ms higher); only the
// third and later limits wait for the searches with lower limits, so that
// the hardest values are proven with every other refutation applied.
// Widening reads every worker's cover.
// On the synthetic model two workers do about 5–10% more work than one (a
// search in flight may find a value another worker's solution covers) and
// halve the latency of the costly queries. Starting helpers only after half
// a millisecond keeps cheap queries (automotive01's median 1.3 ms) from
// paying for a helper's join. A panic on a helper's goroutine stops the
// other workers and is raised again on the query's own goroutine, where a
// host can recover it (an HTTP server recovers its handlers' panics, not
// those of goroutines they start).
//
// Sessions search a reduced copy of the compiled model, built with the
// first query: every row of a positive table that holds a value no solution
// takes, or that propagation removes once the domains are restricted to the
// valid values, is part of no solution under any choices and is dropped
// (synthetic model: 200,000 rows in 3,176 words become 57,000 in 959;
// about 15% less time per query). A positive table whose scope lies
// within another's is then folded into it: the larger table keeps only the
// rows whose projection the smaller one allows, and the smaller one is no
// longer propagated (13 of the synthetic model's 100 tables; 7% fewer
// propagator runs, 3–4% less time on one worker). Row membership checks
// keep the full tables, and every table, so every witness is checked
// against the model's own constraints; Explain, Conflicts and Redundant,
// which disable constraints, use the full model.
//
// Where a costly query goes (synthetic model, choices over 20 ms on one
// worker, mostly among the first five of a configuration): about 100
// values are covered and 15–70 refuted by search, nine in ten of them
// values of the dozen variables with 20 or more values; a witness search
// makes about 10 decisions (more when one fails: half of the searches
// fail at least once, and those take two thirds of the runs), and the
// propagation after each (about 50 table propagator runs, some 0.5 µs
// each) takes most of the time. Tried and not kept, because they did not pay on that model:
//
//   - a larger pool of solutions of the model shared by all sessions: 4,000
//     solutions from random-phase searches (minutes to build) cover 580 of
//     677 valid values after a first choice (the first query's own 147
//     solutions: 520), 0–80% after a second, 0–70% after a third, at most
//     a quarter and mostly none after a fourth: combinations of choices are
//     too specific for any precomputed pool;
//   - preferring uncovered values in the guess of a guided search (one
//     solution to cover several targets): about 50% more decisions, no
//     fewer searches;
//   - one search per variable for all its unresolved values (one failure
//     refutes them all): impossible values rarely share a variable, and
//     such searches abort more often;
//   - light propagation in guided searches (each table once per decision,
//     every constraint checked at a leaf): about twice the decisions, p99
//     worse;
//   - after each witness, short searches for the uncovered values of the
//     target's neighbours in the same state (reusing its propagation): they
//     mostly fail, p99 worse;
//   - the witness that agrees with the most choices instead of the most
//     recent one: no change;
//   - cheap witnesses by local repair without propagation, before the
//     search: the target value written into the latest solution (or the
//     chosen values into a known witness of the target), each violated
//     table switched to a row of its current table that keeps the target,
//     the choices and as many other values as a greedy pass over the
//     Compact-Table bitsets allows, up to 32 repairs, the result checked
//     against every constraint. 6–12% of the values were found that way,
//     each failure cost ~50 µs, and more repairs (512) found no more: the
//     witnesses the searches find differ from the latest solution in about
//     35 of 100 variables and from the known witness in about 20. Growing a
//     region where the witness's values replace the solution's until no
//     constraint is violated: 6%. The same repair at each node of the
//     guided search (from its guess, in the propagated state): 9% of nodes,
//     slower. Repairing the known solutions that disagree with the choices:
//     most succeed, few cover anything new, net slower;
//   - large-neighbourhood searches (variables where the witness and the
//     latest solution agree fixed, the others searched), also for all
//     values of a variable under one fixing: a third to two thirds succeed,
//     each costing about as much as a full search;
//   - witness searches by forward checking on table rows (per table a
//     bitset of the rows consistent with the values chosen so far, no
//     propagation between tables): in a static order 20–30% succeed within
//     100–1,000 nodes; smallest domain first with the neighbours' domains
//     filtered, 60–80%, but at ~140 µs per witness (every variable is
//     assigned) and slower overall; a greedy row-consistent completion of
//     the guess at each node only succeeds near the leaves;
//   - deciding a whole row of the violated table at once: 37% of these
//     decisions fail, slower;
//   - value choice by support counts, a most-supported guess, preferring
//     uncovered values in decisions: at most 3% fewer searches, no faster;
//   - propagating small tables first (by rows or arity): 35–60% more
//     propagator runs; skipping tables with at most one unfixed variable
//     (entailed): 16% fewer runs, no faster;
//   - pairwise consistency between tables sharing two or more variables in
//     the reduced copy (11% fewer rows): 4% less time in all, p99
//     unchanged, first query 0.1–0.2 s longer;
//   - a session pool of 512 solutions instead of 128 (3% fewer searches)
//     or widening 128 recent solutions instead of 32: no faster.
//
// Measured by the propagator runs of 20 random configurations on one
// worker (4.7 million in all; the costliest choice in a hundred: 82,000),
// and not kept either:
//
//   - going on from each solution for the same variable's other values
//     (an enumeration with the covered values blocked, up to three
//     failures after each solution, the rest value by value): a solution
//     found that way costs about 6 decisions instead of 12, but the
//     failures cost as much, no faster;
//   - searching a known witness's other uncovered values together with the
//     target (20–25% of such searches succeed), or rows of a table holding
//     several uncovered values (mostly rows no solution uses): no fewer
//     runs;
//   - before deciding, fixing every variable outside the violated
//     constraints to its guess, or the violated table's variables that
//     agree with its closest row (a quarter succeed), or moving the guess
//     to that row: 3–20% more runs;
//   - restarting the dive after its first failure (about half of the runs
//     come after a first failure), with or without forgetting the failed
//     value: 11–60% more runs; deciding, after a failure, variables of the
//     violated constraints only: no fewer runs at p99;
//   - a guess that takes the latest solution's values near the choices and
//     the witness's near the target: 6% more runs; the witness that breaks
//     the fewest constraints once the choices are written in: 2% fewer
//     runs, p99 higher; the most supported value instead of the guessed
//     one: 5% fewer runs, p99 unchanged; before each search, moving the
//     guess of every table whose current rows do not hold it to the
//     closest current row (two rounds): 6% fewer runs, 3% at p99, no
//     faster; deciding first the violated table's variable whose guessed
//     value has the fewest (or most) rows: 9–12% more runs; after a value
//     has failed as a decision in a query, preferring others in the
//     query's later searches: 5–8% more runs (failures depend on the
//     search's path more than on the value); with two workers, a first
//     fail limit of 64 instead of 16 (fewer values left to retry,
//     where a worker may wait): p99 unchanged within the noise of six runs;
//   - a copy of the model reduced to the rows alive at each costly query
//     (959 table words become about 385): a millisecond to build, no
//     faster per run; the propagation queue as a stack: 70% more runs;
//   - every solution found by any session kept for all: 20% fewer runs in
//     all, but the costliest choices (early in a configuration, with new
//     combinations) are as costly;
//   - in the reduced copy, also joining two tables that share two or more
//     variables when the join has no more rows than the larger one (21
//     tables folded instead of 13): 4.5% fewer runs, no faster (the joined
//     tables have more positions to check), first query 90 ms longer;
//   - session engines starting with the variable weights of the first
//     query: 8% more runs at p99; resetting the weights at each query: 8%
//     more; halving them: no change;
//   - last-conflict reasoning (after a failure, deciding the failed
//     variable again until it holds a value): 2% more runs, 6% at p99;
//     first fail limits of 8, 32 or 64 instead of 16: 0–6% more runs at
//     p99, no faster; widening with repairs of up to three other
//     variables of a table instead of two: 2% more runs, 7% slower;
//   - searching first the values that turn out impossible (known from an
//     earlier run of the same configurations), so that their refutations
//     strengthen every later search: 2.5% fewer runs, 1% at p99, so no
//     order that predicts them could pay much.
//
// For scale: when each witness search starts from the very solution it
// finds (known from an earlier run of the same configurations), it makes
// no decision at all and the queries take 72% fewer runs (p99 19,000
// instead of 78,000): the decisions and failures of the searches are
// nearly three quarters of the work, and a guess closer to the solution
// each search ends at is where a large gain would have to come from. Every
// guess tried above (the witness, the latest solution, mixtures, repairs,
// pools) differs from that solution in 20–35 of the 100 variables. The
// query's solution that the target value breaks least did no better as the
// guess (no fewer runs when it breaks at most one constraint, 10% more
// always).
//
// Choices are assumptions of each query, never part of the compiled model,
// so everything stored in the compiled model holds for every session. No
// clauses are learned; should learning be added, learned constraints must
// follow from the model alone (not from choices) to be kept across
// queries.
//
// Explain minimises choices with QuickXplain (about k·log(n/k)
// satisfiability checks for k explaining choices among n), then
// constraints: a search with dependency tracking records which propagators
// each failure depends on (the failing one and, transitively, those that
// pruned variables in its scope); that set is reduced one constraint at a
// time, each successful removal replacing the set by the new, smaller
// dependencies. Conflicts finds minimal conflicts with QuickXplain and
// returns a smallest hitting set that leaves the rest consistent
// (implicit hitting sets). Redundant searches for a solution of the other
// constraints and the constraint's negation (a negative table for a
// positive one and vice versa, all literals false for a clause, the
// complementary bounds for a cardinality). Count splits the unfixed
// variables into components linked by constraints not yet entailed and
// memoises component counts by their domains.
//
// # Measured
//
// Valid domains after each choice along random choice sequences on a
// 2-core machine (benchmarks in bench_test.go, 20 sequences): wall-clock
// latency per choice with the default parallelism (two workers), and with
// SetParallelism(1):
//
//   - automotive01 (CNF, 2,513 variables, 10,300 clauses): p50 1.2–1.4 ms,
//     p90 4–5 ms, p99 14–16 ms, max 30–39 ms; one worker: p99 18–20 ms;
//   - synthetic automotive tables (GenerateAutomotive defaults: 100
//     variables, 100 tables, ~200,000 rows): p50 0.2 ms, p90 11–12 ms, p99
//     24–25 ms, max 29–36 ms; one worker: p90 19–20 ms, p99 43–45 ms
//     (before the reduced copy, the table decisions by dom/wdeg and the
//     bitwise widening: p99 65–68 ms). The costly choices are the first few
//     of a configuration, where about 100 values need a new witness; see
//     above for what that time is spent on.
//
// Compile takes ~0.06 s and ~7 MiB for the synthetic model, ~5 ms and
// ~2.5 MiB for automotive01; the first query on a compiled model (all
// values, no choices, and the reduced copy: +0.9 MiB) adds ~0.25 s and
// ~0.06 s.
package csp
