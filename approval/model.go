package approval

import (
	"slices"
	"time"

	"github.com/cpqkit/cpq/catalog"
)

// Status is where an approval stands.
type Status string

// The statuses of an approval.
const (
	// StatusPending: some required step still waits for a decision.
	StatusPending Status = "pending"
	// StatusApproved: every required step is approved (by a person, or
	// automatically), or none was required.
	StatusApproved Status = "approved"
	// StatusRejected: an approver rejected a step; the quote went back to
	// draft.
	StatusRejected Status = "rejected"
	// StatusRecalled: the submitter took the quote back to draft.
	StatusRecalled Status = "recalled"
	// StatusSuperseded: the quote was submitted again (as a new revision)
	// while this approval was pending.
	StatusSuperseded Status = "superseded"
)

// StepStatus is where one step stands.
type StepStatus string

// The statuses of a step.
const (
	// StepWaiting: an earlier level is not approved yet.
	StepWaiting StepStatus = "waiting"
	// StepPending: its level has started; it waits for its approvers.
	StepPending StepStatus = "pending"
	// StepApproved: its approvers approved it.
	StepApproved StepStatus = "approved"
	// StepAutoApproved: approved without asking, because every fact its
	// rule reads is no worse than when a person last approved it.
	StepAutoApproved StepStatus = "auto_approved"
	// StepRejected: an approver rejected it.
	StepRejected StepStatus = "rejected"
	// StepCancelled: the approval ended (rejected elsewhere, recalled,
	// superseded) before the step was decided.
	StepCancelled StepStatus = "cancelled"
)

// Approved reports whether the step counts as approved.
func (s StepStatus) Approved() bool { return s == StepApproved || s == StepAutoApproved }

// Approval is one submission of a quote revision for approval: the steps
// the policy required, each with its approvers and decisions. Approvals
// of one quote are numbered by Round, from 1.
type Approval struct {
	// ID is "<quote ID>/<round>".
	ID     string `json:"id"`
	Tenant string `json:"tenant"`
	Quote  string `json:"quote"`
	Number string `json:"number"`
	Round  int    `json:"round"`
	// Revision and Seal identify the content submitted; every decision
	// binds to this seal.
	Revision int    `json:"revision"`
	Seal     string `json:"seal"`
	Status   Status `json:"status"`
	// Owner is the quote's owner at submission; Submitter who submitted.
	// Neither may decide a step.
	Owner       string    `json:"owner"`
	Submitter   string    `json:"submitter"`
	Comment     string    `json:"comment,omitempty"`
	SubmittedAt time.Time `json:"submitted_at"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	// Policy names the catalog whose rules applied ("<id>@<version>").
	Policy string `json:"policy"`
	// Facts are the facts at submission: what the approvers approve.
	Facts Facts  `json:"facts"`
	Steps []Step `json:"steps"`
	// Version is the storage version, for optimistic concurrency: an
	// update must carry the version it read.
	Version int64 `json:"version"`
}

// Step is one required approval: a rule whose condition held, and who
// must approve because of it.
type Step struct {
	// ID is the rule's ID.
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason,omitempty"`
	Level  int    `json:"level"`
	// Approver is who the rule names (or, once escalated, the escalation
	// approver); Assignees are the users it resolved to, without the
	// quote's owner and submitter. Unanimous steps need every assignee's
	// approval, the others any one.
	Approver  catalog.Approver `json:"approver"`
	Assignees []string         `json:"assignees"`
	Unanimous bool             `json:"unanimous,omitempty"`
	Status    StepStatus       `json:"status"`
	// Trigger says which condition required the step, with the values of
	// the facts it read.
	Trigger   Trigger    `json:"trigger"`
	Decisions []Decision `json:"decisions,omitempty"`
	// StartedAt is when the step's level started; DueAt when it is due
	// for escalation, SLA after StartedAt (zero when the rule does not
	// escalate).
	StartedAt time.Time     `json:"started_at,omitzero"`
	SLA       time.Duration `json:"sla,omitempty"`
	DueAt     time.Time     `json:"due_at,omitzero"`
	// EscalateTo is the rule's escalation approver; Escalated is set once
	// the step moved to it, from the assignees in EscalatedFrom.
	EscalateTo    *catalog.Approver `json:"escalate_to,omitempty"`
	Escalated     bool              `json:"escalated,omitempty"`
	EscalatedAt   time.Time         `json:"escalated_at,omitzero"`
	EscalatedFrom []string          `json:"escalated_from,omitempty"`
	// Fingerprint identifies the rule's condition and approver: an
	// earlier approval counts for smart re-approval only under the same
	// rule.
	Fingerprint string `json:"fingerprint"`
	// Reapproval is the rule's re-approval mode (not_worse or always).
	Reapproval string `json:"reapproval"`
	// Baseline is, for a step approved automatically, the earlier
	// approval it was compared with.
	Baseline *Baseline `json:"baseline,omitempty"`
	// Note explains the re-approval outcome: why the step was approved
	// automatically, or which fact got worse.
	Note string `json:"note,omitempty"`
}

