package catalog

// checkApprovalPolicy checks what approval rules say besides their
// condition and approver: the escalation of each rule (a positive SLA and
// exactly one approver to escalate to).
func (k *checker) checkApprovalPolicy() {
	for i, r := range k.c.ApprovalRules {
		if r == nil || r.Escalation == nil {
			continue
		}
		path := joinPath(indexPath("approval_rules", i), "escalation")
		if r.Escalation.After <= 0 && !k.reported(joinPath(path, "after")) {
			k.p.addAt(joinPath(path, "after"), CodeRange,
				"approval rule %q escalates after %s; the SLA must be a positive duration such as 48h", r.ID, r.Escalation.After)
		}
		n := 0
		for _, s := range []string{r.Escalation.To.User, r.Escalation.To.Role, r.Escalation.To.Group, r.Escalation.To.Relation} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			k.p.addAt(joinPath(path, "to"), CodeInvalid,
				"approval rule %q needs exactly one of user, role, group and relation to escalate to", r.ID)
		}
	}
}

// reported reports whether a problem was already reported at path (a
// value that could not be decoded).
func (k *checker) reported(path string) bool {
	for _, e := range k.p.errs {
		if e.Path == path {
			return true
		}
	}
	return false
}
