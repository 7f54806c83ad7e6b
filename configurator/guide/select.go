package guide

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/formula"
)

// Need is a technical need: the least (Min) and/or the most (Max) amount
// of a capability, with units.
type Need struct {
	Capability string           `json:"capability"`
	Min        *catalog.Measure `json:"min,omitempty"`
	Max        *catalog.Measure `json:"max,omitempty"`
}

// String formats the need as "clamp_force ≥ 120 t".
func (n Need) String() string {
	switch {
	case n.Min != nil && n.Max != nil:
		return fmt.Sprintf("%s between %s and %s", n.Capability, n.Min, n.Max)
	case n.Max != nil:
		return fmt.Sprintf("%s ≤ %s", n.Capability, n.Max)
	case n.Min != nil:
		return fmt.Sprintf("%s ≥ %s", n.Capability, n.Min)
	}
	return n.Capability
}

// Scorer ranks candidates of a parametric selection for the host, lower
// first: typically the price of the candidate's configuration from the
// pricing engine.
type Scorer interface {
	Score(ctx context.Context, c *Candidate) (decimal.Decimal, error)
}

// SelectRequest asks for the products that meet technical needs.
type SelectRequest struct {
	// Selector names a catalog selector whose formulas derive needs from
	// Inputs (each converted to the input's unit; missing ones take their
	// default).
	Selector string
	Inputs   map[string]catalog.Measure
	// Needs are given directly, on top of the selector's.
	Needs []Need
	// Candidates, when not empty, are the products considered; otherwise
	// the selector's, otherwise every product that is not retired and
	// declares every capability needed.
	Candidates catalog.ProductSet
	// Scorer, when set, ranks the candidates (lower first); otherwise the
	// selector's preference order, then the smallest product that does the
	// job (least surplus over the minimums), then catalog order.
	Scorer Scorer
	// Nearest is how many near misses to report (default 3).
	Nearest int
}

// Delivery is what a candidate delivers for one need, in the need's unit.
type Delivery struct {
	Need   Need            `json:"need"`
	Amount catalog.Measure `json:"amount"`
}

// Candidate is a product that meets every need.
type Candidate struct {
	Product string `json:"product"`
	// Configuration is a configuration meeting the needs, for a
	// configurable product: the least capable values that do, completed
	// with defaults.
	Configuration *configurator.Configuration `json:"configuration,omitempty"`
	Delivers      []Delivery                  `json:"delivers"`
	// Score is the host scorer's score, when one was given.
	Score *decimal.Decimal `json:"score,omitempty"`

	surplus decimal.Decimal
	rank    int
}

// Miss is a need a product does not meet, and by how much.
type Miss struct {
	Need Need `json:"need"`
	// Best is the amount the product delivers that comes closest.
	Best catalog.Measure `json:"best"`
	// Short is by how much it misses (positive, in the need's unit), and
	// Ratio that as a fraction of the need.
	Short catalog.Measure `json:"short"`
	Ratio decimal.Decimal `json:"ratio"`
}

// NearMiss is a product that does not meet every need.
type NearMiss struct {
	Product string `json:"product"`
	Misses  []Miss `json:"misses,omitempty"`
	// Conflict, when set, says that the product meets each need on its
	// own but no configuration meets them together.
	Conflict string `json:"conflict,omitempty"`
}

// UnmetNeed is a need no product considered meets, with the products that
// come nearest.
type UnmetNeed struct {
	Need    Need       `json:"need"`
	Nearest []NearMiss `json:"nearest"`
}

// Selection is the result of a parametric selection.
type Selection struct {
	// Needs are the needs considered (derived and given).
	Needs []Need `json:"needs"`
	// Candidates meet every need, best first.
	Candidates []Candidate `json:"candidates"`
	// Unmet are the needs no product meets, each with the nearest.
	Unmet []UnmetNeed `json:"unmet,omitempty"`
	// Nearest are, when no product meets every need, the products that
	// come closest (fewest needs missed, then the smallest miss).
	Nearest []NearMiss `json:"nearest,omitempty"`
}

