package cpqhttp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cpqkit/cpq"
	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/pricing"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/render"
)

// Problem is an error response in the format of RFC 9457
// (application/problem+json), with a stable Code a client may branch on.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is stable across releases, unlike Title and Detail.
	Code string `json:"code"`
	// Missing lists the approval steps not granted for the quote's
	// current content (approval.required).
	Missing []string `json:"missing,omitempty"`
	// Explanation says why a configuration value is not available
	// (config.not_available).
	Explanation *Explanation `json:"explanation,omitempty"`
	// Drop lists the configuration choices to withdraw, and Clear the
	// questions whose answers to clear, so that an answer, a package or a
	// suggestion applies; Explanations say why each choice in Drop is in
	// the way (guide.conflict).
	Drop         []configurator.Choice `json:"drop,omitempty"`
	Clear        []string              `json:"clear,omitempty"`
	Explanations []Explanation         `json:"explanations,omitempty"`
}

// Explanation is a configurator explanation with its text.
type Explanation struct {
	*configurator.Explanation
	Text string `json:"text"`
}

// The problem codes.
const (
	CodeUnauthenticated     = "auth.unauthenticated"
	CodeMalformed           = "request.malformed"
	CodeInvalid             = "request.invalid"
	CodeTooLarge            = "request.too_large"
	CodeBusy                = "request.busy"
	CodeUnsupportedMedia    = "request.unsupported_media_type"
	CodeNotFound            = "route.not_found"
	CodeMethodNotAllowed    = "route.method_not_allowed"
	CodeProductNotFound     = "product.not_found"
	CodeUnknownVariable     = "config.unknown_variable"
	CodeUnknownValue        = "config.unknown_value"
	CodeNotAvailable        = "config.not_available"
	CodeInconsistent        = "config.inconsistent"
	CodeSessionNotFound     = "session.not_found"
	CodeSessionConflict     = "session.conflict"
	CodePricingInvalid      = "pricing.invalid_request"
	CodePricingRefused      = "pricing.refused"
	CodeQuoteNotFound       = "quote.not_found"
	CodeQuoteConflict       = "quote.conflict"
	CodeNotAuthorized       = "approval.not_authorized"
	CodeSelfApproval        = "approval.self_approval"
	CodeStaleSeal           = "approval.stale_seal"
	CodeApprovalNotFound    = "approval.not_found"
	CodeStepNotFound        = "approval.step_not_found"
	CodeNotPending          = "approval.not_pending"
	CodeAlreadyDecided      = "approval.already_decided"
	CodeNoApprover          = "approval.no_approver"
	CodeApprovalInvalid     = "approval.invalid_request"
	CodeApprovalRequired    = "approval.required"
	CodeQuoteTransition     = "quote.invalid_transition"
	CodeQuoteLocked         = "quote.locked"
	CodeQuoteInvalid        = "quote.invalid"
	CodePrecondition        = "request.precondition_required"
	CodeDocumentNoFont      = "document.no_font"
	CodeDocumentLanguage    = "document.unknown_language"
	CodeDocumentFormat      = "document.unknown_format"
	CodeCrossOrigin         = "request.cross_origin"
	CodeUnknownLanguage     = "catalog.unknown_language"
	CodeNothingToUndo       = "session.nothing_to_undo"
	CodeGuideConflict       = "guide.conflict"
	CodeUnknownQuestion     = "guide.unknown_question"
	CodeInvalidAnswer       = "guide.invalid_answer"
	CodeUnknownPackage      = "guide.unknown_package"
	CodeUnknownSuggestion   = "guide.unknown_suggestion"
	CodeRevisionNotFound    = "quote.revision_not_found"
	CodeLineNotFound        = "quote.line_not_found"
	CodeLineExists          = "quote.line_exists"
	CodeCatalogVersion      = "quote.catalog_version"
	CodeCRMNotConfigured    = "crm.not_configured"
	CodeOpportunityNotFound = "crm.opportunity_not_found"
	CodeCRMMissingField     = "crm.missing_field"
	CodeCRMMapping          = "crm.invalid_mapping"
	CodeDocumentNotRendered = "document.not_rendered"
	CodeDelegationNotFound  = "delegation.not_found"
	CodeInternal            = "internal"
)

// problemType is the base of the type URIs: a problem's type is the URN
// urn:cpqkit:problem:<code>, stable and resolvable by nobody, so that it
// names the problem without pointing at a web page.
const problemType = "urn:cpqkit:problem:"

// ProblemType returns the type URI of a problem code.
func ProblemType(code string) string { return problemType + code }

func newProblem(status int, code, detail string) *Problem {
	return &Problem{Type: ProblemType(code), Title: http.StatusText(status), Status: status, Detail: detail, Code: code}
}

