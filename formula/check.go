package formula

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/shopspring/decimal"
)

// checker type-checks a parsed formula against the options and rewrites it
// for the expr compiler: number literals become decimal constants,
// operators on decimals and dates become calls of impls, member access
// becomes a load of the dotted variable name.
type checker struct {
	src     string
	runes   []rune // src as runes, when it is not plain ASCII
	opts    *Options
	objects map[string]bool
	host    map[string]*Function
	impls   map[string]*impl
	vars    map[string]bool // referenced schema variables → value required
	tables  map[string]bool
	scopes  []scopeVar
}

// scopeVar is a name bound by let.
type scopeVar struct {
	name string
	typ  Type
}

// ref is what a name or member path denotes.
type ref struct {
	path   string
	typ    Type
	object bool // a prefix of dotted schema names
	bound  bool // a let name
}

func (c *checker) errorAt(code Code, offset int, format string, args ...any) *Error {
	line, col := c.position(offset)
	return &Error{Rule: c.opts.Name, Code: code, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
}

// errorf reports an error at the position of node n.
func (c *checker) errorf(code Code, n ast.Node, format string, args ...any) *Error {
	return c.errorAt(code, n.Location().From, format, args...)
}

// errorStart reports an error at the start of the source of n's subtree.
func (c *checker) errorStart(code Code, n ast.Node, format string, args ...any) *Error {
	return c.errorAt(code, start(n), format, args...)
}

// start returns the offset of the leftmost node of n's subtree.
func start(n ast.Node) int {
	from := n.Location().From
	var s startFinder
	s.from = from
	ast.Walk(&n, &s)
	return s.from
}

type startFinder struct{ from int }

func (s *startFinder) Visit(n *ast.Node) {
	if f := (*n).Location().From; f < s.from {
		s.from = f
	}
}

// position converts a code point offset into a 1-based line and column.
func (c *checker) position(offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range c.src {
		if i >= offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i++
	}
	return line, col
}

// text returns the source text of a location (code point offsets).
func (c *checker) text(loc file.Location) string {
	if c.runes != nil {
		if loc.From >= 0 && loc.To <= len(c.runes) && loc.From < loc.To {
			return string(c.runes[loc.From:loc.To])
		}
		return ""
	}
	if loc.From >= 0 && loc.To <= len(c.src) && loc.From < loc.To {
		return c.src[loc.From:loc.To]
	}
	return ""
}

func (c *checker) lookupBound(name string) (Type, bool) {
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if c.scopes[i].name == name {
			return c.scopes[i].typ, true
		}
	}
	return TypeAny, false
}

// check type-checks the node at np, replacing it as needed.
func (c *checker) check(np *ast.Node) (Type, error) {
	return c.checkNode(np, false)
}

// checkNode checks the node at np. optional says that a variable read
// there may be missing (a direct argument of coalesce).
func (c *checker) checkNode(np *ast.Node, optional bool) (Type, error) {
	switch n := (*np).(type) {
	case *ast.IdentifierNode, *ast.MemberNode:
		return c.checkRef(np, optional)
	case *ast.IntegerNode:
		ast.Patch(np, &ast.ConstantNode{Value: decimal.NewFromInt(int64(n.Value))})
		return TypeDecimal, nil
	case *ast.FloatNode:
		d, err := c.literal(n)
		if err != nil {
			return TypeAny, err
		}
		ast.Patch(np, &ast.ConstantNode{Value: d})
		return TypeDecimal, nil
	case *ast.StringNode:
		return TypeString, nil
	case *ast.BoolNode:
		return TypeBool, nil
	case *ast.ConstantNode:
		return constantType(n.Value), nil
	case *ast.UnaryNode:
		return c.checkUnary(np, n)
	case *ast.BinaryNode:
		return c.checkBinary(np, n)
	case *ast.ConditionalNode:
		return c.checkConditional(n)
	case *ast.VariableDeclaratorNode:
		return c.checkLet(n)
	case *ast.CallNode:
		return c.checkCall(np, n)
	case *ast.BuiltinNode:
		if n.Name == "sum" && len(n.Arguments) == 1 {
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "sum"}, Arguments: n.Arguments}
			call.Callee.SetLocation(n.Location())
			ast.Patch(np, call)
			return c.checkCall(np, call)
		}
		return TypeAny, c.errorf(CodeUnsupported, n, "function %q is not available in formulas", n.Name)
	case *ast.ArrayNode:
		return c.checkList(np, n, TypeAny)
	case *ast.NilNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "nil is not a formula value; use coalesce for values that may be missing")
	case *ast.ChainNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "optional member access (?.) is not supported")
	case *ast.SliceNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "slices are not supported")
	case *ast.MapNode, *ast.PairNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "map literals are not supported")
	case *ast.PointerNode, *ast.PredicateNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "closures are not supported")
	case *ast.SequenceNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "sequences (;) are supported only after let")
	case *ast.BytesNode:
		return TypeAny, c.errorf(CodeUnsupported, n, "byte strings are not supported")
	}
	return TypeAny, c.errorf(CodeUnsupported, *np, "unsupported expression %s", (*np).String())
}

