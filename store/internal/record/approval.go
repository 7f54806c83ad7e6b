package record

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cpqkit/cpq/approval"
)

// Approval is an approval as a store row: the indexed columns and the
// document.
type Approval struct {
	Tenant  string
	ID      string
	QuoteID string
	Round   int
	Status  string
	Version int64
	// NextDue is the TimeKey of Approval.NextDue, empty when nothing is
	// due.
	NextDue string
	Doc     []byte
}

// EncodeApproval checks that an approval can be stored and returns its
// row. One without a tenant, ID or quote, with a round below 1, with text
// a database cannot hold in a key, or with times outside the years 1 to
// 9999, is refused with an error wrapping approval.ErrInvalid.
func EncodeApproval(a *approval.Approval) (Approval, error) {
	if a == nil {
		return Approval{}, fmt.Errorf("no approval given: %w", approval.ErrInvalid)
	}
	if err := keyText("approval", a.ID, "tenant", a.Tenant, "ID", a.ID, "quote", a.Quote, "status", string(a.Status)); err != nil {
		return Approval{}, err
	}
	if a.Round < 1 {
		return Approval{}, fmt.Errorf("approval %s: round %d; rounds count from 1: %w", a.ID, a.Round, approval.ErrInvalid)
	}
	due := ""
	if t := a.NextDue(); !t.IsZero() {
		k, err := TimeKey(t)
		if err != nil {
			return Approval{}, fmt.Errorf("approval %s: due: %w", a.ID, asInvalid(err))
		}
		due = k
	}
	for _, t := range []time.Time{a.SubmittedAt, a.ClosedAt} {
		if err := checkTime(t); err != nil {
			return Approval{}, fmt.Errorf("approval %s: %w", a.ID, err)
		}
	}
	doc, err := json.Marshal(a)
	if err != nil {
		return Approval{}, fmt.Errorf("approval %s: encode: %w", a.ID, asInvalid(err))
	}
	if replacedInvalidUTF8(doc) {
		return Approval{}, fmt.Errorf("approval %s holds text that is not valid UTF-8: %w", a.ID, approval.ErrInvalid)
	}
	return Approval{Tenant: a.Tenant, ID: a.ID, QuoteID: a.Quote, Round: a.Round, Status: string(a.Status),
		Version: a.Version, NextDue: due, Doc: doc}, nil
}

// DecodeApproval reads a stored approval document.
func DecodeApproval(doc []byte) (*approval.Approval, error) {
	var a approval.Approval
	if err := json.Unmarshal(doc, &a); err != nil {
		return nil, fmt.Errorf("decode stored approval: %w", err)
	}
	return &a, nil
}

// Delegation is a delegation as a store row. Start is the TimeKey of its
// start, which listings order by.
type Delegation struct {
	Tenant string
	ID     string
	From   string
	To     string
	Start  string
	Doc    []byte
}

// EncodeDelegation checks that a delegation can be stored and returns
// its row; one without a tenant, ID, from or to user is refused with an
// error wrapping approval.ErrInvalid.
func EncodeDelegation(d approval.Delegation) (Delegation, error) {
	if err := keyText("delegation", d.ID, "tenant", d.Tenant, "ID", d.ID, "from user", d.From, "to user", d.To); err != nil {
		return Delegation{}, err
	}
	for _, t := range []time.Time{d.Start, d.End, d.CreatedAt, d.RevokedAt} {
		if err := checkTime(t); err != nil {
			return Delegation{}, fmt.Errorf("delegation %s: %w", d.ID, err)
		}
	}
	doc, err := json.Marshal(d)
	if err != nil {
		return Delegation{}, fmt.Errorf("delegation %s: encode: %w", d.ID, asInvalid(err))
	}
	if replacedInvalidUTF8(doc) {
		return Delegation{}, fmt.Errorf("delegation %s holds text that is not valid UTF-8: %w", d.ID, approval.ErrInvalid)
	}
	start, _ := TimeKey(d.Start) // checked above
	return Delegation{Tenant: d.Tenant, ID: d.ID, From: d.From, To: d.To, Start: start, Doc: doc}, nil
}

// DecodeDelegation reads a stored delegation document.
func DecodeDelegation(doc []byte) (approval.Delegation, error) {
	var d approval.Delegation
	if err := json.Unmarshal(doc, &d); err != nil {
		return approval.Delegation{}, fmt.Errorf("decode stored delegation: %w", err)
	}
	return d, nil
}

// AuditRecord is an audit record as a store row. The store assigns Seq.
type AuditRecord struct {
	Tenant  string
	QuoteID string
	At      string
	Doc     []byte
}

// EncodeRecord checks that an audit record can be stored and returns its
// row; one without a tenant, an actor or an action, or with a time
// outside the years 1 to 9999, is refused with an error wrapping
// approval.ErrInvalid. The document leaves Seq out: the store sets it.
func EncodeRecord(r approval.Record) (AuditRecord, error) {
	if err := keyText("audit record", string(r.Action), "tenant", r.Tenant, "actor", r.Actor, "action", string(r.Action)); err != nil {
		return AuditRecord{}, err
	}
	if !Text(r.Quote) {
		return AuditRecord{}, fmt.Errorf("audit record: the quote ID is not printable text: %w", approval.ErrInvalid)
	}
	at, err := TimeKey(r.At)
	if err != nil {
		return AuditRecord{}, fmt.Errorf("audit record: %w", asInvalid(err))
	}
	r.Seq = 0
	doc, err := json.Marshal(r)
	if err != nil {
		return AuditRecord{}, fmt.Errorf("audit record: encode: %w", asInvalid(err))
	}
	if replacedInvalidUTF8(doc) {
		return AuditRecord{}, fmt.Errorf("audit record holds text that is not valid UTF-8: %w", approval.ErrInvalid)
	}
	return AuditRecord{Tenant: r.Tenant, QuoteID: r.Quote, At: at, Doc: doc}, nil
}

// DecodeRecord reads a stored audit record and sets its sequence number.
func DecodeRecord(doc []byte, seq int64) (approval.Record, error) {
	var r approval.Record
	if err := json.Unmarshal(doc, &r); err != nil {
		return approval.Record{}, fmt.Errorf("decode stored audit record: %w", err)
	}
	r.Seq = seq
	return r, nil
}

// keyText refuses empty required fields and text a database cannot hold;
// fields are pairs of a name and a value.
func keyText(what, id string, fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		name, v := fields[i], fields[i+1]
		switch {
		case v == "":
			return fmt.Errorf("%s %q has no %s: %w", what, id, name, approval.ErrInvalid)
		case !Text(v):
			return fmt.Errorf("%s %q: the %s is not printable text: %w", what, id, name, approval.ErrInvalid)
		}
	}
	return nil
}

func checkTime(t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if _, err := TimeKey(t); err != nil {
		return asInvalid(err)
	}
	return nil
}

// asInvalid makes an error match approval.ErrInvalid too.
func asInvalid(err error) error {
	return fmt.Errorf("%w (%w)", approval.ErrInvalid, err)
}

// PendingFor reports whether an approval is pending with a pending step
// of which one of the users is an assignee: what approval.Store.Pending
// selects.
func PendingFor(a *approval.Approval, users []string) bool {
	if a.Status != approval.StatusPending {
		return false
	}
	for _, s := range a.Steps {
		if s.Status != approval.StepPending {
			continue
		}
		for _, u := range s.Assignees {
			if slices.Contains(users, u) {
				return true
			}
		}
	}
	return false
}
