// Package storetest is the conformance suite for implementations of
// quote.Repository, quote.Transactor and quote.Outbox. A host that writes
// its own store runs it from a test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t testing.TB) storetest.Store {
//			return newEmptyStore(t) // a fresh, empty store for each subtest
//		})
//	}
//
// The suite checks creating, reading, updating and listing quotes, cursor
// pagination, revision history, optimistic concurrency under concurrent
// writers, tenant isolation, transactions that keep everything or nothing
// (on an error, a cancelled context or a panic), the transactional outbox
// (enqueue, claim in order per quote, leases, retries, dead letters,
// replay, several dispatchers at once) and that a quote reads back with
// the content seal it was written with. Benchmark measures saving and
// loading a 200-line quote and paging through 10,000 quotes.
//
// RunApproval checks an implementation of approval.Store the same way:
// approvals with optimistic concurrency, transactions together with
// quotes and the outbox, the audit trail, delegations, the escalation
// listing, tenants, and the approval engine running on the store,
// approvers of one level deciding at the same moment included.
//
// RunSessions checks a store of configuration sessions (SessionStore, the
// method set of cpqhttp.SessionStore with Delete and Purge): states read
// back byte for byte, optimistic versions, tenants, deletion, purging by
// the time of the last write, and concurrent writers of one version, of
// which exactly one wins.
package storetest
