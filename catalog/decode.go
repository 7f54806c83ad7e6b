package catalog

import (
	"errors"
	"github.com/cpqkit/cpq/internal/suggest"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/shopspring/decimal"
)

// maxDecodeDepth bounds nesting so that hostile input cannot exhaust the
// stack.
const maxDecodeDepth = 64

// decoder turns a YAML (or JSON) syntax tree into catalog values, recording
// the position of every path and collecting every problem instead of
// stopping at the first.
type decoder struct {
	*problems
	anchors map[string]ast.Node
	depth   int
}

var (
	typeDecimal   = reflect.TypeFor[decimal.Decimal]()
	typeTime      = reflect.TypeFor[time.Time]()
	typePos       = reflect.TypeFor[Pos]()
	typeText      = reflect.TypeFor[Text]()
	typeCondition = reflect.TypeFor[Condition]()
	typeExpr      = reflect.TypeFor[Expr]()
	typeValue     = reflect.TypeFor[Value]()
)

// parseDocument parses data as YAML (JSON is accepted too) and decodes its
// single document into v.
func parseDocument(data []byte, p *problems, v any) {
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		p.syntaxError(err)
		return
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			pos := nodePos(p.file, doc.Body)
			p.add(pos, "", CodeSyntax, "a catalog file holds one document; found another")
			break
		}
		body = doc.Body
	}
	if body == nil {
		p.add(Pos{File: p.file, Line: 1, Column: 1}, "", CodeSyntax, "empty catalog file")
		return
	}
	d := &decoder{problems: p, anchors: map[string]ast.Node{}}
	d.decode(body, reflect.ValueOf(v).Elem(), "")
}

func (p *problems) syntaxError(err error) {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		p.add(Pos{File: p.file, Line: se.Token.Position.Line, Column: se.Token.Position.Column}, "", CodeSyntax, "%s", lowerFirst(se.Message))
		return
	}
	p.add(Pos{File: p.file, Line: 1, Column: 1}, "", CodeSyntax, "%s", lowerFirst(err.Error()))
}

func nodePos(file string, n ast.Node) Pos {
	// A block mapping starts at its first key; its own token is the first
	// colon.
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
		return Pos{File: file}
	}
	return Pos{File: file, Line: tk.Position.Line, Column: tk.Position.Column}
}

