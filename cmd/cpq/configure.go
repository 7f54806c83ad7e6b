package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
)

// stdin is where the interactive configurator reads commands.
var stdin io.Reader = os.Stdin

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type configureReport struct {
	Model        string                      `json:"model"`
	Choices      []configurator.Choice       `json:"choices"`
	Domains      []configurator.Domain       `json:"domains"`
	Explanations []*configurator.Explanation `json:"explanations,omitempty"`
	Count        string                      `json:"count,omitempty"`
	Completion   *configurator.Configuration `json:"completion,omitempty"`
}

func runConfigure(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("configure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	product := fs.String("product", "", "the product to configure (catalogs with several configurable products)")
	asJSON := fs.Bool("json", false, "print a JSON report")
	count := fs.Bool("count", false, "count the complete configurations that remain")
	complete := fs.Bool("complete", false, "complete the configuration with defaults")
	interactive := fs.Bool("i", false, "configure interactively, reading commands from standard input")
	var explain multiFlag
	fs.Var(&explain, "explain", "explain why var=value is not available (repeatable)")
	questionnaire := fs.String("questionnaire", "", "ask the catalog's questionnaire with this ID (with -i, or from --answers)")
	answers := fs.String("answers", "", "answer the questionnaire from a YAML or JSON file of question: answer")
	var facts multiFlag
	fs.Var(&facts, "fact", "a context fact for the questionnaire, key=value (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cpq configure [flags] MODEL [var=value ...]")
		fmt.Fprintln(stderr, "MODEL is a catalog (.yaml, .json) or an imported model (.dimacs, .cnf, .uvl, .xml)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if *questionnaire != "" {
		return runQuestionnaire(questionnaireRun{catalogPath: fs.Arg(0), questionnaire: *questionnaire, answersFile: *answers,
			facts: facts, choices: fs.Args()[1:], interactive: *interactive, asJSON: *asJSON, lang: "en"}, stdout, stderr)
	}
	m, err := loadModel(fs.Arg(0), *product)
	if err != nil {
		fmt.Fprintf(stderr, "cpq configure: %v\n", err)
		return 1
	}
	s := m.NewSession()
	for _, arg := range fs.Args()[1:] {
		if err := applyChoice(s, arg); err != nil {
			fmt.Fprintf(stderr, "cpq configure: %s: %v\n", arg, err)
			return 1
		}
	}
	if *interactive {
		return interact(s, stdin, stdout)
	}
	r := configureReport{Model: m.Name(), Choices: s.Choices()}
	if r.Domains, err = s.ValidDomains(); err != nil {
		fmt.Fprintf(stderr, "cpq configure: %v\n", err)
		return 1
	}
	for _, e := range explain {
		v, val, ok := strings.Cut(e, "=")
		if !ok {
			fmt.Fprintf(stderr, "cpq configure: --explain %q: want var=value\n", e)
			return 2
		}
		ex, err := s.Explain(v, val)
		if err != nil {
			fmt.Fprintf(stderr, "cpq configure: explain %s: %v\n", e, err)
			return 1
		}
		r.Explanations = append(r.Explanations, ex)
	}
	if *count {
		n, err := s.Count(0)
		if err != nil {
			fmt.Fprintf(stderr, "cpq configure: %v\n", err)
			return 1
		}
		r.Count = n.String()
	}
	if *complete {
		c, err := s.Complete(configurator.Strategy{})
		if err != nil {
			fmt.Fprintf(stderr, "cpq configure: %v\n", err)
			return 1
		}
		r.Completion = &c
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(stderr, "cpq configure: %v\n", err)
			return 1
		}
		return 0
	}
	printConfigureReport(stdout, r)
	return 0
}

