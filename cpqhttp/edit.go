package cpqhttp

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/cpqkit/cpq/quote"
)

// updateQuote replaces a draft quote's title, account, currency and lines,
// prices it again and stores it, only if the If-Match header names the
// version the client read; a stale version is refused with quote.conflict
// and nothing is written.
func (s *server) updateQuote(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	match := strings.TrimSpace(r.Header.Get("If-Match"))
	if match == "" {
		return 0, nil, newProblem(http.StatusPreconditionRequired, CodePrecondition, "the If-Match header must name the version of the quote that was read")
	}
	version, err := strconv.ParseInt(strings.Trim(match, `"`), 10, 64)
	if err != nil || version <= 0 {
		return 0, nil, invalid("If-Match must be a quote version, such as \"3\"")
	}
	var req QuoteRequest
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if err := req.check(); err != nil {
		return 0, nil, err
	}
	q, err := s.kit.Store().Get(ctx, id.Tenant, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	if q.Version != version {
		return 0, nil, newProblem(http.StatusConflict, CodeQuoteConflict, "the quote is at version "+strconv.FormatInt(q.Version, 10)+", not "+strconv.FormatInt(version, 10)+"; read it again")
	}
	q.Header.Title = req.Title
	q.Header.Account = req.Account
	if req.Currency != "" {
		q.Header.Currency = req.Currency
	}
	q.Lines = req.quoteLines()
	if err := s.kit.PriceQuote(ctx, q); err != nil {
		return 0, nil, err
	}
	if err := s.kit.SaveQuote(ctx, id.User, q); err != nil {
		return 0, nil, err
	}
	if q, err = s.kit.Store().Get(ctx, id.Tenant, q.ID); err != nil {
		return 0, nil, err
	}
	w.Header().Set("ETag", etag(q))
	return http.StatusOK, q, nil
}

// etag is a quote's storage version as an entity tag.
func etag(q *quote.Quote) string { return `"` + strconv.FormatInt(q.Version, 10) + `"` }
