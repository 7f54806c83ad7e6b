package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/quote"
)

func serverCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	return c
}

// opportunity is a deal for a database server, as a CRM would hold it.
func opportunity() crm.Opportunity {
	return crm.Opportunity{
		ID:   "opp-7",
		Name: "Plant 2 database server",
		Account: crm.Account{
			ID: "acc-1", Name: "Nordwerk AG", Segment: "partner", Region: "EMEA", Country: "DE", TaxID: "DE811",
			Currency: "USD", PaymentTerms: "net 45", PaymentDays: 45, Language: "en",
			BillTo: quote.Address{Lines: []string{"Werkstraße 5"}, City: "Kassel", PostalCode: "34117", Country: "DE"},
			ShipTo: quote.Address{Lines: []string{"Halle 2"}, City: "Kassel", Country: "DE"},
		},
		Contacts:  []crm.Contact{{Name: "Jana Roth", Email: "jana@example.com", Role: "buyer"}},
		Stage:     "proposal",
		Owner:     "alice",
		CloseDate: time.Date(2030, time.March, 20, 0, 0, 0, 0, time.UTC),
		Needs:     "Replace the plant's database server; 600 users.",
		Fields: map[string]string{
			"workload__c": "Database", "users__c": "600", "budget__c": "Standard", "redundant_power__c": "false",
		},
	}
}

var serverNeeds = []crm.NeedMapping{
	{Field: "workload__c", Question: "workload", Required: true,
		Values: map[string]string{"Database": "database", "Virtualisation": "virtualisation", "AI": "ai_inference", "Files": "file_server"}},
	{Field: "users__c", Question: "users"},
	{Field: "budget__c", Question: "budget", Values: map[string]string{"Entry": "entry", "Standard": "standard", "Premium": "premium"}},
	{Field: "redundant_power__c", Question: "redundancy"},
}

// today is the day the tests' prefill runs.
var today = crm.ClockFunc(func() time.Time { return time.Date(2030, time.March, 4, 15, 30, 0, 0, time.UTC) })

func newPrefill(t testing.TB, src crm.Source, change func(*crm.PrefillConfig)) *crm.Prefill {
	t.Helper()
	cfg := crm.PrefillConfig{
		Source: src, Catalog: serverCatalog(t), Questionnaire: "server_sizing", Needs: serverNeeds,
		IDs: &counterIDs{}, Clock: today,
	}
	if change != nil {
		change(&cfg)
	}
	p, err := crm.NewPrefill(cfg)
	require.NoError(t, err)
	return p
}

func TestPrefillCopiesWhatTheCRMKnows(t *testing.T) {
	fake := crmfake.NewCRM()
	o := opportunity()
	fake.Put(tenant, o)
	pf, err := newPrefill(t, fake, nil).Quote(context.Background(), tenant, "opp-7")
	require.NoError(t, err)
	q := pf.Quote
	h := q.Header
	assert.Equal(t, "e-1", q.ID)
	assert.Equal(t, "Q-E1", q.Number, "numbered from the ID unless a numbering is given")
	assert.Equal(t, tenant, q.Tenant)
	assert.Equal(t, quote.StatusDraft, q.Status)
	assert.Equal(t, 1, q.Revision)
	assert.Equal(t, "Plant 2 database server", h.Title)
	assert.Equal(t, quote.Party{ID: "acc-1", Name: "Nordwerk AG", Segment: "partner", Region: "EMEA", Country: "DE", TaxID: "DE811"}, h.Account)
	assert.Equal(t, o.Contacts, h.Contacts)
	assert.Equal(t, o.Account.BillTo, h.BillTo)
	assert.Equal(t, o.Account.ShipTo, h.ShipTo)
	assert.Equal(t, "opp-7", h.Opportunity)
	assert.Equal(t, "alice", h.Owner)
	assert.Equal(t, "USD", h.Currency)
	assert.Equal(t, "usd_partner", h.PriceBook, "the partner account gets the partner book")
	assert.Equal(t, "2030-04-03", h.ValidUntil.Format(time.DateOnly), "30 days from today")
	assert.Equal(t, "net 45", h.PaymentTerms)
	assert.Equal(t, 45, h.PaymentDays)
	assert.Equal(t, "en", h.Language)
	assert.Equal(t, o.Needs, h.CustomerNeeds)
	assert.Equal(t, "servers", q.CatalogID)
	assert.Equal(t, "2026.2", q.CatalogVersion)
	assert.True(t, pf.Primary, "the opportunity has no primary quote yet")
	require.NoError(t, q.Validate())

	assert.Equal(t, []crm.MappedAnswer{
		{Field: "workload__c", Question: "workload", Values: []string{"database"}},
		{Field: "users__c", Question: "users", Values: []string{"600"}},
		{Field: "budget__c", Question: "budget", Values: []string{"standard"}},
		{Field: "redundant_power__c", Question: "redundancy", Values: []string{"no"}},
	}, pf.Answers)
	assert.Empty(t, pf.Unmapped)
}

