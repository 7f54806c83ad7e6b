package crm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/quote"
)

// NeedMapping maps a custom field of the CRM to a question of the
// catalog's questionnaire, so that what the CRM knows about the customer's
// needs becomes guided-selling answers.
type NeedMapping struct {
	// Field is the name of the CRM's custom field.
	Field string
	// Question is the questionnaire's question the field answers.
	Question string
	// Values maps the CRM's values to the question's answer IDs; a value
	// not listed is taken as an answer ID as it is. A multiple-choice
	// field lists its values separated by semicolons. A number question
	// takes the value as it is ("600", "2 t"); a yes/no question also
	// takes true/false and 1/0.
	Values map[string]string
	// Required makes a CRM without the field, or with a value that maps
	// to no answer, an error rather than a question left for the
	// salesperson.
	Required bool
}

// The opportunity fields PrefillConfig.Required may name; a custom field
// is named "fields.<name>".
const (
	FieldAccount      = "account"
	FieldAccountName  = "account.name"
	FieldTaxID        = "account.tax_id"
	FieldSegment      = "account.segment"
	FieldCountry      = "account.country"
	FieldOwner        = "owner"
	FieldCurrency     = "currency"
	FieldContacts     = "contacts"
	FieldBillTo       = "bill_to"
	FieldShipTo       = "ship_to"
	FieldCloseDate    = "close_date"
	FieldNeeds        = "needs"
	FieldPaymentTerms = "payment_terms"
	customFieldPrefix = "fields."
)

var fieldPresent = map[string]func(o *Opportunity) bool{
	FieldAccount:      func(o *Opportunity) bool { return o.Account.ID != "" },
	FieldAccountName:  func(o *Opportunity) bool { return o.Account.Name != "" },
	FieldTaxID:        func(o *Opportunity) bool { return o.Account.TaxID != "" },
	FieldSegment:      func(o *Opportunity) bool { return o.Account.Segment != "" },
	FieldCountry:      func(o *Opportunity) bool { return o.Account.Country != "" },
	FieldOwner:        func(o *Opportunity) bool { return o.Owner != "" },
	FieldCurrency:     func(o *Opportunity) bool { return o.Account.Currency != "" || o.Currency != "" },
	FieldContacts:     func(o *Opportunity) bool { return len(o.Contacts) > 0 },
	FieldBillTo:       func(o *Opportunity) bool { return !addressEmpty(o.Account.BillTo) },
	FieldShipTo:       func(o *Opportunity) bool { return !addressEmpty(o.Account.ShipTo) },
	FieldCloseDate:    func(o *Opportunity) bool { return !o.CloseDate.IsZero() },
	FieldNeeds:        func(o *Opportunity) bool { return strings.TrimSpace(o.Needs) != "" },
	FieldPaymentTerms: func(o *Opportunity) bool { return o.Account.PaymentTerms != "" },
}

func addressEmpty(a quote.Address) bool {
	return len(a.Lines) == 0 && a.City == "" && a.PostalCode == "" && a.Country == ""
}

// Numbers gives quote numbers.
type Numbers interface {
	NextNumber(ctx context.Context, tenant string) (string, error)
}

// PrefillConfig configures a Prefill. Source is required, and Catalog when
// needs are mapped.
type PrefillConfig struct {
	Source Source
	// Catalog is the catalog version quotes are made in: its price books
	// are chosen from, its questionnaire answered, and it is recorded on
	// the quote. Zero chooses no price book and maps no needs.
	Catalog *catalog.Catalog
	// Questionnaire is the ID of the catalog's questionnaire the needs
	// answer.
	Questionnaire string
	// Needs map CRM fields to its questions.
	Needs []NeedMapping
	// Required names the opportunity fields a quote cannot be made
	// without (the Field constants, or "fields.<name>"); zero means
	// account, account.name, owner and currency.
	Required []string
	// ValidDays is how many days a new quote is valid; zero means 30.
	ValidDays int
	// ValidUntil, when set, decides the validity instead of ValidDays, from
	// the opportunity and the day the quote is made (for example, not
	// past the close date).
	ValidUntil func(o *Opportunity, today time.Time) time.Time
	// IDs gives quote IDs; zero means RandomIDs.
	IDs IDs
	// Numbers gives quote numbers; zero means "Q-" and the first eight
	// characters of the ID, upper-cased.
	Numbers Numbers
	// Clock tells the day; zero means the system clock.
	Clock Clock
}

