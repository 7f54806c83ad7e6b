package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/quote"
)

// Config configures an Engine. Catalog and Store are required.
type Config struct {
	// Catalog holds the approval policy: its approval rules and defaults.
	// Its rules apply to every quote the engine sees, whatever catalog
	// version priced the quote: approval policy is the policy in force.
	Catalog *catalog.Catalog
	// Store keeps quotes, approvals and the audit trail.
	Store Store
	// Directory resolves roles, groups and relations; it is required when
	// a rule (or an escalation) names one.
	Directory Directory
	// Facts completes the facts the quote does not carry; nil leaves the
	// counts of lines below floor or margin at zero.
	Facts FactSource
	// Clock tells the time of submissions and decisions; nil means the
	// system clock.
	Clock Clock
	// Administrators names the role whose members may reassign any step
	// and manage anyone's delegations; empty means nobody may.
	Administrators string
	// Retries is how often a transaction that met a concurrent change is
	// run again; zero means 8.
	Retries int
}

// Engine runs approvals: it works out the required steps from the
// catalog's policy, records submissions and decisions with the audit
// trail, and gates the release of quotes. It is safe for concurrent use.
type Engine struct {
	policy  *policy
	store   Store
	dir     Directory
	facts   FactSource
	clock   Clock
	admins  string
	retries int
}

// New prepares an engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Catalog == nil {
		return nil, fmt.Errorf("approval engine: no catalog: %w", ErrInvalid)
	}
	if cfg.Store == nil {
		return nil, fmt.Errorf("approval engine: no store: %w", ErrInvalid)
	}
	p, err := newPolicy(cfg.Catalog)
	if err != nil {
		return nil, fmt.Errorf("approval engine: %w", err)
	}
	if cfg.Directory == nil {
		for _, r := range p.rules {
			if k := r.Approver.Kind(); k != "user" {
				return nil, fmt.Errorf("approval engine: rule %s names a %s; a Directory is needed to resolve it: %w", r.ID, k, ErrInvalid)
			}
			if r.Escalation != nil && r.Escalation.To.Kind() != "user" {
				return nil, fmt.Errorf("approval engine: rule %s escalates to a %s; a Directory is needed to resolve it: %w", r.ID, r.Escalation.To.Kind(), ErrInvalid)
			}
		}
	}
	e := &Engine{policy: p, store: cfg.Store, dir: cfg.Directory, facts: cfg.Facts, clock: cfg.Clock,
		admins: cfg.Administrators, retries: cfg.Retries}
	if e.clock == nil {
		e.clock = systemClock{}
	}
	if e.retries <= 0 {
		e.retries = 8
	}
	return e, nil
}

// Facts computes the facts of a quote as the engine sees them: from the
// quote and the catalog, completed by the FactSource.
func (e *Engine) Facts(ctx context.Context, q *quote.Quote) (Facts, error) {
	return e.factsAt(ctx, q, e.clock.Now())
}

func (e *Engine) factsAt(ctx context.Context, q *quote.Quote, now time.Time) (Facts, error) {
	f := QuoteFacts(q, e.policy.c, now)
	if e.facts != nil {
		if err := e.facts.Complete(ctx, q, &f); err != nil {
			return Facts{}, fmt.Errorf("facts of quote %s: %w", q.Number, err)
		}
		f.Categories = sortedSet(nonNil(f.Categories))
		f.Products = sortedSet(nonNil(f.Products))
	}
	return f, nil
}

// required returns the facts of a quote and the rules they trigger.
func (e *Engine) required(ctx context.Context, q *quote.Quote, now time.Time) (Facts, []requirement, error) {
	f, err := e.factsAt(ctx, q, now)
	if err != nil {
		return Facts{}, nil, err
	}
	reqs, err := e.policy.evaluate(f)
	if err != nil {
		return Facts{}, nil, fmt.Errorf("quote %s: %w", q.Number, err)
	}
	return f, reqs, nil
}

