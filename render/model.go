package render

import "time"

// Document is the document model: everything a quote document shows, in
// display order, with every amount, number and date already formatted for
// its locale. HTML, PDF, JSON and CSV are all written from it, so the
// output formats cannot disagree.
type Document struct {
	Language string `json:"language"`
	Locale   string `json:"locale"`
	// Labels is the resolved label bundle, for hosts that render the
	// model themselves.
	Labels Labels `json:"labels"`

	// Draft is true unless the quote revision is approved for its
	// current seal; DraftReason says why it is a draft.
	Draft       bool   `json:"draft"`
	DraftReason string `json:"draft_reason,omitempty"`
	// Seal is the content seal of what the document shows (the quote's
	// recorded seal when it verifies, else its current content's).
	Seal string `json:"seal"`
	// SealShort is the first 12 hex digits of Seal.
	SealShort string `json:"seal_short"`
	// Approval is the approval stamp; nil on a draft.
	Approval *Stamp `json:"approval,omitempty"`

	Letterhead LetterheadBlock `json:"letterhead"`
	Title      string          `json:"title"`
	Number     string          `json:"number"`
	Revision   int             `json:"revision"`
	Currency   string          `json:"currency"`
	// Meta are the quote's facts shown beside the title: number,
	// revision, date, validity, payment and delivery terms, term.
	Meta     []Field       `json:"meta"`
	Customer CustomerBlock `json:"customer"`

	// Sections are the sections to show, in order, after the template's
	// conditions.
	Sections []Section `json:"sections"`

	Columns []Column    `json:"columns"`
	Groups  []LineGroup `json:"groups"`
	// Notes explain marks in the line table (optional items,
	// alternatives).
	Notes  []string   `json:"notes,omitempty"`
	Totals []TotalRow `json:"totals"`
	Terms  []TermText `json:"terms,omitempty"`

	Signature SignatureBlock `json:"signature"`
	// Footer is the text at the bottom of every page; PageLabel the page
	// counter with {n} and {m} to fill.
	Footer    string `json:"footer"`
	PageLabel string `json:"page_label"`
	// Watermark is the text drawn across every page of a draft.
	Watermark string `json:"watermark,omitempty"`

	// logo is the letterhead's image and date the document's date; not
	// part of the JSON model.
	logo *logo
	date time.Time
}

// Section is one section of the document. Kind is one of the section
// kinds of Template; Title is its heading; Text is the text of an
// introduction or a free text section.
type Section struct {
	Kind  string `json:"kind"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text,omitempty"`
}

// Field is a labelled value.
type Field struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// LetterheadBlock is the issuing company as shown.
type LetterheadBlock struct {
	Company string   `json:"company"`
	Lines   []string `json:"lines,omitempty"`
	HasLogo bool     `json:"has_logo"`
}

// CustomerBlock is the customer and contact as shown.
type CustomerBlock struct {
	Label   string   `json:"label"`
	Name    string   `json:"name"`
	Lines   []string `json:"lines,omitempty"`
	Contact []string `json:"contact,omitempty"`
}

// Column is a column of the line table.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Align is "left" or "right".
	Align string `json:"align"`
}

// LineGroup is a group of lines with its subtotal. Name is empty for the
// lines of a quote without groups.
type LineGroup struct {
	Name     string `json:"name,omitempty"`
	Rows     []Row  `json:"rows"`
	Subtotal *Field `json:"subtotal,omitempty"`
}

// Row is one line of the quote as shown. Level is 0 for a line and 1 for
// an option line under it (2 for an option of an option, …).
type Row struct {
	LineID   string `json:"line_id"`
	Level    int    `json:"level"`
	Position string `json:"position"`
	Product  string `json:"product"`
	Name     string `json:"name"`
	// Details are shown under the name: the description, then the
	// configuration's chosen options ("Finish: Steel").
	Description string   `json:"description,omitempty"`
	Options     []string `json:"options,omitempty"`
	// Note marks an optional, alternative or recurring line.
	Note          string `json:"note,omitempty"`
	Quantity      string `json:"quantity"`
	Unit          string `json:"unit,omitempty"`
	ListUnitPrice string `json:"list_unit_price"`
	UnitPrice     string `json:"unit_price"`
	Discount      string `json:"discount,omitempty"`
	Total         string `json:"total"`
	Optional      bool   `json:"optional,omitempty"`
	Alternative   string `json:"alternative,omitempty"`
	Selected      bool   `json:"selected,omitempty"`
	Recurring     bool   `json:"recurring,omitempty"`
	// Counts is false for a line left out of the totals (optional, or an
	// alternative not selected).
	Counts bool `json:"counts"`
}

// Cell returns the row's text for a column key.
func (r Row) Cell(key string) string {
	switch key {
	case ColPosition:
		return r.Position
	case ColProduct:
		return r.Product
	case ColItem:
		return r.Name
	case ColQuantity:
		return r.Quantity
	case ColUnit:
		return r.Unit
	case ColListPrice:
		return r.ListUnitPrice
	case ColUnitPrice:
		return r.UnitPrice
	case ColDiscount:
		return r.Discount
	case ColTotal:
		return r.Total
	}
	return ""
}

// TotalRow is one row of the totals. Strong marks the grand total; Part
// marks the one-time and recurring parts of the net.
type TotalRow struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Amount string `json:"amount"`
	Strong bool   `json:"strong,omitempty"`
	Part   bool   `json:"part,omitempty"`
}

// TermText is a term or condition.
type TermText struct {
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
}

// SignatureBlock is the customer's acceptance block.
type SignatureBlock struct {
	Title  string   `json:"title"`
	Text   string   `json:"text"`
	Fields []string `json:"fields"`
}

// Stamp is the approval stamp of an approved document.
type Stamp struct {
	Label     string   `json:"label"`
	Approvers []string `json:"approvers"`
	Date      string   `json:"date"`
	// Text is the line under the label: approvers and date.
	Text string `json:"text"`
	// SealLabel and SealShort show the seal's first 12 hex digits.
	SealLabel string `json:"seal_label"`
	SealShort string `json:"seal_short"`
}

// Has reports whether the document shows a section of the kind.
func (d *Document) Has(kind string) bool {
	for _, s := range d.Sections {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// L returns the label for a key (for templates).
func (d *Document) L(key string) string { return d.Labels[key] }
