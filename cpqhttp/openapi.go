package cpqhttp

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// pathParam finds the parameters of a route pattern.
var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPIDocument returns the OpenAPI 3 document of the routes the API serves, built
// from the same table as the mux, so the two cannot disagree.
func (s *server) openAPIDocument() map[string]any {
	problem := map[string]any{"$ref": "#/components/schemas/Problem"}
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"security":    []any{map[string]any{"bearer": []any{}}},
			"responses": map[string]any{
				"2XX":     map[string]any{"description": "success", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}},
				"default": map[string]any{"description": "a problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}},
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
		if rt.Body != "" {
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object", "title": rt.Body}}}}
		}
		if rt.Method == "POST" && rt.Pattern == "/v1/verify" {
			binary := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			op["requestBody"] = map[string]any{"required": true, "description": "a document of a quote, as the server rendered it",
				"content": map[string]any{"application/pdf": binary, "text/html": binary, "application/json": binary}}
		}
		if paths[rt.Pattern] == nil {
			paths[rt.Pattern] = map[string]any{}
		}
		paths[rt.Pattern][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "cpqkit", "version": "1"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Problem": map[string]any{
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
			}},
		},
	}
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
		"GET /v1/sessions/{id}/explain": {query("var", "", str, true), query("value", "", str, true), lang},
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

// openAPI serves the document; it describes the API and needs no
// credentials.
func (s *server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.openAPIDocument())
}