// resolve returns the users an approver names for a quote, without the
// excluded users (the owner and the submitter), sorted.
func (e *Engine) resolve(ctx context.Context, q *quote.Quote, a catalog.Approver, exclude ...string) ([]string, error) {
	var users []string
	var err error
	switch k := a.Kind(); k {
	case "user":
		users = []string{a.User}
	case "role", "group":
		if e.dir == nil {
			return nil, fmt.Errorf("resolve %s: no directory: %w", a, ErrInvalid)
		}
		users, err = e.dir.Members(ctx, q.Tenant, k, a.Name())
	case "relation":
		if e.dir == nil {
			return nil, fmt.Errorf("resolve %s: no directory: %w", a, ErrInvalid)
		}
		users, err = e.dir.Related(ctx, q.Tenant, a.Relation, q)
	default:
		return nil, fmt.Errorf("approver names nobody: %w", ErrInvalid)
	}
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", a, err)
	}
	out := make([]string, 0, len(users))
	for _, u := range users {
		if u != "" && !slices.Contains(exclude, u) {
			out = append(out, u)
		}
	}
	return sortedSet(out), nil
}

func (e *Engine) isAdmin(ctx context.Context, actor Actor) (bool, error) {
	if e.admins == "" || e.dir == nil {
		return false, nil
	}
	users, err := e.dir.Members(ctx, actor.Tenant, "role", e.admins)
	if err != nil {
		return false, fmt.Errorf("resolve role %s: %w", e.admins, err)
	}
	return slices.Contains(users, actor.User), nil
}

// inTx runs fn in a transaction, again when it met a concurrent change.
// fn must start from what it reads in the transaction.
func (e *Engine) inTx(ctx context.Context, fn func(tx Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := e.store.InApprovalTx(ctx, fn)
		if err == nil || !errors.Is(err, ErrConflict) || attempt >= e.retries || ctx.Err() != nil {
			return err
		}
	}
}

// refuse records a refused attempt in the audit trail, in a transaction
// of its own, and returns the refusal.
func (e *Engine) refuse(ctx context.Context, r Record, err error) error {
	if !refused(err) {
		return err
	}
	r.Action = ActionRefused
	r.Reason = err.Error()
	r.At = e.clock.Now()
	if r.Tenant == "" {
		return err
	}
	if aerr := e.store.Append(ctx, r); aerr != nil {
		return errors.Join(err, fmt.Errorf("record the refused attempt: %w", aerr))
	}
	return err
}

// checkActor refuses an actor of another tenant, or none.
func checkActor(actor Actor, tenant string) error {
	switch {
	case actor.User == "":
		return fmt.Errorf("no actor: %w", ErrInvalid)
	case tenant == "":
		return fmt.Errorf("no tenant: %w", ErrInvalid)
	case actor.Tenant != tenant:
		return fmt.Errorf("%s of tenant %s acting on tenant %s: %w", actor.User, actor.Tenant, tenant, ErrCrossTenant)
	}
	return nil
}

func attempt(actor Actor, tenant, quoteID string, action Action) Record {
	r := Record{Tenant: tenant, Quote: quoteID, Actor: actor.User, Attempt: action}
	if actor.Tenant != tenant {
		r.ActorTenant = actor.Tenant
	}
	return r
}

// latest returns the quote and its latest approval.
func latest(ctx context.Context, tx Tx, tenant, quoteID string) (*quote.Quote, *Approval, error) {
	q, err := tx.Get(ctx, tenant, quoteID)
	if err != nil {
		return nil, nil, err
	}
	as, err := tx.Approvals(ctx, tenant, quoteID)
	if err != nil {
		return nil, nil, err
	}
	if len(as) == 0 {
		return nil, nil, fmt.Errorf("quote %s was never submitted: %w", q.Number, ErrNotFound)
	}
	return q, as[len(as)-1], nil
}

// Request names a quote to act on.
type Request struct {
	Tenant string
	// Quote is the quote's ID.
	Quote string
	// Seal is the seal of the revision the actor saw; when given, the
	// request is refused with ErrStaleSeal if the quote changed since.
	Seal    string
	Comment string
}

