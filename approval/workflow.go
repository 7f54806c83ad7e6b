package approval

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// DecisionRequest is an approver's decision on a step.
type DecisionRequest struct {
	Tenant string
	// Quote is the quote's ID; the decision is on its latest approval.
	Quote string
	// Step is the step's ID (the rule's ID).
	Step string
	// Seal is the seal of the revision the approver saw; it must be the
	// seal submitted, and the quote must still have that content.
	Seal string
	// OnBehalfOf names the assignee a delegate acts for; needed only when
	// the actor is a delegate of several undecided assignees of the step.
	OnBehalfOf string
	// Comment is required for a rejection.
	Comment string
}

// Approve records an approval of a step. When it completes the step's
// level, the next level starts; when it completes the last level, the
// approval and the quote are approved.
//
// It is refused, and only the refused attempt is recorded, when the actor
// is of another tenant (ErrCrossTenant), owns or submitted the quote
// (ErrSelfApproval), the approval is not pending or the step's level has
// not started (ErrNotPending), the seal is not the submitted one or the
// quote changed since (ErrStaleSeal), the approval has no such step
// (ErrNotRequired), the actor is neither an assignee nor an assignee's
// current delegate (ErrNotAuthorized), or has already decided
// (ErrAlreadyDecided).
func (e *Engine) Approve(ctx context.Context, actor Actor, req DecisionRequest) (*Approval, error) {
	return e.decide(ctx, actor, req, true)
}

// Reject records a rejection of a step, with the comment it needs: the
// approval is rejected and the quote returns to draft (through rejected),
// its seal cleared. It is refused as Approve is.
func (e *Engine) Reject(ctx context.Context, actor Actor, req DecisionRequest) (*Approval, error) {
	return e.decide(ctx, actor, req, false)
}

func (e *Engine) decide(ctx context.Context, actor Actor, req DecisionRequest, approve bool) (*Approval, error) {
	action := ActionApproved
	if !approve {
		action = ActionRejected
	}
	rec := attempt(actor, req.Tenant, req.Quote, action)
	rec.Step, rec.Seal, rec.Comment, rec.OnBehalfOf = req.Step, req.Seal, req.Comment, req.OnBehalfOf
	if err := checkActor(actor, req.Tenant); err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	switch {
	case req.Step == "":
		return nil, e.refuse(ctx, rec, fmt.Errorf("a decision names its step: %w", ErrInvalid))
	case req.Seal == "":
		return nil, e.refuse(ctx, rec, fmt.Errorf("a decision names the seal of the revision it was made on: %w", ErrInvalid))
	case !approve && strings.TrimSpace(req.Comment) == "":
		return nil, e.refuse(ctx, rec, fmt.Errorf("a rejection needs a comment: %w", ErrInvalid))
	}
	return e.onLatest(ctx, &rec, func(tx Tx, q *quote.Quote, a *Approval, now time.Time) error {
		if err := notSelf(actor.User, a, q); err != nil {
			return err
		}
		if a.Status != StatusPending {
			return fmt.Errorf("approval %s is %s: %w", a.ID, a.Status, ErrNotPending)
		}
		if err := sealCheck(req.Seal, a, q); err != nil {
			return err
		}
		s := a.Step(req.Step)
		if s == nil {
			return fmt.Errorf("approval %s has no step %s: %w", a.ID, req.Step, ErrNotRequired)
		}
		if s.Status != StepPending {
			return fmt.Errorf("step %s of approval %s is %s: %w", s.ID, a.ID, s.Status, ErrNotPending)
		}
		forWhom, err := e.authorize(ctx, tx, actor, a, s, req.OnBehalfOf, now)
		if err != nil {
			return err
		}
		d := Decision{Approver: actor.User, Approve: approve, Comment: req.Comment, Seal: req.Seal, At: now}
		if forWhom != actor.User {
			d.OnBehalfOf = forWhom
		}
		s.Decisions = append(s.Decisions, d)
		recs := []Record{{Tenant: a.Tenant, Quote: a.Quote, Approval: a.ID, Revision: a.Revision, Seal: a.Seal,
			Actor: actor.User, OnBehalfOf: d.OnBehalfOf, Action: action, Step: s.ID, Comment: req.Comment, At: now}}
		if approve {
			if s.satisfied() {
				s.Status = StepApproved
				recs = append(recs, e.advance(a, now, actor.User)...)
			}
		} else {
			s.Status = StepRejected
			a.Status, a.ClosedAt = StatusRejected, now
			cancelOpen(a)
		}
		switch a.Status {
		case StatusApproved:
			if err := q.Transition(quote.StatusApproved, actor.User, now, "approved: "+a.ID); err != nil {
				return err
			}
			if err := tx.Update(ctx, q); err != nil {
				return err
			}
		case StatusRejected:
			if err := q.Transition(quote.StatusRejected, actor.User, now, "rejected at step "+s.ID+": "+req.Comment); err != nil {
				return err
			}
			if err := q.Transition(quote.StatusDraft, actor.User, now, "returned to draft after rejection"); err != nil {
				return err
			}
			q.Seal = ""
			if err := tx.Update(ctx, q); err != nil {
				return err
			}
		}
		if err := tx.UpdateApproval(ctx, a); err != nil {
			return err
		}
		if err := tx.Append(ctx, recs...); err != nil {
			return err
		}
		return nil
	})
}

