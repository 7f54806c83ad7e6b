package guide_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
	"github.com/cpqkit/cpq/examples/catalogs"
)

func serverGuide(t testing.TB) *guide.Guide {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	g, err := guide.New(c)
	require.NoError(t, err)
	return g
}

func lampGuide(t testing.TB) *guide.Guide {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "lamps.yaml"))
	require.NoError(t, err)
	c, err := catalog.Parse(data, "lamps.yaml")
	require.NoError(t, err)
	g, err := guide.New(c)
	require.NoError(t, err)
	return g
}

func sizing(t testing.TB, g *guide.Guide) *guide.Session {
	t.Helper()
	s, err := g.NewSession(guide.Options{Questionnaire: "server_sizing"})
	require.NoError(t, err)
	return s
}

func nextID(t *testing.T, s *guide.Session) string {
	t.Helper()
	p, err := s.Next()
	require.NoError(t, err)
	if p == nil {
		return ""
	}
	return p.Question.ID
}

func domain(t *testing.T, s *guide.Session, v string) []string {
	t.Helper()
	ds, err := s.ValidDomains()
	require.NoError(t, err)
	for _, d := range ds {
		if d.Var == v {
			return d.Values
		}
	}
	t.Fatalf("no variable %s", v)
	return nil
}

func ids(recs []guide.Recommendation) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// The server questionnaire, worked by hand from server.yaml.
//
//	workload = database  ⇒ memory_gb ≥ 256, nvme_3840 selected
//	(the accelerator question is hidden: it is for AI inference only)
//	users = 600          ⇒ rule many_users: memory_gb ≥ 512
//	budget = premium     ⇒ best +20
//	redundancy = yes     ⇒ redundant_psu = true, SVC-CARE-3Y +10, best +5
//
// Packages: good has 128 GB and better 384 GB, both below 512, so only best
// (768 GB) fits, scored 5 (database) + 20 (premium) + 5 (redundancy) + 10
// (many_users) = 40. Products: the care pack has 10, the others 0 in
// catalog order.
func TestServerQuestionnaire(t *testing.T) {
	s := sizing(t, serverGuide(t))

	p, err := s.Next()
	require.NoError(t, err)
	require.NotNil(t, p)
	assert.Equal(t, "workload", p.Question.ID)
	assert.Equal(t, "workload", p.Step.ID)
	require.Len(t, p.Options, 4)
	for _, o := range p.Options {
		assert.True(t, o.Available, o.ID)
	}

	require.NoError(t, s.Answer("workload", "database"))
	// 256..1024 in steps of 32: 25 values.
	mem := domain(t, s, "memory_gb")
	assert.Len(t, mem, 25)
	assert.Equal(t, "256", mem[0])
	assert.Equal(t, []string{"true"}, domain(t, s, "nvme_3840"))
	assert.Equal(t, "users", nextID(t, s), "the accelerator question is hidden")

	require.NoError(t, s.Answer("users", "600"))
	// 512..1024: 17 values.
	mem = domain(t, s, "memory_gb")
	assert.Len(t, mem, 17)
	assert.Equal(t, "512", mem[0])
	assert.Equal(t, "budget", nextID(t, s))

	require.NoError(t, s.Answer("budget", "premium"))
	assert.Equal(t, "redundancy", nextID(t, s))
	require.NoError(t, s.Answer("redundancy", "yes"))
	assert.Equal(t, []string{"true"}, domain(t, s, "redundant_psu"))
	assert.Equal(t, "", nextID(t, s), "every question is answered")

	r, err := s.Recommendations()
	require.NoError(t, err)
	require.Len(t, r.Packages, 1)
	best := r.Packages[0]
	assert.Equal(t, "best", best.ID)
	assert.Equal(t, 40, best.Score)
	require.Len(t, best.Reasons, 4)
	assert.Equal(t, guide.Reason{Question: "workload", Answer: "database", Text: catalog.Text{"en": "Databases", "zh-CN": "数据库"}, Points: 5}, best.Reasons[0])
	assert.Equal(t, "premium", best.Reasons[1].Answer)
	assert.Equal(t, 20, best.Reasons[1].Points)
	assert.Equal(t, "yes", best.Reasons[2].Answer)
	assert.Equal(t, "many_users", best.Reasons[3].Rule)
	assert.Equal(t, 10, best.Reasons[3].Points)

	assert.Equal(t, []string{"SVC-CARE-3Y", "NIC-25G", "NIC-100G", "GPU-L4", "GPU-H100"}, ids(r.Products))
	assert.Equal(t, 10, r.Products[0].Score)
	assert.Equal(t, []guide.Reason{{Question: "redundancy", Answer: "yes", Text: r.Products[0].Reasons[0].Text, Points: 10}}, r.Products[0].Reasons)

	// The completion honours the answers: the least memory allowed (the
	// default 64 is not) and redundant power.
	conf, err := s.Complete(configurator.Strategy{})
	require.NoError(t, err)
	v, _ := conf.Value("memory_gb")
	assert.Equal(t, "512", v)
	v, _ = conf.Value("redundant_psu")
	assert.Equal(t, "true", v)
	v, _ = conf.Value("nvme_3840")
	assert.Equal(t, "true", v)
}

