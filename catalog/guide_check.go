package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/formula"
)

// GuideFacts are the context facts that questionnaire and suggestion
// formulas read besides answers and configuration: the host gives those it
// knows when it starts a session.
var GuideFacts = formula.Schema{
	"customer.id":      formula.TypeString,
	"customer.segment": formula.TypeString,
	"customer.region":  formula.TypeString,
	"customer.country": formula.TypeString,
	"quote.currency":   formula.TypeString,
	"quote.subtotal":   formula.TypeDecimal,
	"quote.products":   formula.TypeStringList,
	"quote.categories": formula.TypeStringList,
	"today":            formula.TypeDate,
}

// AnswerVar is the name under which formulas read a question's answer.
func AnswerVar(question string) string { return "answer." + question }

// CapabilityVar is the name under which fits formulas read a capability of
// the product being filtered, in the capability's unit.
func CapabilityVar(capability string) string { return "capability." + capability }

// AnswerType is the formula type of a question's answer.
func AnswerType(q *Question) formula.Type {
	switch q.Type {
	case QuestionMultiple:
		return formula.TypeStringList
	case QuestionNumber:
		return formula.TypeDecimal
	case QuestionYesNo:
		return formula.TypeBool
	}
	return formula.TypeString
}

// guideIndex holds what the guided-selling checks learn about a catalog.
type guideIndex struct {
	// capUnits is the unit of each capability (its first declaration).
	capUnits map[string]string
}

// checkGuide checks questionnaires, packages, suggestion rules,
// capabilities and selectors.
func (k *checker) checkGuide() {
	g := &guideIndex{capUnits: map[string]string{}}
	capFirst := map[string]string{}
	for i, prod := range k.c.Products {
		if prod == nil {
			continue
		}
		path := indexPath("products", i)
		k.checkCapabilities(path, prod, g, capFirst)
		k.checkPackages(path, prod)
		k.checkSuggestionRules(path, prod)
	}
	seen := map[string]string{}
	for i, q := range k.c.Questionnaires {
		if q == nil {
			continue
		}
		path := indexPath("questionnaires", i)
		k.unique(seen, q.ID, joinPath(path, "id"), "questionnaire")
		k.checkQuestionnaire(path, q, g)
	}
	seen = map[string]string{}
	for i, s := range k.c.Selectors {
		if s == nil {
			continue
		}
		path := indexPath("selectors", i)
		k.unique(seen, s.ID, joinPath(path, "id"), "selector")
		k.checkSelector(path, s, g)
	}
	k.c.guide = g
}

