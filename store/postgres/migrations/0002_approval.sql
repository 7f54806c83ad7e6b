-- {schema} is replaced by the store's schema.

-- Approvals: each submission of a quote revision for approval, as a JSON
-- document, with the columns that reads and the escalation job filter on.
-- The version serialises concurrent decisions (optimistic concurrency).
CREATE TABLE {schema}.approvals (
	tenant   text COLLATE "C" NOT NULL,
	id       text COLLATE "C" NOT NULL,
	quote_id text COLLATE "C" NOT NULL,
	round    integer NOT NULL,
	status   text COLLATE "C" NOT NULL,
	version  bigint NOT NULL,
	next_due text COLLATE "C", -- UTC to the nanosecond, fixed width: text order is time order
	document json NOT NULL,
	PRIMARY KEY (tenant, id),
	UNIQUE (tenant, quote_id, round),
	FOREIGN KEY (tenant, quote_id) REFERENCES {schema}.quotes (tenant, id)
);

CREATE INDEX approvals_due ON {schema}.approvals (next_due) WHERE status = 'pending' AND next_due IS NOT NULL;

-- Delegations: one user deciding for another for a period.
CREATE TABLE {schema}.approval_delegations (
	tenant    text COLLATE "C" NOT NULL,
	id        text COLLATE "C" NOT NULL,
	from_user text COLLATE "C" NOT NULL,
	to_user   text COLLATE "C" NOT NULL,
	start_at  text COLLATE "C" NOT NULL,
	document  json NOT NULL,
	PRIMARY KEY (tenant, id)
);

CREATE INDEX approval_delegations_by_from ON {schema}.approval_delegations (tenant, from_user);
CREATE INDEX approval_delegations_by_to ON {schema}.approval_delegations (tenant, to_user);

-- The audit trail of approvals: appended to, never changed or removed.
CREATE TABLE {schema}.approval_audit (
	seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant   text COLLATE "C" NOT NULL,
	quote_id text COLLATE "C" NOT NULL, -- empty for records that concern no quote
	at       text COLLATE "C" NOT NULL,
	document json NOT NULL
);

CREATE INDEX approval_audit_by_quote ON {schema}.approval_audit (tenant, quote_id, seq);

CREATE FUNCTION {schema}.approval_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the approval audit trail is append-only';
END
$$;

CREATE TRIGGER approval_audit_no_change BEFORE UPDATE OR DELETE ON {schema}.approval_audit
	FOR EACH ROW EXECUTE FUNCTION {schema}.approval_audit_append_only();
CREATE TRIGGER approval_audit_no_truncate BEFORE TRUNCATE ON {schema}.approval_audit
	FOR EACH STATEMENT EXECUTE FUNCTION {schema}.approval_audit_append_only();
