package pricing

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
)

// The proration methods.
const (
	// ProrateByMonth counts whole months: a partial month at the end of a
	// dated term counts as a whole one.
	ProrateByMonth = "by_month"
	// ProrateByDay counts whole periods, then the days left in proportion
	// to the days of the period they fall in (a year of 365 or 366 days, a
	// month of 28 to 31).
	ProrateByDay = "by_day"
)

// term is the subscription term of a recurring line.
type term struct {
	months     decimal.Decimal
	mult       decimal.Decimal
	period     string
	proration  string
	billing    string
	start, end *time.Time
	reason     string
}

// termOf works out a recurring line's term and the multiplier that turns
// the price of one period into the price of the term.
func (p *pricer) termOf(ls *lineState) error {
	if ls.term != nil {
		return nil
	}
	t := &term{period: "month", proration: ProrateByMonth, billing: "monthly"}
	defMonths := 0
	if s := ls.prod.sub; s != nil {
		if s.PricePeriod != "" {
			t.period = s.PricePeriod
		}
		if s.Proration != "" {
			t.proration = s.Proration
		}
		if s.Billing != "" {
			t.billing = s.Billing
		}
		defMonths = s.TermMonths
	}
	periodMonths := 1
	if t.period == "year" {
		periodMonths = 12
	}
	start, end := ls.in.Start, ls.in.End
	if start.IsZero() && end.IsZero() {
		start, end = p.req.Start, p.req.End
	}
	switch {
	case !start.IsZero() && !end.IsZero():
		if end.Before(start) {
			return fmt.Errorf("%w: term ends %s before it starts %s", ErrInvalidRequest, end.Format(time.DateOnly), start.Format(time.DateOnly))
		}
		s, e := dateOnly(start), dateOnly(end)
		t.start, t.end = &s, &e
		if err := t.byDates(s, e.AddDate(0, 0, 1), periodMonths); err != nil {
			return err
		}
	case !start.IsZero() || !end.IsZero():
		return fmt.Errorf("%w: a dated term needs both a start and an end", ErrInvalidRequest)
	default:
		months := ls.in.TermMonths
		if months == 0 {
			months = p.req.TermMonths
		}
		if months == 0 {
			months = defMonths
		}
		if months <= 0 {
			return fmt.Errorf("%w: subscription line has no term (give the line or the quote a term in months)", ErrInvalidRequest)
		}
		t.months = decimal.NewFromInt(int64(months))
		t.mult = ratio(t.months, decimal.NewFromInt(int64(periodMonths)))
		t.reason = fmt.Sprintf("term of %d months at a price per %s", months, t.period)
	}
	ls.term = t
	return nil
}

// byDates measures a term from start to the day after its end.
func (t *term) byDates(start, endX time.Time, periodMonths int) error {
	pm := decimal.NewFromInt(int64(periodMonths))
	days := daysBetween(start, endX)
	if t.proration == ProrateByDay {
		n := wholePeriods(start, endX, periodMonths)
		from := addMonths(start, n*periodMonths)
		next := addMonths(start, (n+1)*periodMonths)
		rem, per := daysBetween(from, endX), daysBetween(from, next)
		t.mult = decimal.NewFromInt(int64(n)).Add(ratio(decimal.NewFromInt(int64(rem)), decimal.NewFromInt(int64(per))))
		t.months = t.mult.Mul(pm)
		t.reason = fmt.Sprintf("%d days from %s: %d whole %ss and %d of %d days, prorated by day", days, start.Format(time.DateOnly), n, t.period, rem, per)
		return nil
	}
	m := wholePeriods(start, endX, 1)
	partial := ""
	if addMonths(start, m).Before(endX) {
		m++
		partial = ", the partial month counted whole"
	}
	t.months = decimal.NewFromInt(int64(m))
	t.mult = ratio(t.months, pm)
	t.reason = fmt.Sprintf("%d days from %s: %d months%s, at a price per %s", days, start.Format(time.DateOnly), m, partial, t.period)
	return nil
}

// prorate turns the line's price for one period into the price of its
// term.
func (p *pricer) prorate(ls *lineState) error {
	if err := p.termOf(ls); err != nil {
		return err
	}
	t := ls.term
	before := ls.total()
	ls.a, ls.f, ls.list = ls.a.Mul(t.mult), ls.f.Mul(t.mult), ls.list.Mul(t.mult)
	ls.cost, ls.floor = ls.cost.Mul(t.mult), ls.floor.Mul(t.mult)
	ls.per = ls.per.Mul(t.mult)
	p.step(ls, StepProration, t.proration, before, ls.cur, fmt.Sprintf("%s: × %s", t.reason, t.mult))
	return nil
}

// uplift raises a renewal line by the product's renewal uplift.
func (p *pricer) uplift(ls *lineState) {
	s := ls.prod.sub
	if !ls.in.Renewal || s == nil || s.RenewalUplift == nil || s.RenewalUplift.IsZero() {
		return
	}
	u := *s.RenewalUplift
	before := ls.total()
	ls.a, ls.f, ls.list = ls.a.Add(pct(ls.a, u)), ls.f.Add(pct(ls.f, u)), ls.list.Add(pct(ls.list, u))
	ls.listUnit = ls.listUnit.Add(pct(ls.listUnit, u))
	p.step(ls, StepUplift, ls.prod.sku, before, ls.cur, fmt.Sprintf("renewal uplift of %s%%", u))
}

// ratio divides exactly when the quotient ends within WorkPlaces digits,
// else rounds it half-even to them.
func ratio(x, y decimal.Decimal) decimal.Decimal {
	q, err := money.DivDecimal(x, y, WorkPlaces, money.HalfEven)
	if err != nil {
		return decimal.Zero
	}
	return trim(q)
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func daysBetween(a, b time.Time) int {
	return int(dateOnly(b).Sub(dateOnly(a)).Hours() / 24)
}

// addMonths adds n months, keeping the day of the month or clamping it to
// the last day of a shorter month (as the formula function add_months).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC)
}

// wholePeriods is the largest n with start + n×months ≤ end.
func wholePeriods(start, end time.Time, months int) int {
	diff := (end.Year()-start.Year())*12 + int(end.Month()) - int(start.Month())
	n := diff / months
	if n < 0 {
		n = 0
	}
	for n > 0 && addMonths(start, n*months).After(end) {
		n--
	}
	for !addMonths(start, (n+1)*months).After(end) {
		n++
	}
	return n
}

// BillingSchedule splits a recurring line's net amount into its invoices
// by the product's billing frequency (monthly, quarterly, annual or
// upfront), differing by at most one minor unit, the larger first. The net
// amount must be rounded to the minor unit; a one-time line is one
// invoice.
func (l *PricedLine) BillingSchedule() ([]money.Amount, error) {
	n := 1
	if s := l.Subscription; s != nil {
		months := map[string]int64{"monthly": 1, "quarterly": 3, "annual": 12}[s.Billing]
		if months > 0 {
			q := s.TermMonths.Div(decimal.NewFromInt(months)).Ceil()
			n = int(q.IntPart())
		}
	}
	if n < 1 {
		n = 1
	}
	return money.Split(l.Net, n)
}
