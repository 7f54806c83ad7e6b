package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

// questionnaireRun is a `cpq configure --questionnaire` invocation.
type questionnaireRun struct {
	catalogPath   string
	questionnaire string
	answersFile   string
	facts         []string
	choices       []string
	interactive   bool
	asJSON        bool
	lang          string
}

// questionnaireReport is what a questionnaire run prints.
type questionnaireReport struct {
	Questionnaire string                      `json:"questionnaire"`
	Answers       []guide.Answer              `json:"answers"`
	Questions     []guide.QuestionState       `json:"questions"`
	Ranking       *guide.Ranking              `json:"ranking"`
	Choices       []configurator.Choice       `json:"choices,omitempty"`
	Completion    *configurator.Configuration `json:"completion,omitempty"`
	Suggestions   []guide.Suggestion          `json:"suggestions,omitempty"`
}

// runQuestionnaire asks a catalog's questionnaire: interactively, reading
// answers from standard input, or from an answers file (a YAML or JSON
// mapping from question to answer, applied in order).
func runQuestionnaire(r questionnaireRun, stdout, stderr io.Writer) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "cpq configure: "+format+"\n", args...)
		return 1
	}
	f, err := os.Open(r.catalogPath)
	if err != nil {
		return fail("%v", err)
	}
	c, err := catalog.Load(f, r.catalogPath)
	f.Close()
	if err != nil {
		return fail("%v", err)
	}
	g, err := guide.New(c)
	if err != nil {
		return fail("%v", err)
	}
	facts := map[string]any{}
	for _, kv := range r.facts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(stderr, "cpq configure: --fact %q: want key=value\n", kv)
			return 2
		}
		facts[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	s, err := g.NewSession(guide.Options{Questionnaire: r.questionnaire, Facts: facts})
	if err != nil {
		return fail("%v", err)
	}
	for _, arg := range r.choices {
		v, val, ok := strings.Cut(arg, "=")
		if !ok {
			return fail("%s: want var=value", arg)
		}
		if err := s.Set(strings.TrimSpace(v), strings.TrimSpace(val)); err != nil {
			return fail("%s: %v", arg, err)
		}
	}
	if r.answersFile != "" {
		answers, err := readAnswers(r.answersFile)
		if err != nil {
			return fail("%v", err)
		}
		for _, a := range answers {
			if err := s.Answer(a.question, a.values...); err != nil {
				return fail("answer %s: %v", a.question, err)
			}
		}
	}
	if r.interactive {
		if code := askInteractively(s, stdin, stdout, r.lang); code != 0 {
			return code
		}
	}
	rep, err := buildQuestionnaireReport(s, r.questionnaire)
	if err != nil {
		return fail("%v", err)
	}
	if r.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	printQuestionnaireReport(stdout, rep, r.lang)
	return 0
}

type fileAnswer struct {
	question string
	values   []string
}

// readAnswers reads an answers file: a mapping from question to an answer
// (an option, yes or no, a number with or without unit) or a list of
// options, in the order to apply them.
func readAnswers(path string) ([]fileAnswer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m yaml.MapSlice
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("answers %s: %w", path, err)
	}
	out := make([]fileAnswer, 0, len(m))
	for _, item := range m {
		a := fileAnswer{question: fmt.Sprint(item.Key)}
		switch v := item.Value.(type) {
		case []any:
			for _, x := range v {
				a.values = append(a.values, answerText(x))
			}
		case nil:
			return nil, fmt.Errorf("answers %s: question %s has no answer", path, a.question)
		default:
			a.values = []string{answerText(v)}
		}
		out = append(out, a)
	}
	return out, nil
}

func answerText(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// askInteractively asks the next question until none is left or the input
// ends. Besides answers it takes: show, clear QUESTION, quit.
func askInteractively(s *guide.Session, in io.Reader, out io.Writer, lang string) int {
	sc := bufio.NewScanner(in)
	fmt.Fprintln(out, "answer each question (a number or an option), or: show, clear QUESTION, quit")
	for {
		p, err := s.Next()
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
			return 1
		}
		if p == nil {
			fmt.Fprintln(out, "no more questions")
			return 0
		}
		printPrompt(out, p, lang)
		fmt.Fprint(out, "> ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return 0
		}
		line := strings.TrimSpace(sc.Text())
		cmd, rest, _ := strings.Cut(line, " ")
		switch cmd {
		case "":
			continue
		case "quit", "exit":
			return 0
		case "show":
			if rep, err := buildQuestionnaireReport(s, ""); err == nil {
				printQuestionnaireReport(out, rep, lang)
			}
			continue
		case "clear":
			if err := s.Clear(strings.TrimSpace(rest)); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			}
			continue
		}
		values := promptValues(p, line)
		if err := s.Answer(p.Question.ID, values...); err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
	}
}

