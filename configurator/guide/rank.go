package guide

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/formula"
)

// RecommendationKind says what is recommended.
type RecommendationKind string

// The kinds of recommendation.
const (
	KindProduct RecommendationKind = "product"
	KindPackage RecommendationKind = "package"
)

// Recommendation is a product or package that fits the answers, with its
// score and the reasons for it.
type Recommendation struct {
	Kind RecommendationKind `json:"kind"`
	// ID is the product's SKU or the package's ID.
	ID    string       `json:"id"`
	Name  catalog.Text `json:"name"`
	Score int          `json:"score"`
	// Reasons are the answers (and answer rules) that made it fit or rank
	// higher, in question order.
	Reasons []Reason `json:"reasons,omitempty"`
}

// Reason is one answer, or answer rule, behind a recommendation.
type Reason struct {
	// Question and Answer name the answer; Rule names an answer rule.
	Question string       `json:"question,omitempty"`
	Answer   string       `json:"answer,omitempty"`
	Rule     string       `json:"rule,omitempty"`
	Text     catalog.Text `json:"text"`
	// Points added to the score; Fits is set when the answer's filter let
	// the product through.
	Points int  `json:"points,omitempty"`
	Fits   bool `json:"fits,omitempty"`
}

// Ranking is what fits the answers so far, best first.
type Ranking struct {
	Products []Recommendation `json:"products"`
	Packages []Recommendation `json:"packages"`
}

// Recommendations ranks the products that fit the answers (every filter
// of the answers in force holds) and the packages that can be applied
// without dropping a choice, by score (ties in catalog order), each with
// its reasons.
func (s *Session) Recommendations() (*Ranking, error) {
	out := &Ranking{Products: []Recommendation{}, Packages: []Recommendation{}}
	st := s.st
	if s.qn != nil {
		fit := s.fitting(st)
		for _, p := range s.qn.candidates {
			if !fit[p.SKU] {
				continue
			}
			rec := Recommendation{Kind: KindProduct, ID: p.SKU, Name: p.Name}
			for _, e := range st.active {
				if e.fits != nil {
					rec.Reasons = append(rec.Reasons, e.reason(0, true))
				}
				if n := e.score.Products[p.SKU]; n != 0 {
					rec.Score += n
					rec.Reasons = append(rec.Reasons, e.reason(n, false))
				}
			}
			out.Products = append(out.Products, rec)
		}
		slices.SortStableFunc(out.Products, byScore)
	}
	if s.prod == nil {
		return out, nil
	}
	ok, err := s.applicablePackages()
	if err != nil {
		return nil, err
	}
	for _, pk := range s.prod.Packages {
		if !ok[pk.ID] {
			continue
		}
		rec := Recommendation{Kind: KindPackage, ID: pk.ID, Name: pk.Name}
		for _, e := range st.active {
			if n := e.score.Packages[pk.ID]; n != 0 {
				rec.Score += n
				rec.Reasons = append(rec.Reasons, e.reason(n, false))
			}
		}
		out.Packages = append(out.Packages, rec)
	}
	slices.SortStableFunc(out.Packages, byScore)
	return out, nil
}

func byScore(a, b Recommendation) int { return b.Score - a.Score }

func (e *effect) reason(points int, fits bool) Reason {
	r := Reason{Text: e.text, Points: points, Fits: fits}
	if e.rule != nil {
		r.Rule = e.rule.ID
	} else {
		r.Question, r.Answer = e.question, e.option
	}
	return r
}

// fitting returns the candidate products every filter in force lets
// through.
func (s *Session) fitting(st *state) map[string]bool {
	out := make(map[string]bool, len(s.qn.candidates))
	var filters []*catalog.Expr
	for _, e := range st.active {
		if e.fits != nil {
			filters = append(filters, e.fits)
		}
	}
	if len(filters) == 0 {
		for _, p := range s.qn.candidates {
			out[p.SKU] = true
		}
		return out
	}
	key := fitKey(st)
	if fit, ok := s.fitMemo[key]; ok {
		return fit
	}
	vars := withRoom(st.vars)
	defer func() {
		if len(s.fitMemo) >= maxFitMemo {
			clear(s.fitMemo)
		}
		s.fitMemo[key] = out
	}()
	for _, p := range s.qn.candidates {
		s.g.productFacts(p, vars)
		ok := true
		for _, f := range filters {
			if !evalBool(f, vars) {
				ok = false
				break
			}
		}
		out[p.SKU] = ok
	}
	return out
}

// maxFitMemo bounds the filter results a session remembers.
const maxFitMemo = 256

