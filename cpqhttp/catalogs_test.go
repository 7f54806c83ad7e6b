package cpqhttp_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/cpqhttp"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// Two versions of the server catalog: 2026.2 from February 2026 and
// 2030.6 from June 2030. In March 2030 the first is in force; in July the
// second.
func TestCatalogVersions(t *testing.T) {
	clk := &movingClock{t: day}
	f := newFixtureWith(t, fixtureSetup{catalogs: []*catalog.Catalog{loadServerCatalog(t), serverCatalogJune(t)}, clock: clk})
	resp, v := f.do(t, "acme", "GET", "/v1/catalogs", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, []any{
		map[string]any{"id": "servers", "version": "2026.2", "name": "Industrial servers", "effective_from": "2026-02-01T00:00:00Z",
			"effective_until": "2030-06-01T00:00:00Z", "in_force": true, "currency": "USD", "languages": []any{"en", "zh-CN"}},
		map[string]any{"id": "servers", "version": "2030.6", "name": "Industrial servers", "effective_from": "2030-06-01T00:00:00Z",
			"in_force": false, "currency": "USD", "languages": []any{"en", "zh-CN"}},
	}, v["catalogs"])

	clk.Set(time.Date(2030, time.July, 1, 9, 0, 0, 0, time.UTC))
	resp, v = f.do(t, "acme", "GET", "/v1/catalogs?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	cats := v["catalogs"].([]any)
	assert.Equal(t, false, cats[0].(map[string]any)["in_force"])
	assert.Equal(t, true, cats[1].(map[string]any)["in_force"])
	assert.Equal(t, "工业服务器", cats[1].(map[string]any)["name"])

	resp, v = f.do(t, "acme", "GET", "/v1/catalogs?lang=fr", "")
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeUnknownLanguage)
	resp, v = f.do(t, "", "GET", "/v1/catalogs", "")
	requireProblem(t, resp, v, http.StatusUnauthorized, cpqhttp.CodeUnauthenticated)
}

func TestProducts(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "GET", "/v1/products", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "servers", v["catalog"])
	assert.Equal(t, "2026.2", v["version"])
	assert.Equal(t, "en", v["language"])
	products := v["products"].([]any)
	var skus []string
	for _, p := range products {
		skus = append(skus, p.(map[string]any)["sku"].(string))
	}
	assert.Equal(t, []string{"SRV-R2", "DRV-SSD-960", "DRV-NVME-3840", "DRV-HDD-8T", "NIC-25G", "NIC-100G", "GPU-L4", "GPU-H100", "SVC-CARE-3Y"}, skus)
	assert.Equal(t, map[string]any{"sku": "SRV-R2", "name": "R2 rack server", "description": "Two-socket rack server for edge and plant-floor workloads.",
		"category": "servers", "unit": "ea", "kind": "bundle", "configurable": true}, products[0])
	assert.Equal(t, map[string]any{"sku": "DRV-SSD-960", "name": "960 GB SATA SSD", "category": "storage", "unit": "ea", "kind": "standard", "configurable": false}, products[1])
	assert.Equal(t, "service", products[8].(map[string]any)["kind"])

	// In Chinese; a language tag in another case is the same language.
	resp, v = f.do(t, "acme", "GET", "/v1/products?lang=zh-cn", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "zh-CN", v["language"])
	products = v["products"].([]any)
	assert.Equal(t, "R2机架式服务器", products[0].(map[string]any)["name"])
	assert.Equal(t, "适用于边缘与车间负载的双路机架式服务器。", products[0].(map[string]any)["description"])
	assert.Equal(t, "三年上门服务", products[8].(map[string]any)["name"])

	resp, v = f.do(t, "acme", "GET", "/v1/products?lang=de", "")
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeUnknownLanguage)
}