// Select finds the products (and configurations) that meet technical
// needs. Amounts are converted between units of a dimension (mm and m, kg
// and t); a need in a unit that does not convert to its capability's
// fails with catalog.ErrUnit.
func (g *Guide) Select(ctx context.Context, req SelectRequest) (*Selection, error) {
	needs, sel, err := g.needs(req)
	if err != nil {
		return nil, err
	}
	nearest := req.Nearest
	if nearest <= 0 {
		nearest = 3
	}
	scope := req.Candidates
	if len(scope.Products) == 0 && len(scope.Categories) == 0 && sel != nil {
		scope = sel.Candidates
	}
	var products []*catalog.Product
	for _, p := range productSet(g.cat, scope) {
		if len(scope.Products) > 0 || len(scope.Categories) > 0 || declaresAll(p, needs) {
			products = append(products, p)
		}
	}
	out := &Selection{Needs: needs, Candidates: []Candidate{}}
	var misses []NearMiss
	metBy := make([]bool, len(needs))
	perNeed := make([][]NearMiss, len(needs))
	for i, p := range products {
		c, miss, err := g.evaluateProduct(p, needs)
		if err != nil {
			return nil, err
		}
		for j := range needs {
			if m := missOf(miss, j); m != nil {
				perNeed[j] = append(perNeed[j], NearMiss{Product: p.SKU, Misses: []Miss{*m}})
			} else if miss.lacks == nil || !miss.lacks[j] {
				metBy[j] = true
			}
		}
		if c != nil {
			c.rank = i
			out.Candidates = append(out.Candidates, *c)
			continue
		}
		if miss.lacks == nil {
			misses = append(misses, miss.NearMiss)
		}
	}
	if err := g.rankCandidates(ctx, out.Candidates, sel, req.Scorer); err != nil {
		return nil, err
	}
	for j, n := range needs {
		if metBy[j] {
			continue
		}
		nm := perNeed[j]
		slices.SortStableFunc(nm, func(a, b NearMiss) int { return a.Misses[0].Ratio.Cmp(b.Misses[0].Ratio) })
		out.Unmet = append(out.Unmet, UnmetNeed{Need: n, Nearest: nm[:min(nearest, len(nm))]})
	}
	if len(out.Candidates) == 0 {
		slices.SortStableFunc(misses, func(a, b NearMiss) int {
			if len(a.Misses) != len(b.Misses) {
				return len(a.Misses) - len(b.Misses)
			}
			return worst(a).Cmp(worst(b))
		})
		out.Nearest = misses[:min(nearest, len(misses))]
	}
	return out, nil
}

func worst(m NearMiss) decimal.Decimal {
	w := decimal.Zero
	for _, x := range m.Misses {
		w = decimal.Max(w, x.Ratio)
	}
	return w
}

func declaresAll(p *catalog.Product, needs []Need) bool {
	for _, n := range needs {
		if p.Capability(n.Capability) == nil {
			return false
		}
	}
	return len(needs) > 0
}

// needs derives the needs of a request: the selector's, then the given
// ones.
func (g *Guide) needs(req SelectRequest) ([]Need, *catalog.Selector, error) {
	var out []Need
	var sel *catalog.Selector
	if req.Selector != "" {
		var err error
		if sel, err = g.cat.Selector(req.Selector); err != nil {
			return nil, nil, err
		}
		vars := formula.Vars{}
		for _, in := range sel.Inputs {
			m, ok := req.Inputs[in.ID]
			switch {
			case ok:
				v, err := m.In(in.Unit)
				if err != nil {
					return nil, nil, fmt.Errorf("selector %s input %s: %w", sel.ID, in.ID, err)
				}
				vars[in.ID] = v
			case in.Default != nil:
				vars[in.ID] = *in.Default
			default:
				return nil, nil, fmt.Errorf("selector %s needs input %s: %w", sel.ID, in.ID, ErrMissingInput)
			}
		}
		for name := range req.Inputs {
			if !slices.ContainsFunc(sel.Inputs, func(in *catalog.SelectorInput) bool { return in.ID == name }) {
				return nil, nil, fmt.Errorf("selector %s has no input %q: %w", sel.ID, name, ErrUnknownInput)
			}
		}
		for _, nr := range sel.Needs {
			n := Need{Capability: nr.Capability}
			for _, b := range []struct {
				e   *catalog.Expr
				dst **catalog.Measure
			}{{&nr.Min, &n.Min}, {&nr.Max, &n.Max}} {
				if b.e.IsZero() {
					continue
				}
				v, err := b.e.Program().EvalDecimal(vars)
				if err != nil {
					return nil, nil, fmt.Errorf("selector %s need %s: %w", sel.ID, nr.Capability, err)
				}
				*b.dst = &catalog.Measure{Value: v, Unit: nr.Unit}
			}
			out = append(out, n)
		}
	}
	for _, n := range req.Needs {
		unit, ok := g.cat.CapabilityUnit(n.Capability)
		if !ok {
			return nil, nil, fmt.Errorf("need %s: no product declares capability %q: %w", n, n.Capability, catalog.ErrNotFound)
		}
		for _, m := range []*catalog.Measure{n.Min, n.Max} {
			if m != nil && !catalog.UnitsCompatible(m.Unit, unit) {
				return nil, nil, fmt.Errorf("need %s: capability %s is in %s: %w", n, n.Capability, unit, catalog.ErrUnit)
			}
		}
		if n.Min == nil && n.Max == nil {
			return nil, nil, fmt.Errorf("need on %s has neither min nor max: %w", n.Capability, ErrInvalidNeed)
		}
		out = append(out, n)
	}
	return out, sel, nil
}

