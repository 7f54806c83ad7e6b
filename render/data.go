package render

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/quote"
)

// JSON writes the document model as indented JSON, for hosts that render
// documents elsewhere. The approval gate applies as for HTML and PDF: the
// model of a draft says so (draft, draft_reason, watermark).
func (r *Renderer) JSON(ctx context.Context, w io.Writer, q *quote.Quote, opts Options) error {
	d, err := r.Document(ctx, q, opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// CSVHeader is the header row of CSV.
var CSVHeader = []string{
	"quote", "revision", "status", "position", "line_id", "parent", "group", "product", "name", "description",
	"options", "quantity", "unit", "list_unit_price", "unit_price", "discount_percent", "net_total",
	"currency", "recurring", "term_months", "optional", "alternative", "selected", "counts",
}

// CSV writes the quote's lines as CSV, one row per line in document order,
// for spreadsheets and other systems: numbers are plain decimals with a
// point (not formatted for a locale), so that they read back exactly. The
// status column is "approved" only when the revision is approved for its
// current seal, else "draft".
func (r *Renderer) CSV(ctx context.Context, w io.Writer, q *quote.Quote, opts Options) error {
	d, err := r.Document(ctx, q, opts)
	if err != nil {
		return err
	}
	status := "approved"
	if d.Draft {
		status = "draft"
	}
	byID := map[string]quote.Line{}
	for _, l := range q.Lines {
		byID[l.ID] = l
	}
	groupName := map[string]string{}
	for _, g := range q.Groups {
		groupName[g.ID] = g.Name
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	for _, g := range d.Groups {
		for _, row := range g.Rows {
			l := byID[row.LineID]
			var options []string
			for _, c := range l.Configuration {
				options = append(options, c.Var+"="+c.Value)
			}
			p := l.Price
			rec := []string{
				q.Number, strconv.Itoa(q.Revision), status, row.Position, l.ID, l.Parent, groupName[l.Group],
				l.Product, l.Name, l.Description, strings.Join(options, ";"), plain(l.Quantity), l.Unit,
				plain(p.ListUnitPrice), plain(p.UnitPrice), plain(p.DiscountPercent()), plain(p.NetTotal),
				q.Header.Currency, strconv.FormatBool(p.Recurring), strconv.Itoa(p.TermMonths),
				strconv.FormatBool(l.Optional), l.Alternative, strconv.FormatBool(l.Selected), strconv.FormatBool(l.Counts()),
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("render csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	return nil
}

// plain writes a decimal without exponent and without trailing zeros.
func plain(d decimal.Decimal) string {
	s := d.StringFixed(max(0, -d.Exponent()))
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
