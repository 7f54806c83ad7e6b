package modelio

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

const carUVL = `namespace Shop.Car

// a tiny car
features
	Car {abstract}
		mandatory
			Engine
				alternative
					Petrol
					"Electric Motor"
		optional
			Towbar {weight 20, label 'Tow bar', tags ['a', 'b'], dims {w 1.5, h -2}, heavy false}
constraints
	"Electric Motor" => !Towbar /* no towing */
`

func TestReadUVLCar(t *testing.T) {
	fm, err := ReadUVL(strings.NewReader(carUVL))
	require.NoError(t, err)
	assert.Equal(t, "Shop.Car", fm.Namespace)
	assert.Equal(t, "Shop.Car", fm.Model.Name)
	assert.Equal(t, []Feature{
		{Name: "Car", Parent: -1, Group: -1, Abstract: true, Attributes: map[string]any{"abstract": true}, Line: 5},
		{Name: "Engine", Parent: 0, Group: 0, Line: 7},
		{Name: "Petrol", Parent: 1, Group: 1, Line: 9},
		{Name: "Electric Motor", Parent: 1, Group: 1, Line: 10},
		{Name: "Towbar", Parent: 0, Group: 2, Line: 12, Attributes: map[string]any{
			"weight": int64(20), "label": "Tow bar", "tags": []any{"a", "b"},
			"dims": map[string]any{"w": 1.5, "h": int64(-2)}, "heavy": false,
		}},
	}, fm.Features)
	assert.Equal(t, []Group{
		{Kind: GroupMandatory, Parent: 0, Features: []int{1}, Min: 1, Max: 1},
		{Kind: GroupAlternative, Parent: 1, Features: []int{2, 3}, Min: 1, Max: 1},
		{Kind: GroupOptional, Parent: 0, Features: []int{4}, Min: 0, Max: 1},
	}, fm.Groups)
	assert.Equal(t, []string{`"Electric Motor" => !Towbar`}, fm.Constraints)
	assert.Equal(t, bools("Car", "Engine", "Petrol", "Electric Motor", "Towbar"), fm.Model.Vars)

	p, n := func(v int) csp.Lit { return csp.Lit{Var: v, Val: 1} }, func(v int) csp.Lit { return csp.Lit{Var: v, Val: 1, Neg: true} }
	assert.Equal(t, []csp.Constraint{
		{Name: "root", Text: "Car is the root", Kind: csp.KindClause, Lits: []csp.Lit{p(0)}},
		{Name: "child Engine", Text: "Engine requires Car", Kind: csp.KindClause, Lits: []csp.Lit{n(1), p(0)}},
		{Name: "child Petrol", Text: "Petrol requires Engine", Kind: csp.KindClause, Lits: []csp.Lit{n(2), p(1)}},
		{Name: "child Electric Motor", Text: "Electric Motor requires Engine", Kind: csp.KindClause, Lits: []csp.Lit{n(3), p(1)}},
		{Name: "child Towbar", Text: "Towbar requires Car", Kind: csp.KindClause, Lits: []csp.Lit{n(4), p(0)}},
		{Name: "mandatory Engine", Text: "Car requires Engine", Kind: csp.KindClause, Lits: []csp.Lit{n(0), p(1)}},
		{Name: "alternative under Engine", Text: "exactly one of Petrol, Electric Motor when Engine is selected", Kind: csp.KindCardinality, Lits: []csp.Lit{p(2), p(3), n(1)}, Min: 1, Max: 1},
		{Name: "constraint 1", Text: `"Electric Motor" => !Towbar`, Kind: csp.KindClause, Lits: []csp.Lit{n(3), n(4)}},
	}, fm.Model.Constraints)

	// Petrol with or without towbar, electric without: 3.
	got, err := CountCNF(fm.Model, CountOptions{})
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(3), got)
	assert.Equal(t, int64(3), bruteCount(fm.Model))
}

