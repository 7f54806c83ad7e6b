package cpqtest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/internal/suggest"
	"github.com/cpqkit/cpq/internal/yamlpos"
	"github.com/cpqkit/cpq/pricing"
)

// MaxFileSize is the largest test file, and the largest catalog or quote
// file it names, that loading accepts.
const MaxFileSize = 16 << 20

// The codes of problems in a test file, besides those of the decoder
// (test.syntax, test.unknown-key, test.duplicate-key, test.type) and those
// of quote inputs (quote.invalid, quote.unknown-reference, …).
const (
	CodeRequired  = "test.required"
	CodeInvalid   = "test.invalid"
	CodeReference = "test.unknown-reference"
	CodeIO        = "test.io"
)

// ErrInvalidSuite is matched by every error that reports problems in a
// test file.
var ErrInvalidSuite = errors.New("invalid test suite")

// Error is one problem in a test file, at its position.
type Error struct {
	Pos     catalog.Pos
	Path    string
	Code    string
	Message string
}

func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Code + ": " + e.Message
	if e.Path != "" {
		s += " (at " + e.Path + ")"
	}
	return s
}

// Is makes every *Error match ErrInvalidSuite.
func (e *Error) Is(target error) bool { return target == ErrInvalidSuite }

// Errors is every problem found in a test file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return fmt.Sprintf("%d problems in test file:\n%s", len(es), strings.Join(parts, "\n"))
}

// Is makes Errors match ErrInvalidSuite.
func (es Errors) Is(target error) bool { return target == ErrInvalidSuite }

// Suite is a loaded test file: its catalog, prepared for pricing, and its
// cases. It is not changed by running and may be run many times.
type Suite struct {
	// File is the test file's name as given to Load or LoadFile.
	File string
	// CatalogFile is the catalog's file name, relative to where the test
	// file was loaded from.
	CatalogFile string
	Catalog     *catalog.Catalog
	Engine      *pricing.Engine
	Cases       []*Case

	pos *yamlpos.Decoder
}

// Case is one test case: a quote to price and what must come out.
type Case struct {
	Name string
	Pos  catalog.Pos
	// Request is the quote to price. It is nil when the input has
	// problems and the case expects an error: InputErr holds them.
	Request  *pricing.Request
	InputErr error
	// Facts are the approval facts the case sets (approval_facts).
	Facts  formula.Vars
	Expect Expect

	path string
}

// Load reads the test file name from fsys, and the catalog and quote files
// it names, relative to its directory within fsys.
func Load(fsys fs.FS, name string) (*Suite, error) {
	return load(fsSource{fsys: fsys}, name)
}

// LoadFile reads a test file from the operating system's file system, and
// the files it names relative to its directory. Positions in problems and
// reports carry the path as given.
func LoadFile(name string) (*Suite, error) {
	return load(osSource{}, name)
}

// source reads the test file and the files it names.
type source interface {
	read(name string) ([]byte, error)
	// rel names the file at rel from the directory of the file from.
	rel(from, rel string) string
}

type fsSource struct{ fsys fs.FS }

func (s fsSource) read(name string) ([]byte, error) { return readLimited(s.fsys.Open(name)) }

func (fsSource) rel(from, rel string) string { return path.Join(path.Dir(from), rel) }

type osSource struct{}

func (osSource) read(name string) ([]byte, error) { return readLimited(os.Open(name)) }

func (osSource) rel(from, rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(filepath.Dir(from), filepath.FromSlash(rel))
}

func readLimited(f fs.File, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is larger than %d bytes", MaxFileSize)
	}
	return data, nil
}

// ioCause is the cause of a file error without the file name, which the
// message gives already.
func ioCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// suiteFile is the test file format.
type suiteFile struct {
	Catalog string      `yaml:"catalog"`
	Cases   []*caseFile `yaml:"cases"`
}

type caseFile struct {
	Name          string      `yaml:"name"`
	Input         *inputNode  `yaml:"input"`
	InputFile     string      `yaml:"input_file"`
	ApprovalFacts *factsNode  `yaml:"approval_facts"`
	Expect        *Expect     `yaml:"expect"`
	Pos           catalog.Pos `yaml:"-"`
}

// loader collects the problems of one test file.
type loader struct {
	src   source
	name  string
	d     *yamlpos.Decoder
	suite *Suite
	errs  Errors
}