// promptValues turns a typed answer into option IDs: options by number or
// ID, several separated by commas for a multiple choice.
func promptValues(p *guide.Prompt, line string) []string {
	if p.Question.Type == catalog.QuestionNumber {
		return []string{line}
	}
	var out []string
	for _, part := range strings.Split(line, ",") {
		part = strings.TrimSpace(part)
		if n, err := strconv.Atoi(part); err == nil && n >= 1 && n <= len(p.Options) {
			part = p.Options[n-1].ID
		}
		out = append(out, part)
	}
	return out
}

func printPrompt(w io.Writer, p *guide.Prompt, lang string) {
	step := p.Step.Name.In(lang)
	if step == "" {
		step = p.Step.ID
	}
	fmt.Fprintf(w, "[%s] %s\n", step, p.Question.Text.In(lang))
	if help := p.Question.Help.In(lang); help != "" {
		fmt.Fprintf(w, "  %s\n", help)
	}
	switch p.Question.Type {
	case catalog.QuestionNumber:
		rng := ""
		if p.Question.Min != nil || p.Question.Max != nil {
			rng = fmt.Sprintf(" %s..%s", decimalOr(p.Question.Min, "*"), decimalOr(p.Question.Max, "*"))
		}
		fmt.Fprintf(w, "  a number%s%s\n", unitSuffix(p.Question.Unit), rng)
	case catalog.QuestionMultiple:
		fmt.Fprintln(w, "  one or more, separated by commas")
	}
	for i, o := range p.Options {
		line := fmt.Sprintf("  %d) %s [%s]", i+1, o.Text.In(lang), o.ID)
		if !o.Available {
			line += " — not available"
			if o.Conflict != nil {
				line += ": " + o.Conflict.Error()
			}
		}
		fmt.Fprintln(w, line)
	}
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " in " + u
}

func buildQuestionnaireReport(s *guide.Session, id string) (questionnaireReport, error) {
	rep := questionnaireReport{Questionnaire: id, Answers: s.Answers(), Choices: s.Choices()}
	var err error
	if rep.Questions, err = s.Questions(); err != nil {
		return rep, err
	}
	if rep.Ranking, err = s.Recommendations(); err != nil {
		return rep, err
	}
	if s.Product() != nil {
		c, err := s.Complete(configurator.Strategy{})
		if err != nil && !errors.Is(err, configurator.ErrInconsistent) {
			return rep, err
		}
		if err == nil {
			rep.Completion = &c
		}
		if rep.Suggestions, err = s.Suggestions(context.Background()); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func printQuestionnaireReport(w io.Writer, r questionnaireReport, lang string) {
	fmt.Fprintf(w, "answers: %d\n", len(r.Answers))
	width := 0
	for _, q := range r.Questions {
		width = max(width, len(q.Question))
	}
	for _, q := range r.Questions {
		switch q.Status {
		case guide.StatusAnswered:
			fmt.Fprintf(w, "  %-*s = %s\n", width, q.Question, q.Answer)
		case guide.StatusHidden:
			if q.Answer != nil {
				fmt.Fprintf(w, "  %-*s : hidden (answer %s not in force)\n", width, q.Question, q.Answer)
			}
		default:
			fmt.Fprintf(w, "  %-*s : %s\n", width, q.Question, q.Status)
		}
	}
	printRecommendations(w, "packages", r.Ranking.Packages, lang)
	printRecommendations(w, "products", r.Ranking.Products, lang)
	if r.Completion != nil {
		parts := make([]string, len(r.Completion.Values))
		for i, c := range r.Completion.Values {
			parts[i] = c.Var + "=" + c.Value
		}
		fmt.Fprintf(w, "configuration: %s\n", strings.Join(parts, " "))
	}
	for _, sg := range r.Suggestions {
		fmt.Fprintf(w, "suggestion %s (%s): %s\n", sg.ID, sg.Kind, sg.Reason.In(lang))
	}
}

func printRecommendations(w io.Writer, title string, recs []guide.Recommendation, lang string) {
	if len(recs) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n", title)
	for _, rec := range recs {
		var why []string
		for _, r := range rec.Reasons {
			switch {
			case r.Fits:
				why = append(why, "fits: "+r.Text.In(lang))
			default:
				why = append(why, fmt.Sprintf("%+d %s", r.Points, r.Text.In(lang)))
			}
		}
		line := fmt.Sprintf("  %-12s %4d  %s", rec.ID, rec.Score, rec.Name.In(lang))
		if len(why) > 0 {
			line += " (" + strings.Join(why, "; ") + ")"
		}
		fmt.Fprintln(w, line)
	}
}
