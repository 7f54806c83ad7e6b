// Package crm connects quotes to the host's CRM and ERP: prefilling a quote
// from an opportunity, syncing the primary quote back, handing over orders,
// and delivering events through an outbox without losing any.
//
// # Ports
//
// The host implements three small interfaces: Source reads an opportunity
// with its account, contacts, stage, owner, currency, close date, needs and
// custom fields; Sink updates the opportunity from its quotes and marks the
// primary quote (exactly one per opportunity); OrderSink hands an accepted
// quote to the ERP as an Order with every line's configuration and the
// quote's seal. Package crmfake has in-memory ones for tests, and package
// webhook delivers the same events over HTTP, signed.
//
// # Prefill
//
// Prefill makes a draft quote from an opportunity: the header copied, the
// validity from a policy, the currency and price book chosen from the
// account, and the CRM's fields mapped to the answers of a guided-selling
// questionnaire (NeedMapping). A field the configuration requires and the
// CRM lacks is an error wrapping ErrMissingField that names it.
//
// # Events and the outbox
//
// Recorder changes a quote and writes its event (created, updated,
// submitted, approved, rejected, presented, accepted, declined, expired,
// ordered, cancelled, primary) to the store's outbox in the same
// transaction, so the two commit together or not at all. Each event carries
// a Payload: the quote's Summary as of the change and, for an ordered
// event, the Order, so what is delivered never depends on when. Changes
// another component makes in its own transaction (the approval engine's
// submit, approve and present) are recorded with RecordTransitions inside
// that transaction, typically from a wrapper of its Update.
//
// A Dispatcher delivers the outbox's events to a Handler (Sinks for the
// ports, webhook.Sender for HTTP): it claims due events with a lease,
// delivers them, and settles each as delivered, as failed and due again
// after an exponential backoff with jitter, or, after MaxAttempts or a
// permanent error, as a dead letter with its last error, until Replay. The
// outbox hands out an event only when the earlier events of its quote are
// settled, so a quote's events arrive in order. Delivery is at least once:
// after a lost answer or a restart the same event comes again with the same
// ID, the idempotency key, which the receiver applies once. Several
// dispatchers, in one process or on several machines sharing one database,
// divide the work: each claimed event is leased to one of them (PostgreSQL
// claims with FOR UPDATE SKIP LOCKED), so no event is delivered by two at
// once while its lease holds. A dead letter no longer holds back its
// quote's later events, so a replayed event may arrive after them:
// Summary.Version tells a receiver which state is the latest. Nothing here
// starts a goroutine that outlives the call that started it:
// Dispatcher.Run runs until its context ends, and RunOnce until its batch
// is settled.
//
// # The primary quote
//
// An opportunity shows one quote: its primary quote. A quote made from an
// opportunity that has none becomes primary (Prefilled.Primary, then
// Recorder.MakePrimary); another quote becomes primary by MakePrimary, and
// the CRM sink then unmarks the others. Since events of different quotes
// may interleave, the sink, which holds the record of the primary quote,
// lets only the primary quote change the opportunity's amount, status,
// lines and expected margin.
//
// # Order hand-off
//
// Recorder.Accept moves a presented quote to accepted and then ordered, in
// one transaction, only when the Gate releases it (the approval package's
// Engine is one: every required approval granted for the current seal) and
// its seal still verifies; the ordered event carries the Order built from the
// accepted revision. The ERP checks it with Order.Verify: the content's
// SHA-256 is the seal, and the lines, prices and configurations are the
// sealed ones.
package crm
