package csp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// AutomotiveSpec shapes a synthetic automotive-like table model. Zero
// fields take the defaults in brackets.
type AutomotiveSpec struct {
	Vars      int // variables [100]
	MinDomain int // smallest domain [1]
	MaxDomain int // largest domain [42]
	Tables    int // compatibility tables [100]
	MinArity  int // smallest table arity [2]
	MaxArity  int // largest table arity [10]
	Rows      int // rows over all tables, approximately [200000]
	// Products is the number of hidden complete configurations the tables
	// are projections of [2000]; the first tenth of them survive in every
	// table, so the model is satisfiable.
	Products int
	// Noise is the share of extra rows [0.25], uniformly random by default:
	// they keep values alive under propagation that no complete
	// configuration takes, so that search is needed to tell valid from
	// invalid.
	Noise float64
	// NearMisses makes the extra rows near misses of hidden configurations
	// (one or two values changed) instead of uniformly random: a harder
	// model, with many values that only long searches tell apart.
	NearMisses bool
}

func (s AutomotiveSpec) withDefaults() AutomotiveSpec {
	def := func(x *int, d int) {
		if *x <= 0 {
			*x = d
		}
	}
	def(&s.Vars, 100)
	def(&s.MinDomain, 1)
	def(&s.MaxDomain, 42)
	def(&s.Tables, 100)
	def(&s.MinArity, 2)
	def(&s.MaxArity, 10)
	def(&s.Rows, 200000)
	def(&s.Products, 2000)
	if s.Noise <= 0 {
		s.Noise = 0.25
	}
	s.MaxDomain = max(s.MaxDomain, s.MinDomain)
	s.MaxArity = min(max(s.MaxArity, s.MinArity), s.Vars)
	s.MinArity = min(s.MinArity, s.MaxArity)
	return s
}

