package cpqhttp

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/cpqkit/cpq/render"
)

// pathParam finds the parameters of a route pattern.
var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// optional is the Body of a route whose JSON body may be left out: a
// value of the body's type when there is one.
type optional struct{ body any }

// document is a body that is a document of a quote in one of several
// media types rather than JSON of one Go type: JSON, when set, is a
// value of the type of its application/json form.
type document struct {
	mediaTypes []string
	json       any
}

// quoteDocument is a document of a quote as the server renders it, and
// as POST /v1/verify takes it back.
var quoteDocument = document{mediaTypes: []string{"text/html", "application/pdf", "text/csv", "application/json"}, json: render.Document{}}

// verifiable is a document POST /v1/verify takes; without a media type
// that says which, its first bytes tell.
var verifiable = document{mediaTypes: []string{"application/pdf", "text/html", "application/xhtml+xml", "application/json", "application/octet-stream"}, json: render.Document{}}

// bodyTypes are the Go types of JSON a body or answer holds.
func bodyTypes(v any) []reflect.Type {
	switch v := v.(type) {
	case nil:
		return nil
	case optional:
		return bodyTypes(v.body)
	case document:
		return bodyTypes(v.json)
	}
	return []reflect.Type{reflect.TypeOf(v)}
}

// content describes a body or answer by media type.
func (sc *schemas) content(v any) map[string]any {
	switch v := v.(type) {
	case optional:
		return sc.content(v.body)
	case document:
		out := map[string]any{}
		for _, mt := range v.mediaTypes {
			switch {
			case mt == "application/json" && v.json != nil:
				out[mt] = map[string]any{"schema": sc.ref(reflect.TypeOf(v.json))}
			case strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "+xml"):
				out[mt] = map[string]any{"schema": map[string]any{"type": "string"}}
			default:
				out[mt] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary", "contentMediaType": mt}}
			}
		}
		return out
	}
	return map[string]any{"application/json": map[string]any{"schema": sc.ref(reflect.TypeOf(v))}}
}

// openAPIDocument returns the OpenAPI 3.1 document of the routes the API
// serves, built from the same table as the mux, so the two cannot
// disagree: the schemas of bodies and answers are generated from the Go
// types the table names.
func (s *server) openAPIDocument() map[string]any {
	routes := s.routes()
	var types []reflect.Type
	for _, rt := range routes {
		types = append(types, bodyTypes(rt.Body)...)
		types = append(types, bodyTypes(rt.Resp)...)
	}
	sc := newSchemas(types...)
	problem := map[string]any{"$ref": schemaRef + "Problem"}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"security":    []any{map[string]any{"bearer": []any{}}},
			"responses": map[string]any{
				strconv.Itoa(rt.Status): map[string]any{"description": http.StatusText(rt.Status), "content": sc.content(rt.Resp)},
				"default":               map[string]any{"description": "a problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}},
			},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		params = append(params, extraParams[rt.Method+" "+rt.Pattern]...)
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != nil {
			_, opt := rt.Body.(optional)
			body := map[string]any{"required": !opt, "content": sc.content(rt.Body)}
			if _, ok := rt.Body.(document); ok {
				body["description"] = "a document of a quote, as the server rendered it"
			}
			op["requestBody"] = body
		}
		if paths[rt.Pattern] == nil {
			paths[rt.Pattern] = map[string]any{}
		}
		paths[rt.Pattern][strings.ToLower(rt.Method)] = op
	}
	components := sc.components()
	components["Problem"] = problemSchema
	return map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info":              map[string]any{"title": "cpqkit", "version": "1"},
		"paths":             paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         components,
		},
	}
}

