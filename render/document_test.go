package render_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

func TestDocumentEnglish(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	r := newRenderer(t, render.Config{Letterhead: letterhead(), Approvals: approvedBy(approvalTime, "Dana Fischer", "Li Wei")})
	d, err := r.Document(context.Background(), q, render.Options{})
	require.NoError(t, err)

	assert.False(t, d.Draft)
	assert.Equal(t, "en", d.Language)
	assert.Equal(t, "Quote – Office fit-out, Floor 1", d.Title)
	assert.Equal(t, []render.Field{
		{Key: "quote_number", Label: "Quote number", Value: "Q-2026-0042"},
		{Key: "revision", Label: "Revision", Value: "2"},
		{Key: "date", Label: "Date", Value: "2 March 2026"},
		{Key: "valid_until", Label: "Valid until", Value: "1 April 2026"},
		{Key: "payment_terms", Label: "Payment terms", Value: "30 days net"},
		{Key: "delivery_terms", Label: "Delivery terms", Value: "DAP London, 4 weeks after order"},
	}, d.Meta)
	assert.Equal(t, "Northwind Traders Ltd", d.Customer.Name)
	assert.Equal(t, []string{"12 Harbour Street", "EC1A 1BB London", "United Kingdom", "Tax ID: GB 123 4567 89"}, d.Customer.Lines)
	assert.Equal(t, "Contact: Maria Anders (Facilities manager)", d.Customer.Contact[0])

	// The approval stamp: approvers, date, and the seal's first 12 hex
	// digits.
	require.NotNil(t, d.Approval)
	assert.Equal(t, "by Dana Fischer, Li Wei on 2 March 2026", d.Approval.Text)
	assert.Equal(t, q.Seal[len("sha256:"):len("sha256:")+12], d.Approval.SealShort)
	assert.Equal(t, q.Seal, d.Seal)
	assert.Empty(t, d.Watermark)

	var kinds []string
	for _, s := range d.Sections {
		kinds = append(kinds, s.Kind)
	}
	assert.Equal(t, []string{"letterhead", "title", "customer", "introduction", "lines", "totals", "terms", "signature"}, kinds)

	// Groups in the quote's order; the drawer unit is an option line of
	// the desk (1.1); the lamp is optional and left out of the totals.
	require.Len(t, d.Groups, 2)
	floor, services := d.Groups[0], d.Groups[1]
	assert.Equal(t, "Floor 1", floor.Name)
	var positions []string
	for _, g := range d.Groups {
		for _, r := range g.Rows {
			positions = append(positions, r.Position+" "+r.Name)
		}
	}
	assert.Equal(t, []string{"1 Standing desk", "1.1 Drawer unit", "2 Ergonomic chair", "3 Desk lamp", "4 Installation", "5 Care plan"}, positions)
	desk := floor.Rows[0]
	assert.Equal(t, "4", desk.Quantity)
	assert.Equal(t, "€725.00", desk.ListUnitPrice)
	assert.Equal(t, "€652.50", desk.UnitPrice)
	assert.Equal(t, "10%", desk.Discount) // (2900 − 2610) / 2900
	assert.Equal(t, "€2,610.00", desk.Total)
	assert.Equal(t, []string{"Finish: Brushed steel", "Top: Oak veneer"}, desk.Options)
	assert.Equal(t, 1, floor.Rows[1].Level)
	lamp := floor.Rows[3]
	assert.False(t, lamp.Counts)
	assert.Equal(t, "Optional", lamp.Note)
	assert.Equal(t, "Recurring, 12 months", services.Rows[1].Note)
	assert.Equal(t, &render.Field{Key: "group_subtotal", Label: "Subtotal Floor 1", Value: "€4,494.00"}, floor.Subtotal) // 2610 + 480 + 1404
	assert.Equal(t, "€650.00", services.Subtotal.Value)                                                                  // 350 + 300
	assert.Equal(t, []string{"Optional items are not included in the totals."}, d.Notes)

	assert.Equal(t, []render.TotalRow{
		{Key: "list_total", Label: "List price total", Amount: "€5,590.00"},
		{Key: "discount_total", Label: "Discounts", Amount: "-€446.00"},
		{Key: "net_total", Label: "Net total", Amount: "€5,144.00"},
		{Key: "tax", Label: "Tax", Amount: "€977.36"},
		{Key: "grand_total", Label: "Grand total", Amount: "€6,121.36", Strong: true},
		{Key: "one_time_total", Label: "One-time charges", Amount: "€4,844.00", Part: true},
		{Key: "recurring_total", Label: "Recurring charges over the term", Amount: "€300.00", Part: true},
	}, d.Totals)
	assert.Equal(t, "Acme Office Systems GmbH · Quote Q-2026-0042 Revision 2 · Seal "+d.SealShort, d.Footer)
}