// productMiss is what one product misses; lacks marks needs whose
// capability the product does not declare.
type productMiss struct {
	NearMiss
	lacks map[int]bool
	index map[int]int
}

func missOf(m productMiss, need int) *Miss {
	if i, ok := m.index[need]; ok {
		return &m.Misses[i]
	}
	return nil
}

// evaluateProduct checks a product against the needs: a candidate when it
// meets them all, otherwise what it misses.
func (g *Guide) evaluateProduct(p *catalog.Product, needs []Need) (*Candidate, productMiss, error) {
	miss := productMiss{NearMiss: NearMiss{Product: p.SKU}, index: map[int]int{}}
	c := &Candidate{Product: p.SKU}
	var reqs []configurator.Requirement
	prefer := map[string][]string{}
	for j, n := range needs {
		cp := p.Capability(n.Capability)
		if cp == nil {
			if miss.lacks == nil {
				miss.lacks = map[int]bool{}
			}
			miss.lacks[j] = true
			continue
		}
		amounts, err := amountsIn(g.cat, p, cp, n)
		if err != nil {
			return nil, miss, err
		}
		var ok []amount
		for _, a := range amounts {
			if meets(a.v, n) {
				ok = append(ok, a)
			}
		}
		if len(ok) == 0 {
			miss.index[j] = len(miss.Misses)
			miss.Misses = append(miss.Misses, closest(amounts, n))
			continue
		}
		// The least capable value that meets a minimum is preferred (for
		// a maximum alone, the most capable).
		slices.SortStableFunc(ok, func(a, b amount) int {
			if n.Min == nil {
				return b.v.Cmp(a.v)
			}
			return a.v.Cmp(b.v)
		})
		c.Delivers = append(c.Delivers, Delivery{Need: n, Amount: catalog.Measure{Value: ok[0].v, Unit: needUnit(n)}})
		if n.Min != nil && n.Min.Value.IsPositive() {
			c.surplus = c.surplus.Add(ok[0].v.Sub(needValue(n.Min, n)).Div(needValue(n.Min, n)))
		}
		if cp.From != "" {
			vals := make([]string, len(ok))
			for i, a := range ok {
				vals[i] = a.value
			}
			reqs = append(reqs, configurator.Requirement{Rule: configurator.Rule{ID: "need:" + n.Capability, Message: catalog.Text{"en": n.String()}}, Var: cp.From, Values: vals})
			prefer[cp.From] = vals
		}
	}
	if miss.lacks != nil || len(miss.Misses) > 0 {
		return nil, miss, nil
	}
	if !p.IsConfigurable() {
		return c, miss, nil
	}
	base, err := g.Model(p.SKU)
	if err != nil {
		return nil, miss, err
	}
	m, err := g.require(base, reqs)
	if err != nil {
		return nil, miss, err
	}
	s := m.NewSession()
	conf, err := s.Complete(configurator.Strategy{Prefer: prefer})
	if errors.Is(err, configurator.ErrInconsistent) {
		miss.Conflict = "no configuration of " + p.SKU + " meets the needs together"
		return nil, miss, nil
	}
	if err != nil {
		return nil, miss, err
	}
	// With several needs on one configuration, what is delivered is read
	// back from the configuration chosen.
	for i, d := range c.Delivers {
		cp := p.Capability(d.Need.Capability)
		if cp.From == "" {
			continue
		}
		if v, ok := conf.Value(cp.From); ok {
			for _, a := range mustAmounts(g.cat, p, cp, d.Need) {
				if a.value == v {
					c.Delivers[i].Amount.Value = a.v
				}
			}
		}
	}
	c.Configuration = &conf
	return c, miss, nil
}

