package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The housing, from the catalog: 42.5 g part plus a 6 g runner shared by 4
// cavities, 3 % scrap, a 150 t press at 52 EUR/h, 28 s cycle, labour 32
// EUR/h at half an operator per press, 3 h set-up over a batch of 5,000, a
// 38,000 EUR mould over 500,000 shots of 4 parts, 12 % overhead on
// material, machine, labour and set-up, 28 % margin on price.
//
// Per part, whatever the resin:
//
//	machine = 52 × 28 / 3600 / 4          = 0.101111…
//	labour  = 32 × 0.5 × 28 / 3600 / 4    = 0.031111…
//	setup   = 3 × (52 + 32) / 5000        = 0.0504
//	tooling = 38000 / (500000 × 4)        = 0.019
//
// and material = (42.5 + 6/4) / 1000 × resin price × 1.03 = 0.044 × price
// × 1.03:
//
//	ABS  2.45: material 0.111034, overhead 0.12 × 0.293656… = 0.035239,
//	           cost 0.347895, price cost / 0.72 = 0.483187
//	PC   3.80: material 0.172216, overhead 0.12 × 0.354838… = 0.042581,
//	           cost 0.416419, price 0.578359
//	PA66 4.10: material 0.185812, overhead 0.12 × 0.368434… = 0.044212,
//	           cost 0.431646, price 0.599509
func TestRun(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(context.Background(), &buf))
	out := buf.String()
	t.Log("\n" + out)

	for _, want := range [][]string{
		{"material", "0.1110", "0.1722", "0.1858"},
		{"machine", "0.1011", "0.1011", "0.1011"},
		{"labour", "0.0311", "0.0311", "0.0311"},
		{"setup", "0.0504", "0.0504", "0.0504"},
		{"tooling", "0.0190", "0.0190", "0.0190"},
		{"overhead", "0.0352", "0.0426", "0.0442"},
		{"unit", "cost", "0.3479", "0.4164", "0.4316"},
		{"price", "at", "28", "%", "margin", "0.4832", "0.5784", "0.5995"},
	} {
		assert.Equal(t, want, row(t, out, want[0]), "cost build-up row %s", want[0])
	}

	// PC at 0.5783594568 a part before discount (cost 0.4164188089); the
	// line total is rounded to the cent after the volume discount, and the
	// unit price is shown to the cent:
	//   5,000: no tier,   × 5000 = 2891.7972… → 2891.80 (0.58 a part),
	//          margin (2891.80 − 2082.0940) / 2891.80 = 28.00 %
	//  20,000: 3 % off,   0.5610086731 × 20000 = 11220.1734… → 11220.17
	//          (0.56), margin (11220.17 − 8328.3762) / 11220.17 = 25.77 %
	//  60,000: 6 % off,   0.5436578894 × 60000 = 32619.4733… → 32619.47
	//          (0.54), margin (32619.47 − 24985.1285) / 32619.47 = 23.40 %
	assert.Equal(t, []string{"5000", "none", "(below", "10000", "parts)", "0.58", "2891.80", "EUR", "28.00", "%"}, row(t, out, "5000"))
	assert.Equal(t, []string{"20000", "tier", "10000–49999:", "3%", "off", "0.56", "11220.17", "EUR", "25.77", "%"}, row(t, out, "20000"))
	assert.Equal(t, []string{"60000", "tier", "50000+:", "6%", "off", "0.54", "32619.47", "EUR", "23.40", "%"}, row(t, out, "60000"))

	// 120 × 80 mm = 96 cm² per cavity × 4 cavities × 0.35 t/cm² = 134.4 t;
	// the shot 42.5 g × 4 × 1.25 = 212.5 g; the mould 120 + 200 = 320 mm
	// between the tie bars. P80 has only 80 t; P150 (150 t, 420 g, 470 mm)
	// is the smallest press that does the job.
	assert.Contains(t, out, "Press for a 120 × 80 mm part, 42.5 g shot, 4 cavities:\n"+
		"  needs clamp_force ≥ 134.4 t\n"+
		"  needs shot_capacity ≥ 212.5 g\n"+
		"  needs tie_bar_spacing ≥ 320 mm\n"+
		"  selected: MP-CUSTOM on press P150, delivering clamp_force 150 t, shot_capacity 420 g, tie_bar_spacing 470 mm\n")
	// 400 × 300 mm = 1200 cm² × 4 × 0.35 = 1680 t, 250 t at most: 1430 t
	// short; 380 g × 4 × 1.25 = 1900 g, 900 g at most: 1000 g short.
	assert.Contains(t, out, "  no press meets clamp_force ≥ 1680 t\n")
	assert.Contains(t, out, "  nearest: MP-CUSTOM delivers 250 t, 1430 t short\n")
	assert.Contains(t, out, "  nearest: MP-CUSTOM delivers 900 g, 1000 g short\n")
}

// row returns the fields of the first output line whose first field is
// first.
func row(t *testing.T, out, first string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == first {
			return f
		}
	}
	t.Fatalf("no line starts with %q", first)
	return nil
}