func TestPrefilledAnswersStartTheGuidedSession(t *testing.T) {
	fake := crmfake.NewCRM()
	fake.Put(tenant, opportunity())
	pf, err := newPrefill(t, fake, nil).Quote(context.Background(), tenant, "opp-7")
	require.NoError(t, err)
	g, err := guide.New(serverCatalog(t))
	require.NoError(t, err)
	s, err := pf.Guide(g, "server_sizing")
	require.NoError(t, err)

	var answered []string
	for _, a := range s.Answers() {
		answered = append(answered, a.Question+"="+a.String())
	}
	assert.Equal(t, []string{"workload=database", "users=600", "budget=standard", "redundancy=no"}, answered)
	next, err := s.Next()
	require.NoError(t, err)
	assert.Nil(t, next, "nothing is left to ask the salesperson")
	r, err := s.Recommendations()
	require.NoError(t, err)
	require.NotEmpty(t, r.Packages)
	assert.Equal(t, "best", r.Packages[0].ID, "600 database users need the performance package")
}

func TestPrefillChoosesThePriceBookFromTheAccount(t *testing.T) {
	tests := []struct {
		name     string
		account  func(a *crm.Account)
		want     string
		currency string
		wantErr  error
	}{
		{"segment book", func(a *crm.Account) {}, "usd_partner", "USD", nil},
		{"standard book without a segment book", func(a *crm.Account) { a.Segment = "enterprise" }, "usd_list", "USD", nil},
		{"the book the CRM assigns", func(a *crm.Account) { a.PriceBook = "usd_list" }, "usd_list", "USD", nil},
		{"no book in the currency", func(a *crm.Account) { a.Currency = "EUR" }, "", "EUR", nil},
		{"catalog currency when the CRM has none", func(a *crm.Account) { a.Currency = "" }, "usd_partner", "USD", nil},
		{"assigned book unknown", func(a *crm.Account) { a.PriceBook = "eur_list" }, "", "", crm.ErrMapping},
		{"assigned book in another currency", func(a *crm.Account) { a.PriceBook = "usd_list"; a.Currency = "EUR" }, "", "", crm.ErrMapping},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := crmfake.NewCRM()
			o := opportunity()
			tc.account(&o.Account)
			fake.Put(tenant, o)
			pf, err := newPrefill(t, fake, func(c *crm.PrefillConfig) {
				c.Required = []string{crm.FieldAccount, crm.FieldOwner}
			}).Quote(context.Background(), tenant, o.ID)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, pf.Quote.Header.PriceBook)
			assert.Equal(t, tc.currency, pf.Quote.Header.Currency)
		})
	}
}

func TestPrefillValidityPolicy(t *testing.T) {
	fake := crmfake.NewCRM()
	fake.Put(tenant, opportunity()) // closes on 2030-03-20
	tests := []struct {
		name   string
		policy func(c *crm.PrefillConfig)
		want   string
	}{
		{"default 30 days", func(c *crm.PrefillConfig) {}, "2030-04-03"},
		{"14 days", func(c *crm.PrefillConfig) { c.ValidDays = 14 }, "2030-03-18"},
		{"not past the close date", func(c *crm.PrefillConfig) {
			c.ValidUntil = func(o *crm.Opportunity, today time.Time) time.Time {
				if until := today.AddDate(0, 0, 30); until.Before(o.CloseDate) {
					return until
				}
				return o.CloseDate
			}
		}, "2030-03-20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pf, err := newPrefill(t, fake, tc.policy).Quote(context.Background(), tenant, "opp-7")
			require.NoError(t, err)
			assert.Equal(t, tc.want, pf.Quote.Header.ValidUntil.Format(time.DateOnly))
		})
	}
}

