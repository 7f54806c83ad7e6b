package catalog_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// FuzzParse feeds arbitrary bytes to the loader: it must never panic, and
// must return either a checked catalog or problems that each carry a code
// and a position in the file.
func FuzzParse(f *testing.F) {
	for _, name := range catalogs.Files {
		data, err := catalogs.FS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "mistakes.yaml")); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"id": "x", "version": "1", "effective_from": "2026-01-01", "currency": "USD"}`))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Add([]byte("products:\n  - sku: A\n    name: A\n    constraints:\n      - {id: c, expr: 'a +'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := catalog.Parse(data, "fuzz.yaml")
		if err == nil {
			if c == nil {
				t.Fatal("nil catalog without error")
			}
			_ = c.Stats()
			return
		}
		var list catalog.Errors
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is not a list of problems: %v", err)
		}
		for _, e := range list {
			if e.Code == "" || e.Pos.File != "fuzz.yaml" {
				t.Fatalf("problem without code or file: %#v", e)
			}
		}
	})
}
