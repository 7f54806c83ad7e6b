package catalog

import (
	"fmt"
	"io"
	"io/fs"
)

// MaxFileSize is the largest catalog file Load accepts.
const MaxFileSize = 64 << 20

// Load reads a catalog written in YAML or JSON from r and checks it. name is
// the file name used in positions. On any problem it returns nil and an
// Errors value listing every problem found, in file order.
func Load(r io.Reader, name string) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read catalog %s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{Pos: Pos{File: name}, Code: CodeSyntax, Message: fmt.Sprintf("catalog file is larger than %d bytes", MaxFileSize)}}
	}
	return Parse(data, name)
}

// LoadFS reads and checks the catalog file name from fsys.
func LoadFS(fsys fs.FS, name string) (*Catalog, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	defer f.Close()
	return Load(f, name)
}

// Parse decodes and checks a catalog from YAML or JSON bytes.
func Parse(data []byte, name string) (*Catalog, error) {
	p := newProblems(name)
	c := &Catalog{}
	parseDocument(data, p, c)
	c.Pos = Pos{File: name, Line: 1, Column: 1}
	if len(p.errs) > 0 && c.ID == "" && len(c.Products) == 0 && p.errs[0].Code == CodeSyntax {
		return nil, p.errs
	}
	check(c, p)
	if len(p.errs) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	return c, nil
}

// Build checks a catalog built in Go code, exactly as Load checks a file,
// and readies it for use. The catalog must not be modified afterwards.
func Build(c *Catalog) (*Catalog, error) {
	if c == nil {
		return nil, Errors{{Code: CodeRequired, Message: "no catalog"}}
	}
	p := newProblems(c.Pos.File)
	check(c, p)
	if len(p.errs) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	return c, nil
}
