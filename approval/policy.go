package approval

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cpqkit/cpq/catalog"
)

// policy is a catalog's approval rules, ready to evaluate: in level
// order, then catalog order.
type policy struct {
	name  string
	c     *catalog.Catalog
	rules []*catalog.ApprovalRule
}

func newPolicy(c *catalog.Catalog) (*policy, error) {
	if !c.Checked() {
		return nil, fmt.Errorf("approval policy: the catalog has not been checked; load it with catalog.Load or catalog.Build: %w", ErrInvalid)
	}
	p := &policy{name: c.ID + "@" + c.Version, c: c}
	for _, r := range c.ApprovalRules {
		if r == nil {
			continue
		}
		if r.Condition.Program() == nil {
			return nil, fmt.Errorf("approval rule %s has no compiled condition: %w", r.ID, ErrInvalid)
		}
		p.rules = append(p.rules, r)
	}
	slices.SortStableFunc(p.rules, func(a, b *catalog.ApprovalRule) int { return a.Level - b.Level })
	return p, nil
}

// requirement is a rule whose condition holds for the facts.
type requirement struct {
	rule    *catalog.ApprovalRule
	trigger Trigger
}

// evaluate returns the rules whose condition holds. A condition that
// cannot be evaluated is an error: the engine never guesses that an
// approval is not needed.
func (p *policy) evaluate(f Facts) ([]requirement, error) {
	vars := f.Vars()
	var out []requirement
	for _, r := range p.rules {
		ok, err := r.Condition.Program().EvalBool(vars)
		if err != nil {
			return nil, fmt.Errorf("approval rule %s: %w", r.ID, err)
		}
		if ok {
			out = append(out, requirement{rule: r, trigger: trigger(r, f)})
		}
	}
	return out, nil
}

func trigger(r *catalog.ApprovalRule, f Facts) Trigger {
	t := Trigger{Condition: r.Condition.Source, Facts: []FactValue{}}
	for _, name := range r.Condition.Program().Variables() {
		t.Facts = append(t.Facts, FactValue{Name: name, Value: f.Show(name)})
	}
	return t
}

// fingerprint identifies what a rule asks and of whom.
func fingerprint(r *catalog.ApprovalRule) string {
	b, _ := json.Marshal(struct {
		Condition string
		Approver  catalog.Approver
	}{r.Condition.Source, r.Approver})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// compare decides smart re-approval: the step is approved again without
// asking when every fact the rule reads is no worse in now than in the
// baseline. It returns the facts that got worse, each "name from → to".
func compare(r *catalog.ApprovalRule, baseline, now Facts) (worse []string) {
	for _, name := range r.Condition.Program().Variables() {
		if !NoWorse(name, baseline, now) {
			if name == "quote.edited_terms" && baseline.EditedTerms && now.EditedTerms {
				worse = append(worse, "the edited terms changed")
				continue
			}
			worse = append(worse, fmt.Sprintf("%s went from %s to %s (%s)", name, baseline.Show(name), now.Show(name), DirectionOf(name)))
		}
	}
	return worse
}
