package guide_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

// A sizing session stored as data and restored into a fresh session is
// the same session: answers, choices, quantities, decisions and additions.
//
// By hand from server.yaml: databases need 256 GB and NVMe, 600 users 512
// GB; with 512 GB the redundant power up-sell is offered (accepted here),
// and with two sockets the care pack is cross-sold (accepted: an
// addition); the NVMe upgrade is not offered, NVMe being required already.
func TestStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	g := serverGuide(t)
	s := sizing(t, g)
	require.NoError(t, s.Answer("workload", "database"))
	require.NoError(t, s.Answer("users", "600"))
	require.NoError(t, s.Set("chassis", "1U"))
	require.NoError(t, s.Set("memory_gb", "512"))
	require.NoError(t, s.Configurator().SetQuantity("nvme_3840", 3))
	list, err := s.Suggestions(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"redundant_power"}, suggestionIDs(list))
	require.NoError(t, s.AcceptSuggestion(ctx, "redundant_power"))
	require.NoError(t, s.Set("sockets", "2"))
	require.NoError(t, s.AcceptSuggestion(ctx, "care"))

	st := s.State()
	assert.Equal(t, []configurator.Choice{
		{Var: "chassis", Value: "1U"}, {Var: "sockets", Value: "2"}, {Var: "memory_gb", Value: "512"},
		{Var: "redundant_psu", Value: "true"}, {Var: "qty.nvme_3840", Value: "3"},
	}, st.Choices)
	require.Len(t, st.Answers, 2)
	assert.Equal(t, "600", st.Answers[1].Number.String())
	assert.Equal(t, map[string]guide.SuggestionStatus{"redundant_power": guide.SuggestionAccepted, "care": guide.SuggestionAccepted}, st.Decisions)
	assert.Equal(t, []guide.Addition{{Product: "SVC-CARE-3Y", Quantity: 1, Suggestion: "care"}}, st.Additions)

	data, err := json.Marshal(st)
	require.NoError(t, err)
	var back guide.State
	require.NoError(t, json.Unmarshal(data, &back))

	fresh := sizing(t, g)
	require.NoError(t, fresh.Restore(back))
	assert.Equal(t, st, fresh.State())
	want, err := s.ValidDomains()
	require.NoError(t, err)
	got, err := fresh.ValidDomains()
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, "budget", nextID(t, fresh))
	offered, err := fresh.Suggestions(ctx)
	require.NoError(t, err)
	assert.Empty(t, offered, "what was decided is not offered again")
	qs, err := fresh.Questions()
	require.NoError(t, err)
	assert.Equal(t, guide.StatusAnswered, qs[0].Status)
	assert.Equal(t, guide.StatusHidden, qs[1].Status)

	// The answers' requirements hold: without the choice of 512 GB, 512
	// is still the least memory.
	require.NoError(t, fresh.Unset("memory_gb"))
	assert.Equal(t, []string{"512", "544"}, domain(t, fresh, "memory_gb")[:2])
}

func TestRestoreRefusedChangesNothing(t *testing.T) {
	g := serverGuide(t)
	s := sizing(t, g)
	require.NoError(t, s.Answer("workload", "database"))
	require.NoError(t, s.Set("chassis", "1U"))
	s.DismissSuggestion("care")
	before := s.State()
	for _, tc := range []struct {
		name string
		st   guide.State
		err  error
	}{
		{"unknown question", guide.State{Answers: []guide.Answer{{Question: "colour", Options: []string{"red"}}}}, guide.ErrUnknownQuestion},
		{"unknown option", guide.State{Answers: []guide.Answer{{Question: "workload", Options: []string{"gaming"}}}}, guide.ErrInvalidAnswer},
		{"two options for a single choice", guide.State{Answers: []guide.Answer{{Question: "workload", Options: []string{"database", "file_server"}}}}, guide.ErrInvalidAnswer},
		{"unknown variable", guide.State{Choices: []configurator.Choice{{Var: "colour", Value: "red"}}}, configurator.ErrUnknownVariable},
		{"unknown value", guide.State{Choices: []configurator.Choice{{Var: "cpu", Value: "X11"}}}, configurator.ErrUnknownValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, s.Restore(tc.st), tc.err)
			assert.Equal(t, before, s.State())
			assert.Equal(t, []string{"256"}, domain(t, s, "memory_gb")[:1])
		})
	}
}

// Choices that no longer hold with the answers (a newer catalog, an edited
// state) are kept, as configurator.Session.Restore keeps them: the
// session reports them inconsistent.
func TestRestoreInconsistentChoices(t *testing.T) {
	s := sizing(t, serverGuide(t))
	require.NoError(t, s.Restore(guide.State{
		Answers: []guide.Answer{{Question: "workload", Options: []string{"database"}}},
		Choices: []configurator.Choice{{Var: "memory_gb", Value: "64"}},
	}))
	_, err := s.ValidDomains()
	assert.ErrorIs(t, err, configurator.ErrInconsistent)
	drop, err := s.Configurator().Conflicts()
	require.NoError(t, err)
	assert.Equal(t, []configurator.Choice{{Var: "memory_gb", Value: "64"}}, drop)

	// Restoring an empty state starts over.
	require.NoError(t, s.Restore(guide.State{}))
	assert.Empty(t, s.State().Choices)
	assert.Empty(t, s.State().Answers)
	assert.Equal(t, "workload", nextID(t, s))
}

// A state whose answers cannot hold together (a bedroom lamp with a
// modern, glass shade) is refused, naming the answers to clear.
func TestRestoreClashingAnswers(t *testing.T) {
	s, err := lampGuide(t).NewSession(guide.Options{Questionnaire: "lamp_needs"})
	require.NoError(t, err)
	require.NoError(t, s.Answer("style", "modern"))
	before := s.State()
	err = s.Restore(guide.State{Answers: []guide.Answer{
		{Question: "room", Options: []string{"bedroom"}},
		{Question: "style", Options: []string{"modern"}},
	}})
	var ce *guide.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.NotEmpty(t, ce.Clear)
	assert.Equal(t, before, s.State())
}
