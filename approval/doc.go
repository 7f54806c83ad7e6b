// Package approval turns approval policies into required steps, runs the
// approval workflow, keeps the audit trail, and gates the release of a quote
// until every required approval is granted.
//
// # Policies
//
// Policies are catalog data: each catalog.ApprovalRule has a condition, a
// formula over the facts of catalog.ApprovalFacts (quote.total,
// quote.max_line_discount_percent, quote.margin_percent,
// quote.payment_terms_days, quote.edited_terms, quote.categories,
// customer.segment, …), an approver (a user, a role, a group, or a
// relation such as "manager_of_owner" that the host's Directory
// resolves), a level, and optionally an escalation (an SLA and who the
// step moves to) and a re-approval mode. Facts come from the quote
// (QuoteFacts) and the catalog, completed by the host's FactSource with
// what only pricing knows (lines below floor or minimum margin). A
// condition that cannot be evaluated is an error, never "no approval
// needed".
//
// Rules whose condition holds become steps. Levels run in order, from the
// lowest; the steps of one level run in parallel; a step is approved by
// any one of its assignees, or by all of them when the approver is
// unanimous. Preview shows the steps a submission would create, with the
// condition and fact values that trigger each, and for every line the
// largest discount that asks for no more approval.
//
// # Workflow
//
// Submit records the revision's seal and the facts, creates the steps and
// moves the quote to in_review (or straight to approved when no step
// waits for a person). Approve and Reject decide a step; Reject needs a
// comment and returns the quote to draft; Recall lets the submitter take
// it back; Reassign hands an assignee's part to another user; Delegate
// lets a user's delegate decide for them for a period, and the decision
// records both. Escalate, called by the host (the library starts no
// timers), moves steps pending past their SLA to the escalation approver.
// Inbox lists the pending steps a user may decide now, as an assignee or
// as a current delegate, across the quotes of their tenant.
//
// # Smart re-approval
//
// When a quote comes back after edits, a step whose rule a person already
// approved for this quote is approved automatically, and recorded so,
// when every fact the rule's condition reads is no worse than in the
// facts that person approved. "Worse" is a property of each fact, not of
// the formula: a higher discount, total, term, payment term or count of
// lines below floor is worse, a lower margin is worse, edited terms are
// worse than standard ones, and any change of currency, customer,
// categories, products or date is worse (see DirectionOf). So the rule
// works the same for every operator: with "margin < 20" approved at 15 %,
// 12 % asks again although the condition is as true as before; with
// `customer.segment in ["smb", "startup"]` approved for smb, startup asks
// again; with "discount == 18" or "currency != \"EUR\"" only the very
// values approved pass. Facts the rule does not read do not matter. A
// rule whose condition or approver changed, or whose mode is "always",
// asks again.
//
// # Security
//
// The actor comes from the host. Nobody decides a step of a quote they own
// or submitted (ErrSelfApproval); only an assignee or an assignee's
// current delegate decides a step (ErrNotAuthorized); a decision names
// the seal of the revision the approver saw, and is refused if that is not
// the seal submitted or the quote changed since (ErrStaleSeal); an actor
// of another tenant is refused (ErrCrossTenant). A refused attempt writes
// nothing but its own audit record. Every submission, decision, automatic
// approval, level start, recall, reassignment, delegation, escalation and
// release is an audit Record (who, when, what, which revision and seal,
// why), written in the same transaction as the change; the stores keep
// the trail append-only. Concurrent decisions are serialised by a version
// on the approval: a transaction that met a concurrent change runs again
// on what is now stored, so two approvers of one level deciding at once
// both count and the level advances once.
//
// # The gate
//
// Gate returns nil only when no approval is required for the quote's
// current content, or when an approval granted for exactly that content
// (the same seal) covers every step the policy requires now. Present moves
// a quote to presented only through it; renderers and CRM or ERP sinks
// call Gate before a document without the DRAFT mark or a hand-off.
package approval