func TestProductForm(t *testing.T) {
	f := newFixture(t)
	resp, v := f.do(t, "acme", "GET", "/v1/products/SRV-R2?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "SRV-R2", v["sku"])
	assert.Equal(t, "R2机架式服务器", v["name"])
	assert.Equal(t, true, v["configurable"])
	assert.Equal(t, "zh-CN", v["language"])

	attrs := map[string]map[string]any{}
	var order []string
	for _, a := range v["attributes"].([]any) {
		a := a.(map[string]any)
		attrs[a["id"].(string)] = a
		order = append(order, a["id"].(string))
	}
	assert.Equal(t, []string{"chassis", "cpu", "sockets", "memory_gb", "cooling", "psu", "redundant_psu"}, order)
	assert.Equal(t, map[string]any{"id": "chassis", "label": "机箱", "type": "enum", "default": "2U",
		"values": []any{map[string]any{"id": "1U", "label": "1U"}, map[string]any{"id": "2U", "label": "2U"}}}, attrs["chassis"])
	assert.Equal(t, map[string]any{"id": "memory_gb", "label": "内存", "type": "integer", "unit": "GB", "min": "32", "max": "1024", "step": "32", "default": "64"}, attrs["memory_gb"])
	assert.Equal(t, []any{map[string]any{"id": "false", "label": "否"}, map[string]any{"id": "true", "label": "是"}}, attrs["redundant_psu"]["values"])
	assert.Equal(t, "散热", attrs["cooling"]["label"])

	features := v["features"].([]any)
	require.Len(t, features, 3)
	storage := features[0].(map[string]any)
	assert.Equal(t, "storage", storage["id"])
	assert.Equal(t, "存储", storage["label"])
	assert.Equal(t, float64(1), storage["min"])
	assert.Equal(t, float64(2), storage["max"])
	// An option without a name of its own is labelled with its product's.
	assert.Equal(t, map[string]any{"id": "ssd_960", "label": "960GB SATA固态硬盘", "product": "DRV-SSD-960", "default": true,
		"quantity": map[string]any{"min": float64(1), "max": float64(8), "default": float64(2)}}, storage["options"].([]any)[0])
	network := features[1].(map[string]any)
	assert.Equal(t, float64(0), network["min"])
	assert.Equal(t, map[string]any{"id": "nic_25g", "label": "双口25GbE网卡", "product": "NIC-25G",
		"quantity": map[string]any{"min": float64(1), "max": float64(1), "default": float64(1)}}, network["options"].([]any)[0])

	assert.Equal(t, []any{
		map[string]any{"id": "good", "label": "入门型", "description": "单颗X5处理器、128GB内存、两块SATA固态硬盘"},
		map[string]any{"id": "better", "label": "均衡型", "description": "两颗X7处理器、384GB内存、NVMe存储与25GbE网络"},
		map[string]any{"id": "best", "label": "高性能型", "description": "两颗液冷X9处理器、768GB内存、冗余电源与100GbE网络"},
	}, v["packages"])

	qns := v["questionnaires"].([]any)
	require.Len(t, qns, 1)
	qn := qns[0].(map[string]any)
	assert.Equal(t, "server_sizing", qn["id"])
	assert.Equal(t, "服务器选型", qn["label"])
	steps := qn["steps"].([]any)
	require.Len(t, steps, 2)
	workload := steps[0].(map[string]any)
	assert.Equal(t, "负载", workload["label"])
	questions := workload["questions"].([]any)
	require.Len(t, questions, 3)
	assert.Equal(t, map[string]any{"id": "users", "text": "将服务多少用户？", "type": "number", "unit": "users", "min": "1", "max": "100000"}, questions[2])
	redundancy := steps[1].(map[string]any)["questions"].([]any)[1].(map[string]any)
	assert.Equal(t, "yes_no", redundancy["type"])
	assert.Equal(t, []any{map[string]any{"id": "yes", "label": "是，需要冗余电源"}, map[string]any{"id": "no", "label": "否"}}, redundancy["options"])

	// English by default.
	resp, v = f.do(t, "acme", "GET", "/v1/products/SRV-R2", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "Chassis", v["attributes"].([]any)[0].(map[string]any)["label"])
	assert.Equal(t, "Best — performance server", v["packages"].([]any)[2].(map[string]any)["label"])

	// A product that is not configured has no form beyond its names.
	resp, v = f.do(t, "acme", "GET", "/v1/products/DRV-SSD-960", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, false, v["configurable"])
	assert.Equal(t, []any{}, v["attributes"])
	assert.Equal(t, []any{}, v["features"])

	resp, v = f.do(t, "acme", "GET", "/v1/products/NOPE", "")
	requireProblem(t, resp, v, http.StatusNotFound, cpqhttp.CodeProductNotFound)
	resp, v = f.do(t, "acme", "GET", "/v1/products/SRV-R2?lang=xx", "")
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeUnknownLanguage)
}

// A catalog written in English only is still asked in Chinese by the web
// interface: its labels come in English rather than a refusal.
func TestInterfaceLanguageOverAnEnglishCatalog(t *testing.T) {
	data, err := catalogs.FS.ReadFile("server.yaml")
	require.NoError(t, err)
	src := strings.Replace(string(data), "languages: [en, zh-CN]", "languages: [en]", 1)
	require.NotEqual(t, string(data), src)
	cat, err := catalog.Parse([]byte(src), "server-en.yaml")
	require.NoError(t, err)
	f := newFixtureWith(t, fixtureSetup{catalogs: []*catalog.Catalog{cat}})
	resp, v := f.do(t, "acme", "GET", "/v1/products/SRV-R2?lang=zh-CN", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, v)
	assert.Equal(t, "zh-CN", v["language"])
	// The catalog's own texts still have Chinese where it wrote them.
	assert.Equal(t, "R2机架式服务器", v["name"])
	resp, v = f.do(t, "acme", "GET", "/v1/products/SRV-R2?lang=fr", "")
	requireProblem(t, resp, v, http.StatusBadRequest, cpqhttp.CodeUnknownLanguage)
}
