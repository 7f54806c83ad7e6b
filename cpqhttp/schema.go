package cpqhttp

import (
	"cmp"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
)

// schemaRef is the prefix of a reference to a component schema.
const schemaRef = "#/components/schemas/"

// decimalPattern is the form a decimal.Decimal marshals to.
const decimalPattern = `^-?[0-9]+(\.[0-9]+)?$`

var (
	timeType     = reflect.TypeFor[time.Time]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	marshalerT   = reflect.TypeFor[json.Marshaler]()
	textMarshalT = reflect.TypeFor[encoding.TextMarshaler]()
)

// ownSchemas describe the types that marshal themselves, by what they
// marshal to. A type with its own MarshalJSON must be here: its JSON
// cannot be told from its fields.
var ownSchemas = map[reflect.Type]map[string]any{
	reflect.TypeFor[decimal.Decimal](): {"type": "string", "pattern": decimalPattern,
		"description": "an exact decimal number, as a string"},
	reflect.TypeFor[money.Amount](): {"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)? [A-Z]{3}$`,
		"description": "an amount and its ISO 4217 currency: \"1234.50 EUR\""},
	reflect.TypeFor[money.RoundingMode](): {"type": "string", "enum": roundingModes()},
}

func roundingModes() []string {
	var out []string
	for m := money.RoundingMode(0); m.Valid(); m++ {
		out = append(out, m.String())
	}
	return out
}

// schemas generates JSON Schemas (2020-12, as OpenAPI 3.1 has them) for
// Go types by reflection, as encoding/json marshals them: struct fields
// by their json tags, embedded structs flattened, slices as arrays, maps
// as objects. Every named type is one component, referred to by $ref, so
// recursive types do not loop.
type schemas struct {
	names map[reflect.Type]string
	// unknown are the types with a MarshalJSON of their own that
	// ownSchemas does not describe; they are described as any value.
	unknown []reflect.Type
}

// newSchemas names the components of the types given and of every type
// they reach. A name is the type's own unless two types share it; then
// the API's own type keeps it and the others are qualified by their
// package ("approval.Delegation").
func newSchemas(roots ...reflect.Type) *schemas {
	s := &schemas{names: map[reflect.Type]string{}}
	seen := map[reflect.Type]bool{}
	for _, t := range roots {
		reach(t, seen)
	}
	byName := map[string][]reflect.Type{}
	for t := range seen {
		byName[typeName(t)] = append(byName[typeName(t)], t)
	}
	own := reflect.TypeFor[server]().PkgPath()
	for name, ts := range byName {
		for _, t := range ts {
			switch {
			case len(ts) == 1 || t.PkgPath() == own:
				s.names[t] = name
			default:
				s.names[t] = t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + name
			}
		}
	}
	return s
}

// typeName is a type's name as a component name may have it (an
// instance of a generic type names its arguments).
func typeName(t reflect.Type) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '.' || r == '-' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, t.Name())
}

// component reports whether a type is described once, as a component:
// the named types but time.Time and json.RawMessage, which are
// described where they are used.
func component(t reflect.Type) bool {
	return t.Name() != "" && t.PkgPath() != "" && t != timeType && t != rawType
}

// marshalsItself reports whether encoding/json lets a type marshal
// itself, as JSON (json) or as text, a JSON string (text).
func marshalsItself(t reflect.Type) (json, text bool) {
	pt := reflect.PointerTo(t)
	if t.Implements(marshalerT) || pt.Implements(marshalerT) {
		return true, false
	}
	return false, t.Implements(textMarshalT) || pt.Implements(textMarshalT)
}

// reach adds to seen the component types t is or reaches.
func reach(t reflect.Type, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if component(t) {
		if seen[t] {
			return
		}
		seen[t] = true
	}
	if j, x := marshalsItself(t); j || x || t == timeType {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for _, f := range jsonFields(t) {
			reach(f.typ, seen)
		}
	case reflect.Slice, reflect.Array:
		reach(t.Elem(), seen)
	case reflect.Map:
		reach(t.Elem(), seen)
	}
}

// ref is the schema of a value of type t where it is used: a reference
// to its component, or the schema itself for a type without one.
func (s *schemas) ref(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if name, ok := s.names[t]; ok {
		return map[string]any{"$ref": schemaRef + name}
	}
	return s.define(t)
}

// components returns every component schema, by name.
func (s *schemas) components() map[string]any {
	out := map[string]any{}
	for t, name := range s.names {
		out[name] = s.define(t)
	}
	return out
}