// DefaultValidDays is how long a new quote is valid unless configured.
const DefaultValidDays = 30

var defaultRequired = []string{FieldAccount, FieldAccountName, FieldOwner, FieldCurrency}

// Prefill makes quotes from opportunities, so that nothing the CRM knows is
// typed again. It is safe for concurrent use.
type Prefill struct {
	cfg      PrefillConfig
	required []string
	qn       *catalog.Questionnaire
	question map[string]*catalog.Question
}

// NewPrefill checks the configuration: every required field must be known,
// and every mapping must name a question of the questionnaire and answers
// it has (ErrMapping otherwise).
func NewPrefill(cfg PrefillConfig) (*Prefill, error) {
	if cfg.Source == nil {
		return nil, errors.New("new prefill: a source is required")
	}
	p := &Prefill{cfg: cfg, required: cfg.Required, question: map[string]*catalog.Question{}}
	if len(p.required) == 0 {
		p.required = defaultRequired
	}
	for _, f := range p.required {
		if _, ok := fieldPresent[f]; !ok && !(strings.HasPrefix(f, customFieldPrefix) && len(f) > len(customFieldPrefix)) {
			return nil, fmt.Errorf("new prefill: required field %q is not an opportunity field: %w", f, ErrMapping)
		}
	}
	if p.cfg.IDs == nil {
		p.cfg.IDs = RandomIDs{}
	}
	if p.cfg.Clock == nil {
		p.cfg.Clock = systemClock{}
	}
	if len(cfg.Needs) == 0 {
		return p, nil
	}
	if cfg.Catalog == nil || cfg.Questionnaire == "" {
		return nil, fmt.Errorf("new prefill: mapping needs takes a catalog and a questionnaire: %w", ErrMapping)
	}
	qn, err := cfg.Catalog.Questionnaire(cfg.Questionnaire)
	if err != nil {
		return nil, fmt.Errorf("new prefill: %w: %w", ErrMapping, err)
	}
	p.qn = qn
	for _, st := range qn.Steps {
		for _, q := range st.Questions {
			p.question[q.ID] = q
		}
	}
	for _, m := range cfg.Needs {
		q, ok := p.question[m.Question]
		if !ok {
			return nil, fmt.Errorf("new prefill: field %s maps to question %q, which questionnaire %s does not ask: %w", m.Field, m.Question, qn.ID, ErrMapping)
		}
		if m.Field == "" {
			return nil, fmt.Errorf("new prefill: question %s is mapped from no field: %w", m.Question, ErrMapping)
		}
		for from, to := range m.Values {
			if (q.Type == "single" || q.Type == "multiple") && !hasOption(q, to) {
				return nil, fmt.Errorf("new prefill: field %s value %q maps to %q, not an answer of question %s: %w", m.Field, from, to, q.ID, ErrMapping)
			}
		}
	}
	return p, nil
}

func hasOption(q *catalog.Question, id string) bool {
	return slices.ContainsFunc(q.Options, func(o *catalog.AnswerOption) bool { return o.ID == id })
}

// Prefilled is a quote made from an opportunity, not yet stored.
type Prefilled struct {
	// Quote is a first-revision draft with the header filled in and no
	// lines. Store it with Recorder.Create.
	Quote       *quote.Quote
	Opportunity *Opportunity
	// Answers are the questionnaire's answers the CRM's fields gave, in
	// mapping order.
	Answers []MappedAnswer
	// Unmapped lists the optional fields that were missing or whose value
	// maps to no answer: questions left for the salesperson.
	Unmapped []string
	// Primary is set when the opportunity has no primary quote yet: make
	// this one primary (Recorder.MakePrimary) when storing it.
	Primary bool
}

// MappedAnswer is an answer taken from a CRM field.
type MappedAnswer struct {
	Field    string   `json:"field"`
	Question string   `json:"question"`
	Values   []string `json:"values"`
}