func (l *loader) add(p, code, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: l.d.At(p), Path: p, Code: code, Message: fmt.Sprintf(format, args...)})
}

func load(src source, name string) (*Suite, error) {
	data, err := src.read(name)
	if err != nil {
		return nil, fmt.Errorf("read test file %s: %w", name, err)
	}
	var f suiteFile
	l := &loader{src: src, name: name}
	l.d = yamlpos.Decode(data, name, "test", &f)
	for _, p := range l.d.Problems {
		l.errs = append(l.errs, &Error{Pos: p.Pos, Path: p.Path, Code: p.Code, Message: p.Message})
	}
	if l.d.SyntaxOnly() {
		return nil, l.errs
	}
	l.suite = &Suite{File: name, pos: l.d}
	if err := l.loadCatalog(f.Catalog); err != nil {
		return nil, err
	}
	if len(f.Cases) == 0 {
		l.add("cases", CodeRequired, "a test file needs at least one case")
	}
	seen := map[string]string{}
	for i, cf := range f.Cases {
		p := yamlpos.Index("cases", i)
		if cf == nil {
			l.add(p, CodeRequired, "a case needs a name, an input and what to expect")
			continue
		}
		c := l.testCase(cf, p)
		if c == nil {
			continue
		}
		if prev, ok := seen[c.Name]; ok {
			l.add(yamlpos.Join(p, "name"), CodeInvalid, "case %q is already defined at %s", c.Name, l.d.At(prev))
			continue
		}
		seen[c.Name] = p
		l.suite.Cases = append(l.suite.Cases, c)
	}
	if len(l.errs) > 0 {
		sortErrors(l.errs)
		return nil, l.errs
	}
	return l.suite, nil
}

// loadCatalog loads and prepares the catalog the test file names. A
// catalog with problems is returned as its own catalog.Errors.
func (l *loader) loadCatalog(rel string) error {
	if rel == "" {
		l.add("", CodeRequired, "a test file names its catalog (catalog: FILE, relative to the test file)")
		sortErrors(l.errs)
		return l.errs
	}
	file := l.src.rel(l.name, rel)
	data, err := l.src.read(file)
	if err != nil {
		l.add("catalog", CodeIO, "cannot read catalog %s: %v", file, ioCause(err))
		sortErrors(l.errs)
		return l.errs
	}
	cat, err := catalog.Parse(data, file)
	if err != nil {
		return fmt.Errorf("catalog %s of test file %s: %w", file, l.name, err)
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		return fmt.Errorf("catalog %s of test file %s: %w", file, l.name, err)
	}
	l.suite.CatalogFile, l.suite.Catalog, l.suite.Engine = file, cat, engine
	return nil
}

func (l *loader) testCase(cf *caseFile, p string) *Case {
	c := &Case{Name: strings.TrimSpace(cf.Name), Pos: cf.Pos, path: p}
	label := fmt.Sprintf("case %q", c.Name)
	if c.Name == "" {
		l.add(p, CodeRequired, "a case needs a name")
		label = "the case"
	}
	if cf.Expect == nil {
		l.add(p, CodeRequired, "%s says nothing to expect (expect: lines, totals, approvals or error)", label)
	} else {
		c.Expect = *cf.Expect
	}
	switch {
	case (cf.Input == nil) == (cf.InputFile == ""):
		l.add(p, CodeRequired, "%s needs exactly one of input and input_file", label)
	case cf.Input != nil:
		req, err := l.suite.Engine.ParseRequest([]byte(cf.Input.text), l.name)
		l.request(c, req, err, yamlpos.Join(p, "input"))
	default:
		file := l.src.rel(l.name, cf.InputFile)
		data, err := l.src.read(file)
		if err != nil {
			l.add(yamlpos.Join(p, "input_file"), CodeIO, "cannot read quote %s: %v", file, ioCause(err))
			break
		}
		req, err := l.suite.Engine.ParseRequest(data, file)
		l.request(c, req, err, "")
	}
	c.Facts = cf.ApprovalFacts.vars()
	l.checkExpect(c, yamlpos.Join(p, "expect"))
	return c
}

