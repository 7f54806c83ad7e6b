// Package cpq is a thin facade that wires the catalog, configurator,
// pricing, quote, approval, render and crm packages around one store, for
// hosts that want one entry point.
//
// A host gives New the versions of its catalog, a store (any of
// store/memory, store/sqlite, store/postgres, or its own that passes
// store/storetest), the directory that resolves its approvers, and
// optionally a clock, ID and number sources, pricing options (contracted
// prices, exchange rates, tax), the document configuration (letterhead,
// template, fonts) and the CRM and ERP ports:
//
//	kit, err := cpq.New(cpq.Config{
//		Catalogs:  []*catalog.Catalog{v2026, v2027},
//		Store:     store,
//		Directory: orgChart,
//		Documents: render.Config{Letterhead: letterhead, Fonts: fonts},
//		Dispatch:  crm.DispatcherConfig{Handler: crm.Sinks{CRM: myCRM, ERP: myERP}},
//	})
//
// The Kit then answers the whole flow: Configure and Guide (the
// configurator and guided selling), NewQuote or Prefill (from a CRM
// opportunity), PriceQuote and SaveQuote, Approvals (preview, submit,
// decide, present, the gate), Document (HTML, PDF, JSON, CSV, a draft
// until approved), Accept (the order handed to the ERP) and Dispatcher
// (the outbox delivered to the CRM and ERP).
//
// The Kit adds no rules of its own: every method delegates to the package
// that owns the behaviour, and what the Kit keeps is wiring and caching.
// Per catalog version it prepares a pricing engine and the guided-selling
// data with its compiled configuration models when first needed, and
// shares them; a quote is made in the version in force on its day and is
// priced again by the version it pins (quote.Quote.Reprice with Engines
// moves it to the current one). The approval policy in force is that of
// the version in force today. Status changes the approval engine makes
// are recorded as events in the outbox in the same transaction, as are
// the changes the Kit makes itself, so the CRM hears of every one.
package cpq
