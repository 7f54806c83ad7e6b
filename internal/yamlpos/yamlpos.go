// Package yamlpos decodes YAML (and JSON) into Go values while recording the
// position of every path and collecting every problem instead of stopping
// at the first. The catalog, quote input and test-file loaders share it.
package yamlpos

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/internal/suggest"
)

// Pos is a position in a file. Line and Column are 1-based; a zero Line
// means the position is unknown (a value built in Go).
type Pos struct {
	File   string
	Line   int
	Column int
}

// String formats the position as file:line:column.
func (p Pos) String() string {
	file := p.File
	if file == "" {
		file = "<input>"
	}
	if p.Line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Column)
}

// The kinds of problem the decoder reports; a Decoder's Prefix is put in
// front of them ("catalog" gives "catalog.unknown-key").
const (
	KindSyntax       = "syntax"
	KindUnknownKey   = "unknown-key"
	KindDuplicateKey = "duplicate-key"
	KindType         = "type"
)

// Problem is one problem found while decoding.
type Problem struct {
	Pos     Pos
	Path    string
	Code    string
	Message string
}

// Unmarshaler is implemented by types that decode themselves from a node,
// reporting problems through the decoder.
type Unmarshaler interface {
	UnmarshalYAMLNode(d *Decoder, n ast.Node, path string)
}

// MaxDepth bounds nesting so that hostile input cannot exhaust the stack.
const MaxDepth = 64

// Decoder holds the state of one decoding: the file name, the problems
// found and the position of every path decoded.
type Decoder struct {
	File   string
	Prefix string
	// Problems are the problems found, in the order found.
	Problems []Problem
	// Positions maps each decoded path (products[3].attributes[1].min) to
	// the position of its value.
	Positions map[string]Pos

	anchors map[string]ast.Node
	depth   int
}

// Decode parses data as one YAML or JSON document and decodes it into v,
// which must be a non-nil pointer. The returned decoder holds every
// problem and the positions of every path.
func Decode(data []byte, file, prefix string, v any) *Decoder {
	d := &Decoder{File: file, Prefix: prefix, Positions: map[string]Pos{}, anchors: map[string]ast.Node{}}
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		d.syntaxError(err)
		return d
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			d.Add(d.Pos(doc.Body), "", KindSyntax, "a file holds one document; found another")
			break
		}
		body = doc.Body
	}
	if body == nil {
		d.Add(Pos{File: file, Line: 1, Column: 1}, "", KindSyntax, "empty file")
		return d
	}
	d.Decode(body, reflect.ValueOf(v).Elem(), "")
	return d
}

// SyntaxOnly reports whether decoding stopped at a syntax error before any
// value was decoded.
func (d *Decoder) SyntaxOnly() bool {
	return len(d.Positions) == 0 && len(d.Problems) > 0
}

