// Package guide is guided selling on top of the configurator: the ways a
// salesperson configures besides choosing values one by one, all defined as
// catalog data.
//
//   - A questionnaire (Session.Next, Session.Answer): questions in steps
//     whose answers restrict the configuration, filter products and score
//     products and packages; the session asks the next question whose
//     answer can still change something, and ranks what fits, with reasons
//     (Session.Recommendations).
//   - Recommended packages (Session.ApplyPackage): a named set of choices
//     applied at once, or refused with the fewest choices to drop and why.
//   - Parametric selection (Guide.Select): technical needs with units, met
//     by the products (and configurations) that deliver them, cheapest or
//     preferred first; unmet needs come with the nearest products and by
//     how much they miss.
//   - Up-sell and cross-sell (Session.Suggestions): catalog rules and a
//     host's SuggestionSource, never offering what would make the
//     configuration invalid, remembering what was accepted or dismissed.
//   - Reuse of an earlier configuration (Session.Reuse, built on
//     configurator.Revalidate and configurator.Diff).
//
// Answers restrict the configuration through configurator requirements
// (configurator.Model.Require): the session works on the product's model
// with the requirements of the answers given, so valid domains,
// explanations, conflicts and completion stay exact. Nothing an answer, a
// package or a suggestion does can leave the configuration without a valid
// completion: each is refused, changing nothing, with a *ConflictError
// naming the choices (or answers) in the way.
//
// A Guide is compiled once per catalog version and is safe for concurrent
// use; a Session belongs to one user at a time.
package guide
