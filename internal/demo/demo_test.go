package demo

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/quote"
)

// Every approver the example catalogs' rules name is somebody in the demo
// company, for a quote of alice's: cpq serve and the demo never reach a
// step nobody can decide.
func TestOrgChartResolvesEveryApprover(t *testing.T) {
	q := &quote.Quote{Header: quote.Header{Owner: "alice"}}
	want := map[string][]string{
		"relation:manager_of_owner": {"mia"},
		"role:regional_vp":          {"victor"},
		"group:finance":             {"fred"},
		"group:legal":               {"lena"},
	}
	for _, name := range catalogs.Files {
		cat, err := catalog.LoadFS(catalogs.FS, name)
		require.NoError(t, err, name)
		for _, r := range cat.ApprovalRules {
			a := r.Approver
			var users []string
			switch a.Kind() {
			case "user":
				users = []string{a.User}
			case "relation":
				users, err = OrgChart{}.Related(context.Background(), "acme", a.Relation, q)
			default:
				users, err = OrgChart{}.Members(context.Background(), "acme", a.Kind(), a.Name())
			}
			require.NoError(t, err)
			assert.NotEmpty(t, users, "%s: rule %s (%s)", name, r.ID, a)
			if w, ok := want[a.Kind()+":"+a.Name()]; ok {
				assert.Equal(t, w, users, "%s: rule %s", name, r.ID)
			}
		}
	}
}
