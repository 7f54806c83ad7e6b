package cpqhttp

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
)

// catalogIn returns the catalog in force today and the language the
// request asks for.
func (s *server) catalogIn(r *http.Request) (*catalog.Catalog, string, error) {
	cat, err := s.kit.Catalog(s.now())
	if err != nil {
		return nil, "", err
	}
	lang, err := s.language(r, cat)
	if err != nil {
		return nil, "", err
	}
	return cat, lang, nil
}

// loadIn loads the session the request names, with the language it asks
// for.
func (s *server) loadIn(ctx context.Context, id Identity, r *http.Request) (*sessionState, *guide.Session, string, error) {
	_, lang, err := s.catalogIn(r)
	if err != nil {
		return nil, nil, "", err
	}
	st, gs, _, err := s.load(ctx, id, r.PathValue("id"))
	if err != nil {
		return nil, nil, "", err
	}
	return st, gs, lang, nil
}

// interfaceLanguages are the languages of the web interface and the
// documents: a request may always ask for them, whatever the catalog has.
var interfaceLanguages = []string{"en", "zh-CN"}

// language returns the language of labels a request asks for with ?lang=:
// one of the catalog's languages or of the interface's, matched without
// regard to case; none means the server's language. Labels the catalog
// lacks in it fall back to English (catalog.Text.In).
func (s *server) language(r *http.Request, cat *catalog.Catalog) (string, error) {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		return s.lang, nil
	}
	known := append(append([]string{s.lang}, interfaceLanguages...), cat.Languages...)
	for _, l := range known {
		if strings.EqualFold(l, lang) {
			return l, nil
		}
	}
	return "", newProblem(http.StatusBadRequest, CodeUnknownLanguage, "the catalog has no labels in "+lang+"; it has "+strings.Join(slices.Compact(slices.Sorted(slices.Values(known))), ", "))
}

// CatalogVersion is a version of the catalog.
type CatalogVersion struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Name    string `json:"name"`
	// EffectiveFrom is the day the version comes into force;
	// EffectiveUntil the day the next one does (absent for the last).
	EffectiveFrom  time.Time `json:"effective_from"`
	EffectiveUntil time.Time `json:"effective_until,omitzero"`
	// InForce marks the version in force today.
	InForce   bool     `json:"in_force"`
	Currency  string   `json:"currency"`
	Languages []string `json:"languages,omitempty"`
}

// Catalogs is the answer of GET /v1/catalogs.
type Catalogs struct {
	Catalogs []CatalogVersion `json:"catalogs"`
}

func (s *server) catalogs(_ context.Context, _ Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	all := s.kit.Versions().All()
	current, err := s.kit.Catalog(s.now())
	if err != nil {
		current = nil // no version in force yet: none is marked
	}
	labels := current
	if labels == nil {
		labels = all[0]
	}
	lang, err := s.language(r, labels)
	if err != nil {
		return 0, nil, err
	}
	out := Catalogs{Catalogs: []CatalogVersion{}}
	for i, c := range all {
		v := CatalogVersion{ID: c.ID, Version: c.Version, Name: c.Name.In(lang), EffectiveFrom: c.EffectiveFrom,
			InForce: c == current, Currency: c.Currency, Languages: c.Languages}
		if i+1 < len(all) {
			v.EffectiveUntil = all[i+1].EffectiveFrom
		}
		out.Catalogs = append(out.Catalogs, v)
	}
	return http.StatusOK, out, nil
}

// ProductSummary is a product of the catalog in force, with its name and
// description in the language asked for.
type ProductSummary struct {
	SKU          string              `json:"sku"`
	Name         string              `json:"name"`
	Description  string              `json:"description,omitempty"`
	Category     string              `json:"category,omitempty"`
	Unit         string              `json:"unit,omitempty"`
	Kind         catalog.ProductKind `json:"kind"`
	Configurable bool                `json:"configurable"`
}

// Products is the answer of GET /v1/products.
type Products struct {
	Catalog  string           `json:"catalog"`
	Version  string           `json:"version"`
	Language string           `json:"language"`
	Products []ProductSummary `json:"products"`
}