// Decision is one approver's decision on a step.
type Decision struct {
	// Approver is who decided; OnBehalfOf the assignee they decided for,
	// when they acted as a delegate (empty otherwise).
	Approver   string `json:"approver"`
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
	Approve    bool   `json:"approve"`
	Comment    string `json:"comment,omitempty"`
	// Seal is the seal of the revision the approver saw.
	Seal string    `json:"seal"`
	At   time.Time `json:"at"`
}

// For returns the assignee a decision counts for.
func (d Decision) For() string {
	if d.OnBehalfOf != "" {
		return d.OnBehalfOf
	}
	return d.Approver
}

// Baseline is the earlier approval of a step that a resubmission was
// compared with.
type Baseline struct {
	Approval string `json:"approval"`
	Revision int    `json:"revision"`
	Seal     string `json:"seal"`
	// Facts are the facts the person approved.
	Facts Facts `json:"facts"`
}

// Trigger says why a rule required a step.
type Trigger struct {
	// Condition is the rule's condition as written in the catalog.
	Condition string `json:"condition"`
	// Facts are the values of the facts the condition read, by name.
	Facts []FactValue `json:"facts"`
}

// FactValue is the value of one fact, as approvers read it.
type FactValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// String writes the trigger as "quote.max_line_discount_percent > 10
// (quote.max_line_discount_percent = 18)".
func (t Trigger) String() string {
	s := t.Condition
	for i, f := range t.Facts {
		if i == 0 {
			s += " ("
		} else {
			s += ", "
		}
		s += f.Name + " = " + f.Value
		if i == len(t.Facts)-1 {
			s += ")"
		}
	}
	return s
}

// Step returns the step with the ID, or nil.
func (a *Approval) Step(id string) *Step {
	for i := range a.Steps {
		if a.Steps[i].ID == id {
			return &a.Steps[i]
		}
	}
	return nil
}

// Level returns the level that waits for decisions: the lowest level with
// a pending step. ok is false when no step is pending.
func (a *Approval) Level() (level int, ok bool) {
	for _, s := range a.Steps {
		if s.Status == StepPending && (!ok || s.Level < level) {
			level, ok = s.Level, true
		}
	}
	return level, ok
}

// NextDue returns when the earliest pending step that escalates is due,
// or the zero time when none is. Stores index it to find what Escalate
// must look at.
func (a *Approval) NextDue() time.Time {
	var due time.Time
	if a.Status != StatusPending {
		return due
	}
	for _, s := range a.Steps {
		if s.Status == StepPending && !s.Escalated && !s.DueAt.IsZero() && (due.IsZero() || s.DueAt.Before(due)) {
			due = s.DueAt
		}
	}
	return due
}

