package catalog

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/shopspring/decimal"
)

var (
	identPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	skuPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_./-]*$`)
)

// fieldRules checks the field rules declared in the catalog types' validate
// tags. A validator is safe for concurrent use, so one serves every load.
var fieldRules = newFieldRules()

func newFieldRules() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	// Decimals are validated through their exact text.
	v.RegisterCustomTypeFunc(func(f reflect.Value) any {
		return f.Interface().(decimal.Decimal).String()
	}, decimal.Decimal{})
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(v.RegisterValidation("ident", func(fl validator.FieldLevel) bool {
		return identPattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("sku", func(fl validator.FieldLevel) bool {
		return skuPattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("positive", func(fl validator.FieldLevel) bool {
		d, err := decimal.NewFromString(fl.Field().String())
		return err == nil && d.IsPositive()
	}))
	must(v.RegisterValidation("nonnegative", func(fl validator.FieldLevel) bool {
		d, err := decimal.NewFromString(fl.Field().String())
		return err == nil && !d.IsNegative()
	}))
	return v
}

// checkFields runs the field rules and reports each violation at the
// position of its path.
func checkFields(c *Catalog, p *problems) {
	err := fieldRules.Struct(c)
	if err == nil {
		return
	}
	var fes validator.ValidationErrors
	if !errors.As(err, &fes) {
		p.addAt("", CodeInvalid, "%s", err.Error())
		return
	}
	for _, fe := range fes {
		path := fe.Namespace()
		if _, rest, ok := strings.Cut(path, "."); ok {
			path = rest
		} else {
			path = ""
		}
		code, msg := fieldMessage(fe)
		p.addAt(path, code, "%s %s", fieldName(path), msg)
	}
}

// fieldName is the last element of a path, for messages.
func fieldName(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	if path == "" {
		return "catalog"
	}
	return path
}

func fieldMessage(fe validator.FieldError) (code, msg string) {
	param := fe.Param()
	value := fmt.Sprint(fe.Value())
	switch fe.Tag() {
	case "required":
		return CodeRequired, "is required"
	case "oneof":
		return CodeInvalid, fmt.Sprintf("is %q; must be one of %s", value, strings.Join(strings.Fields(param), ", "))
	case "iso4217":
		return CodeInvalid, fmt.Sprintf("%q is not an ISO 4217 currency code", value)
	case "ident":
		return CodeInvalid, fmt.Sprintf("%q is not an identifier (a letter, then letters, digits or _)", value)
	case "sku":
		return CodeInvalid, fmt.Sprintf("%q is not a valid SKU (letters, digits, and . _ / -)", value)
	case "positive":
		return CodeRange, fmt.Sprintf("is %s; must be greater than zero", value)
	case "nonnegative":
		return CodeRange, fmt.Sprintf("is %s; must not be negative", value)
	case "gte":
		return CodeRange, fmt.Sprintf("is %s; must be at least %s", value, param)
	case "min":
		return CodeRequired, fmt.Sprintf("needs at least %s entries", param)
	}
	return CodeInvalid, fmt.Sprintf("fails rule %q", fe.Tag())
}
