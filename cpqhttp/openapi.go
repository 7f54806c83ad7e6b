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
		switch {
		case rt.Method == "PUT" && rt.Pattern == "/v1/quotes/{id}":
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "description": "the version of the quote that was read", "schema": map[string]any{"type": "string"}})
		case rt.Pattern == "/v1/quotes/{id}/document":
			params = append(params,
				map[string]any{"name": "format", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"html", "json", "csv", "pdf"}, "default": "html"}},
				map[string]any{"name": "lang", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"en", "zh-CN"}}})
		case rt.Pattern == "/v1/sessions/{id}/explain":
			params = append(params,
				map[string]any{"name": "var", "in": "query", "required": true, "schema": map[string]any{"type": "string"}},
				map[string]any{"name": "value", "in": "query", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object", "title": rt.Body}}}}
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
				},
			}},
		},
	}
}

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