// Changing an earlier answer replaces its requirements and may show
// questions that were hidden.
func TestChangeAnswer(t *testing.T) {
	s := sizing(t, serverGuide(t))
	require.NoError(t, s.Answer("workload", "database"))
	require.NoError(t, s.Answer("users", "600"))
	require.NoError(t, s.Answer("workload", "ai_inference"))
	// cpu ∈ {X7, X9}; memory ≥ 512 from the users still holds; NVMe is no
	// longer required.
	assert.Equal(t, []string{"X7", "X9"}, domain(t, s, "cpu"))
	assert.Equal(t, "512", domain(t, s, "memory_gb")[0])
	assert.Equal(t, []string{"false", "true"}, domain(t, s, "nvme_3840"))
	assert.Equal(t, "accelerator", nextID(t, s), "the accelerator question is now visible")

	require.NoError(t, s.Answer("accelerator", "h100"))
	// The H100 needs the 2U chassis and the 1200 W supply.
	assert.Equal(t, []string{"2U"}, domain(t, s, "chassis"))
	assert.Equal(t, []string{"W1200"}, domain(t, s, "psu"))

	// Back to databases: the accelerator answer is kept but no longer in
	// force, so the H100 is free again.
	require.NoError(t, s.Answer("workload", "database"))
	assert.Equal(t, []string{"false", "true"}, domain(t, s, "gpu_h100"))
	qs, err := s.Questions()
	require.NoError(t, err)
	assert.Equal(t, guide.StatusHidden, qs[1].Status)
	require.NotNil(t, qs[1].Answer)
	assert.Equal(t, []string{"h100"}, qs[1].Answer.Options)

	require.NoError(t, s.Clear("users"))
	assert.Equal(t, "256", domain(t, s, "memory_gb")[0])
}

// A question whose every possible answer has the same effect is not asked:
// with the H100 chosen, the L4 is impossible (one accelerator at most) and
// the H100 answer changes nothing.
func TestSkipsQuestionThatCannotChangeAnything(t *testing.T) {
	s := sizing(t, serverGuide(t))
	require.NoError(t, s.Set("gpu_h100", "true"))
	require.NoError(t, s.Answer("workload", "ai_inference"))
	assert.Equal(t, "users", nextID(t, s))
	qs, err := s.Questions()
	require.NoError(t, err)
	want := map[string]guide.QuestionStatus{
		"workload": guide.StatusAnswered, "accelerator": guide.StatusSkipped, "users": guide.StatusOpen,
		"budget": guide.StatusOpen, "redundancy": guide.StatusOpen,
	}
	for _, q := range qs {
		assert.Equal(t, want[q.Question], q.Status, q.Question)
	}
}

