package approval

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cpqkit/cpq/quote"
)

// Errors a caller may branch on. A refused attempt wraps one of the first
// group and is recorded in the audit trail; nothing else is written.
var (
	// ErrNotAuthorized: the actor is not an assignee of the step, nor an
	// assignee's current delegate, nor (where it applies) the submitter
	// or an administrator.
	ErrNotAuthorized = errors.New("not authorized")
	// ErrSelfApproval: nobody decides a step of a quote they own or
	// submitted, nor is such a person assigned one.
	ErrSelfApproval = errors.New("nobody approves a quote they own or submitted")
	// ErrStaleSeal: the decision was made on a revision whose seal is not
	// the one submitted, or the quote changed since.
	ErrStaleSeal = errors.New("the quote changed since the revision the decision was made on")
	// ErrCrossTenant: the actor belongs to another tenant than the quote.
	ErrCrossTenant = errors.New("the actor belongs to another tenant")
	// ErrNotRequired: the approval has no such step; the policy did not
	// require it.
	ErrNotRequired = errors.New("approval step not required")
	// ErrNotPending: the approval or step does not wait for a decision
	// (its level has not started, it is decided, or the approval ended).
	ErrNotPending = errors.New("not waiting for a decision")
	// ErrAlreadyDecided: the assignee already decided the step.
	ErrAlreadyDecided = errors.New("already decided")
	// ErrNoApprover: the step's approver resolves to nobody who may
	// decide it (everyone it names owns or submitted the quote).
	ErrNoApprover = errors.New("no one may approve the step")
	// ErrInvalid: the request is malformed (no step, a rejection without
	// a comment, a delegation that ends before it starts).
	ErrInvalid = errors.New("invalid approval request")

	// ErrApprovalRequired: the gate refused a release; see *GateError.
	ErrApprovalRequired = errors.New("approval required")
	// ErrNotFound: no approval (or delegation) for that quote (or ID) in
	// the tenant.
	ErrNotFound = errors.New("approval not found")
	// ErrConflict is quote.ErrConflict: a write carried a stale version.
	// The engine retries its own transactions on it.
	ErrConflict = quote.ErrConflict
)

// refusals are the errors that refuse an attempt; the engine records each
// refused attempt in the audit trail.
var refusals = []error{
	ErrNotAuthorized, ErrSelfApproval, ErrStaleSeal, ErrCrossTenant, ErrNotRequired,
	ErrNotPending, ErrAlreadyDecided, ErrNoApprover, ErrInvalid, ErrApprovalRequired,
	quote.ErrTransition, quote.ErrNotFound, ErrNotFound,
}

func refused(err error) bool {
	for _, r := range refusals {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

// GateError says why the gate refused to release a quote.
type GateError struct {
	Quote    string
	Revision int
	// Seal is the seal of the quote's current content.
	Seal string
	// Missing lists the required steps (rule IDs) not approved for this
	// seal.
	Missing []string
	// Reason says what is wrong in words.
	Reason string
	// Err is ErrApprovalRequired or ErrStaleSeal.
	Err error
}

func (e *GateError) Error() string {
	s := fmt.Sprintf("quote %s revision %d: %s", e.Quote, e.Revision, e.Reason)
	if len(e.Missing) > 0 {
		s += " (missing: " + strings.Join(e.Missing, ", ") + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *GateError) Unwrap() error { return e.Err }

// NoApproverError names the step nobody may approve.
type NoApproverError struct {
	Step     string
	Approver string
}

func (e *NoApproverError) Error() string {
	return fmt.Sprintf("step %s: %s resolves to nobody but the quote's owner or submitter: %s", e.Step, e.Approver, ErrNoApprover)
}

func (e *NoApproverError) Unwrap() error { return ErrNoApprover }
