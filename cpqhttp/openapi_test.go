package cpqhttp_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/cpqhttp"
)

func TestOpenAPIMatchesMux(t *testing.T) {
	f := newFixture(t)
	// The document needs no credentials.
	resp, err := f.srv.Client().Get(f.srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3."))

	var documented []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			assert.NotEmpty(t, op["summary"], method+" "+path)
		}
	}
	var served []string
	for _, p := range cpqhttp.Patterns(f.handler) {
		if p == "/" || p == "GET /openapi.json" {
			continue // the fallback and the document itself
		}
		served = append(served, p)
	}
	slices.Sort(documented)
	slices.Sort(served)
	assert.Equal(t, served, documented)

	// Every documented operation reaches a handler of its own, not the
	// fallback.
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		resp, v := f.do(t, "acme", method, param.ReplaceAllString(path, "x"), "")
		assert.NotEqual(t, cpqhttp.CodeNotFound, v["code"], op)
		assert.NotEqual(t, http.StatusMethodNotAllowed, resp.StatusCode, op)
	}
}
