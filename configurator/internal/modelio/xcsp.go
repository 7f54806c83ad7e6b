package modelio

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// ReadXCSP reads an XCSP 2.1 instance with extensional constraints, with the
// default Limits.
//
// Domains ("1..5 7 9": integers and ranges) become value indices in
// ascending order of value, labelled with the value in decimal; a domain
// shared by several variables gives each its own copy of the labels.
// Relations with semantics "supports" or "conflicts" become table
// constraints (Forbidden for conflicts); a relation referenced by several
// constraints over variables with the same domains shares its mapped tuples.
// A tuple holding a value outside its variable's domain can never match and
// is dropped. The nb* counts (nbValues, nbTuples, arity, nbDomains, ...) are
// checked when present. Predicates, functions, intensional and global
// constraints and soft relations are refused with ErrUnsupported.
func ReadXCSP(r io.Reader) (*csp.Model, error) {
	return ReadXCSPLimits(r, Limits{})
}

// ReadXCSPLimits is ReadXCSP with explicit limits.
func ReadXCSPLimits(r io.Reader, lim Limits) (*csp.Model, error) {
	lim = lim.withDefaults()
	x := &xcspReader{lim: lim, domains: map[string]*xDomain{}, vars: map[string]int{}, rels: map[string]*xRelation{}}
	if err := x.read(r); err != nil {
		return nil, err
	}
	return x.build()
}

type xPos struct{ line, col int }

type xDomain struct {
	name   string
	pos    xPos
	values []int64
	index  map[int64]int
}

type xVariable struct {
	name, domain string
	pos          xPos
}

type xRelation struct {
	name      string
	pos       xPos
	arity     int
	forbidden bool
	cells     []int64 // tuples, arity cells each
}

type xConstraint struct {
	name      string
	pos       xPos
	arity     int
	hasArity  bool
	scope     []string
	reference string
}

type xcspReader struct {
	lim      Limits
	dec      *xml.Decoder
	src      *readErrRecorder
	name     string
	domains  map[string]*xDomain
	varList  []xVariable
	vars     map[string]int
	rels     map[string]*xRelation
	cons     []xConstraint
	cells    int
	counts   map[string]xCount // declared nbX per section
	seenRoot bool
}

type xCount struct {
	n   int
	pos xPos
}

