package modelio

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

type exprOp uint8

const (
	opVar exprOp = iota + 1
	opNot
	opAnd
	opOr
	opImpl
	opEquiv
)

// uvlExpr is a propositional constraint over features.
type uvlExpr struct {
	op      exprOp
	name    string // opVar
	feature int    // opVar, resolved by encode
	tok     token
	kids    []*uvlExpr
}

var binaryPrec = map[string]int{"<=>": 1, "=>": 2, "|": 3, "&": 4}

var binaryOp = map[string]exprOp{"<=>": opEquiv, "=>": opImpl, "|": opOr, "&": opAnd}

func isArithmetic(t token) bool {
	if t.kind == tokInt || t.kind == tokFloat || t.kind == tokString {
		return true
	}
	if t.kind != tokPunct {
		return false
	}
	switch t.text {
	case "==", "<", ">", "<=", ">=", "!=", "+", "-", "*", "/":
		return true
	}
	return false
}

func (p *uvlParser) unexpectedInExpr(t token) error {
	if isArithmetic(t) {
		return p.errAt(t, ErrUnsupported, "arithmetic and string constraints are not supported")
	}
	if t.is(tokPunct, ")") {
		return p.errAt(t, ErrSyntax, "unbalanced )")
	}
	return p.errAt(t, ErrSyntax, "unexpected %s in constraint", describe(t))
}

// expr parses a constraint by precedence climbing; binary operators are
// left associative.
func (p *uvlParser) expr(toks []token, depth int) (*uvlExpr, []token, error) {
	return p.binary(toks, 1, depth)
}

func (p *uvlParser) binary(toks []token, minPrec, depth int) (*uvlExpr, []token, error) {
	lhs, rest, err := p.unary(toks, depth)
	if err != nil {
		return nil, nil, err
	}
	for len(rest) > 0 {
		t := rest[0]
		prec, ok := binaryPrec[t.text]
		if t.kind != tokPunct || !ok {
			if isArithmetic(t) {
				return nil, nil, p.unexpectedInExpr(t)
			}
			break
		}
		if prec < minPrec {
			break
		}
		if len(rest) == 1 {
			return nil, nil, p.errAt(t, ErrSyntax, "missing operand after %s", t.text)
		}
		rhs, after, err := p.binary(rest[1:], prec+1, depth+1)
		if err != nil {
			return nil, nil, err
		}
		lhs = &uvlExpr{op: binaryOp[t.text], tok: t, kids: []*uvlExpr{lhs, rhs}}
		rest = after
	}
	return lhs, rest, nil
}

func (p *uvlParser) unary(toks []token, depth int) (*uvlExpr, []token, error) {
	if len(toks) == 0 {
		return nil, nil, &ParseError{Format: "uvl", Line: 1, Msg: "missing operand", Err: ErrSyntax}
	}
	t := toks[0]
	if depth > p.lim.MaxDepth {
		return nil, nil, p.errAt(t, ErrLimit, "constraint nested deeper than %d", p.lim.MaxDepth)
	}
	switch {
	case t.is(tokPunct, "!"):
		if len(toks) == 1 {
			return nil, nil, p.errAt(t, ErrSyntax, "missing operand after !")
		}
		e, rest, err := p.unary(toks[1:], depth+1)
		if err != nil {
			return nil, nil, err
		}
		return &uvlExpr{op: opNot, tok: t, kids: []*uvlExpr{e}}, rest, nil
	case t.is(tokPunct, "("):
		if len(toks) == 1 {
			return nil, nil, p.errAt(t, ErrSyntax, "unclosed (")
		}
		e, rest, err := p.binary(toks[1:], 1, depth+1)
		if err != nil {
			return nil, nil, err
		}
		if len(rest) == 0 {
			return nil, nil, p.errAt(t, ErrSyntax, "unclosed (")
		}
		if !rest[0].is(tokPunct, ")") {
			return nil, nil, p.unexpectedInExpr(rest[0])
		}
		return e, rest[1:], nil
	case t.kind == tokIdent || t.kind == tokQuoted:
		if t.kind == tokIdent && len(toks) > 1 && toks[1].is(tokPunct, "(") {
			return nil, nil, p.errAt(t, ErrUnsupported, "aggregate function %s is not supported", t.text)
		}
		name, rest, err := p.reference(toks, t)
		if err != nil {
			return nil, nil, err
		}
		return &uvlExpr{op: opVar, name: name, tok: t}, rest, nil
	}
	if len(toks) > 0 && isArithmetic(t) {
		return nil, nil, p.unexpectedInExpr(t)
	}
	return nil, nil, p.errAt(t, ErrSyntax, "unexpected %s, want a feature, ! or (", describe(t))
}

