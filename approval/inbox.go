package approval

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// InboxItem is one pending step an approver may decide now, for one
// assignee: themselves, or a user whose current delegate they are.
type InboxItem struct {
	// Approval, Quote and Number identify the approval and its quote;
	// Revision and Seal the content submitted, which a decision names.
	Approval string `json:"approval"`
	Quote    string `json:"quote"`
	Number   string `json:"number"`
	Revision int    `json:"revision"`
	Seal     string `json:"seal"`
	// Step is the step's ID, which is its rule's ID; Name and Reason are
	// the rule's.
	Step   string `json:"step"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason,omitempty"`
	Level  int    `json:"level"`
	// Trigger says which condition required the step.
	Trigger   Trigger `json:"trigger"`
	Unanimous bool    `json:"unanimous,omitempty"`
	// Assignee is the assignee the approver decides for: the approver,
	// or the user who delegated to them (then Delegation names the
	// delegation, and a decision names Assignee as its OnBehalfOf).
	Assignee   string `json:"assignee"`
	Delegation string `json:"delegation,omitempty"`
	// Owner and Submitter are the quote's owner and who submitted it.
	Owner     string    `json:"owner"`
	Submitter string    `json:"submitter"`
	Submitted time.Time `json:"submitted_at"`
	// Since is when the step became pending (its level started); DueAt
	// when it escalates, zero when it does not.
	Since time.Time `json:"since"`
	DueAt time.Time `json:"due_at,omitzero"`
}

// Inbox returns the pending steps the actor may decide now, across the
// quotes of their tenant: the steps of the level that waits for
// decisions of which the actor is an assignee, or of which an assignee
// delegated to the actor by a delegation in force at the engine's clock
// (delegations are not transitive). A step of a quote the actor owns or
// submitted is never listed, nor an assignee's part already decided.
// For a step that any one assignee approves there is one item, for the
// actor themselves when they are an assignee, otherwise for the first
// delegator by name; a unanimous step has one item per assignee the
// actor decides for. Items are ordered by Since, then quote number, step
// and assignee; none is an empty list.
func (e *Engine) Inbox(ctx context.Context, actor Actor) ([]InboxItem, error) {
	if err := checkActor(actor, actor.Tenant); err != nil {
		return nil, err
	}
	now := e.clock.Now()
	ds, err := e.store.Delegations(ctx, actor.Tenant, actor.User)
	if err != nil {
		return nil, fmt.Errorf("inbox of %s: %w", actor.User, err)
	}
	// via names, for every user the actor stands in for, the delegation
	// in force (the earliest by start, then ID, as listed).
	via := map[string]string{}
	users := []string{actor.User}
	for _, d := range ds {
		if d.Tenant != actor.Tenant || d.To != actor.User || d.From == actor.User || !d.Active(now) {
			continue
		}
		if _, ok := via[d.From]; !ok {
			via[d.From] = d.ID
			users = append(users, d.From)
		}
	}
	as, err := e.store.Pending(ctx, actor.Tenant, users, 0)
	if err != nil {
		return nil, fmt.Errorf("inbox of %s: %w", actor.User, err)
	}
	out := []InboxItem{}
	for _, a := range as {
		if a.Tenant != actor.Tenant || a.Status != StatusPending || actor.User == a.Owner || actor.User == a.Submitter {
			continue
		}
		level, ok := a.Level()
		if !ok {
			continue
		}
		for i := range a.Steps {
			s := &a.Steps[i]
			if s.Status != StepPending || s.Level != level {
				continue
			}
			decided := map[string]bool{}
			for _, d := range s.Decisions {
				decided[d.For()] = true
			}
			var fors []string
			if slices.Contains(s.Assignees, actor.User) && !decided[actor.User] {
				fors = append(fors, actor.User)
			}
			var delegators []string
			for from := range via {
				if slices.Contains(s.Assignees, from) && !decided[from] {
					delegators = append(delegators, from)
				}
			}
			slices.Sort(delegators)
			fors = append(fors, delegators...)
			if len(fors) == 0 {
				continue
			}
			if !s.Unanimous {
				fors = fors[:1]
			}
			for _, f := range fors {
				out = append(out, InboxItem{Approval: a.ID, Quote: a.Quote, Number: a.Number, Revision: a.Revision, Seal: a.Seal,
					Step: s.ID, Name: s.Name, Reason: s.Reason, Level: s.Level, Trigger: s.Trigger, Unanimous: s.Unanimous,
					Assignee: f, Delegation: via[f], Owner: a.Owner, Submitter: a.Submitter, Submitted: a.SubmittedAt,
					Since: s.StartedAt, DueAt: s.DueAt})
			}
		}
	}
	slices.SortFunc(out, func(x, y InboxItem) int {
		return cmp.Or(x.Since.Compare(y.Since), cmp.Compare(x.Number, y.Number), cmp.Compare(x.Quote, y.Quote),
			cmp.Compare(x.Step, y.Step), cmp.Compare(x.Assignee, y.Assignee))
	})
	return out, nil
}