// Quote makes a quote from the opportunity: the header copied from it and
// its account, valid as the policy says, in the account's currency (else
// the opportunity's, else the catalog's), with the price book the account
// is assigned, else the catalog's book for the account's segment in that
// currency, else its standard book in that currency; and the needs mapped
// to questionnaire answers. A required field the CRM lacks is an error
// wrapping ErrMissingField that names every one missing.
func (p *Prefill) Quote(ctx context.Context, tenant, opportunityID string) (*Prefilled, error) {
	o, err := p.cfg.Source.Opportunity(ctx, tenant, opportunityID)
	if err != nil {
		return nil, fmt.Errorf("prefill from opportunity %s: %w", opportunityID, err)
	}
	var missing []string
	for _, f := range p.required {
		if name, ok := strings.CutPrefix(f, customFieldPrefix); ok {
			if strings.TrimSpace(o.Fields[name]) == "" {
				missing = append(missing, f)
			}
			continue
		}
		if !fieldPresent[f](o) {
			missing = append(missing, f)
		}
	}
	out := &Prefilled{Opportunity: o, Primary: o.PrimaryQuote == ""}
	var badValues []string
	for _, m := range p.cfg.Needs {
		raw := strings.TrimSpace(o.Fields[m.Field])
		if raw == "" {
			if m.Required {
				missing = append(missing, customFieldPrefix+m.Field)
			} else {
				out.Unmapped = append(out.Unmapped, fmt.Sprintf("field %s is empty; question %s is left to ask", m.Field, m.Question))
			}
			continue
		}
		values, err := p.answer(m, raw)
		if err != nil {
			if m.Required {
				badValues = append(badValues, err.Error())
			} else {
				out.Unmapped = append(out.Unmapped, err.Error()+"; question "+m.Question+" is left to ask")
			}
			continue
		}
		out.Answers = append(out.Answers, MappedAnswer{Field: m.Field, Question: m.Question, Values: values})
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("prefill from opportunity %s: the CRM has no %s: %w", o.ID, strings.Join(missing, ", "), ErrMissingField)
	}
	if len(badValues) > 0 {
		return nil, fmt.Errorf("prefill from opportunity %s: %s: %w", o.ID, strings.Join(badValues, "; "), ErrMapping)
	}
	q, err := p.header(ctx, tenant, o)
	if err != nil {
		return nil, err
	}
	out.Quote = q
	return out, nil
}

