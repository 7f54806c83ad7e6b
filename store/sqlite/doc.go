// Package sqlite stores quotes, their revisions and the outbox in an
// SQLite database file: the embedded default store, pure Go (no cgo).
//
// Open applies the schema migrations embedded in the package, recording
// each in a schema_migrations table, and refuses a database migrated by a
// newer build. The database runs in WAL mode: readers never wait for the
// writer, and a process killed in the middle of a write leaves every
// committed quote intact. Writes go through one connection and take the
// write lock when their transaction begins (BEGIN IMMEDIATE), so
// concurrent writers queue instead of failing with SQLITE_BUSY, and a
// stale update gets quote.ErrConflict.
//
// Quotes are kept as JSON documents, with the columns that listing filters
// on beside them; money is exact decimal text, never a float.
//
// It also implements approval.Store: approvals, delegations and the audit
// trail, written in the same transactions as quotes; the database refuses
// to change or remove an audit record.
//
// Store.Sessions keeps the configuration sessions of cpqhttp in the same
// database, shared by every process that opens the file; concurrent
// session writes are committed together in one short transaction, each
// with its own version check.
package sqlite