// loadModel loads a catalog product or an imported model by file extension.
func loadModel(path, product string) (*configurator.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".dimacs", ".cnf":
		return configurator.ImportDIMACS(f, name)
	case ".uvl":
		return configurator.ImportUVL(f, name)
	case ".xml", ".xcsp":
		return configurator.ImportXCSP(f, name)
	}
	c, err := catalog.Load(f, path)
	if err != nil {
		return nil, err
	}
	if product == "" {
		var configurable []string
		for _, p := range c.Products {
			if p.IsConfigurable() {
				configurable = append(configurable, p.SKU)
			}
		}
		if len(configurable) != 1 {
			return nil, fmt.Errorf("%s has %d configurable products (%s); choose one with --product", path, len(configurable), strings.Join(configurable, ", "))
		}
		product = configurable[0]
	}
	return configurator.Compile(c, product)
}

func applyChoice(s *configurator.Session, arg string) error {
	v, val, ok := strings.Cut(arg, "=")
	if !ok {
		return errors.New("want var=value")
	}
	return s.Set(strings.TrimSpace(v), strings.TrimSpace(val))
}

func printConfigureReport(w io.Writer, r configureReport) {
	fmt.Fprintf(w, "%s: %d choices\n", r.Model, len(r.Choices))
	width := 0
	for _, d := range r.Domains {
		width = max(width, len(d.Var))
	}
	for _, d := range r.Domains {
		switch {
		case d.Chosen != "":
			fmt.Fprintf(w, "  %-*s = %s\n", width, d.Var, d.Chosen)
		case d.Values == nil && (d.Min != nil || d.Max != nil):
			fmt.Fprintf(w, "  %-*s : %s..%s\n", width, d.Var, decimalOr(d.Min, "*"), decimalOr(d.Max, "*"))
		case d.Values == nil:
			fmt.Fprintf(w, "  %-*s : any\n", width, d.Var)
		default:
			fmt.Fprintf(w, "  %-*s : %s\n", width, d.Var, strings.Join(d.Values, " "))
		}
	}
	for _, ex := range r.Explanations {
		fmt.Fprintf(w, "why not %s = %s: %s\n", ex.Var, ex.Value, ex.Text("en"))
	}
	if r.Count != "" {
		fmt.Fprintf(w, "configurations: %s\n", r.Count)
	}
	if r.Completion != nil {
		parts := make([]string, len(r.Completion.Values))
		for i, c := range r.Completion.Values {
			parts[i] = c.Var + "=" + c.Value
		}
		fmt.Fprintf(w, "completion: %s\n", strings.Join(parts, " "))
	}
}

func decimalOr(d *decimal.Decimal, def string) string {
	if d == nil {
		return def
	}
	return d.String()
}

// interact reads commands line by line: var=value (choose), unset var,
// undo, why var=value, count, complete, show, quit.
func interact(s *configurator.Session, in io.Reader, out io.Writer) int {
	show := func() {
		ds, err := s.ValidDomains()
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
			return
		}
		printConfigureReport(out, configureReport{Model: s.Model().Name(), Choices: s.Choices(), Domains: ds})
	}
	fmt.Fprintln(out, "commands: var=value, unset var, undo, why var=value, count, complete, show, quit")
	show()
	sc := bufio.NewScanner(in)
	for {
		fmt.Fprint(out, "> ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return 0
		}
		line := strings.TrimSpace(sc.Text())
		cmd, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch cmd {
		case "":
		case "quit", "exit":
			return 0
		case "show":
			show()
		case "undo":
			if err := s.Undo(); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			} else {
				show()
			}
		case "unset":
			if err := s.Unset(rest); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			} else {
				show()
			}
		case "why":
			v, val, _ := strings.Cut(rest, "=")
			ex, err := s.Explain(strings.TrimSpace(v), strings.TrimSpace(val))
			if err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			} else {
				fmt.Fprintln(out, ex.Text("en"))
			}
		case "count":
			if n, err := s.Count(0); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			} else {
				fmt.Fprintf(out, "configurations: %s\n", n)
			}
		case "complete":
			if c, err := s.Complete(configurator.Strategy{}); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			} else {
				printConfigureReport(out, configureReport{Model: s.Model().Name(), Completion: &c})
			}
		default:
			if err := applyChoice(s, line); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			} else {
				show()
			}
		}
	}
}
