-- Approvals: each submission of a quote revision for approval, as a JSON
-- document, with the columns that reads and the escalation job filter on.
-- The version serialises concurrent decisions (optimistic concurrency).
CREATE TABLE approvals (
	tenant   TEXT NOT NULL,
	id       TEXT NOT NULL,
	quote_id TEXT NOT NULL,
	round    INTEGER NOT NULL,
	status   TEXT NOT NULL,
	version  INTEGER NOT NULL,
	next_due TEXT, -- UTC, fixed width: text order is time order; NULL: nothing due
	document TEXT NOT NULL,
	PRIMARY KEY (tenant, id),
	UNIQUE (tenant, quote_id, round),
	FOREIGN KEY (tenant, quote_id) REFERENCES quotes (tenant, id)
) STRICT;

CREATE INDEX approvals_due ON approvals (next_due) WHERE status = 'pending' AND next_due IS NOT NULL;

-- Delegations: one user deciding for another for a period.
CREATE TABLE approval_delegations (
	tenant    TEXT NOT NULL,
	id        TEXT NOT NULL,
	from_user TEXT NOT NULL,
	to_user   TEXT NOT NULL,
	start_at  TEXT NOT NULL,
	document  TEXT NOT NULL,
	PRIMARY KEY (tenant, id)
) STRICT;

CREATE INDEX approval_delegations_by_from ON approval_delegations (tenant, from_user);
CREATE INDEX approval_delegations_by_to ON approval_delegations (tenant, to_user);

-- The audit trail of approvals: appended to, never changed or removed.
CREATE TABLE approval_audit (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant   TEXT NOT NULL,
	quote_id TEXT NOT NULL, -- empty for records that concern no quote
	at       TEXT NOT NULL,
	document TEXT NOT NULL
) STRICT;

CREATE INDEX approval_audit_by_quote ON approval_audit (tenant, quote_id, seq);

CREATE TRIGGER approval_audit_no_update BEFORE UPDATE ON approval_audit
BEGIN
	SELECT RAISE(ABORT, 'the approval audit trail is append-only');
END;

CREATE TRIGGER approval_audit_no_delete BEFORE DELETE ON approval_audit
BEGIN
	SELECT RAISE(ABORT, 'the approval audit trail is append-only');
END;
