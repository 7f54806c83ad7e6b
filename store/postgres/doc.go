// Package postgres stores quotes, their revisions and the outbox in
// PostgreSQL, through github.com/jackc/pgx/v5.
//
// Open applies the schema migrations embedded in the package to the
// store's own schema ("cpq" unless configured), recording each in a
// schema_migrations table; concurrent openers wait for each other, and a
// database migrated by a newer build is refused. Updates are optimistic:
// an update names the version it read, and a stale one gets
// quote.ErrConflict and writes nothing. Several dispatchers can share the
// outbox: claims skip the rows another claim has locked and lease what
// they take.
//
// Quotes are kept as JSON documents, with the columns that listing filters
// on beside them; money is exact numeric, never a float.
//
// It also implements approval.Store: approvals, delegations and the audit
// trail, written in the same transactions as quotes; the database refuses
// to change or remove an audit record.
//
// Store.Sessions keeps the configuration sessions of cpqhttp in the
// store's schema, so that several servers on one database serve the same
// sessions; of concurrent writes of one version exactly one wins.
package postgres