func constantType(v any) Type {
	switch v.(type) {
	case decimal.Decimal:
		return TypeDecimal
	case bool:
		return TypeBool
	case string:
		return TypeString
	case time.Time:
		return TypeDate
	case []string:
		return TypeStringList
	case []decimal.Decimal:
		return TypeDecimalList
	}
	return TypeAny
}

// constant returns the value of a constant node.
func constant(n ast.Node) (any, bool) {
	switch n := n.(type) {
	case *ast.ConstantNode:
		return n.Value, true
	case *ast.StringNode:
		return n.Value, true
	case *ast.BoolNode:
		return n.Value, true
	}
	return nil, false
}

// literal reads a number literal exactly from its source text: the parser
// has already turned it into a float64, which cannot hold 0.1.
func (c *checker) literal(n *ast.FloatNode) (decimal.Decimal, error) {
	text := strings.ReplaceAll(c.text(n.Location()), "_", "")
	d, err := decimal.NewFromString(text)
	if err != nil {
		// The location did not cover the literal; the shortest text that
		// round-trips the float is the literal as written in most cases.
		d, err = decimal.NewFromString(strconv.FormatFloat(n.Value, 'g', -1, 64))
		if err != nil {
			return d, c.errorf(CodeSyntax, n, "invalid number %s", text)
		}
	}
	if _, err := checkSize(d); err != nil {
		return d, c.errorf(CodeSyntax, n, "number %s is out of range: %v", text, err)
	}
	return d, nil
}

// resolve finds what an identifier or member path denotes.
func (c *checker) resolve(n ast.Node) (ref, error) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if t, ok := c.lookupBound(n.Value); ok {
			return ref{path: n.Value, typ: t, bound: true}, nil
		}
		if t, ok := c.opts.Schema[n.Value]; ok {
			return ref{path: n.Value, typ: t}, nil
		}
		if c.objects[n.Value] {
			return ref{path: n.Value, object: true}, nil
		}
		if _, ok := builtins[n.Value]; ok {
			return ref{}, c.errorf(CodeUnknownName, n, "unknown name %q (%s is a function: call it with parentheses)", n.Value, n.Value)
		}
		return ref{}, c.errorf(CodeUnknownName, n, "unknown name %q", n.Value)
	case *ast.MemberNode:
		if n.Optional {
			return ref{}, c.errorf(CodeUnsupported, n, "optional member access (?.) is not supported")
		}
		var base ref
		switch n.Node.(type) {
		case *ast.IdentifierNode, *ast.MemberNode:
			var err error
			if base, err = c.resolve(n.Node); err != nil {
				return ref{}, err
			}
		default:
			t, err := c.check(&n.Node)
			if err != nil {
				return ref{}, err
			}
			return ref{}, c.errorf(CodeUnknownMember, n.Property, "a %s has no members", t)
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return ref{}, c.errorf(CodeUnsupported, n.Property, "member names must be constant strings")
		}
		if !base.object {
			return ref{}, c.errorf(CodeUnknownMember, n.Property, "%s is a %s and has no member %q", base.path, base.typ, prop.Value)
		}
		path := base.path + "." + prop.Value
		if t, ok := c.opts.Schema[path]; ok {
			return ref{path: path, typ: t}, nil
		}
		if c.objects[path] {
			return ref{path: path, object: true}, nil
		}
		return ref{}, c.errorf(CodeUnknownMember, n.Property, "%s has no member %q", base.path, prop.Value)
	}
	return ref{}, c.errorf(CodeUnsupported, n, "unsupported expression %s", n.String())
}