func TestDocumentChinese(t *testing.T) {
	q := loadQuote(t, "quote-zh.json")
	r := newRenderer(t, render.Config{Letterhead: letterhead(), Approvals: approvedBy(approvalTime, "赵敏")})
	d, err := r.Document(context.Background(), q, render.Options{})
	require.NoError(t, err)
	assert.Equal(t, "zh-CN", d.Language, "the quote's language")
	assert.Equal(t, "报价单 – 数据中心机柜扩容", d.Title)
	meta := map[string]string{}
	for _, f := range d.Meta {
		meta[f.Label] = f.Value
	}
	assert.Equal(t, map[string]string{
		"报价单号": "Q-2026-0043", "版本": "1", "日期": "2026年3月2日", "有效期至": "2026年4月1日",
		"付款条件": "合同签订后 30 天内付款", "交货条件": "上海交货，含运费", "服务期限": "12 个月",
	}, meta)
	var cols []string
	for _, c := range d.Columns {
		cols = append(cols, c.Label)
	}
	assert.Equal(t, []string{"序号", "品名及说明", "数量", "单位", "单价", "折扣", "金额"}, cols)
	rack := d.Groups[0].Rows[0]
	assert.Equal(t, "¥11,520.00", rack.UnitPrice)
	assert.Equal(t, "10%", rack.Discount)
	assert.Equal(t, "¥23,040.00", rack.Total)
	assert.Equal(t, "周期性费用，12 个月", d.Groups[0].Rows[2].Note)
	totals := map[string]string{}
	for _, t := range d.Totals {
		totals[t.Label] = t.Amount
	}
	assert.Equal(t, map[string]string{
		"目录价合计": "¥34,600.00", "折扣": "-¥2,560.00", "净额": "¥32,040.00", "税额": "¥4,165.20",
		"合计": "¥36,205.20", "一次性费用": "¥26,040.00", "服务期内周期性费用": "¥6,000.00",
	}, totals)
	assert.Equal(t, "批准人 赵敏，2026年3月2日", d.Approval.Text)
}

func TestDocumentLocale(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	r := newRenderer(t, render.Config{})
	// English labels, German number and money formatting.
	d, err := r.Document(context.Background(), q, render.Options{Language: "en", Locale: "de-DE"})
	require.NoError(t, err)
	assert.Equal(t, "2.610,00\u00a0€", d.Groups[0].Rows[0].Total)
	assert.Equal(t, "6.121,36\u00a0€", d.Totals[4].Amount)

	_, err = r.Document(context.Background(), q, render.Options{Locale: "not a locale"})
	assert.Error(t, err)
}

func TestDraftUnlessApprovedForTheCurrentSeal(t *testing.T) {
	gate := func(a render.Approval, err error) render.ApprovalState {
		return render.ApprovalFunc(func(context.Context, *quote.Quote) (render.Approval, error) { return a, err })
	}
	for _, tc := range []struct {
		name   string
		gate   render.ApprovalState
		change func(q *quote.Quote)
		reason string
	}{
		{name: "no gate", reason: "no approval gate is configured"},
		{name: "not approved", gate: gate(render.Approval{Approved: false}, nil), reason: "the quote revision is not approved"},
		{name: "approved for other content", gate: gate(render.Approval{Approved: true, Seal: "sha256:0123456789abcdef"}, nil),
			reason: "the approval was granted for other content (seal 0123456789ab)"},
		{name: "changed after sealing", gate: approvedBy(approvalTime, "Dana Fischer"),
			change: func(q *quote.Quote) { q.Lines[0].Quantity = decimal.NewFromInt(5) },
			reason: "the quote content changed after it was sealed"},
		{name: "never sealed", gate: approvedBy(approvalTime, "Dana Fischer"),
			change: func(q *quote.Quote) { q.Seal = "" }, reason: "the quote revision has no seal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := loadQuote(t, "quote-en.json")
			if tc.change != nil {
				tc.change(q)
			}
			r := newRenderer(t, render.Config{Approvals: tc.gate})
			d, err := r.Document(context.Background(), q, render.Options{})
			require.NoError(t, err)
			assert.True(t, d.Draft)
			assert.Equal(t, tc.reason, d.DraftReason)
			assert.Nil(t, d.Approval)
			assert.Equal(t, "DRAFT", d.Watermark)
			assert.Contains(t, d.Footer, "Draft: not valid as an offer.")
			assert.Equal(t, q.ComputeSeal(), d.Seal, "a draft carries the seal of what it shows")

			_, err = r.Document(context.Background(), q, render.Options{Final: true})
			assert.ErrorIs(t, err, render.ErrNotApproved)
			assert.ErrorContains(t, err, tc.reason)
		})
	}

	t.Run("gate fails", func(t *testing.T) {
		down := errors.New("approval store unavailable")
		r := newRenderer(t, render.Config{Approvals: gate(render.Approval{}, down)})
		_, err := r.Document(context.Background(), loadQuote(t, "quote-en.json"), render.Options{})
		assert.ErrorIs(t, err, down, "no document when the approval state cannot be read")
	})
}

