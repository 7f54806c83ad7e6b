package record

import (
	"fmt"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// Rows is a result set of either driver the stores use: database/sql's
// *sql.Rows and pgx's Rows both have these methods.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Collect reads every row with read, in order. An error of either names op.
// No rows give an empty, non-nil slice. The caller closes rows.
func Collect[T any](rows Rows, op string, read func(Rows) (T, error)) ([]T, error) {
	out := []T{}
	for rows.Next() {
		v, err := read(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// Documents reads rows of one column, a stored document, each decoded by
// decode.
func Documents[T any](rows Rows, op string, decode func([]byte) (T, error)) ([]T, error) {
	return Collect(rows, op, func(r Rows) (T, error) {
		var doc []byte
		if err := r.Scan(&doc); err != nil {
			var zero T
			return zero, err
		}
		return decode(doc)
	})
}

// WithVersion returns a shallow copy of q at the version, so that q itself
// changes only when a write succeeds.
func WithVersion(q *quote.Quote, v int64) *quote.Quote {
	if q == nil {
		return nil
	}
	c := *q
	c.Version = v
	return &c
}

// Nullable is s, or SQL NULL for an empty string.
func Nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ScanRecord reads an audit record from a row of its sequence number and
// document.
func ScanRecord(r Rows) (approval.Record, error) {
	var (
		seq int64
		doc []byte
	)
	if err := r.Scan(&seq, &doc); err != nil {
		return approval.Record{}, err
	}
	return DecodeRecord(doc, seq)
}
