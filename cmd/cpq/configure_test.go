package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var serverCatalog = filepath.Join("..", "..", "examples", "catalogs", "server.yaml")

func TestConfigureServer(t *testing.T) {
	code, out, errOut := runCmd("configure", "--explain", "cpu=X9", serverCatalog, "chassis=1U")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "SRV-R2: 1 choices\n")
	assert.Contains(t, out, "  cpu           : X5 X7\n")
	assert.Contains(t, out, "  cooling       : air\n")
	assert.Contains(t, out, "why not cpu = X9: cpu = X9 is not available because of your choice of chassis = 1U")
}

func TestConfigureRefusesAnUnavailableChoice(t *testing.T) {
	code, _, errOut := runCmd("configure", serverCatalog, "chassis=1U", "cpu=X9")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "cpu=X9: cpu = X9 is not available because of your choice of chassis = 1U")
}

func TestConfigureJSON(t *testing.T) {
	code, out, errOut := runCmd("configure", "--json", "--count", "--complete", serverCatalog, "cpu=X9")
	require.Equal(t, 0, code, errOut)
	var r configureReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, "SRV-R2", r.Model)
	require.NotNil(t, r.Completion)
	v, _ := r.Completion.Value("cooling")
	assert.Equal(t, "liquid", v)
	assert.NotEmpty(t, r.Count)
}

func TestConfigureImportedModel(t *testing.T) {
	model := filepath.Join("..", "..", "configurator", "internal", "modelio", "testdata", "fm-benchmark-dimacs", "database__berkeleydb__Hierons2020.dimacs")
	code, out, errOut := runCmd("configure", "--count", model)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "configurations: 32\n")
}

func TestConfigureInteractive(t *testing.T) {
	old := stdin
	defer func() { stdin = old }()
	stdin = strings.NewReader("chassis=1U\nwhy cpu=X9\ncpu=X9\nundo\ncount\nquit\n")
	code, out, _ := runCmd("configure", "-i", serverCatalog)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "chassis       = 1U")
	assert.Contains(t, out, "cpu = X9 is not available because of your choice of chassis = 1U")
	assert.Contains(t, out, "error: cpu = X9 is not available")
	assert.Contains(t, out, "configurations: ")
}

func TestConfigurePicksTheOnlyConfigurableProduct(t *testing.T) {
	code, _, errOut := runCmd("configure", filepath.Join("..", "..", "examples", "catalogs", "saas.yaml"), "edition=pro")
	assert.Equal(t, 0, code, errOut)
	code, _, errOut = runCmd("configure", "--product", "NOPE", serverCatalog)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `product "NOPE"`)
}
