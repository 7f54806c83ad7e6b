package cpqhttp

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/cpqkit/cpq/quote"
)

// addLine adds a line to a draft quote and prices it again (If-Match
// required). A line without an ID gets the smallest whole number no line
// has.
func (s *server) addLine(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	version, err := requireIfMatch(r)
	if err != nil {
		return 0, nil, err
	}
	var req QuoteLine
	if err := decode(w, r, s.maxBody, &req); err != nil {
		return 0, nil, err
	}
	if req.Product == "" {
		return 0, nil, invalid("product is required")
	}
	if !req.Quantity.IsPositive() {
		return 0, nil, invalid("quantity must be positive")
	}
	return s.edit(ctx, id, w, r.PathValue("id"), version, func(q *quote.Quote) error {
		if req.ID == "" {
			for n := 1; ; n++ {
				if lineIndex(q, strconv.Itoa(n)) < 0 {
					req.ID = strconv.Itoa(n)
					break
				}
			}
		}
		if lineIndex(q, req.ID) >= 0 {
			return newProblem(http.StatusConflict, CodeLineExists, "the quote already has a line "+req.ID)
		}
		q.Lines = append(q.Lines, quote.Line{ID: req.ID, Product: req.Product, Name: req.Name, Quantity: req.Quantity,
			Configuration: req.Configuration, Adjustment: req.Adjustment})
		return nil
	})
}

func lineIndex(q *quote.Quote, id string) int {
	return slices.IndexFunc(q.Lines, func(l quote.Line) bool { return l.ID == id })
}

// removeLine removes a line of a draft quote, with the lines that are
// options of it, and prices the quote again (If-Match required). Lines
// pricing derived (a bundle's options) go with their parent; they are not
// removed on their own.
func (s *server) removeLine(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	version, err := requireIfMatch(r)
	if err != nil {
		return 0, nil, err
	}
	lineID := r.PathValue("line")
	return s.edit(ctx, id, w, r.PathValue("id"), version, func(q *quote.Quote) error {
		i := lineIndex(q, lineID)
		if i < 0 {
			return newProblem(http.StatusNotFound, CodeLineNotFound, "the quote has no line "+lineID)
		}
		if q.Lines[i].Derived {
			return invalid("line %s is derived by pricing from line %s; remove that one", lineID, q.Lines[i].Parent)
		}
		gone := map[string]bool{lineID: true}
		for changed := true; changed; {
			changed = false
			for _, l := range q.Lines {
				if !gone[l.ID] && gone[l.Parent] {
					gone[l.ID], changed = true, true
				}
			}
		}
		q.Lines = slices.DeleteFunc(q.Lines, func(l quote.Line) bool { return gone[l.ID] })
		return nil
	})
}

// RecalculateRequest prices a draft again. The body is optional.
type RecalculateRequest struct {
	// MoveToCurrent prices with the catalog version in force today
	// instead of the one the quote pins, and pins that one.
	MoveToCurrent bool `json:"move_to_current,omitempty"`
}

// Recalculated is the answer of POST /v1/quotes/{id}/recalculate: the
// stored quote and what pricing it again changed.
type Recalculated struct {
	Quote   *quote.Quote `json:"quote"`
	Changes quote.Diff   `json:"changes"`
}

func (s *server) recalculate(ctx context.Context, id Identity, w http.ResponseWriter, r *http.Request) (int, any, error) {
	version, err := requireIfMatch(r)
	if err != nil {
		return 0, nil, err
	}
	var req RecalculateRequest
	if err := s.decodeOptional(w, r, &req); err != nil {
		return 0, nil, err
	}
	var diff quote.Diff
	q, err := s.changeQuote(ctx, id, w, r.PathValue("id"), version, func(q *quote.Quote) (err error) {
		diff, err = q.Reprice(ctx, s.kit.Engines(), s.now(), req.MoveToCurrent)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Recalculated{Quote: q, Changes: diff}, nil
}
