package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/cpqkit/cpq/internal/yamlpos"
)

// Approval policy: what the approval engine reads besides each rule's
// condition, approver and level — how a step is approved again when a
// quote comes back, and what happens to a step nobody decides in time.

// The re-approval modes of an approval rule.
const (
	// ReapprovalNotWorse approves a step again automatically when every
	// fact its rule reads is no worse than when a person last approved it
	// for the same quote (the default).
	ReapprovalNotWorse = "not_worse"
	// ReapprovalAlways asks the approver again on every submission.
	ReapprovalAlways = "always"
)

// ApprovalPolicy holds the catalog-wide defaults of approval rules.
type ApprovalPolicy struct {
	// Reapproval is the re-approval mode of rules that do not set their
	// own: not_worse (the default) or always.
	Reapproval string `yaml:"reapproval" validate:"omitempty,oneof=not_worse always"`

	Pos Pos `yaml:"-"`
}

// Escalation moves a step that waited too long for a decision to another
// approver. Nothing runs on a timer: the host asks the approval engine to
// escalate what is due.
type Escalation struct {
	// After is the step's SLA: how long it may wait for a decision,
	// counted from when its level started.
	After Duration `yaml:"after"`
	// To is who decides the step once it is escalated.
	To Approver `yaml:"to"`

	Pos Pos `yaml:"-"`
}

// Reapproval returns the re-approval mode of a rule: its own, else the
// catalog's default, else not_worse.
func (c *Catalog) Reapproval(r *ApprovalRule) string {
	switch {
	case r != nil && r.Reapproval != "":
		return r.Reapproval
	case c != nil && c.ApprovalPolicy != nil && c.ApprovalPolicy.Reapproval != "":
		return c.ApprovalPolicy.Reapproval
	}
	return ReapprovalNotWorse
}

// Kind returns which kind of approver a is: "user", "role", "group" or
// "relation" (the first one set), or "" when none is.
func (a Approver) Kind() string {
	switch {
	case a.User != "":
		return "user"
	case a.Role != "":
		return "role"
	case a.Group != "":
		return "group"
	case a.Relation != "":
		return "relation"
	}
	return ""
}

// Name returns the user, role, group or relation the approver names.
func (a Approver) Name() string {
	switch a.Kind() {
	case "user":
		return a.User
	case "role":
		return a.Role
	case "group":
		return a.Group
	case "relation":
		return a.Relation
	}
	return ""
}

// String writes the approver as "role sales_manager", "group legal (all
// members)".
func (a Approver) String() string {
	s := strings.TrimSpace(a.Kind() + " " + a.Name())
	if a.Unanimous {
		s += " (all members)"
	}
	return s
}

// Duration is a length of time written as a number and a unit: "90m",
// "48h", "3d" (a day is 24 hours), or several of them, "1d12h". It is
// wall-clock time; calendars and business hours are the host's concern.
type Duration time.Duration

// ParseDuration reads a Duration.
func ParseDuration(s string) (Duration, error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var total time.Duration
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		if i == 0 || i == j {
			return 0, fmt.Errorf("%q is not a duration such as 90m, 48h or 3d", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 90m, 48h or 3d", s)
		}
		var unit time.Duration
		switch rest[i:j] {
		case "d":
			unit = 24 * time.Hour
		case "h":
			unit = time.Hour
		case "m":
			unit = time.Minute
		case "s":
			unit = time.Second
		default:
			return 0, fmt.Errorf("duration %q: unknown unit %q; use d, h, m or s", s, rest[i:j])
		}
		if n > int64((1<<63-1)/unit) || total > time.Duration(1<<63-1)-time.Duration(n)*unit {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	return Duration(total), nil
}

// String writes the duration as Go does ("48h0m0s").
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAMLNode reads a duration such as "48h" or "3d".
func (d *Duration) UnmarshalYAMLNode(dec *yamlpos.Decoder, n ast.Node, path string) {
	if yamlpos.IsNull(n) {
		return
	}
	if !yamlpos.IsScalar(n) {
		dec.TypeError(n, path, "a duration such as 48h or 3d")
		return
	}
	v, err := ParseDuration(yamlpos.ScalarText(n))
	if err != nil {
		dec.Add(dec.Pos(n), path, yamlpos.KindType, "%s", err.Error())
		return
	}
	*d = v
}
