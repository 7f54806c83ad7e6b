package main

import (
	"fmt"
	"io"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// runDemo loads the example catalogs shipped in the binary and shows what
// each holds.
func runDemo(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: cpq demo")
		return 2
	}
	fmt.Fprintln(stdout, "cpqkit demo: loading the example catalogs")
	for _, name := range catalogs.Files {
		c, err := catalog.LoadFS(catalogs.FS, name)
		if err != nil {
			fmt.Fprintf(stderr, "cpq demo: %v\n", err)
			return 1
		}
		s := c.Stats()
		fmt.Fprintf(stdout, "\n%s — %s (version %s, effective %s, %s)\n", name, c.Name.In("en"), c.Version,
			c.EffectiveFrom.Format("2006-01-02"), c.Currency)
		fmt.Fprintf(stdout, "  %s, %s, %s, %s, %s, %s, %s\n",
			plural(s.Products, "product"), plural(s.Attributes, "attribute"), plural(s.Options, "option"),
			plural(s.Constraints, "constraint"), plural(s.PriceBooks, "price book"),
			plural(s.Schedules, "discount schedule"), plural(s.PriceRules+s.ApprovalRules, "rule"))
		for _, p := range c.Products {
			if !p.IsConfigurable() && p.Pricing == nil {
				continue
			}
			method := catalog.MethodList
			if p.Pricing != nil {
				method = p.Pricing.Method
			}
			fmt.Fprintf(stdout, "  %-16s %-40s %-16s %s\n", p.SKU, p.Name.In("en"), method, p.Name.In("zh-CN"))
		}
	}
	return 0
}
