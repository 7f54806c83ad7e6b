package guide_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/examples/catalogs"
)

// A questionnaire asked together with the customer: the session asks only
// what can still change something, and ranks the packages that fit, with
// the answers behind each score.
func ExampleSession_Next() {
	c, _ := catalog.LoadFS(catalogs.FS, "server.yaml")
	g, _ := guide.New(c)
	s, _ := g.NewSession(guide.Options{Questionnaire: "server_sizing"})

	answers := map[string]string{"workload": "database", "users": "600", "budget": "standard", "redundancy": "no"}
	for {
		p, err := s.Next()
		if err != nil || p == nil {
			break
		}
		fmt.Printf("%s %s\n", p.Question.Text.In("en"), answers[p.Question.ID])
		if err := s.Answer(p.Question.ID, answers[p.Question.ID]); err != nil {
			fmt.Println(err)
			return
		}
	}
	r, _ := s.Recommendations()
	for _, pk := range r.Packages {
		fmt.Printf("package %s: %d points\n", pk.ID, pk.Score)
		for _, why := range pk.Reasons {
			fmt.Printf("  %+d %s\n", why.Points, why.Text.In("en"))
		}
	}
	// Output:
	// What will the server mainly run? database
	// How many users will it serve? 600
	// Which budget fits? standard
	// Must the server keep running when a power supply fails? no
	// package best: 15 points
	//   +5 Databases
	//   +10 500 users or more need at least 512 GB of memory
}

// Applying a package that conflicts with an earlier choice changes nothing
// and says what to drop.
func ExampleSession_ApplyPackage() {
	c, _ := catalog.LoadFS(catalogs.FS, "server.yaml")
	g, _ := guide.New(c)
	s, _ := g.NewSession(guide.Options{Product: "SRV-R2"})
	_ = s.Set("chassis", "1U")

	err := s.ApplyPackage("best")
	var ce *guide.ConflictError
	if errors.As(err, &ce) {
		fmt.Println(err)
		_ = s.Drop(ce.Drop)
	}
	fmt.Println(s.ApplyPackage("best"), len(s.Choices()), "choices")
	// Output:
	// package best conflicts with the choice of chassis = 1U: Best — performance server
	// <nil> 10 choices
}

// Parametric selection: the press for a part, from its size and shot
// weight, in any units.
func ExampleGuide_Select() {
	c, _ := catalog.LoadFS(catalogs.FS, "injection-moulding.yaml")
	g, _ := guide.New(c)
	in := map[string]catalog.Measure{}
	for name, v := range map[string]string{"part_length": "12 cm", "part_width": "80 mm", "shot_weight": "42.5 g", "cavities": "4"} {
		in[name], _ = catalog.ParseMeasure(v)
	}
	sel, err := g.Select(context.Background(), guide.SelectRequest{Selector: "press_for_part", Inputs: in})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range sel.Needs {
		fmt.Println("need", n)
	}
	best := sel.Candidates[0]
	press, _ := best.Configuration.Value("press")
	fmt.Println(best.Product, "on press", press)
	// Output:
	// need clamp_force ≥ 134.4 t
	// need shot_capacity ≥ 212.5 g
	// need tie_bar_spacing ≥ 320 mm
	// MP-CUSTOM on press P150
}
