package modelio_test

import (
	"fmt"
	"strings"

	"github.com/cpqkit/cpq/configurator/internal/csp"
	"github.com/cpqkit/cpq/configurator/internal/modelio"
)

func ExampleReadUVL() {
	src := `features
	Car
		mandatory
			Engine
				alternative
					Petrol
					Electric
		optional
			Towbar
constraints
	Electric => !Towbar
`
	fm, err := modelio.ReadUVL(strings.NewReader(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := modelio.CountCNF(fm.Model, modelio.CountOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(fm.Features), "features,", n, "valid configurations")

	// Conditioning: how many of them have a towbar?
	towbar := csp.Lit{Var: 4, Val: 1}
	n, _ = modelio.CountCNF(fm.Model, modelio.CountOptions{Assume: []csp.Lit{towbar}})
	fmt.Println(n, "with", fm.Features[4].Name)
	// Output:
	// 5 features, 3 valid configurations
	// 1 with Towbar
}

func ExampleReadDIMACS() {
	src := "c 1 Car\nc 2 Sunroof\nc 3 Convertible\np cnf 3 3\n1 0\n-2 1 0\n-2 -3 0\n"
	m, err := modelio.ReadDIMACS(strings.NewReader(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Constraints {
		fmt.Printf("%s: %s\n", c.Name, c.Text)
	}
	n, _ := modelio.CountCNF(m, modelio.CountOptions{})
	fmt.Println(n, "solutions")
	// Output:
	// clause 1: Car
	// clause 2: !Sunroof | Car
	// clause 3: !Sunroof | !Convertible
	// 3 solutions
}

func ExampleReadXCSP() {
	src := `<instance>
  <domains><domain name="sizes" nbValues="3">14 16..17</domain></domains>
  <variables><variable name="wheel" domain="sizes"/><variable name="tyre" domain="sizes"/></variables>
  <relations><relation name="fits" arity="2" nbTuples="2" semantics="supports">16 16|17 17</relation></relations>
  <constraints><constraint name="tyre fits wheel" arity="2" scope="wheel tyre" reference="fits"/></constraints>
</instance>`
	m, err := modelio.ReadXCSP(strings.NewReader(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Vars[0].Name, m.Vars[0].Values)
	fmt.Println(m.Constraints[0].Name, m.Constraints[0].Tuples)

	_, err = modelio.ReadXCSP(strings.NewReader("<instance>\n<predicates/>\n</instance>"))
	fmt.Println(err)
	// Output:
	// wheel [14 16 17]
	// tyre fits wheel [[1 1] [2 2]]
	// xcsp:2:1: intensional constraints (<predicates>) are not supported
}
