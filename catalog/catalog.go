package catalog

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// ErrNotFound is returned for an unknown product, book or rule ID.
var ErrNotFound = errors.New("not found")

// Product returns the product with the SKU.
func (c *Catalog) Product(sku string) (*Product, error) {
	if p, ok := c.index.products[sku]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("product %q in catalog %s@%s: %w", sku, c.ID, c.Version, ErrNotFound)
}

// Table returns the lookup table with the ID.
func (c *Catalog) Table(id string) (*Table, error) {
	if t, ok := c.index.tables[id]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("table %q in catalog %s@%s: %w", id, c.ID, c.Version, ErrNotFound)
}

// PriceBook returns the price book with the ID.
func (c *Catalog) PriceBook(id string) (*PriceBook, error) {
	if b, ok := c.index.priceBooks[id]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("price book %q in catalog %s@%s: %w", id, c.ID, c.Version, ErrNotFound)
}

// CostModel returns the cost model with the ID.
func (c *Catalog) CostModel(id string) (*CostModel, error) {
	if m, ok := c.index.costModels[id]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("cost model %q in catalog %s@%s: %w", id, c.ID, c.Version, ErrNotFound)
}

// DiscountSchedule returns the discount schedule with the ID.
func (c *Catalog) DiscountSchedule(id string) (*DiscountSchedule, error) {
	if s, ok := c.index.schedules[id]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("discount schedule %q in catalog %s@%s: %w", id, c.ID, c.Version, ErrNotFound)
}

// Variables returns a product's configuration variables (attributes, then
// options, in catalog order).
func (c *Catalog) Variables(p *Product) []*Variable {
	vars := c.index.vars[p]
	out := make([]*Variable, 0, len(vars))
	for _, a := range p.Attributes {
		if v, ok := vars[a.ID]; ok && v.Attribute == a {
			out = append(out, v)
		}
	}
	for _, g := range p.Features {
		for _, o := range g.Options {
			if v, ok := vars[o.ID]; ok && v.Option == o {
				out = append(out, v)
			}
		}
	}
	return out
}

// Variable returns one configuration variable of a product.
func (c *Catalog) Variable(p *Product, id string) (*Variable, error) {
	if v, ok := c.index.vars[p][id]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("attribute or option %q of product %q: %w", id, p.SKU, ErrNotFound)
}

// Stats counts what a catalog holds.
type Stats struct {
	Products      int `json:"products"`
	Attributes    int `json:"attributes"`
	Options       int `json:"options"`
	Constraints   int `json:"constraints"`
	PriceBooks    int `json:"price_books"`
	PriceRules    int `json:"price_rules"`
	Schedules     int `json:"discount_schedules"`
	CostModels    int `json:"cost_models"`
	ApprovalRules int `json:"approval_rules"`
	Tables        int `json:"tables"`
}

// Stats counts the catalog's parts.
func (c *Catalog) Stats() Stats {
	s := Stats{
		Products:      len(c.Products),
		PriceBooks:    len(c.PriceBooks),
		PriceRules:    len(c.PriceRules),
		Schedules:     len(c.DiscountSchedules),
		CostModels:    len(c.CostModels),
		ApprovalRules: len(c.ApprovalRules),
		Tables:        len(c.Tables),
	}
	for _, p := range c.Products {
		s.Attributes += len(p.Attributes)
		s.Constraints += len(p.Constraints)
		for _, g := range p.Features {
			s.Options += len(g.Options)
		}
	}
	return s
}

// Versions holds the versions of one catalog. The version in force on a
// date is the one with the latest effective date on or before it, as in
// Kill Bill's catalog. A Versions value is safe for concurrent reads.
type Versions struct {
	id       string
	versions []*Catalog // by effective date
}

// NewVersions collects checked versions of one catalog. Every version must
// have the same ID, and no two the same version name or effective date.
func NewVersions(versions ...*Catalog) (*Versions, error) {
	if len(versions) == 0 {
		return nil, errors.New("no catalog versions")
	}
	vs := &Versions{id: versions[0].ID}
	names := map[string]bool{}
	for _, c := range versions {
		if c.index == nil {
			return nil, fmt.Errorf("catalog %s@%s was not checked; load it or call Build", c.ID, c.Version)
		}
		if c.ID != vs.id {
			return nil, &Error{Pos: c.Pos, Code: CodeVersion, Message: fmt.Sprintf("catalog %q is not a version of %q", c.ID, vs.id)}
		}
		if names[c.Version] {
			return nil, &Error{Pos: c.Pos, Code: CodeVersion, Message: fmt.Sprintf("version %q of catalog %q appears twice", c.Version, c.ID)}
		}
		names[c.Version] = true
		vs.versions = append(vs.versions, c)
	}
	sort.SliceStable(vs.versions, func(i, j int) bool {
		return vs.versions[i].EffectiveFrom.Before(vs.versions[j].EffectiveFrom)
	})
	for i := 1; i < len(vs.versions); i++ {
		if vs.versions[i].EffectiveFrom.Equal(vs.versions[i-1].EffectiveFrom) {
			c := vs.versions[i]
			return nil, &Error{Pos: c.Pos, Code: CodeVersion, Message: fmt.Sprintf("versions %q and %q of catalog %q take effect on the same day %s",
				vs.versions[i-1].Version, c.Version, c.ID, c.EffectiveFrom.Format(time.DateOnly))}
		}
	}
	return vs, nil
}

// At returns the version in force on the date.
func (vs *Versions) At(date time.Time) (*Catalog, error) {
	var found *Catalog
	for _, c := range vs.versions {
		if c.EffectiveFrom.After(date) {
			break
		}
		found = c
	}
	if found == nil {
		return nil, fmt.Errorf("no version of catalog %q is in force on %s: %w", vs.id, date.Format(time.DateOnly), ErrNotFound)
	}
	return found, nil
}

// Version returns the version with the name.
func (vs *Versions) Version(name string) (*Catalog, error) {
	for _, c := range vs.versions {
		if c.Version == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("version %q of catalog %q: %w", name, vs.id, ErrNotFound)
}

// All returns the versions by effective date.
func (vs *Versions) All() []*Catalog {
	return append([]*Catalog(nil), vs.versions...)
}
