package render

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/quote"
)

// SealShort returns the first 12 hex digits of a seal, as documents show
// it.
func SealShort(seal string) string {
	s := strings.TrimPrefix(seal, quote.SealPrefix)
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}

// approvalOf decides whether the revision renders as approved: its content
// matches its seal, and the host's gate says it is approved for exactly
// that seal. Otherwise it gives the reason it is a draft.
func (r *Renderer) approvalOf(ctx context.Context, q *quote.Quote) (*Approval, string, error) {
	if q.Seal == "" {
		return nil, "the quote revision has no seal", nil
	}
	if err := q.Verify(); err != nil {
		return nil, "the quote content changed after it was sealed", nil
	}
	if r.cfg.Approvals == nil {
		return nil, "no approval gate is configured", nil
	}
	a, err := r.cfg.Approvals.Approval(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("quote %s revision %d: approval state: %w", q.Number, q.Revision, err)
	}
	switch {
	case !a.Approved:
		return nil, "the quote revision is not approved", nil
	case a.Seal != q.Seal:
		return nil, "the approval was granted for other content (seal " + SealShort(a.Seal) + ")", nil
	}
	return &a, "", nil
}

// formatter formats money, numbers and dates for one document and keeps
// the first error.
type formatter struct {
	currency string
	locale   string
	labels   Labels
	err      error
}

func (f *formatter) money(d decimal.Decimal) string {
	a, err := money.New(d, f.currency)
	if err == nil {
		var s string
		if s, err = money.Format(a, f.locale); err == nil {
			return s
		}
	}
	if f.err == nil {
		f.err = fmt.Errorf("format %s %s: %w", d, f.currency, err)
	}
	return d.String() + " " + f.currency
}

// number formats d with as many places as it needs (trailing zeros
// dropped), at most max.
func (f *formatter) number(d decimal.Decimal, max int32) string {
	d = d.Round(max)
	places := int32(0)
	if s := d.String(); strings.Contains(s, ".") {
		places = int32(len(strings.TrimRight(s[strings.IndexByte(s, '.')+1:], "0")))
	}
	s, err := money.FormatNumber(d, places, f.locale)
	if err != nil {
		if f.err == nil {
			f.err = fmt.Errorf("format %s: %w", d, err)
		}
		return d.String()
	}
	return s
}

func (f *formatter) percent(d decimal.Decimal) string {
	return fill(f.labels["percent"], "n", f.number(d, 2))
}

func (f *formatter) date(t time.Time) string { return f.labels.date(t) }