type amount struct {
	value string // the variable's value, for a configurable capability
	v     decimal.Decimal
}

// amountsIn lists what a capability can deliver, in the need's unit.
func amountsIn(cat *catalog.Catalog, p *catalog.Product, cp *catalog.Capability, n Need) ([]amount, error) {
	unit := needUnit(n)
	conv := func(v decimal.Decimal) (decimal.Decimal, error) {
		x, err := catalog.ConvertUnit(v, cp.Unit, unit)
		if err != nil {
			return x, fmt.Errorf("need %s for %s: %w", n, p.SKU, err)
		}
		return x, nil
	}
	if cp.Value != nil {
		v, err := conv(*cp.Value)
		return []amount{{v: v}}, err
	}
	var out []amount
	for _, a := range cp.Amounts(cat, p) {
		v, err := conv(a.Amount)
		if err != nil {
			return nil, err
		}
		out = append(out, amount{value: a.Value, v: v})
	}
	return out, nil
}

func mustAmounts(cat *catalog.Catalog, p *catalog.Product, cp *catalog.Capability, n Need) []amount {
	out, _ := amountsIn(cat, p, cp, n)
	return out
}

// needUnit is the unit a need is reckoned in: its minimum's, else its
// maximum's.
func needUnit(n Need) string {
	if n.Min != nil {
		return n.Min.Unit
	}
	return n.Max.Unit
}

// needValue is a bound of the need in the need's unit.
func needValue(m *catalog.Measure, n Need) decimal.Decimal {
	v, err := m.In(needUnit(n))
	if err != nil {
		return m.Value
	}
	return v
}

func meets(v decimal.Decimal, n Need) bool {
	if n.Min != nil && v.LessThan(needValue(n.Min, n)) {
		return false
	}
	if n.Max != nil && v.GreaterThan(needValue(n.Max, n)) {
		return false
	}
	return true
}

// closest returns the amount nearest to meeting the need, and the miss.
func closest(amounts []amount, n Need) Miss {
	unit := needUnit(n)
	var best Miss
	for i, a := range amounts {
		var short, bound decimal.Decimal
		if n.Min != nil && a.v.LessThan(needValue(n.Min, n)) {
			bound = needValue(n.Min, n)
			short = bound.Sub(a.v)
		} else {
			bound = needValue(n.Max, n)
			short = a.v.Sub(bound)
		}
		ratio := short
		if !bound.IsZero() {
			ratio = short.DivRound(bound.Abs(), 4)
		}
		if i == 0 || short.LessThan(best.Short.Value) {
			best = Miss{Need: n, Best: catalog.Measure{Value: a.v, Unit: unit}, Short: catalog.Measure{Value: short, Unit: unit}, Ratio: ratio}
		}
	}
	return best
}

// rankCandidates orders candidates: by the host's score when given, else by
// the selector's preference, then least surplus, then catalog order.
func (g *Guide) rankCandidates(ctx context.Context, cs []Candidate, sel *catalog.Selector, scorer Scorer) error {
	pref := map[string]int{}
	if sel != nil {
		for i, sku := range sel.Prefer {
			pref[sku] = i + 1
		}
	}
	if scorer != nil {
		for i := range cs {
			v, err := scorer.Score(ctx, &cs[i])
			if err != nil {
				return fmt.Errorf("score %s: %w", cs[i].Product, err)
			}
			cs[i].Score = &v
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Score != nil && b.Score != nil && !a.Score.Equal(*b.Score) {
			return a.Score.LessThan(*b.Score)
		}
		pa, pb := pref[a.Product], pref[b.Product]
		if (pa > 0) != (pb > 0) {
			return pa > 0
		}
		if pa != pb {
			return pa < pb
		}
		if !a.surplus.Equal(b.surplus) {
			return a.surplus.LessThan(b.surplus)
		}
		return a.rank < b.rank
	})
	return nil
}