// fitKey identifies what the filters in force decide: the filters, and the
// answers they read (the facts are fixed for a session).
func fitKey(st *state) string {
	var b strings.Builder
	for _, e := range st.active {
		if e.fits == nil {
			continue
		}
		b.WriteString(e.id)
		for _, name := range e.fits.Program().Variables() {
			if strings.HasPrefix(name, "answer.") {
				fmt.Fprintf(&b, "|%s=%v", name, st.vars[name])
			}
		}
		b.WriteByte(0)
	}
	return b.String()
}

// withRoom copies vars with room for the product facts.
func withRoom(v formula.Vars) formula.Vars {
	out := make(formula.Vars, len(v)+8)
	for k, x := range v {
		out[k] = x
	}
	return out
}

// productFacts sets the facts fits formulas read about a product into
// vars: its SKU, category, kind, and capabilities (the greatest amount a
// configurable one can deliver) in each capability's catalog unit.
func (g *Guide) productFacts(p *catalog.Product, vars formula.Vars) {
	g.factsOnce.Do(g.buildFacts)
	for _, name := range g.capVars {
		delete(vars, name)
	}
	for _, f := range g.facts[p] {
		vars[f.name] = f.value
	}
}

type fact struct {
	name  string
	value any
}

func (g *Guide) buildFacts() {
	g.facts = map[*catalog.Product][]fact{}
	seen := map[string]bool{}
	for _, p := range g.cat.Products {
		fs := []fact{{"product.sku", p.SKU}, {"product.category", p.Category}, {"product.kind", string(p.Kind)}}
		for _, cp := range p.Capabilities {
			name := catalog.CapabilityVar(cp.ID)
			if !seen[name] {
				seen[name] = true
				g.capVars = append(g.capVars, name)
			}
			_, hi, ok := cp.Range(g.cat, p)
			if !ok {
				continue
			}
			unit, _ := g.cat.CapabilityUnit(cp.ID)
			if v, err := catalog.ConvertUnit(hi, cp.Unit, unit); err == nil {
				fs = append(fs, fact{name, v})
			}
		}
		g.facts[p] = fs
	}
}

// applicablePackages tells which packages of the product can be applied
// without dropping a choice.
func (s *Session) applicablePackages() (map[string]bool, error) {
	ds, err := s.cs.ValidDomains()
	if err != nil {
		return nil, err
	}
	dom := make(map[string][]string, len(ds))
	for _, d := range ds {
		dom[d.Var] = d.Values
	}
	choices := s.cs.Choices()
	out := map[string]bool{}
	for _, pk := range s.prod.Packages {
		want := s.packageChoices(pk)
		ok := true
		fresh := 0
		for _, c := range want {
			if slices.Contains(choices, c) {
				continue
			}
			vals, finite := dom[c.Var]
			if finite && vals != nil && !containsValue(vals, c.Value) {
				ok = false
				break
			}
			fresh++
		}
		// One new choice offered by the exact valid domains is applicable;
		// several are checked together.
		if ok && fresh > 1 {
			ok = consistent(s.model, merge(choices, want))
		}
		out[pk.ID] = ok
	}
	return out, nil
}

func containsValue(vals []string, v string) bool {
	if slices.Contains(vals, v) {
		return true
	}
	d, err := decimal.NewFromString(v)
	return err == nil && slices.Contains(vals, d.String())
}

// packageChoices are the choices a package makes: its values and the
// quantities of its options.
func (s *Session) packageChoices(pk *catalog.Package) []configurator.Choice {
	return choicesOf(s.base, pk.Choices, pk.Quantities)
}

func choicesOf(m *configurator.Model, cond catalog.Condition, quantities map[string]int) []configurator.Choice {
	var out []configurator.Choice
	for _, mt := range cond {
		if len(mt.Values) == 1 {
			out = append(out, configurator.Choice{Var: mt.Var, Value: mt.Values[0]})
		}
	}
	if len(quantities) == 0 {
		return out
	}
	qty := map[string]bool{}
	for _, v := range m.Variables() {
		if v.Kind == configurator.KindQuantity {
			qty[v.ID] = true
		}
	}
	for _, opt := range sortedKeys(quantities) {
		if !slices.Contains(out, configurator.Choice{Var: opt, Value: "true"}) {
			out = append(out, configurator.Choice{Var: opt, Value: "true"})
		}
		if qty["qty."+opt] {
			out = append(out, configurator.Choice{Var: "qty." + opt, Value: decimal.NewFromInt(int64(quantities[opt])).String()})
		}
	}
	return out
}

// merge returns the choices with more added, a later value for a variable
// replacing an earlier one.
func merge(choices, more []configurator.Choice) []configurator.Choice {
	out := slices.Clone(choices)
	for _, c := range more {
		if i := slices.IndexFunc(out, func(x configurator.Choice) bool { return x.Var == c.Var }); i >= 0 {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}
