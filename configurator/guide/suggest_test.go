package guide_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/configurator/guide"
)

func suggestionIDs(ss []guide.Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

// The server's suggestion rules, worked by hand: with 512 GB chosen (the
// rest at defaults: SATA SSDs, no NVMe, no redundant power, one socket),
// redundant_power (priority 20) and nvme_upgrade (10) hold; care needs two
// sockets or an enterprise customer.
func TestCatalogSuggestions(t *testing.T) {
	ctx := context.Background()
	s := productSession(t, serverGuide(t), "SRV-R2")
	none, err := s.Suggestions(ctx)
	require.NoError(t, err)
	assert.Empty(t, none, "64 GB by default: no rule holds")

	require.NoError(t, s.Set("memory_gb", "512"))
	list, err := s.Suggestions(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"redundant_power", "nvme_upgrade"}, suggestionIDs(list))
	assert.Equal(t, []configurator.Choice{{Var: "ssd_960", Value: "false"}, {Var: "nvme_3840", Value: "true"}}, list[1].Set)
	assert.Equal(t, "upsell", list[1].Kind)

	// Accepting the upgrade makes its choices; it is not offered again.
	require.NoError(t, s.AcceptSuggestion(ctx, "nvme_upgrade"))
	assert.Contains(t, s.Choices(), configurator.Choice{Var: "nvme_3840", Value: "true"})
	assert.Contains(t, s.Choices(), configurator.Choice{Var: "ssd_960", Value: "false"})
	s.DismissSuggestion("redundant_power")
	list, err = s.Suggestions(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)
	assert.Equal(t, map[string]guide.SuggestionStatus{"nvme_upgrade": guide.SuggestionAccepted, "redundant_power": guide.SuggestionDismissed}, s.Decisions())

	// Two sockets: the care pack is cross-sold on a line of its own.
	require.NoError(t, s.Set("sockets", "2"))
	list, err = s.Suggestions(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"care"}, suggestionIDs(list))
	assert.Equal(t, "cross_sell", list[0].Kind)
	require.NoError(t, s.AcceptSuggestion(ctx, "care"))
	assert.Equal(t, []guide.Addition{{Product: "SVC-CARE-3Y", Quantity: 1, Suggestion: "care"}}, s.Additions())

	assert.ErrorIs(t, s.AcceptSuggestion(ctx, "care"), guide.ErrUnknownSuggestion)
}

// An upgrade replaces the value it upgrades (bulb_w 10 → 20), even one
// the user chose; one that would break a rule is not offered: with a paper
// shade, 20 W is too much (paper_cool).
func TestSuggestionNeverInvalid(t *testing.T) {
	ctx := context.Background()
	s := productSession(t, lampGuide(t), "LAMP")
	require.NoError(t, s.Set("bulb_w", "10"))
	list, err := s.Suggestions(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"brighter", "spare_bulb"}, suggestionIDs(list))
	assert.Equal(t, 2, list[1].Quantity)

	require.NoError(t, s.Set("shade", "paper"))
	list, err = s.Suggestions(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"spare_bulb"}, suggestionIDs(list), "20 W under a paper shade breaks paper_cool")

	require.NoError(t, s.Unset("shade"))
	require.NoError(t, s.AcceptSuggestion(ctx, "brighter"))
	assert.Contains(t, s.Choices(), configurator.Choice{Var: "bulb_w", Value: "20"})
}

// hostSuggestions plays a host's "often bought together" data.
type hostSuggestions struct {
	got guide.SuggestionQuery
	out []guide.Suggestion
	err error
}

func (h *hostSuggestions) Suggestions(_ context.Context, q guide.SuggestionQuery) ([]guide.Suggestion, error) {
	h.got = q
	return h.out, h.err
}

// The host's suggestions are checked like the catalog's: the H100 does not
// fit a 1U server, and an unknown product is not offered.
func TestHostSuggestions(t *testing.T) {
	ctx := context.Background()
	host := &hostSuggestions{out: []guide.Suggestion{
		{ID: "bought_with_h100", Set: []configurator.Choice{{Var: "gpu_h100", Value: "true"}}, Reason: map[string]string{"en": "Often bought"}, Priority: 50},
		{ID: "nic", AddProduct: "NIC-25G", Reason: map[string]string{"en": "Often bought"}, Priority: 1},
		{ID: "ghost", AddProduct: "NOPE", Priority: 99},
	}}
	s, err := serverGuide(t).NewSession(guide.Options{Product: "SRV-R2", Suggestions: host, Facts: map[string]any{"customer.segment": "enterprise"}})
	require.NoError(t, err)
	require.NoError(t, s.Set("chassis", "1U"))
	list, err := s.Suggestions(ctx)
	require.NoError(t, err)
	// care (priority 5) holds for an enterprise customer; the host's NIC
	// (priority 1) comes after it.
	assert.Equal(t, []string{"care", "nic"}, suggestionIDs(list))
	assert.True(t, list[1].FromHost)
	assert.Equal(t, "cross_sell", list[1].Kind)
	assert.Equal(t, "SRV-R2", host.got.Product)
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "1U"}}, host.got.Choices)
	v, _ := host.got.Configuration.Value("cpu")
	assert.Equal(t, "X5", v)

	host.err = errors.New("crm down")
	_, err = s.Suggestions(ctx)
	assert.ErrorIs(t, err, host.err)
}
