package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeAnswers(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "answers.yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o600))
	return path
}

// The questionnaire from an answers file; expected results as worked out
// in the guide's tests: only the best package (768 GB) fits 600 users,
// scored 5 + 20 + 5 + 10 = 40.
func TestQuestionnaireFromAnswersFile(t *testing.T) {
	answers := writeAnswers(t, "workload: database\nusers: 600\nbudget: premium\nredundancy: yes\n")
	code, out, errOut := runCmd("configure", "--questionnaire", "server_sizing", "--answers", answers, serverCatalog)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "answers: 4\n")
	assert.Contains(t, out, "  users       = 600\n")
	assert.NotContains(t, out, "  accelerator ", "hidden and not answered")
	assert.Contains(t, out, "packages:\n  best           40  Best — performance server (+5 Databases; +20 Premium; ")
	assert.Contains(t, out, "  SVC-CARE-3Y    10  3-year on-site care (+10 Yes, with redundant power)\n")
	assert.Contains(t, out, "memory_gb=512")
	assert.Contains(t, out, "redundant_psu=true")

	code, out, errOut = runCmd("configure", "--json", "--questionnaire", "server_sizing", "--answers", answers, serverCatalog)
	require.Equal(t, 0, code, errOut)
	var rep questionnaireReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Ranking.Packages, 1)
	assert.Equal(t, "best", rep.Ranking.Packages[0].ID)
	assert.Equal(t, 40, rep.Ranking.Packages[0].Score)
	require.NotNil(t, rep.Completion)
}

// An answer that conflicts with a choice given on the command line is
// refused with the choice to drop.
func TestQuestionnaireAnswerRefused(t *testing.T) {
	answers := writeAnswers(t, "workload: file_server\n")
	code, _, errOut := runCmd("configure", "--questionnaire", "server_sizing", "--answers", answers, serverCatalog, "chassis=1U")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "answer workload: answer workload = file_server conflicts with the choice of chassis = 1U: 3.5-inch drives fit only the 2U chassis")
}

// Interactively: options by number or ID; an unavailable one is refused
// and asked again; a cleared answer is asked again. With the 1U chassis,
// no package fits (best needs 2U; good and better have less than 512 GB).
func TestQuestionnaireInteractive(t *testing.T) {
	old := stdin
	defer func() { stdin = old }()
	stdin = strings.NewReader("4\n1\n50\nclear users\n900\nentry\nno\n")
	code, out, errOut := runCmd("configure", "-i", "--questionnaire", "server_sizing", serverCatalog, "chassis=1U")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "  4) Files and backup [file_server] — not available: answer workload = file_server conflicts with the choice of chassis = 1U")
	assert.Contains(t, out, "error: answer workload = file_server conflicts")
	assert.Contains(t, out, "[Workload] How many users will it serve?\n  a number in users 1..100000\n")
	assert.Equal(t, 2, strings.Count(out, "How many users will it serve?"), "asked again once cleared")
	assert.Contains(t, out, "no more questions")
	assert.Contains(t, out, "  workload    = database\n")
	assert.Contains(t, out, "  users       = 900\n")
	assert.Contains(t, out, "  budget      = entry\n")
	assert.NotContains(t, out, "packages:")
	assert.Contains(t, out, "chassis=1U")
}