// notSelf refuses the quote's owner (at submission and now) and its
// submitter.
func notSelf(user string, a *Approval, q *quote.Quote) error {
	switch user {
	case a.Owner, q.Header.Owner:
		return fmt.Errorf("%s owns quote %s: %w", user, a.Number, ErrSelfApproval)
	case a.Submitter:
		return fmt.Errorf("%s submitted quote %s: %w", user, a.Number, ErrSelfApproval)
	}
	return nil
}

// sealCheck refuses a decision made on another seal than the one
// submitted, or on a quote whose content changed since.
func sealCheck(seal string, a *Approval, q *quote.Quote) error {
	if seal != a.Seal {
		return fmt.Errorf("decision on seal %s, but revision %d was submitted with seal %s: %w", seal, a.Revision, a.Seal, ErrStaleSeal)
	}
	if q.Revision != a.Revision {
		return fmt.Errorf("quote %s is at revision %d; revision %d was submitted: %w", q.Number, q.Revision, a.Revision, ErrStaleSeal)
	}
	if now := q.ComputeSeal(); now != a.Seal {
		return fmt.Errorf("quote %s changed since it was submitted: content now %s: %w", q.Number, now, ErrStaleSeal)
	}
	return nil
}

// authorize returns the assignee the actor decides for: themselves, or
// the assignee whose current delegate they are.
func (e *Engine) authorize(ctx context.Context, tx Reader, actor Actor, a *Approval, s *Step, onBehalfOf string, now time.Time) (string, error) {
	decided := map[string]bool{}
	for _, d := range s.Decisions {
		decided[d.For()] = true
	}
	if (onBehalfOf == "" || onBehalfOf == actor.User) && slices.Contains(s.Assignees, actor.User) {
		if decided[actor.User] {
			return "", fmt.Errorf("%s already decided step %s of approval %s: %w", actor.User, s.ID, a.ID, ErrAlreadyDecided)
		}
		return actor.User, nil
	}
	ds, err := tx.Delegations(ctx, actor.Tenant, actor.User)
	if err != nil {
		return "", err
	}
	var open, done []string
	for _, d := range ds {
		if d.To != actor.User || !d.Active(now) || !slices.Contains(s.Assignees, d.From) || (onBehalfOf != "" && onBehalfOf != d.From) {
			continue
		}
		if decided[d.From] {
			done = append(done, d.From)
		} else {
			open = append(open, d.From)
		}
	}
	open = sortedSet(open)
	switch {
	case len(open) == 1:
		return open[0], nil
	case len(open) > 1:
		return "", fmt.Errorf("%s is a delegate of %s on step %s; name whom the decision is for: %w",
			actor.User, strings.Join(open, " and "), s.ID, ErrInvalid)
	case len(done) > 0:
		return "", fmt.Errorf("%s already decided step %s of approval %s: %w", done[0], s.ID, a.ID, ErrAlreadyDecided)
	}
	who := "an assignee"
	if onBehalfOf != "" && onBehalfOf != actor.User {
		who = onBehalfOf
	}
	return "", fmt.Errorf("%s is neither an assignee of step %s of approval %s nor a current delegate of %s: %w",
		actor.User, s.ID, a.ID, who, ErrNotAuthorized)
}

