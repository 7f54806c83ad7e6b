package cpqhttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// RevisionSummary is one revision of a quote, as last stored.
type RevisionSummary struct {
	Revision  int          `json:"revision"`
	Status    quote.Status `json:"status"`
	Seal      string       `json:"seal,omitempty"`
	Currency  string       `json:"currency"`
	Totals    quote.Totals `json:"totals"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Revisions is the answer of GET /v1/quotes/{id}/revisions.
type Revisions struct {
	Quote     string            `json:"quote"`
	Number    string            `json:"number"`
	Current   int               `json:"current"`
	Revisions []RevisionSummary `json:"revisions"`
}

func (s *server) revisions(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	all, err := s.kit.Store().Revisions(ctx, id.Tenant, q.ID)
	if err != nil {
		return 0, nil, err
	}
	out := Revisions{Quote: q.ID, Number: q.Number, Current: q.Revision, Revisions: []RevisionSummary{}}
	for _, rev := range all {
		out.Revisions = append(out.Revisions, RevisionSummary{Revision: rev.Revision, Status: rev.Status, Seal: rev.Seal,
			Currency: rev.Header.Currency, Totals: rev.Totals, UpdatedAt: rev.UpdatedAt})
	}
	return http.StatusOK, out, nil
}

// revisionNumber reads a revision number from a path or query value.
func revisionNumber(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, invalid("%s must be a revision number, 1 or more, not %q", name, v)
	}
	return n, nil
}

// revisionOf returns one revision of a quote of the tenant: the quote must
// exist (quote.not_found), then the revision (quote.revision_not_found).
func (s *server) revisionOf(ctx context.Context, id Identity, q *quote.Quote, n int) (*quote.Quote, error) {
	if n == q.Revision {
		return q, nil
	}
	rev, err := s.kit.Store().Revision(ctx, id.Tenant, q.ID, n)
	if errors.Is(err, quote.ErrNotFound) {
		return nil, newProblem(http.StatusNotFound, CodeRevisionNotFound, "quote "+q.Number+" has no revision "+strconv.Itoa(n))
	}
	return rev, err
}

func (s *server) revision(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := revisionNumber("the revision", r.PathValue("rev"))
	if err != nil {
		return 0, nil, err
	}
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	rev, err := s.revisionOf(ctx, id, q, n)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rev, nil
}

// revise starts a new revision of a quote that is approved, presented,
// in review, rejected, declined or expired: a draft again, its seal
// cleared, so that it needs approval again where the policy says so. An
// If-Match header, when given, must name the version read.
func (s *server) revise(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	version, checked, err := ifMatch(r)
	if err != nil {
		return 0, nil, err
	}
	var q *quote.Quote
	now := s.now()
	err = s.kit.Store().InTx(ctx, func(tx quote.Tx) error {
		var err error
		if q, err = tx.Get(ctx, id.Tenant, r.PathValue("id")); err != nil {
			return err
		}
		if checked {
			if err := checkVersion(q, version); err != nil {
				return err
			}
		}
		// A revision in review is the approvers' to decide: its
		// submitter recalls it first (which withdraws the approval),
		// rather than anyone revising it under a pending approval.
		if q.Status == quote.StatusInReview {
			return fmt.Errorf("quote %s revision %d is in review: recall it before revising it: %w", q.Number, q.Revision, quote.ErrTransition)
		}
		return s.kit.Recorder().Revise(ctx, tx, q, id.User, now)
	})
	if err != nil {
		return 0, nil, err
	}
	if q, err = s.kit.Store().Get(ctx, id.Tenant, q.ID); err != nil {
		return 0, nil, err
	}
	w.Header().Set("ETag", etag(q))
	return http.StatusOK, q, nil
}

func (s *server) diff(ctx context.Context, id Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	query := r.URL.Query()
	to := q.Revision
	if v := query.Get("to"); v != "" {
		if to, err = revisionNumber("to", v); err != nil {
			return 0, nil, err
		}
	}
	from := to - 1
	if v := query.Get("from"); v != "" {
		if from, err = revisionNumber("from", v); err != nil {
			return 0, nil, err
		}
	} else if from < 1 {
		return 0, nil, invalid("revision %d has no revision before it; name the revisions with from and to", to)
	}
	a, err := s.revisionOf(ctx, id, q, from)
	if err != nil {
		return 0, nil, err
	}
	b, err := s.revisionOf(ctx, id, q, to)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, quote.Compare(a, b), nil
}

// Cloned is the answer of POST /v1/quotes/{id}/clone: the new draft, and
// for each configured line the choices that no longer hold in the catalog
// version in force and were dropped.
type Cloned struct {
	Quote   *quote.Quote             `json:"quote"`
	Dropped []quote.LineRevalidation `json:"dropped"`
}

func (s *server) clone(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	q, report, err := s.kit.CloneQuote(ctx, id.Tenant, r.PathValue("id"), id.User)
	if err != nil {
		return 0, nil, err
	}
	if report == nil {
		report = []quote.LineRevalidation{}
	}
	w.Header().Set("Location", "/v1/quotes/"+q.ID)
	w.Header().Set("ETag", etag(q))
	return http.StatusCreated, Cloned{Quote: q, Dropped: report}, nil
}