// errBadRequest marks errors of the request itself (missing fields).
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func invalid(format string, args ...any) error { return badRequest{fmt.Sprintf(format, args...)} }

// problemFor maps an error to its problem. Errors it does not know are 500s
// whose detail does not leak the error.
func problemFor(err error, lang string) *Problem {
	var (
		p        *Problem
		br       badRequest
		conflict *configurator.ConflictError
		guided   *guide.ConflictError
		ruleErr  *configurator.RuleError
		maxBytes *http.MaxBytesError
	)
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &maxBytes):
		return newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxBytes.Limit))
	case errors.As(err, &br):
		return newProblem(http.StatusBadRequest, CodeInvalid, br.msg)
	case errors.Is(err, errMalformed):
		return newProblem(http.StatusBadRequest, CodeMalformed, "the body is not valid JSON for this request: "+strings.TrimPrefix(err.Error(), errMalformed.Error()+": "))
	case errors.Is(err, ErrUnauthenticated):
		return newProblem(http.StatusUnauthorized, CodeUnauthenticated, "missing or invalid credentials")
	case errors.As(err, &conflict):
		p := newProblem(http.StatusConflict, CodeNotAvailable, conflict.Explanation.Text(lang))
		p.Explanation = &Explanation{Explanation: conflict.Explanation, Text: conflict.Explanation.Text(lang)}
		return p
	case errors.As(err, &guided):
		p := newProblem(http.StatusConflict, CodeGuideConflict, guided.Error())
		p.Drop, p.Clear = guided.Drop, guided.Clear
		for _, e := range guided.Explanations {
			p.Explanations = append(p.Explanations, Explanation{Explanation: e, Text: e.Text(lang)})
		}
		return p
	case errors.Is(err, guide.ErrUnknownQuestion):
		return newProblem(http.StatusBadRequest, CodeUnknownQuestion, err.Error())
	case errors.Is(err, guide.ErrInvalidAnswer):
		return newProblem(http.StatusUnprocessableEntity, CodeInvalidAnswer, err.Error())
	case errors.Is(err, guide.ErrUnknownPackage):
		return newProblem(http.StatusNotFound, CodeUnknownPackage, err.Error())
	case errors.Is(err, guide.ErrUnknownSuggestion):
		return newProblem(http.StatusNotFound, CodeUnknownSuggestion, err.Error())
	case errors.Is(err, configurator.ErrNothingToUndo):
		return newProblem(http.StatusConflict, CodeNothingToUndo, err.Error())
	case errors.As(err, &ruleErr):
		return newProblem(http.StatusConflict, CodeNotAvailable, ruleErr.Error())
	case errors.Is(err, configurator.ErrUnknownVariable):
		return newProblem(http.StatusBadRequest, CodeUnknownVariable, err.Error())
	case errors.Is(err, configurator.ErrUnknownValue):
		return newProblem(http.StatusUnprocessableEntity, CodeUnknownValue, err.Error())
	case errors.Is(err, configurator.ErrNotAvailable):
		return newProblem(http.StatusConflict, CodeNotAvailable, err.Error())
	case errors.Is(err, configurator.ErrInconsistent):
		return newProblem(http.StatusConflict, CodeInconsistent, err.Error())
	case errors.Is(err, ErrSessionNotFound):
		return newProblem(http.StatusNotFound, CodeSessionNotFound, "no such configuration session")
	case errors.Is(err, ErrSessionConflict):
		return newProblem(http.StatusConflict, CodeSessionConflict, "the session was changed by another request; read it again")
	case errors.Is(err, cpq.ErrNoPrefill):
		return newProblem(http.StatusNotImplemented, CodeCRMNotConfigured, "quotes cannot be made from CRM opportunities: the server has no CRM source configured")
	case errors.Is(err, crm.ErrNotFound):
		return newProblem(http.StatusNotFound, CodeOpportunityNotFound, err.Error())
	case errors.Is(err, crm.ErrMissingField):
		return newProblem(http.StatusUnprocessableEntity, CodeCRMMissingField, err.Error())
	case errors.Is(err, crm.ErrMapping):
		return newProblem(http.StatusUnprocessableEntity, CodeCRMMapping, err.Error())
	case errors.Is(err, quote.ErrCatalogVersion):
		return newProblem(http.StatusConflict, CodeCatalogVersion, err.Error()+"; recalculate with move_to_current")
	case errors.Is(err, catalog.ErrNotFound):
		return newProblem(http.StatusNotFound, CodeProductNotFound, err.Error())
	case errors.Is(err, pricing.ErrInvalidRequest), errors.Is(err, pricing.ErrNoPrice), errors.Is(err, pricing.ErrNoRates):
		return newProblem(http.StatusUnprocessableEntity, CodePricingInvalid, err.Error())
	case errors.Is(err, pricing.ErrBelowFloor), errors.Is(err, pricing.ErrBelowMinMargin),
		errors.Is(err, pricing.ErrHeaderDiscountLimit), errors.Is(err, pricing.ErrRuleConflict):
		return newProblem(http.StatusUnprocessableEntity, CodePricingRefused, err.Error())
	case errors.Is(err, quote.ErrNotFound):
		return newProblem(http.StatusNotFound, CodeQuoteNotFound, "no such quote")
	case errors.Is(err, quote.ErrConflict):
		return newProblem(http.StatusConflict, CodeQuoteConflict, err.Error())
	case errors.Is(err, approval.ErrSelfApproval):
		return newProblem(http.StatusForbidden, CodeSelfApproval, err.Error())
	case errors.Is(err, approval.ErrNotAuthorized):
		return newProblem(http.StatusForbidden, CodeNotAuthorized, err.Error())
	case errors.Is(err, approval.ErrStaleSeal):
		return newProblem(http.StatusConflict, CodeStaleSeal, err.Error())
	case errors.Is(err, approval.ErrCrossTenant):
		return newProblem(http.StatusNotFound, CodeQuoteNotFound, "no such quote")
	case errors.Is(err, approval.ErrNotFound):
		return newProblem(http.StatusNotFound, CodeApprovalNotFound, "the quote has no approval")
	case errors.Is(err, approval.ErrNotRequired):
		return newProblem(http.StatusNotFound, CodeStepNotFound, err.Error())
	case errors.Is(err, approval.ErrNotPending):
		return newProblem(http.StatusConflict, CodeNotPending, err.Error())
	case errors.Is(err, approval.ErrAlreadyDecided):
		return newProblem(http.StatusConflict, CodeAlreadyDecided, err.Error())
	case errors.Is(err, approval.ErrNoApprover):
		return newProblem(http.StatusUnprocessableEntity, CodeNoApprover, err.Error())
	case errors.Is(err, approval.ErrInvalid):
		return newProblem(http.StatusBadRequest, CodeApprovalInvalid, err.Error())
	case errors.Is(err, approval.ErrApprovalRequired):
		p := newProblem(http.StatusConflict, CodeApprovalRequired, err.Error())
		var gate *approval.GateError
		if errors.As(err, &gate) {
			p.Missing = gate.Missing
		}
		return p
	case errors.Is(err, quote.ErrTransition), errors.Is(err, quote.ErrGateRequired):
		return newProblem(http.StatusConflict, CodeQuoteTransition, err.Error())
	case errors.Is(err, quote.ErrLocked):
		return newProblem(http.StatusConflict, CodeQuoteLocked, err.Error())
	case errors.Is(err, quote.ErrInvalid):
		return newProblem(http.StatusUnprocessableEntity, CodeQuoteInvalid, err.Error())
	case errors.Is(err, render.ErrNoFont):
		return newProblem(http.StatusUnprocessableEntity, CodeDocumentNoFont, "PDF documents are not available: the server has no fonts configured for them")
	case errors.Is(err, render.ErrUnknownLanguage):
		return newProblem(http.StatusBadRequest, CodeDocumentLanguage, err.Error())
	case errors.Is(err, render.ErrNotRendered):
		return newProblem(http.StatusUnprocessableEntity, CodeDocumentNotRendered, "the document was not rendered by this server, or carries no document information: "+err.Error())
	}
	return newProblem(http.StatusInternalServerError, CodeInternal, "")
}

func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

var errMalformed = errors.New("malformed body")

// decode reads a JSON body into v: one JSON value, no unknown fields, at
// most limit bytes.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := strings.Cut(ct, ";")
		if mt = strings.TrimSpace(strings.ToLower(mt)); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return newProblem(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "the body must be application/json")
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty body", errMalformed)
		}
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			return err
		}
		// Syntax errors, wrong types, unknown fields and values their
		// types refuse (a decimal that is not a number) alike, said in
		// terms of the JSON rather than of the Go types behind it.
		return fmt.Errorf("%w: %s", errMalformed, jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			return err
		}
		return fmt.Errorf("%w: data after the JSON value", errMalformed)
	}
	return nil
}

// jsonProblem says what is wrong with a body in terms of its JSON: where
// and what, without the Go types the decoder names.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "the body"
		}
		return fmt.Sprintf("%s: a JSON %s is not what it takes (at byte %d)", where, typ.Value, typ.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Error makes a Problem an error, so that handlers may return one as it is.
func (p *Problem) Error() string { return p.Code + ": " + p.Detail }
