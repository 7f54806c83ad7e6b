package pricing

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// Sentinel errors of pricing; test with errors.Is.
var (
	// ErrInvalidRequest: the request itself is wrong (an unknown product,
	// a value outside its attribute's domain, a quantity below zero, two
	// lines with one ID, a quote file that does not decode).
	ErrInvalidRequest = errors.New("invalid pricing request")
	// ErrNoPrice: a line's product has no price in the price books in use
	// or no block for its quantity.
	ErrNoPrice = errors.New("no price")
	// ErrNoRates: the quote needs a currency conversion and no rate table
	// was given.
	ErrNoRates = errors.New("no exchange rates")
	// ErrRuleConflict: two price rules of one priority match a line and
	// their actions conflict (see RuleConflictError).
	ErrRuleConflict = errors.New("conflicting price rules")
	// ErrBelowFloor: a line's net price is below its floor price or floor
	// percentage.
	ErrBelowFloor = errors.New("price below floor")
	// ErrBelowMinMargin: a line's margin is below its guardrail's minimum.
	ErrBelowMinMargin = errors.New("margin below minimum")
	// ErrHeaderDiscountLimit: the header discount is above the catalog's
	// maximum.
	ErrHeaderDiscountLimit = errors.New("header discount above limit")
	// ErrInvalidCatalog: New was given a catalog that has not been checked.
	ErrInvalidCatalog = errors.New("catalog not checked")
)

// LineError is a failure to price one line.
type LineError struct {
	Line    string
	Product string
	Err     error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("line %s (%s): %v", e.Line, e.Product, e.Err)
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// RuleConflictError names two price rules of the same stage and priority
// that both match a line with actions that do not commute, or of which one
// is exclusive: pricing never picks one silently.
type RuleConflictError struct {
	Line     string
	Stage    string
	Priority int
	First    string
	Second   string
	Reason   string
}

func (e *RuleConflictError) Error() string {
	return fmt.Sprintf("price rules %q and %q both apply to line %s at stage %s, priority %d: %s; give them different priorities",
		e.First, e.Second, e.Line, e.Stage, e.Priority, e.Reason)
}

// Is makes errors.Is(err, ErrRuleConflict) true.
func (e *RuleConflictError) Is(target error) bool { return target == ErrRuleConflict }

// The kinds of guardrail violations.
const (
	LimitFloor          = "floor"
	LimitFloorPercent   = "floor_percent"
	LimitMinMargin      = "min_margin_percent"
	LimitHeaderDiscount = "max_header_discount_percent"
)

// GuardrailError is a hard limit a line or the header crossed. It matches
// ErrBelowFloor, ErrBelowMinMargin or ErrHeaderDiscountLimit.
type GuardrailError struct {
	// Line is empty for the header discount.
	Line    string
	Product string
	// Guardrail is the guardrail's ID, or the price book of a floor price.
	Guardrail string
	Limit     string
	// Min and Actual are the limit and the value reached: amounts for a
	// floor price, percentages otherwise.
	Min    decimal.Decimal
	Actual decimal.Decimal
}

func (e *GuardrailError) Error() string {
	switch e.Limit {
	case LimitFloor:
		return fmt.Sprintf("line %s (%s): net %s is below the floor %s of price book %s", e.Line, e.Product, e.Actual, e.Min, e.Guardrail)
	case LimitFloorPercent:
		return fmt.Sprintf("line %s (%s): net is %s%% of list, below the floor of %s%% of guardrail %s", e.Line, e.Product, e.Actual, e.Min, e.Guardrail)
	case LimitMinMargin:
		return fmt.Sprintf("line %s (%s): margin %s%% is below the minimum %s%% of guardrail %s", e.Line, e.Product, e.Actual, e.Min, e.Guardrail)
	}
	return fmt.Sprintf("header discount of %s%% is above the maximum %s%%", e.Actual, e.Min)
}

// Is matches the sentinel of the limit crossed.
func (e *GuardrailError) Is(target error) bool {
	switch e.Limit {
	case LimitFloor, LimitFloorPercent:
		return target == ErrBelowFloor
	case LimitMinMargin:
		return target == ErrBelowMinMargin
	}
	return target == ErrHeaderDiscountLimit
}
