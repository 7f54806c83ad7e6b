package formula

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/expr-lang/expr/ast"
	exprbuiltin "github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
)

// Compile limits.
const (
	// DefaultMaxNodes is the node limit when Options.MaxNodes is zero.
	DefaultMaxNodes = 2000
	// MaxSourceLen bounds the length of a formula source in bytes.
	MaxSourceLen = 16 << 10
)

// ErrInvalidOptions is wrapped by the error Compile returns when the
// Options themselves are wrong (a bad schema name, a host function without
// Call, …), as opposed to the formula.
var ErrInvalidOptions = errors.New("invalid formula options")

// Options are what a formula is compiled against. One Options value may be
// reused for many compiles: copy it and set Name and Result per rule.
type Options struct {
	// Name names the rule in errors, such as "price-book/gold/line-price".
	Name string
	// Schema declares the variables the formula may read.
	Schema Schema
	// Result is the type the formula must have; TypeAny accepts any.
	Result Type
	// Tables are the lookup tables the lookup function may read, by name.
	Tables map[string]Table
	// Functions are host functions formulas may call, in addition to the
	// built-in ones.
	Functions []Function
	// MaxNodes bounds the size of the parsed formula; zero or less means
	// DefaultMaxNodes.
	MaxNodes int
}

// exprBuiltinsOff disables every expr built-in while parsing, so that a
// call such as len(x) or now() parses as a plain call that the checker
// resolves (or refuses) itself.
var exprBuiltinsOff = func() map[string]bool {
	m := make(map[string]bool, len(exprbuiltin.Builtins))
	for _, f := range exprbuiltin.Builtins {
		m[f.Name] = true
	}
	return m
}()

// Compile parses and type-checks src and compiles it to a Program. A
// problem in the formula is an *Error; a problem in opts wraps
// ErrInvalidOptions.
func Compile(src string, opts Options) (*Program, error) {
	c, err := newChecker(src, &opts)
	if err != nil {
		return nil, err
	}
	if len(src) > MaxSourceLen {
		return nil, &Error{Rule: opts.Name, Code: CodeTooLarge, Line: 1, Column: 1,
			Message: fmt.Sprintf("formula is %d bytes long, more than %d", len(src), MaxSourceLen)}
	}
	cfg := &conf.Config{
		Optimize:  true,
		Functions: conf.FunctionsTable{},
		Builtins:  conf.FunctionsTable{},
		Disabled:  exprBuiltinsOff,
	}
	cfg.WithEnv(map[string]any{})
	for name := range c.host {
		// Registering host names makes the parser read name(...) as a
		// plain call even where name is an expr built-in with a closure.
		cfg.Functions[name] = &exprbuiltin.Function{Name: name, Func: parseOnly}
	}
	tree, err := parser.ParseWithConfig(src, cfg)
	if err != nil {
		return nil, c.syntaxError(err)
	}
	maxNodes := opts.MaxNodes
	if maxNodes <= 0 {
		maxNodes = DefaultMaxNodes
	}
	if n := countNodes(tree.Node); n > maxNodes {
		return nil, &Error{Rule: opts.Name, Code: CodeTooLarge, Line: 1, Column: 1,
			Message: fmt.Sprintf("formula has %d nodes, more than the limit of %d", n, maxNodes)}
	}
	result, err := c.check(&tree.Node)
	if err != nil {
		return nil, err
	}
	if opts.Result != TypeAny && result != opts.Result {
		return nil, c.errorStart(CodeType, tree.Node, "formula gives a %s, want a %s", result, opts.Result)
	}
	clear(cfg.Functions)
	for name, f := range c.impls {
		cfg.Functions[name] = &exprbuiltin.Function{Name: name, Func: f.fn}
	}
	program, err := compiler.Compile(tree, cfg)
	if err != nil {
		return nil, fmt.Errorf("formula: rule %q: cannot compile checked formula: %w", opts.Name, err)
	}
	p := &Program{
		name:    opts.Name,
		source:  src,
		result:  result,
		program: program,
	}
	for name, required := range c.vars {
		p.inputs = append(p.inputs, input{name: name, typ: opts.Schema[name], required: required})
		p.variables = append(p.variables, name)
	}
	slices.SortFunc(p.inputs, func(a, b input) int { return strings.Compare(a.name, b.name) })
	slices.Sort(p.variables)
	for name := range c.tables {
		p.tables = append(p.tables, name)
	}
	slices.Sort(p.tables)
	return p, nil
}

// newChecker validates the options and prepares a checker for src.
func newChecker(src string, opts *Options) (*checker, error) {
	c := &checker{
		src:     src,
		opts:    opts,
		objects: map[string]bool{},
		host:    map[string]*Function{},
		impls:   map[string]*impl{},
		vars:    map[string]bool{},
		tables:  map[string]bool{},
	}
	if !isASCII(src) {
		c.runes = []rune(src)
	}
	if opts.Result != TypeAny && !opts.Result.valid() {
		return nil, fmt.Errorf("%w: result type %s", ErrInvalidOptions, opts.Result)
	}
	for name, t := range opts.Schema {
		if !t.valid() {
			return nil, fmt.Errorf("%w: variable %q has no valid type", ErrInvalidOptions, name)
		}
		segments := strings.Split(name, ".")
		for i, s := range segments {
			if s == "" || strings.HasPrefix(s, "$") {
				return nil, fmt.Errorf("%w: variable name %q has an empty part or one starting with $", ErrInvalidOptions, name)
			}
			if i > 0 {
				c.objects[strings.Join(segments[:i], ".")] = true
			}
		}
	}
	for name := range opts.Schema {
		if c.objects[name] {
			return nil, fmt.Errorf("%w: %q is both a variable and an object with members", ErrInvalidOptions, name)
		}
	}
	for i := range opts.Functions {
		f := &opts.Functions[i]
		if err := validateFunction(f); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
		}
		if _, dup := c.host[f.Name]; dup {
			return nil, fmt.Errorf("%w: function %q is declared twice", ErrInvalidOptions, f.Name)
		}
		c.host[f.Name] = f
	}
	return c, nil
}

func validateFunction(f *Function) error {
	if !isIdentifier(f.Name) {
		return fmt.Errorf("function name %q is not an identifier", f.Name)
	}
	if _, ok := builtins[f.Name]; ok {
		return fmt.Errorf("function %q is a built-in", f.Name)
	}
	if f.Call == nil {
		return fmt.Errorf("function %q has no Call", f.Name)
	}
	if f.Variadic && len(f.Params) == 0 {
		return fmt.Errorf("variadic function %q has no parameters", f.Name)
	}
	for i, t := range f.Params {
		if !t.valid() {
			return fmt.Errorf("parameter %d of function %q has no valid type", i+1, f.Name)
		}
	}
	if !f.Result.valid() {
		return fmt.Errorf("function %q has no valid result type", f.Name)
	}
	return nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// syntaxError converts a parse error.
func (c *checker) syntaxError(err error) error {
	e := &Error{Rule: c.opts.Name, Code: CodeSyntax, Line: 1, Column: 1, Message: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		e.Line, e.Column = c.position(fe.From)
		e.Message = fe.Message
	}
	return e
}

// parseOnly stands for a host function while parsing; the compiled program
// calls the real one.
func parseOnly(...any) (any, error) { return nil, errors.New("formula: function called while parsing") }

type nodeCounter struct{ n int }

func (v *nodeCounter) Visit(*ast.Node) { v.n++ }

func countNodes(n ast.Node) int {
	var v nodeCounter
	ast.Walk(&n, &v)
	return v.n
}
