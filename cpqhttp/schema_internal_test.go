package cpqhttp

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/quote"
)

type schemaBase struct {
	ID      string `json:"id"`
	Shadow  string `json:"shadow"`
	Note    string `json:"note,omitempty"`
	private string
}

type schemaOther struct {
	Shadow string `json:"shadow"`
	Tie    int
}

type schemaMore struct {
	Tie   int
	Extra string `json:"extra"`
}

type schemaTree struct {
	Name     string       `json:"name"`
	Children []schemaTree `json:"children"`
	Parent   *schemaTree  `json:"parent,omitempty"`
	Skipped  string       `json:"-"`
	Count    int          `json:"count,string"`
	Raw      []byte       `json:"raw,omitempty"`
	Data     any          `json:"data"`
	ByNumber map[int]bool `json:"by_number,omitzero"`
	When     time.Time    `json:"when"`
	Price    money.Amount `json:"price"`
	Mode     money.RoundingMode
	Pair     [2]float64       `json:"pair"`
	Optional *decimal.Decimal `json:"optional"`
}

// schemaClash reaches types of one name in several packages.
type schemaClash struct {
	Mine   Delegation          `json:"mine"`
	Theirs approval.Delegation `json:"theirs"`
	Quote  quote.Status        `json:"quote"`
	Step   approval.Status     `json:"step"`
}

// schemaOuter embeds structs as encoding/json flattens them: its own
// Shadow wins over the embedded ones, Tie ties at one depth and is left
// out, the fields of the embedded pointer may be absent.
type schemaOuter struct {
	schemaBase
	*schemaOther
	schemaMore
	Shadow string `json:"shadow"`
}

func TestJSONFieldsFollowEncodingJSON(t *testing.T) {
	v := schemaOuter{schemaBase: schemaBase{ID: "a", Note: "n"}, schemaOther: &schemaOther{Shadow: "x", Tie: 1}, schemaMore: schemaMore{Tie: 2, Extra: "e"}, Shadow: "s"}
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var written map[string]any
	require.NoError(t, json.Unmarshal(data, &written))
	var names []string
	for _, f := range jsonFields(reflect.TypeFor[schemaOuter]()) {
		names = append(names, f.name)
	}
	assert.Equal(t, slices.Sorted(maps.Keys(written)), names)
	assert.Equal(t, "s", written["shadow"])
}

func TestSchemas(t *testing.T) {
	s := newSchemas(reflect.TypeFor[schemaOuter](), reflect.TypeFor[schemaTree](), reflect.TypeFor[schemaClash]())
	all := s.components()
	assert.Empty(t, s.unknown)

	outer := all["schemaOuter"].(map[string]any)
	assert.Equal(t, []string{"extra", "id", "shadow"}, outer["required"], "fields of an embedded pointer and omitempty ones may be absent")
	assert.Equal(t, false, outer["additionalProperties"])

	tree := all["schemaTree"].(map[string]any)
	props := tree["properties"].(map[string]any)
	assert.Equal(t, map[string]any{"type": []string{"array", "null"}, "items": map[string]any{"$ref": schemaRef + "schemaTree"}}, props["children"], "a recursive type refers to itself")
	assert.Equal(t, map[string]any{"$ref": schemaRef + "schemaTree"}, props["parent"])
	assert.NotContains(t, props, "Skipped")
	assert.Equal(t, map[string]any{"type": "string"}, props["count"])
	assert.Equal(t, map[string]any{"type": "string", "contentEncoding": "base64"}, props["raw"])
	assert.Equal(t, map[string]any{}, props["data"])
	assert.Equal(t, map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "boolean"},
		"propertyNames": map[string]any{"pattern": `^-?[0-9]+$`}}, props["by_number"])
	assert.Equal(t, map[string]any{"type": "string", "format": "date-time"}, props["when"])
	assert.Equal(t, map[string]any{"$ref": schemaRef + "Amount"}, props["price"])
	assert.Equal(t, map[string]any{"$ref": schemaRef + "RoundingMode"}, props["Mode"])
	assert.Equal(t, map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 2, "maxItems": 2}, props["pair"])
	assert.Equal(t, map[string]any{"anyOf": []any{map[string]any{"$ref": schemaRef + "Decimal"}, map[string]any{"type": "null"}}}, props["optional"],
		"a pointer written when nil may be null")
	assert.Equal(t, []string{"Mode", "children", "count", "data", "name", "pair", "price", "when"}, tree["required"],
		"omitzero fields and pointers are not required; a nullable slice is")
	assert.Equal(t, "string", all["Decimal"].(map[string]any)["type"])
	assert.Contains(t, all["RoundingMode"].(map[string]any)["enum"], "half_even")

	// The API's own Delegation keeps its name, approval's is qualified;
	// two statuses of other packages are both qualified.
	assert.Contains(t, all["Delegation"].(map[string]any)["properties"], "active")
	assert.NotContains(t, all["approval.Delegation"].(map[string]any)["properties"], "active")
	assert.Contains(t, all, "approval.Status")
	assert.Contains(t, all, "quote.Status")
	assert.NotContains(t, all, "Status")
}

// TestSchemasOfTheAPI checks that every type the API answers or takes is
// described by what it marshals to: a type with a MarshalJSON of its own
// must be in ownSchemas.
func TestSchemasOfTheAPI(t *testing.T) {
	var types []reflect.Type
	for _, rt := range (&server{}).routes() {
		types = append(types, bodyTypes(rt.Body)...)
		types = append(types, bodyTypes(rt.Resp)...)
	}
	s := newSchemas(types...)
	s.components()
	assert.Empty(t, s.unknown)
	assert.NotContains(t, slices.Collect(maps.Values(s.names)), "Problem", "the Problem schema is written by hand")
	for typ := range ownSchemas {
		ownJSON, ownText := marshalsItself(typ)
		assert.True(t, ownJSON || ownText, "%s marshals itself", typ)
	}
	for _, rt := range (&server{}).routes() {
		assert.NotNil(t, rt.Resp, rt.Method+" "+rt.Pattern)
		assert.Contains(t, []int{200, 201}, rt.Status, rt.Method+" "+rt.Pattern)
	}
}
