-- Configuration sessions of the HTTP API (cpqhttp.SessionStore): each
-- session's state, opaque to the store, with a version for optimistic
-- concurrency and when it was last written (Unix nanoseconds), which
-- purging reads. Sessions are short-lived and few, so purging scans the
-- table rather than keep an index that every write would update.
CREATE TABLE sessions (
	tenant     TEXT NOT NULL,
	id         TEXT NOT NULL,
	state      BLOB NOT NULL,
	version    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (tenant, id)
) STRICT;
