// Package cpqhttp serves cpqkit over HTTP: a JSON API with problem+json
// errors and an embedded reference web user interface.
//
// New returns the handler of the API. Every request is authenticated by the
// host's Authenticator, which alone tells the tenant and the acting user;
// a request's body or query never does. TokenAuthenticator is a simple
// HMAC-signed bearer token for demonstrations and tests.
//
// The endpoints, all JSON but the documents. Labels are in the language
// of ?lang= (en, zh-CN; English where the catalog has none), or the
// server's:
//
//	GET    /v1/me                           the tenant and user the credentials name
//	GET    /v1/catalogs                     the catalog's versions: effective dates, which is in force
//	GET    /v1/products?lang=               the products of the catalog in force
//	GET    /v1/products/{sku}?lang=         a product's form: attributes and values, feature groups
//	                                        and options, packages, questionnaires, with labels
//
//	POST   /v1/sessions                     {product, questionnaire?} → a configuration session
//	GET    /v1/sessions/{id}                choices, answers, valid domains, can_undo
//	POST   /v1/sessions/{id}/choices        {var, value}: choose a value, or change one chosen
//	DELETE /v1/sessions/{id}/choices/{var}  withdraw a choice
//	POST   /v1/sessions/{id}/quantities     {option, quantity}: an option's quantity (0 deselects)
//	POST   /v1/sessions/{id}/undo           take back the last change
//	GET    /v1/sessions/{id}/explain?var=&value=&lang=  why a value is withheld
//	POST   /v1/sessions/{id}/complete       a complete valid configuration
//	GET    /v1/sessions/{id}/questionnaire?lang=  the next question with its answers (and which
//	                                        are available), or done; every question's state
//	POST   /v1/sessions/{id}/answers        {question, values}: answer a question
//	DELETE /v1/sessions/{id}/answers/{question}  withdraw an answer
//	GET    /v1/sessions/{id}/packages?lang= the product's packages, which apply, their scores
//	POST   /v1/sessions/{id}/packages/{package}  apply a package
//	GET    /v1/sessions/{id}/suggestions?lang=   the up-sells and cross-sells on offer
//	POST   /v1/sessions/{id}/suggestions/{sid}/accept   accept a suggestion
//	POST   /v1/sessions/{id}/suggestions/{sid}/dismiss  dismiss a suggestion
//	GET    /v1/sessions/{id}/recommendations?lang=      products and packages ranked by the answers
//
//	POST   /v1/price                        price lines, without storing them
//	GET    /v1/quotes?status=&owner=&opportunity=&cursor=&limit=  the tenant's quotes, a page at a time
//	POST   /v1/quotes                       make, price and store a draft quote
//	POST   /v1/quotes/from-opportunity      {opportunity}: a draft from the CRM (needs a CRM source)
//	GET    /v1/quotes/{id}                  a quote of the tenant (ETag: its version)
//	PUT    /v1/quotes/{id}                  edit and reprice a draft; If-Match: <version>
//	POST   /v1/quotes/{id}/lines            {id?, product, quantity, configuration?, adjustment?}
//	                                        add a line and reprice; If-Match
//	DELETE /v1/quotes/{id}/lines/{line}     remove a line (with its options) and reprice; If-Match
//	POST   /v1/quotes/{id}/recalculate      {move_to_current?} price again; If-Match; → {quote, changes}
//	GET    /v1/quotes/{id}/revisions        every revision, as last stored
//	GET    /v1/quotes/{id}/revisions/{rev}  one revision
//	POST   /v1/quotes/{id}/revise           a new draft revision of a locked one; If-Match optional
//	GET    /v1/quotes/{id}/diff?from=&to=   what changed between two revisions
//	POST   /v1/quotes/{id}/clone            a new draft from this one → {quote, dropped}
//	GET    /v1/quotes/{id}/verify           does the stored content match its seal; is it released
//	POST   /v1/verify                       a PDF, HTML or JSON document as the body: does it
//	                                        match the stored quote revision it shows
//
//	GET    /v1/quotes/{id}/approvals        the quote's approvals and audit trail
//	GET    /v1/quotes/{id}/approvals/preview  the approvals a submission would need, and why,
//	                                        with each line's discount limit
//	GET    /v1/approvals/inbox              the pending steps the user may decide now
//	                                        (as an assignee or a current delegate)
//	                                        These three take ?lang= for the rules' names and
//	                                        reasons, from the catalog in force
//	POST   /v1/quotes/{id}/submit           {seal?, comment?} submit for approval
//	POST   /v1/quotes/{id}/steps/{step}/approve   {seal, comment?, on_behalf_of?}
//	POST   /v1/quotes/{id}/steps/{step}/reject    {seal, comment, on_behalf_of?}
//	POST   /v1/quotes/{id}/steps/{step}/reassign  {to, from?, seal?, comment?}
//	POST   /v1/quotes/{id}/recall           {comment?} the submitter takes it back
//	POST   /v1/quotes/{id}/present          {seal?} present, only through the approval gate
//	GET    /v1/quotes/{id}/document?format=html|json|csv|pdf&lang=en|zh-CN
//	GET    /v1/delegations                  the delegations given by or to the user
//	POST   /v1/delegations                  {to, until, start?, from?, reason?} → 201
//	DELETE /v1/delegations/{id}             revoke a delegation
//	GET    /openapi.json                    the OpenAPI 3.1 document of these routes, with the JSON
//	                                        Schemas of their bodies and answers (no credentials)
//
// The actor of every approval request is the authenticated user: nobody
// decides a step of a quote they own or submitted, only assignees (or their
// delegates) decide, and a decision names the seal of the revision the
// approver saw. An assignee hands their part of a step to another user
// (reassign), and a user lets another decide for them for a while
// (delegations); for someone else, only a member of the Kit's
// Administrators role may do either. A document is a draft, with the DRAFT
// mark, unless the approval gate releases the revision; PDF needs the
// Kit's fonts. An edit names, in If-Match, the version it was made on; a
// stale one is refused and nothing is written. A revision that is
// approved, presented or in review is changed only as a new revision
// (revise), which needs approval again where the policy says so. A quote
// made from a CRM opportunity is owned by the opportunity's owner, as the
// CRM says.
//
// POST /v1/verify takes documents up to MaxDocumentBody bytes, whatever
// Config.MaxBody says, and reads at most Config.MaxVerifications of them at
// once (DefaultMaxVerifications); a request beyond that is answered 503
// (request.busy) with Retry-After. A PDF is checked byte for byte (its digest); HTML
// and JSON documents carry no digest, so only what they claim (quote,
// revision, status and seal) is checked against the stored revision.
//
// A configuration session is nothing but its state, kept in a
// SessionStore per tenant with a version for optimistic concurrency;
// every request restores it into a fresh guided session (the
// configuration, its questionnaire and its suggestions) of the product in
// the catalog version in force, so any instance of the server can serve
// any request. A refused change stores nothing. The state is JSON:
//
//	{"format": 2, "product": "SRV-R2", "questionnaire": "server_sizing",
//	 "choices": [{"var": "chassis", "value": "1U"}, {"var": "qty.ssd_960", "value": "4"}],
//	 "answers": [{"question": "workload", "options": ["database"]}, {"question": "users", "number": "600"}],
//	 "decisions": {"nvme_upgrade": "accepted", "redundant_power": "dismissed"},
//	 "additions": [{"product": "SVC-CARE-3Y", "quantity": 1, "suggestion": "care"}],
//	 "undo": [{"choices": [], ...}, ...]}
//
// Option quantities are choices of qty.<option>, as the configurator
// has them; undo holds up to MaxUndo earlier states, the most recent last.
// A state without a format (a bare snapshot of product and choices, as
// earlier servers stored) is read as its choices.
//
// Errors are RFC 9457 problem details (application/problem+json) with a
// stable code: request.malformed (400: bad JSON, unknown fields, trailing
// data), request.invalid (400), request.too_large (413), request.busy
// (503, with Retry-After), request.unsupported_media_type (415),
// request.precondition_required (428: no If-Match), request.cross_origin
// (403), auth.unauthenticated (401), route.not_found (404),
// route.method_not_allowed (405, with Allow), catalog.unknown_language (400),
// product.not_found (404), config.unknown_variable (400),
// config.unknown_value (422), config.not_available (409, with the
// explanation in an explanation member), config.inconsistent (409),
// session.not_found (404, also for another tenant's), session.conflict and
// session.nothing_to_undo (409), guide.conflict (409: an answer, package
// or suggestion in the way of the choices made, with the choices to drop
// in drop, the answers to clear in clear and why in explanations),
// guide.unknown_question (400), guide.invalid_answer (422),
// guide.unknown_package and guide.unknown_suggestion (404: not on offer),
// pricing.invalid_request and pricing.refused (422), quote.not_found (404,
// also for another tenant's), quote.revision_not_found and
// quote.line_not_found (404), quote.conflict, quote.line_exists,
// quote.locked, quote.invalid_transition and quote.catalog_version (409),
// quote.invalid (422), crm.not_configured (501: no CRM source),
// crm.opportunity_not_found (404), crm.missing_field and
// crm.invalid_mapping (422), the approval codes approval.not_authorized,
// approval.self_approval (403), approval.stale_seal, approval.not_pending,
// approval.already_decided and approval.required (409, with the missing
// steps in a missing member), approval.not_found and
// approval.step_not_found (404), approval.invalid_request (400),
// approval.no_approver (422), delegation.not_found (404), and the document
// codes document.no_font and document.not_rendered (422),
// document.unknown_format and document.unknown_language (400); internal
// (500) for anything else, without detail. A problem's type is the URN
// urn:cpqkit:problem:<code>. The explanation in a problem is in the
// language the request names in its lang query parameter (en, zh-CN), else
// in the server's.
package cpqhttp