// Document builds the document model of a quote revision: its language
// and locale, its sections after the template's conditions, every amount
// formatted, and its approval state. A revision that is not approved for
// its current seal is a draft; with Options.Final it is ErrNotApproved
// instead.
func (r *Renderer) Document(ctx context.Context, q *quote.Quote, opts Options) (*Document, error) {
	if q == nil {
		return nil, errors.New("render: no quote")
	}
	lang := opts.Language
	if lang == "" {
		lang = q.Header.Language
	}
	if lang == "" {
		lang = "en"
	}
	labels, tag, err := resolveLabels(lang, r.cfg.Labels)
	if err != nil {
		return nil, err
	}
	locale := opts.Locale
	if locale == "" {
		locale = tag
	}
	approval, reason, err := r.approvalOf(ctx, q)
	if err != nil {
		return nil, err
	}
	if approval == nil && opts.Final {
		return nil, fmt.Errorf("quote %s revision %d: %s: %w", q.Number, q.Revision, reason, ErrNotApproved)
	}
	f := &formatter{currency: q.Header.Currency, locale: locale, labels: labels}
	d := &Document{
		Language: tag, Locale: locale, Labels: labels,
		Draft: approval == nil, DraftReason: reason,
		Title: labels["title"], Number: q.Number, Revision: q.Revision, Currency: q.Header.Currency,
		logo: r.logo,
	}
	if q.Header.Title != "" {
		d.Title = labels["title"] + " – " + q.Header.Title
	}
	d.Seal = q.Seal
	if d.Draft && (q.Seal == "" || q.Verify() != nil) {
		d.Seal = q.ComputeSeal()
	}
	d.SealShort = SealShort(d.Seal)
	if approval != nil {
		sep := labels["list_separator"]
		date := f.date(approval.At)
		d.Approval = &Stamp{
			Label: labels["approved"], Approvers: approval.Approvers, Date: date,
			Text:      fill(labels["approved_by"], "names", strings.Join(approval.Approvers, sep), "date", date),
			SealLabel: labels["seal"], SealShort: d.SealShort,
		}
	} else {
		d.Watermark = labels["draft"]
	}

	d.Letterhead = letterheadBlock(r.cfg.Letterhead, labels, r.logo != nil)
	date := opts.Date
	if date.IsZero() {
		date = q.UpdatedAt
	}
	if date.IsZero() {
		date = q.CreatedAt
	}
	d.date = date
	d.Meta = metaFields(q, labels, f, date)
	d.Customer = customerBlock(q.Header, labels)

	vars := conditionVars(q, tag, approval != nil)
	for _, s := range r.template.sections {
		if s.when != nil {
			ok, err := s.when.EvalBool(vars)
			if err != nil {
				return nil, fmt.Errorf("template section %s condition %q: %w", s.Kind, s.When, err)
			}
			if !ok {
				continue
			}
		}
		sec := Section{Kind: s.Kind, Title: s.Title, Text: s.Text}
		switch s.Kind {
		case SectionIntroduction:
			if sec.Text == "" {
				sec.Text = labels["introduction"]
			}
		case SectionTerms:
			if sec.Title == "" {
				sec.Title = labels["terms"]
			}
		case SectionSignature:
			if sec.Title == "" {
				sec.Title = labels["acceptance"]
			}
		}
		d.Sections = append(d.Sections, sec)
	}

	for _, key := range r.template.columns {
		align := "right"
		if key == ColItem || key == ColProduct || key == ColUnit {
			align = "left"
		}
		d.Columns = append(d.Columns, Column{Key: key, Label: labels["col_"+key], Align: align})
	}
	d.Groups, d.Notes = lineGroups(q, labels, f)
	d.Totals = totalRows(q.Totals, labels, f)
	for _, t := range q.Terms {
		d.Terms = append(d.Terms, TermText{Title: t.Title, Text: t.Text})
	}
	d.Signature = SignatureBlock{
		Title:  labels["acceptance"],
		Text:   labels["acceptance_text"],
		Fields: []string{labels["name"], labels["signature"], labels["sign_date"]},
	}
	footer := []string{}
	if d.Letterhead.Company != "" {
		footer = append(footer, d.Letterhead.Company)
	}
	footer = append(footer, labels["title"]+" "+q.Number+" "+labels["revision"]+" "+strconv.Itoa(q.Revision))
	if d.Draft {
		footer = append(footer, labels["draft_note"])
	} else {
		footer = append(footer, labels["seal"]+" "+d.SealShort)
	}
	d.Footer = strings.Join(footer, " · ")
	d.PageLabel = labels["page"]
	if f.err != nil {
		return nil, f.err
	}
	return d, nil
}

func letterheadBlock(l Letterhead, labels Labels, hasLogo bool) LetterheadBlock {
	b := LetterheadBlock{Company: l.Company, HasLogo: hasLogo}
	b.Lines = append(b.Lines, l.Address...)
	if l.TaxID != "" {
		b.Lines = append(b.Lines, labels["tax_id"]+": "+l.TaxID)
	}
	var contact []string
	for _, s := range []string{l.Phone, l.Email, l.Website} {
		if s != "" {
			contact = append(contact, s)
		}
	}
	if len(contact) > 0 {
		b.Lines = append(b.Lines, strings.Join(contact, " · "))
	}
	return b
}

