package quote

import (
	"context"
	"fmt"
	"time"

	"github.com/cpqkit/cpq/configurator"
)

// Models gives the configuration model of a product in the catalog version
// a cloned quote is to be configured under.
type Models interface {
	Model(ctx context.Context, sku string) (*configurator.Model, error)
}

// LineRevalidation is what cloning did to a line's configuration.
type LineRevalidation struct {
	Line    string                       `json:"line"`
	Dropped []configurator.DroppedChoice `json:"dropped"`
}

// CloneAs makes a new quote from this one: a new ID and number, the same
// header, groups, lines and terms, as a first-revision draft created at at,
// with no seal, history or prices (price it again). Every configured line's
// configuration is revalidated against models: choices that no longer hold
// are dropped and reported per line. Derived lines are left out; pricing
// makes them again.
func (q *Quote) CloneAs(ctx context.Context, id, number string, at time.Time, models Models) (*Quote, []LineRevalidation, error) {
	c := q.Clone()
	c.ID, c.Number, c.Revision, c.Version = id, number, 1, 0
	c.Status, c.Seal, c.History = StatusDraft, "", nil
	c.CreatedAt, c.UpdatedAt = at, at
	c.Totals = Totals{}
	var report []LineRevalidation
	lines := c.Lines[:0]
	for _, l := range c.Lines {
		if l.Derived {
			continue
		}
		l.Price = LinePrice{}
		if len(l.Configuration) > 0 {
			m, err := models.Model(ctx, l.Product)
			if err != nil {
				return nil, nil, fmt.Errorf("clone quote %s line %s: %w", q.Number, l.ID, err)
			}
			snap := configurator.Snapshot{Product: l.Product}
			labels := map[string]string{}
			for _, v := range l.Configuration {
				snap.Choices = append(snap.Choices, configurator.Choice{Var: v.Var, Value: v.Value})
				labels[v.Var+"="+v.Value] = v.Label
			}
			_, rv, err := configurator.Revalidate(m, snap)
			if err != nil {
				return nil, nil, fmt.Errorf("clone quote %s line %s: %w", q.Number, l.ID, err)
			}
			l.Configuration = nil
			for _, k := range rv.Kept {
				l.Configuration = append(l.Configuration, ConfigValue{Var: k.Var, Value: k.Value, Label: labels[k.Var+"="+k.Value]})
			}
			if len(rv.Dropped) > 0 {
				report = append(report, LineRevalidation{Line: l.ID, Dropped: rv.Dropped})
			}
		}
		lines = append(lines, l)
	}
	c.Lines = lines
	return c, report, nil
}