func summary(p *catalog.Product, lang string) ProductSummary {
	kind := p.Kind
	if kind == "" {
		kind = catalog.KindStandard
	}
	return ProductSummary{SKU: p.SKU, Name: p.Name.In(lang), Description: p.Description.In(lang), Category: p.Category,
		Unit: p.Unit, Kind: kind, Configurable: p.IsConfigurable()}
}

// products lists the products of the catalog in force that are not
// retired, in catalog order.
func (s *server) products(_ context.Context, _ Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	cat, lang, err := s.catalogIn(r)
	if err != nil {
		return 0, nil, err
	}
	out := Products{Catalog: cat.ID, Version: cat.Version, Language: lang, Products: []ProductSummary{}}
	for _, p := range cat.Products {
		if !p.Retired {
			out.Products = append(out.Products, summary(p, lang))
		}
	}
	return http.StatusOK, out, nil
}

// ProductForm is what a user interface needs to show a product's
// configuration form: every label in the language asked for.
type ProductForm struct {
	ProductSummary
	Catalog        string              `json:"catalog"`
	Version        string              `json:"version"`
	Language       string              `json:"language"`
	Attributes     []AttributeForm     `json:"attributes"`
	Features       []FeatureForm       `json:"features"`
	Packages       []PackageForm       `json:"packages"`
	Questionnaires []QuestionnaireForm `json:"questionnaires"`
}

// AttributeForm is an attribute of a product. Enum and boolean attributes
// list their values (retired ones left out); integer and decimal ones give
// their range.
type AttributeForm struct {
	ID       string                `json:"id"`
	Label    string                `json:"label"`
	Type     catalog.AttributeType `json:"type"`
	Unit     string                `json:"unit,omitempty"`
	Values   []ValueForm           `json:"values,omitempty"`
	Min      *decimal.Decimal      `json:"min,omitempty"`
	Max      *decimal.Decimal      `json:"max,omitempty"`
	Step     *decimal.Decimal      `json:"step,omitempty"`
	Default  string                `json:"default,omitempty"`
	Required bool                  `json:"required,omitempty"`
}

// ValueForm is a value with its label.
type ValueForm struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// FeatureForm is a feature group: between Min and Max of its options are
// chosen (no Max: any number).
type FeatureForm struct {
	ID      string       `json:"id"`
	Label   string       `json:"label"`
	Min     int          `json:"min"`
	Max     *int         `json:"max,omitempty"`
	Options []OptionForm `json:"options"`
}

// OptionForm is an option of a feature group: the product it adds, and
// its quantity's bounds (one fixed quantity when Min equals Max).
type OptionForm struct {
	ID       string       `json:"id"`
	Label    string       `json:"label"`
	Product  string       `json:"product"`
	Default  bool         `json:"default,omitempty"`
	Required bool         `json:"required,omitempty"`
	Quantity QuantityForm `json:"quantity"`
}

// QuantityForm bounds an option's quantity.
type QuantityForm struct {
	Min     int `json:"min"`
	Max     int `json:"max"`
	Default int `json:"default"`
}

// PackageForm is a package of the product.
type PackageForm struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

// QuestionnaireForm is a questionnaire that configures the product.
type QuestionnaireForm struct {
	ID    string     `json:"id"`
	Label string     `json:"label"`
	Steps []StepForm `json:"steps"`
}

// StepForm is a step of a questionnaire with its questions.
type StepForm struct {
	ID        string         `json:"id"`
	Label     string         `json:"label"`
	Questions []QuestionForm `json:"questions"`
}

// QuestionForm is a question with its answers.
type QuestionForm struct {
	ID      string           `json:"id"`
	Text    string           `json:"text"`
	Help    string           `json:"help,omitempty"`
	Type    string           `json:"type"`
	Unit    string           `json:"unit,omitempty"`
	Min     *decimal.Decimal `json:"min,omitempty"`
	Max     *decimal.Decimal `json:"max,omitempty"`
	Options []ValueForm      `json:"options,omitempty"`
}

