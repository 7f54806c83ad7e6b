package render

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Labels is a bundle of the texts a document shows in one language, by key
// ("title", "col_quantity", "grand_total", …). A text may hold
// placeholders in braces ("Page {n} of {m}") that the renderer fills in.
type Labels map[string]string

//go:embed labels/*.json
var labelFiles embed.FS

// builtin holds the shipped bundles by language tag.
var builtin = func() map[string]Labels {
	out := map[string]Labels{}
	entries, err := labelFiles.ReadDir("labels")
	if err != nil {
		panic(fmt.Sprintf("render: embedded labels: %v", err))
	}
	for _, e := range entries {
		b, err := labelFiles.ReadFile("labels/" + e.Name())
		if err != nil {
			panic(fmt.Sprintf("render: embedded labels: %v", err))
		}
		var l Labels
		if err := json.Unmarshal(b, &l); err != nil {
			panic(fmt.Sprintf("render: embedded labels %s: %v", e.Name(), err))
		}
		out[strings.TrimSuffix(e.Name(), ".json")] = l
	}
	return out
}()

// Languages returns the tags of the shipped label bundles: "en" and
// "zh-CN".
func Languages() []string {
	return slices.Sorted(maps.Keys(builtin))
}

// BuiltinLabels returns a copy of the shipped bundle for a language tag,
// matched as Language does, and false when none matches.
func BuiltinLabels(tag string) (Labels, bool) {
	t, ok := matchLanguage(tag, builtin)
	if !ok {
		return nil, false
	}
	return maps.Clone(builtin[t]), true
}

// matchLanguage finds the bundle for a BCP 47 tag: the exact tag, case
// folded; then the language with its script or region ("zh-Hans",
// "zh-SG" and "zh" all find "zh-CN", the shipped Chinese); then the
// language alone.
func matchLanguage[T any](tag string, bundles map[string]T) (string, bool) {
	tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
	if tag == "" {
		return "", false
	}
	for t := range bundles {
		if strings.EqualFold(t, tag) {
			return t, true
		}
	}
	lang, _, _ := strings.Cut(tag, "-")
	var found []string
	for t := range bundles {
		l, _, _ := strings.Cut(t, "-")
		if strings.EqualFold(l, lang) {
			found = append(found, t)
		}
	}
	if len(found) == 0 {
		return "", false
	}
	slices.Sort(found)
	// Traditional Chinese is not Simplified: do not serve zh-CN for it.
	if strings.EqualFold(lang, "zh") {
		low := strings.ToLower(tag)
		if strings.Contains(low, "hant") || strings.HasSuffix(low, "-tw") || strings.HasSuffix(low, "-hk") || strings.HasSuffix(low, "-mo") {
			return "", false
		}
	}
	return found[0], true
}

// labelKeys are the keys every bundle must have: those of the English one.
var labelKeys = slices.Sorted(maps.Keys(builtin["en"]))

// resolveLabels returns the bundle for a language: the host's bundle for
// it laid over the shipped one (so a host may override a few texts, or add
// a language by giving every key).
func resolveLabels(tag string, host map[string]Labels) (Labels, string, error) {
	out := Labels{}
	base, hasBase := matchLanguage(tag, builtin)
	if hasBase {
		maps.Copy(out, builtin[base])
	}
	ht, hasHost := matchLanguage(tag, host)
	if hasHost {
		maps.Copy(out, host[ht])
	}
	if !hasBase && !hasHost {
		return nil, "", fmt.Errorf("language %q: %w", tag, ErrUnknownLanguage)
	}
	var missing []string
	for _, k := range labelKeys {
		if _, ok := out[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, "", fmt.Errorf("labels for %q lack %s: %w", tag, strings.Join(missing, ", "), ErrUnknownLanguage)
	}
	name := base
	if hasHost {
		name = ht
	}
	return out, name, nil
}

// checkLabels refuses keys a bundle does not know, so that a misspelt
// override does not pass unnoticed.
func checkLabels(host map[string]Labels) error {
	known := map[string]bool{}
	for _, k := range labelKeys {
		known[k] = true
	}
	for _, tag := range slices.Sorted(maps.Keys(host)) {
		var unknown []string
		for k := range host[tag] {
			if !known[k] {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			return fmt.Errorf("labels for %q: unknown keys %s: %w", tag, strings.Join(unknown, ", "), ErrInvalidConfig)
		}
	}
	return nil
}

// fill replaces each {name} in s by its value, in one pass; other text in
// braces stays.
func fill(s string, kv ...string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name, value, found := s[1:j], "", false
		for k := 0; k+1 < len(kv); k += 2 {
			if kv[k] == name {
				value, found = kv[k+1], true
				break
			}
		}
		if !found {
			b.WriteByte('{')
			s = s[1:]
			continue
		}
		b.WriteString(value)
		s = s[j+1:]
	}
}

// date formats a calendar date with the bundle's date_format.
func (l Labels) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	return fill(l["date_format"],
		"year", fmt.Sprint(y), "month", fmt.Sprint(int(m)), "month2", fmt.Sprintf("%02d", int(m)),
		"day", fmt.Sprint(d), "day2", fmt.Sprintf("%02d", d), "month_name", l[fmt.Sprintf("month_%d", int(m))])
}
