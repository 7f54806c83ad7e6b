package formula_test

import (
	"testing"
	"time"

	"github.com/cpqkit/cpq/formula"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected values below are worked out by hand.
func TestDecimalResults(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"0.1 + 0.2", "0.3"},
		{"qty * 1.1", "13.2"},
		{"qty * unit_cost + setup", "70.5"},
		{"7 / 2", "3.5"},
		{"6 / 3", "2"},
		{"1 / 8", "0.125"},
		{"10 / 3", "3.3333333333333333333333333333"},
		{"2 / 3", "0.6666666666666666666666666667"},
		{"-2 / 3", "-0.6666666666666666666666666667"},
		{"1 / 3 * 3", "0.9999999999999999999999999999"},
		// Ties at the 29th digit go to the even neighbour.
		{"1 / 20000000000000000000000000000.0", "0"},
		{"3 / 20000000000000000000000000000.0", "0.0000000000000000000000000002"},
		{"-3 / 20000000000000000000000000000.0", "-0.0000000000000000000000000002"},
		{"10 % 3", "1"},
		{"-7 % 3", "-1"},
		{"7.5 % 2", "1.5"},
		{"2 ** 10", "1024"},
		{"2 ^ 3", "8"},
		{"1.5 ** 2", "2.25"},
		{"2 ** -2", "0.25"},
		{"10 ** 0", "1"},
		{"-qty", "-12"},
		{"+qty", "12"},
		{"- -qty", "12"},
		{"1_000.50 * 2", "2001"},
		{"0x10 + 0b11 + 0o7", "26"},
		{"2.5e3", "2500"},
		{"1e-3", "0.001"},
		{"0.1000000000000000000000000001 * 10", "1.000000000000000000000000001"},
		// Integer literals beyond int64 need a decimal point.
		{"123456789012345678901234567890.0 + 1", "123456789012345678901234567891"},
		{"9223372036854775807 + 1", "9223372036854775808"},
		{"qty * unit_cost * (1 - discount)", "38.25"},
		{"line.quantity * 2", "300"},
		{`line["quantity"] + attr["cpu-speed"]`, "153.2"},
		{"attr.disk.size / 2", "256"},
		{"rush ? setup * 2 : setup", "51"},
		{"if rush { 1 } else { 2 }", "1"},
		{"let base = qty * unit_cost; base + base * discount", "51.75"},
		{"min(qty, 5, 7.5)", "5"},
		{"max(qty, 5, 7.5)", "12"},
		{"min(qty)", "12"},
		{"abs(-2.5)", "2.5"},
		{"ceil(2.1)", "3"},
		{"ceil(-2.9)", "-2"},
		{"floor(-2.1)", "-3"},
		{"floor(2.9)", "2"},
		{"coalesce(discount, 0)", "0.15"},
		{"sum(sizes)", "13.5"},
		{"sum([0.1, 0.2, 0.3])", "0.6"},
		{"len(tags)", "2"},
		{`len("größe")`, "5"},
		{`decimal("12.50") * 2`, "25"},
		{`indexOf("größe", "e")`, "4"},
		{`indexOf("abc", "z")`, "-1"},
		{`lastIndexOf("a-b-c", "-")`, "3"},
		{`lookup("prices", customer.segment, line.quantity)`, "9.25"},
		{`lookup("prices", "gold", 100.0) * qty`, "114"},
		{`days_between(start, today)`, "43"},
		{`months_between(start, today)`, "1"},
		{`year(today) * 100 + month(today)`, "202603"},
		{`day(today)`, "15"},
	}
	vars := testVars()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p := compile(t, tt.src, formula.TypeDecimal)
			got, err := p.EvalDecimal(vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"round(2.5, 0)", "2"},
		{"round(3.5, 0)", "4"},
		{"round(-2.5, 0)", "-2"},
		{`round(2.5, 0, "half_even")`, "2"},
		{`round(2.5, 0, "half_up")`, "3"},
		{`round(-2.5, 0, "half_up")`, "-3"},
		{`round(2.5, 0, "half_down")`, "2"},
		{`round(2.9, 0, "down")`, "2"},
		{`round(-2.9, 0, "down")`, "-2"},
		{`round(2.1, 0, "up")`, "3"},
		{`round(-2.1, 0, "up")`, "-3"},
		{`round(-2.9, 0, "ceiling")`, "-2"},
		{`round(2.1, 0, "ceiling")`, "3"},
		{`round(-2.1, 0, "floor")`, "-3"},
		{`round(2.9, 0, "floor")`, "2"},
		// 1.005 is below 1.005 as a float64; as a decimal it is a tie.
		{`round(1.005, 2, "half_up")`, "1.01"},
		{`round(1.005, 2)`, "1"},
		{"round(10 / 3, 2)", "3.33"},
		{"round(1234.5, -2)", "1200"},
		{"round(qty * unit_cost * 1.075, 2)", "48.38"},
	}
	vars := testVars()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := compile(t, tt.src, formula.TypeDecimal).EvalDecimal(vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestRoundKeepsPlaces(t *testing.T) {
	got, err := compile(t, "round(qty, 2)", formula.TypeDecimal).EvalDecimal(testVars())
	require.NoError(t, err)
	assert.Equal(t, "12.00", got.StringFixed(-got.Exponent()))
	assert.Equal(t, int32(-2), got.Exponent())
}

func TestRoundModeFromVariable(t *testing.T) {
	schema := formula.Schema{"x": formula.TypeDecimal, "mode": formula.TypeString}
	p, err := formula.Compile("round(x, 0, mode)", formula.Options{Schema: schema})
	require.NoError(t, err)
	got, err := p.EvalDecimal(formula.Vars{"x": dec("2.5"), "mode": "half_up"})
	require.NoError(t, err)
	assert.Equal(t, "3", got.String())
	_, err = p.EvalDecimal(formula.Vars{"x": dec("2.5"), "mode": "sideways"})
	require.ErrorIs(t, err, formula.ErrBadArgument)
}

func TestBoolResults(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"0.1 + 0.2 == 0.3", true},
		{"1.0 == 1", true},
		{"1.10 != 1.1", false},
		{"qty > 10 && qty <= 12", true},
		{"qty >= 12.01 || !rush", false},
		{`customer.segment == "gold" && line.quantity >= 100`, true},
		{`customer.segment == "gold" and not rush`, false},
		{`"a" < "b"`, true},
		{`name != "Widget"`, false},
		{"rush == true", true},
		{`customer.segment in ["gold", "platinum"]`, true},
		{`customer.segment not in ["gold", "platinum"]`, false},
		{`"eu" in tags`, true},
		{`"us" in tags`, false},
		{"qty in [1, 12.0, 20]", true},
		{"2.5 in sizes", true},
		{"3 in sizes", false},
		{`qty in []`, false},
		{"between(qty, 12, 20)", true},
		{"between(qty, 1, 11.99)", false},
		{`between(today, date("2026-01-01"), date("2026-12-31"))`, true},
		{`today > start`, true},
		{`today == date("2026-03-15")`, true},
		{`add_days(start, 43) == today`, true},
		{`name contains "dg"`, true},
		{`name startsWith "Wid"`, true},
		{`name endsWith "x"`, false},
		{`name matches "^W[a-z]+$"`, true},
		{`hasPrefix(line.product, "press")`, true},
		{`hasSuffix(line.product, "-100")`, false},
		{`lookup("prices", "gold", 150) < 9.5`, true},
		{`coalesce(rush, false)`, true},
	}
	vars := testVars()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := compile(t, tt.src, formula.TypeBool).EvalBool(vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestStringResults(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`name + "-" + customer.segment`, "Widget-gold"},
		{`upper(customer.segment)`, "GOLD"},
		{`customer.segment | upper()`, "GOLD"},
		{`lower(customer.region)`, "emea"},
		{`trim("  a b  ")`, "a b"},
		{`trim("xxaxx", "x")`, "a"},
		{`trimPrefix(line.product, "press-")`, "200"},
		{`trimSuffix(line.product, "-200")`, "press"},
		{`replace("a.b.c", ".", "/")`, "a/b/c"},
		{`join(tags, ",")`, "eu,industrial"},
		{`join(split("a;b;c", ";"), "+")`, "a+b+c"},
		{`join(["x", "y"])`, "xy"},
		{`string(qty * 1.5)`, "18"},
		{`string(0.1 + 0.2)`, "0.3"},
		{`string(today)`, "2026-03-15"},
		{`string(rush)`, "true"},
		{`string(name)`, "Widget"},
		{`qty > 10 ? "bulk" : "single"`, "bulk"},
		{`'single quotes'`, "single quotes"},
	}
	vars := testVars()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := compile(t, tt.src, formula.TypeString).EvalString(vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`date("2026-01-31")`, "2026-01-31"},
		// Month-end clamping, leap years (2024, 2000) and a century that
		// is not a leap year (1900).
		{`add_months(date("2026-01-31"), 1)`, "2026-02-28"},
		{`add_months(date("2024-01-31"), 1)`, "2024-02-29"},
		{`add_months(date("2000-01-31"), 1)`, "2000-02-29"},
		{`add_months(date("1900-01-31"), 1)`, "1900-02-28"},
		{`add_months(date("2024-02-29"), 12)`, "2025-02-28"},
		{`add_months(date("2024-03-31"), -1)`, "2024-02-29"},
		{`add_months(date("2026-10-31"), 4)`, "2027-02-28"},
		{`add_months(date("2026-05-15"), -17)`, "2024-12-15"},
		{`add_months(date("2026-01-30"), 1)`, "2026-02-28"},
		{`add_months(date("2026-03-31"), 1)`, "2026-04-30"},
		{`add_days(date("2026-12-31"), 1)`, "2027-01-01"},
		{`add_days(date("2024-02-28"), 1)`, "2024-02-29"},
		{`add_days(date("2023-02-28"), 1)`, "2023-03-01"},
		{`add_days(today, -15)`, "2026-02-28"},
		{`min(today, start)`, "2026-01-31"},
		{`max(today, start, date("2025-12-01"))`, "2026-03-15"},
		{`rush ? today : start`, "2026-03-15"},
	}
	vars := testVars()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := compile(t, tt.src, formula.TypeDate).EvalDate(vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Format("2006-01-02"))
			assert.Equal(t, time.UTC, got.Location())
		})
	}
}

func TestDateDifferences(t *testing.T) {
	tests := []struct {
		src  string
		want int64
	}{
		{`days_between(date("2024-02-28"), date("2024-03-01"))`, 2},
		{`days_between(date("2023-02-28"), date("2023-03-01"))`, 1},
		{`days_between(date("2026-03-01"), date("2026-02-01"))`, -28},
		{`days_between(date("1969-12-31"), date("1970-01-02"))`, 2},
		{`days_between(date("2000-01-01"), date("2100-01-01"))`, 36525},
		{`months_between(date("2026-01-31"), date("2026-02-28"))`, 1},
		{`months_between(date("2026-01-31"), date("2026-02-27"))`, 0},
		{`months_between(date("2024-01-31"), date("2024-02-29"))`, 1},
		{`months_between(date("2026-01-15"), date("2026-02-14"))`, 0},
		{`months_between(date("2026-01-15"), date("2026-02-15"))`, 1},
		{`months_between(date("2026-01-15"), date("2027-01-15"))`, 12},
		{`months_between(date("2027-01-15"), date("2026-01-15"))`, -12},
		{`months_between(date("2026-03-15"), date("2026-03-15"))`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := compile(t, tt.src, formula.TypeDecimal).EvalDecimal(nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.IntPart())
			assert.True(t, got.IsInteger())
		})
	}
}

// A date variable counts only by its calendar date, in its own location.
func TestDateVariableIgnoresTimeOfDay(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	p := compile(t, "today", formula.TypeDate)
	got, err := p.EvalDate(formula.Vars{"today": time.Date(2026, 3, 15, 23, 30, 0, 0, tokyo)})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), got)

	p = compile(t, `today == date("2026-03-15")`, formula.TypeBool)
	ok, err := p.EvalBool(formula.Vars{"today": time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestListResults(t *testing.T) {
	p := compile(t, `split(line.product, "-")`, formula.TypeStringList)
	got, err := p.Eval(testVars())
	require.NoError(t, err)
	assert.Equal(t, []string{"press", "200"}, got)

	p = compile(t, `[qty, 2.5]`, formula.TypeDecimalList)
	got, err = p.Eval(testVars())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "12", got.([]decimal.Decimal)[0].String())
	assert.Equal(t, "2.5", got.([]decimal.Decimal)[1].String())
}

// Integers of any Go integer type are accepted for decimals.
func TestIntegerVariables(t *testing.T) {
	p := compile(t, "qty * unit_cost + setup", formula.TypeDecimal)
	for _, qty := range []any{12, int8(12), int16(12), int32(12), int64(12), uint(12), uint8(12), uint16(12), uint32(12), uint64(12)} {
		got, err := p.EvalDecimal(formula.Vars{"qty": qty, "unit_cost": 3, "setup": dec("25.50")})
		require.NoError(t, err, "%T", qty)
		assert.Equal(t, "61.5", got.String(), "%T", qty)
	}
	// The result is a decimal even when the formula is a bare variable.
	got, err := compile(t, "qty", formula.TypeDecimal).Eval(formula.Vars{"qty": 7})
	require.NoError(t, err)
	assert.Equal(t, decimal.NewFromInt(7), got)
}

func TestCoalesceMissingValues(t *testing.T) {
	p := compile(t, "coalesce(discount, 0.05) * 100", formula.TypeDecimal)
	got, err := p.EvalDecimal(formula.Vars{})
	require.NoError(t, err)
	assert.Equal(t, "5", got.String())

	got, err = p.EvalDecimal(formula.Vars{"discount": nil})
	require.NoError(t, err)
	assert.Equal(t, "5", got.String())

	got, err = p.EvalDecimal(formula.Vars{"discount": dec("0.2")})
	require.NoError(t, err)
	assert.Equal(t, "20", got.String())

	p = compile(t, "coalesce(discount, setup)", formula.TypeDecimal)
	_, err = p.EvalDecimal(formula.Vars{})
	require.ErrorIs(t, err, formula.ErrMissingValue)
}

func TestIntrospection(t *testing.T) {
	src := `lookup("prices", customer.segment, line.quantity) * qty + coalesce(discount, 0) + attr["cpu-speed"]`
	p := compile(t, src, formula.TypeDecimal)
	assert.Equal(t, []string{"attr.cpu-speed", "customer.segment", "discount", "line.quantity", "qty"}, p.Variables())
	assert.Equal(t, []string{"prices"}, p.Tables())
	assert.Equal(t, src, p.Source())
	assert.Equal(t, formula.TypeDecimal, p.ResultType())
	assert.Equal(t, "test/rule", p.Name())

	// A let name is not a variable; a shadowed schema name is not read.
	p = compile(t, "let qty = 2; qty * setup", formula.TypeDecimal)
	assert.Equal(t, []string{"setup"}, p.Variables())

	// The returned slice is a copy.
	p.Variables()[0] = "changed"
	assert.Equal(t, []string{"setup"}, p.Variables())
}

func TestResultTypeInferred(t *testing.T) {
	tests := map[string]formula.Type{
		"qty * 2":                     formula.TypeDecimal,
		"qty > 2":                     formula.TypeBool,
		`name + "x"`:                  formula.TypeString,
		"today":                       formula.TypeDate,
		"tags":                        formula.TypeStringList,
		`split(name, "d")`:            formula.TypeStringList,
		"[1, 2]":                      formula.TypeDecimalList,
		`lookup("prices", "gold", 1)`: formula.TypeDecimal,
	}
	for src, want := range tests {
		assert.Equal(t, want, compile(t, src, formula.TypeAny).ResultType(), src)
	}
}

func TestTypeString(t *testing.T) {
	assert.Equal(t, "decimal", formula.TypeDecimal.String())
	assert.Equal(t, "string list", formula.TypeStringList.String())
	assert.Equal(t, "any", formula.TypeAny.String())
	assert.Equal(t, "Type(99)", formula.Type(99).String())
}