func metaFields(q *quote.Quote, labels Labels, f *formatter, date time.Time) []Field {
	h := q.Header
	out := []Field{
		{Key: "quote_number", Label: labels["quote_number"], Value: q.Number},
		{Key: "revision", Label: labels["revision"], Value: strconv.Itoa(q.Revision)},
	}
	if !date.IsZero() {
		out = append(out, Field{Key: "date", Label: labels["date"], Value: f.date(date)})
	}
	if !h.ValidUntil.IsZero() {
		out = append(out, Field{Key: "valid_until", Label: labels["valid_until"], Value: f.date(h.ValidUntil)})
	}
	payment := h.PaymentTerms
	if payment == "" && h.PaymentDays > 0 {
		payment = fill(labels["payment_days"], "n", strconv.Itoa(h.PaymentDays))
	}
	if payment != "" {
		out = append(out, Field{Key: "payment_terms", Label: labels["payment_terms"], Value: payment})
	}
	if h.DeliveryTerms != "" {
		out = append(out, Field{Key: "delivery_terms", Label: labels["delivery_terms"], Value: h.DeliveryTerms})
	}
	if h.TermMonths > 0 {
		out = append(out, Field{Key: "term", Label: labels["term"], Value: fill(labels["months"], "n", strconv.Itoa(h.TermMonths))})
	}
	return out
}

func customerBlock(h quote.Header, labels Labels) CustomerBlock {
	b := CustomerBlock{Label: labels["prepared_for"], Name: h.Account.Name}
	a := h.BillTo
	b.Lines = append(b.Lines, a.Lines...)
	if city := strings.TrimSpace(a.PostalCode + " " + a.City); city != "" {
		b.Lines = append(b.Lines, city)
	}
	for _, s := range []string{a.Region, a.Country} {
		if s != "" {
			b.Lines = append(b.Lines, s)
		}
	}
	if h.Account.TaxID != "" {
		b.Lines = append(b.Lines, labels["tax_id"]+": "+h.Account.TaxID)
	}
	if len(h.Contacts) > 0 {
		c := h.Contacts[0]
		line := labels["contact"] + ": " + c.Name
		if c.Role != "" {
			line += " (" + c.Role + ")"
		}
		b.Contact = append(b.Contact, line)
		for _, s := range []string{c.Email, c.Phone} {
			if s != "" {
				b.Contact = append(b.Contact, s)
			}
		}
	}
	return b
}

// lineGroups lays the lines out by group, in the order of the quote's
// groups, then the lines in no group; each line is followed by its option
// lines. Top-level lines are numbered 1, 2, … through the document, option
// lines 1.1, 1.2, ….
func lineGroups(q *quote.Quote, labels Labels, f *formatter) ([]LineGroup, []string) {
	ids := map[string]bool{}
	children := map[string][]int{}
	for i, l := range q.Lines {
		ids[l.ID] = true
		if l.Parent != "" {
			children[l.Parent] = append(children[l.Parent], i)
		}
	}
	isTop := func(l quote.Line) bool { return l.Parent == "" || !ids[l.Parent] || l.Parent == l.ID }
	subtotals := map[string]decimal.Decimal{}
	for _, g := range q.Totals.Groups {
		subtotals[g.Group] = g.Net
	}
	hasOptional, hasAlternative := false, false
	position := 0
	var rows func(g *LineGroup, i int, level int, pos string, seen map[int]bool)
	rows = func(g *LineGroup, i int, level int, pos string, seen map[int]bool) {
		if seen[i] {
			return
		}
		seen[i] = true
		l := q.Lines[i]
		row := lineRow(l, labels, f)
		row.Level, row.Position = level, pos
		hasOptional = hasOptional || l.Optional
		hasAlternative = hasAlternative || l.Alternative != ""
		g.Rows = append(g.Rows, row)
		for k, c := range children[l.ID] {
			rows(g, c, level+1, pos+"."+strconv.Itoa(k+1), seen)
		}
	}
	var out []LineGroup
	seen := map[int]bool{}
	addGroup := func(id, name string, withSubtotal bool) {
		g := LineGroup{Name: name}
		for i, l := range q.Lines {
			if isTop(l) && l.Group == id {
				position++
				rows(&g, i, 0, strconv.Itoa(position), seen)
			}
		}
		if len(g.Rows) == 0 {
			return
		}
		if net, ok := subtotals[id]; ok && withSubtotal {
			g.Subtotal = &Field{Key: "group_subtotal", Label: fill(labels["group_subtotal"], "name", name), Value: f.money(net)}
		}
		out = append(out, g)
	}
	known := map[string]bool{}
	for _, g := range q.Groups {
		known[g.ID] = true
		addGroup(g.ID, g.Name, true)
	}
	// Lines in no group, or in a group the quote does not list.
	rest := LineGroup{}
	if len(out) > 0 {
		rest.Name = labels["other_items"]
	}
	for i, l := range q.Lines {
		if isTop(l) && !known[l.Group] {
			position++
			rows(&rest, i, 0, strconv.Itoa(position), seen)
		}
	}
	if len(rest.Rows) > 0 {
		out = append(out, rest)
	}
	var notes []string
	if hasOptional {
		notes = append(notes, labels["optional_note"])
	}
	if hasAlternative {
		notes = append(notes, labels["alternative_note"])
	}
	return out, notes
}

