package cpqhttp

import (
	"context"
	"net/http"
	"slices"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
)

// ApprovalRequest is the body of submit, recall and present; every field is
// optional, and so is the body.
type ApprovalRequest struct {
	// Seal is the seal of the revision the user saw; when given, the
	// request is refused (approval.stale_seal) if the quote changed since.
	Seal    string `json:"seal,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// DecisionRequest is an approver's decision on a step. The approver is the
// authenticated user.
type DecisionRequest struct {
	// Seal is the seal of the revision the approver saw. Required.
	Seal string `json:"seal"`
	// Comment is required for a rejection.
	Comment string `json:"comment,omitempty"`
	// OnBehalfOf names the assignee a delegate decides for, when the
	// delegate acts for several.
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
}

func actor(id Identity) approval.Actor { return approval.Actor{Tenant: id.Tenant, User: id.User} }

// decodeOptional decodes a body if there is one.
func (s *server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(w, r, s.maxBody, v)
}

func (s *server) previewApprovals(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	tr, err := s.ruleTexts(r)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.kit.Approvals().Preview(ctx, q)
	if err != nil {
		return 0, nil, err
	}
	for i := range p.Steps {
		tr.apply(p.Steps[i].Rule, &p.Steps[i].Name, &p.Steps[i].Reason)
	}
	return http.StatusOK, p, nil
}

// ruleTexts gives approval rules' names and reasons in the language a
// request asks for (?lang=, as for catalog labels), from the catalog in
// force. It is empty when the request asks for none: the names stored
// with each step (in the catalog's default language) stay.
type ruleTexts struct {
	lang  string
	rules map[string]*catalog.ApprovalRule
}

func (s *server) ruleTexts(r *http.Request) (ruleTexts, error) {
	if r.URL.Query().Get("lang") == "" {
		return ruleTexts{}, nil
	}
	cat, lang, err := s.catalogIn(r)
	if err != nil {
		return ruleTexts{}, err
	}
	tr := ruleTexts{lang: lang, rules: make(map[string]*catalog.ApprovalRule, len(cat.ApprovalRules))}
	for _, ru := range cat.ApprovalRules {
		tr.rules[ru.ID] = ru
	}
	return tr, nil
}

// apply sets name and reason to those of the rule in tr's language, when
// tr has one and the catalog in force still has the rule.
func (tr ruleTexts) apply(rule string, name, reason *string) {
	ru, ok := tr.rules[rule]
	if !ok {
		return
	}
	if n := ru.Name.In(tr.lang); n != "" {
		*name = n
	}
	if x := ru.Reason.In(tr.lang); x != "" {
		*reason = x
	}
}

// request reads the optional body of submit, recall and present.
func (s *server) request(id Identity, w http.ResponseWriter, r *http.Request) (approval.Request, error) {
	var req ApprovalRequest
	if err := s.decodeOptional(w, r, &req); err != nil {
		return approval.Request{}, err
	}
	return approval.Request{Tenant: id.Tenant, Quote: r.PathValue("id"), Seal: req.Seal, Comment: req.Comment}, nil
}

func (s *server) submit(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := s.request(id, w, r)
	if err != nil {
		return 0, nil, err
	}
	a, err := s.kit.Approvals().Submit(ctx, actor(id), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func (s *server) recall(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := s.request(id, w, r)
	if err != nil {
		return 0, nil, err
	}
	a, err := s.kit.Approvals().Recall(ctx, actor(id), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func (s *server) present(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := s.request(id, w, r)
	if err != nil {
		return 0, nil, err
	}
	q, err := s.kit.Approvals().Present(ctx, actor(id), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, q, nil
}

func (s *server) decide(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request, approve bool) (int, any, error) {
	var req DecisionRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.Seal == "" {
		return 0, nil, invalid("seal is required: the seal of the revision decided on")
	}
	if !approve && req.Comment == "" {
		return 0, nil, invalid("comment is required for a rejection")
	}
	dr := approval.DecisionRequest{Tenant: id.Tenant, Quote: r.PathValue("id"), Step: r.PathValue("step"), Seal: req.Seal, Comment: req.Comment, OnBehalfOf: req.OnBehalfOf}
	var (
		a   *approval.Approval
		err error
	)
	if approve {
		a, err = s.kit.Approvals().Approve(ctx, actor(id), dr)
	} else {
		a, err = s.kit.Approvals().Reject(ctx, actor(id), dr)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func (s *server) approve(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.decide(ctx, id, w, r, true)
}

func (s *server) reject(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	return s.decide(ctx, id, w, r, false)
}

// Inbox is the answer of GET /v1/approvals/inbox.
type Inbox struct {
	// Items are the pending steps the user may decide now, each for one
	// assignee: the user, or a user who delegated to them (then a decision
	// names it as on_behalf_of).
	Items []approval.InboxItem `json:"items"`
}

func (s *server) inbox(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	tr, err := s.ruleTexts(r)
	if err != nil {
		return 0, nil, err
	}
	items, err := s.kit.Approvals().Inbox(ctx, actor(id))
	if err != nil {
		return 0, nil, err
	}
	for i := range items {
		tr.apply(items[i].Step, &items[i].Name, &items[i].Reason)
	}
	return http.StatusOK, Inbox{Items: items}, nil
}

// Approvals is the answer of GET /v1/quotes/{id}/approvals: every
// submission of the quote, oldest first, and its audit trail in the order
// it was written.
type Approvals struct {
	Quote     string               `json:"quote"`
	Approvals []*approval.Approval `json:"approvals"`
	Trail     []approval.Record    `json:"trail"`
}

func (s *server) approvals(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	as, err := s.kit.Store().Approvals(ctx, id.Tenant, q.ID)
	if err != nil {
		return 0, nil, err
	}
	trail, err := s.kit.Store().Trail(ctx, id.Tenant, q.ID)
	if err != nil {
		return 0, nil, err
	}
	if as == nil {
		as = []*approval.Approval{}
	}
	if tr, err := s.ruleTexts(r); err != nil {
		return 0, nil, err
	} else if tr.rules != nil {
		// The store's approvals are not changed: the answer gets copies.
		local := make([]*approval.Approval, len(as))
		for i, a := range as {
			c := *a
			c.Steps = slices.Clone(a.Steps)
			for j := range c.Steps {
				tr.apply(c.Steps[j].ID, &c.Steps[j].Name, &c.Steps[j].Reason)
			}
			local[i] = &c
		}
		as = local
	}
	if trail == nil {
		trail = []approval.Record{}
	}
	return http.StatusOK, Approvals{Quote: q.ID, Approvals: as, Trail: trail}, nil
}

// ReassignRequest hands an assignee's part of a pending step to another
// user. The assignee themselves may, or an administrator (the Kit's
// Administrators role), who names the assignee in From.
type ReassignRequest struct {
	// To is the user the part goes to. Required.
	To string `json:"to"`
	// From is the assignee whose part it is; empty means the
	// authenticated user.
	From string `json:"from,omitempty"`
	// Seal is the seal of the submission the user saw; when given, the
	// request is refused (approval.stale_seal) if the quote's latest
	// approval is of another.
	Seal    string `json:"seal,omitempty"`
	Comment string `json:"comment,omitempty"`
}

func (s *server) reassign(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req ReassignRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.To == "" {
		return 0, nil, invalid("to is required: the user the step goes to")
	}
	if req.From == "" {
		req.From = id.User
	}
	a, err := s.kit.Approvals().Reassign(ctx, actor(id), approval.ReassignRequest{Tenant: id.Tenant, Quote: r.PathValue("id"),
		Step: r.PathValue("step"), From: req.From, To: req.To, Comment: req.Comment, Seal: req.Seal})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}
