package modelio

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

// fuzzLimits keep every fuzz input small in memory and time.
var fuzzLimits = Limits{MaxVars: 200, MaxConstraints: 400, MaxCells: 4000, MaxDepth: 50}

// checkModel asserts the invariants every reader guarantees.
func checkModel(t *testing.T, m *csp.Model) {
	for i, c := range m.Constraints {
		for _, l := range c.Lits {
			if l.Var < 0 || l.Var >= len(m.Vars) || l.Val < 0 || l.Val >= len(m.Vars[l.Var].Values) {
				t.Fatalf("constraint %d: literal %+v out of range", i, l)
			}
		}
		for _, v := range c.Scope {
			if v < 0 || v >= len(m.Vars) {
				t.Fatalf("constraint %d: scope variable %d out of range", i, v)
			}
		}
		for _, tup := range c.Tuples {
			if len(tup) != len(c.Scope) {
				t.Fatalf("constraint %d: tuple %v does not fit scope %v", i, tup, c.Scope)
			}
			for j, x := range tup {
				if x < 0 || x >= len(m.Vars[c.Scope[j]].Values) {
					t.Fatalf("constraint %d: value %d out of domain", i, x)
				}
			}
		}
	}
}

func checkErr(t *testing.T, err error) {
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is not a *ParseError: %T %v", err, err)
	}
	if pe.Line < 1 || pe.Column < 0 {
		t.Fatalf("bad position in %v", err)
	}
	if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrLimit) {
		t.Fatalf("error wraps no sentinel: %v", err)
	}
}

func addFileSeed(f *testing.F, path string, maxBytes int) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	if len(b) > maxBytes {
		b = b[:maxBytes]
	}
	f.Add(b)
}

func FuzzReadDIMACS(f *testing.F) {
	for _, s := range []string{
		"p cnf 3 2\n1 -2 0\n3 0\n",
		"c 1 A\nc 2 B b\np cnf 2 1\n1 2\n0\n%\n",
		"p cnf 0 0\n",
		"p cnf 2 1\n1 2",
		"p cnf 1 1\n2 0\n",
		"1 0\n",
		"p cnf 99999999999999999999 1\n",
		"p cnf 2 1\n-0 0\n",
	} {
		f.Add([]byte(s))
	}
	addFileSeed(f, "testdata/fm-benchmark-dimacs/database__berkeleydb__Hierons2020.dimacs", 8000)
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ReadDIMACSLimits(bytes.NewReader(in), fuzzLimits)
		if err != nil {
			checkErr(t, err)
			return
		}
		checkModel(t, m)
		if len(m.Vars) <= 12 {
			n, err := CountCNF(m, CountOptions{MaxNodes: 10000})
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteCount(m); n.Int64() != want {
				t.Fatalf("count %v, brute force %d", n, want)
			}
		}
	})
}

func FuzzReadUVL(f *testing.F) {
	for _, s := range []string{
		carUVL,
		"features\n\tR\n\t\t[1..2]\n\t\t\tA\n\t\t\tB\n\t\t\tC\nconstraints\n\t(A <=> B) => !C | R\n",
		"namespace N\ninclude\n\tBoolean.*\nfeatures\n\tBoolean \"R x\" {a [1, 'b', {c -2.5}]}\n\t\tor\n\t\t\tA {constraint A => R}\n",
		"features\n\tR\n\t\talternative\n\t\t\tA\n\t\t  B\n",
		"features\n\tA\nconstraints\n\tA + A > 2\n",
		"imports\n\tx\n",
		"features\n\tR /* open",
	} {
		f.Add([]byte(s))
	}
	addFileSeed(f, "testdata/uvl-models/berkeleydb.uvl", 5000)
	f.Fuzz(func(t *testing.T, in []byte) {
		fm, err := ReadUVLLimits(bytes.NewReader(in), fuzzLimits)
		if err != nil {
			checkErr(t, err)
			return
		}
		checkModel(t, fm.Model)
		if len(fm.Features) > len(fm.Model.Vars) || fm.Features[0].Parent != -1 {
			t.Fatal("features do not lead the variables")
		}
		if len(fm.Model.Vars) <= 12 {
			n, err := CountCNF(fm.Model, CountOptions{MaxNodes: 10000})
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteCount(fm.Model); n.Int64() != want {
				t.Fatalf("count %v, brute force %d", n, want)
			}
		}
	})
}

func FuzzReadXCSP(f *testing.F) {
	for _, s := range []string{
		xcspHead + `<relations><relation name="R" arity="2" nbTuples="2" semantics="conflicts">0 1|1 0</relation></relations>
<constraints><constraint name="C" arity="2" scope="X Y" reference="R"/></constraints></instance>`,
		"<instance><domains><domain name=\"D\">1..3 7</domain></domains></instance>",
		"<instance><predicates/></instance>",
		"<instance>",
		"<x/>",
		`<?xml version="1.0" encoding="ISO-8859-1"?><instance/>`,
	} {
		f.Add([]byte(s))
	}
	addFileSeed(f, "testdata/car.xml", 5000)
	addFileSeed(f, "testdata/queens4.xml", 5000)
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ReadXCSPLimits(bytes.NewReader(in), fuzzLimits)
		if err != nil {
			checkErr(t, err)
			return
		}
		checkModel(t, m)
	})
}