func countUVL(t *testing.T, src string) int64 {
	t.Helper()
	fm, err := ReadUVL(strings.NewReader(src))
	require.NoError(t, err)
	n, err := CountCNF(fm.Model, CountOptions{})
	require.NoError(t, err)
	// over every variable, auxiliary ones included, brute force agrees:
	// auxiliary variables are determined by the features.
	if len(fm.Model.Vars) <= 16 {
		require.Equal(t, n.Int64(), bruteCount(fm.Model), "brute force over all %d variables", len(fm.Model.Vars))
	}
	return n.Int64()
}

func TestReadUVLGroupSemantics(t *testing.T) {
	tree := func(group string) string {
		return "features\n\tR\n\t\toptional\n\t\t\tP\n\t\t\t\t" + group + "\n\t\t\t\t\tA\n\t\t\t\t\tB\n\t\t\t\t\tC\n"
	}
	tests := []struct {
		group string
		want  int64
		hand  string
	}{
		{"mandatory", 2, "P off, or P with A, B, C"},
		{"optional", 9, "P off, or P with any of 8 subsets"},
		{"alternative", 4, "P off, or one of 3"},
		{"or", 8, "P off, or 7 non-empty subsets"},
		{"[2]", 4, "P off, or C(3,2)"},
		{"[0..1]", 5, "P off, or 1+3"},
		{"[1..2]", 7, "P off, or 3+3"},
		{"[2..*]", 5, "P off, or 3+1"},
		{"[3..3]", 2, "P off, or all"},
		{"[0..*]", 9, "unconstrained"},
		{"[4..5]", 1, "P can never be selected"},
		{"[2..1]", 1, "empty range forbids P"},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			assert.Equal(t, tt.want, countUVL(t, tree(tt.group)), tt.hand)
		})
	}
}

func TestReadUVLConstraintSemantics(t *testing.T) {
	head := "features\n\tR\n\t\toptional\n\t\t\tA\n\t\t\tB\n\t\t\tC\n\t\t\tD\nconstraints\n\t"
	tests := []struct {
		expr string
		want int64
	}{
		{"A", 8},
		{"!A", 8},
		{"A & B", 4},
		{"A | B", 12},
		{"A => B", 12},
		{"A <=> B", 8},
		{"!(A & B)", 12},
		{"!(A => B)", 4},
		{"!(A <=> B)", 8},
		{"A | B & C", 10},      // A | (B & C): 8 + 2
		{"(A | B) & C", 6},     // 3 * 2
		{"A => B => C", 10},    // (A => B) => C: left associative
		{"A => (B => C)", 14},  // all but A B !C
		{"A <=> B <=> C", 8},   // parity
		{"!A | B", 12},         // ! binds tightest
		{"A & B => C | D", 15}, // (A & B) => (C | D): all but A B !C !D
		{"A <=> B => C", 8},    // A <=> (B => C): 6 of 8 for (B,C,A) ... counted below
		{"(A <=> B) <=> (C <=> D)", 8},
		{"!(A <=> B) & !(C <=> D) | A & !A", 4},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got := countUVL(t, head+tt.expr+"\n")
			want := oracleConstraintCount(t, tt.expr)
			assert.Equal(t, want, got, "oracle")
			assert.Equal(t, tt.want, got, "by hand")
		})
	}
}