func TestTemplate(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	tmpl := render.Template{
		Sections: []render.TemplateSection{
			{Kind: render.SectionTitle},
			{Kind: render.SectionText, Title: "Volume pricing", Text: "Your volume discount is applied.", When: "quote.discount_percent >= 5"},
			{Kind: render.SectionText, Title: "China", Text: "Local delivery.", When: `customer.country == "CN"`},
			{Kind: render.SectionLines},
			{Kind: render.SectionTotals, When: "!quote.has_recurring"},
		},
		Columns: []string{render.ColProduct, render.ColItem, render.ColQuantity, render.ColListPrice, render.ColTotal},
	}
	r := newRenderer(t, render.Config{Template: tmpl})
	d, err := r.Document(context.Background(), q, render.Options{})
	require.NoError(t, err)
	// 446 / 5590 = 7.98 % of discount; the customer is in GB; the quote
	// has a recurring line.
	require.Len(t, d.Sections, 3)
	assert.Equal(t, render.Section{Kind: "text", Title: "Volume pricing", Text: "Your volume discount is applied."}, d.Sections[1])
	assert.Equal(t, "lines", d.Sections[2].Kind)
	var cols []string
	for _, c := range d.Columns {
		cols = append(cols, c.Label+"/"+c.Align)
	}
	assert.Equal(t, []string{"Product/left", "Description/left", "Qty/right", "List price/right", "Total/right"}, cols)
	assert.Equal(t, "DESK", d.Groups[0].Rows[0].Cell(render.ColProduct))
	assert.Equal(t, "€725.00", d.Groups[0].Rows[0].Cell(render.ColListPrice))
}

func TestTemplateErrors(t *testing.T) {
	for name, tmpl := range map[string]render.Template{
		"unknown kind":      {Sections: []render.TemplateSection{{Kind: "cover"}}},
		"text without text": {Sections: []render.TemplateSection{{Kind: render.SectionText, Title: "Empty"}}},
		"unknown variable":  {Sections: []render.TemplateSection{{Kind: render.SectionTotals, When: "quote.nett > 100"}}},
		"not a condition":   {Sections: []render.TemplateSection{{Kind: render.SectionTotals, When: "quote.net + 1"}}},
		"unknown column":    {Columns: []string{render.ColItem, "weight"}},
		"column twice":      {Columns: []string{render.ColItem, render.ColTotal, render.ColTotal}},
		"no item column":    {Columns: []string{render.ColQuantity, render.ColTotal}},
	} {
		_, err := render.New(render.Config{Template: tmpl})
		assert.ErrorIs(t, err, render.ErrInvalidConfig, name)
	}
	_, err := render.New(render.Config{Template: render.Template{Sections: []render.TemplateSection{{Kind: render.SectionTotals, When: "quote.nett > 100"}}}})
	var ferr *formula.Error
	require.ErrorAs(t, err, &ferr, "the formula's own error, with its position")
	assert.Equal(t, 1, ferr.Line)
}

func TestLabels(t *testing.T) {
	q := loadQuote(t, "quote-en.json")
	r := newRenderer(t, render.Config{Labels: map[string]render.Labels{"en": {"title": "Offer", "grand_total": "Total due"}}})
	d, err := r.Document(context.Background(), q, render.Options{})
	require.NoError(t, err)
	assert.Equal(t, "Offer – Office fit-out, Floor 1", d.Title)
	assert.Equal(t, "Total due", d.Totals[4].Label)
	assert.Equal(t, "Net total", d.Totals[2].Label, "other labels stay")

	_, err = render.New(render.Config{Labels: map[string]render.Labels{"en": {"titel": "Offer"}}})
	assert.ErrorIs(t, err, render.ErrInvalidConfig, "a misspelt key is refused")
	assert.ErrorContains(t, err, "titel")

	for lang, want := range map[string]string{"zh-Hans": "zh-CN", "zh": "zh-CN", "zh_CN": "zh-CN", "en-GB": "en", "EN": "en"} {
		d, err := r.Document(context.Background(), q, render.Options{Language: lang})
		require.NoError(t, err, lang)
		assert.Equal(t, want, d.Language, lang)
	}
	for _, lang := range []string{"fr", "zh-TW", "zh-Hant"} {
		_, err := r.Document(context.Background(), q, render.Options{Language: lang})
		assert.ErrorIs(t, err, render.ErrUnknownLanguage, lang)
	}

	// A new language needs every key.
	de, _ := render.BuiltinLabels("en")
	de["title"] = "Angebot"
	r = newRenderer(t, render.Config{Labels: map[string]render.Labels{"de": de}})
	d, err = r.Document(context.Background(), q, render.Options{Language: "de"})
	require.NoError(t, err)
	assert.Equal(t, "Angebot – Office fit-out, Floor 1", d.Title)
	r = newRenderer(t, render.Config{Labels: map[string]render.Labels{"de": {"title": "Angebot"}}})
	_, err = r.Document(context.Background(), q, render.Options{Language: "de"})
	assert.ErrorIs(t, err, render.ErrUnknownLanguage)
	assert.ErrorContains(t, err, "grand_total")

	// Both shipped bundles have the same keys.
	en, _ := render.BuiltinLabels("en")
	zh, _ := render.BuiltinLabels("zh-CN")
	assert.Len(t, zh, len(en))
	for k := range en {
		assert.NotEmpty(t, zh[k], k)
	}
	assert.Equal(t, []string{"en", "zh-CN"}, render.Languages())
}
