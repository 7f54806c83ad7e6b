package webhook_test

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cpqkit/cpq/crm/webhook"
)

// The receiver checks each request before it trusts the body: the
// signature over timestamp and body, and the timestamp's age.
func ExampleVerify() {
	secret := []byte("whsec-3f9a")
	sent := time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"e-1","kind":"quote.accepted"}`)
	h := http.Header{}
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(sent.Unix(), 10))
	h.Set(webhook.HeaderSignature, webhook.Sign(secret, sent, body))

	fmt.Println(webhook.Verify(secret, h, body, sent.Add(time.Minute), 0))
	fmt.Println(webhook.Verify([]byte("guessed"), h, body, sent.Add(time.Minute), 0))
	fmt.Println(webhook.Verify(secret, h, []byte(`{"id":"e-1","kind":"quote.declined"}`), sent.Add(time.Minute), 0))
	fmt.Println(webhook.Verify(secret, h, body, sent.Add(time.Hour), 0))
	// Output:
	// <nil>
	// webhook: signature does not match the body: webhook signature does not verify
	// webhook: signature does not match the body: webhook signature does not verify
	// webhook: sent at 2030-03-04T09:00:00Z, 1h0m0s ago, older than the 5m0s window: webhook timestamp outside the accepted window
}
