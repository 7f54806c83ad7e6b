package cpqtest_test

import (
	"context"
	"fmt"
	"os"
	"testing/fstest"

	"github.com/cpqkit/cpq/cpqtest"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// Run the suite that ships with the server catalog.
func ExampleLoad() {
	s, err := cpqtest.Load(catalogs.FS, "server.test.yaml")
	if err != nil {
		fmt.Println(cpqtest.ProblemText(err))
		return
	}
	r := cpqtest.RunSuite(context.Background(), s, cpqtest.Options{})
	fmt.Printf("%s %s: %d passed, %d failed\n", r.CatalogID, r.Version, r.Passed, r.Failed)
	// Output:
	// servers 2026.2: 9 passed, 0 failed
}

// The catalog's spring sale takes 25 % where the test expects 20 %: the
// report names each failed expectation at its position, and the waterfall
// marks the step where the amounts part.
func ExampleRunSuite() {
	fsys := fstest.MapFS{
		"lamps.yaml": {Data: []byte(`
id: lamps
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - {sku: LAMP, name: Lamp, category: lighting}
price_books:
  - {id: list, currency: EUR, standard: true, entries: [{product: LAMP, price: 80}]}
price_rules:
  - id: spring_sale
    condition: "true"
    actions: [{type: discount_percent, value: "25"}]
`)},
		"lamps.test.yaml": {Data: []byte(`
catalog: lamps.yaml
cases:
  - name: four lamps in the spring sale
    input: {date: 2026-04-01, lines: [{id: lamps, product: LAMP, quantity: 4}]}
    expect:
      lines:
        # The spring sale is meant to be 20 %: 80 × 4 = 320 − 20 % = 256
        lamps:
          unit_price: 64
          steps:
            - {kind: list, after: 320}
            - {kind: rule, source: spring_sale, after: 256}
`)},
	}
	s, err := cpqtest.Load(fsys, "lamps.test.yaml")
	if err != nil {
		fmt.Println(cpqtest.ProblemText(err))
		return
	}
	r := &cpqtest.Report{}
	r.Add(cpqtest.RunSuite(context.Background(), s, cpqtest.Options{}))
	_ = cpqtest.WriteText(os.Stdout, r, false)
	// Output:
	// --- FAIL: four lamps in the spring sale (lamps.test.yaml:4:5)
	//     lamps.test.yaml:10:23: line lamps unit_price: want 64, got 60.00 EUR
	//     lamps.test.yaml:13:15: line lamps step 2 (rule spring_sale): after want 256, got 240.00 EUR
	//     line lamps: LAMP × 4
	//          #  step  source           before       after  want       reason
	//          1  list  list           0.00 EUR  320.00 EUR             list price 80.00 EUR × 4 from price book list
	//       >  2  rule  spring_sale  320.00 EUR  240.00 EUR  after 256  rule spring_sale: 25% off of the running price
	// FAIL  lamps.test.yaml  1 of 1 case failed
	// FAIL: 1/1
}
