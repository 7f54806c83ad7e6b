package csp_test

import (
	"fmt"

	"github.com/cpqkit/cpq/configurator/internal/csp"
)

func carModel() *csp.Model {
	return &csp.Model{
		Name: "car",
		Vars: []csp.Var{
			{Name: "engine", Values: []string{"petrol", "diesel", "electric"}},
			{Name: "gearbox", Values: []string{"manual", "automatic"}},
			{Name: "towbar", Values: []string{"no", "yes"}},
		},
		Constraints: []csp.Constraint{
			{Name: "R1", Text: "electric cars are automatic", Kind: csp.KindTable,
				Scope: []int{0, 1}, Tuples: [][]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 1}}},
			{Name: "R2", Text: "automatic cars have no towbar", Kind: csp.KindClause,
				Lits: []csp.Lit{{Var: 1, Val: 1, Neg: true}, {Var: 2, Val: 0}}},
		},
	}
}

func Example() {
	c, err := csp.Compile(carModel())
	if err != nil {
		panic(err)
	}
	s := csp.NewSession(c)
	if err := s.Assign(0, 2); err != nil { // electric
		panic(err)
	}
	doms, err := s.ValidDomains()
	if err != nil {
		panic(err)
	}
	for v, vals := range doms {
		fmt.Print(c.Var(v).Name, ":")
		for _, a := range vals {
			fmt.Print(" ", c.Var(v).Values[a])
		}
		fmt.Println()
	}

	why, err := s.Explain(2, 1) // why can't we have a towbar?
	if err != nil {
		panic(err)
	}
	for _, ch := range why.Choices {
		fmt.Printf("because you chose %s = %s\n", c.Var(ch.Var).Name, c.Var(ch.Var).Values[ch.Val])
	}
	for _, i := range why.Constraints {
		name, text := c.ConstraintName(i)
		fmt.Printf("and %s: %s\n", name, text)
	}
	// Output:
	// engine: electric
	// gearbox: automatic
	// towbar: no
	// because you chose engine = electric
	// and R1: electric cars are automatic
	// and R2: automatic cars have no towbar
}

func ExampleSession_Complete() {
	c, err := csp.Compile(carModel())
	if err != nil {
		panic(err)
	}
	s := csp.NewSession(c)
	_ = s.Assign(2, 1) // towbar
	// Catalog defaults: diesel engine, automatic gearbox.
	sol, err := s.Complete(csp.Preference{Order: [][]int{{1}, {1}}})
	if err != nil {
		panic(err)
	}
	for v, a := range sol {
		fmt.Println(c.Var(v).Name, "=", c.Var(v).Values[a])
	}
	// Output:
	// engine = diesel
	// gearbox = manual
	// towbar = yes
}

func ExampleSession_Conflicts() {
	c, err := csp.Compile(carModel())
	if err != nil {
		panic(err)
	}
	s := csp.NewSession(c)
	// An imported configuration that breaks the rules.
	_ = s.SetChoices([]csp.Choice{{Var: 0, Val: 2}, {Var: 1, Val: 0}, {Var: 2, Val: 0}})
	fmt.Println("consistent:", s.Consistent())
	drop, err := s.Conflicts()
	if err != nil {
		panic(err)
	}
	for _, ch := range drop {
		fmt.Printf("drop %s = %s\n", c.Var(ch.Var).Name, c.Var(ch.Var).Values[ch.Val])
	}
	// Output:
	// consistent: false
	// drop engine = electric
}

func ExampleSession_Count() {
	c, err := csp.Compile(carModel())
	if err != nil {
		panic(err)
	}
	n, err := csp.NewSession(c).Count(0)
	if err != nil {
		panic(err)
	}
	fmt.Println(n, "configurations")
	// Output: 7 configurations
}