func lineRow(l quote.Line, labels Labels, f *formatter) Row {
	p := l.Price
	row := Row{
		LineID: l.ID, Product: l.Product, Name: l.Name, Description: l.Description,
		Quantity: f.number(l.Quantity, 6), Unit: l.Unit,
		ListUnitPrice: f.money(p.ListUnitPrice), UnitPrice: f.money(p.UnitPrice), Total: f.money(p.NetTotal),
		Optional: l.Optional, Alternative: l.Alternative, Selected: l.Selected, Recurring: p.Recurring,
		Counts: l.Counts(),
	}
	if row.Name == "" {
		row.Name = l.Product
	}
	if pct := p.DiscountPercent(); pct.IsPositive() {
		row.Discount = f.percent(pct)
	}
	for _, c := range l.Configuration {
		if notIncluded(c) {
			continue
		}
		v := c.Label
		if v == "" {
			v = c.Value
		}
		row.Options = append(row.Options, humanize(c.Var)+": "+v)
	}
	var notes []string
	if l.Optional {
		notes = append(notes, labels["optional"])
	}
	if l.Alternative != "" {
		n := fill(labels["alternative"], "name", l.Alternative)
		if l.Selected {
			n += " (" + labels["selected"] + ")"
		}
		notes = append(notes, n)
	}
	if p.Recurring {
		months := p.TermMonths
		if months == 0 {
			months = 1
		}
		notes = append(notes, fill(labels["recurring"], "n", strconv.Itoa(months)))
	}
	row.Note = strings.Join(notes, " · ")
	return row
}

// notIncluded reports a configuration value that says something is left
// out (an option not taken, a quantity of zero): the customer's document
// lists what the line includes.
func notIncluded(c quote.ConfigValue) bool {
	return c.Label == "" && (c.Value == "false" || (strings.HasPrefix(c.Var, "qty.") && c.Value == "0"))
}

// humanize turns a variable name into a caption: "cpu_speed" → "Cpu
// speed".
func humanize(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func totalRows(t quote.Totals, labels Labels, f *formatter) []TotalRow {
	var out []TotalRow
	if !t.Discount.IsZero() {
		out = append(out,
			TotalRow{Key: "list_total", Label: labels["list_total"], Amount: f.money(t.List)},
			TotalRow{Key: "discount_total", Label: labels["discount_total"], Amount: f.money(t.Discount.Neg())},
		)
	}
	out = append(out, TotalRow{Key: "net_total", Label: labels["net_total"], Amount: f.money(t.Net)})
	if !t.Tax.IsZero() {
		out = append(out, TotalRow{Key: "tax", Label: labels["tax"], Amount: f.money(t.Tax)})
	}
	out = append(out, TotalRow{Key: "grand_total", Label: labels["grand_total"], Amount: f.money(t.Grand), Strong: true})
	if !t.Recurring.IsZero() {
		out = append(out,
			TotalRow{Key: "one_time_total", Label: labels["one_time_total"], Amount: f.money(t.OneTime), Part: true},
			TotalRow{Key: "recurring_total", Label: labels["recurring_total"], Amount: f.money(t.Recurring), Part: true},
		)
	}
	return out
}
