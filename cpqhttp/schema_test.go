package cpqhttp_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// validator checks JSON values against the schemas of an OpenAPI 3.1
// document: the subset of JSON Schema 2020-12 the document uses. A
// keyword it does not know is an error, not a pass, so that the document
// cannot outgrow the check unnoticed.
type validator struct {
	doc map[string]any

	mu       sync.Mutex
	patterns map[string]*regexp.Regexp
}

// annotations are the keywords that describe and do not constrain.
var annotations = []string{"description", "title", "default", "format", "contentEncoding", "contentMediaType", "examples"}

// keywords are the keywords the validator checks.
var keywords = []string{"$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const",
	"pattern", "anyOf", "oneOf", "minimum", "minItems", "maxItems", "propertyNames"}

// resolve returns the schema a local reference names.
func (v *validator) resolve(ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("reference %s is not local", ref)
	}
	var at any = v.doc
	for _, part := range strings.Split(ptr, "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		m, ok := at.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("reference %s: %s is not in an object", ref, part)
		}
		if at, ok = m[part]; !ok {
			return nil, fmt.Errorf("reference %s does not resolve: no %s", ref, part)
		}
	}
	return at, nil
}

// check returns the ways value (decoded with UseNumber) fails schema; path
// names where value is, for the messages.
func (v *validator) check(schema any, value any, path string) []string {
	if b, ok := schema.(bool); ok {
		if b {
			return nil
		}
		return []string{path + ": no value is allowed here"}
	}
	s, ok := schema.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: the schema is a %T, not an object", path, schema)}
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	for k := range s {
		if !slices.Contains(keywords, k) && !slices.Contains(annotations, k) {
			fail("the validator does not know the keyword %q", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		target, err := v.resolve(ref)
		if err != nil {
			fail("%v", err)
		} else {
			errs = append(errs, v.check(target, value, path)...)
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return isType(value, t) }) {
			fail("%s is not of type %s", brief(value), strings.Join(types, " or "))
			return errs // the other keywords would only repeat it
		}
	}
	if f, ok := s["format"].(string); ok && f == "date-time" {
		if str, ok := value.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				fail("%q is not a date-time", str)
			}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return equal(e, value) }) {
		fail("%s is not one of %v", brief(value), enum)
	}
	if c, ok := s["const"]; ok && !equal(c, value) {
		fail("%s is not %v", brief(value), c)
	}
	if p, ok := s["pattern"].(string); ok {
		if str, ok := value.(string); ok && !v.regexp(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
	}
	if m, ok := s["minimum"].(float64); ok {
		if n, ok := value.(json.Number); ok {
			if f, err := n.Float64(); err == nil && f < m {
				fail("%s is less than %v", n, m)
			}
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		matched := 0
		var why []string
		for _, alt := range alts {
			if e := v.check(alt, value, path); len(e) == 0 {
				matched++
			} else {
				why = append(why, e...)
			}
		}
		if matched == 0 || key == "oneOf" && matched > 1 {
			fail("%s matches %d of the %s: %s", brief(value), matched, key, strings.Join(why, "; "))
		}
	}
	switch value := value.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := value[r.(string)]; !ok {
					fail("the required property %q is missing", r)
				}
			}
		}
		if pn, ok := s["propertyNames"]; ok {
			for k := range value {
				errs = append(errs, v.check(pn, k, path+"{"+k+"}")...)
			}
		}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range value {
				if !yield(k) {
					return
				}
			}
		}) {
			if ps, ok := props[k]; ok {
				errs = append(errs, v.check(ps, value[k], path+"."+k)...)
			} else if ap, ok := s["additionalProperties"]; ok {
				if b, ok := ap.(bool); ok && !b {
					fail("the property %q is not in the schema", k)
				} else {
					errs = append(errs, v.check(ap, value[k], path+"."+k)...)
				}
			}
		}
	case []any:
		if n, ok := s["minItems"].(float64); ok && float64(len(value)) < n {
			fail("%d items, fewer than %v", len(value), n)
		}
		if n, ok := s["maxItems"].(float64); ok && float64(len(value)) > n {
			fail("%d items, more than %v", len(value), n)
		}
		if items, ok := s["items"]; ok {
			for i, x := range value {
				errs = append(errs, v.check(items, x, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func (v *validator) regexp(p string) *regexp.Regexp {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.patterns == nil {
		v.patterns = map[string]*regexp.Regexp{}
	}
	re, ok := v.patterns[p]
	if !ok {
		re = regexp.MustCompile(p)
		v.patterns[p] = re
	}
	return re
}

// isType reports whether a value decoded with UseNumber is of a JSON
// Schema type.
func isType(value any, t string) bool {
	switch value := value.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case json.Number:
		if t == "number" {
			return true
		}
		if t != "integer" {
			return false
		}
		if _, err := value.Int64(); err == nil {
			return true
		}
		f, err := value.Float64()
		return err == nil && f == float64(int64(f))
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}

// equal compares a value of the document (numbers as float64) with a
// value decoded with UseNumber.
func equal(doc, value any) bool {
	if n, ok := value.(json.Number); ok {
		f, err := n.Float64()
		d, isNum := doc.(float64)
		return err == nil && isNum && f == d
	}
	a, _ := json.Marshal(doc)
	b, _ := json.Marshal(value)
	return string(a) == string(b)
}

// brief is a value in a message, cut short.
func brief(value any) string {
	b, _ := json.Marshal(value)
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// schemaKeywords returns the problems with a schema and every schema in
// it: keywords the validator does not know and references that do not
// resolve.
func (v *validator) schemaKeywords(schema any, path string, seen map[string]bool) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		if _, ok := schema.(bool); ok {
			return nil
		}
		return []string{fmt.Sprintf("%s: a schema is a %T", path, schema)}
	}
	var errs []string
	for k, sub := range s {
		switch {
		case k == "$ref":
			ref := sub.(string)
			target, err := v.resolve(ref)
			if err != nil {
				errs = append(errs, path+": "+err.Error())
			} else if !seen[ref] {
				seen[ref] = true
				errs = append(errs, v.schemaKeywords(target, ref, seen)...)
			}
		case k == "properties":
			for name, ps := range sub.(map[string]any) {
				errs = append(errs, v.schemaKeywords(ps, path+"/properties/"+name, seen)...)
			}
		case k == "items" || k == "additionalProperties" || k == "propertyNames":
			errs = append(errs, v.schemaKeywords(sub, path+"/"+k, seen)...)
		case k == "anyOf" || k == "oneOf":
			for i, alt := range sub.([]any) {
				errs = append(errs, v.schemaKeywords(alt, fmt.Sprintf("%s/%s/%d", path, k, i), seen)...)
			}
		case k == "pattern":
			if _, err := regexp.Compile(sub.(string)); err != nil {
				errs = append(errs, path+": "+err.Error())
			}
		case !slices.Contains(keywords, k) && !slices.Contains(annotations, k):
			errs = append(errs, fmt.Sprintf("%s: the validator does not know the keyword %q", path, k))
		}
	}
	return errs
}
