package deps

import (
	_ "github.com/bojanz/currency"
	_ "github.com/expr-lang/expr"
	_ "github.com/go-playground/validator/v10"
	_ "github.com/goccy/go-yaml"
	_ "github.com/shopspring/decimal"
	_ "github.com/stretchr/testify/require"
)
