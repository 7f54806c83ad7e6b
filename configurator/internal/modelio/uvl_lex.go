package modelio

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokIdent  tokKind = iota + 1 // unquoted identifier or keyword
	tokQuoted                    // "quoted identifier"
	tokString                    // 'string'
	tokInt
	tokFloat
	tokPunct // operators and brackets
)

type token struct {
	kind      tokKind
	text      string // identifier without quotes, operator, number
	line, col int
	off, end  int // byte offsets in the source
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }

// keyword reports whether t is the unquoted keyword kw.
func (t token) keyword(kw string) bool { return t.is(tokIdent, kw) }

// uvlLine is one logical line: its indentation and tokens. A line continues
// past a newline while brackets are open.
type uvlLine struct {
	indent string
	line   int
	toks   []token
}

type uvlLexer struct {
	src       string
	pos       int
	line, col int
	lineStart int
	depth     int
	lines     []uvlLine
	cur       *uvlLine
	lim       Limits
	ntok      int
}

func (lx *uvlLexer) errf(line, col int, sentinel error, format string, args ...any) error {
	return &ParseError{Format: "uvl", Line: line, Column: col, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func (lx *uvlLexer) advance(n int) {
	for i := 0; i < n; {
		_, size := utf8.DecodeRuneInString(lx.src[lx.pos:])
		if lx.src[lx.pos] == '\n' {
			lx.line++
			lx.col = 1
			lx.pos += size
			lx.lineStart = lx.pos
		} else {
			lx.col++
			lx.pos += size
		}
		i += size
	}
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool {
	if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
		return true
	}
	switch r {
	case '#', '§', '%', '?', '\\', '\'', ';':
		return true
	}
	return false
}

var uvlOps = []string{"<=>", "=>", "==", "<=", ">=", "!=", "..", "<", ">", "!", "&", "|", "+", "-", "*", "/", ",", "(", ")", "[", "]", "{", "}", "."}

func lexUVL(src string, lim Limits) ([]uvlLine, error) {
	lx := &uvlLexer{src: src, line: 1, col: 1, lim: lim}
	if strings.HasPrefix(src, "\uFEFF") {
		lx.pos = len("\uFEFF")
		lx.lineStart = lx.pos
	}
	for lx.pos < len(src) {
		c := src[lx.pos]
		switch {
		case c == '\n':
			if lx.depth == 0 {
				lx.cur = nil
			}
			lx.advance(1)
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.advance(1)
			continue
		case strings.HasPrefix(src[lx.pos:], "//"):
			for lx.pos < len(src) && src[lx.pos] != '\n' {
				lx.advance(1)
			}
			continue
		case strings.HasPrefix(src[lx.pos:], "/*"):
			line, col := lx.line, lx.col
			end := strings.Index(src[lx.pos+2:], "*/")
			if end < 0 {
				return nil, lx.errf(line, col, ErrSyntax, "unterminated comment")
			}
			lx.advance(end + 4)
			continue
		}
		tok, err := lx.token()
		if err != nil {
			return nil, err
		}
		lx.ntok++
		if lx.ntok > lim.MaxCells {
			return nil, lx.errf(tok.line, tok.col, ErrLimit, "more than %d tokens", lim.MaxCells)
		}
		if lx.cur == nil {
			i := lx.lineStart
			for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
				i++
			}
			lx.lines = append(lx.lines, uvlLine{indent: src[lx.lineStart:i], line: tok.line})
			lx.cur = &lx.lines[len(lx.lines)-1]
		}
		lx.cur.toks = append(lx.cur.toks, tok)
	}
	return lx.lines, nil
}

func (lx *uvlLexer) token() (token, error) {
	src := lx.src
	t := token{line: lx.line, col: lx.col, off: lx.pos}
	r, size := utf8.DecodeRuneInString(src[lx.pos:])
	switch {
	case r == '"' || r == '\'':
		end := lx.pos + 1
		for end < len(src) && src[end] != byte(r) && src[end] != '\n' {
			end++
		}
		if end >= len(src) || src[end] != byte(r) {
			return t, lx.errf(t.line, t.col, ErrSyntax, "unterminated %s", map[rune]string{'"': "quoted name", '\'': "string"}[r])
		}
		t.kind = tokQuoted
		if r == '\'' {
			t.kind = tokString
		}
		t.text = src[lx.pos+1 : end]
		if t.kind == tokQuoted && t.text == "" {
			return t, lx.errf(t.line, t.col, ErrSyntax, "empty quoted name")
		}
		lx.advance(end + 1 - lx.pos)
	case r >= '0' && r <= '9':
		end := lx.pos
		for end < len(src) && src[end] >= '0' && src[end] <= '9' {
			end++
		}
		t.kind = tokInt
		if end+1 < len(src) && src[end] == '.' && src[end+1] >= '0' && src[end+1] <= '9' {
			end++
			for end < len(src) && src[end] >= '0' && src[end] <= '9' {
				end++
			}
			t.kind = tokFloat
		}
		t.text = src[lx.pos:end]
		lx.advance(end - lx.pos)
	case isIdentStart(r):
		end := lx.pos + size
		for end < len(src) {
			r2, s2 := utf8.DecodeRuneInString(src[end:])
			if !isIdentPart(r2) {
				break
			}
			end += s2
		}
		t.kind = tokIdent
		t.text = src[lx.pos:end]
		lx.advance(end - lx.pos)
	default:
		for _, op := range uvlOps {
			if strings.HasPrefix(src[lx.pos:], op) {
				t.kind, t.text = tokPunct, op
				switch op {
				case "(", "[", "{":
					lx.depth++
					if lx.depth > lx.lim.MaxDepth {
						return t, lx.errf(t.line, t.col, ErrLimit, "brackets nested deeper than %d", lx.lim.MaxDepth)
					}
				case ")", "]", "}":
					if lx.depth > 0 {
						lx.depth--
					}
				}
				lx.advance(len(op))
				t.end = lx.pos
				return t, nil
			}
		}
		if r == utf8.RuneError && size == 1 {
			return t, lx.errf(t.line, t.col, ErrSyntax, "invalid UTF-8")
		}
		return t, lx.errf(t.line, t.col, ErrSyntax, "unexpected character %q", r)
	}
	t.end = lx.pos
	return t, nil
}
