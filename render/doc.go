// Package render builds a document model from a quote and renders it to
// HTML and PDF, in several languages, with the approval state on the page.
//
// # The document model
//
// A Renderer is prepared once from a Config (the company's Letterhead, a
// Template, label overrides, fonts, an HTML template, the approval gate)
// and is safe for concurrent use. Renderer.Document builds the Document of
// a quote revision: letterhead, title and quote facts (number, revision,
// date, validity, payment and delivery terms), customer and contact, an
// introduction, the line table (groups with subtotals, option lines under
// their parent numbered 1.1, 1.2, the configuration's chosen options,
// optional and alternative lines marked and left out of the totals,
// recurring lines with their term), the totals (list, discounts, net, tax,
// grand total, one-time and recurring parts), terms and conditions, the
// acceptance block and the footer. Every amount, number and date is
// formatted for the locale (money.Format, money.FormatNumber); the
// amounts are the quote's own, never recomputed.
//
// HTML, PDF, JSON (the model itself) and CSV (the lines, as plain decimals)
// are all written from the model, so they cannot disagree.
//
// # Templates
//
// A Template lists the sections to show, in order, and the columns of the
// line table. A section may carry a condition in the formula language of
// the rules, compiled once by New against ConditionSchema:
//
//	{Kind: render.SectionText, Title: "Volume pricing", Text: "…", When: "quote.discount_percent >= 10"}
//
// # Languages
//
// English ("en") and Simplified Chinese ("zh-CN": 报价单, 数量, 单价, 合计,
// 有效期至, …) are shipped. Config.Labels overrides single texts of a
// bundle, or adds a language with every key; a misspelt key is an error.
// Options.Language picks the bundle (default: the quote's language) and
// Options.Locale the formatting of money, numbers and dates (default: the
// language).
//
// # Approval
//
// A document renders without the DRAFT watermark only when the quote's
// content matches its seal (quote.Quote.Verify) and the host's approval
// gate (Config.Approvals) says it is approved for exactly that seal.
// Otherwise it is a draft: the watermark on every page, the reason in
// Document.DraftReason, and no approval stamp. Options.Final turns a
// draft into ErrNotApproved. There is no other way to an approved
// document. The host adapts the approval package's gate, which returns
// nil only when every required approval is granted for the current seal:
//
//	gate := render.ApprovalFunc(func(ctx context.Context, q *quote.Quote) (render.Approval, error) {
//		switch err := engine.Gate(ctx, q); {
//		case err == nil:
//			return render.Approval{Approved: true, Seal: q.Seal, Approvers: names, At: when}, nil
//		case errors.Is(err, approval.ErrApprovalRequired), errors.Is(err, approval.ErrStaleSeal):
//			return render.Approval{}, nil // a draft
//		default:
//			return render.Approval{}, err // no document
//		}
//	})
//
// An approved document shows the approval stamp: approvers, date and the
// first 12 hex digits of the seal, which the footer of every page repeats.
//
// # PDF
//
// The PDF is written in pure Go. Fonts are given as bytes (Fonts,
// ReadFontFace from an fs.FS); the package never reads system paths. A
// TrueType font (.ttf) or a face of a TrueType collection (.ttc) is
// accepted; fonts with CFF outlines (most .otf, Noto CJK) are not. Before
// anything is drawn, every character of the document is checked against
// the fonts: a missing one is ErrMissingGlyph naming the characters, never
// a blank box. Only the glyphs used are embedded.
//
// The layout is the package's own, in two passes: text is measured with the
// font's metrics and wrapped (at spaces, and between CJK characters except
// before closing and after opening punctuation); the line table breaks
// across pages with its header row repeated; then, with the page count
// known, every page gets its footer with "Page N of M" and, on a draft,
// the diagonal watermark. The PDF library (github.com/signintech/gopdf)
// only draws the laid-out pages, in one file of this package.
//
// The PDF's metadata (the Subject of its document information) carries the
// quote number, revision, status, the full seal and a SHA-256 digest of
// the file itself. VerifyPDF (and cpq verify) checks a file against the
// stored revision: the digest detects any change to the file made after
// rendering (an edit, a re-save, an appended update); the seal, number and
// revision must be the stored revision's, and the revision must still match
// its seal. The digest is not a signature: someone who rewrites the file
// and recomputes it is caught only by the seal comparison with the stored
// revision, not by the digest. The output is deterministic: the same quote,
// configuration and options give the same bytes.
//
// # HTML
//
// The HTML renderer executes an html/template (the embedded default, or
// Config.HTML) with HTMLData: the Document, the print style sheet (A4
// pages, the table header repeated on every printed page, the watermark
// fixed on every page) and the logo as a data URL.
package render