func TestPrefillNamesEveryRequiredFieldTheCRMLacks(t *testing.T) {
	fake := crmfake.NewCRM()
	o := opportunity()
	o.Owner, o.Account.Name = "", ""
	delete(o.Fields, "workload__c")
	fake.Put(tenant, o)
	p := newPrefill(t, fake, func(c *crm.PrefillConfig) {
		c.Required = []string{crm.FieldAccount, crm.FieldAccountName, crm.FieldOwner, crm.FieldBillTo, "fields.po_number__c"}
	})
	_, err := p.Quote(context.Background(), tenant, "opp-7")
	require.ErrorIs(t, err, crm.ErrMissingField)
	assert.EqualError(t, err, "prefill from opportunity opp-7: the CRM has no account.name, owner, fields.po_number__c, fields.workload__c: required field missing in the CRM")
}

func TestPrefillLeavesUnmappableOptionalNeedsToTheSalesperson(t *testing.T) {
	fake := crmfake.NewCRM()
	o := opportunity()
	o.Fields["budget__c"] = "Whatever it takes"
	delete(o.Fields, "users__c")
	fake.Put(tenant, o)
	pf, err := newPrefill(t, fake, nil).Quote(context.Background(), tenant, "opp-7")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"field users__c is empty; question users is left to ask",
		`field budget__c value "Whatever it takes" maps to no answer of question budget; question budget is left to ask`,
	}, pf.Unmapped)
	assert.Len(t, pf.Answers, 2)

	o.Fields["workload__c"] = "Mainframe" // required
	fake.Put(tenant, o)
	_, err = newPrefill(t, fake, nil).Quote(context.Background(), tenant, "opp-7")
	require.ErrorIs(t, err, crm.ErrMapping)
	assert.Contains(t, err.Error(), `field workload__c value "Mainframe" maps to no answer of question workload`)
}

func TestPrefillUnknownOpportunity(t *testing.T) {
	_, err := newPrefill(t, crmfake.NewCRM(), nil).Quote(context.Background(), tenant, "opp-404")
	require.ErrorIs(t, err, crm.ErrNotFound)
}

func TestNewPrefillChecksTheMappingAgainstTheCatalog(t *testing.T) {
	tests := []struct {
		name  string
		cfg   func(c *crm.PrefillConfig)
		error string
	}{
		{"unknown question", func(c *crm.PrefillConfig) {
			c.Needs = []crm.NeedMapping{{Field: "racks__c", Question: "racks"}}
		}, "field racks__c maps to question \"racks\", which questionnaire server_sizing does not ask"},
		{"unknown answer", func(c *crm.PrefillConfig) {
			c.Needs = []crm.NeedMapping{{Field: "workload__c", Question: "workload", Values: map[string]string{"HPC": "hpc"}}}
		}, "field workload__c value \"HPC\" maps to \"hpc\", not an answer of question workload"},
		{"unknown questionnaire", func(c *crm.PrefillConfig) { c.Questionnaire = "plc_sizing" }, "plc_sizing"},
		{"unknown required field", func(c *crm.PrefillConfig) { c.Required = []string{"acount"} }, "required field \"acount\" is not an opportunity field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := crm.PrefillConfig{Source: crmfake.NewCRM(), Catalog: serverCatalog(t), Questionnaire: "server_sizing", Needs: serverNeeds}
			tc.cfg(&cfg)
			_, err := crm.NewPrefill(cfg)
			require.ErrorIs(t, err, crm.ErrMapping)
			assert.Contains(t, err.Error(), tc.error)
		})
	}
}
