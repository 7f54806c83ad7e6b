package cpqtest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/cpqkit/cpq/cpqtest"
)

// FuzzLoad loads arbitrary test files against the shop catalog: loading
// never panics, reports every problem with a position in the test file or
// a file it names, and a suite that loads runs without panicking.
func FuzzLoad(f *testing.F) {
	shop, err := os.ReadFile(filepath.Join("testdata", "shop.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"shop.test.yaml", "failing.test.yaml", "mistakes.test.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("catalog: shop.yaml\ncases: [{name: a, input: {date: 2026-01-01, lines: [{product: TABLE, quantity: 1}]}, expect: {approvals: []}}]\n"))
	f.Add([]byte("catalog: shop.yaml\ncases: [{name: a, input: &q {date: 2026-01-01}, expect: {}}, {name: b, input: *q, expect: {}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"shop.yaml": {Data: shop}, "t.test.yaml": {Data: data}}
		s, err := cpqtest.Load(fsys, "t.test.yaml")
		if err != nil {
			var es cpqtest.Errors
			if errors.As(err, &es) {
				for _, e := range es {
					if e.Pos.File == "" || e.Code == "" || e.Message == "" {
						t.Fatalf("problem without position, code or message: %#v", e)
					}
				}
			}
			return
		}
		r := cpqtest.RunSuite(context.Background(), s, cpqtest.Options{})
		if r.Passed+r.Failed != len(s.Cases) {
			t.Fatalf("%d cases, %d reported", len(s.Cases), r.Passed+r.Failed)
		}
		for _, c := range r.Cases {
			_ = c.Text()
		}
	})
}
