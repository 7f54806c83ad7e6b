package configurator

import (
	"errors"
	"fmt"
	"github.com/cpqkit/cpq/internal/suggest"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// Errors a caller may branch on.
var (
	// ErrUnknownVariable: the model has no attribute or option of that ID.
	ErrUnknownVariable = errors.New("unknown variable")
	// ErrUnknownValue: the value is not in the variable's domain.
	ErrUnknownValue = errors.New("unknown value")
	// ErrNotAvailable: the value exists but cannot be chosen with the
	// current choices (a *ConflictError explains why).
	ErrNotAvailable = errors.New("value not available")
	// ErrInconsistent: the session's choices cannot all hold together (an
	// imported or edited configuration); Conflicts says which to drop.
	ErrInconsistent = errors.New("choices are inconsistent")
	// ErrNothingToUndo: Undo was called with no change to undo.
	ErrNothingToUndo = errors.New("nothing to undo")
	// ErrBudgetExceeded: Count gave up before reaching an exact answer.
	ErrBudgetExceeded = errors.New("count budget exceeded")
)

// Choice is a value the user chose for a variable.
type Choice struct {
	Var   string `json:"var"`
	Value string `json:"value"`
}

// Explanation says why a value is not available: the user's choices that
// rule it out (a minimal set: dropping any one makes the value available
// again) and the catalog rules involved.
type Explanation struct {
	Var     string   `json:"var"`
	Value   string   `json:"value"`
	Choices []Choice `json:"choices"`
	Rules   []Rule   `json:"rules"`
}

// Text puts the explanation in words for a salesperson, in the language
// lang (the rules' messages; their IDs where a rule has none).
func (e *Explanation) Text(lang string) string {
	// The sentence's frame in the languages it has; English otherwise.
	frame := struct{ notAvailable, because, and, colon, sep string }{
		" is not available", " because of your choice of ", " and ", ": ", "; "}
	if lang == "zh-CN" || lang == "zh" {
		frame.notAvailable, frame.because, frame.and, frame.colon, frame.sep = " 不可选", "，因为您选择了 ", " 和 ", "：", "；"
	}
	var b strings.Builder
	b.WriteString(e.Var + " = " + e.Value + frame.notAvailable)
	if len(e.Choices) > 0 {
		parts := make([]string, len(e.Choices))
		for i, c := range e.Choices {
			parts[i] = c.Var + " = " + c.Value
		}
		b.WriteString(frame.because + strings.Join(parts, frame.and))
	}
	if len(e.Rules) > 0 {
		msgs := make([]string, len(e.Rules))
		for i, r := range e.Rules {
			msgs[i] = r.Message.In(lang)
			if msgs[i] == "" {
				msgs[i] = r.ID
			}
		}
		b.WriteString(frame.colon + strings.Join(msgs, frame.sep))
	}
	return b.String()
}

// ConflictError is returned by Set for a value that cannot be chosen.
type ConflictError struct {
	Explanation *Explanation
}

func (e *ConflictError) Error() string { return e.Explanation.Text("en") }

// Unwrap makes a ConflictError match ErrNotAvailable.
func (e *ConflictError) Unwrap() error { return ErrNotAvailable }

// RuleError is returned when a value of a decimal or text attribute breaks
// an expression constraint or the attribute's range.
type RuleError struct {
	Var, Value string
	Rule       Rule
}

func (e *RuleError) Error() string {
	msg := e.Rule.Message.In("en")
	if msg == "" {
		msg = "rule " + strconv.Quote(e.Rule.ID)
	}
	return fmt.Sprintf("%s = %s is not allowed: %s", e.Var, e.Value, msg)
}

// Unwrap makes a RuleError match ErrNotAvailable.
func (e *RuleError) Unwrap() error { return ErrNotAvailable }

// Session is one user's configuration of a model. It is not safe for
// concurrent use; each user gets their own.
type Session struct {
	m    *Model
	s    *csp.Session
	free map[string]string
	// undo holds the choices before each change.
	undo []Snapshot
}

// NewSession starts a configuration with no choices.
func (m *Model) NewSession() *Session {
	return &Session{m: m, s: csp.NewSession(m.compiled), free: map[string]string{}}
}

// Model returns the model the session configures.
func (s *Session) Model() *Model { return s.m }

func (s *Session) lookup(id, value string) (vi, val int, err error) {
	vi, ok := s.m.byID[id]
	if !ok || s.m.vars[vi].hidden {
		return 0, 0, s.m.unknownVar(id)
	}
	val = indexOfValue(s.m.vars[vi].values, value)
	if val < 0 {
		msg := fmt.Sprintf("%q is not a value of %s", value, id)
		if c := suggest.Closest(value, s.m.vars[vi].values); c != "" {
			msg += fmt.Sprintf("; did you mean %q?", c)
		}
		return 0, 0, fmt.Errorf("%s: %w", msg, ErrUnknownValue)
	}
	return vi, val, nil
}

// Set chooses value for the variable id. A value that cannot be chosen
// with the current choices is refused with a *ConflictError (or, for a
// decimal or text attribute, a *RuleError) and nothing changes.
func (s *Session) Set(id, value string) error {
	if a, ok := s.m.free[id]; ok {
		return s.setFree(a, value)
	}
	vi, val, err := s.lookup(id, value)
	if err != nil {
		return err
	}
	dom, err := s.validIndices()
	if err != nil {
		return err
	}
	if !slices.Contains(dom[vi], val) {
		ex, err := s.explain(vi, val)
		if err != nil {
			return err
		}
		return &ConflictError{Explanation: ex}
	}
	s.push()
	if err := s.s.Assign(vi, val); err != nil {
		s.undo = s.undo[:len(s.undo)-1]
		return fmt.Errorf("set %s: %w", id, err)
	}
	return nil
}

// SetQuantity sets the quantity of an option (selecting it when n > 0,
// deselecting it when n is 0).
func (s *Session) SetQuantity(option string, n int) error {
	vi, ok := s.m.byID[option]
	if !ok || s.m.vars[vi].kind != KindOption {
		return fmt.Errorf("%s has no option %q: %w", s.m.name, option, ErrUnknownVariable)
	}
	if _, ok := s.m.byID["qty."+option]; !ok {
		lo, _, _ := s.m.vars[vi].option.Quantity.Bounds()
		switch n {
		case 0:
			return s.Set(option, "false")
		case lo:
			return s.Set(option, "true")
		}
		return fmt.Errorf("option %s has a fixed quantity of %d, not %d: %w", option, lo, n, ErrUnknownValue)
	}
	return s.Set("qty."+option, strconv.Itoa(n))
}

func (s *Session) setFree(a *catalog.Attribute, value string) error {
	if a.Type == catalog.AttrDecimal {
		d, err := decimal.NewFromString(value)
		if err != nil {
			return fmt.Errorf("%q is not a decimal number for %s: %w", value, a.ID, ErrUnknownValue)
		}
		if (a.Min != nil && d.LessThan(*a.Min)) || (a.Max != nil && d.GreaterThan(*a.Max)) {
			return &RuleError{Var: a.ID, Value: value, Rule: Rule{ID: "range:" + a.ID,
				Message: catalog.Text{"en": fmt.Sprintf("%s must be between %s and %s", a.ID, bound(a.Min), bound(a.Max))}}}
		}
		value = d.String()
	}
	old, had := s.free[a.ID]
	restore := func() {
		if had {
			s.free[a.ID] = old
		} else {
			delete(s.free, a.ID)
		}
	}
	// Try the value; on refusal find the rule it breaks, then put the old
	// value back.
	s.free[a.ID] = value
	if _, err := s.validIndices(); err != nil {
		defer restore()
		if !errors.Is(err, ErrInconsistent) {
			return err
		}
		rule := Rule{ID: "rules"}
		if rules, _ := s.activeFreeRules(); len(rules) > 0 {
			rule = rules[0].rule
			if fr := firstBroken(rules, s.freeVars()); fr != nil {
				rule = fr.rule
			}
		}
		return &RuleError{Var: a.ID, Value: value, Rule: rule}
	}
	restore()
	s.push()
	s.free[a.ID] = value
	return nil
}

func bound(d *decimal.Decimal) string {
	if d == nil {
		return "any"
	}
	return d.String()
}

// Unset withdraws the user's choice for the variable (the configuration is
// then free again in that variable).
func (s *Session) Unset(id string) error {
	if _, ok := s.m.free[id]; ok {
		if _, had := s.free[id]; had {
			s.push()
			delete(s.free, id)
		}
		return nil
	}
	vi, ok := s.m.byID[id]
	if !ok {
		return s.m.unknownVar(id)
	}
	for _, c := range s.s.Choices() {
		if c.Var == vi {
			s.push()
			s.s.Unassign(vi)
			break
		}
	}
	return nil
}

// Choices returns the user's choices in model order.
func (s *Session) Choices() []Choice {
	cs := s.s.Choices()
	slices.SortFunc(cs, func(a, b csp.Choice) int { return a.Var - b.Var })
	out := make([]Choice, 0, len(cs)+len(s.free))
	for _, c := range cs {
		out = append(out, Choice{Var: s.m.vars[c.Var].id, Value: s.m.vars[c.Var].values[c.Val]})
	}
	for _, id := range s.m.freeOrder {
		if v, ok := s.free[id]; ok {
			out = append(out, Choice{Var: id, Value: v})
		}
	}
	return out
}

// Domain is what a variable can still take.
type Domain struct {
	Var string `json:"var"`
	// Values are the values that can still be extended to a complete
	// valid configuration, in catalog order.
	Values []string `json:"values"`
	// Chosen is the user's choice, or "".
	Chosen string `json:"chosen,omitempty"`
	// Min and Max bound a decimal attribute (nil when unbounded).
	Min *decimal.Decimal `json:"min,omitempty"`
	Max *decimal.Decimal `json:"max,omitempty"`
}

// ValidDomains returns, for every variable, exactly the values that can
// still be extended to a complete valid configuration. With inconsistent
// choices it returns ErrInconsistent.
func (s *Session) ValidDomains() ([]Domain, error) {
	dom, err := s.validIndices()
	if err != nil {
		return nil, err
	}
	chosen := map[int]int{}
	for _, c := range s.s.Choices() {
		chosen[c.Var] = c.Val
	}
	out := make([]Domain, 0, len(dom)+len(s.m.free))
	for vi, vals := range dom {
		v := s.m.vars[vi]
		if v.hidden {
			continue
		}
		d := Domain{Var: v.id, Values: make([]string, len(vals))}
		for i, x := range vals {
			d.Values[i] = v.values[x]
		}
		if c, ok := chosen[vi]; ok {
			d.Chosen = v.values[c]
		}
		out = append(out, d)
	}
	for _, id := range s.m.freeOrder {
		a := s.m.free[id]
		d := Domain{Var: id, Chosen: s.free[id], Min: a.Min, Max: a.Max}
		if a.Type == catalog.AttrDecimal && d.Chosen == "" {
			if lo, hi, ok := s.decimalInterval(a); ok {
				d.Min, d.Max = lo, hi
			} else {
				d.Min, d.Max, d.Values = nil, nil, []string{}
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// Explain says why value is not available for the variable id.
func (s *Session) Explain(id, value string) (*Explanation, error) {
	vi, val, err := s.lookup(id, value)
	if err != nil {
		return nil, err
	}
	return s.explain(vi, val)
}

func (s *Session) explain(vi, val int) (*Explanation, error) {
	ex, err := s.s.Explain(vi, val)
	if errors.Is(err, csp.ErrValueAvailable) {
		return s.freeExplanation(vi, val), nil
	}
	if err != nil {
		if errors.Is(err, csp.ErrInconsistent) {
			return nil, fmt.Errorf("explain: %w", ErrInconsistent)
		}
		return nil, fmt.Errorf("explain %s = %s: %w", s.m.vars[vi].id, s.m.vars[vi].values[val], err)
	}
	out := &Explanation{Var: s.m.vars[vi].id, Value: s.m.vars[vi].values[val]}
	for _, c := range ex.Choices {
		out.Choices = append(out.Choices, Choice{Var: s.m.vars[c.Var].id, Value: s.m.vars[c.Var].values[c.Val]})
	}
	for _, k := range ex.Constraints {
		out.Rules = append(out.Rules, s.m.rule(k))
	}
	return out, nil
}

// Conflicts returns a minimal set of the user's choices to drop so that the
// rest can be completed: empty when the choices are consistent.
func (s *Session) Conflicts() ([]Choice, error) {
	cs, err := s.s.Conflicts()
	if err != nil {
		if errors.Is(err, csp.ErrInconsistent) {
			return nil, fmt.Errorf("%s has no valid configuration at all: %w", s.m.name, ErrInconsistent)
		}
		return nil, err
	}
	out := make([]Choice, 0, len(cs))
	for _, c := range cs {
		out = append(out, Choice{Var: s.m.vars[c.Var].id, Value: s.m.vars[c.Var].values[c.Val]})
	}
	return out, nil
}

// Strategy says how Complete fills the variables the user left open.
type Strategy struct {
	// Prefer lists preferred values per variable, best first; they are
	// tried after the catalog default unless IgnoreDefaults is set.
	Prefer map[string][]string
	// IgnoreDefaults skips the catalog defaults.
	IgnoreDefaults bool
	// Score, when set, ranks the other values of a variable (higher is
	// better), for example by price.
	Score func(variable, value string) float64
}

// Configuration is a complete configuration: a value for every finite
// variable and for every decimal or text attribute the user set.
type Configuration struct {
	Product string   `json:"product"`
	Values  []Choice `json:"values"`
}

// Value returns the configuration's value for a variable.
func (c Configuration) Value(id string) (string, bool) {
	for _, v := range c.Values {
		if v.Var == id {
			return v.Value, true
		}
	}
	return "", false
}

// Complete extends the user's choices to a complete valid configuration,
// taking catalog defaults first, then the strategy's preferences and
// scores. The session's choices are left unchanged.
func (s *Session) Complete(strategy Strategy) (Configuration, error) {
	pref := csp.Preference{Order: make([][]int, len(s.m.vars))}
	for vi, v := range s.m.vars {
		if !strategy.IgnoreDefaults && v.def >= 0 {
			pref.Order[vi] = append(pref.Order[vi], v.def)
		}
		for _, val := range strategy.Prefer[v.id] {
			if x := indexOfValue(v.values, val); x >= 0 {
				pref.Order[vi] = append(pref.Order[vi], x)
			}
		}
	}
	if strategy.Score != nil {
		pref.Score = func(v, val int) float64 {
			return strategy.Score(s.m.vars[v].id, s.m.vars[v].values[val])
		}
	}
	sol, err := s.completeFree(pref)
	if err != nil {
		if errors.Is(err, csp.ErrInconsistent) {
			return Configuration{}, fmt.Errorf("complete %s: %w", s.m.name, ErrInconsistent)
		}
		return Configuration{}, err
	}
	c := Configuration{Product: s.m.name}
	for vi, val := range sol {
		if s.m.vars[vi].hidden {
			continue
		}
		c.Values = append(c.Values, Choice{Var: s.m.vars[vi].id, Value: s.m.vars[vi].values[val]})
	}
	for _, id := range s.m.freeOrder {
		if v, ok := s.free[id]; ok {
			c.Values = append(c.Values, Choice{Var: id, Value: v})
		} else if d := s.m.free[id].Default; d != "" {
			c.Values = append(c.Values, Choice{Var: id, Value: d})
		}
	}
	return c, nil
}

// IsComplete reports whether the configuration is settled: every variable
// is chosen or left with a single possible value by the choices, and every
// required decimal or text attribute has a value.
func (s *Session) IsComplete() bool {
	dom, err := s.validIndices()
	if err != nil {
		return false
	}
	for vi, vals := range dom {
		if !s.m.vars[vi].hidden && len(vals) != 1 {
			return false
		}
	}
	for _, id := range s.m.freeOrder {
		if _, ok := s.free[id]; !ok && s.m.free[id].Required {
			return false
		}
	}
	return true
}

// Count returns the number of complete valid configurations that remain,
// exactly, or ErrBudgetExceeded when budget search nodes do not suffice
// (zero means a default budget). Decimal and text attributes are not
// counted.
func (s *Session) Count(budget int) (*big.Int, error) {
	if budget <= 0 {
		budget = DefaultCountBudget
	}
	if s.m.cnf {
		return s.m.countCNF(s.s.Choices(), budget)
	}
	n, err := s.s.Count(budget)
	if err != nil {
		if errors.Is(err, csp.ErrBudgetExceeded) {
			return nil, fmt.Errorf("count %s: %w", s.m.name, ErrBudgetExceeded)
		}
		return nil, err
	}
	return n, nil
}

// DefaultCountBudget is the search-node budget of Count when none is given.
const DefaultCountBudget = 5_000_000

// Snapshot is a session's choices as plain, serialisable data.
type Snapshot struct {
	Product string   `json:"product"`
	Choices []Choice `json:"choices"`
}

// Snapshot returns the session's choices.
func (s *Session) Snapshot() Snapshot {
	return Snapshot{Product: s.m.name, Choices: s.Choices()}
}

func (s *Session) push() {
	s.undo = append(s.undo, s.Snapshot())
}

// Undo takes back the last change (Set, SetQuantity, Unset or Restore).
func (s *Session) Undo() error {
	if len(s.undo) == 0 {
		return ErrNothingToUndo
	}
	snap := s.undo[len(s.undo)-1]
	s.undo = s.undo[:len(s.undo)-1]
	return s.load(snap)
}

// Restore replaces the session's choices with a snapshot's. Choices are
// taken as they are, even when they conflict (an imported configuration):
// ValidDomains then reports ErrInconsistent and Conflicts says which to
// drop. Unknown variables or values are refused and nothing changes.
func (s *Session) Restore(snap Snapshot) error {
	if snap.Product != "" && snap.Product != s.m.name {
		return fmt.Errorf("snapshot of %s cannot be restored into %s: %w", snap.Product, s.m.name, ErrUnknownVariable)
	}
	if err := s.validate(snap); err != nil {
		return err
	}
	s.push()
	return s.load(snap)
}

func (s *Session) validate(snap Snapshot) error {
	for _, c := range snap.Choices {
		if _, ok := s.m.free[c.Var]; ok {
			continue
		}
		if _, _, err := s.lookup(c.Var, c.Value); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) load(snap Snapshot) error {
	var cs []csp.Choice
	free := map[string]string{}
	for _, c := range snap.Choices {
		if _, ok := s.m.free[c.Var]; ok {
			free[c.Var] = c.Value
			continue
		}
		vi, val, err := s.lookup(c.Var, c.Value)
		if err != nil {
			return err
		}
		cs = append(cs, csp.Choice{Var: vi, Val: val})
	}
	if err := s.s.SetChoices(cs); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	s.free = free
	return nil
}
