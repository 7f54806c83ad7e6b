package csp

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// readDIMACS is a minimal DIMACS CNF reader for tests: variable i becomes
// a boolean variable i-1 with values "0" and "1"; literal +i is Val 1,
// literal -i is Val 0. Comments "c <i> <name>" name variables.
func readDIMACS(r io.Reader) (*Model, error) {
	m := &Model{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	names := map[int]string{}
	var lits []Lit
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		switch f[0] {
		case "c":
			if len(f) >= 3 {
				if i, err := strconv.Atoi(f[1]); err == nil {
					names[i] = f[2]
				}
			}
			continue
		case "p":
			if len(f) != 4 || f[1] != "cnf" {
				return nil, fmt.Errorf("bad problem line %q", line)
			}
			n, err := strconv.Atoi(f[2])
			if err != nil {
				return nil, fmt.Errorf("bad variable count: %w", err)
			}
			for i := 1; i <= n; i++ {
				name := names[i]
				if name == "" {
					name = strconv.Itoa(i)
				}
				m.Vars = append(m.Vars, Var{Name: name, Values: []string{"0", "1"}})
			}
			continue
		}
		for _, tok := range f {
			x, err := strconv.Atoi(tok)
			if err != nil {
				return nil, fmt.Errorf("bad literal %q: %w", tok, err)
			}
			if x == 0 {
				m.Constraints = append(m.Constraints, Constraint{
					Name: fmt.Sprintf("clause %d", len(m.Constraints)+1), Kind: KindClause, Lits: lits})
				lits = nil
				continue
			}
			v := x
			val := 1
			if x < 0 {
				v, val = -x, 0
			}
			if v > len(m.Vars) {
				return nil, fmt.Errorf("literal %d beyond %d variables", x, len(m.Vars))
			}
			lits = append(lits, Lit{Var: v - 1, Val: val})
		}
	}
	return m, sc.Err()
}

var automotive01 = sync.OnceValues(func() (*Model, error) {
	f, err := os.Open("testdata/automotive01.dimacs")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readDIMACS(f)
})

func loadAutomotive01(tb testing.TB) *Model {
	tb.Helper()
	m, err := automotive01()
	if err != nil {
		tb.Fatalf("read automotive01: %v", err)
	}
	return m
}