// Add records a problem of the given kind (the decoder's prefix is added).
func (d *Decoder) Add(pos Pos, path, kind, format string, args ...any) {
	code := kind
	if d.Prefix != "" {
		code = d.Prefix + "." + kind
	}
	d.Problems = append(d.Problems, Problem{Pos: pos, Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Record notes the position of a path.
func (d *Decoder) Record(path string, pos Pos) { d.Positions[path] = pos }

func (d *Decoder) syntaxError(err error) {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		d.Add(Pos{File: d.File, Line: se.Token.Position.Line, Column: se.Token.Position.Column}, "", KindSyntax, "%s", lowerFirst(se.Message))
		return
	}
	d.Add(Pos{File: d.File, Line: 1, Column: 1}, "", KindSyntax, "%s", lowerFirst(err.Error()))
}

// Pos returns the position of a node: a block mapping starts at its first
// key (its own token is the first colon).
func (d *Decoder) Pos(n ast.Node) Pos {
	switch t := n.(type) {
	case *ast.MappingNode:
		if !t.IsFlowStyle && len(t.Values) > 0 {
			n = t.Values[0].Key
		}
	case *ast.MappingValueNode:
		n = t.Key
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{File: d.File}
	}
	return Pos{File: d.File, Line: tk.Position.Line, Column: tk.Position.Column}
}

// TextPos is the position of the first character of a scalar's text: after
// the opening quote of a quoted string, on the first content line of a
// block scalar.
func (d *Decoder) TextPos(n ast.Node) Pos {
	pos := d.Pos(n)
	switch t := n.(type) {
	case *ast.StringNode:
		if t.Token != nil && (t.Token.Type == token.DoubleQuoteType || t.Token.Type == token.SingleQuoteType) {
			pos.Column++
		}
	case *ast.LiteralNode:
		if t.Value != nil {
			return d.Pos(t.Value)
		}
	}
	return pos
}

// Resolve strips tags and anchors and follows aliases.
func (d *Decoder) Resolve(n ast.Node) ast.Node {
	for i := 0; i < MaxDepth; i++ {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			if name, ok := t.Name.(ast.ScalarNode); ok {
				d.anchors[ScalarText(name)] = t.Value
			}
			n = t.Value
		case *ast.AliasNode:
			name := ""
			if s, ok := t.Value.(ast.ScalarNode); ok {
				name = ScalarText(s)
			}
			target, ok := d.anchors[name]
			if !ok {
				return t
			}
			n = target
		default:
			return n
		}
	}
	return n
}

// Entries returns the key/value pairs of a mapping node, or false when the
// node is not a mapping.
func Entries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := n.(type) {
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

// IsNull reports whether the node is null (~, null or nothing).
func IsNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok
}

// ScalarText is a scalar's text as written (without quotes).
func ScalarText(n ast.Node) string {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value
	case *ast.LiteralNode:
		if t.Value != nil {
			return t.Value.Value
		}
		return ""
	case *ast.NullNode:
		return ""
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

// IsScalar reports whether the node is a string, number or boolean.
func IsScalar(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode,
		*ast.InfinityNode, *ast.NanNode:
		return true
	}
	return false
}

func kindName(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "null"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.IntegerNode, *ast.FloatNode:
		return "a number"
	case *ast.AliasNode:
		return "an unknown alias"
	}
	return "a string"
}

// TypeError reports a node of the wrong kind.
func (d *Decoder) TypeError(n ast.Node, path, want string) {
	d.Add(d.Pos(n), path, KindType, "expected %s, found %s", want, kindName(n))
}

var (
	typeDecimal     = reflect.TypeFor[decimal.Decimal]()
	typeTime        = reflect.TypeFor[time.Time]()
	typePos         = reflect.TypeFor[Pos]()
	typeUnmarshaler = reflect.TypeFor[Unmarshaler]()
)