// valueLabel is the label of an attribute's value: its name, or for
// booleans yes or no, or the ID itself.
func valueLabel(a *catalog.Attribute, id, lang string) string {
	if v := a.Value(id); v != nil && len(v.Name) > 0 {
		return v.Name.In(lang)
	}
	if a.Type == catalog.AttrBoolean {
		switch id {
		case "true":
			return yesNo["yes"].In(lang)
		case "false":
			return yesNo["no"].In(lang)
		}
	}
	return id
}

func (s *server) product(_ context.Context, _ Identity, _ http.ResponseWriter, r *http.Request) (int, any, error) {
	cat, lang, err := s.catalogIn(r)
	if err != nil {
		return 0, nil, err
	}
	p, err := cat.Product(r.PathValue("sku"))
	if err != nil {
		return 0, nil, err
	}
	out := ProductForm{ProductSummary: summary(p, lang), Catalog: cat.ID, Version: cat.Version, Language: lang,
		Attributes: []AttributeForm{}, Features: []FeatureForm{}, Packages: []PackageForm{}, Questionnaires: []QuestionnaireForm{}}
	for _, a := range p.Attributes {
		af := AttributeForm{ID: a.ID, Label: a.Name.In(lang), Type: a.Type, Unit: a.Unit, Default: a.Default, Required: a.Required}
		if af.Label == "" {
			af.Label = a.ID
		}
		switch a.Type {
		case catalog.AttrEnum, catalog.AttrBoolean:
			retired := map[string]bool{}
			for _, v := range a.Values {
				retired[v.ID] = v.Retired
			}
			for _, id := range a.Domain() {
				if !retired[id] {
					af.Values = append(af.Values, ValueForm{ID: id, Label: valueLabel(a, id, lang)})
				}
			}
		default:
			af.Min, af.Max, af.Step = a.Min, a.Max, a.Step
		}
		out.Attributes = append(out.Attributes, af)
	}
	for _, f := range p.Features {
		ff := FeatureForm{ID: f.ID, Label: f.Name.In(lang), Min: f.Min, Max: f.Max, Options: []OptionForm{}}
		for _, o := range f.Options {
			label := o.Name.In(lang)
			if label == "" {
				if op, err := cat.Product(o.Product); err == nil {
					label = op.Name.In(lang)
				}
			}
			lo, hi, def := o.Quantity.Bounds()
			ff.Options = append(ff.Options, OptionForm{ID: o.ID, Label: label, Product: o.Product, Default: o.Default,
				Required: o.Required, Quantity: QuantityForm{Min: lo, Max: hi, Default: def}})
		}
		out.Features = append(out.Features, ff)
	}
	for _, pk := range p.Packages {
		out.Packages = append(out.Packages, PackageForm{ID: pk.ID, Label: pk.Name.In(lang), Description: pk.Description.In(lang)})
	}
	for _, qn := range cat.Questionnaires {
		if qn.Product != p.SKU {
			continue
		}
		qf := QuestionnaireForm{ID: qn.ID, Label: qn.Name.In(lang), Steps: []StepForm{}}
		for _, step := range qn.Steps {
			sf := StepForm{ID: step.ID, Label: step.Name.In(lang), Questions: []QuestionForm{}}
			for _, q := range step.Questions {
				qu := QuestionForm{ID: q.ID, Text: q.Text.In(lang), Help: q.Help.In(lang), Type: q.Type, Unit: q.Unit, Min: q.Min, Max: q.Max}
				for _, o := range q.Options {
					qu.Options = append(qu.Options, ValueForm{ID: o.ID, Label: o.Text.In(lang)})
				}
				if q.Type == catalog.QuestionYesNo && len(q.Options) == 0 {
					qu.Options = []ValueForm{{ID: "yes", Label: yesNo["yes"].In(lang)}, {ID: "no", Label: yesNo["no"].In(lang)}}
				}
				sf.Questions = append(sf.Questions, qu)
			}
			qf.Steps = append(qf.Steps, sf)
		}
		out.Questionnaires = append(out.Questionnaires, qf)
	}
	return http.StatusOK, out, nil
}
