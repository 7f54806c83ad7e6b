package modelio

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// GroupKind is the kind of a UVL group: how many of its features a selected
// parent takes.
type GroupKind uint8

const (
	// GroupMandatory: every feature of the group is selected with its parent.
	GroupMandatory GroupKind = iota + 1
	// GroupOptional: any subset.
	GroupOptional
	// GroupAlternative: exactly one.
	GroupAlternative
	// GroupOr: at least one.
	GroupOr
	// GroupCardinality: between Min and Max.
	GroupCardinality
)

func (k GroupKind) String() string {
	switch k {
	case GroupMandatory:
		return "mandatory"
	case GroupOptional:
		return "optional"
	case GroupAlternative:
		return "alternative"
	case GroupOr:
		return "or"
	case GroupCardinality:
		return "cardinality"
	}
	return "GroupKind(" + strconv.Itoa(int(k)) + ")"
}

// FeatureModel is a UVL feature model encoded as a boolean csp.Model.
//
// Model.Vars[i] is Features[i] for i < len(Features) (value index 1 means
// selected); the variables after them are auxiliary, each defined by an
// equivalence over the features, and are named "aux N".
type FeatureModel struct {
	Model     *csp.Model
	Namespace string
	Features  []Feature
	Groups    []Group
	// Constraints holds the cross-tree constraints as written (one per line
	// of the constraints section, then those given as feature attributes).
	Constraints []string
}

// Feature is one feature of a FeatureModel.
type Feature struct {
	Name string
	// Parent is the index of the parent feature, -1 for the root.
	Parent int
	// Group is the index in FeatureModel.Groups of the group the feature
	// belongs to, -1 for the root.
	Group    int
	Abstract bool
	// Attributes holds the feature's attributes: bool, int64, float64,
	// string, []any or map[string]any; a key without a value is true.
	Attributes map[string]any
	// Line is where the feature is declared.
	Line int
}

// Group is a group of features under a parent.
type Group struct {
	Kind   GroupKind
	Parent int
	// Features are the indices of the group's features.
	Features []int
	// Min and Max bound the number of selected features when the parent is
	// selected (derived from the kind; for cardinality groups as written,
	// with "*" as the group size).
	Min, Max int
}

// IsAuxiliary reports whether model variable v is an auxiliary variable.
func (fm *FeatureModel) IsAuxiliary(v int) bool { return v >= len(fm.Features) }

// ReadUVL reads a UVL feature model with the default Limits.
//
// Supported: namespace; include (the language levels are accepted and
// ignored); the features tree by indentation (tabs or spaces, used
// consistently), with groups mandatory, optional, alternative, or and
// cardinality groups [n], [n..m], [n..*]; the Boolean feature type;
// attributes in braces, kept in Feature.Attributes (a constraint or
// constraints attribute adds cross-tree constraints); quoted names (taken
// literally) and dotted references; the constraints section with !, &, |,
// =>, <=> and parentheses (precedence in that order, binary operators left
// associative); // and /* */ comments.
//
// Refused with ErrUnsupported: imports, feature cardinalities, Integer,
// String and Real features, and arithmetic or string constraints.
//
// The encoding (exact, so that counting solutions counts feature
// selections): the root is selected; every feature requires its parent; a
// mandatory feature is required by its parent; an alternative group is one
// cardinality constraint [1,1] over its features and the negated parent; an
// or group is the clause (!parent | features...); a cardinality group [n..m]
// under parent p bounds its selected features to [n,m] when p is selected
// (for n >= 2 with n-1 auxiliary copies of !p; m < n or n greater than the
// group size forbids p). Cross-tree constraints are split at top-level
// conjunctions and converted to clauses directly when that takes at most 32
// clauses, otherwise by the Tseitin transformation with a full equivalence
// for every auxiliary variable.
func ReadUVL(r io.Reader) (*FeatureModel, error) {
	return ReadUVLLimits(r, Limits{})
}

// ReadUVLLimits is ReadUVL with explicit limits.
func ReadUVLLimits(r io.Reader, lim Limits) (*FeatureModel, error) {
	lim = lim.withDefaults()
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("uvl: read: %w", err)
	}
	lines, err := lexUVL(string(src), lim)
	if err != nil {
		return nil, err
	}
	p := &uvlParser{src: string(src), lim: lim, byName: map[string]int{}}
	if err := p.parse(buildLineTree(lines)); err != nil {
		return nil, err
	}
	return p.encode()
}