// Clone returns a deep copy of the approval.
func (a *Approval) Clone() *Approval {
	c := *a
	c.Facts = a.Facts.clone()
	c.Steps = make([]Step, len(a.Steps))
	for i, s := range a.Steps {
		s.Assignees = slices.Clone(s.Assignees)
		s.Decisions = slices.Clone(s.Decisions)
		s.Trigger.Facts = slices.Clone(s.Trigger.Facts)
		s.EscalatedFrom = slices.Clone(s.EscalatedFrom)
		if s.EscalateTo != nil {
			to := *s.EscalateTo
			s.EscalateTo = &to
		}
		if s.Baseline != nil {
			b := *s.Baseline
			b.Facts = b.Facts.clone()
			s.Baseline = &b
		}
		c.Steps[i] = s
	}
	return &c
}

func (f Facts) clone() Facts {
	f.Categories = slices.Clone(f.Categories)
	f.Products = slices.Clone(f.Products)
	return f
}

// approvedBy returns the assignees who approved the step.
func (s *Step) approvedBy() map[string]bool {
	out := map[string]bool{}
	for _, d := range s.Decisions {
		if d.Approve {
			out[d.For()] = true
		}
	}
	return out
}

// satisfied reports whether the step has the approvals it needs from its
// current assignees.
func (s *Step) satisfied() bool {
	by := s.approvedBy()
	n := 0
	for _, a := range s.Assignees {
		if by[a] {
			n++
		}
	}
	if s.Unanimous {
		return n == len(s.Assignees) && n > 0
	}
	return n > 0
}

// Action is what an audit record records.
type Action string

// The actions of the audit trail.
const (
	ActionSubmitted         Action = "submitted"
	ActionApproved          Action = "approved"
	ActionRejected          Action = "rejected"
	ActionAutoApproved      Action = "auto_approved"
	ActionLevelStarted      Action = "level_started"
	ActionCompleted         Action = "completed"
	ActionRecalled          Action = "recalled"
	ActionSuperseded        Action = "superseded"
	ActionReassigned        Action = "reassigned"
	ActionEscalated         Action = "escalated"
	ActionDelegated         Action = "delegated"
	ActionDelegationRevoked Action = "delegation_revoked"
	ActionPresented         Action = "presented"
	// ActionRefused records an attempt the engine refused; Attempt says
	// what was attempted and Reason why it was refused.
	ActionRefused Action = "refused"
)

// SystemActor is the actor of what the engine does on its own
// (escalation).
const SystemActor = "system"

// Record is one entry of the append-only audit trail: who did what, when,
// to which revision, and why.
type Record struct {
	// Seq orders the records of a store; the store sets it.
	Seq    int64  `json:"seq"`
	Tenant string `json:"tenant"`
	// Quote is the quote's ID; empty for delegations, which concern no
	// one quote.
	Quote    string `json:"quote"`
	Approval string `json:"approval,omitempty"`
	Revision int    `json:"revision,omitempty"`
	Seal     string `json:"seal,omitempty"`
	Actor    string `json:"actor"`
	// ActorTenant is the actor's tenant when it is not Tenant (a refused
	// attempt from another tenant).
	ActorTenant string `json:"actor_tenant,omitempty"`
	OnBehalfOf  string `json:"on_behalf_of,omitempty"`
	Action      Action `json:"action"`
	// Attempt is what a refused attempt tried to do.
	Attempt Action    `json:"attempt,omitempty"`
	Step    string    `json:"step,omitempty"`
	Comment string    `json:"comment,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at"`
}

// Delegation lets one user decide steps assigned to another for a
// period: from Start (inclusive) to End (exclusive), unless revoked.
// Delegations are not transitive: a delegate's own delegate cannot act
// for the first user.
type Delegation struct {
	ID        string    `json:"id"`
	Tenant    string    `json:"tenant"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Reason    string    `json:"reason,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	RevokedBy string    `json:"revoked_by,omitempty"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Active reports whether the delegation lets To act for From at the
// time.
func (d Delegation) Active(at time.Time) bool {
	if !d.RevokedAt.IsZero() && !at.Before(d.RevokedAt) {
		return false
	}
	return !at.Before(d.Start) && at.Before(d.End)
}