// Decode decodes node n into v at path.
func (d *Decoder) Decode(n ast.Node, v reflect.Value, path string) {
	n = d.Resolve(n)
	d.Positions[path] = d.Pos(n)
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > MaxDepth {
		d.Add(d.Pos(n), path, KindSyntax, "nesting deeper than %d levels", MaxDepth)
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(typeUnmarshaler) {
		v.Addr().Interface().(Unmarshaler).UnmarshalYAMLNode(d, n, path)
		return
	}
	switch v.Type() {
	case typeDecimal:
		d.decodeDecimal(n, v, path)
		return
	case typeTime:
		d.decodeDate(n, v, path)
		return
	}

	switch v.Kind() {
	case reflect.Pointer:
		if IsNull(n) {
			return
		}
		ptr := reflect.New(v.Type().Elem())
		d.Decode(n, ptr.Elem(), path)
		v.Set(ptr)
	case reflect.Struct:
		d.DecodeStruct(n, v, path)
	case reflect.Slice:
		if IsNull(n) {
			return
		}
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.TypeError(n, path, "a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, item := range seq.Values {
			d.Decode(item, s.Index(i), Index(path, i))
		}
		v.Set(s)
	case reflect.Map:
		if IsNull(n) {
			return
		}
		es, ok := Entries(n)
		if !ok {
			d.TypeError(n, path, "a mapping")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(es))
		seen := map[string]bool{}
		for _, e := range es {
			key := ScalarText(e.Key)
			kp := Join(path, key)
			if seen[key] {
				d.Add(d.Pos(e.Key), kp, KindDuplicateKey, "key %q appears twice", key)
				continue
			}
			seen[key] = true
			elem := reflect.New(v.Type().Elem()).Elem()
			d.Decode(e.Value, elem, kp)
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
	case reflect.String:
		if !IsScalar(n) {
			if IsNull(n) {
				return
			}
			d.TypeError(n, path, "a string")
			return
		}
		v.SetString(ScalarText(n))
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.TypeError(n, path, "true or false")
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if _, ok := n.(*ast.IntegerNode); !ok {
			d.TypeError(n, path, "a whole number")
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(ScalarText(n), "_", ""), 0, 64)
		if err != nil || v.OverflowInt(i) {
			d.Add(d.Pos(n), path, KindType, "%q is not a whole number in range", ScalarText(n))
			return
		}
		v.SetInt(i)
	default:
		d.Add(d.Pos(n), path, KindType, "cannot decode into %s", v.Type())
	}
}

func (d *Decoder) decodeDecimal(n ast.Node, v reflect.Value, path string) {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode:
	default:
		d.TypeError(n, path, "a number")
		return
	}
	text := strings.ReplaceAll(strings.TrimSpace(ScalarText(n)), "_", "")
	x, err := decimal.NewFromString(text)
	if err != nil {
		d.Add(d.Pos(n), path, KindType, "%q is not a decimal number", ScalarText(n))
		return
	}
	v.Set(reflect.ValueOf(x))
}

func (d *Decoder) decodeDate(n ast.Node, v reflect.Value, path string) {
	if !IsScalar(n) {
		d.TypeError(n, path, "a date (YYYY-MM-DD)")
		return
	}
	t, err := time.Parse(time.DateOnly, ScalarText(n))
	if err != nil {
		d.Add(d.Pos(n), path, KindType, "%q is not a date (YYYY-MM-DD)", ScalarText(n))
		return
	}
	v.Set(reflect.ValueOf(t))
}

type fieldInfo struct {
	index int
}

type structInfo struct {
	fields   map[string]fieldInfo
	names    []string
	posIndex int
}

// structInfos caches the field tables of struct types.
var structInfos sync.Map // reflect.Type -> structInfo

func yamlFields(t reflect.Type) structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(structInfo)
	}
	si := buildFields(t)
	structInfos.Store(t, si)
	return si
}

func buildFields(t reflect.Type) structInfo {
	si := structInfo{fields: map[string]fieldInfo{}, posIndex: -1}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Type == typePos && f.Name == "Pos" {
			si.posIndex = i
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "-" || tag == "" {
			continue
		}
		si.fields[tag] = fieldInfo{index: i}
		si.names = append(si.names, tag)
	}
	sort.Strings(si.names)
	return si
}

// DecodeStruct decodes a mapping into the struct v by its fields' yaml
// tags, reporting unknown and duplicate keys; a field named Pos of type Pos
// receives the mapping's position.
func (d *Decoder) DecodeStruct(n ast.Node, v reflect.Value, path string) {
	es, ok := Entries(n)
	if !ok {
		if IsNull(n) {
			return
		}
		d.TypeError(n, path, "a mapping")
		return
	}
	si := yamlFields(v.Type())
	if si.posIndex >= 0 {
		v.Field(si.posIndex).Set(reflect.ValueOf(d.Pos(n)))
	}
	seen := map[string]bool{}
	for _, e := range es {
		key := ScalarText(e.Key)
		kp := Join(path, key)
		f, ok := si.fields[key]
		if !ok {
			msg := "unknown key " + strconv.Quote(key)
			if s := suggest.Closest(key, si.names); s != "" {
				msg += "; did you mean " + strconv.Quote(s) + "?"
			}
			d.Add(d.Pos(e.Key), kp, KindUnknownKey, "%s", msg)
			continue
		}
		if seen[key] {
			d.Add(d.Pos(e.Key), kp, KindDuplicateKey, "key %q appears twice", key)
			continue
		}
		seen[key] = true
		d.Decode(e.Value, v.Field(f.index), kp)
	}
}

// Join appends a key to a path.
func Join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// Index appends a list index to a path.
func Index(parent string, i int) string {
	return fmt.Sprintf("%s[%d]", parent, i)
}

// Parent returns the path of the value that holds path.
func Parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// At returns the position recorded for path, or for its nearest recorded
// ancestor.
func (d *Decoder) At(path string) Pos {
	for {
		if pos, ok := d.Positions[path]; ok {
			return pos
		}
		if path == "" {
			return Pos{File: d.File}
		}
		path = Parent(path)
	}
}

func lowerFirst(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