// lineNode is a line with the lines indented under it.
type lineNode struct {
	*uvlLine
	children []*lineNode
}

// buildLineTree nests lines by indentation. Consistency (siblings indented
// alike) is checked by the parser, which knows what each line is.
func buildLineTree(lines []uvlLine) []*lineNode {
	var top []*lineNode
	var stack []*lineNode
	for i := range lines {
		n := &lineNode{uvlLine: &lines[i]}
		for len(stack) > 0 {
			parent := stack[len(stack)-1]
			if len(n.indent) > len(parent.indent) && strings.HasPrefix(n.indent, parent.indent) {
				break
			}
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			top = append(top, n)
		} else {
			parent := stack[len(stack)-1]
			parent.children = append(parent.children, n)
		}
		stack = append(stack, n)
	}
	return top
}

type uvlParser struct {
	src       string
	lim       Limits
	namespace string
	features  []Feature
	groups    []Group
	byName    map[string]int
	exprs     []*uvlExpr
	texts     []string
	owners    []int // feature owning an attribute constraint, -1 for the constraints section
	hasFeat   bool
	hasCons   bool
	hasNS     bool
}

func (p *uvlParser) errAt(t token, sentinel error, format string, args ...any) error {
	return &ParseError{Format: "uvl", Line: t.line, Column: t.col, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func describe(t token) string {
	switch t.kind {
	case tokQuoted:
		return strconv.Quote(t.text)
	case tokString:
		return "'" + t.text + "'"
	}
	return strconv.Quote(t.text)
}

// checkSiblings requires all nodes to share the first one's indentation.
func (p *uvlParser) checkSiblings(nodes []*lineNode) error {
	for _, n := range nodes[1:] {
		if n.indent != nodes[0].indent {
			return p.errAt(n.toks[0], ErrSyntax, "inconsistent indentation: line %d is indented differently", nodes[0].line)
		}
	}
	return nil
}

func (p *uvlParser) parse(top []*lineNode) error {
	for _, n := range top {
		t := n.toks[0]
		if n.indent != "" {
			return p.errAt(t, ErrSyntax, "unexpected indentation")
		}
		switch {
		case t.keyword("namespace"):
			if p.hasNS || p.hasFeat || p.hasCons {
				return p.errAt(t, ErrSyntax, "namespace must come first, once")
			}
			p.hasNS = true
			name, rest, err := p.reference(n.toks[1:], t)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return p.errAt(rest[0], ErrSyntax, "unexpected %s after the namespace", describe(rest[0]))
			}
			if len(n.children) > 0 {
				return p.errAt(n.children[0].toks[0], ErrSyntax, "unexpected indentation")
			}
			p.namespace = name
		case t.keyword("include"):
			if len(n.toks) > 1 {
				return p.errAt(n.toks[1], ErrSyntax, "unexpected %s after include", describe(n.toks[1]))
			}
			// Language levels only declare what the model uses.
		case t.keyword("imports"):
			return p.errAt(t, ErrUnsupported, "imports are not supported")
		case t.keyword("features"):
			if p.hasFeat {
				return p.errAt(t, ErrSyntax, "second features section")
			}
			p.hasFeat = true
			if len(n.toks) > 1 {
				return p.errAt(n.toks[1], ErrSyntax, "unexpected %s after features", describe(n.toks[1]))
			}
			if len(n.children) == 0 {
				return p.errAt(t, ErrSyntax, "features section has no root feature")
			}
			if len(n.children) > 1 {
				return p.errAt(n.children[1].toks[0], ErrSyntax, "features section has more than one root feature")
			}
			if err := p.feature(n.children[0], -1, -1, 1); err != nil {
				return err
			}
		case t.keyword("constraints"):
			if p.hasCons {
				return p.errAt(t, ErrSyntax, "second constraints section")
			}
			p.hasCons = true
			if len(n.toks) > 1 {
				return p.errAt(n.toks[1], ErrSyntax, "unexpected %s after constraints", describe(n.toks[1]))
			}
			if len(n.children) > 0 {
				if err := p.checkSiblings(n.children); err != nil {
					return err
				}
			}
			for _, c := range n.children {
				if len(c.children) > 0 {
					return p.errAt(c.children[0].toks[0], ErrSyntax, "unexpected indentation inside a constraint")
				}
				e, rest, err := p.expr(c.toks, 0)
				if err != nil {
					return err
				}
				if len(rest) > 0 {
					return p.unexpectedInExpr(rest[0])
				}
				p.addConstraint(e, c.toks, -1)
			}
		default:
			return p.errAt(t, ErrSyntax, "unexpected %s, want namespace, include, imports, features or constraints", describe(t))
		}
	}
	if !p.hasFeat {
		line := 1
		if len(top) > 0 {
			line = top[0].line
		}
		return &ParseError{Format: "uvl", Line: line, Msg: "missing features section", Err: ErrSyntax}
	}
	return nil
}

func (p *uvlParser) addConstraint(e *uvlExpr, toks []token, owner int) {
	first, last := toks[0], toks[len(toks)-1]
	text := strings.Join(strings.Fields(p.src[first.off:last.end]), " ")
	p.exprs = append(p.exprs, e)
	p.texts = append(p.texts, text)
	p.owners = append(p.owners, owner)
}

// reference parses id ('.' id)* and returns the joined name.
func (p *uvlParser) reference(toks []token, after token) (string, []token, error) {
	if len(toks) == 0 {
		return "", nil, p.errAt(after, ErrSyntax, "missing name after %s", describe(after))
	}
	var sb strings.Builder
	for {
		t := toks[0]
		if t.kind != tokIdent && t.kind != tokQuoted {
			return "", nil, p.errAt(t, ErrSyntax, "unexpected %s, want a name", describe(t))
		}
		sb.WriteString(t.text)
		toks = toks[1:]
		if len(toks) < 2 || !toks[0].is(tokPunct, ".") {
			return sb.String(), toks, nil
		}
		sb.WriteByte('.')
		toks = toks[1:]
	}
}

var featureTypes = map[string]bool{"Boolean": true, "Integer": false, "String": false, "Real": false}

func (p *uvlParser) feature(n *lineNode, parent, group, depth int) error {
	if depth > p.lim.MaxDepth {
		return p.errAt(n.toks[0], ErrLimit, "features nested deeper than %d", p.lim.MaxDepth)
	}
	toks := n.toks
	if ok, known := featureTypes[toks[0].text]; known && toks[0].kind == tokIdent && len(toks) > 1 {
		if !ok {
			return p.errAt(toks[0], ErrUnsupported, "%s features are not supported", toks[0].text)
		}
		toks = toks[1:]
	}
	if toks[0].kind == tokIdent && isUVLKeyword(toks[0].text) {
		return p.errAt(toks[0], ErrSyntax, "unexpected keyword %q, want a feature name", toks[0].text)
	}
	name, rest, err := p.reference(toks, toks[0])
	if err != nil {
		return err
	}
	if prev, dup := p.byName[name]; dup {
		return p.errAt(toks[0], ErrSyntax, "feature %q declared twice (first on line %d)", name, p.features[prev].Line)
	}
	if len(p.features) >= p.lim.MaxVars {
		return p.errAt(toks[0], ErrLimit, "more than %d features", p.lim.MaxVars)
	}
	idx := len(p.features)
	p.byName[name] = idx
	p.features = append(p.features, Feature{Name: name, Parent: parent, Group: group, Line: toks[0].line})
	if len(rest) > 0 && rest[0].keyword("cardinality") {
		return p.errAt(rest[0], ErrUnsupported, "feature cardinalities are not supported")
	}
	if len(rest) > 0 && rest[0].is(tokPunct, "{") {
		attrs, after, err := p.attributes(rest, idx, 0)
		if err != nil {
			return err
		}
		rest = after
		p.features[idx].Attributes = attrs
		if v, ok := attrs["abstract"].(bool); ok && v {
			p.features[idx].Abstract = true
		}
	}
	if len(rest) > 0 {
		return p.errAt(rest[0], ErrSyntax, "unexpected %s after feature %q", describe(rest[0]), name)
	}
	if len(n.children) > 0 {
		if err := p.checkSiblings(n.children); err != nil {
			return err
		}
	}
	for _, g := range n.children {
		if err := p.group(g, idx, depth); err != nil {
			return err
		}
	}
	return nil
}

func isUVLKeyword(s string) bool {
	switch s {
	case "namespace", "features", "constraints", "imports", "include", "mandatory", "optional", "alternative", "or", "cardinality", "constraint", "as":
		return true
	}
	return false
}

func (p *uvlParser) group(n *lineNode, parent, depth int) error {
	t := n.toks[0]
	g := Group{Parent: parent}
	rest := n.toks[1:]
	switch {
	case t.keyword("mandatory"):
		g.Kind = GroupMandatory
	case t.keyword("optional"):
		g.Kind = GroupOptional
	case t.keyword("alternative"):
		g.Kind, g.Min, g.Max = GroupAlternative, 1, 1
	case t.keyword("or"):
		g.Kind, g.Min = GroupOr, 1
	case t.is(tokPunct, "["):
		g.Kind = GroupCardinality
		var err error
		if g.Min, g.Max, rest, err = p.cardinality(n.toks); err != nil {
			return err
		}
	default:
		return p.errAt(t, ErrSyntax, "unexpected %s, want a group (mandatory, optional, alternative, or, [n..m])", describe(t))
	}
	if len(rest) > 0 {
		return p.errAt(rest[0], ErrSyntax, "unexpected %s after the group kind", describe(rest[0]))
	}
	if len(n.children) == 0 {
		return p.errAt(t, ErrSyntax, "%s group has no features", g.Kind)
	}
	if err := p.checkSiblings(n.children); err != nil {
		return err
	}
	gi := len(p.groups)
	p.groups = append(p.groups, g)
	for _, c := range n.children {
		p.groups[gi].Features = append(p.groups[gi].Features, len(p.features))
		if err := p.feature(c, parent, gi, depth+1); err != nil {
			return err
		}
	}
	k := len(p.groups[gi].Features)
	switch g.Kind {
	case GroupMandatory:
		p.groups[gi].Min, p.groups[gi].Max = k, k
	case GroupOptional:
		p.groups[gi].Max = k
	case GroupOr:
		p.groups[gi].Max = k
	case GroupCardinality:
		if p.groups[gi].Max < 0 {
			p.groups[gi].Max = k
		}
	}
	return nil
}

// cardinality parses [n], [n..m] or [n..*]; a max of -1 stands for "*".
func (p *uvlParser) cardinality(toks []token) (lo, hi int, rest []token, err error) {
	num := func(i int) (int, error) {
		if i >= len(toks) || toks[i].kind != tokInt {
			at := toks[len(toks)-1]
			if i < len(toks) {
				at = toks[i]
			}
			return 0, p.errAt(at, ErrSyntax, "malformed group cardinality, want [n], [n..m] or [n..*]")
		}
		v, err := strconv.Atoi(toks[i].text)
		if err != nil || v > 1<<30 {
			return 0, p.errAt(toks[i], ErrSyntax, "group cardinality %s out of range", toks[i].text)
		}
		return v, nil
	}
	if lo, err = num(1); err != nil {
		return
	}
	malformed := func(i int) error {
		at := toks[len(toks)-1]
		if i < len(toks) {
			at = toks[i]
		}
		return p.errAt(at, ErrSyntax, "malformed group cardinality, want [n], [n..m] or [n..*]")
	}
	if len(toks) > 2 && toks[2].is(tokPunct, "]") {
		return lo, lo, toks[3:], nil
	}
	if len(toks) < 3 || !toks[2].is(tokPunct, "..") {
		return 0, 0, nil, malformed(2)
	}
	if len(toks) > 3 && toks[3].is(tokPunct, "*") {
		hi = -1
	} else if hi, err = num(3); err != nil {
		return
	}
	if len(toks) < 5 || !toks[4].is(tokPunct, "]") {
		return 0, 0, nil, malformed(4)
	}
	return lo, hi, toks[5:], nil
}

// attributes parses {key value, ...} starting at toks[0] == "{".
func (p *uvlParser) attributes(toks []token, owner, depth int) (map[string]any, []token, error) {
	if depth > p.lim.MaxDepth {
		return nil, nil, p.errAt(toks[0], ErrLimit, "attributes nested deeper than %d", p.lim.MaxDepth)
	}
	open := toks[0]
	toks = toks[1:]
	attrs := map[string]any{}
	for {
		if len(toks) == 0 {
			return nil, nil, p.errAt(open, ErrSyntax, "unclosed {")
		}
		if toks[0].is(tokPunct, "}") && len(attrs) == 0 {
			return attrs, toks[1:], nil
		}
		key := toks[0]
		if key.kind != tokIdent && key.kind != tokQuoted {
			return nil, nil, p.errAt(key, ErrSyntax, "unexpected %s, want an attribute name", describe(key))
		}
		toks = toks[1:]
		switch {
		case key.keyword("constraint") && owner >= 0:
			e, rest, err := p.expr(toks, 0)
			if err != nil {
				return nil, nil, err
			}
			p.addConstraint(e, toks[:len(toks)-len(rest)], owner)
			toks = rest
		case key.keyword("constraints") && owner >= 0:
			if len(toks) == 0 || !toks[0].is(tokPunct, "[") {
				at := key
				if len(toks) > 0 {
					at = toks[0]
				}
				return nil, nil, p.errAt(at, ErrSyntax, "want [ after constraints")
			}
			toks = toks[1:]
			for len(toks) > 0 && !toks[0].is(tokPunct, "]") {
				e, rest, err := p.expr(toks, 0)
				if err != nil {
					return nil, nil, err
				}
				p.addConstraint(e, toks[:len(toks)-len(rest)], owner)
				toks = rest
				if len(toks) > 0 && toks[0].is(tokPunct, ",") {
					toks = toks[1:]
				}
			}
			if len(toks) == 0 {
				return nil, nil, p.errAt(key, ErrSyntax, "unclosed [")
			}
			toks = toks[1:]
		default:
			if len(toks) > 0 && !toks[0].is(tokPunct, ",") && !toks[0].is(tokPunct, "}") {
				v, rest, err := p.value(toks, owner, depth)
				if err != nil {
					return nil, nil, err
				}
				attrs[key.text] = v
				toks = rest
			} else {
				attrs[key.text] = true
			}
		}
		if len(toks) == 0 {
			return nil, nil, p.errAt(open, ErrSyntax, "unclosed {")
		}
		switch {
		case toks[0].is(tokPunct, "}"):
			return attrs, toks[1:], nil
		case toks[0].is(tokPunct, ","):
			toks = toks[1:]
		default:
			return nil, nil, p.errAt(toks[0], ErrSyntax, "unexpected %s in attributes, want , or }", describe(toks[0]))
		}
	}
}

func (p *uvlParser) value(toks []token, owner, depth int) (any, []token, error) {
	t := toks[0]
	switch {
	case t.keyword("true"):
		return true, toks[1:], nil
	case t.keyword("false"):
		return false, toks[1:], nil
	case t.kind == tokString:
		return t.text, toks[1:], nil
	case t.kind == tokInt || t.kind == tokFloat || t.is(tokPunct, "-"):
		neg := ""
		if t.is(tokPunct, "-") {
			if len(toks) < 2 || (toks[1].kind != tokInt && toks[1].kind != tokFloat) {
				return nil, nil, p.errAt(t, ErrSyntax, "want a number after -")
			}
			neg, toks = "-", toks[1:]
			t = toks[0]
		}
		if t.kind == tokInt {
			v, err := strconv.ParseInt(neg+t.text, 10, 64)
			if err != nil {
				return nil, nil, p.errAt(t, ErrSyntax, "integer %s%s out of range", neg, t.text)
			}
			return v, toks[1:], nil
		}
		v, err := strconv.ParseFloat(neg+t.text, 64)
		if err != nil {
			return nil, nil, p.errAt(t, ErrSyntax, "invalid number %s%s", neg, t.text)
		}
		return v, toks[1:], nil
	case t.is(tokPunct, "{"):
		return p.attributes(toks, -1, depth+1)
	case t.is(tokPunct, "["):
		var vec []any
		rest := toks[1:]
		for {
			if len(rest) == 0 {
				return nil, nil, p.errAt(t, ErrSyntax, "unclosed [")
			}
			if rest[0].is(tokPunct, "]") && len(vec) == 0 {
				return vec, rest[1:], nil
			}
			v, after, err := p.value(rest, owner, depth+1)
			if err != nil {
				return nil, nil, err
			}
			vec = append(vec, v)
			rest = after
			if len(rest) == 0 {
				return nil, nil, p.errAt(t, ErrSyntax, "unclosed [")
			}
			if rest[0].is(tokPunct, "]") {
				return vec, rest[1:], nil
			}
			if !rest[0].is(tokPunct, ",") {
				return nil, nil, p.errAt(rest[0], ErrSyntax, "unexpected %s in a list, want , or ]", describe(rest[0]))
			}
			rest = rest[1:]
		}
	}
	return nil, nil, p.errAt(t, ErrSyntax, "unexpected %s, want an attribute value", describe(t))
}