// request takes the parsed input of a case. Problems of an inline input
// are placed in the test file by their path under at; problems of an
// input file keep their own positions. They are problems of the test file
// unless the case expects an error.
func (l *loader) request(c *Case, req *pricing.Request, err error, at string) {
	if err == nil {
		c.Request = req
		return
	}
	var ins pricing.InputErrors
	if !errors.As(err, &ins) {
		l.add(at, CodeInvalid, "%v", err)
		return
	}
	if at != "" {
		moved := make(pricing.InputErrors, len(ins))
		for i, e := range ins {
			m := *e
			m.Pos, m.Path = l.d.At(yamlpos.Join(at, e.Path)), yamlpos.Join(at, e.Path)
			moved[i] = &m
		}
		ins = moved
	}
	if c.Expect.Error != "" {
		c.InputErr = ins
		return
	}
	for _, e := range ins {
		l.errs = append(l.errs, &Error{Pos: e.Pos, Path: e.Path, Code: e.Code, Message: e.Message})
	}
}

// checkExpect checks the expectations' references against the catalog.
func (l *loader) checkExpect(c *Case, p string) {
	if e := c.Expect; e.Error != "" && (len(e.Lines) > 0 || e.Totals != nil || e.Approvals != nil) {
		l.add(yamlpos.Join(p, "error"), CodeInvalid, "a case that expects an error expects nothing else: pricing fails, so there are no lines, totals or approvals")
	}
	cat := l.suite.Catalog
	var rules, schedules, approvals []string
	for _, r := range cat.PriceRules {
		rules = append(rules, r.ID)
	}
	for _, s := range cat.DiscountSchedules {
		schedules = append(schedules, s.ID)
	}
	for _, a := range cat.ApprovalRules {
		approvals = append(approvals, a.ID)
	}
	ids := func(lp, key, what string, list []string, known ...[]string) {
		var all []string
		for _, k := range known {
			all = append(all, k...)
		}
		for i, id := range list {
			if !contains(all, id) {
				l.add(yamlpos.Index(yamlpos.Join(lp, key), i), CodeReference, "unknown %s %q%s", what, id, didYouMean(id, all))
			}
		}
	}
	for _, le := range c.Expect.Lines {
		lp := yamlpos.Join(yamlpos.Join(p, "lines"), le.ID)
		ids(lp, "rules", "price rule", le.Rules, rules)
		ids(lp, "schedules", "discount schedule", le.Schedules, schedules)
		ids(lp, "not_rules", "price rule or discount schedule", le.NotRules, rules, schedules)
		if _, err := cat.Product(le.Product); le.Product != "" && err != nil {
			var skus []string
			for _, pr := range cat.Products {
				skus = append(skus, pr.SKU)
			}
			l.add(yamlpos.Join(lp, "product"), CodeReference, "unknown product %q%s", le.Product, didYouMean(le.Product, skus))
		}
		for i, s := range le.Steps {
			sp := yamlpos.Index(yamlpos.Join(lp, "steps"), i)
			if s == nil || s.Kind == "" {
				l.add(sp, CodeRequired, "a step needs its kind (list, surcharge, schedule, rule, rounding, …)")
				continue
			}
			if !contains(stepKinds, s.Kind) {
				l.add(yamlpos.Join(sp, "kind"), CodeInvalid, "unknown step kind %q%s", s.Kind, didYouMean(s.Kind, stepKinds))
			}
		}
	}
	if c.Expect.Approvals != nil {
		ids(p, "approvals", "approval rule", *c.Expect.Approvals, approvals)
	}
}

var stepKinds = []string{
	string(pricing.StepList), string(pricing.StepCost), string(pricing.StepMarkup), string(pricing.StepMargin),
	string(pricing.StepBound), string(pricing.StepContracted), string(pricing.StepSurcharge), string(pricing.StepProration),
	string(pricing.StepUplift), string(pricing.StepConversion), string(pricing.StepRule), string(pricing.StepSchedule),
	string(pricing.StepManual), string(pricing.StepHeader), string(pricing.StepRounding),
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func didYouMean(s string, candidates []string) string {
	if c := suggest.Closest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// sortErrors orders problems by file, line and column, keeping the order
// found among problems at one position.
func sortErrors(es Errors) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Pos, es[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// position returns where the path of a case's expectation is written.
func (s *Suite) position(p string) catalog.Pos {
	if s.pos == nil {
		return catalog.Pos{File: s.File}
	}
	return s.pos.At(p)
}
