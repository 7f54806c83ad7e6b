package cpqhttp

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/cpqkit/cpq/quote"
)

// ifMatch reads the quote version the If-Match header names; ok is false
// when there is none. A value that is not a version is refused.
func ifMatch(r *http.Request) (version int64, ok bool, err error) {
	match := strings.TrimSpace(r.Header.Get("If-Match"))
	if match == "" {
		return 0, false, nil
	}
	version, err = strconv.ParseInt(strings.Trim(match, `"`), 10, 64)
	if err != nil || version <= 0 {
		return 0, false, invalid("If-Match must be a quote version, such as \"3\"")
	}
	return version, true, nil
}

// requireIfMatch reads the version the If-Match header names, which the
// request must have.
func requireIfMatch(r *http.Request) (int64, error) {
	version, ok, err := ifMatch(r)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, newProblem(http.StatusPreconditionRequired, CodePrecondition, "the If-Match header must name the version of the quote that was read")
	}
	return version, nil
}

// checkVersion refuses a quote that is not at the version the client read.
func checkVersion(q *quote.Quote, version int64) error {
	if q.Version != version {
		return newProblem(http.StatusConflict, CodeQuoteConflict, "the quote is at version "+strconv.FormatInt(q.Version, 10)+", not "+strconv.FormatInt(version, 10)+"; read it again")
	}
	return nil
}

// edit changes a draft quote of the tenant, prices it again and stores
// it, only if it is still at version: the version the client read, from
// If-Match. A refused edit writes nothing. It answers the stored quote
// with its ETag.
func (s *server) edit(ctx context.Context, id Identity, w http.ResponseWriter, quoteID string, version int64, f func(q *quote.Quote) error) (int, any, error) {
	q, err := s.changeQuote(ctx, id, w, quoteID, version, func(q *quote.Quote) error {
		if err := f(q); err != nil {
			return err
		}
		return s.kit.PriceQuote(ctx, q)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, q, nil
}

// changeQuote applies f to the tenant's quote and stores it, only if it is
// still at version (from If-Match); a refused or failed change writes
// nothing. It returns the stored quote, and sets its ETag on w.
func (s *server) changeQuote(ctx context.Context, id Identity, w http.ResponseWriter, quoteID string, version int64, f func(q *quote.Quote) error) (*quote.Quote, error) {
	q, err := s.kit.Store().Get(ctx, id.Tenant, quoteID)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(q, version); err != nil {
		return nil, err
	}
	if err := f(q); err != nil {
		return nil, err
	}
	if err := s.kit.SaveQuote(ctx, id.User, q); err != nil {
		return nil, err
	}
	if q, err = s.kit.Store().Get(ctx, id.Tenant, q.ID); err != nil {
		return nil, err
	}
	w.Header().Set("ETag", etag(q))
	return q, nil
}

// updateQuote replaces a draft quote's title, account, currency and lines,
// prices it again and stores it, only if the If-Match header names the
// version the client read; a stale version is refused with quote.conflict
// and nothing is written.
func (s *server) updateQuote(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	version, err := requireIfMatch(r)
	if err != nil {
		return 0, nil, err
	}
	var req QuoteRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if err := req.check(); err != nil {
		return 0, nil, err
	}
	return s.edit(ctx, id, w, r.PathValue("id"), version, func(q *quote.Quote) error {
		q.Header.Title = req.Title
		q.Header.Account = req.Account
		if req.Currency != "" {
			q.Header.Currency = req.Currency
		}
		q.Lines = req.quoteLines()
		return nil
	})
}

// etag is a quote's storage version as an entity tag.
func etag(q *quote.Quote) string { return `"` + strconv.FormatInt(q.Version, 10) + `"` }