// encoder builds the csp.Model of a parsed feature model.
type encoder struct {
	p     *uvlParser
	m     *csp.Model
	naux  int
	cells int
	work  int
	name  string
	text  string
}

// maxDirectClauses bounds the clauses of a direct CNF conversion before
// the Tseitin transformation is used instead.
const maxDirectClauses = 32

func boolVar(name string) csp.Var { return csp.Var{Name: name, Values: []string{"false", "true"}} }

func (en *encoder) limitErr(what string) error {
	return &ParseError{Format: "uvl", Line: 1, Msg: "model has " + what, Err: ErrLimit}
}

func (en *encoder) lits(ls []int32) []csp.Lit {
	out := make([]csp.Lit, len(ls))
	for i, l := range ls {
		out[i] = csp.Lit{Var: int(l >> 1), Val: 1, Neg: l&1 == 1}
	}
	return out
}

func (en *encoder) add(c csp.Constraint) error {
	if len(en.m.Constraints) >= en.p.lim.MaxConstraints {
		return en.limitErr("more than " + strconv.Itoa(en.p.lim.MaxConstraints) + " constraints")
	}
	en.cells += len(c.Lits)
	if en.cells > en.p.lim.MaxCells {
		return en.limitErr("more than " + strconv.Itoa(en.p.lim.MaxCells) + " literals")
	}
	en.m.Constraints = append(en.m.Constraints, c)
	return nil
}

func (en *encoder) clause(name, text string, ls ...int32) error {
	return en.add(csp.Constraint{Name: name, Text: text, Kind: csp.KindClause, Lits: en.lits(ls)})
}

func (en *encoder) card(name, text string, lo, hi int, ls ...int32) error {
	return en.add(csp.Constraint{Name: name, Text: text, Kind: csp.KindCardinality, Lits: en.lits(ls), Min: lo, Max: hi})
}

func (en *encoder) aux() (int32, error) {
	if len(en.m.Vars) >= en.p.lim.MaxVars {
		return 0, en.limitErr("more than " + strconv.Itoa(en.p.lim.MaxVars) + " variables")
	}
	en.naux++
	en.m.Vars = append(en.m.Vars, boolVar("aux "+strconv.Itoa(en.naux)))
	return int32(len(en.m.Vars)-1) << 1, nil
}

func pos(f int) int32 { return int32(f) << 1 }
func neg(f int) int32 { return int32(f)<<1 | 1 }

func (p *uvlParser) encode() (*FeatureModel, error) {
	fm := &FeatureModel{Namespace: p.namespace, Features: p.features, Groups: p.groups, Constraints: p.texts}
	m := &csp.Model{Name: p.namespace, Vars: make([]csp.Var, len(p.features), len(p.features)+16)}
	if m.Name == "" {
		m.Name = p.features[0].Name
	}
	for i, f := range p.features {
		m.Vars[i] = boolVar(f.Name)
	}
	fm.Model = m
	en := &encoder{p: p, m: m}
	names := func(ids []int) string {
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = p.features[id].Name
		}
		return strings.Join(parts, ", ")
	}
	if err := en.clause("root", p.features[0].Name+" is the root", pos(0)); err != nil {
		return nil, err
	}
	for i, f := range p.features[1:] {
		c := i + 1
		if err := en.clause("child "+f.Name, f.Name+" requires "+p.features[f.Parent].Name, neg(c), pos(f.Parent)); err != nil {
			return nil, err
		}
	}
	for _, g := range p.groups {
		par := p.features[g.Parent].Name
		k := len(g.Features)
		kids := make([]int32, 0, k+g.Min)
		for _, f := range g.Features {
			kids = append(kids, pos(f))
		}
		var err error
		switch g.Kind {
		case GroupMandatory:
			for _, f := range g.Features {
				if err = en.clause("mandatory "+p.features[f].Name, par+" requires "+p.features[f].Name, neg(g.Parent), pos(f)); err != nil {
					return nil, err
				}
			}
		case GroupOptional:
		case GroupAlternative:
			err = en.card("alternative under "+par, "exactly one of "+names(g.Features)+" when "+par+" is selected", 1, 1, append(kids, neg(g.Parent))...)
		case GroupOr:
			err = en.clause("or under "+par, "at least one of "+names(g.Features)+" when "+par+" is selected", append([]int32{neg(g.Parent)}, kids...)...)
		case GroupCardinality:
			err = en.group(g, kids, par, names(g.Features))
		}
		if err != nil {
			return nil, err
		}
	}
	for i, e := range p.exprs {
		if err := en.resolve(e); err != nil {
			return nil, err
		}
		en.name, en.text = "constraint "+strconv.Itoa(i+1), p.texts[i]
		if err := en.formula(e, false); err != nil {
			return nil, err
		}
	}
	return fm, nil
}

