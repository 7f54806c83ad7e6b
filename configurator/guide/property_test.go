package guide_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

// TestPropertyNeverDeadEnds applies random answers, packages, choices and
// suggestions to the server questionnaire. Whatever happens, the session's
// configuration stays valid and never dead-ends:
//
//   - every change either applies or is refused with a ConflictError that
//     changes nothing;
//   - the valid domains are never empty, and every value offered can be
//     chosen (the configurator's exactness, under the answers);
//   - the completion is a valid configuration of the product without the
//     answers, and meets each answer's requirements, checked here from the
//     catalog data, not through the guide;
//   - every answer a prompt offers, and every package recommended, applies.
func TestPropertyNeverDeadEnds(t *testing.T) {
	g := serverGuide(t)
	base, err := g.Model("SRV-R2")
	require.NoError(t, err)
	qn, err := g.Catalog().Questionnaire("server_sizing")
	require.NoError(t, err)
	questions := map[string]*catalog.Question{}
	for _, st := range qn.Steps {
		for _, q := range st.Questions {
			questions[q.ID] = q
		}
	}
	prod, err := g.Catalog().Product("SRV-R2")
	require.NoError(t, err)
	ctx := context.Background()

	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		s := sizing(t, g)
		for step := range 40 {
			before := stateOf(s)
			var err error
			switch rng.IntN(7) {
			case 0, 1:
				q := qn.Steps[rng.IntN(len(qn.Steps))].Questions
				question := q[rng.IntN(len(q))]
				err = s.Answer(question.ID, randomAnswer(rng, question))
			case 2:
				err = s.Clear(slices.Collect(mapsKeys(questions))[rng.IntN(len(questions))])
			case 3:
				err = s.ApplyPackage(prod.Packages[rng.IntN(len(prod.Packages))].ID)
			case 4:
				ds, derr := s.ValidDomains()
				require.NoError(t, derr)
				d := ds[rng.IntN(len(ds))]
				if len(d.Values) > 0 {
					// Every value offered can be chosen.
					require.NoError(t, s.Set(d.Var, d.Values[rng.IntN(len(d.Values))]), "seed %d step %d", seed, step)
				}
			case 5:
				list, serr := s.Suggestions(ctx)
				require.NoError(t, serr)
				if len(list) > 0 {
					require.NoError(t, s.AcceptSuggestion(ctx, list[rng.IntN(len(list))].ID))
				}
			case 6:
				if cs := s.Choices(); len(cs) > 0 {
					require.NoError(t, s.Unset(cs[rng.IntN(len(cs))].Var))
				}
			}
			var ce *guide.ConflictError
			if errors.As(err, &ce) {
				require.Equal(t, before, stateOf(s), "a refused change changes nothing (seed %d step %d)", seed, step)
				require.True(t, len(ce.Drop) > 0 || len(ce.Clear) > 0, "a refusal says what is in the way: %v", err)
			} else {
				require.NoError(t, err, "seed %d step %d", seed, step)
			}
			checkValid(t, s, base, questions)
			checkOffers(t, s)
		}
	}
}

type sessionState struct {
	answers []guide.Answer
	choices []configurator.Choice
}

func stateOf(s *guide.Session) sessionState {
	return sessionState{answers: s.Answers(), choices: s.Choices()}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return slices.Values(keys)
}

func randomAnswer(rng *rand.Rand, q *catalog.Question) string {
	switch q.Type {
	case catalog.QuestionNumber:
		return []string{"20", "150", "499", "500", "3000"}[rng.IntN(5)]
	case catalog.QuestionYesNo:
		return []string{"yes", "no"}[rng.IntN(2)]
	}
	return q.Options[rng.IntN(len(q.Options))].ID
}

// checkValid checks the configuration against the product's rules and the
// answers' requirements, from the catalog data.
func checkValid(t *testing.T, s *guide.Session, base *configurator.Model, questions map[string]*catalog.Question) {
	t.Helper()
	ds, err := s.ValidDomains()
	require.NoError(t, err)
	for _, d := range ds {
		if d.Values != nil {
			require.NotEmpty(t, d.Values, d.Var)
		}
	}
	conf, err := s.Complete(configurator.Strategy{})
	require.NoError(t, err)
	plain := base.NewSession()
	require.NoError(t, plain.Restore(configurator.Snapshot{Product: "SRV-R2", Choices: conf.Values}))
	_, err = plain.ValidDomains()
	require.NoError(t, err, "the completion is a valid configuration: %v", conf.Values)

	statuses, err := s.Questions()
	require.NoError(t, err)
	for _, st := range statuses {
		if st.Status != guide.StatusAnswered {
			continue
		}
		q := questions[st.Question]
		for _, o := range q.Options {
			if !slices.Contains(st.Answer.Options, o.ID) {
				continue
			}
			for _, r := range o.Require {
				v, _ := conf.Value(r.Var)
				require.Contains(t, r.Allowed(), v, "answer %s = %s requires %s", q.ID, o.ID, r.Var)
			}
		}
		if q.ID == "users" {
			mem, _ := conf.Value("memory_gb")
			m := decimal.RequireFromString(mem)
			switch users := *st.Answer.Number; {
			case users.GreaterThanOrEqual(decimal.NewFromInt(500)):
				require.True(t, m.GreaterThanOrEqual(decimal.NewFromInt(512)), "many_users: %s GB", mem)
			case users.GreaterThanOrEqual(decimal.NewFromInt(100)):
				require.True(t, m.GreaterThanOrEqual(decimal.NewFromInt(128)), "some_users: %s GB", mem)
			}
		}
	}
}

// checkOffers checks that what the session offers applies: each available
// answer of the next prompt, and each package recommended.
func checkOffers(t *testing.T, s *guide.Session) {
	t.Helper()
	p, err := s.Next()
	require.NoError(t, err)
	if p != nil && p.Question.Type != catalog.QuestionNumber {
		for _, o := range p.Options {
			if !o.Available {
				require.NotNil(t, o.Conflict)
				continue
			}
			before := stateOf(s)
			require.NoError(t, s.Answer(p.Question.ID, o.ID), "offered answer %s = %s", p.Question.ID, o.ID)
			require.NoError(t, s.Clear(p.Question.ID))
			require.Equal(t, before, stateOf(s))
		}
	}
	r, err := s.Recommendations()
	require.NoError(t, err)
	for _, pk := range r.Packages {
		before := s.Choices()
		require.NoError(t, s.ApplyPackage(pk.ID), "recommended package %s", pk.ID)
		if !slices.Equal(before, s.Choices()) {
			require.NoError(t, s.Configurator().Undo())
		}
		require.Equal(t, before, s.Choices())
	}
}
