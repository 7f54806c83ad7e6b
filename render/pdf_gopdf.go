package render

import (
	"fmt"
	"io"
	"time"

	"github.com/signintech/gopdf"
)

// This file is the only one that knows the PDF library: it draws laid-out
// pages. Replacing the library means replacing this file.

// pdfInfo is the PDF's document information.
type pdfInfo struct {
	title, author, subject string
	created                time.Time
}

// drawPDF draws pages with the given font programs (already subset) and
// the logo as PNG, and writes the PDF.
func drawPDF(w io.Writer, pages []*page, size PageSize, regular, bold []byte, logoPNG []byte, info pdfInfo) error {
	var pdf gopdf.GoPdf
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: size.Width, H: size.Height}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{
		Title: info.title, Author: info.author, Subject: info.subject,
		Creator: "cpqkit", Producer: "cpqkit render", CreationDate: info.created,
	})
	if err := pdf.AddTTFFontData("regular", regular); err != nil {
		return fmt.Errorf("pdf: regular font: %w", err)
	}
	boldFamily := "regular"
	if bold != nil {
		if err := pdf.AddTTFFontData("bold", bold); err != nil {
			return fmt.Errorf("pdf: bold font: %w", err)
		}
		boldFamily = "bold"
	}
	var logo gopdf.ImageHolder
	if logoPNG != nil {
		var err error
		if logo, err = gopdf.ImageHolderByBytes(logoPNG); err != nil {
			return fmt.Errorf("pdf: logo: %w", err)
		}
	}
	family := func(b bool) string {
		if b {
			return boldFamily
		}
		return "regular"
	}
	for _, p := range pages {
		pdf.AddPage()
		for _, o := range p.ops {
			switch o.kind {
			case opText:
				if err := pdf.SetFont(family(o.bold), "", o.size); err != nil {
					return fmt.Errorf("pdf: %w", err)
				}
				pdf.SetTextColor(o.color[0], o.color[1], o.color[2])
				pdf.SetXY(o.x, o.y)
				if err := pdf.Text(o.text); err != nil {
					return fmt.Errorf("pdf: text %q: %w", o.text, err)
				}
			case opFill:
				pdf.SetFillColor(o.color[0], o.color[1], o.color[2])
				pdf.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "F")
			case opFrame:
				pdf.SetLineWidth(o.size)
				pdf.SetStrokeColor(o.color[0], o.color[1], o.color[2])
				pdf.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "D")
			case opLine:
				pdf.SetLineWidth(o.size)
				pdf.SetStrokeColor(o.color[0], o.color[1], o.color[2])
				pdf.Line(o.x, o.y, o.x+o.w, o.y+o.h)
			case opImage:
				if logo != nil {
					if err := pdf.ImageByHolder(logo, o.x, o.y, &gopdf.Rect{W: o.w, H: o.h}); err != nil {
						return fmt.Errorf("pdf: logo: %w", err)
					}
				}
			case opWatermark:
				if err := pdf.SetFont(family(o.bold), "", o.size); err != nil {
					return fmt.Errorf("pdf: %w", err)
				}
				pdf.SetTextColor(o.color[0], o.color[1], o.color[2])
				pdf.Rotate(watermarkAngle, o.x, o.y)
				pdf.SetXY(o.x-o.w/2, o.y-o.size*0.4)
				err := pdf.CellWithOption(&gopdf.Rect{W: o.w, H: o.size}, o.text, gopdf.CellOption{
					Align:        gopdf.Left | gopdf.Top,
					Transparency: &gopdf.Transparency{Alpha: 0.16, BlendModeType: gopdf.NormalBlendMode},
				})
				pdf.RotateReset()
				if err != nil {
					return fmt.Errorf("pdf: watermark: %w", err)
				}
			}
		}
	}
	if err := pdf.Write(w); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}
