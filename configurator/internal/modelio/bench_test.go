package modelio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func BenchmarkReadDIMACS(b *testing.B) {
	for _, tm := range dimacsModels {
		data, err := os.ReadFile("testdata/fm-benchmark-dimacs/" + tm.file + ".dimacs")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tm.file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ReadDIMACS(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadUVL(b *testing.B) {
	for _, tm := range uvlModels {
		data, err := os.ReadFile("testdata/uvl-models/" + tm.file + ".uvl")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tm.file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ReadUVL(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// syntheticXCSP builds an XCSP 2.1 instance shaped like a real automotive
// table model: 100 variables with domains of 1 to 42 values and 110
// support tables of arity 2 to 10 holding about 195,000 rows in total.
func syntheticXCSP() []byte {
	r := rand.New(rand.NewPCG(7, 8))
	var sb strings.Builder
	sb.WriteString(`<instance><presentation name="synthetic car" format="XCSP 2.1"/>` + "\n<domains>\n")
	const nvars = 100
	size := make([]int, nvars)
	for i := range nvars {
		size[i] = 1 + r.IntN(42)
		fmt.Fprintf(&sb, "<domain name=\"D%d\" nbValues=\"%d\">1..%d</domain>\n", i, size[i], size[i])
	}
	sb.WriteString("</domains>\n<variables>\n")
	for i := range nvars {
		fmt.Fprintf(&sb, "<variable name=\"V%d\" domain=\"D%d\"/>\n", i, i)
	}
	sb.WriteString("</variables>\n<relations>\n")
	var cons strings.Builder
	for k := range 110 {
		arity := 2 + r.IntN(9)
		rows := 1 + r.IntN(3500)
		scope := r.Perm(nvars)[:arity]
		fmt.Fprintf(&sb, "<relation name=\"R%d\" arity=\"%d\" nbTuples=\"%d\" semantics=\"supports\">", k, arity, rows)
		for t := range rows {
			if t > 0 {
				sb.WriteByte('|')
			}
			for j, v := range scope {
				if j > 0 {
					sb.WriteByte(' ')
				}
				fmt.Fprint(&sb, 1+r.IntN(size[v]))
			}
		}
		sb.WriteString("</relation>\n")
		names := make([]string, arity)
		for j, v := range scope {
			names[j] = fmt.Sprintf("V%d", v)
		}
		fmt.Fprintf(&cons, "<constraint name=\"C%d\" arity=\"%d\" scope=\"%s\" reference=\"R%d\"/>\n", k, arity, strings.Join(names, " "), k)
	}
	sb.WriteString("</relations>\n<constraints>\n" + cons.String() + "</constraints>\n</instance>\n")
	return []byte(sb.String())
}

func BenchmarkReadXCSP(b *testing.B) {
	data := syntheticXCSP()
	b.Run("synthetic-car", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ReadXCSP(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCountCNF(b *testing.B) {
	for _, tm := range dimacsModels {
		m := readDIMACSFile(b, tm.file)
		b.Run("dimacs/"+tm.file, func(b *testing.B) {
			for b.Loop() {
				if _, err := CountCNF(m, CountOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, tm := range uvlModels {
		if tm.count == "" {
			continue
		}
		fm := readUVLFile(b, tm.file)
		b.Run("uvl/"+tm.file, func(b *testing.B) {
			for b.Loop() {
				if _, err := CountCNF(fm.Model, CountOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
