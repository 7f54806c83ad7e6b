package configurator

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
)

// DropReason says why a choice of an earlier configuration was dropped.
type DropReason string

// The reasons a choice is dropped on revalidation.
const (
	// DropUnknownVariable: the attribute or option no longer exists.
	DropUnknownVariable DropReason = "unknown-variable"
	// DropUnknownValue: the value is no longer in the variable's domain.
	DropUnknownValue DropReason = "unknown-value"
	// DropRetired: the value is retired and no longer offered.
	DropRetired DropReason = "retired"
	// DropRule: with the choices kept, the rules (new or changed ones, or
	// a requirement) rule the choice out.
	DropRule DropReason = "rule"
)

// DroppedChoice is a choice of an earlier configuration that the current
// model does not keep.
type DroppedChoice struct {
	Choice Choice     `json:"choice"`
	Reason DropReason `json:"reason"`
	// Explanation names the rules (and the kept choices) that rule the
	// value out, for retired values and rule conflicts.
	Explanation *Explanation `json:"explanation,omitempty"`
	// Now is the value the variable takes instead when the revalidated
	// configuration is completed with defaults; "" when the variable no
	// longer exists (or is a decimal or text attribute left open).
	Now string `json:"now,omitempty"`
}

// Text says in words what happened to the choice, in the language lang.
func (d DroppedChoice) Text(lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s ", d.Choice.Var, d.Choice.Value)
	switch d.Reason {
	case DropUnknownVariable:
		b.WriteString("was dropped: the catalog no longer has " + d.Choice.Var)
	case DropUnknownValue:
		b.WriteString("was dropped: " + d.Choice.Value + " is no longer a value of " + d.Choice.Var)
	case DropRetired:
		b.WriteString("was dropped: the value is retired")
	default:
		b.WriteString("was dropped")
		if d.Explanation != nil {
			if msgs := ruleMessages(d.Explanation.Rules, lang); msgs != "" {
				b.WriteString(": " + msgs)
			}
			if len(d.Explanation.Choices) > 0 {
				parts := make([]string, len(d.Explanation.Choices))
				for i, c := range d.Explanation.Choices {
					parts[i] = c.Var + " = " + c.Value
				}
				b.WriteString(" (with " + strings.Join(parts, " and ") + ")")
			}
		}
	}
	if d.Now != "" {
		fmt.Fprintf(&b, "; now %s", d.Now)
	}
	return b.String()
}

func ruleMessages(rules []Rule, lang string) string {
	msgs := make([]string, 0, len(rules))
	for _, r := range rules {
		msg := r.Message.In(lang)
		if msg == "" {
			msg = r.ID
		}
		if !slices.Contains(msgs, msg) {
			msgs = append(msgs, msg)
		}
	}
	return strings.Join(msgs, "; ")
}

// Revalidation reports what revalidating an earlier configuration kept and
// dropped.
type Revalidation struct {
	Product string          `json:"product"`
	Kept    []Choice        `json:"kept"`
	Dropped []DroppedChoice `json:"dropped,omitempty"`
}

// Revalidate starts a session from an earlier configuration (a snapshot of
// the user's choices, or a complete configuration turned into one),
// possibly made under an older catalog version. It keeps every choice that
// is still valid with the others kept and reports each dropped one with its
// reason: the variable or value no longer exists, the value is retired, or
// rules rule it out — then the fewest choices are dropped (as few as
// Conflicts finds; of equally small sets, the one that keeps the earliest
// choices of the snapshot) and the explanation names the rules. A retired
// value is always dropped. The session returned holds the kept choices,
// which are consistent.
//
// It fails with ErrInconsistent when the model has no valid configuration
// at all, and refuses a snapshot of another product.
func Revalidate(m *Model, snap Snapshot) (*Session, *Revalidation, error) {
	if snap.Product != "" && snap.Product != m.name {
		return nil, nil, fmt.Errorf("configuration of %s cannot be revalidated as %s: %w", snap.Product, m.name, ErrUnknownVariable)
	}
	rv := &Revalidation{Product: m.name}
	var candidates []Choice
	for _, c := range snap.Choices {
		if a, ok := m.free[c.Var]; ok {
			if a.Type == catalog.AttrDecimal {
				d, err := decimal.NewFromString(c.Value)
				if err != nil || (a.Min != nil && d.LessThan(*a.Min)) || (a.Max != nil && d.GreaterThan(*a.Max)) {
					rv.Dropped = append(rv.Dropped, DroppedChoice{Choice: c, Reason: DropUnknownValue})
					continue
				}
			}
			candidates = append(candidates, c)
			continue
		}
		vi, ok := m.byID[c.Var]
		switch {
		case !ok || m.vars[vi].hidden:
			rv.Dropped = append(rv.Dropped, DroppedChoice{Choice: c, Reason: DropUnknownVariable})
		case indexOfValue(m.vars[vi].values, c.Value) < 0:
			rv.Dropped = append(rv.Dropped, DroppedChoice{Choice: c, Reason: DropUnknownValue})
		default:
			candidates = append(candidates, c)
		}
	}
	s := m.NewSession()
	if err := s.load(Snapshot{Product: m.name, Choices: candidates}); err != nil {
		return nil, nil, fmt.Errorf("revalidate %s: %w", m.name, err)
	}
	drop, err := s.Conflicts()
	if err != nil {
		return nil, nil, fmt.Errorf("revalidate: %w", err)
	}
	if len(drop) > 0 {
		if drop, err = m.preferEarlier(candidates, len(drop)); err != nil {
			return nil, nil, fmt.Errorf("revalidate %s: %w", m.name, err)
		}
	}
	kept := without(candidates, drop)
	// Decimal and text values that break rules with the rest are dropped
	// last first.
	for {
		if err := s.load(Snapshot{Product: m.name, Choices: kept}); err != nil {
			return nil, nil, fmt.Errorf("revalidate %s: %w", m.name, err)
		}
		if _, err := s.ValidDomains(); err == nil {
			break
		} else if !errors.Is(err, ErrInconsistent) {
			return nil, nil, fmt.Errorf("revalidate %s: %w", m.name, err)
		}
		i := len(kept) - 1
		for ; i >= 0; i-- {
			if _, free := m.free[kept[i].Var]; free {
				break
			}
		}
		if i < 0 {
			return nil, nil, fmt.Errorf("revalidate %s: the kept choices are inconsistent: %w", m.name, ErrInconsistent)
		}
		drop = append(drop, kept[i])
		kept = slices.Delete(kept, i, i+1)
	}
	for _, c := range drop {
		d := DroppedChoice{Choice: c, Reason: DropRule}
		if _, free := m.free[c.Var]; free {
			d.Explanation = &Explanation{Var: c.Var, Value: c.Value}
			for _, fr := range m.freeRules {
				if slices.Contains(fr.reads, c.Var) {
					d.Explanation.Rules = append(d.Explanation.Rules, fr.rule)
				}
			}
		} else if ex, err := s.Explain(c.Var, c.Value); err == nil {
			d.Explanation = ex
			if slices.ContainsFunc(ex.Rules, func(r Rule) bool { return strings.HasPrefix(r.ID, "retired:") }) {
				d.Reason = DropRetired
			}
		}
		rv.Dropped = append(rv.Dropped, d)
	}
	rv.Kept = kept
	if len(rv.Dropped) > 0 {
		if done, err := s.Complete(Strategy{}); err == nil {
			for i := range rv.Dropped {
				if v, ok := done.Value(rv.Dropped[i].Choice.Var); ok {
					rv.Dropped[i].Now = v
				}
			}
		}
	}
	// The snapshot order is kept in the report.
	order := map[Choice]int{}
	for i, c := range snap.Choices {
		if _, ok := order[c]; !ok {
			order[c] = i
		}
	}
	slices.SortStableFunc(rv.Dropped, func(a, b DroppedChoice) int { return order[a.Choice] - order[b.Choice] })
	s.undo = nil
	return s, rv, nil
}

