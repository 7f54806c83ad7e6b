package money_test

import (
	"errors"
	"fmt"

	"github.com/cpqkit/cpq/money"
	"github.com/shopspring/decimal"
)

func ExampleNew() {
	price, err := money.New(decimal.RequireFromString("1234.5"), "EUR")
	if err != nil {
		panic(err)
	}
	fmt.Println(price)
	fmt.Println(price.Currency().Digits())
	// Output:
	// 1234.50 EUR
	// 2
}

func ExampleAmount_Add() {
	a := money.MustParse("10.10", "EUR")
	b := money.MustParse("0.95", "EUR")
	sum, _ := a.Add(b)
	fmt.Println(sum)

	_, err := a.Add(money.MustParse("1", "USD"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, money.ErrCurrencyMismatch))
	// Output:
	// 11.05 EUR
	// currency mismatch: cannot add EUR and USD
	// true
}

func ExampleAmount_Div() {
	third, _ := money.MustParse("100", "EUR").Div(decimal.NewFromInt(3), 2, money.HalfEven)
	fmt.Println(third)
	// Output: 33.33 EUR
}

func ExampleRoundDecimal() {
	d := decimal.RequireFromString("2.5")
	for _, mode := range []money.RoundingMode{money.HalfEven, money.HalfUp, money.Down, money.Up, money.Ceiling, money.Floor} {
		fmt.Println(mode, money.RoundDecimal(d, 0, mode), money.RoundDecimal(d.Neg(), 0, mode))
	}
	// Output:
	// half_even 2 -2
	// half_up 3 -3
	// down 2 -2
	// up 3 -3
	// ceiling 3 -2
	// floor 2 -3
}

func ExampleRoundDecimalToIncrement() {
	cash := decimal.RequireFromString("0.05")
	fmt.Println(money.RoundDecimalToIncrement(decimal.RequireFromString("9.97"), cash, money.HalfEven))
	fmt.Println(money.RoundDecimalToIncrement(decimal.RequireFromString("1234"), decimal.NewFromInt(10), money.Ceiling))
	// Output:
	// 9.95
	// 1240
}

func ExampleParseRoundingMode() {
	mode, err := money.ParseRoundingMode("half_up")
	fmt.Println(mode, err)
	mode, _ = money.ParseRoundingMode("")
	fmt.Println(mode)
	_, err = money.ParseRoundingMode("bankers")
	fmt.Println(err)
	// Output:
	// half_up <nil>
	// half_even
	// unknown rounding mode "bankers" (want one of half_even, half_up, half_down, down, up, ceiling, floor)
}

func ExampleAmount_Round() {
	fmt.Println(money.MustParse("2.675", "EUR").Round(money.HalfEven))
	fmt.Println(money.MustParse("1234.5", "JPY").Round(money.HalfEven))
	fmt.Println(money.MustParse("1.23456", "KWD").Round(money.HalfEven))
	// Output:
	// 2.68 EUR
	// 1234 JPY
	// 1.235 KWD
}

func ExampleAmount_MinorUnits() {
	cents, _ := money.MustParse("123.45", "EUR").MinorUnits()
	fmt.Println(cents)
	fils, _ := money.FromMinorUnits(12345, "KWD")
	fmt.Println(fils)
	// Output:
	// 12345
	// 12.345 KWD
}

func ExampleAllocate() {
	discount := money.MustParse("10.00", "EUR")
	weights := []decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1)}
	parts, _ := money.Allocate(discount, weights)
	fmt.Println(parts)
	// Output: [3.34 EUR 3.33 EUR 3.33 EUR]
}

func ExampleSplit() {
	instalments, _ := money.Split(money.MustParse("1000", "JPY"), 3)
	fmt.Println(instalments)
	// Output: [334 JPY 333 JPY 333 JPY]
}

func ExampleRateTable_Convert() {
	rates, err := money.NewRateTable(money.RateTableConfig{
		Base: "EUR",
		Rates: []money.Rate{
			{From: "EUR", To: "USD", Value: decimal.RequireFromString("1.0823")},
			{From: "EUR", To: "JPY", Value: decimal.RequireFromString("162.35")},
		},
	})
	if err != nil {
		panic(err)
	}
	usd, _ := rates.Convert(money.MustParse("100", "EUR"), "USD", money.HalfEven)
	fmt.Println(usd)
	rate, _ := rates.Rate("USD", "JPY")
	jpy, _ := rates.Convert(money.MustParse("1000", "USD"), "JPY", money.HalfEven)
	fmt.Println(rate, jpy)
	_, err = rates.Convert(money.MustParse("1", "GBP"), "USD", money.HalfEven)
	fmt.Println(err)
	// Output:
	// 108.23 USD
	// 150.0046197912 150005 JPY
	// convert 1.00 GBP: no exchange rate from GBP to USD
}

func ExampleFormat() {
	total := money.MustParse("1234567.89", "EUR")
	for _, locale := range []string{"en-US", "de-DE", "fr-FR"} {
		s, _ := money.Format(total, locale)
		fmt.Printf("%s %+q\n", locale, s)
	}
	yen, _ := money.Format(money.MustParse("1234567", "JPY"), "ja-JP")
	fmt.Println(yen)
	// Output:
	// en-US "\u20ac1,234,567.89"
	// de-DE "1.234.567,89\u00a0\u20ac"
	// fr-FR "1\u202f234\u202f567,89\u00a0\u20ac"
	// ￥1,234,567
}

func ExampleFormatNumber() {
	qty := decimal.RequireFromString("12500.5")
	for _, locale := range []string{"en-US", "de-DE", "zh-CN"} {
		s, _ := money.FormatNumber(qty, 1, locale)
		fmt.Println(s)
	}
	// Output:
	// 12,500.5
	// 12.500,5
	// 12,500.5
}