// checkRef checks a name or member access and turns a member path into a
// load of its dotted variable name.
func (c *checker) checkRef(np *ast.Node, optional bool) (Type, error) {
	r, err := c.resolve(*np)
	if err != nil {
		return TypeAny, err
	}
	if r.object {
		return TypeAny, c.errorf(CodeType, *np, "%s is an object, not a value: use one of its members", r.path)
	}
	if r.bound {
		return r.typ, nil
	}
	c.vars[r.path] = c.vars[r.path] || !optional
	if _, ok := (*np).(*ast.IdentifierNode); !ok {
		ast.Patch(np, &ast.IdentifierNode{Value: r.path})
	}
	return r.typ, nil
}

// call builds a call of f at the position of at. A pure call whose
// arguments are all constants is evaluated now and becomes a constant.
func (c *checker) call(at ast.Node, f *impl, args ...ast.Node) ast.Node {
	if f.pure {
		values := make([]any, len(args))
		folded := true
		for i, a := range args {
			if values[i], folded = constant(a); !folded {
				break
			}
		}
		if folded {
			if v, err := f.fn(values...); err == nil {
				n := &ast.ConstantNode{Value: v}
				n.SetLocation(at.Location())
				return n
			}
		}
	}
	var callee ast.Node
	if f.fast != nil && f.arity == len(args) {
		callee = &ast.ConstantNode{Value: f.fast}
		callee.SetType(reflect.TypeOf(f.fast))
	} else {
		c.impls[f.name] = f
		callee = &ast.IdentifierNode{Value: f.name}
	}
	callee.SetLocation(at.Location())
	n := &ast.CallNode{Callee: callee, Arguments: args}
	n.SetLocation(at.Location())
	return n
}

func (c *checker) checkUnary(np *ast.Node, n *ast.UnaryNode) (Type, error) {
	t, err := c.check(&n.Node)
	if err != nil {
		return TypeAny, err
	}
	switch n.Operator {
	case "!", "not":
		if t != TypeBool {
			return TypeAny, c.errorf(CodeType, n, "operator %s needs a bool, got %s", n.Operator, t)
		}
		return TypeBool, nil
	case "-", "+":
		if t != TypeDecimal {
			return TypeAny, c.errorf(CodeType, n, "unary %s needs a decimal, got %s", n.Operator, t)
		}
		if n.Operator == "+" {
			*np = n.Node
		} else {
			*np = c.call(n, implNeg, n.Node)
		}
		return TypeDecimal, nil
	}
	return TypeAny, c.errorf(CodeUnsupported, n, "operator %s is not supported", n.Operator)
}

var (
	decimalOps = map[string]*impl{
		"+": implAdd, "-": implSub, "*": implMul, "/": implDiv, "%": implMod, "**": implPow, "^": implPow,
		"==": implEq, "!=": implNe, "<": implLt, "<=": implLe, ">": implGt, ">=": implGe,
	}
	dateOps = map[string]*impl{
		"==": implDateEq, "!=": implDateNe, "<": implDateLt, "<=": implDateLe, ">": implDateGt, ">=": implDateGe,
	}
)