func (k *checker) checkCapabilities(path string, prod *Product, g *guideIndex, first map[string]string) {
	seen := map[string]string{}
	for i, cp := range prod.Capabilities {
		if cp == nil {
			continue
		}
		cpath := indexPath(joinPath(path, "capabilities"), i)
		if !k.unique(seen, cp.ID, joinPath(cpath, "id"), "capability") {
			continue
		}
		if unit, ok := g.capUnits[cp.ID]; !ok {
			g.capUnits[cp.ID] = cp.Unit
			first[cp.ID] = cpath
		} else if !UnitsCompatible(cp.Unit, unit) {
			k.p.addAt(joinPath(cpath, "unit"), CodeConflict, "capability %q is in %s here but in %s at %s; the units do not convert",
				cp.ID, unitName(cp.Unit), unitName(unit), k.p.at(first[cp.ID]))
		}
		if (cp.Value == nil) == (cp.From == "") {
			k.p.addAt(cpath, CodeInvalid, "capability %q needs exactly one of value and from", cp.ID)
			continue
		}
		if cp.Value != nil {
			if len(cp.Values) > 0 {
				k.p.addAt(joinPath(cpath, "values"), CodeInvalid, "capability %q has a fixed value; values need from", cp.ID)
			}
			continue
		}
		fp := joinPath(cpath, "from")
		v := k.finiteVar(prod, cp.From, fp, k.p.at(fp))
		if v == nil {
			continue
		}
		if len(cp.Values) == 0 {
			if v.Kind != VarAttribute || v.Attribute.Type != AttrInteger {
				k.p.addAt(fp, CodeInvalid, "capability %q reads %q, which is not an integer attribute; give the amount of each value under values", cp.ID, cp.From)
			}
			continue
		}
		for _, val := range sortedKeys(cp.Values) {
			if normalValue(v, val) == "" {
				k.p.addAt(joinPath(joinPath(cpath, "values"), val), CodeUnknownReference, "%s", valueMessage(v, val))
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkChoices checks a mapping of one value per variable and option
// quantities, as packages and suggestions give them.
func (k *checker) checkChoices(prod *Product, path string, choices Condition, qpath string, quantities map[string]int) {
	k.checkCondition(prod, path, choices)
	for _, m := range choices {
		if len(m.Values) > 1 {
			k.p.addAt(joinPath(path, m.Var), CodeInvalid, "choose one value of %q, not %d", m.Var, len(m.Values))
		}
	}
	for _, name := range sortedKeys(quantities) {
		n := quantities[name]
		np := joinPath(qpath, name)
		v, ok := k.x.vars[prod][name]
		if !ok || v.Kind != VarOption {
			k.unknown(np, "option", name, optionIDs(k.x.vars[prod]))
			continue
		}
		lo, hi, _ := v.Option.Quantity.Bounds()
		if n < lo || n > hi {
			k.p.addAt(np, CodeRange, "quantity %d of option %q is outside %d..%d", n, name, lo, hi)
		}
		for _, m := range choices {
			if m.Var == name && len(m.Values) == 1 && m.Values[0] == "false" {
				k.p.addAt(np, CodeConflict, "option %q is given a quantity but not selected", name)
			}
		}
	}
}

func optionIDs(vars map[string]*Variable) []string {
	var out []string
	for id, v := range vars {
		if v.Kind == VarOption {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func (k *checker) checkPackages(path string, prod *Product) {
	seen := map[string]string{}
	for i, pk := range prod.Packages {
		if pk == nil {
			continue
		}
		pp := indexPath(joinPath(path, "packages"), i)
		k.unique(seen, pk.ID, joinPath(pp, "id"), "package")
		k.checkChoices(prod, joinPath(pp, "choices"), pk.Choices, joinPath(pp, "quantities"), pk.Quantities)
	}
}

// suggestionSchema is what suggestion formulas read: the configuration, as
// constraints do, and the context facts.
func (k *checker) suggestionSchema(prod *Product) formula.Schema {
	s := k.exprs.configSchema(prod)
	for name, t := range GuideFacts {
		if _, clash := s[name]; !clash {
			s[name] = t
		}
	}
	return s
}

func (k *checker) checkSuggestionRules(path string, prod *Product) {
	seen := map[string]string{}
	var schema formula.Schema
	for i, r := range prod.Suggestions {
		if r == nil {
			continue
		}
		rp := indexPath(joinPath(path, "suggestions"), i)
		k.unique(seen, r.ID, joinPath(rp, "id"), "suggestion")
		if !r.When.IsZero() {
			if schema == nil {
				schema = k.suggestionSchema(prod)
			}
			k.exprs.compile(joinPath(rp, "when"), prod.SKU+"/"+rp, &r.When, schema, formula.TypeBool)
		}
		if (len(r.Set) == 0) == (r.AddProduct == "") {
			k.p.addAt(rp, CodeInvalid, "suggestion %q needs exactly one of set and add_product", r.ID)
		}
		if len(r.Set) > 0 {
			k.checkChoices(prod, joinPath(rp, "set"), r.Set, joinPath(rp, "quantities"), r.Quantities)
		} else if len(r.Quantities) > 0 {
			k.p.addAt(joinPath(rp, "quantities"), CodeInvalid, "option quantities go with set; add_product takes quantity")
		}
		if r.AddProduct != "" {
			if add := k.refProduct(r.AddProduct, joinPath(rp, "add_product")); add != nil && add.Retired {
				k.p.addAt(joinPath(rp, "add_product"), CodeInvalid, "product %q is retired and cannot be suggested", add.SKU)
			}
		} else if r.Quantity != 0 {
			k.p.addAt(joinPath(rp, "quantity"), CodeInvalid, "quantity goes with add_product")
		}
	}
}

// checkRestrictions checks the variables and values of restrictions on the
// product and works out the values each allows.
func (k *checker) checkRestrictions(prod *Product, path string, rs Restrictions) {
	for _, r := range rs {
		rp := joinPath(path, r.Var)
		v := k.finiteVar(prod, r.Var, rp, r.Pos)
		if v == nil {
			continue
		}
		ranged := r.Min != nil || r.Max != nil
		if ranged {
			if v.Kind != VarAttribute || v.Attribute.Type != AttrInteger {
				k.p.addAt(rp, CodeInvalid, "a range restricts integer attributes; %q is not one", r.Var)
				continue
			}
			if len(r.Values) > 0 {
				k.p.addAt(rp, CodeInvalid, "restrict %q by values or by a range, not both", r.Var)
				continue
			}
		}
		allowed := map[string]bool{}
		for i, val := range r.Values {
			norm := normalValue(v, val)
			if norm == "" {
				vp := rp
				if len(r.Values) > 1 {
					vp = indexPath(rp, i)
				}
				k.p.addAt(vp, CodeUnknownReference, "%s", valueMessage(v, val))
				continue
			}
			allowed[norm] = true
		}
		r.allowed = r.allowed[:0]
		for _, val := range v.Domain() {
			if ranged {
				d, err := decimal.NewFromString(val)
				if err != nil || (r.Min != nil && d.LessThan(*r.Min)) || (r.Max != nil && d.GreaterThan(*r.Max)) {
					continue
				}
			} else if !allowed[val] {
				continue
			}
			r.allowed = append(r.allowed, val)
		}
		if len(r.allowed) == 0 && (ranged || len(allowed) > 0) {
			k.p.addAt(rp, CodeEmptyDomain, "the restriction allows no value of %q", r.Var)
		}
	}
}

func (k *checker) checkProductSet(path string, s ProductSet) {
	for i, sku := range s.Products {
		k.refProduct(sku, indexPath(joinPath(path, "products"), i))
	}
	for i, cat := range s.Categories {
		if !k.x.categories[cat] {
			k.unknown(indexPath(joinPath(path, "categories"), i), "category", cat, keys(k.x.categories))
		}
	}
}

// questionnaireSchemas builds the schemas of a questionnaire's formulas:
// answers and context, and for fits formulas the product facts too.
func (k *checker) questionnaireSchemas(q *Questionnaire, g *guideIndex) (answers, fits formula.Schema) {
	answers = formula.Schema{}
	for name, t := range GuideFacts {
		answers[name] = t
	}
	for _, st := range q.Steps {
		if st == nil {
			continue
		}
		for _, qu := range st.Questions {
			if qu != nil && qu.ID != "" {
				answers[AnswerVar(qu.ID)] = AnswerType(qu)
			}
		}
	}
	fits = formula.Schema{
		"product.sku":      formula.TypeString,
		"product.category": formula.TypeString,
		"product.kind":     formula.TypeString,
	}
	for name, t := range answers {
		fits[name] = t
	}
	for id := range g.capUnits {
		fits[CapabilityVar(id)] = formula.TypeDecimal
	}
	return answers, fits
}

func (k *checker) checkQuestionnaire(path string, q *Questionnaire, g *guideIndex) {
	var prod *Product
	if q.Product != "" {
		prod = k.refProduct(q.Product, joinPath(path, "product"))
	}
	k.checkProductSet(joinPath(path, "recommends"), q.Recommends)
	answers, fits := k.questionnaireSchemas(q, g)

	// order gives each question its place, so that a visibility condition
	// reads only questions asked before.
	order := map[string]int{}
	stepOf := map[string]int{}
	seenQ := map[string]string{}
	seenS := map[string]string{}
	n := 0
	for i, st := range q.Steps {
		if st == nil {
			continue
		}
		sp := indexPath(joinPath(path, "steps"), i)
		k.unique(seenS, st.ID, joinPath(sp, "id"), "step")
		for j, qu := range st.Questions {
			if qu == nil {
				continue
			}
			if k.unique(seenQ, qu.ID, joinPath(indexPath(joinPath(sp, "questions"), j), "id"), "question") {
				order[qu.ID] = n
				stepOf[qu.ID] = i
			}
			n++
		}
	}
	effects := func(ep string, require Restrictions, fitsExpr *Expr, score Scores) {
		switch {
		case len(require) == 0:
		case prod != nil:
			k.checkRestrictions(prod, joinPath(ep, "require"), require)
		case q.Product == "":
			k.p.addAt(joinPath(ep, "require"), CodeRequired, "questionnaire %q restricts a configuration but names no product", q.ID)
		}
		if !fitsExpr.IsZero() {
			k.exprs.compile(joinPath(ep, "fits"), q.ID+"/"+joinPath(ep, "fits"), fitsExpr, fits, formula.TypeBool)
		}
		k.checkScores(joinPath(ep, "score"), q, prod, score)
	}
	n = 0
	for i, st := range q.Steps {
		if st == nil {
			continue
		}
		sp := indexPath(joinPath(path, "steps"), i)
		if !st.Visible.IsZero() {
			vp := joinPath(sp, "visible")
			k.exprs.compile(vp, q.ID+"/"+vp, &st.Visible, answers, formula.TypeBool)
			k.readsEarlier(vp, &st.Visible, func(name string) bool { s, ok := stepOf[name]; return ok && s < i })
		}
		for j, qu := range st.Questions {
			if qu == nil {
				continue
			}
			qp := indexPath(joinPath(sp, "questions"), j)
			here := n
			n++
			if !qu.Visible.IsZero() {
				vp := joinPath(qp, "visible")
				k.exprs.compile(vp, q.ID+"/"+vp, &qu.Visible, answers, formula.TypeBool)
				k.readsEarlier(vp, &qu.Visible, func(name string) bool { o, ok := order[name]; return ok && o < here })
			}
			k.checkQuestion(qp, qu)
			seenO := map[string]string{}
			for o, opt := range qu.Options {
				if opt == nil {
					continue
				}
				op := indexPath(joinPath(qp, "options"), o)
				k.unique(seenO, opt.ID, joinPath(op, "id"), "answer")
				if qu.Type == QuestionYesNo && opt.ID != "yes" && opt.ID != "no" {
					k.p.addAt(joinPath(op, "id"), CodeInvalid, "a yes_no question's options are yes and no, not %q", opt.ID)
				}
				effects(op, opt.Require, &opt.Fits, opt.Score)
			}
		}
	}
	seenR := map[string]string{}
	for i, r := range q.Rules {
		if r == nil {
			continue
		}
		rp := indexPath(joinPath(path, "rules"), i)
		k.unique(seenR, r.ID, joinPath(rp, "id"), "rule")
		if !r.When.IsZero() {
			k.exprs.compile(joinPath(rp, "when"), q.ID+"/"+joinPath(rp, "when"), &r.When, answers, formula.TypeBool)
		}
		if len(r.Require) == 0 && r.Fits.IsZero() && r.Score.IsZero() {
			k.p.addAt(rp, CodeRequired, "rule %q has no consequence: give require, fits or score", r.ID)
		}
		effects(rp, r.Require, &r.Fits, r.Score)
	}
}

// readsEarlier reports answers a visibility condition reads that are not
// asked before it.
func (k *checker) readsEarlier(path string, e *Expr, earlier func(question string) bool) {
	if e.program == nil {
		return
	}
	for _, name := range e.program.Variables() {
		qid, ok := strings.CutPrefix(name, "answer.")
		if ok && !earlier(qid) {
			k.p.add(e.Pos, path, CodeCycle, "the condition reads answer %q, which is not asked before it", qid)
		}
	}
}

func (k *checker) checkQuestion(path string, qu *Question) {
	switch qu.Type {
	case QuestionSingle, QuestionMultiple:
		if len(qu.Options) == 0 {
			k.p.addAt(joinPath(path, "options"), CodeRequired, "%s choice question %q needs options", qu.Type, qu.ID)
		}
	case QuestionNumber:
		if len(qu.Options) > 0 {
			k.p.addAt(joinPath(path, "options"), CodeInvalid, "number question %q takes no options; give its consequences as rules", qu.ID)
		}
		if qu.Min != nil && qu.Max != nil && qu.Min.GreaterThan(*qu.Max) {
			k.p.addAt(joinPath(path, "min"), CodeRange, "question %q has min %s greater than max %s", qu.ID, qu.Min, qu.Max)
		}
	}
	if qu.Type != QuestionNumber && (qu.Min != nil || qu.Max != nil || qu.Unit != "") {
		k.p.addAt(path, CodeInvalid, "unit, min and max describe number questions; %q is %s", qu.ID, qu.Type)
	}
}

func (k *checker) checkScores(path string, q *Questionnaire, prod *Product, s Scores) {
	for _, sku := range sortedKeys(s.Products) {
		k.refProduct(sku, joinPath(joinPath(path, "products"), sku))
	}
	for _, id := range sortedKeys(s.Packages) {
		pp := joinPath(joinPath(path, "packages"), id)
		if prod == nil {
			if q.Product == "" {
				k.p.addAt(pp, CodeRequired, "questionnaire %q scores packages but names no product", q.ID)
			}
			continue
		}
		if _, err := prod.Package(id); err != nil {
			ids := make([]string, 0, len(prod.Packages))
			for _, pk := range prod.Packages {
				if pk != nil {
					ids = append(ids, pk.ID)
				}
			}
			k.unknown(pp, fmt.Sprintf("package of %q", prod.SKU), id, ids)
		}
	}
}

func (k *checker) checkSelector(path string, s *Selector, g *guideIndex) {
	schema := formula.Schema{}
	seen := map[string]string{}
	for i, in := range s.Inputs {
		if in == nil {
			continue
		}
		if k.unique(seen, in.ID, joinPath(indexPath(joinPath(path, "inputs"), i), "id"), "input") {
			schema[in.ID] = formula.TypeDecimal
		}
	}
	k.checkProductSet(joinPath(path, "candidates"), s.Candidates)
	for i, sku := range s.Prefer {
		k.refProduct(sku, indexPath(joinPath(path, "prefer"), i))
	}
	for i, nr := range s.Needs {
		if nr == nil {
			continue
		}
		np := indexPath(joinPath(path, "needs"), i)
		if unit, ok := g.capUnits[nr.Capability]; !ok {
			if nr.Capability != "" {
				k.unknown(joinPath(np, "capability"), "capability", nr.Capability, keys(g.capUnits))
			}
		} else if !UnitsCompatible(nr.Unit, unit) {
			k.p.addAt(joinPath(np, "unit"), CodeConflict, "need %q is in %s but the capability is in %s; the units do not convert", nr.Capability, unitName(nr.Unit), unitName(unit))
		}
		if nr.Min.IsZero() && nr.Max.IsZero() {
			k.p.addAt(np, CodeRequired, "need %q needs min, max or both", nr.Capability)
		}
		for _, b := range []struct {
			key string
			e   *Expr
		}{{"min", &nr.Min}, {"max", &nr.Max}} {
			if !b.e.IsZero() {
				bp := joinPath(np, b.key)
				k.exprs.compile(bp, s.ID+"/"+bp, b.e, schema, formula.TypeDecimal)
			}
		}
	}
}
