package modelio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// maxLineBytes bounds one line of a line-oriented input.
const maxLineBytes = 16 << 20

// ReadDIMACS reads a DIMACS CNF file with the default Limits.
//
// The reader is strict about structure and lenient about comments:
//
//   - exactly one problem line "p cnf V C" must precede the first clause;
//   - every literal is a non-zero integer whose magnitude is at most V;
//   - clauses end with 0 and may span lines; a clause without its 0 at the
//     end of the input is an error, and so is a clause count other than C;
//   - comment lines ("c ...") may appear anywhere; a comment "c N Name" with
//     1 <= N <= V names variable N (the rest of the line, trimmed; a later
//     comment for the same N wins); other comments are ignored;
//   - a line holding only "%" ends the input (as in the SATLIB files).
//
// Variable i (0-based) of the model is DIMACS variable i+1, a boolean with
// values "false", "true"; its name is the comment name or the number.
// Clause k (1-based, in file order) is a KindClause constraint named
// "clause k" with the clause's literals (duplicates and tautologies kept as
// written).
func ReadDIMACS(r io.Reader) (*csp.Model, error) {
	return ReadDIMACSLimits(r, Limits{})
}

// ReadDIMACSLimits is ReadDIMACS with explicit limits.
func ReadDIMACSLimits(r io.Reader, lim Limits) (*csp.Model, error) {
	lim = lim.withDefaults()
	d := dimacsReader{lim: lim, names: map[int]string{}}
	if err := d.read(r); err != nil {
		return nil, err
	}
	return d.model(), nil
}

type dimacsReader struct {
	lim        Limits
	names      map[int]string
	header     bool
	headerLine int
	nvars      int
	nclauses   int
	clauses    [][]int
	cur        []int
	open       bool // a clause has started and not ended
	curLine    int
	cells      int
	line       int
}

func (d *dimacsReader) errAt(line, col int, sentinel error, format string, args ...any) error {
	return &ParseError{Format: "dimacs", Line: line, Column: col, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// readLine returns the next line without its terminator, or io.EOF.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	buf = buf[:0]
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLineBytes {
			return nil, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(buf) > 0 {
			err = nil
		}
		if err != nil {
			return nil, err
		}
		buf = trimEOL(buf)
		return buf, nil
	}
}

var errLineTooLong = errors.New("line too long")

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// field is one whitespace-separated word of a line and its 1-based column.
type field struct {
	b   []byte // aliases the line
	col int
}

func (f field) text() string { return string(f.b) }

// atoi parses a decimal integer of at most 9 digits with an optional sign;
// ok is false otherwise.
func atoi(b []byte) (n int, ok bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func splitFields(line []byte, dst []field) []field {
	dst = dst[:0]
	col := 1
	for i := 0; i < len(line); {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' {
			i++
			col++
			continue
		}
		start, startCol := i, col
		for i < len(line) {
			c = line[i]
			if c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' {
				break
			}
			_, size := utf8.DecodeRune(line[i:])
			i += size
			col++
		}
		dst = append(dst, field{b: line[start:i], col: startCol})
	}
	return dst
}

func (d *dimacsReader) read(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	var fields []field
	for {
		line, err := readLine(br, buf)
		if err == io.EOF {
			break
		}
		d.line++
		if err == errLineTooLong {
			return d.errAt(d.line, 0, ErrLimit, "line longer than %d bytes", maxLineBytes)
		}
		if err != nil {
			return fmt.Errorf("dimacs: read line %d: %w", d.line, err)
		}
		buf = line
		fields = splitFields(line, fields)
		if len(fields) == 0 {
			continue
		}
		first := fields[0].b
		switch {
		case first[0] == 'c':
			d.comment(line)
			continue
		case string(first) == "%":
			return d.finish()
		case string(first) == "p":
			if err := d.problem(fields); err != nil {
				return err
			}
			continue
		}
		if err := d.literals(fields); err != nil {
			return err
		}
	}
	return d.finish()
}