// oracleConstraintCount evaluates expr over A..D with Go's own operators,
// after a hand translation table: the expressions above rewritten in Go.
func oracleConstraintCount(t *testing.T, expr string) int64 {
	imp := func(a, b bool) bool { return !a || b }
	eq := func(a, b bool) bool { return a == b }
	f := map[string]func(a, b, c, d bool) bool{
		"A":                                func(a, b, c, d bool) bool { return a },
		"!A":                               func(a, b, c, d bool) bool { return !a },
		"A & B":                            func(a, b, c, d bool) bool { return a && b },
		"A | B":                            func(a, b, c, d bool) bool { return a || b },
		"A => B":                           func(a, b, c, d bool) bool { return imp(a, b) },
		"A <=> B":                          func(a, b, c, d bool) bool { return eq(a, b) },
		"!(A & B)":                         func(a, b, c, d bool) bool { return !(a && b) },
		"!(A => B)":                        func(a, b, c, d bool) bool { return !imp(a, b) },
		"!(A <=> B)":                       func(a, b, c, d bool) bool { return !eq(a, b) },
		"A | B & C":                        func(a, b, c, d bool) bool { return a || (b && c) },
		"(A | B) & C":                      func(a, b, c, d bool) bool { return (a || b) && c },
		"A => B => C":                      func(a, b, c, d bool) bool { return imp(imp(a, b), c) },
		"A => (B => C)":                    func(a, b, c, d bool) bool { return imp(a, imp(b, c)) },
		"A <=> B <=> C":                    func(a, b, c, d bool) bool { return eq(eq(a, b), c) },
		"!A | B":                           func(a, b, c, d bool) bool { return !a || b },
		"A & B => C | D":                   func(a, b, c, d bool) bool { return imp(a && b, c || d) },
		"A <=> B => C":                     func(a, b, c, d bool) bool { return eq(a, imp(b, c)) },
		"(A <=> B) <=> (C <=> D)":          func(a, b, c, d bool) bool { return eq(eq(a, b), eq(c, d)) },
		"!(A <=> B) & !(C <=> D) | A & !A": func(a, b, c, d bool) bool { return (!eq(a, b) && !eq(c, d)) || (a && !a) },
	}[expr]
	require.NotNil(t, f, expr)
	var n int64
	for bits := range 16 {
		if f(bits&1 != 0, bits&2 != 0, bits&4 != 0, bits&8 != 0) {
			n++
		}
	}
	return n
}

// genFM is a random feature model with its own semantics, independent of
// the reader and the encoder.
type genFM struct {
	parent []int
	groups []genGroup
	exprs  []genExpr
}

type genGroup struct {
	kind     string // mandatory, optional, alternative, or, [n..m]
	lo, hi   int    // for cardinality; hi -1 = *
	parent   int
	children []int
}

type genExpr struct {
	op   string // var, !, &, |, =>, <=>
	v    int
	kids []genExpr
}

func (e genExpr) eval(sel []bool) bool {
	switch e.op {
	case "var":
		return sel[e.v]
	case "!":
		return !e.kids[0].eval(sel)
	case "&":
		return e.kids[0].eval(sel) && e.kids[1].eval(sel)
	case "|":
		return e.kids[0].eval(sel) || e.kids[1].eval(sel)
	case "=>":
		return !e.kids[0].eval(sel) || e.kids[1].eval(sel)
	}
	return e.kids[0].eval(sel) == e.kids[1].eval(sel)
}

func (e genExpr) String() string {
	switch e.op {
	case "var":
		return fmt.Sprintf(`"f %d"`, e.v)
	case "!":
		return "!" + e.kids[0].String()
	}
	return "(" + e.kids[0].String() + " " + e.op + " " + e.kids[1].String() + ")"
}

func randExpr(r *rand.Rand, n, depth int) genExpr {
	if depth == 0 || r.IntN(4) == 0 {
		return genExpr{op: "var", v: r.IntN(n)}
	}
	ops := []string{"!", "&", "|", "=>", "<=>", "<=>"}
	op := ops[r.IntN(len(ops))]
	if op == "!" {
		return genExpr{op: op, kids: []genExpr{randExpr(r, n, depth-1)}}
	}
	return genExpr{op: op, kids: []genExpr{randExpr(r, n, depth-1), randExpr(r, n, depth-1)}}
}