func (c *checker) checkBinary(np *ast.Node, n *ast.BinaryNode) (Type, error) {
	switch n.Operator {
	case "in":
		return c.checkIn(np, n)
	case "??":
		return TypeAny, c.errorf(CodeUnsupported, n, "operator ?? is not supported: use coalesce")
	case "..":
		return TypeAny, c.errorf(CodeUnsupported, n, "ranges are not supported")
	}
	lt, err := c.check(&n.Left)
	if err != nil {
		return TypeAny, err
	}
	rt, err := c.check(&n.Right)
	if err != nil {
		return TypeAny, err
	}
	op := n.Operator
	switch op {
	case "&&", "||", "and", "or":
		if lt != TypeBool || rt != TypeBool {
			return TypeAny, c.errorf(CodeType, n, "operator %s needs two bools, got %s and %s", op, lt, rt)
		}
		return TypeBool, nil
	case "==", "!=", "<", "<=", ">", ">=":
		if lt != rt {
			return TypeAny, c.errorf(CodeType, n, "cannot compare %s with %s", lt, rt)
		}
		switch lt {
		case TypeDecimal:
			*np = c.call(n, decimalOps[op], n.Left, n.Right)
		case TypeDate:
			*np = c.call(n, dateOps[op], n.Left, n.Right)
		case TypeString:
			// native string comparison
		case TypeBool:
			if op != "==" && op != "!=" {
				return TypeAny, c.errorf(CodeType, n, "operator %s cannot order bools", op)
			}
		default:
			return TypeAny, c.errorf(CodeType, n, "cannot compare %ss", lt)
		}
		return TypeBool, nil
	case "+":
		switch {
		case lt == TypeDecimal && rt == TypeDecimal:
			*np = c.call(n, implAdd, n.Left, n.Right)
			return TypeDecimal, nil
		case lt == TypeString && rt == TypeString:
			*np = c.call(n, implConcat, n.Left, n.Right)
			return TypeString, nil
		}
		return TypeAny, c.errorf(CodeType, n, "operator + needs two decimals or two strings, got %s and %s", lt, rt)
	case "-", "*", "/", "%", "**", "^":
		if lt != TypeDecimal || rt != TypeDecimal {
			return TypeAny, c.errorf(CodeType, n, "operator %s needs two decimals, got %s and %s", op, lt, rt)
		}
		*np = c.call(n, decimalOps[op], n.Left, n.Right)
		return TypeDecimal, nil
	case "contains", "startsWith", "endsWith":
		if lt != TypeString || rt != TypeString {
			return TypeAny, c.errorf(CodeType, n, "operator %s needs two strings, got %s and %s", op, lt, rt)
		}
		return TypeBool, nil
	case "matches":
		if lt != TypeString || rt != TypeString {
			return TypeAny, c.errorf(CodeType, n, "operator matches needs two strings, got %s and %s", lt, rt)
		}
		pattern, ok := n.Right.(*ast.StringNode)
		if !ok {
			return TypeAny, c.errorStart(CodeUnsupported, n.Right, "the pattern of matches must be a string literal")
		}
		if _, err := regexp.Compile(pattern.Value); err != nil {
			return TypeAny, c.errorf(CodeArgument, pattern, "invalid pattern: %v", err)
		}
		return TypeBool, nil
	}
	return TypeAny, c.errorf(CodeUnsupported, n, "operator %s is not supported", op)
}

func (c *checker) checkIn(np *ast.Node, n *ast.BinaryNode) (Type, error) {
	lt, err := c.check(&n.Left)
	if err != nil {
		return TypeAny, err
	}
	var rt Type
	if list, ok := n.Right.(*ast.ArrayNode); ok {
		rt, err = c.checkList(&n.Right, list, lt)
	} else {
		rt, err = c.check(&n.Right)
	}
	if err != nil {
		return TypeAny, err
	}
	elem, ok := rt.elem()
	if !ok {
		return TypeAny, c.errorStart(CodeType, n.Right, "operator in needs a list on the right, got %s", rt)
	}
	if elem != lt {
		return TypeAny, c.errorf(CodeType, n, "cannot look for a %s in a %s", lt, rt)
	}
	if lt == TypeDecimal {
		*np = c.call(n, implInDecimals, n.Left, n.Right)
	} else {
		*np = c.call(n, implInStrings, n.Left, n.Right)
	}
	return TypeBool, nil
}

// checkList checks a list literal. elem is the expected element type, if
// known, and gives an empty list its type.
func (c *checker) checkList(np *ast.Node, n *ast.ArrayNode, elem Type) (Type, error) {
	if len(n.Nodes) == 0 {
		switch elem {
		case TypeDecimal:
			ast.Patch(np, &ast.ConstantNode{Value: []decimal.Decimal{}})
			return TypeDecimalList, nil
		case TypeString:
			ast.Patch(np, &ast.ConstantNode{Value: []string{}})
			return TypeStringList, nil
		}
		return TypeAny, c.errorf(CodeType, n, "an empty list has no element type here")
	}
	var first Type
	for i := range n.Nodes {
		t, err := c.check(&n.Nodes[i])
		if err != nil {
			return TypeAny, err
		}
		if i == 0 {
			first = t
			if t != TypeDecimal && t != TypeString {
				return TypeAny, c.errorStart(CodeType, n.Nodes[i], "lists hold decimals or strings, not %ss", t)
			}
		} else if t != first {
			return TypeAny, c.errorStart(CodeType, n.Nodes[i], "list element is a %s, the first one a %s", t, first)
		}
	}
	if first == TypeDecimal {
		*np = c.call(n, implDecimalList, n.Nodes...)
		return TypeDecimalList, nil
	}
	*np = c.call(n, implStringList, n.Nodes...)
	return TypeStringList, nil
}