func (d *dimacsReader) comment(line []byte) {
	s := strings.TrimSpace(string(line))
	s = strings.TrimSpace(s[1:]) // drop the 'c' (or the rest of a word like "cc")
	num, rest, ok := strings.Cut(s, " ")
	if !ok {
		num, rest, ok = strings.Cut(s, "\t")
	}
	if !ok {
		return
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > d.lim.MaxVars {
		return
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return
	}
	d.names[n] = rest
}

func (d *dimacsReader) problem(fields []field) error {
	if d.header {
		return d.errAt(d.line, fields[0].col, ErrSyntax, "second problem line (first at line %d)", d.headerLine)
	}
	if len(fields) != 4 {
		return d.errAt(d.line, fields[0].col, ErrSyntax, "problem line must be \"p cnf VARIABLES CLAUSES\"")
	}
	if fields[1].text() != "cnf" {
		return d.errAt(d.line, fields[1].col, ErrUnsupported, "problem format %q, want \"cnf\"", fields[1].text())
	}
	v, err := strconv.Atoi(fields[2].text())
	if err != nil || v < 0 {
		return d.errAt(d.line, fields[2].col, ErrSyntax, "invalid variable count %q", fields[2].text())
	}
	c, err := strconv.Atoi(fields[3].text())
	if err != nil || c < 0 {
		return d.errAt(d.line, fields[3].col, ErrSyntax, "invalid clause count %q", fields[3].text())
	}
	if v > d.lim.MaxVars {
		return d.errAt(d.line, fields[2].col, ErrLimit, "%d variables exceed the limit of %d", v, d.lim.MaxVars)
	}
	if c > d.lim.MaxConstraints {
		return d.errAt(d.line, fields[3].col, ErrLimit, "%d clauses exceed the limit of %d", c, d.lim.MaxConstraints)
	}
	d.header, d.headerLine, d.nvars, d.nclauses = true, d.line, v, c
	d.clauses = make([][]int, 0, min(c, 1<<16))
	return nil
}

func (d *dimacsReader) literals(fields []field) error {
	if !d.header {
		return d.errAt(d.line, fields[0].col, ErrSyntax, "clause before the problem line")
	}
	for _, f := range fields {
		lit, ok := atoi(f.b)
		if !ok {
			if _, err := strconv.Atoi(f.text()); err == nil {
				return d.errAt(d.line, f.col, ErrSyntax, "literal %s out of range: %d variables declared", f.text(), d.nvars)
			}
			return d.errAt(d.line, f.col, ErrSyntax, "invalid literal %q", f.text())
		}
		if !d.open {
			if len(d.clauses) == d.nclauses {
				return d.errAt(d.line, f.col, ErrSyntax, "more clauses than the %d declared on line %d", d.nclauses, d.headerLine)
			}
			d.open, d.curLine = true, d.line
		}
		if lit == 0 {
			d.clauses = append(d.clauses, d.cur)
			d.cur, d.open = nil, false
			continue
		}
		if lit < -d.nvars || lit > d.nvars {
			return d.errAt(d.line, f.col, ErrSyntax, "literal %d out of range: %d variables declared", lit, d.nvars)
		}
		d.cells++
		if d.cells > d.lim.MaxCells {
			return d.errAt(d.line, f.col, ErrLimit, "more than %d literals", d.lim.MaxCells)
		}
		d.cur = append(d.cur, lit)
	}
	return nil
}

func (d *dimacsReader) finish() error {
	if !d.header {
		return d.errAt(max(d.line, 1), 0, ErrSyntax, "missing problem line \"p cnf VARIABLES CLAUSES\"")
	}
	if d.open {
		return d.errAt(d.line, 0, ErrSyntax, "clause starting on line %d is not terminated by 0", d.curLine)
	}
	if len(d.clauses) != d.nclauses {
		return d.errAt(max(d.line, 1), 0, ErrSyntax, "found %d clauses, the problem line (line %d) declares %d", len(d.clauses), d.headerLine, d.nclauses)
	}
	return nil
}

func (d *dimacsReader) model() *csp.Model {
	m := &csp.Model{Vars: make([]csp.Var, d.nvars), Constraints: make([]csp.Constraint, len(d.clauses))}
	for i := range m.Vars {
		name, ok := d.names[i+1]
		if !ok {
			name = strconv.Itoa(i + 1)
		}
		m.Vars[i] = csp.Var{Name: name, Values: []string{"false", "true"}}
	}
	var sb strings.Builder
	for k, cl := range d.clauses {
		lits := make([]csp.Lit, len(cl))
		sb.Reset()
		for j, l := range cl {
			v := l
			if v < 0 {
				v = -v
			}
			lits[j] = csp.Lit{Var: v - 1, Val: 1, Neg: l < 0}
			if j > 0 {
				sb.WriteString(" | ")
			}
			if l < 0 {
				sb.WriteByte('!')
			}
			sb.WriteString(m.Vars[v-1].Name)
		}
		m.Constraints[k] = csp.Constraint{
			Name: "clause " + strconv.Itoa(k+1),
			Text: sb.String(),
			Kind: csp.KindClause,
			Lits: lits,
		}
	}
	return m
}