// answer maps a CRM value to the answer of the mapped question.
func (p *Prefill) answer(m NeedMapping, raw string) ([]string, error) {
	q := p.question[m.Question]
	mapOne := func(v string) (string, error) {
		v = strings.TrimSpace(v)
		if to, ok := m.Values[v]; ok {
			return to, nil
		}
		switch q.Type {
		case "single", "multiple":
			if hasOption(q, v) {
				return v, nil
			}
		case "yes_no":
			switch strings.ToLower(v) {
			case "yes", "true", "1":
				return "yes", nil
			case "no", "false", "0":
				return "no", nil
			}
		default:
			return v, nil
		}
		return "", fmt.Errorf("field %s value %q maps to no answer of question %s", m.Field, v, q.ID)
	}
	parts := []string{raw}
	if q.Type == "multiple" {
		parts = strings.Split(raw, ";")
	}
	var out []string
	for _, v := range parts {
		if strings.TrimSpace(v) == "" {
			continue
		}
		a, err := mapOne(v)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// header makes the draft quote of an opportunity.
func (p *Prefill) header(ctx context.Context, tenant string, o *Opportunity) (*quote.Quote, error) {
	now := p.cfg.Clock.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	id := p.cfg.IDs.NewID()
	compact := strings.ToUpper(strings.ReplaceAll(id, "-", ""))
	number := "Q-" + compact[:min(8, len(compact))]
	if p.cfg.Numbers != nil {
		n, err := p.cfg.Numbers.NextNumber(ctx, tenant)
		if err != nil {
			return nil, fmt.Errorf("prefill from opportunity %s: quote number: %w", o.ID, err)
		}
		number = n
	}
	a := o.Account
	currency := a.Currency
	if currency == "" {
		currency = o.Currency
	}
	if currency == "" && p.cfg.Catalog != nil {
		currency = p.cfg.Catalog.Currency
	}
	var validUntil time.Time
	switch {
	case p.cfg.ValidUntil != nil:
		validUntil = p.cfg.ValidUntil(o, today)
	case p.cfg.ValidDays > 0:
		validUntil = today.AddDate(0, 0, p.cfg.ValidDays)
	default:
		validUntil = today.AddDate(0, 0, DefaultValidDays)
	}
	q := &quote.Quote{
		ID: id, Tenant: tenant, Number: number, Revision: 1, Status: quote.StatusDraft,
		Header: quote.Header{
			Title:         o.Name,
			Account:       quote.Party{ID: a.ID, Name: a.Name, Segment: a.Segment, Region: a.Region, Country: a.Country, TaxID: a.TaxID},
			Contacts:      slices.Clone(o.Contacts),
			BillTo:        a.BillTo,
			ShipTo:        a.ShipTo,
			Opportunity:   o.ID,
			Owner:         o.Owner,
			Currency:      currency,
			ValidUntil:    validUntil,
			PaymentTerms:  a.PaymentTerms,
			PaymentDays:   a.PaymentDays,
			Language:      a.Language,
			CustomerNeeds: o.Needs,
		},
		Lines:     []quote.Line{},
		CreatedAt: now,
		UpdatedAt: now,
		History: []quote.Transition{{
			To: quote.StatusDraft, Actor: o.Owner, At: now, Revision: 1,
			Reason: "made from opportunity " + o.ID,
		}},
	}
	if c := p.cfg.Catalog; c != nil {
		q.CatalogID, q.CatalogVersion = c.ID, c.Version
		book, err := choosePriceBook(c, a, currency, today)
		if err != nil {
			return nil, fmt.Errorf("prefill from opportunity %s: %w", o.ID, err)
		}
		q.Header.PriceBook = book
	}
	return q, nil
}

// choosePriceBook chooses the account's price book: the one the CRM assigns
// it, else the book of its segment in the currency, else the standard book
// in the currency, else none (pricing then converts from the catalog
// currency).
func choosePriceBook(c *catalog.Catalog, a Account, currency string, day time.Time) (string, error) {
	inForce := func(b *catalog.PriceBook) bool {
		return (b.EffectiveFrom == nil || !day.Before(*b.EffectiveFrom)) && (b.EffectiveTo == nil || !day.After(*b.EffectiveTo))
	}
	if a.PriceBook != "" {
		b, err := c.PriceBook(a.PriceBook)
		if err != nil {
			return "", fmt.Errorf("account %s is assigned price book %q: %w: %w", a.ID, a.PriceBook, ErrMapping, err)
		}
		if b.Currency != currency {
			return "", fmt.Errorf("account %s is assigned price book %s in %s, but buys in %s: %w", a.ID, b.ID, b.Currency, currency, ErrMapping)
		}
		return b.ID, nil
	}
	if a.Segment != "" {
		for _, b := range c.PriceBooks {
			if b.Currency == currency && b.Segment == a.Segment && inForce(b) {
				return b.ID, nil
			}
		}
	}
	for _, b := range c.PriceBooks {
		if b.Currency == currency && b.Standard && inForce(b) {
			return b.ID, nil
		}
	}
	return "", nil
}

// Facts are the guided-selling facts of a prefilled quote: the customer
// and the quote currency, as catalog.GuideFacts names them.
func (p *Prefilled) Facts() map[string]any {
	h := p.Quote.Header
	return map[string]any{
		"customer.id": h.Account.ID, "customer.segment": h.Account.Segment,
		"customer.region": h.Account.Region, "customer.country": h.Account.Country,
		"quote.currency": h.Currency,
	}
}

// Guide starts a guided-selling session on the questionnaire with the
// answers the CRM gave already applied. An answer the questionnaire
// refuses (it conflicts with another) is an error naming its field.
func (p *Prefilled) Guide(g *guide.Guide, questionnaire string) (*guide.Session, error) {
	s, err := g.NewSession(guide.Options{Questionnaire: questionnaire, Facts: p.Facts()})
	if err != nil {
		return nil, fmt.Errorf("guide quote %s: %w", p.Quote.Number, err)
	}
	for _, a := range p.Answers {
		if err := s.Answer(a.Question, a.Values...); err != nil {
			return nil, fmt.Errorf("guide quote %s: field %s answers %s: %w", p.Quote.Number, a.Field, a.Question, err)
		}
	}
	return s, nil
}