func (c *checker) checkConditional(n *ast.ConditionalNode) (Type, error) {
	ct, err := c.check(&n.Cond)
	if err != nil {
		return TypeAny, err
	}
	if ct != TypeBool {
		return TypeAny, c.errorStart(CodeType, n.Cond, "condition must be a bool, got %s", ct)
	}
	t1, err := c.check(&n.Exp1)
	if err != nil {
		return TypeAny, err
	}
	t2, err := c.check(&n.Exp2)
	if err != nil {
		return TypeAny, err
	}
	if t1 != t2 {
		return TypeAny, c.errorStart(CodeType, n.Exp2, "the else branch is a %s, the then branch a %s", t2, t1)
	}
	return t1, nil
}

func (c *checker) checkLet(n *ast.VariableDeclaratorNode) (Type, error) {
	if strings.HasPrefix(n.Name, "$") {
		return TypeAny, c.errorf(CodeUnsupported, n, "let name %q must not start with $", n.Name)
	}
	t, err := c.check(&n.Value)
	if err != nil {
		return TypeAny, err
	}
	c.scopes = append(c.scopes, scopeVar{name: n.Name, typ: t})
	defer func() { c.scopes = c.scopes[:len(c.scopes)-1] }()
	return c.check(&n.Expr)
}

// checkCall checks a call of a built-in or host function.
func (c *checker) checkCall(np *ast.Node, n *ast.CallNode) (Type, error) {
	ident, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return TypeAny, c.errorf(CodeUnsupported, n, "methods are not supported: call a function by name")
	}
	name := ident.Value
	if f, ok := c.host[name]; ok {
		return c.checkHostCall(np, n, f)
	}
	b, ok := builtins[name]
	if !ok {
		if reason, ok := refused[name]; ok {
			return TypeAny, c.errorf(CodeUnknownFunction, n, "function %q is not available in formulas: %s", name, reason)
		}
		return TypeAny, c.errorf(CodeUnknownFunction, n, "unknown function %q", name)
	}
	if len(n.Arguments) < b.minArgs || (b.maxArgs >= 0 && len(n.Arguments) > b.maxArgs) {
		return TypeAny, c.errorf(CodeArity, n, "%s takes %s, got %d", name, b.arity(), len(n.Arguments))
	}
	if b.check != nil {
		return b.check(c, np, n)
	}
	types, err := c.checkArgs(n, b.params)
	if err != nil {
		return TypeAny, err
	}
	for i, t := range types {
		if want := b.params[min(i, len(b.params)-1)]; t != want {
			return TypeAny, c.errorStart(CodeType, n.Arguments[i], "argument %d of %s must be a %s, got %s", i+1, name, want, t)
		}
	}
	*np = c.call(n, b.impl, n.Arguments...)
	return b.result, nil
}

// checkArgs checks the arguments of a call; params, if given, type list
// literals.
func (c *checker) checkArgs(n *ast.CallNode, params []Type) ([]Type, error) {
	types := make([]Type, len(n.Arguments))
	for i := range n.Arguments {
		var err error
		if list, ok := n.Arguments[i].(*ast.ArrayNode); ok && len(params) > 0 {
			elem, _ := params[min(i, len(params)-1)].elem()
			types[i], err = c.checkList(&n.Arguments[i], list, elem)
		} else {
			types[i], err = c.check(&n.Arguments[i])
		}
		if err != nil {
			return nil, err
		}
	}
	return types, nil
}

func (c *checker) checkHostCall(np *ast.Node, n *ast.CallNode, f *Function) (Type, error) {
	got := len(n.Arguments)
	if got < len(f.Params)-boolInt(f.Variadic) || (!f.Variadic && got > len(f.Params)) {
		want := fmt.Sprintf("%d arguments", len(f.Params))
		if f.Variadic {
			want = fmt.Sprintf("at least %d arguments", len(f.Params)-1)
		}
		return TypeAny, c.errorf(CodeArity, n, "%s takes %s, got %d", f.Name, want, got)
	}
	types, err := c.checkArgs(n, f.Params)
	if err != nil {
		return TypeAny, err
	}
	for i, t := range types {
		if want := f.Params[min(i, len(f.Params)-1)]; t != want {
			return TypeAny, c.errorStart(CodeType, n.Arguments[i], "argument %d of %s must be a %s, got %s", i+1, f.Name, want, t)
		}
	}
	*np = c.call(n, hostImpl(f), n.Arguments...)
	return f.Result, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isASCII reports whether s has only single-byte characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
