// Package memory is an in-memory implementation of quote.Repository,
// quote.Transactor and quote.Outbox, for tests and for trying cpqkit
// without a database. It behaves as the SQL stores do: quotes are kept as
// the same JSON documents, so what is read back is what a database would
// return, and it passes the store/storetest conformance suite.
//
// Transactions are optimistic: a transaction works on its own copy of what
// it writes and checks, when it commits, that nobody else changed the
// quotes it updated; a late conflict makes InTx return quote.ErrConflict
// and keep nothing.
//
// It also implements approval.Store: approvals, delegations and the audit
// trail, committed with the quotes of the same transaction.
//
// Sessions keeps configuration sessions for cpqhttp (its default when a
// server is given none) in one process.
package memory
