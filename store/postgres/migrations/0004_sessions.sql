-- {schema} is replaced by the store's schema.

-- Configuration sessions of the HTTP API (cpqhttp.SessionStore): each
-- session's state, opaque to the store, with a version for optimistic
-- concurrency and when it was last written, which purging reads. Sessions
-- are short-lived and few, so purging scans the table rather than keep an
-- index on updated_at, which would stop updates from being HOT (heap-only)
-- and make every write update an index; the free space left in each page
-- (fillfactor) keeps updates on their page.
CREATE TABLE {schema}.sessions (
	tenant     text COLLATE "C" NOT NULL,
	id         text COLLATE "C" NOT NULL,
	state      bytea NOT NULL,
	version    bigint NOT NULL,
	updated_at timestamptz NOT NULL,
	PRIMARY KEY (tenant, id)
) WITH (fillfactor = 70);
