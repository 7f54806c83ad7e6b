// Package cpqhttp serves cpqkit over HTTP: a JSON API with problem+json
// errors and an embedded reference web user interface.
//
// New returns the handler of the API. Every request is authenticated by the
// host's Authenticator, which alone tells the tenant and the acting user;
// a request's body or query never does. TokenAuthenticator is a simple
// HMAC-signed bearer token for demonstrations and tests.
//
// The endpoints, all JSON but the documents:
//
//	POST   /v1/sessions                     {product} → a configuration session
//	GET    /v1/sessions/{id}                choices and valid domains
//	POST   /v1/sessions/{id}/choices        {var, value}: choose a value
//	DELETE /v1/sessions/{id}/choices/{var}  withdraw a choice
//	GET    /v1/sessions/{id}/explain?var=&value=  why a value is withheld
//	POST   /v1/sessions/{id}/complete       a complete valid configuration
//	POST   /v1/price                        price lines, without storing them
//	POST   /v1/quotes                       make, price and store a draft quote
//	GET    /v1/quotes/{id}                  a quote of the tenant (ETag: its version)
//	PUT    /v1/quotes/{id}                  edit and reprice a draft; If-Match: <version>
//	GET    /v1/quotes/{id}/approvals/preview  the approvals a submission would need, and why,
//	                                        with each line's discount limit
//	GET    /v1/approvals/inbox              the pending steps the user may decide now
//	                                        (as an assignee or a current delegate)
//	POST   /v1/quotes/{id}/submit           {seal?, comment?} submit for approval
//	POST   /v1/quotes/{id}/steps/{step}/approve  {seal, comment?, on_behalf_of?}
//	POST   /v1/quotes/{id}/steps/{step}/reject   {seal, comment, on_behalf_of?}
//	POST   /v1/quotes/{id}/recall           {comment?} the submitter takes it back
//	POST   /v1/quotes/{id}/present          {seal?} present, only through the approval gate
//	GET    /v1/quotes/{id}/document?format=html|json|csv|pdf&lang=en|zh-CN
//	GET    /openapi.json                    the OpenAPI 3 document of these routes (no credentials)
//
// The actor of every approval request is the authenticated user: nobody
// decides a step of a quote they own or submitted, only assignees (or their
// delegates) decide, and a decision names the seal of the revision the
// approver saw. A document is a draft, with the DRAFT mark, unless the
// approval gate releases the revision; PDF needs the Kit's fonts. An edit
// names, in If-Match, the version it was made on; a stale one is refused
// and nothing is written.
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
// quote.conflict (409), quote.locked and quote.invalid_transition (409),
// request.precondition_required (428: no If-Match), pricing.invalid_request
// (422), the approval codes approval.not_authorized, approval.self_approval
// (403), approval.stale_seal, approval.not_pending,
// approval.already_decided and approval.required (409, with the missing
// steps in a missing member), approval.not_found and
// approval.step_not_found (404), approval.invalid_request (400),
// approval.no_approver (422), and the document codes document.no_font
// (422), document.unknown_format and document.unknown_language (400).
// A problem's type is the URN urn:cpqkit:problem:<code>.
package cpqhttp
