package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/render"
)

// dejaVu is DejaVu Sans as Debian's fonts-dejavu-core installs it; without
// it the run skips the PDF.
const dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

func TestRun(t *testing.T) {
	var font *render.FontFace
	if b, err := os.ReadFile(dejaVu); err == nil {
		font = &render.FontFace{Data: b}
	} else {
		t.Logf("no font (%v): the PDF step is skipped", err)
	}
	var out bytes.Buffer
	res, err := run(context.Background(), &out, font, nil, "")
	require.NoError(t, err, out.String())
	t.Log("\n" + out.String())
	text := out.String()

	for _, want := range []string{
		"prefilled: Nordwerk AG, contact Jana Roth, USD, price book usd_list, net 30, valid until 2030-04-03",
		"CRM field workload__c answers workload: database",
		"the salesperson answers \"Which budget fits?\": premium",
		"manager_discount by mia",
		"presenting now is refused: true",
		"mia approves manager_discount: approval approved",
		"quote ordered",
		"dispatcher delivered 8 events, 0 retried, 0 dead letters",
		"CRM heard: created, primary, updated, submitted, approved, presented, accepted, ordered",
		"primary quote q-1, ordered",
		"verifies: true",
	} {
		assert.Contains(t, text, want)
	}
	// The seal the approver approved is the one on the order.
	seal := between(text, "approved: quote approved, seal ", "\n")
	require.NotEmpty(t, seal)
	assert.Contains(t, text, "ERP order for Q-2030-0042 revision 1: 33565.00, seal "+seal+", verifies: true")
	assert.Contains(t, text, "amount 33565.00 USD", "the CRM shows what the ERP ordered")
	assert.Contains(t, text, "2 × SRV-R2 at 12452.50: chassis=2U cooling=liquid cpu=X9 memory_gb=768", "the order carries the configuration")

	if font != nil {
		require.NotNil(t, res.PDF)
		info, err := render.ReadPDFInfo(res.PDF)
		require.NoError(t, err)
		assert.Equal(t, "approved", info.Status)
		assert.Equal(t, seal, render.SealShort(info.Seal), "the PDF shows the approved content")
	}
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}