// resolve strips tags and anchors and follows aliases.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for i := 0; i < maxDecodeDepth; i++ {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			if name, ok := t.Name.(ast.ScalarNode); ok {
				d.anchors[scalarText(name)] = t.Value
			}
			n = t.Value
		case *ast.AliasNode:
			name := ""
			if s, ok := t.Value.(ast.ScalarNode); ok {
				name = scalarText(s)
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

// entries returns the key/value pairs of a mapping node, or false when the
// node is not a mapping.
func entries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := n.(type) {
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok
}

func scalarText(n ast.Node) string {
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

func isScalar(n ast.Node) bool {
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

func (d *decoder) typeError(n ast.Node, path, want string) {
	d.add(nodePos(d.file, n), path, CodeType, "expected %s, found %s", want, kindName(n))
}

func (d *decoder) decode(n ast.Node, v reflect.Value, path string) {
	n = d.resolve(n)
	d.pos[path] = nodePos(d.file, n)
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDecodeDepth {
		d.add(nodePos(d.file, n), path, CodeSyntax, "nesting deeper than %d levels", maxDecodeDepth)
		return
	}

	switch v.Type() {
	case typeDecimal:
		d.decodeDecimal(n, v, path)
		return
	case typeTime:
		d.decodeDate(n, v, path)
		return
	case typeText:
		d.decodeText(n, v, path)
		return
	case typeCondition:
		d.decodeCondition(n, v, path)
		return
	case typeExpr:
		if !isScalar(n) {
			d.typeError(n, path, "a formula")
			return
		}
		v.Set(reflect.ValueOf(Expr{Source: scalarText(n), Pos: exprPos(d.file, n)}))
		return
	case typeValue:
		if isScalar(n) {
			v.Set(reflect.ValueOf(Value{ID: scalarText(n), Pos: nodePos(d.file, n)}))
			return
		}
	}

	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		ptr := reflect.New(v.Type().Elem())
		d.decode(n, ptr.Elem(), path)
		v.Set(ptr)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if isNull(n) {
			return
		}
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.typeError(n, path, "a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, item := range seq.Values {
			d.decode(item, s.Index(i), indexPath(path, i))
		}
		v.Set(s)
	case reflect.Map:
		if isNull(n) {
			return
		}
		es, ok := entries(n)
		if !ok {
			d.typeError(n, path, "a mapping")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(es))
		seen := map[string]bool{}
		for _, e := range es {
			key := scalarText(e.Key)
			kp := joinPath(path, key)
			if seen[key] {
				d.add(nodePos(d.file, e.Key), kp, CodeDuplicateKey, "key %q appears twice", key)
				continue
			}
			seen[key] = true
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(e.Value, elem, kp)
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
	case reflect.String:
		if !isScalar(n) {
			if isNull(n) {
				return
			}
			d.typeError(n, path, "a string")
			return
		}
		v.SetString(scalarText(n))
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.typeError(n, path, "true or false")
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if _, ok := n.(*ast.IntegerNode); !ok {
			d.typeError(n, path, "a whole number")
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(scalarText(n), "_", ""), 0, 64)
		if err != nil || v.OverflowInt(i) {
			d.add(nodePos(d.file, n), path, CodeType, "%q is not a whole number in range", scalarText(n))
			return
		}
		v.SetInt(i)
	default:
		d.add(nodePos(d.file, n), path, CodeType, "cannot decode into %s", v.Type())
	}
}

// exprPos is the position of the first character of a formula's source.
// For a block scalar the formula starts on the next line.
func exprPos(file string, n ast.Node) Pos {
	pos := nodePos(file, n)
	switch t := n.(type) {
	case *ast.StringNode:
		if t.Token != nil && (t.Token.Type == token.DoubleQuoteType || t.Token.Type == token.SingleQuoteType) {
			pos.Column++
		}
	case *ast.LiteralNode:
		if t.Value != nil {
			return nodePos(file, t.Value)
		}
	}
	return pos
}

func (d *decoder) decodeDecimal(n ast.Node, v reflect.Value, path string) {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode:
	default:
		d.typeError(n, path, "a number")
		return
	}
	text := strings.ReplaceAll(strings.TrimSpace(scalarText(n)), "_", "")
	x, err := decimal.NewFromString(text)
	if err != nil {
		d.add(nodePos(d.file, n), path, CodeType, "%q is not a decimal number", scalarText(n))
		return
	}
	v.Set(reflect.ValueOf(x))
}

func (d *decoder) decodeDate(n ast.Node, v reflect.Value, path string) {
	if !isScalar(n) {
		d.typeError(n, path, "a date (YYYY-MM-DD)")
		return
	}
	t, err := time.Parse(time.DateOnly, scalarText(n))
	if err != nil {
		d.add(nodePos(d.file, n), path, CodeType, "%q is not a date (YYYY-MM-DD)", scalarText(n))
		return
	}
	v.Set(reflect.ValueOf(t))
}

func (d *decoder) decodeText(n ast.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if isScalar(n) {
		v.Set(reflect.ValueOf(Text{"": scalarText(n)}))
		return
	}
	es, ok := entries(n)
	if !ok {
		d.typeError(n, path, "a text or a mapping from language to text")
		return
	}
	t := Text{}
	for _, e := range es {
		lang := scalarText(e.Key)
		kp := joinPath(path, lang)
		val := d.resolve(e.Value)
		d.pos[kp] = nodePos(d.file, val)
		if !isScalar(val) {
			d.typeError(val, kp, "a text")
			continue
		}
		if _, dup := t[lang]; dup {
			d.add(nodePos(d.file, e.Key), kp, CodeDuplicateKey, "language %q appears twice", lang)
			continue
		}
		t[lang] = scalarText(val)
	}
	v.Set(reflect.ValueOf(t))
}

func (d *decoder) decodeCondition(n ast.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	es, ok := entries(n)
	if !ok {
		d.typeError(n, path, "a mapping from attribute or option to values")
		return
	}
	c := make(Condition, 0, len(es))
	seen := map[string]bool{}
	for _, e := range es {
		name := scalarText(e.Key)
		kp := joinPath(path, name)
		if seen[name] {
			d.add(nodePos(d.file, e.Key), kp, CodeDuplicateKey, "%q appears twice in the condition", name)
			continue
		}
		seen[name] = true
		m := Match{Var: name, Pos: nodePos(d.file, e.Key)}
		val := d.resolve(e.Value)
		d.pos[kp] = nodePos(d.file, val)
		switch t := val.(type) {
		case *ast.SequenceNode:
			for i, item := range t.Values {
				item = d.resolve(item)
				d.pos[indexPath(kp, i)] = nodePos(d.file, item)
				if !isScalar(item) {
					d.typeError(item, indexPath(kp, i), "a value")
					continue
				}
				m.Values = append(m.Values, scalarText(item))
			}
		default:
			if !isScalar(val) {
				d.typeError(val, kp, "a value or a list of values")
				continue
			}
			m.Values = []string{scalarText(val)}
		}
		c = append(c, m)
	}
	v.Set(reflect.ValueOf(c))
}

type fieldInfo struct {
	index int
	name  string
}

func yamlFields(t reflect.Type) (fields map[string]fieldInfo, names []string, posIndex int) {
	fields = map[string]fieldInfo{}
	posIndex = -1
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Type == typePos && f.Name == "Pos" {
			posIndex = i
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "-" || tag == "" {
			continue
		}
		fields[tag] = fieldInfo{index: i, name: tag}
		names = append(names, tag)
	}
	sort.Strings(names)
	return fields, names, posIndex
}

func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string) {
	es, ok := entries(n)
	if !ok {
		if isNull(n) {
			return
		}
		d.typeError(n, path, "a mapping")
		return
	}
	fields, names, posIndex := yamlFields(v.Type())
	if posIndex >= 0 {
		v.Field(posIndex).Set(reflect.ValueOf(nodePos(d.file, n)))
	}
	seen := map[string]bool{}
	for _, e := range es {
		key := scalarText(e.Key)
		kp := joinPath(path, key)
		f, ok := fields[key]
		if !ok {
			msg := "unknown key " + strconv.Quote(key)
			if s := suggest.Closest(key, names); s != "" {
				msg += "; did you mean " + strconv.Quote(s) + "?"
			}
			d.add(nodePos(d.file, e.Key), kp, CodeUnknownKey, "%s", msg)
			continue
		}
		if seen[key] {
			d.add(nodePos(d.file, e.Key), kp, CodeDuplicateKey, "key %q appears twice", key)
			continue
		}
		seen[key] = true
		d.decode(e.Value, v.Field(f.index), kp)
	}
}

func lowerFirst(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
