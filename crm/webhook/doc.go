// Package webhook delivers quote events over HTTP, and checks them on the
// receiving side.
//
// The sender (Sender, a crm.Handler for the dispatcher) POSTs each event as
// JSON with four headers: Cpq-Timestamp, the time of sending in Unix
// seconds; Cpq-Signature, "v1=" and the hex HMAC-SHA256 of the timestamp, a
// dot and the body under a shared secret; Cpq-Event, the event's kind; and
// Idempotency-Key, the event's ID. Each request has a timeout; the answer
// decides whether the dispatcher retries.
//
// The receiver checks a request with Verify (or a Verifier, which accepts
// several secrets while one is rotated): a signature made with another key
// or over another body is refused with ErrBadSignature, and a timestamp
// outside the window (five minutes by default) with ErrStale, so a captured
// request cannot be replayed later. Within the window, and after a lost
// answer, the same event can arrive again: the receiver applies each
// idempotency key once. Handler puts this together as an http.Handler.
package webhook