// An answer whose requirement conflicts with a choice is refused with the
// choice to drop, and nothing changes; the prompt marks it unavailable.
func TestAnswerConflictsWithChoice(t *testing.T) {
	s := sizing(t, serverGuide(t))
	require.NoError(t, s.Set("chassis", "1U"))

	p, err := s.Next()
	require.NoError(t, err)
	byID := map[string]guide.OptionState{}
	for _, o := range p.Options {
		byID[o.ID] = o
	}
	// 3.5-inch drives fit only the 2U chassis.
	assert.False(t, byID["file_server"].Available)
	require.NotNil(t, byID["file_server"].Conflict)
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "1U"}}, byID["file_server"].Conflict.Drop)
	assert.True(t, byID["database"].Available)

	err = s.Answer("workload", "file_server")
	var ce *guide.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, guide.ErrConflict)
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "1U"}}, ce.Drop)
	require.Len(t, ce.Explanations, 1)
	assert.Equal(t, []string{"hdd_2u", "answer:workload=file_server"}, ruleIDs(ce.Explanations[0].Rules))
	assert.Contains(t, err.Error(), "answer workload = file_server conflicts with the choice of chassis = 1U: 3.5-inch drives fit only the 2U chassis")
	assert.Empty(t, s.Answers(), "a refused answer changes nothing")
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "1U"}}, s.Choices())

	require.NoError(t, s.Drop(ce.Drop))
	require.NoError(t, s.Answer("workload", "file_server"))
	assert.Equal(t, []string{"2U"}, domain(t, s, "chassis"))

	// A value ruled out by an answer is refused with the answer named.
	err = s.Set("chassis", "1U")
	var cfe *configurator.ConflictError
	require.ErrorAs(t, err, &cfe)
	assert.Contains(t, ruleIDs(cfe.Explanation.Rules), "answer:workload=file_server")
}

func ruleIDs(rs []configurator.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// Two answers that cannot hold together: a bedroom lamp has a paper or
// linen shade, a modern one a glass shade. The refusal names the answer to
// clear.
func TestAnswersThatClash(t *testing.T) {
	s, err := lampGuide(t).NewSession(guide.Options{Questionnaire: "lamp_needs"})
	require.NoError(t, err)
	require.NoError(t, s.Answer("room", "bedroom"))
	// Classic is the only style still possible, so the style question
	// cannot change anything now and is not asked.
	assert.Equal(t, "bright", nextID(t, s))

	err = s.Answer("style", "modern")
	var ce *guide.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"room"}, ce.Clear)
	assert.Empty(t, ce.Drop)
	assert.Len(t, s.Answers(), 1)

	require.NoError(t, s.Clear("room"))
	require.NoError(t, s.Answer("style", "modern"))
	// A glass shade needs the marble or steel base.
	assert.Equal(t, []string{"marble", "steel"}, domain(t, s, "base"))
}

// Filters and scores of the lamp questionnaire: an office lamp needs a bulb
// of at least 600 lumen, so only the LED bulb (800) fits; the carbon bulb
// is retired and never recommended.
func TestFitsAndNumberRules(t *testing.T) {
	s, err := lampGuide(t).NewSession(guide.Options{Questionnaire: "lamp_needs"})
	require.NoError(t, err)
	r, err := s.Recommendations()
	require.NoError(t, err)
	assert.Equal(t, []string{"BULB-LED", "BULB-HAL"}, ids(r.Products))
	assert.Equal(t, []string{"reading", "design"}, ids(r.Packages))

	require.NoError(t, s.Answer("room", "office"))
	r, err = s.Recommendations()
	require.NoError(t, err)
	require.Equal(t, []string{"BULB-LED"}, ids(r.Products))
	assert.Equal(t, 5, r.Products[0].Score)
	assert.Equal(t, []guide.Reason{
		{Question: "room", Answer: "office", Text: catalog.Text{"": "Office"}, Fits: true},
		{Question: "room", Answer: "office", Text: catalog.Text{"": "Office"}, Points: 5},
	}, r.Products[0].Reasons)
	// The reading package (20 W) scores 10; design still fits.
	assert.Equal(t, []string{"reading", "design"}, ids(r.Packages))
	assert.Equal(t, 10, r.Packages[0].Score)

	// 900 lumen: the rule bright_bulbs filters on the answer; no bulb
	// gives 900, so nothing fits.
	require.NoError(t, s.Answer("bright", "900"))
	r, err = s.Recommendations()
	require.NoError(t, err)
	assert.Empty(t, r.Products)
	require.NoError(t, s.Answer("bright", "700"))
	r, err = s.Recommendations()
	require.NoError(t, err)
	assert.Equal(t, []string{"BULB-LED"}, ids(r.Products))
	assert.Equal(t, 6, r.Products[0].Score, "5 for the office, 1 for bright_bulbs")

	// A package ruled out by a choice no longer fits: design needs a
	// glass shade, reading has linen.
	require.NoError(t, s.Set("shade", "linen"))
	r, err = s.Recommendations()
	require.NoError(t, err)
	assert.Equal(t, []string{"reading"}, ids(r.Packages))
}