func randFM(r *rand.Rand) genFM {
	g := genFM{parent: []int{-1}}
	n := 2 + r.IntN(9)
	for len(g.parent) < n {
		p := r.IntN(len(g.parent))
		kinds := []string{"mandatory", "optional", "alternative", "or", "card"}
		gr := genGroup{kind: kinds[r.IntN(len(kinds))], parent: p}
		k := 1 + r.IntN(min(3, n-len(g.parent)))
		for range k {
			gr.children = append(gr.children, len(g.parent))
			g.parent = append(g.parent, p)
		}
		if gr.kind == "card" {
			gr.lo = r.IntN(k + 2)
			gr.hi = gr.lo + r.IntN(k+1) - 1
			if r.IntN(3) == 0 {
				gr.hi = -1
			}
		}
		g.groups = append(g.groups, gr)
	}
	for range r.IntN(4) {
		g.exprs = append(g.exprs, randExpr(r, n, 1+r.IntN(5)))
	}
	return g
}

func (g genFM) uvl() string {
	var sb strings.Builder
	sb.WriteString("features\n")
	var feat func(f int, indent string)
	feat = func(f int, indent string) {
		fmt.Fprintf(&sb, "%s\"f %d\"\n", indent, f)
		for _, gr := range g.groups {
			if gr.parent != f {
				continue
			}
			kind := gr.kind
			if kind == "card" {
				hi := "*"
				if gr.hi >= 0 {
					hi = fmt.Sprint(gr.hi)
				}
				kind = fmt.Sprintf("[%d..%s]", gr.lo, hi)
			}
			sb.WriteString(indent + "  " + kind + "\n")
			for _, c := range gr.children {
				feat(c, indent+"    ")
			}
		}
	}
	feat(0, "  ")
	if len(g.exprs) > 0 {
		sb.WriteString("constraints\n")
		for _, e := range g.exprs {
			sb.WriteString("  " + e.String() + "\n")
		}
	}
	return sb.String()
}

func (g genFM) count() int64 {
	n := len(g.parent)
	sel := make([]bool, n)
	var total int64
	for bits := range 1 << n {
		for i := range sel {
			sel[i] = bits&(1<<i) != 0
		}
		if g.valid(sel) {
			total++
		}
	}
	return total
}

func (g genFM) valid(sel []bool) bool {
	if !sel[0] {
		return false
	}
	for f, p := range g.parent {
		if p >= 0 && sel[f] && !sel[p] {
			return false
		}
	}
	for _, gr := range g.groups {
		if !sel[gr.parent] {
			continue
		}
		k := 0
		for _, c := range gr.children {
			if sel[c] {
				k++
			}
		}
		lo, hi := 0, len(gr.children)
		switch gr.kind {
		case "mandatory":
			lo = hi
		case "alternative":
			lo, hi = 1, 1
		case "or":
			lo = 1
		case "card":
			lo = gr.lo
			if gr.hi >= 0 {
				hi = gr.hi
			}
		}
		if k < lo || k > hi {
			return false
		}
	}
	for _, e := range g.exprs {
		if !e.eval(sel) {
			return false
		}
	}
	return true
}

func TestReadUVLRandomModelsMatchOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	iters := 2000
	if testing.Short() {
		iters = 200
	}
	aux, nonzero := 0, 0
	for i := range iters {
		g := randFM(r)
		src := g.uvl()
		fm, err := ReadUVL(strings.NewReader(src))
		require.NoError(t, err, src)
		require.Len(t, fm.Features, len(g.parent))
		want := g.count()
		got, err := CountCNF(fm.Model, CountOptions{})
		require.NoError(t, err)
		require.Equal(t, big.NewInt(want), got, "model %d:\n%s", i, src)
		if len(fm.Model.Vars) > len(fm.Features) {
			aux++
			if len(fm.Model.Vars) <= 18 && i%4 == 0 {
				require.Equal(t, want, bruteCount(fm.Model), "brute force over all variables, model %d:\n%s", i, src)
			}
		}
		if want > 0 {
			nonzero++
		}
	}
	assert.Greater(t, aux, iters/20, "the Tseitin path must be exercised")
	assert.Greater(t, nonzero, iters/3)
}