// preferEarlier returns, of the smallest sets of choices to drop (of size
// k), the one that keeps the earliest choices: each choice in turn is kept
// when, with it and the choices kept before it required, the choices after
// it still need no more than the remaining drops.
func (m *Model) preferEarlier(cs []Choice, k int) ([]Choice, error) {
	var kept, drop []Choice
	for i, c := range cs {
		if len(drop) == k {
			break
		}
		if _, free := m.free[c.Var]; free {
			continue
		}
		try := append(slices.Clone(kept), c)
		reqs := make([]Requirement, len(try))
		for j, x := range try {
			reqs[j] = Requirement{Rule: Rule{ID: "kept:" + x.Var}, Var: x.Var, Values: []string{x.Value}}
		}
		rm, err := m.Require(reqs...)
		if err != nil {
			return nil, err
		}
		var rest []Choice
		for _, x := range cs[i+1:] {
			if _, free := m.free[x.Var]; !free {
				rest = append(rest, x)
			}
		}
		s := rm.NewSession()
		if err := s.load(Snapshot{Product: m.name, Choices: rest}); err != nil {
			return nil, err
		}
		d, err := s.Conflicts()
		switch {
		case errors.Is(err, ErrInconsistent):
			drop = append(drop, c)
		case err != nil:
			return nil, err
		case len(drop)+len(d) <= k:
			kept = try
		default:
			drop = append(drop, c)
		}
	}
	return drop, nil
}

// without returns the choices of cs not in drop.
func without(cs, drop []Choice) []Choice {
	out := make([]Choice, 0, len(cs))
	for _, c := range cs {
		if !slices.Contains(drop, c) {
			out = append(out, c)
		}
	}
	return out
}

// ChangeKind says how a variable differs between two configurations.
type ChangeKind string

// The kinds of difference.
const (
	ChangeAdded   ChangeKind = "added"
	ChangeRemoved ChangeKind = "removed"
	ChangeChanged ChangeKind = "changed"
)

// Difference is one variable whose value differs between two
// configurations.
type Difference struct {
	Var    string     `json:"var"`
	Kind   ChangeKind `json:"kind"`
	Before string     `json:"before,omitempty"`
	After  string     `json:"after,omitempty"`
}

// Diff returns the variables whose values differ from a to b: changed
// values, and variables only one of them has, in the order of a, then of
// b. Integer values are compared by number (064 equals 64).
func Diff(a, b Configuration) []Difference {
	before := map[string]string{}
	for _, c := range a.Values {
		before[c.Var] = c.Value
	}
	after := map[string]string{}
	for _, c := range b.Values {
		after[c.Var] = c.Value
	}
	var out []Difference
	for _, c := range a.Values {
		v, ok := after[c.Var]
		switch {
		case !ok:
			out = append(out, Difference{Var: c.Var, Kind: ChangeRemoved, Before: c.Value})
		case !sameValue(c.Value, v):
			out = append(out, Difference{Var: c.Var, Kind: ChangeChanged, Before: c.Value, After: v})
		}
	}
	for _, c := range b.Values {
		if _, ok := before[c.Var]; !ok {
			out = append(out, Difference{Var: c.Var, Kind: ChangeAdded, After: c.Value})
		}
	}
	return out
}

func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	return indexOfValue([]string{a}, b) == 0 || indexOfValue([]string{b}, a) == 0
}