// Submit submits the quote's current revision for approval: it records
// the revision's seal, works out the required steps (approving
// automatically those no worse than a person approved before), starts
// the first level, and moves the quote to in_review — or straight to
// approved when no step waits for a person. A draft or rejected quote is
// submitted; a pending approval of an earlier revision is superseded.
func (e *Engine) Submit(ctx context.Context, actor Actor, req Request) (*Approval, error) {
	rec := attempt(actor, req.Tenant, req.Quote, ActionSubmitted)
	if err := checkActor(actor, req.Tenant); err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	var out *Approval
	err := e.inTx(ctx, func(tx Tx) error {
		out = nil
		now := e.clock.Now()
		q, err := tx.Get(ctx, req.Tenant, req.Quote)
		if err != nil {
			return err
		}
		if q.Status != quote.StatusDraft && q.Status != quote.StatusRejected {
			return fmt.Errorf("quote %s revision %d is %s; only a draft is submitted: %w", q.Number, q.Revision, q.Status, quote.ErrTransition)
		}
		seal := q.ComputeSeal()
		rec.Revision, rec.Seal = q.Revision, seal
		if req.Seal != "" && req.Seal != seal {
			return fmt.Errorf("quote %s: submitted seal %s, content now %s: %w", q.Number, req.Seal, seal, ErrStaleSeal)
		}
		prev, err := tx.Approvals(ctx, req.Tenant, req.Quote)
		if err != nil {
			return err
		}
		facts, reqs, err := e.required(ctx, q, now)
		if err != nil {
			return err
		}
		round := 1
		if len(prev) > 0 {
			round = prev[len(prev)-1].Round + 1
		}
		a := &Approval{
			ID: q.ID + "/" + strconv.Itoa(round), Tenant: q.Tenant, Quote: q.ID, Number: q.Number, Round: round,
			Revision: q.Revision, Seal: seal, Status: StatusPending, Owner: q.Header.Owner, Submitter: actor.User,
			Comment: req.Comment, SubmittedAt: now, Policy: e.policy.name, Facts: facts, Steps: []Step{},
		}
		rec.Approval = a.ID
		var recs []Record
		r := func(action Action, step, reason string) Record {
			return Record{Tenant: a.Tenant, Quote: a.Quote, Approval: a.ID, Revision: a.Revision, Seal: a.Seal,
				Actor: actor.User, Action: action, Step: step, Reason: reason, At: now}
		}
		for _, p := range prev {
			if p.Status != StatusPending {
				continue
			}
			p.Status, p.ClosedAt = StatusSuperseded, now
			cancelOpen(p)
			if err := tx.UpdateApproval(ctx, p); err != nil {
				return err
			}
			recs = append(recs, Record{Tenant: p.Tenant, Quote: p.Quote, Approval: p.ID, Revision: p.Revision, Seal: p.Seal,
				Actor: actor.User, Action: ActionSuperseded, Reason: fmt.Sprintf("revision %d submitted as %s", q.Revision, a.ID), At: now})
		}
		var ids []string
		for _, rq := range reqs {
			ids = append(ids, rq.rule.ID)
		}
		sub := r(ActionSubmitted, "", "no approval required")
		if len(ids) > 0 {
			sub.Reason = "required: " + strings.Join(ids, ", ")
		}
		sub.Comment = req.Comment
		recs = append(recs, sub)
		for _, rq := range reqs {
			s, err := e.newStep(ctx, q, a, rq, prev)
			if err != nil {
				return err
			}
			a.Steps = append(a.Steps, s)
			if s.Status == StepAutoApproved {
				rr := r(ActionAutoApproved, s.ID, s.Note)
				rr.Actor = SystemActor
				recs = append(recs, rr)
			}
		}
		recs = append(recs, e.advance(a, now, actor.User)...)

		if q.Status == quote.StatusRejected {
			if err := q.Transition(quote.StatusDraft, actor.User, now, "resubmitted"); err != nil {
				return err
			}
		}
		if a.Status == StatusApproved {
			reason := "no approval required"
			if len(a.Steps) > 0 {
				reason = "every required step approved automatically"
			}
			err = q.Transition(quote.StatusApproved, actor.User, now, reason)
		} else {
			err = q.Transition(quote.StatusInReview, actor.User, now, "submitted for approval")
		}
		if err != nil {
			return err
		}
		q.Seal = seal
		if err := tx.Update(ctx, q); err != nil {
			return err
		}
		if err := tx.CreateApproval(ctx, a); err != nil {
			return err
		}
		if err := tx.Append(ctx, recs...); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	return out, nil
}

// newStep makes the step of a requirement: its assignees, and whether it
// is approved automatically against an earlier approval of the quote.
func (e *Engine) newStep(ctx context.Context, q *quote.Quote, a *Approval, rq requirement, prev []*Approval) (Step, error) {
	r := rq.rule
	s := Step{
		ID: r.ID, Name: r.Name.String(), Reason: r.Reason.String(), Level: r.Level,
		Approver: r.Approver, Unanimous: r.Approver.Unanimous, Status: StepWaiting, Trigger: rq.trigger,
		Fingerprint: fingerprint(r), Reapproval: e.policy.c.Reapproval(r), Assignees: []string{},
	}
	if r.Escalation != nil {
		to := r.Escalation.To
		s.EscalateTo, s.SLA = &to, time.Duration(r.Escalation.After)
	}
	if s.Reapproval == catalog.ReapprovalNotWorse {
		if b, ok := baseline(prev, s.ID, s.Fingerprint); ok {
			worse := compare(r, b.Facts, a.Facts)
			if len(worse) == 0 {
				s.Status, s.Baseline = StepAutoApproved, &b
				s.Note = fmt.Sprintf("no worse than approved in %s (revision %d)", b.Approval, b.Revision)
				return s, nil
			}
			s.Note = fmt.Sprintf("approved in %s (revision %d), but %s", b.Approval, b.Revision, strings.Join(worse, "; "))
		}
	}
	users, err := e.resolve(ctx, q, r.Approver, a.Owner, a.Submitter)
	if err != nil {
		return Step{}, fmt.Errorf("step %s: %w", s.ID, err)
	}
	if len(users) == 0 {
		return Step{}, &NoApproverError{Step: s.ID, Approver: r.Approver.String()}
	}
	s.Assignees = users
	return s, nil
}

// baseline finds the latest approval of a step under the same rule: a
// person's approval (the facts of its submission), or the baseline an
// automatic approval carried.
func baseline(prev []*Approval, step, fp string) (Baseline, bool) {
	for i := len(prev) - 1; i >= 0; i-- {
		p := prev[i]
		s := p.Step(step)
		if s == nil || s.Fingerprint != fp {
			continue
		}
		switch {
		case s.Status == StepApproved:
			return Baseline{Approval: p.ID, Revision: p.Revision, Seal: p.Seal, Facts: p.Facts.clone()}, true
		case s.Status == StepAutoApproved && s.Baseline != nil:
			b := *s.Baseline
			b.Facts = b.Facts.clone()
			return b, true
		}
	}
	return Baseline{}, false
}

// advance starts the next level when no step is pending, or completes
// the approval when no step waits either.
func (e *Engine) advance(a *Approval, now time.Time, actor string) []Record {
	if a.Status != StatusPending {
		return nil
	}
	if _, ok := a.Level(); ok {
		return nil
	}
	r := func(action Action, reason string) Record {
		return Record{Tenant: a.Tenant, Quote: a.Quote, Approval: a.ID, Revision: a.Revision, Seal: a.Seal,
			Actor: actor, Action: action, Reason: reason, At: now}
	}
	level, found := 0, false
	for _, s := range a.Steps {
		if s.Status == StepWaiting && (!found || s.Level < level) {
			level, found = s.Level, true
		}
	}
	if !found {
		a.Status, a.ClosedAt = StatusApproved, now
		return []Record{r(ActionCompleted, "every required step is approved")}
	}
	var ids []string
	for i := range a.Steps {
		s := &a.Steps[i]
		if s.Status == StepWaiting && s.Level == level {
			s.Status, s.StartedAt = StepPending, now
			if s.SLA > 0 {
				s.DueAt = now.Add(s.SLA)
			}
			ids = append(ids, s.ID)
		}
	}
	return []Record{r(ActionLevelStarted, fmt.Sprintf("level %d: %s", level, strings.Join(ids, ", ")))}
}

// cancelOpen cancels the steps that wait or are pending.
func cancelOpen(a *Approval) {
	for i := range a.Steps {
		if s := &a.Steps[i]; s.Status == StepWaiting || s.Status == StepPending {
			s.Status = StepCancelled
		}
	}
}
