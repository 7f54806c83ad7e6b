package catalog

import (
	"reflect"

	"github.com/goccy/go-yaml/ast"

	"github.com/cpqkit/cpq/internal/yamlpos"
)

// parseDocument decodes one YAML or JSON document into c, recording the
// position of every path and every decoding problem in p.
func parseDocument(data []byte, p *problems, c *Catalog) {
	d := yamlpos.Decode(data, p.file, "catalog", c)
	p.pos = d.Positions
	for _, pr := range d.Problems {
		p.add(pr.Pos, pr.Path, pr.Code, "%s", pr.Message)
	}
}

// UnmarshalYAMLNode reads a text as a plain string (in the default
// language) or a mapping from language to text.
func (t *Text) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, path string) {
	if yamlpos.IsNull(n) {
		return
	}
	if yamlpos.IsScalar(n) {
		*t = Text{"": yamlpos.ScalarText(n)}
		return
	}
	es, ok := yamlpos.Entries(n)
	if !ok {
		d.TypeError(n, path, "a text or a mapping from language to text")
		return
	}
	out := Text{}
	for _, e := range es {
		lang := yamlpos.ScalarText(e.Key)
		kp := yamlpos.Join(path, lang)
		val := d.Resolve(e.Value)
		d.Record(kp, d.Pos(val))
		if !yamlpos.IsScalar(val) {
			d.TypeError(val, kp, "a text")
			continue
		}
		if _, dup := out[lang]; dup {
			d.Add(d.Pos(e.Key), kp, yamlpos.KindDuplicateKey, "language %q appears twice", lang)
			continue
		}
		out[lang] = yamlpos.ScalarText(val)
	}
	*t = out
}

// UnmarshalYAMLNode reads a condition: a mapping from variable to a value or
// a list of values.
func (c *Condition) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, path string) {
	if yamlpos.IsNull(n) {
		return
	}
	es, ok := yamlpos.Entries(n)
	if !ok {
		d.TypeError(n, path, "a mapping from attribute or option to values")
		return
	}
	out := make(Condition, 0, len(es))
	seen := map[string]bool{}
	for _, e := range es {
		name := yamlpos.ScalarText(e.Key)
		kp := yamlpos.Join(path, name)
		if seen[name] {
			d.Add(d.Pos(e.Key), kp, yamlpos.KindDuplicateKey, "%q appears twice in the condition", name)
			continue
		}
		seen[name] = true
		m := Match{Var: name, Pos: d.Pos(e.Key)}
		val := d.Resolve(e.Value)
		d.Record(kp, d.Pos(val))
		if seq, ok := val.(*ast.SequenceNode); ok {
			for i, item := range seq.Values {
				item = d.Resolve(item)
				ip := yamlpos.Index(kp, i)
				d.Record(ip, d.Pos(item))
				if !yamlpos.IsScalar(item) {
					d.TypeError(item, ip, "a value")
					continue
				}
				m.Values = append(m.Values, yamlpos.ScalarText(item))
			}
		} else if yamlpos.IsScalar(val) {
			m.Values = []string{yamlpos.ScalarText(val)}
		} else {
			d.TypeError(val, kp, "a value or a list of values")
			continue
		}
		out = append(out, m)
	}
	*c = out
}

// UnmarshalYAMLNode reads a formula's source and where it starts.
func (e *Expr) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, path string) {
	if yamlpos.IsNull(n) {
		return
	}
	if !yamlpos.IsScalar(n) {
		d.TypeError(n, path, "a formula")
		return
	}
	*e = Expr{Source: yamlpos.ScalarText(n), Pos: d.TextPos(n)}
}

// UnmarshalYAMLNode reads a value written as its ID alone or as a mapping.
func (v *Value) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, path string) {
	if yamlpos.IsScalar(n) {
		*v = Value{ID: yamlpos.ScalarText(n), Pos: d.Pos(n)}
		return
	}
	type plain Value
	d.DecodeStruct(n, reflectValue((*plain)(v)), path)
}

func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }
