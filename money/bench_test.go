package money

import (
	"testing"

	"github.com/shopspring/decimal"
)

var (
	sinkAmount  Amount
	sinkDecimal decimal.Decimal
	sinkParts   []Amount
	sinkString  string
)

func BenchmarkAdd(b *testing.B) {
	x, y := MustParse("1234.56", "EUR"), MustParse("0.99", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		sinkAmount, _ = x.Add(y)
	}
}

func BenchmarkRoundDecimal(b *testing.B) {
	d := dec("1234.5678")
	b.ReportAllocs()
	for b.Loop() {
		sinkDecimal = RoundDecimal(d, 2, HalfEven)
	}
}

func BenchmarkAmountRound(b *testing.B) {
	a := MustParse("1234.5678", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		sinkAmount = a.Round(HalfUp)
	}
}

func BenchmarkRoundDecimalToIncrement(b *testing.B) {
	d, inc := dec("1234.5678"), dec("0.05")
	b.ReportAllocs()
	for b.Loop() {
		sinkDecimal = RoundDecimalToIncrement(d, inc, HalfEven)
	}
}

func BenchmarkAllocate100(b *testing.B) {
	a := MustParse("123456.78", "EUR")
	weights := make([]decimal.Decimal, 100)
	for i := range weights {
		weights[i] = decimal.New(int64(i*37%101+1), -1)
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkParts, _ = Allocate(a, weights)
	}
}

func BenchmarkFormat(b *testing.B) {
	a := MustParse("1234567.89", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = Format(a, "fr-FR")
	}
}

func BenchmarkFormatNumber(b *testing.B) {
	d := dec("1234567.891")
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = FormatNumber(d, 2, "de-DE")
	}
}

func BenchmarkConvert(b *testing.B) {
	rt, err := NewRateTable(RateTableConfig{Base: "EUR", Rates: []Rate{
		{From: "EUR", To: "USD", Value: dec("1.0823")},
		{From: "EUR", To: "JPY", Value: dec("162.35")},
	}})
	if err != nil {
		b.Fatal(err)
	}
	a := MustParse("1000", "USD")
	b.ReportAllocs()
	for b.Loop() {
		sinkAmount, _ = rt.Convert(a, "JPY", HalfEven)
	}
}
