package catalog

import (
	"errors"
	"fmt"
	"github.com/cpqkit/cpq/internal/yamlpos"
	"sort"
	"strings"
)

// Pos is a position in a catalog file. Line and Column are 1-based; a zero
// Line means the position is unknown (a catalog built in Go).
type Pos = yamlpos.Pos

// The stable codes of catalog problems. Formula problems carry the formula
// package's codes.
const (
	CodeSyntax           = "catalog.syntax"
	CodeUnknownKey       = "catalog.unknown-key"
	CodeDuplicateKey     = "catalog.duplicate-key"
	CodeType             = "catalog.type"
	CodeRequired         = "catalog.required"
	CodeInvalid          = "catalog.invalid"
	CodeDuplicateID      = "catalog.duplicate-id"
	CodeUnknownReference = "catalog.unknown-reference"
	CodeEmptyDomain      = "catalog.empty-domain"
	CodeRange            = "catalog.range"
	CodeTierOverlap      = "catalog.tier-overlap"
	CodeCycle            = "catalog.cycle"
	CodeConflict         = "catalog.conflict"
	CodeVersion          = "catalog.version"
)

// ErrInvalid is matched by every error that reports problems in a catalog.
var ErrInvalid = errors.New("invalid catalog")

// Error is one problem in a catalog, at a position and a path such as
// products[3].attributes[1].values.
type Error struct {
	Pos     Pos
	Path    string
	Code    string
	Message string
	// Err is the underlying error, if any (a formula error).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	b.WriteString(e.Code)
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Path != "" {
		b.WriteString(" (at ")
		b.WriteString(e.Path)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is makes every *Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Errors is every problem found in a catalog, in file order.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no problems"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems in catalog:", len(es))
	for _, e := range es {
		b.WriteString("\n")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the problems as errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Is makes Errors match ErrInvalid.
func (es Errors) Is(target error) bool { return target == ErrInvalid }

func (es Errors) sort() {
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

// problems collects the problems of one load or check, with the positions of
// every path decoded so far.
type problems struct {
	file string
	errs Errors
	pos  map[string]Pos
}

func newProblems(file string) *problems {
	return &problems{file: file, pos: map[string]Pos{}}
}

// at returns the position recorded for path, or for its nearest recorded
// ancestor.
func (p *problems) at(path string) Pos {
	for {
		if pos, ok := p.pos[path]; ok {
			return pos
		}
		if path == "" {
			return Pos{File: p.file}
		}
		path = parentPath(path)
	}
}

func (p *problems) add(pos Pos, path, code, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// addAt reports a problem at the recorded position of path.
func (p *problems) addAt(path, code, format string, args ...any) {
	p.add(p.at(path), path, code, format, args...)
}

func parentPath(path string) string { return yamlpos.Parent(path) }

func joinPath(parent, key string) string { return yamlpos.Join(parent, key) }

func indexPath(parent string, i int) string { return yamlpos.Index(parent, i) }