// group encodes a cardinality group [lo..hi] under a parent.
func (en *encoder) group(g Group, kids []int32, par, names string) error {
	name := "group [" + strconv.Itoa(g.Min) + ".." + strconv.Itoa(g.Max) + "] under " + par
	text := "between " + strconv.Itoa(g.Min) + " and " + strconv.Itoa(g.Max) + " of " + names + " when " + par + " is selected"
	k := len(kids)
	lo, hi := g.Min, min(g.Max, k)
	switch {
	case lo > hi:
		return en.clause(name, text, neg(g.Parent))
	case lo == 0:
		if hi >= k {
			return nil
		}
		return en.card(name, text, 0, hi, kids...)
	case lo == 1:
		return en.card(name, text, 1, hi, append(kids, neg(g.Parent))...)
	}
	// lo >= 2: lo copies of !parent (the parent's negation and lo-1
	// auxiliary variables equivalent to it) make the lower bound vacuous
	// when the parent is not selected, and no child can then be selected.
	ls := append(kids, neg(g.Parent))
	for range lo - 1 {
		a, err := en.aux()
		if err != nil {
			return err
		}
		if err := en.clause(name, text, a, pos(g.Parent)); err != nil {
			return err
		}
		if err := en.clause(name, text, a|1, neg(g.Parent)); err != nil {
			return err
		}
		ls = append(ls, a)
	}
	return en.card(name, text, lo, hi, ls...)
}

func (en *encoder) resolve(e *uvlExpr) error {
	if e.op == opVar {
		f, ok := en.p.byName[e.name]
		if !ok {
			return en.p.errAt(e.tok, ErrSyntax, "unknown feature %q", e.name)
		}
		e.feature = f
		return nil
	}
	for _, k := range e.kids {
		if err := en.resolve(k); err != nil {
			return err
		}
	}
	return nil
}

// formula adds clauses requiring e (or !e when negated).
func (en *encoder) formula(e *uvlExpr, negated bool) error {
	switch {
	case e.op == opNot:
		return en.formula(e.kids[0], !negated)
	case e.op == opAnd && !negated:
		for _, k := range e.kids {
			if err := en.formula(k, false); err != nil {
				return err
			}
		}
		return nil
	case (e.op == opOr && negated) || (e.op == opImpl && negated):
		// !(a | b) = !a & !b; !(a => b) = a & !b
		if err := en.formula(e.kids[0], e.op == opOr); err != nil {
			return err
		}
		return en.formula(e.kids[1], true)
	}
	en.work = 0
	if cls, ok := en.cnf(e, negated); ok {
		for _, c := range cls {
			if err := en.clause(en.name, en.text, c...); err != nil {
				return err
			}
		}
		return nil
	}
	// Tseitin: name the operands, keep the top operator as clauses.
	switch {
	case e.op == opEquiv:
		a, err := en.lit(e.kids[0], false)
		if err != nil {
			return err
		}
		b, err := en.lit(e.kids[1], negated)
		if err != nil {
			return err
		}
		if err := en.clause(en.name, en.text, a^1, b); err != nil {
			return err
		}
		return en.clause(en.name, en.text, a, b^1)
	case (e.op == opOr && !negated) || (e.op == opAnd && negated) || (e.op == opImpl && !negated):
		ops, err := en.operands(e, negated)
		if err != nil {
			return err
		}
		return en.clause(en.name, en.text, ops...)
	}
	l, err := en.lit(e, negated)
	if err != nil {
		return err
	}
	return en.clause(en.name, en.text, l)
}

// operands returns the literals of a disjunction: e is an or (negated
// false), an and (negated true, De Morgan) or an implication.
func (en *encoder) operands(e *uvlExpr, negated bool) ([]int32, error) {
	var out []int32
	var walk func(x *uvlExpr, n bool) error
	walk = func(x *uvlExpr, n bool) error {
		switch {
		case (x.op == opOr && !n) || (x.op == opAnd && n):
			for _, k := range x.kids {
				if err := walk(k, n); err != nil {
					return err
				}
			}
			return nil
		case x.op == opImpl && !n:
			if err := walk(x.kids[0], true); err != nil {
				return err
			}
			return walk(x.kids[1], false)
		case x.op == opNot:
			return walk(x.kids[0], !n)
		}
		l, err := en.lit(x, n)
		if err != nil {
			return err
		}
		out = append(out, l)
		return nil
	}
	return out, walk(e, negated)
}

