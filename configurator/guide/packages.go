package guide

import (
	"fmt"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

// ApplyPackage applies a package of the product: its choices are set at
// once (replacing nothing: a choice of another value for the same variable
// is in the way). When some choices already made are in the way it
// returns a *ConflictError with the fewest choices to drop and why each is
// in the way, and changes nothing; after Drop, applying succeeds. When the
// answers in force rule the package out, the ConflictError lists the
// questions whose answers clash with it.
func (s *Session) ApplyPackage(id string) error {
	if err := s.needProduct(); err != nil {
		return err
	}
	pk, err := s.prod.Package(id)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnknownPackage, err)
	}
	return s.applyChoices("package "+pk.ID, "package:"+pk.ID, pk.Name, s.packageChoices(pk))
}

// applyChoices sets the choices at once, or returns a *ConflictError
// naming what is in the way (the choices seen as requirements named rule).
func (s *Session) applyChoices(what, rule string, text catalog.Text, want []configurator.Choice) error {
	cur := s.cs.Choices()
	all := merge(cur, want)
	if !overrides(cur, want) && consistent(s.model, all) {
		return s.cs.Restore(configurator.Snapshot{Product: s.prod.SKU, Choices: all})
	}
	extra := make([]configurator.Requirement, 0, len(want))
	for _, c := range want {
		extra = append(extra, configurator.Requirement{Rule: configurator.Rule{ID: rule, Message: text}, Var: c.Var, Values: []string{c.Value}})
	}
	ce := &ConflictError{What: what}
	reqs := s.st.reqs
	if m, err := s.g.require(s.base, append(append([]configurator.Requirement(nil), reqs...), extra...)); err != nil {
		return err
	} else if !consistent(m, nil) {
		ce.Clear = s.clashingAnswers(s.answers, extra, "")
		reqs = s.evaluate(without(s.answers, ce.Clear)).reqs
	}
	ce.Drop, ce.Explanations = s.choicesInWay(reqs, extra, cur)
	return ce
}

// overrides reports whether want gives a variable another value than cur
// has chosen.
func overrides(cur, want []configurator.Choice) bool {
	for _, c := range want {
		for _, x := range cur {
			if x.Var == c.Var && x.Value != c.Value {
				return true
			}
		}
	}
	return false
}