func (x *xcspReader) errAt(p xPos, sentinel error, format string, args ...any) error {
	return &ParseError{Format: "xcsp", Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func attr(se xml.StartElement, name string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (x *xcspReader) intAttr(se xml.StartElement, p xPos, name string, required bool) (int, bool, error) {
	s, ok := attr(se, name)
	if !ok {
		if required {
			return 0, false, x.errAt(p, ErrSyntax, "<%s> lacks the %s attribute", se.Name.Local, name)
		}
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, false, x.errAt(p, ErrSyntax, "<%s> %s=%q is not a non-negative integer", se.Name.Local, name, s)
	}
	return n, true, nil
}

func (x *xcspReader) nameAttr(se xml.StartElement, p xPos) (string, error) {
	s, ok := attr(se, "name")
	if !ok || strings.TrimSpace(s) == "" {
		return "", x.errAt(p, ErrSyntax, "<%s> lacks a name", se.Name.Local)
	}
	return strings.TrimSpace(s), nil
}

// text reads the character data of the current element up to its end,
// refusing child elements.
func (x *xcspReader) text(se xml.StartElement, p xPos) (string, error) {
	var sb strings.Builder
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return "", x.xmlErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if sb.Len()+len(t) > 16*x.lim.MaxCells {
				return "", x.errAt(p, ErrLimit, "<%s> content longer than %d bytes", se.Name.Local, 16*x.lim.MaxCells)
			}
			sb.Write(t)
		case xml.StartElement:
			line, col := x.dec.InputPos()
			return "", x.errAt(xPos{line, col}, ErrSyntax, "unexpected <%s> inside <%s>", t.Name.Local, se.Name.Local)
		case xml.EndElement:
			return sb.String(), nil
		}
	}
}

func (x *xcspReader) xmlErr(err error) error {
	if x.src.err != nil && x.src.err != io.EOF {
		return fmt.Errorf("xcsp: read: %w", x.src.err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Format: "xcsp", Line: se.Line, Msg: se.Msg, Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
	}
	line, _ := x.dec.InputPos()
	if err == io.EOF {
		return &ParseError{Format: "xcsp", Line: max(line, 1), Msg: "unexpected end of input", Err: ErrSyntax}
	}
	// Other decoder errors (an undeclared charset, say) are about the input.
	return &ParseError{Format: "xcsp", Line: max(line, 1), Msg: strings.TrimPrefix(err.Error(), "xml: "), Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
}

// readErrRecorder remembers the underlying reader's error, to tell read
// failures from malformed input.
type readErrRecorder struct {
	r   io.Reader
	err error
}

func (e *readErrRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

func (x *xcspReader) read(r io.Reader) error {
	x.src = &readErrRecorder{r: r}
	x.dec = xml.NewDecoder(x.src)
	x.counts = map[string]xCount{}
	var stack []string
	for {
		// The position before the token is where its start tag begins.
		line, col := x.dec.InputPos()
		tok, err := x.dec.Token()
		if err == io.EOF {
			if !x.seenRoot {
				return &ParseError{Format: "xcsp", Line: max(line, 1), Msg: "missing <instance>", Err: ErrSyntax}
			}
			return nil
		}
		if err != nil {
			return x.xmlErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			p := xPos{line, col}
			if len(stack) > 64 {
				return x.errAt(p, ErrLimit, "elements nested too deep")
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			consumed, err := x.element(t, parent, p)
			if err != nil {
				return err
			}
			if !consumed {
				stack = append(stack, t.Name.Local)
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 && strings.TrimSpace(string(t)) != "" {
				switch stack[len(stack)-1] {
				case "instance", "domains", "variables", "relations", "constraints":
					return x.errAt(xPos{line, col}, ErrSyntax, "unexpected text inside <%s>", stack[len(stack)-1])
				}
			}
		}
	}
}

// element handles a start tag; consumed reports whether it read the
// element's content and end tag itself.
func (x *xcspReader) element(se xml.StartElement, parent string, p xPos) (consumed bool, err error) {
	name := se.Name.Local
	want := map[string]string{
		"instance": "", "presentation": "instance", "domains": "instance", "variables": "instance",
		"relations": "instance", "predicates": "instance", "functions": "instance", "constraints": "instance",
		"domain": "domains", "variable": "variables", "relation": "relations", "constraint": "constraints",
	}
	wantParent, known := want[name]
	switch {
	case known && wantParent != parent:
		if parent == "" {
			return false, x.errAt(p, ErrSyntax, "<%s> outside <instance>", name)
		}
		return false, x.errAt(p, ErrSyntax, "unexpected <%s> inside <%s>", name, parent)
	case !known && parent == "":
		return false, x.errAt(p, ErrSyntax, "root element <%s>, want <instance>", name)
	case !known && parent == "constraint":
		return false, x.errAt(p, ErrUnsupported, "intensional constraints (<%s>) are not supported", name)
	case !known && parent == "presentation":
		return false, nil
	case !known:
		return false, x.errAt(p, ErrSyntax, "unknown element <%s> inside <%s>", name, parent)
	}
	switch name {
	case "instance":
		if x.seenRoot {
			return false, x.errAt(p, ErrSyntax, "second <instance>")
		}
		x.seenRoot = true
	case "presentation":
		if f, ok := attr(se, "format"); ok && !strings.HasPrefix(strings.TrimSpace(f), "XCSP 2") {
			return false, x.errAt(p, ErrUnsupported, "format %q, want XCSP 2.1", f)
		}
		x.name, _ = attr(se, "name")
		x.name = strings.TrimSpace(x.name)
	case "predicates", "functions":
		return false, x.errAt(p, ErrUnsupported, "intensional constraints (<%s>) are not supported", name)
	case "domains", "variables", "relations", "constraints":
		if _, dup := x.counts[name]; dup {
			return false, x.errAt(p, ErrSyntax, "second <%s>", name)
		}
		nbAttr := "nb" + strings.ToUpper(name[:1]) + name[1:]
		n, ok, err := x.intAttr(se, p, nbAttr, false)
		if err != nil {
			return false, err
		}
		if !ok {
			n = -1
		}
		x.counts[name] = xCount{n, p}
	case "domain":
		return true, x.domain(se, p)
	case "variable":
		return false, x.variable(se, p)
	case "relation":
		return true, x.relation(se, p)
	case "constraint":
		return false, x.constraint(se, p)
	}
	return false, nil
}

func (x *xcspReader) addCells(p xPos, n int) error {
	x.cells += n
	if x.cells > x.lim.MaxCells {
		return x.errAt(p, ErrLimit, "more than %d domain values and tuple cells", x.lim.MaxCells)
	}
	return nil
}

func (x *xcspReader) domain(se xml.StartElement, p xPos) error {
	name, err := x.nameAttr(se, p)
	if err != nil {
		return err
	}
	if _, dup := x.domains[name]; dup {
		return x.errAt(p, ErrSyntax, "domain %q declared twice", name)
	}
	nb, hasNb, err := x.intAttr(se, p, "nbValues", false)
	if err != nil {
		return err
	}
	body, err := x.text(se, p)
	if err != nil {
		return err
	}
	d := &xDomain{name: name, pos: p}
	for _, f := range strings.Fields(body) {
		lo, hi, isRange := strings.Cut(f, "..")
		a, err := strconv.ParseInt(lo, 10, 64)
		if err != nil {
			return x.errAt(p, ErrSyntax, "domain %q: invalid value %q", name, f)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseInt(hi, 10, 64); err != nil || b < a {
				return x.errAt(p, ErrSyntax, "domain %q: invalid range %q", name, f)
			}
		}
		if b-a >= int64(x.lim.MaxCells) {
			return x.errAt(p, ErrLimit, "domain %q: range %q larger than %d values", name, f, x.lim.MaxCells)
		}
		if err := x.addCells(p, int(b-a+1)); err != nil {
			return err
		}
		for v := a; ; v++ {
			d.values = append(d.values, v)
			if v == b {
				break
			}
		}
	}
	slices.Sort(d.values)
	d.values = slices.Compact(d.values)
	if hasNb && nb != len(d.values) {
		return x.errAt(p, ErrSyntax, "domain %q has %d values, nbValues says %d", name, len(d.values), nb)
	}
	d.index = make(map[int64]int, len(d.values))
	for i, v := range d.values {
		d.index[v] = i
	}
	x.domains[name] = d
	return nil
}

func (x *xcspReader) variable(se xml.StartElement, p xPos) error {
	name, err := x.nameAttr(se, p)
	if err != nil {
		return err
	}
	dom, ok := attr(se, "domain")
	if !ok {
		return x.errAt(p, ErrSyntax, "variable %q lacks a domain", name)
	}
	if _, dup := x.vars[name]; dup {
		return x.errAt(p, ErrSyntax, "variable %q declared twice", name)
	}
	if len(x.varList) >= x.lim.MaxVars {
		return x.errAt(p, ErrLimit, "more than %d variables", x.lim.MaxVars)
	}
	x.vars[name] = len(x.varList)
	x.varList = append(x.varList, xVariable{name: name, domain: strings.TrimSpace(dom), pos: p})
	return nil
}

func (x *xcspReader) relation(se xml.StartElement, p xPos) error {
	name, err := x.nameAttr(se, p)
	if err != nil {
		return err
	}
	if _, dup := x.rels[name]; dup {
		return x.errAt(p, ErrSyntax, "relation %q declared twice", name)
	}
	arity, _, err := x.intAttr(se, p, "arity", true)
	if err != nil {
		return err
	}
	if arity == 0 || arity > 1<<16 {
		return x.errAt(p, ErrSyntax, "relation %q: arity %d out of range", name, arity)
	}
	nb, hasNb, err := x.intAttr(se, p, "nbTuples", false)
	if err != nil {
		return err
	}
	sem, _ := attr(se, "semantics")
	rel := &xRelation{name: name, pos: p, arity: arity}
	switch strings.TrimSpace(sem) {
	case "supports":
	case "conflicts":
		rel.forbidden = true
	case "soft":
		return x.errAt(p, ErrUnsupported, "relation %q: soft relations are not supported", name)
	default:
		return x.errAt(p, ErrSyntax, "relation %q: semantics %q, want supports or conflicts", name, sem)
	}
	body, err := x.text(se, p)
	if err != nil {
		return err
	}
	ntup, err := x.tuples(rel, body, p)
	if err != nil {
		return err
	}
	if hasNb && nb != ntup {
		return x.errAt(p, ErrSyntax, "relation %q has %d tuples, nbTuples says %d", name, ntup, nb)
	}
	x.rels[name] = rel
	return nil
}

// tuples parses "1 2|3 4" into rel.cells and returns the number of tuples.
func (x *xcspReader) tuples(rel *xRelation, body string, p xPos) (int, error) {
	if strings.TrimSpace(body) == "" {
		return 0, nil
	}
	ntup, inTuple := 0, 0
	end := func() error {
		if inTuple != rel.arity {
			return x.errAt(p, ErrSyntax, "relation %q: tuple %d has %d values, arity is %d", rel.name, ntup+1, inTuple, rel.arity)
		}
		if err := x.addCells(p, rel.arity); err != nil {
			return err
		}
		ntup++
		inTuple = 0
		return nil
	}
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '|':
			if err := end(); err != nil {
				return 0, err
			}
			i++
		default:
			j := i
			for j < len(body) && body[j] != ' ' && body[j] != '\t' && body[j] != '\n' && body[j] != '\r' && body[j] != '|' {
				j++
			}
			v, err := strconv.ParseInt(body[i:j], 10, 64)
			if err != nil {
				return 0, x.errAt(p, ErrSyntax, "relation %q: tuple %d: invalid value %q", rel.name, ntup+1, body[i:j])
			}
			if inTuple == rel.arity {
				return 0, x.errAt(p, ErrSyntax, "relation %q: tuple %d has more than %d values", rel.name, ntup+1, rel.arity)
			}
			rel.cells = append(rel.cells, v)
			inTuple++
			i = j
		}
	}
	return ntup, end()
}

func (x *xcspReader) constraint(se xml.StartElement, p xPos) error {
	name, err := x.nameAttr(se, p)
	if err != nil {
		return err
	}
	if len(x.cons) >= x.lim.MaxConstraints {
		return x.errAt(p, ErrLimit, "more than %d constraints", x.lim.MaxConstraints)
	}
	arity, hasArity, err := x.intAttr(se, p, "arity", false)
	if err != nil {
		return err
	}
	scope, ok := attr(se, "scope")
	if !ok {
		return x.errAt(p, ErrSyntax, "constraint %q lacks a scope", name)
	}
	ref, ok := attr(se, "reference")
	if !ok {
		return x.errAt(p, ErrSyntax, "constraint %q lacks a reference", name)
	}
	c := xConstraint{name: name, pos: p, arity: arity, hasArity: hasArity, scope: strings.Fields(scope), reference: strings.TrimSpace(ref)}
	if err := x.addCells(p, len(c.scope)); err != nil {
		return err
	}
	x.cons = append(x.cons, c)
	return nil
}

func (x *xcspReader) build() (*csp.Model, error) {
	got := map[string]int{"domains": len(x.domains), "variables": len(x.varList), "relations": len(x.rels), "constraints": len(x.cons)}
	for _, sec := range []string{"domains", "variables", "relations", "constraints"} {
		if c, ok := x.counts[sec]; ok && c.n >= 0 && c.n != got[sec] {
			return nil, x.errAt(c.pos, ErrSyntax, "<%s> holds %d, its count attribute says %d", sec, got[sec], c.n)
		}
	}
	m := &csp.Model{Name: x.name, Vars: make([]csp.Var, len(x.varList)), Constraints: make([]csp.Constraint, 0, len(x.cons))}
	doms := make([]*xDomain, len(x.varList))
	for i, v := range x.varList {
		d, ok := x.domains[v.domain]
		if !ok {
			return nil, x.errAt(v.pos, ErrSyntax, "variable %q: unknown domain %q", v.name, v.domain)
		}
		if err := x.addCells(v.pos, len(d.values)); err != nil {
			return nil, err
		}
		doms[i] = d
		labels := make([]string, len(d.values))
		for j, val := range d.values {
			labels[j] = strconv.FormatInt(val, 10)
		}
		m.Vars[i] = csp.Var{Name: v.name, Values: labels}
	}
	shared := map[string][][]int{}
	for _, c := range x.cons {
		if strings.HasPrefix(c.reference, "global:") {
			return nil, x.errAt(c.pos, ErrUnsupported, "constraint %q: global constraint %q is not supported", c.name, c.reference)
		}
		rel, ok := x.rels[c.reference]
		if !ok {
			return nil, x.errAt(c.pos, ErrSyntax, "constraint %q: unknown relation %q", c.name, c.reference)
		}
		if c.hasArity && c.arity != len(c.scope) {
			return nil, x.errAt(c.pos, ErrSyntax, "constraint %q: arity %d but %d variables in scope", c.name, c.arity, len(c.scope))
		}
		if len(c.scope) != rel.arity {
			return nil, x.errAt(c.pos, ErrSyntax, "constraint %q: %d variables in scope, relation %q has arity %d", c.name, len(c.scope), rel.name, rel.arity)
		}
		scope := make([]int, len(c.scope))
		key := rel.name
		for i, vn := range c.scope {
			v, ok := x.vars[vn]
			if !ok {
				return nil, x.errAt(c.pos, ErrSyntax, "constraint %q: unknown variable %q", c.name, vn)
			}
			scope[i] = v
			key += "\x00" + doms[v].name
		}
		tuples, ok := shared[key]
		if !ok {
			tuples = mapTuples(rel, scope, doms)
			shared[key] = tuples
		}
		sem := "supports"
		if rel.forbidden {
			sem = "conflicts"
		}
		m.Constraints = append(m.Constraints, csp.Constraint{
			Name:      c.name,
			Text:      fmt.Sprintf("%s over %s (%s)", rel.name, strings.Join(c.scope, ", "), sem),
			Kind:      csp.KindTable,
			Scope:     scope,
			Tuples:    tuples,
			Forbidden: rel.forbidden,
		})
	}
	return m, nil
}

// mapTuples maps a relation's tuples to value indices of the scope's
// domains, dropping tuples with a value outside a domain.
func mapTuples(rel *xRelation, scope []int, doms []*xDomain) [][]int {
	n := len(rel.cells) / rel.arity
	out := make([][]int, 0, n)
	flat := make([]int, 0, len(rel.cells))
next:
	for t := 0; t < n; t++ {
		start := len(flat)
		for i, v := range rel.cells[t*rel.arity : (t+1)*rel.arity] {
			idx, ok := doms[scope[i]].index[v]
			if !ok {
				flat = flat[:start]
				continue next
			}
			flat = append(flat, idx)
		}
		out = append(out, flat[start:len(flat):len(flat)])
	}
	return out
}
