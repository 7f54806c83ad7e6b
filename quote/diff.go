package quote

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Change is one field that differs between two revisions.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// LineChange lists what changed on a line present in both revisions.
type LineChange struct {
	Line    string   `json:"line"`
	Changes []Change `json:"changes"`
}

// Diff is the structured difference between two revisions of a quote (or
// two quotes), over their customer-visible content.
type Diff struct {
	FromRevision int          `json:"from_revision"`
	ToRevision   int          `json:"to_revision"`
	Header       []Change     `json:"header,omitempty"`
	LinesAdded   []string     `json:"lines_added,omitempty"`
	LinesRemoved []string     `json:"lines_removed,omitempty"`
	LinesChanged []LineChange `json:"lines_changed,omitempty"`
	Terms        []Change     `json:"terms,omitempty"`
	Totals       []Change     `json:"totals,omitempty"`
}

// Empty reports whether the two revisions show the customer the same
// content (apart from the revision number).
func (d Diff) Empty() bool {
	return len(d.Header) == 0 && len(d.LinesAdded) == 0 && len(d.LinesRemoved) == 0 &&
		len(d.LinesChanged) == 0 && len(d.Terms) == 0 && len(d.Totals) == 0
}

// Compare returns what changed from a to b: header fields, lines added,
// removed and changed (matched by line ID), terms (by ID) and totals.
func Compare(a, b *Quote) Diff {
	var sa, sb sealedQuote
	mustUnmarshal(a.Content(), &sa)
	mustUnmarshal(b.Content(), &sb)
	d := Diff{FromRevision: a.Revision, ToRevision: b.Revision}
	d.Header = fieldChanges("", sa.Header, sb.Header)
	d.Totals = fieldChanges("", sa.Totals, sb.Totals)

	before := map[string]sealedLine{}
	for _, l := range sa.Lines {
		before[l.ID] = l
	}
	after := map[string]bool{}
	for _, l := range sb.Lines {
		after[l.ID] = true
		old, ok := before[l.ID]
		if !ok {
			d.LinesAdded = append(d.LinesAdded, l.ID)
			continue
		}
		if cs := fieldChanges("", old, l); len(cs) > 0 {
			d.LinesChanged = append(d.LinesChanged, LineChange{Line: l.ID, Changes: cs})
		}
	}
	for _, l := range sa.Lines {
		if !after[l.ID] {
			d.LinesRemoved = append(d.LinesRemoved, l.ID)
		}
	}

	terms := map[string]sealedTerm{}
	for _, t := range sa.Terms {
		terms[t.ID] = t
	}
	seen := map[string]bool{}
	for _, t := range sb.Terms {
		seen[t.ID] = true
		old, ok := terms[t.ID]
		switch {
		case !ok:
			d.Terms = append(d.Terms, Change{Field: t.ID, After: t.Text})
		case old != t:
			d.Terms = append(d.Terms, fieldChanges(t.ID+".", old, t)...)
		}
	}
	for _, t := range sa.Terms {
		if !seen[t.ID] {
			d.Terms = append(d.Terms, Change{Field: t.ID, Before: t.Text})
		}
	}
	return d
}

func mustUnmarshal(data []byte, v any) {
	if err := json.Unmarshal(data, v); err != nil {
		panic(fmt.Sprintf("quote: decode own content: %v", err))
	}
}

// fieldChanges compares two values field by field through their JSON form,
// in sorted field order.
func fieldChanges(prefix string, a, b any) []Change {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	mustUnmarshal(ja, &ma)
	mustUnmarshal(jb, &mb)
	keys := make([]string, 0, len(ma))
	for k := range ma {
		keys = append(keys, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []Change
	for _, k := range keys {
		if string(ma[k]) != string(mb[k]) {
			out = append(out, Change{Field: prefix + k, Before: plain(ma[k]), After: plain(mb[k])})
		}
	}
	return out
}

// plain shows a JSON value: strings without quotes, the rest as JSON.
func plain(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