// With the base already chosen as wood, a modern (glass) style is
// impossible and classic changes nothing: the style question is skipped.
func TestSkipWhenOnlyOneAnswerRemains(t *testing.T) {
	s, err := lampGuide(t).NewSession(guide.Options{Questionnaire: "lamp_needs"})
	require.NoError(t, err)
	require.NoError(t, s.Set("base", "wood"))
	require.NoError(t, s.Answer("room", "bedroom"))
	assert.Equal(t, "bright", nextID(t, s))
}

func TestInvalidAnswers(t *testing.T) {
	s := sizing(t, serverGuide(t))
	tests := []struct {
		name     string
		question string
		values   []string
		want     error
	}{
		{"unknown question", "colour", []string{"red"}, guide.ErrUnknownQuestion},
		{"unknown option", "workload", []string{"gaming"}, guide.ErrInvalidAnswer},
		{"two answers to a single choice", "budget", []string{"entry", "premium"}, guide.ErrInvalidAnswer},
		{"not a number", "users", []string{"many"}, guide.ErrInvalidAnswer},
		{"out of range", "users", []string{"0"}, guide.ErrInvalidAnswer},
		{"not yes or no", "redundancy", []string{"maybe"}, guide.ErrInvalidAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, s.Answer(tt.question, tt.values...), tt.want)
		})
	}
	assert.Empty(t, s.Answers())
}

// Context facts reach answer rules: an enterprise customer gets 5 points
// on the care pack before any question is answered.
func TestFactsInRules(t *testing.T) {
	s, err := serverGuide(t).NewSession(guide.Options{Questionnaire: "server_sizing", Facts: map[string]any{"customer.segment": "enterprise"}})
	require.NoError(t, err)
	r, err := s.Recommendations()
	require.NoError(t, err)
	assert.Equal(t, "SVC-CARE-3Y", r.Products[0].ID)
	assert.Equal(t, 5, r.Products[0].Score)
	assert.Equal(t, "enterprise_care", r.Products[0].Reasons[0].Rule)
}

// A multiple-choice answer: dimmable limits the bulb to 40 W (5..40 in
// steps of 5: 8 values), warm light keeps bulbs of at most 800 lumen (both),
// and the rule halogen_dims reads the list: the halogen bulb gets 2 points.
func TestMultipleChoice(t *testing.T) {
	s, err := lampGuide(t).NewSession(guide.Options{Questionnaire: "lamp_needs"})
	require.NoError(t, err)
	require.NoError(t, s.Answer("bright", "100"))
	require.NoError(t, s.Answer("features", "dimmable", "warm"))
	assert.Equal(t, []string{"5", "10", "15", "20", "25", "30", "35", "40"}, domain(t, s, "bulb_w"))
	r, err := s.Recommendations()
	require.NoError(t, err)
	assert.Equal(t, []string{"BULB-HAL", "BULB-LED"}, ids(r.Products))
	assert.Equal(t, 2, r.Products[0].Score)
	assert.Equal(t, "halogen_dims", r.Products[0].Reasons[1].Rule)
	assert.Equal(t, []guide.Answer{
		{Question: "bright", Number: r2d("100")},
		{Question: "features", Options: []string{"dimmable", "warm"}},
	}, s.Answers())
	assert.Equal(t, "room", nextID(t, s), "answers may come in any order; the first open question is next")
}

func r2d(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// A Guide is shared by concurrent sessions.
func TestConcurrentSessions(t *testing.T) {
	g := serverGuide(t)
	done := make(chan error, 4)
	for i := range 4 {
		go func() {
			s, err := g.NewSession(guide.Options{Questionnaire: "server_sizing"})
			if err == nil {
				err = s.Answer("workload", []string{"database", "virtualisation", "ai_inference", "file_server"}[i])
			}
			if err == nil {
				_, err = s.Next()
			}
			if err == nil {
				_, err = s.Recommendations()
			}
			done <- err
		}()
	}
	for range 4 {
		require.NoError(t, <-done)
	}
}
