// Package crm connects quotes to the host's CRM and ERP: prefilling a quote
// from an opportunity, syncing the primary quote back, handing over orders,
// and delivering events through an outbox without losing any.
package crm