// problemSchema describes a problem (RFC 9457) as the API writes it.
var problemSchema = map[string]any{
	"type":     "object",
	"required": []string{"type", "title", "status", "code"},
	"properties": map[string]any{
		"type":   map[string]any{"type": "string", "description": "urn:cpqkit:problem:<code>"},
		"title":  map[string]any{"type": "string"},
		"status": map[string]any{"type": "integer"},
		"detail": map[string]any{"type": "string"},
		"code":   map[string]any{"type": "string"},
		"missing": map[string]any{"type": "array", "items": map[string]any{"type": "string"},
			"description": "approval.required: the steps not approved for the current content"},
		"explanation": map[string]any{"type": "object", "description": "config.not_available: why the value is withheld"},
		"drop": map[string]any{"type": "array", "items": map[string]any{"type": "object"},
			"description": "guide.conflict: the choices to withdraw"},
		"clear": map[string]any{"type": "array", "items": map[string]any{"type": "string"},
			"description": "guide.conflict: the questions whose answers to clear"},
		"explanations": map[string]any{"type": "array", "items": map[string]any{"type": "object"},
			"description": "guide.conflict: why each choice to drop is in the way"},
	},
}

// extraParams are the query and header parameters of the routes that take
// some, by method and pattern.
var extraParams = func() map[string][]any {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer", "minimum": 1}
	query := func(name, description string, schema map[string]any, required bool) any {
		p := map[string]any{"name": name, "in": "query", "schema": schema}
		if description != "" {
			p["description"] = description
		}
		if required {
			p["required"] = true
		}
		return p
	}
	ifMatch := func(required bool) any {
		return map[string]any{"name": "If-Match", "in": "header", "required": required, "description": "the version of the quote that was read", "schema": str}
	}
	lang := query("lang", "the language of labels (en, zh-CN); English where the catalog has none", map[string]any{"type": "string", "enum": []string{"en", "zh-CN"}}, false)
	return map[string][]any{
		"PUT /v1/quotes/{id}":                   {ifMatch(true)},
		"POST /v1/quotes/{id}/lines":            {ifMatch(true)},
		"DELETE /v1/quotes/{id}/lines/{line}":   {ifMatch(true)},
		"POST /v1/quotes/{id}/recalculate":      {ifMatch(true)},
		"POST /v1/quotes/{id}/revise":           {ifMatch(false)},
		"GET /v1/catalogs":                      {lang},
		"GET /v1/products":                      {lang},
		"GET /v1/products/{sku}":                {lang},
		"GET /v1/sessions/{id}/questionnaire":   {lang},
		"GET /v1/sessions/{id}/packages":        {lang},
		"GET /v1/sessions/{id}/suggestions":     {lang},
		"GET /v1/sessions/{id}/recommendations": {lang},
		"GET /v1/quotes/{id}/document": {
			query("format", "", map[string]any{"type": "string", "enum": []string{"html", "json", "csv", "pdf"}, "default": "html"}, false),
			query("lang", "", map[string]any{"type": "string", "enum": []string{"en", "zh-CN"}}, false),
		},
		"GET /v1/sessions/{id}/explain":         {query("var", "", str, true), query("value", "", str, true), lang},
		"GET /v1/quotes/{id}/approvals":         {lang},
		"GET /v1/quotes/{id}/approvals/preview": {lang},
		"GET /v1/approvals/inbox":               {lang},
		"GET /v1/quotes": {
			query("status", "statuses to list, comma-separated or repeated", str, false),
			query("owner", "the owner's user ID", str, false),
			query("opportunity", "the CRM opportunity's ID", str, false),
			query("cursor", "the next of the previous page", str, false),
			query("limit", "the page size (default 50, at most 1000)", integer, false),
		},
		"GET /v1/quotes/{id}/diff": {
			query("from", "the earlier revision (default: the one before to)", integer, false),
			query("to", "the later revision (default: the current one)", integer, false),
		},
	}
}()

// operationID names an operation after its method and path: "GET
// /v1/quotes/{id}" is "get_quotes_id".
func operationID(rt route) string {
	p := strings.TrimPrefix(rt.Pattern, "/v1/")
	p = strings.NewReplacer("{", "", "}", "", "/", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

// openAPIJSON is the document, made once: it depends on the route table
// alone.
var openAPIJSON = sync.OnceValues(func() ([]byte, error) { return json.Marshal((&server{}).openAPIDocument()) })

// openAPI serves the document; it describes the API and needs no
// credentials.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request) {
	data, err := openAPIJSON()
	if err != nil {
		writeProblem(w, problemFor(err, s.problemLanguage(r)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}
