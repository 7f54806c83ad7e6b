// Package catalog is the data model of what is sold and how: products,
// attributes, bundles, constraints, lookup tables, price books, cost models,
// discount schedules, price rules and approval policies. Catalogs are loaded
// from YAML or JSON (or built in Go) and checked as a whole: every problem is
// reported with its file, line, column and path.
package catalog
