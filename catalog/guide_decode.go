package catalog

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/internal/yamlpos"
)

// UnmarshalYAMLNode reads restrictions: a mapping from variable to a value,
// a list of values, or a range {min: …, max: …}.
func (rs *Restrictions) UnmarshalYAMLNode(d *yamlpos.Decoder, n ast.Node, path string) {
	if yamlpos.IsNull(n) {
		return
	}
	es, ok := yamlpos.Entries(n)
	if !ok {
		d.TypeError(n, path, "a mapping from attribute or option to values")
		return
	}
	out := make(Restrictions, 0, len(es))
	seen := map[string]bool{}
	for _, e := range es {
		name := yamlpos.ScalarText(e.Key)
		kp := yamlpos.Join(path, name)
		if seen[name] {
			d.Add(d.Pos(e.Key), kp, yamlpos.KindDuplicateKey, "%q appears twice in the restriction", name)
			continue
		}
		seen[name] = true
		r := &Restriction{Var: name, Pos: d.Pos(e.Key)}
		val := d.Resolve(e.Value)
		d.Record(kp, d.Pos(val))
		switch {
		case yamlpos.IsScalar(val):
			r.Values = []string{yamlpos.ScalarText(val)}
		case isSequence(val):
			for i, item := range val.(*ast.SequenceNode).Values {
				item = d.Resolve(item)
				ip := yamlpos.Index(kp, i)
				d.Record(ip, d.Pos(item))
				if !yamlpos.IsScalar(item) {
					d.TypeError(item, ip, "a value")
					continue
				}
				r.Values = append(r.Values, yamlpos.ScalarText(item))
			}
		default:
			bounds, ok := yamlpos.Entries(val)
			if !ok {
				d.TypeError(val, kp, "a value, a list of values or a range {min, max}")
				continue
			}
			for _, b := range bounds {
				key := yamlpos.ScalarText(b.Key)
				bp := yamlpos.Join(kp, key)
				bv := d.Resolve(b.Value)
				d.Record(bp, d.Pos(bv))
				var dst **decimal.Decimal
				switch key {
				case "min":
					dst = &r.Min
				case "max":
					dst = &r.Max
				default:
					d.Add(d.Pos(b.Key), bp, yamlpos.KindUnknownKey, "unknown key %q; a range has min and max", key)
					continue
				}
				x, err := decimal.NewFromString(strings.ReplaceAll(yamlpos.ScalarText(bv), "_", ""))
				if err != nil || !yamlpos.IsScalar(bv) {
					d.TypeError(bv, bp, "a number")
					continue
				}
				*dst = &x
			}
		}
		out = append(out, r)
	}
	*rs = out
}

func isSequence(n ast.Node) bool {
	_, ok := n.(*ast.SequenceNode)
	return ok
}
