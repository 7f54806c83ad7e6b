package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/formula"
)

// ErrUnit is wrapped by the errors of unit conversion: an unknown unit, or
// units of different dimensions (mm and kg).
var ErrUnit = errors.New("incompatible units")

// Measure is an amount with its unit of measure, such as 420 g.
type Measure struct {
	Value decimal.Decimal `json:"value"`
	Unit  string          `json:"unit,omitempty"`
}

// String formats the measure as "420 g".
func (m Measure) String() string {
	if m.Unit == "" {
		return m.Value.String()
	}
	return m.Value.String() + " " + m.Unit
}

// maxMeasureText bounds the text ParseMeasure reads.
const maxMeasureText = 256

// ParseMeasure reads "420 g", "0.42kg" or "12" (no unit).
func ParseMeasure(s string) (Measure, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxMeasureText {
		return Measure{}, fmt.Errorf("amount with a unit longer than %d characters: %w", maxMeasureText, ErrUnit)
	}
	// The amount is the longest prefix of number characters that parses.
	end := strings.IndexFunc(s, func(r rune) bool {
		return !strings.ContainsRune("0123456789+-._eE", r)
	})
	if end < 0 {
		end = len(s)
	}
	for i := end; i > 0; i-- {
		v, err := decimal.NewFromString(strings.ReplaceAll(s[:i], "_", ""))
		if err != nil {
			continue
		}
		if e := v.Exponent(); e > formula.MaxExponent || e < -formula.MaxExponent || len(v.Coefficient().String()) > formula.MaxDigits {
			return Measure{}, fmt.Errorf("%q is too large a number: %w", s, ErrUnit)
		}
		return Measure{Value: v, Unit: strings.TrimSpace(s[i:])}, nil
	}
	return Measure{}, fmt.Errorf("%q is not an amount with a unit: %w", s, ErrUnit)
}

// In converts the measure to unit.
func (m Measure) In(unit string) (decimal.Decimal, error) {
	return ConvertUnit(m.Value, m.Unit, unit)
}

type unitDef struct {
	dimension string
	// factor converts to the dimension's base unit.
	factor decimal.Decimal
}

// units are the units the catalog converts between, each with the factor
// to its dimension's base unit (exact: the inch is 25.4 mm, the pound
// 0.45359237 kg).
var units = func() map[string]unitDef {
	d := decimal.RequireFromString
	table := []struct {
		dim   string
		names []string
		fac   string
	}{
		{"length", []string{"mm"}, "0.001"},
		{"length", []string{"cm"}, "0.01"},
		{"length", []string{"dm"}, "0.1"},
		{"length", []string{"m"}, "1"},
		{"length", []string{"km"}, "1000"},
		{"length", []string{"in"}, "0.0254"},
		{"length", []string{"ft"}, "0.3048"},
		{"area", []string{"mm2", "mm²"}, "0.000001"},
		{"area", []string{"cm2", "cm²"}, "0.0001"},
		{"area", []string{"m2", "m²"}, "1"},
		{"volume", []string{"ml", "cm3", "cm³"}, "0.001"},
		{"volume", []string{"l", "dm3", "dm³"}, "1"},
		{"volume", []string{"m3", "m³"}, "1000"},
		{"mass", []string{"mg"}, "0.000001"},
		{"mass", []string{"g"}, "0.001"},
		{"mass", []string{"kg"}, "1"},
		{"mass", []string{"t"}, "1000"},
		{"mass", []string{"lb"}, "0.45359237"},
		{"force", []string{"N"}, "1"},
		{"force", []string{"kN"}, "1000"},
		{"force", []string{"MN"}, "1000000"},
		{"time", []string{"ms"}, "0.001"},
		{"time", []string{"s"}, "1"},
		{"time", []string{"min"}, "60"},
		{"time", []string{"h"}, "3600"},
		{"power", []string{"W"}, "1"},
		{"power", []string{"kW"}, "1000"},
		{"data", []string{"MB"}, "0.001"},
		{"data", []string{"GB"}, "1"},
		{"data", []string{"TB"}, "1000"},
		{"data", []string{"PB"}, "1000000"},
		{"rate", []string{"1/h", "pcs/h"}, "1"},
		{"rate", []string{"1/min", "pcs/min"}, "60"},
		{"bandwidth", []string{"Mbit/s"}, "0.001"},
		{"bandwidth", []string{"Gbit/s"}, "1"},
	}
	out := map[string]unitDef{}
	for _, row := range table {
		for _, n := range row.names {
			out[n] = unitDef{dimension: row.dim, factor: d(row.fac)}
		}
	}
	return out
}()

// conversionPlaces is the number of decimal places kept when a conversion
// does not end (pounds to tonnes).
const conversionPlaces = 12

// ConvertUnit converts value from one unit to another of the same
// dimension (mm to m, kg to t, GB to TB). Equal units, known or not,
// convert as they are.
func ConvertUnit(value decimal.Decimal, from, to string) (decimal.Decimal, error) {
	if from == to {
		return value, nil
	}
	f, okf := units[from]
	t, okt := units[to]
	switch {
	case !okf && from != "":
		return decimal.Decimal{}, fmt.Errorf("unknown unit %q: %w", from, ErrUnit)
	case !okt && to != "":
		return decimal.Decimal{}, fmt.Errorf("unknown unit %q: %w", to, ErrUnit)
	case !okf || !okt || f.dimension != t.dimension:
		return decimal.Decimal{}, fmt.Errorf("cannot convert %s to %s: %w", unitName(from), unitName(to), ErrUnit)
	}
	return value.Mul(f.factor).DivRound(t.factor, conversionPlaces), nil
}

func unitName(u string) string {
	if u == "" {
		return "a plain number"
	}
	return u
}

// UnitsCompatible reports whether amounts in unit a convert to unit b.
func UnitsCompatible(a, b string) bool {
	_, err := ConvertUnit(decimal.NewFromInt(1), a, b)
	return err == nil
}

// Units lists the units ConvertUnit knows, sorted.
func Units() []string {
	out := make([]string, 0, len(units))
	for u := range units {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}
