// Package pricing prices configured lines against a catalog version: price
// books, cost build-ups, discount schedules, price rules, manual adjustments
// with guardrails, subscriptions and currencies, with a waterfall that
// explains every number.
//
// Prepare once, price many: New indexes a checked catalog (price books
// resolved through their parents, rules sorted by stage and priority and
// indexed by product and category, schedules indexed by product, constant
// formulas evaluated) into an Engine that is immutable and safe for
// concurrent use; Engine.Price prices a Request. Pricing knows nothing of
// quotes or storage: the host passes lines (product, quantity, the
// configuration's attribute and option values, option lines) and the
// quote's context (customer, currency, date, term), and gets a Result.
// Contracted prices, exchange rates and taxes come from the host through
// ContractedPrices, a money.RateTable and a TaxCalculator (ContractTable and
// TaxRates are in-memory implementations).
//
// # The waterfall
//
// Every line is priced through the same steps, in this order, and each step
// it takes is recorded (kind, source, catalog version, amount before and
// after, reason):
//
//  1. list: the product's price method. list takes the price book entry;
//     block the flat price of the quantity's block, plus the overage rate
//     per unit beyond the last one (the whole line is one price: its priced
//     quantity is 1); cost_plus builds the unit cost from the cost model's
//     components (one step each), then adds a markup on cost
//     (cost × (1 + markup)) or grosses up to a target margin on price
//     (cost ÷ (1 − margin)) — both exist, the product's overriding the
//     model's; components marked separate (tooling) become lines of their
//     own, priced the same way; formula evaluates the product's price
//     formula. Cost-plus and formula prices are in the catalog currency and
//     are converted to the price book's at once.
//  2. contracted: a customer's contracted price replaces the list price.
//  3. surcharge: each variant condition of the configuration (a when match
//     on attribute and option values, an if formula, or both) adds its
//     amount or formula per unit. A surcharge's cost (a number or a
//     formula) is added to the line's unit cost exactly when the surcharge
//     applies, and only to a line whose cost is known (the entry's cost or
//     a cost build-up); its step says "cost +1900". A cost formula that
//     gives a negative cost is an error.
//  4. proration and uplift (subscriptions): the price of one price period
//     becomes the price of the term; a renewal line adds the renewal
//     uplift.
//  5. conversion, when the quote's currency has no price book and the
//     catalog converts at list (the default).
//  6. price rules of stage before_schedules; discount schedules; price rules
//     of stage after_schedules; price rules of stage totals. Lines priced as
//     a percent of total go through the same stages after the other lines
//     have: their base is the chosen lines' amounts after every rule and
//     schedule, before manual adjustments; min and max bound the price.
//  7. conversion, when the catalog converts at net.
//  8. manual: the line's unit price override, percent off, amount off.
//  9. rounding, by the catalog's policy.
//  10. header: the line's share of the header discount.
//
// The line's list amount is its amount after steps 1 and 3 to 5 without
// the contracted price: its discount is list − net.
//
// # Rules
//
// A price rule applies to the lines of its products and categories (all
// lines when it names none) whose condition holds. Rules run by priority,
// lower first; rules of one priority are simultaneous: their conditions and
// values read the line as the priority starts, and when two of them apply to
// a line their actions must give the same result in either order —
// otherwise pricing fails with a RuleConflictError naming both (two set
// prices that differ, a set price and a discount, a compound percentage and
// an amount, two values for one field, or either rule exclusive). An
// exclusive rule that applies ends its stage for the line.
//
// Stacking is declared per rule. A compound percentage is taken of the
// running price (20 % then 10 % is 28 %); an additive one of the price the
// stage started with, or that the last set_price of the stage set (20 % and
// 10 % is 30 %). Amounts off are per unit. set_field sets a line field that
// later rules read as line.<field> (the catalog rejects rules that feed each
// other). add_product adds a line for a product, at its list price, then at
// the action's price (value) and discount (100 is free); added lines are not
// priced by rules or schedules, so they never add lines themselves. A
// totals-stage rule that reads no line fact looks at the whole quote: its
// add_product adds one line for the quote. Rules read quote.subtotal (the
// lines' amounts as the stage starts), quote.quantity, quote.products and
// quote.categories, the catalog's summaries as quote.summary.<id> (a sum,
// count, minimum or maximum of the quantity, amount or list amount of
// chosen lines, as the stage starts), the customer, the date, and line.*
// facts; line.attr.<id> is "", false or 0 for a product without the
// attribute. A condition's value is remembered for the values of the facts
// it reads within a stage, so that lines alike cost one evaluation.
//
// # Schedules
//
// A range schedule prices every unit at the tier the quantity reaches, a
// slab schedule each unit at its own tier; a tier's value is a percent off,
// an amount off per unit or the unit price, and its fee is added once (for a
// range, by the first line of an aggregate; for a slab, by the line whose
// units enter the tier first). Tier i holds the units above the previous
// tier's upper bound, so a quantity between two tiers belongs to the higher.
// The basis is the quantity in stock units — after the line's prior
// quantity, and for
// aggregate product or category after the earlier lines of the quote — or
// the line's term in months. Amount and price schedules apply only to lines
// priced in their currency.
//
// # Units of measure
//
// A product is stocked in one unit (its unit, "Nos") and may be sold in
// others, each holding a factor of stock units (units: [{unit: Box,
// factor: 10}]: 1 Box = 10 Nos). A line's Unit names the unit its
// quantity is in; empty is the stock unit. The line is priced per its
// unit: its quantity, priced quantity, unit prices, prior quantity and
// manual unit price are in it, and rounding of the unit price rounds the
// price of one of it. Everything the catalog states is per stock unit
// unless it names its unit, and is multiplied by the line unit's factor:
//
//   - a price book entry is per stock unit unless it names its unit; its
//     price, cost, floor and surcharges are then per that unit, and a
//     line in another unit gets them times its factor over the entry
//     unit's (a division that keeps WorkPlaces digits when it does not
//     end). A block price is the whole line's and its blocks count stock
//     units.
//   - a price rule without a unit is per stock unit: its set price and
//     amount off are multiplied by the factor (a rate of 101 makes a Box
//     1010); percentages are the same in any unit. A rule with a unit
//     (unit: Box) applies only to lines in that unit, and its amounts are
//     per that unit.
//   - quantities count stock units: line.quantity, quote.quantity,
//     summaries of quantity, the quantity price formulas, cost models and
//     contracted prices see, and the tiers of discount schedules (so that
//     lines in different units of one product add up, and a tier from 5
//     Nos is reached by 1 Box of 5); amount and price tiers are per stock
//     unit. line.list_price, line.unit_price and line.unit_cost are per
//     stock unit too, so that a rule without a unit can read them.
//   - formula, cost-plus and contracted prices are per stock unit; option
//     lines derived from a bundle's configuration take the option quantity
//     times the bundle's stock quantity; lines added by rules are in their
//     product's stock unit.
//
// Steps of a line in another unit say both and the factor: "list price
// 100.00 USD per Nos, 1000.00 USD per Box (1 Box = 10 Nos) × 1", "unit
// price set to 101.00 USD per Nos, 1010.00 USD per Box (1 Box = 10 Nos)",
// "tier 1000+ reached by quantity 1200 pc (this line 12 box, 1 box = 100
// pc)". A unit the product is not sold in is a request error naming the
// line.
//
// # Subscriptions
//
// Unit prices of subscription products are per price period (month or
// year). A line's term is its own, else the quote's, else the product's
// default, in months; or dated by Start and End (inclusive). by_month counts
// whole months, a partial last month as a whole one; by_day counts whole
// periods, then the days left over the days of the period they fall in (365
// or 366 for a year, 28 to 31 for a month), so a term of exactly n periods
// always costs exactly n periods. The multiplier, when it does not end, keeps
// WorkPlaces digits. MRR is a line's net over its term in months, rounded
// to the minor unit; ARR is twelve times MRR; TCV adds one-time and
// recurring lines. PricedLine.BillingSchedule splits a line's net into its
// invoices.
//
// # Currencies and rounding
//
// A quote is priced from the price books in its currency when the catalog
// has one in force; otherwise from the catalog currency's, converted at the
// rate table's rate, exactly (amount × rate), at list or at net as the
// catalog says. Rule amounts are in the currency of the stage they run in.
// Amounts stay exact until the catalog's rounding policy rounds them with
// its mode: the unit price (then the line total, when the quantity is
// fractional), the line total, or only the grand total — then the lines
// stay exact and Totals.Rounding shows the difference, so that the totals
// are always the sums of the shown lines. An increment rounds to its
// multiples at the same place. The few divisions that need not end keep
// WorkPlaces digits, rounded half-even. No float64 is used.
//
// # Guardrails
//
// The catalog's guardrails are hard limits — a floor price in the price
// book, a floor percent of list, a minimum margin, a maximum header discount
// — that pricing never lets a quote cross (ErrBelowFloor, ErrBelowMinMargin,
// ErrHeaderDiscountLimit, each with a *GuardrailError), and approval limits
// that it flags in Result.Approval for the approval engine, never clamping.
//
// # Determinism
//
// The same request against the same engine gives the same Result, byte for
// byte when encoded: lines keep the request's order (options after their
// bundle, lines added by rules last), nothing depends on map order.
//
// # Quote files
//
// Engine.ParseRequest reads a Request written in YAML or JSON (the format
// the cpq price command reads; a line's unit is its unit field) and checks it against the catalog,
// reporting every problem at its line and column.
package pricing