// define is the schema of type t itself.
func (s *schemas) define(t reflect.Type) map[string]any {
	if sc, ok := ownSchemas[t]; ok {
		return sc
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t == rawType {
		return map[string]any{}
	}
	switch j, x := marshalsItself(t); {
	case j:
		s.unknown = append(s.unknown, t)
		return map[string]any{"description": "JSON of its own making"}
	case x:
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if j, x := marshalsItself(t.Elem()); !j && !x {
				return map[string]any{"type": "string", "contentEncoding": "base64"}
			}
		}
		return map[string]any{"type": "array", "items": s.ref(t.Elem())}
	case reflect.Array:
		return map[string]any{"type": "array", "items": s.ref(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		out := map[string]any{"type": "object", "additionalProperties": s.ref(t.Elem())}
		if k := t.Key(); k.Kind() != reflect.String {
			if _, x := marshalsItself(k); !x {
				out["propertyNames"] = map[string]any{"pattern": `^-?[0-9]+$`}
			}
		}
		return out
	case reflect.Struct:
		return s.object(t)
	}
	// Channels, functions and complex numbers: encoding/json refuses them.
	s.unknown = append(s.unknown, t)
	return map[string]any{"description": "not JSON"}
}

// object is the schema of a struct: a property for every field
// encoding/json writes, required unless it may be left out (omitempty,
// omitzero, a pointer, or promoted from an embedded pointer), nullable
// where it may be null (a pointer, slice or map written even when nil).
// No other property is allowed: the API writes none, and refuses unknown
// fields in a request. For a request, the same tags say which fields a
// client may leave out.
func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, f := range jsonFields(t) {
		var sc map[string]any
		ft := f.typ
		switch {
		case f.quoted:
			sc = map[string]any{"type": "string"}
		default:
			sc = s.ref(ft)
			if !f.omit && nilable(ft) {
				sc = nullable(sc)
			}
		}
		props[f.name] = sc
		if !f.omit && !f.viaPointer && ft.Kind() != reflect.Pointer {
			required = append(required, f.name)
		}
	}
	slices.Sort(required)
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// nilable reports whether encoding/json may write a value of the type as
// null: a nil pointer, slice or map that marshals no other way.
func nilable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
	default:
		return false
	}
	if j, x := marshalsItself(t); j || x {
		return t.Kind() == reflect.Pointer
	}
	return true
}

// nullable returns a schema that allows null besides what sc allows.
func nullable(sc map[string]any) map[string]any {
	if typ, ok := sc["type"].(string); ok && sc["$ref"] == nil {
		out := map[string]any{}
		for k, v := range sc {
			out[k] = v
		}
		out["type"] = []string{typ, "null"}
		return out
	}
	return map[string]any{"anyOf": []any{sc, map[string]any{"type": "null"}}}
}

// jsonField is a field as encoding/json writes it.
type jsonField struct {
	name string
	typ  reflect.Type
	// tagged is true when the json tag names the field; depth is how deep
	// in embedded structs it is.
	tagged bool
	depth  int
	// omit is true for omitempty and omitzero fields; quoted for fields
	// written as a JSON string (the ",string" option).
	omit, quoted bool
	// viaPointer is true for a field promoted from an embedded pointer:
	// absent when the pointer is nil.
	viaPointer bool
}

// jsonFields returns the fields encoding/json writes for a struct type,
// in name order, with the fields of embedded structs promoted as
// encoding/json does: the shallowest wins, then the tagged one; fields
// that still tie are left out.
func jsonFields(t reflect.Type) []jsonField {
	type level struct {
		typ        reflect.Type
		depth      int
		viaPointer bool
	}
	var fields []jsonField
	visited := map[reflect.Type]bool{}
	next := []level{{typ: t}}
	for len(next) > 0 {
		current := next
		next = nil
		for _, lv := range current {
			if visited[lv.typ] {
				continue
			}
			visited[lv.typ] = true
			for i := range lv.typ.NumField() {
				sf := lv.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := jsonField{name: cmp.Or(name, sf.Name), typ: sf.Type, tagged: name != "", depth: lv.depth, viaPointer: lv.viaPointer}
					for _, o := range strings.Split(opts, ",") {
						switch o {
						case "omitempty", "omitzero":
							f.omit = true
						case "string":
							switch ft.Kind() {
							case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
								reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
								reflect.Float32, reflect.Float64, reflect.String:
								f.quoted = true
							}
						}
					}
					fields = append(fields, f)
					continue
				}
				next = append(next, level{typ: ft, depth: lv.depth + 1, viaPointer: lv.viaPointer || sf.Type.Kind() == reflect.Pointer})
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b jsonField) int {
		return cmp.Or(strings.Compare(a.name, b.name), cmp.Compare(a.depth, b.depth), boolOrder(a.tagged, b.tagged))
	})
	var out []jsonField
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		// fields[i:j] share a name, shallowest and tagged first.
		dominant := fields[i]
		tie := j-i > 1 && fields[i+1].depth == dominant.depth && fields[i+1].tagged == dominant.tagged
		if !tie {
			out = append(out, dominant)
		}
		i = j
	}
	return out
}

// boolOrder orders true before false.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
