package cpqhttp

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cpqkit/cpq/approval"
)

// DelegationRequest lets another user decide, for a period, the approval
// steps assigned to the delegating user: the authenticated user, or, for
// an administrator (the Kit's Administrators role), the user named in
// From.
type DelegationRequest struct {
	// To is the delegate. Required.
	To   string `json:"to"`
	From string `json:"from,omitempty"`
	// Start is when the delegation begins (now when absent); Until when
	// it ends, exclusive. Until is required.
	Start  time.Time `json:"start,omitzero"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason,omitempty"`
}

// Delegation is a delegation as the API shows it: Active tells whether it
// lets its delegate act now.
type Delegation struct {
	approval.Delegation
	Active bool `json:"active"`
}

// Delegations is the answer of GET /v1/delegations: the delegations given
// by or to the user, ordered by start.
type Delegations struct {
	Delegations []Delegation `json:"delegations"`
}

func (s *server) delegate(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req DelegationRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.To == "" || req.Until.IsZero() {
		return 0, nil, invalid("to and until are required")
	}
	d, err := s.kit.Approvals().Delegate(ctx, actor(id), approval.Delegation{From: req.From, To: req.To, Start: req.Start, End: req.Until, Reason: req.Reason})
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/v1/delegations/"+d.ID)
	return http.StatusCreated, Delegation{Delegation: d, Active: d.Active(s.now())}, nil
}

func (s *server) delegations(ctx context.Context, id Identity, _ http.ResponseWriter, _ *http.Request) (int, any, error) {
	ds, err := s.kit.Store().Delegations(ctx, id.Tenant, id.User)
	if err != nil {
		return 0, nil, err
	}
	now := s.now()
	out := Delegations{Delegations: []Delegation{}}
	for _, d := range ds {
		out.Delegations = append(out.Delegations, Delegation{Delegation: d, Active: d.Active(now)})
	}
	return http.StatusOK, out, nil
}

// revokeDelegation ends a delegation now; the delegating user or an
// administrator may. Revoking it again changes nothing.
func (s *server) revokeDelegation(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	d, err := s.kit.Approvals().RevokeDelegation(ctx, actor(id), id.Tenant, r.PathValue("id"))
	if errors.Is(err, approval.ErrNotFound) {
		return 0, nil, newProblem(http.StatusNotFound, CodeDelegationNotFound, "no such delegation")
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Delegation{Delegation: d, Active: d.Active(s.now())}, nil
}
