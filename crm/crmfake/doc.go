// Package crmfake is an in-memory CRM and ERP for hosts' tests: a CRM that
// serves opportunities (crm.Source) and takes updates and primary-quote
// changes (crm.Sink), and an ERP that takes orders (crm.OrderSink). Both
// apply each idempotency key once, record every call they received, and can
// be told to fail, to test a host's handling of an unavailable CRM or ERP.
package crmfake