// lit returns a literal equivalent to e (or !e), adding an auxiliary
// variable defined by a full equivalence for each operator.
func (en *encoder) lit(e *uvlExpr, negated bool) (int32, error) {
	var flip int32
	if negated {
		flip = 1
	}
	switch e.op {
	case opVar:
		return pos(e.feature) ^ flip, nil
	case opNot:
		return en.lit(e.kids[0], !negated)
	case opEquiv:
		a, err := en.lit(e.kids[0], false)
		if err != nil {
			return 0, err
		}
		b, err := en.lit(e.kids[1], false)
		if err != nil {
			return 0, err
		}
		g, err := en.aux()
		if err != nil {
			return 0, err
		}
		// g <=> (a <=> b)
		for _, c := range [][]int32{{g ^ 1, a ^ 1, b}, {g ^ 1, a, b ^ 1}, {g, a, b}, {g, a ^ 1, b ^ 1}} {
			if err := en.clause(en.name, en.text, c...); err != nil {
				return 0, err
			}
		}
		return g ^ flip, nil
	}
	// An and/or/implication: g <=> (l1 | ... | lk) over its disjuncts.
	ops, err := en.operands(e, e.op == opAnd)
	if err != nil {
		return 0, err
	}
	g, err := en.aux()
	if err != nil {
		return 0, err
	}
	for _, l := range ops {
		if err := en.clause(en.name, en.text, g, l^1); err != nil {
			return 0, err
		}
	}
	if err := en.clause(en.name, en.text, append([]int32{g ^ 1}, ops...)...); err != nil {
		return 0, err
	}
	// g stands for the disjunction; for an and it is the disjunction of the
	// negated operands, i.e. the negation of the and.
	if e.op == opAnd {
		flip ^= 1
	}
	return g ^ flip, nil
}

// cnf converts e (or !e) to clauses without new variables, or reports false
// when that would take more than maxDirectClauses clauses or too much work.
func (en *encoder) cnf(e *uvlExpr, negated bool) ([][]int32, bool) {
	en.work++
	if en.work > 4096 {
		return nil, false
	}
	concat := func(a, b [][]int32, ok1, ok2 bool) ([][]int32, bool) {
		if !ok1 || !ok2 || len(a)+len(b) > maxDirectClauses {
			return nil, false
		}
		return append(a[:len(a):len(a)], b...), true
	}
	product := func(a, b [][]int32, ok1, ok2 bool) ([][]int32, bool) {
		if !ok1 || !ok2 || len(a)*len(b) > maxDirectClauses {
			return nil, false
		}
		var out [][]int32
		for _, x := range a {
			for _, y := range b {
				c := append(slices.Clone(x), y...)
				slices.Sort(c)
				c = slices.Compact(c)
				taut := false
				for i := 1; i < len(c); i++ {
					if c[i]>>1 == c[i-1]>>1 {
						taut = true
						break
					}
				}
				if !taut {
					out = append(out, c)
				}
			}
		}
		return out, true
	}
	switch e.op {
	case opVar:
		l := pos(e.feature)
		if negated {
			l |= 1
		}
		return [][]int32{{l}}, true
	case opNot:
		return en.cnf(e.kids[0], !negated)
	case opAnd, opOr:
		a, ok1 := en.cnf(e.kids[0], negated)
		b, ok2 := en.cnf(e.kids[1], negated)
		if (e.op == opAnd) != negated {
			return concat(a, b, ok1, ok2)
		}
		return product(a, b, ok1, ok2)
	case opImpl:
		if negated { // a & !b
			a, ok1 := en.cnf(e.kids[0], false)
			b, ok2 := en.cnf(e.kids[1], true)
			return concat(a, b, ok1, ok2)
		}
		a, ok1 := en.cnf(e.kids[0], true)
		b, ok2 := en.cnf(e.kids[1], false)
		return product(a, b, ok1, ok2)
	case opEquiv:
		// a <=> b: (!a | b) & (a | !b); negated: (a | b) & (!a | !b)
		na, ok1 := en.cnf(e.kids[0], true)
		pa, ok2 := en.cnf(e.kids[0], false)
		nb, ok3 := en.cnf(e.kids[1], true)
		pb, ok4 := en.cnf(e.kids[1], false)
		if !negated {
			x, okx := product(na, pb, ok1, ok4)
			y, oky := product(pa, nb, ok2, ok3)
			return concat(x, y, okx, oky)
		}
		x, okx := product(pa, pb, ok2, ok4)
		y, oky := product(na, nb, ok1, ok3)
		return concat(x, y, okx, oky)
	}
	return nil, false
}
