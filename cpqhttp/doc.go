// Package cpqhttp serves cpqkit over HTTP: a JSON API with problem+json
// errors and an embedded reference web user interface.
//
// New returns the handler of the API. Every request is authenticated by the
// host's Authenticator, which alone tells the tenant and the acting user;
// a request's body or query never does. TokenAuthenticator is a simple
// HMAC-signed bearer token for demonstrations and tests.
//
// The endpoints, all JSON:
//
//	POST   /v1/sessions                     {product} → a configuration session
//	GET    /v1/sessions/{id}                choices and valid domains
//	POST   /v1/sessions/{id}/choices        {var, value}: choose a value
//	DELETE /v1/sessions/{id}/choices/{var}  withdraw a choice
//	GET    /v1/sessions/{id}/explain?var=&value=  why a value is withheld
//	POST   /v1/sessions/{id}/complete       a complete valid configuration
//	POST   /v1/price                        price lines, without storing them
//	POST   /v1/quotes                       make, price and store a draft quote
//	GET    /v1/quotes/{id}                  a quote of the tenant
//
// A configuration session is nothing but its snapshot of choices, kept in a
// SessionStore per tenant with a version for optimistic concurrency; every
// request restores it into a fresh session of the product's model, so any
// instance of the server can serve any request. A refused change stores
// nothing.
//
// Errors are RFC 9457 problem details (application/problem+json) with a
// stable code: request.malformed (400: bad JSON, unknown fields, trailing
// data), request.invalid (400), request.too_large (413),
// auth.unauthenticated (401), config.unknown_variable (400),
// config.unknown_value (422), config.not_available (409, with the
// explanation in an explanation member), session.not_found and
// quote.not_found (404, also for another tenant's), session.conflict and
// quote.conflict (409), pricing.invalid_request (422), and the approval
// codes approval.not_authorized, approval.self_approval (403) and
// approval.stale_seal (409).
package cpqhttp
