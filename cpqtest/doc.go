// Package cpqtest runs pricing test suites: files in YAML that price quotes
// against a catalog and state what must come out — line prices, totals,
// margin, the rules that fired, the waterfall, the approvals required, or
// the error expected. Pricing analysts write them next to their catalog;
// the cpq test command runs them for CI, and Run runs them inside go test.
//
// # Test files
//
// A test file (by convention NAME.test.yaml) names its catalog, relative to
// the test file, and lists cases:
//
//	catalog: server.yaml
//	cases:
//	  - name: gold customer buys one server
//	    input:                 # a quote file, as cpq price reads it
//	      date: 2026-03-02
//	      customer: {id: ACME, segment: gold}
//	      lines:
//	        - {id: srv, product: SRV-R2, quantity: 1}
//	    expect:
//	      lines:
//	        srv:
//	          unit_price: 4123.00
//	          rules: [gold_customers]
//	      totals: {net: 4543.00 USD}
//	      approvals: [vp_discount]
//
// A case prices input, written in the quote file format of
// pricing.Engine.ParseRequest, or input_file, a quote file relative to the
// test file. approval_facts sets the approval facts pricing does not know,
// by their names in catalog.ApprovalFacts (quote.payment_terms_days: 75,
// quote.edited_terms: true); unset, the payment terms are 0 days and the
// terms are not edited, the customer and the term come from the input and
// today is the pricing date.
//
// expect holds what the case asserts; what it leaves out is not checked.
//
//   - lines, by line ID (the input's, else "1", "2", "2.ssd_960" for an
//     option of line 2): product, quantity, unit_price (the net unit
//     price), unit_list, list, net, discount, discount_percent, cost,
//     margin, margin_percent; rules and schedules, the price rules and
//     discount schedules that must have changed the line; not_rules, the
//     rules and schedules that must not have; steps, the whole waterfall
//     in order, each step by its kind and, where given, its source,
//     before and after amounts and a part of its reason.
//   - totals: list, discount, discount_percent, net, cost, margin,
//     margin_percent, one_time, recurring, mrr, arr, tcv, header_discount,
//     rounding, tax, gross.
//   - approvals: the IDs of exactly the approval rules the quote needs
//     (an empty list: none).
//   - error: pricing must fail, with an error whose message contains the
//     text, or a problem in the input with that code (quote.invalid), or
//     one of pricing's sentinel errors with that message ("no exchange
//     rates", "price below floor"). A case that expects an error expects
//     nothing else.
//
// Amounts are compared as exact decimals: 1.50 equals 1.5. An amount may
// name its currency ("4123.00 USD"); then the currency must match too.
//
// Loading checks a test file as the catalog loader checks a catalog: every
// problem — an unknown key, an unknown rule, a product not in the catalog in
// an input — is reported at its file, line and column.
//
// # Running
//
// RunSuite prices every case and returns a SuiteReport: for each case the
// failed expectations, each at the position where it is written, and the
// waterfall of every line that failed, with the steps that differ from the
// expected ones marked. WriteText, WriteJUnit and the JSON encoding of a
// Report give the same report to people and CI systems.
package cpqtest
