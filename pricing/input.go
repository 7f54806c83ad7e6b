package pricing

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/internal/yamlpos"
	"github.com/cpqkit/cpq/money"
)

// MaxRequestSize is the largest quote file LoadRequest accepts.
const MaxRequestSize = 16 << 20

// The codes of problems in a quote file.
const (
	CodeInputSyntax    = "quote.syntax"
	CodeInputRequired  = "quote.required"
	CodeInputInvalid   = "quote.invalid"
	CodeInputReference = "quote.unknown-reference"
)

// InputError is one problem in a quote file, at its position.
type InputError struct {
	Pos     catalog.Pos
	Path    string
	Code    string
	Message string
}

func (e *InputError) Error() string {
	s := e.Pos.String() + ": " + e.Code + ": " + e.Message
	if e.Path != "" {
		s += " (at " + e.Path + ")"
	}
	return s
}

// Is makes every *InputError match ErrInvalidRequest.
func (e *InputError) Is(target error) bool { return target == ErrInvalidRequest }

// InputErrors is every problem found in a quote file, in file order.
type InputErrors []*InputError

func (es InputErrors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return fmt.Sprintf("%d problems in quote file:\n%s", len(es), strings.Join(parts, "\n"))
}

// Is makes InputErrors match ErrInvalidRequest.
func (es InputErrors) Is(target error) bool { return target == ErrInvalidRequest }

// quoteFile is the quote input format: a Request written in YAML or JSON.
type quoteFile struct {
	Currency         string          `yaml:"currency"`
	Date             *time.Time      `yaml:"date"`
	Customer         customerFile    `yaml:"customer"`
	PriceBook        string          `yaml:"price_book"`
	TermMonths       int             `yaml:"term_months"`
	Start            *time.Time      `yaml:"start"`
	End              *time.Time      `yaml:"end"`
	HeaderDiscount   *adjustmentFile `yaml:"header_discount"`
	IgnorePriceRules bool            `yaml:"ignore_price_rules"`
	Rates            []*rateFile     `yaml:"rates"`
	RateBase         string          `yaml:"rate_base"`
	Contracts        []*contractFile `yaml:"contracts"`
	Lines            []*lineFile     `yaml:"lines"`
}

type customerFile struct {
	ID      string `yaml:"id"`
	Segment string `yaml:"segment"`
	Region  string `yaml:"region"`
	Country string `yaml:"country"`
}

type lineFile struct {
	ID            string            `yaml:"id"`
	Product       string            `yaml:"product"`
	Quantity      *decimal.Decimal  `yaml:"quantity"`
	Unit          string            `yaml:"unit"`
	Values        map[string]string `yaml:"values"`
	Options       []*lineFile       `yaml:"options"`
	Group         string            `yaml:"group"`
	TermMonths    int               `yaml:"term_months"`
	Start         *time.Time        `yaml:"start"`
	End           *time.Time        `yaml:"end"`
	Renewal       bool              `yaml:"renewal"`
	PriorQuantity *decimal.Decimal  `yaml:"prior_quantity"`
	Discount      *adjustmentFile   `yaml:"discount"`
}

type adjustmentFile struct {
	Percent   *decimal.Decimal `yaml:"percent"`
	Amount    *decimal.Decimal `yaml:"amount"`
	UnitPrice *decimal.Decimal `yaml:"unit_price"`
	Reason    string           `yaml:"reason"`
}

type rateFile struct {
	From string          `yaml:"from"`
	To   string          `yaml:"to"`
	Rate decimal.Decimal `yaml:"rate"`
}

type contractFile struct {
	ID        string          `yaml:"id"`
	Customer  string          `yaml:"customer"`
	Product   string          `yaml:"product"`
	Currency  string          `yaml:"currency"`
	UnitPrice decimal.Decimal `yaml:"unit_price"`
	Net       bool            `yaml:"net"`
	From      *time.Time      `yaml:"from"`
	To        *time.Time      `yaml:"to"`
}

