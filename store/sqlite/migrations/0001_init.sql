-- Quotes: the current state of each quote as a JSON document, with the
-- columns that listing filters on. Money is exact: the total is kept as
-- decimal text (a NUMERIC column would turn it into a float).
CREATE TABLE quotes (
	tenant      TEXT NOT NULL,
	id          TEXT NOT NULL,
	number      TEXT NOT NULL,
	status      TEXT NOT NULL,
	owner       TEXT NOT NULL,
	opportunity TEXT NOT NULL,
	valid_until TEXT, -- UTC, fixed width, so that text order is time order
	revision    INTEGER NOT NULL,
	version     INTEGER NOT NULL,
	currency    TEXT NOT NULL,
	total       TEXT NOT NULL,
	document    TEXT NOT NULL,
	PRIMARY KEY (tenant, id),
	UNIQUE (tenant, number)
) STRICT;

CREATE INDEX quotes_by_status ON quotes (tenant, status, number);
CREATE INDEX quotes_by_owner ON quotes (tenant, owner, number);
CREATE INDEX quotes_by_opportunity ON quotes (tenant, opportunity, number);
CREATE INDEX quotes_by_valid_until ON quotes (tenant, valid_until) WHERE valid_until IS NOT NULL;

-- The last stored state of every revision of every quote.
CREATE TABLE quote_revisions (
	tenant   TEXT NOT NULL,
	id       TEXT NOT NULL,
	revision INTEGER NOT NULL,
	version  INTEGER NOT NULL,
	status   TEXT NOT NULL,
	document TEXT NOT NULL,
	PRIMARY KEY (tenant, id, revision),
	FOREIGN KEY (tenant, id) REFERENCES quotes (tenant, id)
) STRICT;

-- The outbox: events written with the changes they describe, delivered
-- in order per quote. An event is pending (possibly leased, or waiting for
-- its next attempt), delivered, or dead.
CREATE TABLE outbox (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant          TEXT NOT NULL,
	id              TEXT NOT NULL,
	quote_id        TEXT NOT NULL,
	revision        INTEGER NOT NULL,
	kind            TEXT NOT NULL,
	payload         BLOB,
	at              TEXT NOT NULL,
	state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT, -- NULL: due now
	lease           TEXT,
	lease_until     TEXT,
	last_error      TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant, id)
) STRICT;

CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
CREATE INDEX outbox_pending_by_quote ON outbox (tenant, quote_id, seq) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (tenant, seq) WHERE state = 'dead';
