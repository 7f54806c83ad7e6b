-- {schema} is replaced by the store's schema.

-- Quotes: the current state of each quote as a JSON document (kept as
-- written: json, not jsonb), with the columns that listing filters on.
-- Numbers and validity keys compare byte by byte (COLLATE "C"), the same
-- in every locale. Money is exact: numeric, never a float.
CREATE TABLE {schema}.quotes (
	tenant      text COLLATE "C" NOT NULL,
	id          text COLLATE "C" NOT NULL,
	number      text COLLATE "C" NOT NULL,
	status      text COLLATE "C" NOT NULL,
	owner       text COLLATE "C" NOT NULL,
	opportunity text COLLATE "C" NOT NULL,
	valid_until text COLLATE "C", -- UTC to the nanosecond, fixed width: text order is time order
	revision    integer NOT NULL,
	version     bigint NOT NULL,
	currency    text NOT NULL,
	total       numeric NOT NULL,
	document    json NOT NULL,
	PRIMARY KEY (tenant, id),
	UNIQUE (tenant, number)
);

CREATE INDEX quotes_by_status ON {schema}.quotes (tenant, status, number);
CREATE INDEX quotes_by_owner ON {schema}.quotes (tenant, owner, number);
CREATE INDEX quotes_by_opportunity ON {schema}.quotes (tenant, opportunity, number);
CREATE INDEX quotes_by_valid_until ON {schema}.quotes (tenant, valid_until) WHERE valid_until IS NOT NULL;

-- The last stored state of every revision of every quote.
CREATE TABLE {schema}.quote_revisions (
	tenant   text COLLATE "C" NOT NULL,
	id       text COLLATE "C" NOT NULL,
	revision integer NOT NULL,
	version  bigint NOT NULL,
	status   text NOT NULL,
	document json NOT NULL,
	PRIMARY KEY (tenant, id, revision),
	FOREIGN KEY (tenant, id) REFERENCES {schema}.quotes (tenant, id)
);

-- The outbox: events written with the changes they describe, delivered
-- in order per quote. An event is pending (possibly leased, or waiting for
-- its next attempt), delivered, or dead.
CREATE TABLE {schema}.outbox (
	seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant          text COLLATE "C" NOT NULL,
	id              text COLLATE "C" NOT NULL,
	quote_id        text COLLATE "C" NOT NULL,
	revision        integer NOT NULL,
	kind            text NOT NULL,
	payload         bytea,
	at              timestamptz NOT NULL,
	state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
	attempts        integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz, -- NULL: due now
	lease           text,
	lease_until     timestamptz,
	last_error      text NOT NULL DEFAULT '',
	UNIQUE (tenant, id)
);

CREATE INDEX outbox_pending ON {schema}.outbox (seq) WHERE state = 'pending';
CREATE INDEX outbox_pending_by_quote ON {schema}.outbox (tenant, quote_id, seq) WHERE state = 'pending';
CREATE INDEX outbox_dead ON {schema}.outbox (tenant, seq) WHERE state = 'dead';