// GenerateAutomotive builds a satisfiable table model shaped like a car
// configuration model: skewed domain sizes, variables depending on earlier
// ones (engine -> gearbox -> ...), and compatibility tables whose rows are
// projections of hidden complete configurations plus extra rows (see
// AutomotiveSpec.Noise). The same seed and spec give the same model.
func GenerateAutomotive(seed int64, spec AutomotiveSpec) *Model {
	sp := spec.withDefaults()
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	n := sp.Vars
	m := &Model{Name: fmt.Sprintf("automotive-%d", seed)}

	// Domains: mostly small, a few large; the extremes always occur.
	doms := make([]int, n)
	for v := range doms {
		u := r.Float64()
		doms[v] = sp.MinDomain + int(float64(sp.MaxDomain-sp.MinDomain+1)*u*u*u)
	}
	doms[0] = sp.MaxDomain
	if n > 1 {
		doms[n-1] = sp.MinDomain
	}
	for v, d := range doms {
		vals := make([]string, d)
		for a := range vals {
			vals[a] = fmt.Sprintf("V%03d_%02d", v, a)
		}
		m.Vars = append(m.Vars, Var{Name: fmt.Sprintf("V%03d", v), Values: vals})
	}

	// Dependencies: most variables follow an earlier one through a small
	// set of allowed values per parent value.
	parent := make([]int, n)
	allowed := make([][][]int, n)
	for v := range parent {
		parent[v] = -1
		if v > 0 && r.Float64() < 0.8 {
			parent[v] = r.IntN(v)
			allowed[v] = make([][]int, doms[parent[v]])
			for pa := range allowed[v] {
				k := 1 + r.IntN(min(3, doms[v]))
				allowed[v][pa] = r.Perm(doms[v])[:k]
			}
		}
	}
	zipf := func(d int) int {
		// P(a) proportional to 1/(a+1).
		total := 0.0
		for a := 0; a < d; a++ {
			total += 1 / float64(a+1)
		}
		x := r.Float64() * total
		for a := 0; a < d; a++ {
			x -= 1 / float64(a+1)
			if x <= 0 {
				return a
			}
		}
		return d - 1
	}
	// Each root variable's values get a random popularity order.
	popular := make([][]int, n)
	for v := range popular {
		popular[v] = r.Perm(doms[v])
	}
	products := make([][]int, sp.Products)
	for i := range products {
		p := make([]int, n)
		for v := range p {
			if parent[v] >= 0 {
				opts := allowed[v][p[parent[v]]]
				p[v] = opts[r.IntN(len(opts))]
			} else {
				p[v] = popular[v][zipf(doms[v])]
			}
		}
		products[i] = p
	}
	core := max(1, sp.Products/10)

	// Scopes: grown around a variable along dependencies, plus random
	// variables; every variable is covered.
	uncovered := r.Perm(n)
	scopes := make([][]int, sp.Tables)
	for t := range scopes {
		u := r.Float64()
		ar := sp.MinArity + int(float64(sp.MaxArity-sp.MinArity+1)*math.Pow(u, 1.5))
		ar = min(ar, sp.MaxArity)
		var scope []int
		add := func(v int) {
			if v >= 0 && len(scope) < ar && !slices.Contains(scope, v) {
				scope = append(scope, v)
			}
		}
		if len(uncovered) > 0 {
			add(uncovered[0])
			uncovered = uncovered[1:]
		} else {
			add(r.IntN(n))
		}
		for tries := 0; len(scope) < ar && tries < 10*ar; tries++ {
			x := scope[r.IntN(len(scope))]
			switch {
			case r.Float64() < 0.5:
				add(parent[x])
			case len(uncovered) > 0 && r.Float64() < 0.5:
				add(uncovered[0])
				uncovered = uncovered[1:]
			default:
				add(r.IntN(n))
			}
		}
		slices.Sort(scope)
		scopes[t] = scope
	}

	// Row targets: heavier for wider tables, capped by the table's space.
	capacity := make([]float64, len(scopes))
	weight := make([]float64, len(scopes))
	for t, scope := range scopes {
		capacity[t] = 1
		for _, x := range scope {
			capacity[t] *= float64(doms[x])
		}
		weight[t] = (0.2 + 1.6*r.Float64()) * math.Pow(float64(len(scope)), 2)
	}
	target := make([]int, len(scopes))
	remaining := float64(sp.Rows)
	open := make([]bool, len(scopes))
	for t := range open {
		open[t] = true
	}
	for round := 0; round < 8 && remaining >= 1; round++ {
		total := 0.0
		for t := range scopes {
			if open[t] {
				total += weight[t]
			}
		}
		if total == 0 {
			break
		}
		share := remaining
		for t := range scopes {
			if !open[t] {
				continue
			}
			want := float64(target[t]) + share*weight[t]/total
			if want >= capacity[t] {
				want = capacity[t]
				open[t] = false
			}
			remaining -= want - float64(target[t])
			target[t] = int(want)
		}
	}

	for t, scope := range scopes {
		rows := tableRows(r, scope, doms, products, core, target[t], sp.Noise, sp.NearMisses)
		m.Constraints = append(m.Constraints, Constraint{
			Name:   fmt.Sprintf("T%03d", t),
			Text:   fmt.Sprintf("compatibility table %d over %d variables", t, len(scope)),
			Kind:   KindTable,
			Scope:  scope,
			Tuples: rows,
		})
	}
	return m
}

// tableRows returns about target distinct rows over scope: projections of
// the products (all core ones first), then extra rows.
func tableRows(r *rand.Rand, scope, doms []int, products [][]int, core, target int, noise float64, nearMisses bool) [][]int {
	seen := make(map[string]bool)
	key := make([]byte, len(scope))
	var rows [][]int
	addRow := func(row []int) {
		for j, a := range row {
			key[j] = byte(a)
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			rows = append(rows, row)
		}
	}
	project := func(p []int) []int {
		row := make([]int, len(scope))
		for j, x := range scope {
			row[j] = p[x]
		}
		return row
	}
	for _, p := range products[:core] {
		addRow(project(p))
	}
	clean := max(len(rows), int(float64(target)*(1-noise)))
	for _, i := range r.Perm(len(products)) {
		if len(rows) >= clean {
			break
		}
		addRow(project(products[i]))
	}
	for tries := 0; len(rows) < target && tries < 20*target; tries++ {
		var row []int
		if nearMisses {
			row = project(products[r.IntN(len(products))])
			for k := 1 + r.IntN(2); k > 0; k-- {
				j := r.IntN(len(scope))
				row[j] = r.IntN(doms[scope[j]])
			}
		} else {
			row = make([]int, len(scope))
			for j, x := range scope {
				row[j] = r.IntN(doms[x])
			}
		}
		addRow(row)
	}
	return rows
}
