// Package formula is the one expression language of cpqkit. Every rule in a
// catalog (constraints, prices, costs, approvals) is a formula, compiled once
// at load time with decimal arithmetic and evaluated many times.
//
// A formula is compiled against Options: a Schema of typed variables, the
// lookup tables and host functions it may use, and the result type the rule
// needs. Compile checks names, members, types and arity and reports a
// problem as an *Error with a stable Code and a 1-based Line and Column
// within the formula. The *Program it returns is immutable and safe for
// concurrent Eval; an evaluation failure (division by zero, a missing table
// row, a missing variable) is an *EvalError naming the rule and wrapping a
// sentinel such as ErrDivisionByZero or ErrNoRow. Eval never panics.
//
//	p, err := formula.Compile("qty * unit_cost + setup", formula.Options{
//		Name:   "cost/moulding",
//		Schema: formula.Schema{"qty": formula.TypeDecimal, "unit_cost": formula.TypeDecimal, "setup": formula.TypeDecimal},
//		Result: formula.TypeDecimal,
//	})
//	cost, err := p.EvalDecimal(formula.Vars{"qty": 500, "unit_cost": unitCost, "setup": setup})
//
// # Syntax
//
// The syntax is that of expr (github.com/expr-lang/expr), restricted to
// what a pricing rule needs:
//
//	literals      12  0.15  1_000.50  2.5e3  "gold"  'gold'  true  false
//	              ["a", "b"]  [1, 2.5]   (lists of strings or of decimals)
//	arithmetic    + - * / % ** ^ and unary -        (decimals; + also joins strings)
//	comparison    == != < <= > >=                   (two values of one type; no ordering of bools)
//	logic         && || ! and or not                (bools)
//	membership    x in list   x not in list         (string or decimal lists)
//	strings       s contains t  s startsWith t  s endsWith t  s matches "regexp"
//	conditional   cond ? a : b    if cond { a } else { b }
//	names         qty  line.quantity  attr["cpu-speed"]  let base = qty * 2; base + 1
//	pipes         customer.segment | upper()
//
// Names are the dotted variable names of the Schema; a name with characters
// outside identifiers is reached with brackets. let binds a name for the
// rest of the formula.
//
// # Types
//
// Every value has one of the Types: decimal, bool, string, date, string
// list or decimal list. There is no nil and no implicit conversion: "a" + 1,
// qty > "x" and a non-bool condition are compile errors, and so is a
// formula whose type is not Options.Result.
//
// Numbers are exact decimals (shopspring/decimal): 0.1 + 0.2 == 0.3 is true
// and qty * 1.1 is exact. Literals are read from the source text, never
// through float64 (an integer literal beyond int64 needs a decimal point:
// 12345678901234567890.0). Division keeps an exact quotient as it is (7 / 2 = 3.5)
// and rounds any other half-even to DivisionPlaces (28) digits after the
// point; x % y has the sign of x; x ** n needs a whole n. Dividing by zero
// fails with ErrDivisionByZero.
//
// Dates are calendar dates without time of day. The host passes the
// current date as a variable (say today): formulas have no clock.
//
// # Functions
//
//	min(a, b, …)  max(a, b, …)     least / greatest of decimals, or earliest / latest of dates
//	round(x, places[, mode])       mode "half_even" (default), "half_up", "half_down",
//	                               "down", "up", "ceiling" or "floor"; places from -28 to 28
//	ceil(x)  floor(x)  abs(x)
//	between(x, lo, hi)             lo <= x && x <= hi, for decimals or dates
//	coalesce(a, b, …)              the first argument that has a value
//	lookup("table", key, …)        the value of a row of a lookup table
//	sum(list)                      the total of a decimal list
//	len(x)                         the items of a list, or the characters of a string
//	string(x)  decimal(s)          convert a decimal, date or bool to text; parse a number
//	date("2026-01-31")             a date from text YYYY-MM-DD
//	days_between(a, b)             b - a in days
//	months_between(a, b)           whole months from a to b: the largest n with
//	                               add_months(a, n) <= b (negative when b is before a)
//	add_days(d, n)  add_months(d, n)
//	year(d)  month(d)  day(d)
//	upper lower trim trimPrefix trimSuffix hasPrefix hasSuffix
//	indexOf lastIndexOf split join replace   (as in expr; indexes count characters)
//
// add_months keeps the day of the month, or clamps it to the last day of a
// shorter month: 2026-01-31 + 1 month is 2026-02-28, and 2024-01-31 + 1
// month is 2024-02-29.
//
// The table name of lookup must be a string literal: the table, the number
// of keys and their types are checked at compile time. A missing row fails
// with ErrNoRow, naming the table and the keys.
//
// A variable used only as a direct argument of coalesce may be absent from
// Vars (or nil); any other variable a formula reads must have a value, or
// Eval fails with ErrMissingValue.
//
// Host functions (Options.Functions) are called like built-ins, with their
// parameter and result types checked at compile time.
//
// expr's other built-ins are not available. Left out on purpose: now,
// duration and timezone (no clock or time of day in rules), the closures
// (all, any, filter, map, reduce, …), ranges, maps, repeat, JSON and base64
// functions, and float conversions.
//
// # Limits
//
// A formula has at most MaxSourceLen bytes and Options.MaxNodes syntax
// nodes (DefaultMaxNodes, 2,000, when zero); more is a CodeTooLarge error.
// As formulas have no loops, ranges or closures, evaluation runs each node
// at most once. Values are bounded too: a decimal has at most MaxDigits
// digits and an exponent within ±MaxExponent, x ** n needs |n| <= 10,000, a
// string built by +, replace or join has at most MaxStringLen bytes;
// exceeding a bound fails with ErrTooLarge. expr's own memory budget
// (vm.VM.MemoryBudget) only counts the arrays, maps and ranges that
// formulas cannot build, so these bounds take its place.
package formula