// onLatest runs change on the tenant's latest approval of the quote and on
// the quote, in one transaction, at the time of the change. The refusal
// record rec learns the approval and its revision (and its seal, unless rec
// names the seal the actor saw). It returns the approval as change left
// it, or refuses with rec.
func (e *Engine) onLatest(ctx context.Context, rec *Record, change func(tx Tx, q *quote.Quote, a *Approval, now time.Time) error) (*Approval, error) {
	var out *Approval
	err := e.inTx(ctx, func(tx Tx) error {
		out = nil
		q, a, err := latest(ctx, tx, rec.Tenant, rec.Quote)
		if err != nil {
			return err
		}
		rec.Approval, rec.Revision = a.ID, a.Revision
		if rec.Seal == "" {
			rec.Seal = a.Seal
		}
		if err := change(tx, q, a, e.clock.Now()); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, e.refuse(ctx, *rec, err)
	}
	return out, nil
}

// Recall takes a pending approval back: only its submitter may. The
// approval is recalled and the quote returns to draft, its seal cleared.
func (e *Engine) Recall(ctx context.Context, actor Actor, req Request) (*Approval, error) {
	rec := attempt(actor, req.Tenant, req.Quote, ActionRecalled)
	rec.Comment = req.Comment
	if err := checkActor(actor, req.Tenant); err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	return e.onLatest(ctx, &rec, func(tx Tx, q *quote.Quote, a *Approval, now time.Time) error {
		if a.Status != StatusPending {
			return fmt.Errorf("approval %s is %s: %w", a.ID, a.Status, ErrNotPending)
		}
		if actor.User != a.Submitter {
			return fmt.Errorf("only %s, who submitted approval %s, may recall it: %w", a.Submitter, a.ID, ErrNotAuthorized)
		}
		a.Status, a.ClosedAt = StatusRecalled, now
		cancelOpen(a)
		if q.Status == quote.StatusInReview && q.Revision == a.Revision {
			if err := q.Transition(quote.StatusDraft, actor.User, now, "recalled: "+req.Comment); err != nil {
				return err
			}
			q.Seal = ""
			if err := tx.Update(ctx, q); err != nil {
				return err
			}
		}
		if err := tx.UpdateApproval(ctx, a); err != nil {
			return err
		}
		if err := tx.Append(ctx, Record{Tenant: a.Tenant, Quote: a.Quote, Approval: a.ID, Revision: a.Revision, Seal: a.Seal,
			Actor: actor.User, Action: ActionRecalled, Comment: req.Comment, At: now}); err != nil {
			return err
		}
		return nil
	})
}

// ReassignRequest hands one assignee's part of a step to another user.
type ReassignRequest struct {
	Tenant  string
	Quote   string
	Step    string
	From    string
	To      string
	Comment string
	// Seal, when given, is the seal of the revision the user saw; the
	// reassignment is refused (ErrStaleSeal) if the approval is of
	// another content.
	Seal string
}

// Reassign replaces an undecided assignee of a pending or waiting step
// with another user. The assignee themselves or an administrator may; the
// new assignee may not own or have submitted the quote (ErrSelfApproval).
func (e *Engine) Reassign(ctx context.Context, actor Actor, req ReassignRequest) (*Approval, error) {
	rec := attempt(actor, req.Tenant, req.Quote, ActionReassigned)
	rec.Step, rec.Comment, rec.OnBehalfOf, rec.Seal = req.Step, req.Comment, req.From, req.Seal
	if err := checkActor(actor, req.Tenant); err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	if req.To == "" || req.From == "" || req.To == req.From {
		return nil, e.refuse(ctx, rec, fmt.Errorf("a reassignment names two different users: %w", ErrInvalid))
	}
	return e.onLatest(ctx, &rec, func(tx Tx, q *quote.Quote, a *Approval, now time.Time) error {
		if a.Status != StatusPending {
			return fmt.Errorf("approval %s is %s: %w", a.ID, a.Status, ErrNotPending)
		}
		if req.Seal != "" {
			if err := sealCheck(req.Seal, a, q); err != nil {
				return err
			}
		}
		s := a.Step(req.Step)
		if s == nil {
			return fmt.Errorf("approval %s has no step %s: %w", a.ID, req.Step, ErrNotRequired)
		}
		if s.Status != StepPending && s.Status != StepWaiting {
			return fmt.Errorf("step %s of approval %s is %s: %w", s.ID, a.ID, s.Status, ErrNotPending)
		}
		if actor.User != req.From {
			admin, err := e.isAdmin(ctx, actor)
			if err != nil {
				return err
			}
			if !admin {
				return fmt.Errorf("%s may not reassign %s's part of step %s: %w", actor.User, req.From, s.ID, ErrNotAuthorized)
			}
		}
		i := slices.Index(s.Assignees, req.From)
		if i < 0 {
			return fmt.Errorf("%s is not an assignee of step %s: %w", req.From, s.ID, ErrInvalid)
		}
		for _, d := range s.Decisions {
			if d.For() == req.From {
				return fmt.Errorf("%s already decided step %s: %w", req.From, s.ID, ErrAlreadyDecided)
			}
		}
		if err := notSelf(req.To, a, q); err != nil {
			return err
		}
		if slices.Contains(s.Assignees, req.To) {
			return fmt.Errorf("%s is already an assignee of step %s: %w", req.To, s.ID, ErrInvalid)
		}
		s.Assignees[i] = req.To
		s.Assignees = sortedSet(s.Assignees)
		if err := tx.UpdateApproval(ctx, a); err != nil {
			return err
		}
		if err := tx.Append(ctx, Record{Tenant: a.Tenant, Quote: a.Quote, Approval: a.ID, Revision: a.Revision, Seal: a.Seal,
			Actor: actor.User, OnBehalfOf: req.From, Action: ActionReassigned, Step: s.ID, Comment: req.Comment,
			Reason: "from " + req.From + " to " + req.To, At: now}); err != nil {
			return err
		}
		return nil
	})
}

// Delegate lets d.To decide, from d.Start to d.End, the steps assigned to
// d.From. The delegating user or an administrator may; From defaults to
// the actor, Start to now, Tenant to the actor's, ID to a random one.
// The decision records both the delegate and the user they acted for.
func (e *Engine) Delegate(ctx context.Context, actor Actor, d Delegation) (Delegation, error) {
	if d.Tenant == "" {
		d.Tenant = actor.Tenant
	}
	if d.From == "" {
		d.From = actor.User
	}
	rec := attempt(actor, d.Tenant, "", ActionDelegated)
	rec.OnBehalfOf, rec.Reason = d.From, d.Reason
	if err := checkActor(actor, d.Tenant); err != nil {
		return Delegation{}, e.refuse(ctx, rec, err)
	}
	now := e.clock.Now()
	if d.Start.IsZero() {
		d.Start = now
	}
	switch {
	case d.To == "" || d.To == d.From:
		return Delegation{}, e.refuse(ctx, rec, fmt.Errorf("a delegation names another user to delegate to: %w", ErrInvalid))
	case !d.End.After(d.Start):
		return Delegation{}, e.refuse(ctx, rec, fmt.Errorf("a delegation ends after it starts: %w", ErrInvalid))
	}
	if actor.User != d.From {
		admin, err := e.isAdmin(ctx, actor)
		if err != nil {
			return Delegation{}, err
		}
		if !admin {
			return Delegation{}, e.refuse(ctx, rec, fmt.Errorf("%s may not delegate for %s: %w", actor.User, d.From, ErrNotAuthorized))
		}
	}
	if d.ID == "" {
		d.ID = randomID()
	}
	d.CreatedBy, d.CreatedAt, d.RevokedBy, d.RevokedAt = actor.User, now, "", time.Time{}
	err := e.inTx(ctx, func(tx Tx) error {
		if err := tx.SaveDelegation(ctx, d); err != nil {
			return err
		}
		return tx.Append(ctx, Record{Tenant: d.Tenant, Actor: actor.User, OnBehalfOf: d.From, Action: ActionDelegated,
			Comment: d.Reason, Reason: fmt.Sprintf("delegation %s: %s to %s from %s until %s", d.ID, d.From, d.To,
				d.Start.Format(time.RFC3339), d.End.Format(time.RFC3339)), At: now})
	})
	if err != nil {
		return Delegation{}, e.refuse(ctx, rec, err)
	}
	return d, nil
}

// RevokeDelegation ends a delegation now. The delegating user or an
// administrator may.
func (e *Engine) RevokeDelegation(ctx context.Context, actor Actor, tenant, id string) (Delegation, error) {
	rec := attempt(actor, tenant, "", ActionDelegationRevoked)
	rec.Reason = "delegation " + id
	if err := checkActor(actor, tenant); err != nil {
		return Delegation{}, e.refuse(ctx, rec, err)
	}
	var out Delegation
	err := e.inTx(ctx, func(tx Tx) error {
		now := e.clock.Now()
		d, err := tx.Delegation(ctx, tenant, id)
		if err != nil {
			return err
		}
		if actor.User != d.From {
			admin, err := e.isAdmin(ctx, actor)
			if err != nil {
				return err
			}
			if !admin {
				return fmt.Errorf("%s may not revoke %s's delegation %s: %w", actor.User, d.From, id, ErrNotAuthorized)
			}
		}
		if !d.RevokedAt.IsZero() {
			out = d
			return nil
		}
		d.RevokedBy, d.RevokedAt = actor.User, now
		if err := tx.SaveDelegation(ctx, d); err != nil {
			return err
		}
		out = d
		return tx.Append(ctx, Record{Tenant: tenant, Actor: actor.User, OnBehalfOf: d.From, Action: ActionDelegationRevoked,
			Reason: fmt.Sprintf("delegation %s: %s to %s", d.ID, d.From, d.To), At: now})
	})
	if err != nil {
		return Delegation{}, e.refuse(ctx, rec, err)
	}
	return out, nil
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// Escalate moves every pending step past its SLA at now to its rule's
// escalation approver, across tenants, and returns the audit records of
// what it escalated. The library starts no timers: the host calls it
// (every few minutes, say). A step is escalated once; decisions already
// made by assignees who remain count, and the escalation approver's
// Unanimous flag says how many approvals the step then needs. A step
// whose escalation approver resolves to nobody who may decide it stays
// with its assignees, and the record says so.
func (e *Engine) Escalate(ctx context.Context, now time.Time) ([]Record, error) {
	var out []Record
	seen := map[string]bool{}
	for {
		due, err := e.store.Due(ctx, now, 100)
		if err != nil {
			return out, fmt.Errorf("escalate: %w", err)
		}
		progress := false
		for _, a := range due {
			k := a.Tenant + "\x00" + a.ID
			if seen[k] {
				continue
			}
			seen[k], progress = true, true
			recs, err := e.escalate(ctx, a.Tenant, a.ID, now)
			if err != nil {
				return out, fmt.Errorf("escalate approval %s: %w", a.ID, err)
			}
			out = append(out, recs...)
		}
		if !progress || len(due) < 100 {
			return out, nil
		}
	}
}

func (e *Engine) escalate(ctx context.Context, tenant, id string, now time.Time) ([]Record, error) {
	var out []Record
	err := e.inTx(ctx, func(tx Tx) error {
		out = nil
		a, err := tx.Approval(ctx, tenant, id)
		if err != nil {
			return err
		}
		if a.Status != StatusPending {
			return nil
		}
		q, err := tx.Get(ctx, tenant, a.Quote)
		if err != nil {
			return err
		}
		for i := range a.Steps {
			s := &a.Steps[i]
			if s.Status != StepPending || s.Escalated || s.EscalateTo == nil || s.DueAt.IsZero() || s.DueAt.After(now) {
				continue
			}
			r := Record{Tenant: a.Tenant, Quote: a.Quote, Approval: a.ID, Revision: a.Revision, Seal: a.Seal,
				Actor: SystemActor, Action: ActionEscalated, Step: s.ID, At: now}
			users, err := e.resolve(ctx, q, *s.EscalateTo, a.Owner, a.Submitter, q.Header.Owner)
			if err != nil {
				return fmt.Errorf("step %s: %w", s.ID, err)
			}
			s.Escalated, s.EscalatedAt = true, now
			if len(users) == 0 {
				r.Reason = fmt.Sprintf("pending since %s, past its SLA of %s; %s resolves to nobody who may decide it, so it stays with %s",
					s.StartedAt.Format(time.RFC3339), s.SLA, s.EscalateTo, strings.Join(s.Assignees, ", "))
				out = append(out, r)
				continue
			}
			r.Reason = fmt.Sprintf("pending since %s, past its SLA of %s: from %s to %s (%s)",
				s.StartedAt.Format(time.RFC3339), s.SLA, strings.Join(s.Assignees, ", "), strings.Join(users, ", "), s.EscalateTo)
			s.EscalatedFrom = s.Assignees
			s.Assignees = users
			s.Approver = *s.EscalateTo
			s.Unanimous = s.EscalateTo.Unanimous
			out = append(out, r)
			if s.satisfied() { // the escalation approver had already approved
				s.Status = StepApproved
				out = append(out, e.advance(a, now, SystemActor)...)
			}
		}
		if len(out) == 0 {
			return nil
		}
		if a.Status == StatusApproved && q.Status == quote.StatusInReview && q.Revision == a.Revision {
			if err := q.Transition(quote.StatusApproved, SystemActor, now, "approved: "+a.ID); err != nil {
				return err
			}
			if err := tx.Update(ctx, q); err != nil {
				return err
			}
		}
		if err := tx.UpdateApproval(ctx, a); err != nil {
			return err
		}
		return tx.Append(ctx, out...)
	})
	return out, err
}
