package guide

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/formula"
)

// Suggestion is an up-sell or cross-sell on offer: choices to make in the
// configuration (add an option, upgrade a value), or a product to add to
// the quote on a line of its own.
type Suggestion struct {
	ID string `json:"id"`
	// Kind is catalog.SuggestUpsell or catalog.SuggestCrossSell.
	Kind string `json:"kind"`
	// Set are the choices accepting makes; a value for a variable already
	// chosen replaces it (an upgrade).
	Set []configurator.Choice `json:"set,omitempty"`
	// AddProduct and Quantity are the product accepting adds.
	AddProduct string       `json:"add_product,omitempty"`
	Quantity   int          `json:"quantity,omitempty"`
	Reason     catalog.Text `json:"reason"`
	// Priority orders suggestions, higher first.
	Priority int `json:"priority"`
	// FromHost marks a suggestion of the host's SuggestionSource.
	FromHost bool `json:"from_host,omitempty"`
}

// SuggestionQuery is what a SuggestionSource is told about the session.
type SuggestionQuery struct {
	// Product is the SKU configured ("" when none).
	Product string
	// Choices are the choices made; Configuration is their completion
	// with defaults (empty when no product is configured).
	Choices       []configurator.Choice
	Configuration configurator.Configuration
	Facts         formula.Vars
	// Additions are the products added by accepted suggestions.
	Additions []Addition
}

// SuggestionSource is the host's own source of suggestions, such as
// products often bought together. Its suggestions are checked like the
// catalog's: one that would make the configuration invalid, or names an
// unknown or retired product, is not offered.
type SuggestionSource interface {
	Suggestions(ctx context.Context, q SuggestionQuery) ([]Suggestion, error)
}

// SuggestionStatus is what the salesperson decided about a suggestion.
type SuggestionStatus string

// The decisions on suggestions.
const (
	SuggestionAccepted  SuggestionStatus = "accepted"
	SuggestionDismissed SuggestionStatus = "dismissed"
)

// Addition is a product added to the quote by an accepted suggestion.
type Addition struct {
	Product    string `json:"product"`
	Quantity   int    `json:"quantity"`
	Suggestion string `json:"suggestion"`
}

// Suggestions returns the up-sells and cross-sells on offer, highest
// priority first: the catalog rules whose condition holds for the
// configuration (completed with defaults) and the context, then the host's.
// Suggestions already accepted or dismissed, already in effect, or that
// would make the configuration invalid are left out.
func (s *Session) Suggestions(ctx context.Context) ([]Suggestion, error) {
	q := SuggestionQuery{Facts: maps.Clone(s.facts), Additions: slices.Clone(s.additions)}
	vars := maps.Clone(s.facts)
	if vars == nil {
		vars = formula.Vars{}
	}
	var out []Suggestion
	if s.cs != nil {
		q.Product = s.prod.SKU
		q.Choices = s.cs.Choices()
		conf, err := s.cs.Complete(configurator.Strategy{})
		if err != nil {
			return nil, fmt.Errorf("suggestions: %w", err)
		}
		q.Configuration = conf
		configVars(s.model, conf, vars)
		for _, r := range s.prod.Suggestions {
			if !evalBool(&r.When, vars) {
				continue
			}
			sg := Suggestion{ID: r.ID, Kind: r.Kind, Set: choicesOf(s.base, r.Set, r.Quantities),
				AddProduct: r.AddProduct, Quantity: r.Quantity, Reason: r.Reason, Priority: r.Priority}
			if sg.Kind == "" {
				sg.Kind = catalog.SuggestUpsell
			}
			if sg.AddProduct != "" && sg.Quantity == 0 {
				sg.Quantity = 1
			}
			out = append(out, sg)
		}
	}
	if s.source != nil {
		host, err := s.source.Suggestions(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("host suggestions: %w", err)
		}
		for _, sg := range host {
			sg.FromHost = true
			if sg.Kind == "" {
				sg.Kind = catalog.SuggestCrossSell
			}
			if sg.AddProduct != "" && sg.Quantity <= 0 {
				sg.Quantity = 1
			}
			out = append(out, sg)
		}
	}
	seen := map[string]bool{}
	out = slices.DeleteFunc(out, func(sg Suggestion) bool {
		if seen[sg.ID] || s.decided[sg.ID] != "" {
			return true
		}
		seen[sg.ID] = true
		return !s.offerable(sg, q.Choices)
	})
	slices.SortStableFunc(out, func(a, b Suggestion) int { return b.Priority - a.Priority })
	return out, nil
}

// offerable reports whether a suggestion can be accepted and would change
// something.
func (s *Session) offerable(sg Suggestion, choices []configurator.Choice) bool {
	if sg.ID == "" {
		return false
	}
	if len(sg.Set) > 0 {
		if s.cs == nil || sg.AddProduct != "" {
			return false
		}
		if !slices.ContainsFunc(sg.Set, func(c configurator.Choice) bool { return !slices.Contains(choices, c) }) {
			return false
		}
		return consistent(s.model, merge(choices, sg.Set))
	}
	if sg.AddProduct == "" {
		return false
	}
	p, err := s.g.cat.Product(sg.AddProduct)
	if err != nil || p.Retired {
		return false
	}
	return !slices.ContainsFunc(s.additions, func(a Addition) bool { return a.Product == sg.AddProduct })
}

// AcceptSuggestion accepts a suggestion on offer: its choices are made
// (replacing the values they upgrade) or its product is added to
// Additions. It is then no longer offered.
func (s *Session) AcceptSuggestion(ctx context.Context, id string) error {
	list, err := s.Suggestions(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(sg Suggestion) bool { return sg.ID == id })
	if i < 0 {
		return fmt.Errorf("suggestion %q is not on offer: %w", id, ErrUnknownSuggestion)
	}
	sg := list[i]
	if len(sg.Set) > 0 {
		if err := s.cs.Restore(configurator.Snapshot{Product: s.prod.SKU, Choices: merge(s.cs.Choices(), sg.Set)}); err != nil {
			return err
		}
	} else {
		s.additions = append(s.additions, Addition{Product: sg.AddProduct, Quantity: sg.Quantity, Suggestion: sg.ID})
	}
	s.decided[id] = SuggestionAccepted
	return nil
}

// DismissSuggestion remembers that the salesperson does not want a
// suggestion; it is not offered again.
func (s *Session) DismissSuggestion(id string) {
	s.decided[id] = SuggestionDismissed
}

// Decisions returns the suggestions accepted or dismissed, by ID.
func (s *Session) Decisions() map[string]SuggestionStatus { return maps.Clone(s.decided) }

// Additions returns the products added by accepted suggestions.
func (s *Session) Additions() []Addition { return slices.Clone(s.additions) }