// LoadRequest reads a quote file (YAML or JSON) and checks it against the
// engine's catalog; see ParseRequest.
func (e *Engine) LoadRequest(r io.Reader, name string) (*Request, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRequestSize+1))
	if err != nil {
		return nil, fmt.Errorf("read quote %s: %w", name, err)
	}
	if len(data) > MaxRequestSize {
		return nil, InputErrors{{Pos: catalog.Pos{File: name}, Code: CodeInputSyntax, Message: fmt.Sprintf("quote file is larger than %d bytes", MaxRequestSize)}}
	}
	return e.ParseRequest(data, name)
}

// ParseRequest decodes a quote file and checks it against the engine's
// catalog: products, attribute values, option quantities, price book,
// currencies and rates. On any problem it returns nil and InputErrors
// listing every problem with its file, line and column.
//
// The file holds the fields of a Request in snake case (currency, date,
// customer {id, segment, region, country}, price_book, term_months, start,
// end, header_discount {percent | amount, reason}, ignore_price_rules),
// exchange rates (rates: [{from, to, rate}], rate_base), contracted prices
// (contracts: [{id, customer, product, currency, unit_price, net, from,
// to}]; the customer defaults to the quote's) and lines ({id, product,
// quantity, unit, values, options, group, term_months, start, end,
// renewal, prior_quantity, discount {percent, amount, unit_price,
// reason}}).
func (e *Engine) ParseRequest(data []byte, name string) (*Request, error) {
	var f quoteFile
	d := yamlpos.Decode(data, name, "quote", &f)
	c := &inputChecker{e: e, d: d}
	for _, pr := range d.Problems {
		c.errs = append(c.errs, &InputError{Pos: pr.Pos, Path: pr.Path, Code: pr.Code, Message: pr.Message})
	}
	if d.SyntaxOnly() {
		return nil, c.errs
	}
	req := c.request(&f)
	if len(c.errs) > 0 {
		sort.SliceStable(c.errs, func(i, j int) bool {
			a, b := c.errs[i].Pos, c.errs[j].Pos
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, c.errs
	}
	return req, nil
}

type inputChecker struct {
	e    *Engine
	d    *yamlpos.Decoder
	errs InputErrors
	ids  map[string]string
}

func (c *inputChecker) add(path, code, format string, args ...any) {
	c.errs = append(c.errs, &InputError{Pos: c.d.At(path), Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (c *inputChecker) request(f *quoteFile) *Request {
	req := &Request{Currency: f.Currency, PriceBook: f.PriceBook, TermMonths: f.TermMonths, IgnorePriceRules: f.IgnorePriceRules,
		Customer: Customer{ID: f.Customer.ID, Segment: f.Customer.Segment, Region: f.Customer.Region, Country: f.Customer.Country}}
	if f.Date == nil {
		c.add("", CodeInputRequired, "date is required (the pricing date, YYYY-MM-DD)")
	} else {
		req.Date = *f.Date
	}
	if f.Currency != "" {
		if _, err := money.LookupCurrency(f.Currency); err != nil {
			c.add("currency", CodeInputInvalid, "%q is not an ISO 4217 currency with a minor unit", f.Currency)
		}
	}
	if f.PriceBook != "" {
		if _, ok := c.e.bookByID[f.PriceBook]; !ok {
			c.add("price_book", CodeInputReference, "unknown price book %q%s", f.PriceBook, didYouMean(f.PriceBook, keysOf(c.e.bookByID)))
		}
	}
	if f.TermMonths < 0 {
		c.add("term_months", CodeInputInvalid, "term of %d months is below zero", f.TermMonths)
	}
	req.Start, req.End = c.dates("", f.Start, f.End)
	if h := f.HeaderDiscount; h != nil {
		if (h.Percent == nil) == (h.Amount == nil) || h.UnitPrice != nil {
			c.add("header_discount", CodeInputInvalid, "a header discount needs exactly one of percent and amount")
		}
		c.percent("header_discount.percent", h.Percent)
		c.nonNegative("header_discount.amount", h.Amount)
		req.HeaderDiscount = &Adjustment{Percent: h.Percent, Amount: h.Amount, Reason: h.Reason}
	}
	if len(f.Rates) > 0 {
		cfg := money.RateTableConfig{Base: f.RateBase}
		ok := true
		for i, r := range f.Rates {
			p := yamlpos.Index("rates", i)
			if r == nil {
				c.add(p, CodeInputRequired, "a rate needs from, to and rate")
				ok = false
				continue
			}
			for _, cur := range []struct{ key, code string }{{"from", r.From}, {"to", r.To}} {
				if _, err := money.LookupCurrency(cur.code); err != nil {
					c.add(yamlpos.Join(p, cur.key), CodeInputInvalid, "%q is not an ISO 4217 currency with a minor unit", cur.code)
					ok = false
				}
			}
			if !r.Rate.IsPositive() {
				c.add(yamlpos.Join(p, "rate"), CodeInputInvalid, "rate %s must be above zero", r.Rate)
				ok = false
			}
			cfg.Rates = append(cfg.Rates, money.Rate{From: r.From, To: r.To, Value: r.Rate})
		}
		if ok {
			t, err := money.NewRateTable(cfg)
			if err != nil {
				c.add("rates", CodeInputInvalid, "%s", err)
			}
			req.Rates = t
		}
	}
	if len(f.Contracts) > 0 {
		table := &ContractTable{}
		for i, k := range f.Contracts {
			p := yamlpos.Index("contracts", i)
			if k == nil {
				c.add(p, CodeInputRequired, "a contract needs a product, currency and unit price")
				continue
			}
			c.product(yamlpos.Join(p, "product"), k.Product)
			if _, err := money.LookupCurrency(k.Currency); err != nil {
				c.add(yamlpos.Join(p, "currency"), CodeInputInvalid, "%q is not an ISO 4217 currency with a minor unit", k.Currency)
			}
			c.nonNegative(yamlpos.Join(p, "unit_price"), &k.UnitPrice)
			ct := Contract{ID: k.ID, Customer: k.Customer, Product: k.Product, Currency: k.Currency, UnitPrice: k.UnitPrice, Net: k.Net}
			if ct.Customer == "" {
				ct.Customer = req.Customer.ID
			}
			if ct.ID == "" {
				ct.ID = fmt.Sprintf("contract-%d", i+1)
			}
			if k.From != nil {
				ct.From = *k.From
			}
			if k.To != nil {
				ct.To = *k.To
			}
			table.Entries = append(table.Entries, ct)
		}
		req.Contracts = table
	}
	if len(f.Lines) == 0 {
		c.add("lines", CodeInputRequired, "a quote needs at least one line")
	}
	c.ids = map[string]string{}
	for i, l := range f.Lines {
		if l == nil {
			c.add(yamlpos.Index("lines", i), CodeInputRequired, "a line needs a product and a quantity")
			continue
		}
		req.Lines = append(req.Lines, c.line(yamlpos.Index("lines", i), l, fmt.Sprint(i+1)))
	}
	return req
}

func (c *inputChecker) line(path string, l *lineFile, defID string) Line {
	out := Line{ID: l.ID, Product: l.Product, Unit: l.Unit, Values: l.Values, Group: l.Group, TermMonths: l.TermMonths, Renewal: l.Renewal}
	id := l.ID
	if id == "" {
		id = defID
	}
	if first, dup := c.ids[id]; dup {
		c.add(yamlpos.Join(path, "id"), CodeInputInvalid, "line ID %q is used twice (first at %s)", id, c.d.At(first))
	} else {
		c.ids[id] = path
	}
	pr := c.product(yamlpos.Join(path, "product"), l.Product)
	if l.Quantity == nil {
		c.add(path, CodeInputRequired, "quantity is required")
	} else {
		out.Quantity = *l.Quantity
		if !l.Quantity.IsPositive() {
			c.add(yamlpos.Join(path, "quantity"), CodeInputInvalid, "quantity %s is not above zero", l.Quantity)
		}
	}
	if l.PriorQuantity != nil {
		out.PriorQuantity = *l.PriorQuantity
		c.nonNegative(yamlpos.Join(path, "prior_quantity"), l.PriorQuantity)
	}
	if l.TermMonths < 0 {
		c.add(yamlpos.Join(path, "term_months"), CodeInputInvalid, "term of %d months is below zero", l.TermMonths)
	}
	out.Start, out.End = c.dates(path, l.Start, l.End)
	if pr != nil && l.Unit != "" {
		if _, ok := pr.p.UnitFactor(l.Unit); !ok {
			c.add(yamlpos.Join(path, "unit"), CodeInputReference, "line %s: product %q is not sold in unit %q%s",
				id, pr.sku, l.Unit, unitsHint(l.Unit, pr.p.SellingUnits()))
		}
	}
	if pr != nil {
		keys := keysOf(l.Values)
		for _, k := range keys {
			vp := yamlpos.Join(yamlpos.Join(path, "values"), k)
			v := l.Values[k]
			if opt, ok := strings.CutPrefix(k, "qty."); ok {
				if _, err := optionQuantity(pr, opt, v); err != nil {
					c.add(vp, CodeInputInvalid, "%s", err)
				}
				continue
			}
			i, ok := pr.varIdx[k]
			if !ok {
				c.add(vp, CodeInputReference, "product %q has no attribute or option %q%s", pr.sku, k, didYouMean(k, keysOf(pr.varIdx)))
				continue
			}
			if msg := valueProblem(pr.vars[i], v); msg != "" {
				c.add(vp, CodeInputInvalid, "%s", msg)
			}
		}
	}
	if m := l.Discount; m != nil {
		dp := yamlpos.Join(path, "discount")
		c.percent(yamlpos.Join(dp, "percent"), m.Percent)
		c.nonNegative(yamlpos.Join(dp, "amount"), m.Amount)
		c.nonNegative(yamlpos.Join(dp, "unit_price"), m.UnitPrice)
		out.Manual = &Adjustment{Percent: m.Percent, Amount: m.Amount, UnitPrice: m.UnitPrice, Reason: m.Reason}
	}
	if l.Options != nil {
		out.Options = []Line{}
		for j, o := range l.Options {
			if o == nil {
				c.add(yamlpos.Index(yamlpos.Join(path, "options"), j), CodeInputRequired, "an option line needs a product and a quantity")
				continue
			}
			out.Options = append(out.Options, c.line(yamlpos.Index(yamlpos.Join(path, "options"), j), o, id+"."+fmt.Sprint(j+1)))
		}
	}
	return out
}

func (c *inputChecker) product(path, sku string) *product {
	if sku == "" {
		c.add(yamlpos.Parent(path), CodeInputRequired, "product is required")
		return nil
	}
	pr, ok := c.e.products[sku]
	if !ok {
		c.add(path, CodeInputReference, "unknown product %q%s", sku, didYouMean(sku, keysOf(c.e.products)))
		return nil
	}
	return pr
}

func (c *inputChecker) dates(path string, start, end *time.Time) (time.Time, time.Time) {
	var s, e time.Time
	if start != nil {
		s = *start
	}
	if end != nil {
		e = *end
	}
	switch {
	case (start == nil) != (end == nil):
		c.add(path, CodeInputInvalid, "a dated term needs both start and end")
	case start != nil && e.Before(s):
		c.add(yamlpos.Join(path, "end"), CodeInputInvalid, "end %s is before start %s", e.Format(time.DateOnly), s.Format(time.DateOnly))
	}
	return s, e
}

func (c *inputChecker) percent(path string, d *decimal.Decimal) {
	if d != nil && (d.IsNegative() || d.GreaterThan(hundred)) {
		c.add(path, CodeInputInvalid, "%s%% is outside 0..100", d)
	}
}

func (c *inputChecker) nonNegative(path string, d *decimal.Decimal) {
	if d != nil && d.IsNegative() {
		c.add(path, CodeInputInvalid, "%s is below zero", d)
	}
}