func TestReadUVLTseitin(t *testing.T) {
	// The parity of 8 features needs 128 clauses directly: the encoder
	// uses auxiliary variables, which must not change the count (half of
	// the 256 selections of the 8 optional features).
	var sb strings.Builder
	sb.WriteString("features\n\tR\n\t\toptional\n")
	for i := range 8 {
		fmt.Fprintf(&sb, "\t\t\tF%d\n", i)
	}
	sb.WriteString("constraints\n\tF0 <=> F1 <=> F2 <=> F3 <=> F4 <=> F5 <=> F6 <=> F7\n")
	fm, err := ReadUVL(strings.NewReader(sb.String()))
	require.NoError(t, err)
	require.Greater(t, len(fm.Model.Vars), 9)
	assert.False(t, fm.IsAuxiliary(8))
	assert.True(t, fm.IsAuxiliary(9))
	assert.Equal(t, "aux 1", fm.Model.Vars[9].Name)
	got, err := CountCNF(fm.Model, CountOptions{})
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(128), got)
	assert.Equal(t, int64(128), bruteCount(fm.Model))
}

func TestReadUVLSyntaxVariants(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want int64
	}{
		{"spaces for indentation", "features\n    R\n        or\n            A\n            B\n", 3},
		{"include and comments", "include\n\tBoolean.*\n// c\nfeatures /* x */\n\tR\n\t\talternative\n\t\t\tA\n\t\t\tB\n", 2},
		{"Boolean type and dotted names", "features\n\tBoolean R\n\t\toptional\n\t\t\t\"a.b\"\n\t\t\tc\nconstraints\n\t\"a.b\" => c\n", 3},
		{"constraint over two lines in parentheses", "features\n\tR\n\t\toptional\n\t\t\tA\n\t\t\tB\nconstraints\n\t(A\n\t\t=> B)\n", 3},
		{"constraint attributes", "features\n\tR\n\t\toptional\n\t\t\tA {constraint A => B}\n\t\t\tB {constraints [!B | C, C]}\n\t\t\tC\n", 3}, // C; A => B
		{"CRLF line ends and a byte order mark", "\uFEFFfeatures\r\n\tR\r\n\t\tor\r\n\t\t\tA\r\n\t\t\tB\r\nconstraints\r\n\tA\r\n", 2},
		{"no constraints section", "features\n\tR\n", 1},
		{"empty constraints section", "features\n\tR\nconstraints\n", 1},
		{"several groups under one feature", "features\n\tR\n\t\tmandatory\n\t\t\tA\n\t\toptional\n\t\t\tB\n\t\talternative\n\t\t\tC\n\t\t\tD\n", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, countUVL(t, tt.src))
		})
	}
}

func TestReadUVLErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		sentinel  error
		msg       string
	}{
		{"missing features", "namespace X\n", 1, 0, ErrSyntax, "missing features section"},
		{"not a group", "features\n\tA\n\t\tfoo\n", 3, 3, ErrSyntax, `unexpected "foo", want a group`},
		{"inconsistent indentation", "features\n\tA\n\t\toptional\n\t\t\tB\n\t\t  C\n", 5, 5, ErrSyntax, "inconsistent indentation: line 4 is indented differently"},
		{"siblings indented differently", "features\n\tA\n\t\toptional\n\t\t\tB\n\t\t\t\tmandatory\n\t\t\t\t\tC\n\t\t\t  \tD\n", 7, 7, ErrSyntax, "inconsistent indentation: line 5 is indented differently"},
		{"two roots", "features\n\tA\n\tB\n", 3, 2, ErrSyntax, "more than one root feature"},
		{"duplicate feature", "features\n\tA\n\t\toptional\n\t\t\tB\n\t\t\tB\n", 5, 4, ErrSyntax, `feature "B" declared twice (first on line 4)`},
		{"unknown feature", "features\n\tA\nconstraints\n\tA => Nope\n", 4, 7, ErrSyntax, `unknown feature "Nope"`},
		{"unterminated quote", "features\n\t\"A\n", 2, 2, ErrSyntax, "unterminated quoted name"},
		{"unterminated comment", "features\n\tA /* x\n", 2, 4, ErrSyntax, "unterminated comment"},
		{"imports", "imports\n\tx.y as z\nfeatures\n\tA\n", 1, 1, ErrUnsupported, "imports are not supported"},
		{"integer feature", "features\n\tA\n\t\toptional\n\t\t\tInteger size\n", 4, 4, ErrUnsupported, "Integer features are not supported"},
		{"feature cardinality", "features\n\tA\n\t\toptional\n\t\t\tB cardinality [1..3]\n", 4, 6, ErrUnsupported, "feature cardinalities are not supported"},
		{"arithmetic", "features\n\tA\nconstraints\n\tA + A > 2\n", 4, 4, ErrUnsupported, "arithmetic and string constraints are not supported"},
		{"aggregate", "features\n\tA\nconstraints\n\tsum(A) > 2\n", 4, 2, ErrUnsupported, "aggregate function sum is not supported"},
		{"missing operand", "features\n\tA\nconstraints\n\tA =>\n", 4, 4, ErrSyntax, "missing operand after =>"},
		{"unbalanced paren", "features\n\tA\nconstraints\n\tA)\n", 4, 3, ErrSyntax, "unbalanced )"},
		{"unclosed paren", "features\n\tA\nconstraints\n\t(A\n", 4, 2, ErrSyntax, "unclosed ("},
		{"empty group", "features\n\tA\n\t\tor\n", 3, 3, ErrSyntax, "or group has no features"},
		{"malformed cardinality", "features\n\tA\n\t\t[1..]\n\t\t\tB\n", 3, 7, ErrSyntax, "malformed group cardinality"},
		{"unclosed attributes", "features\n\tA {abstract\n", 2, 4, ErrSyntax, "unclosed {"},
		{"bad character", "features\n\tA $\n", 2, 4, ErrSyntax, `unexpected character '$'`},
		{"top-level junk", "feature\n\tA\n", 1, 1, ErrSyntax, `unexpected "feature", want namespace`},
		{"indented top level", " features\n\tA\n", 1, 2, ErrSyntax, "unexpected indentation"},
		{"keyword as feature", "features\n\tA\n\t\toptional\n\t\t\tor\n", 4, 4, ErrSyntax, `unexpected keyword "or"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadUVL(strings.NewReader(tt.src))
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T %v", err, err)
			assert.Equal(t, "uvl", pe.Format)
			assert.Equal(t, tt.line, pe.Line, err.Error())
			assert.Equal(t, tt.col, pe.Column, err.Error())
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestReadUVLLimits(t *testing.T) {
	deep := "features\n" + strings.Repeat("\t", 1) + "R\n"
	indent := "\t"
	for i := range 10 {
		indent += "\t"
		deep += indent + "optional\n"
		indent += "\t"
		deep += indent + fmt.Sprintf("F%d\n", i)
	}
	_, err := ReadUVLLimits(strings.NewReader(deep), Limits{MaxDepth: 5})
	require.ErrorIs(t, err, ErrLimit)
	_, err = ReadUVLLimits(strings.NewReader(deep), Limits{MaxVars: 5})
	require.ErrorIs(t, err, ErrLimit)
	_, err = ReadUVLLimits(strings.NewReader("features\n\tR\nconstraints\n\t"+strings.Repeat("(", 50)+"R"+strings.Repeat(")", 50)+"\n"), Limits{MaxDepth: 20})
	require.ErrorIs(t, err, ErrLimit)
}
