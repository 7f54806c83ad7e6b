// Package pricing prices configured lines against a catalog version: price
// books, cost build-ups, discount schedules, price rules, manual adjustments
// with guardrails, subscriptions and currencies, with a waterfall that
// explains every number.
package pricing
