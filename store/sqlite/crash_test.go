package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/sqlite"
	"github.com/cpqkit/cpq/store/storetest"
)

// The crash test runs a writer in a child process (this test binary again,
// told so by these variables) and kills it with SIGKILL while it writes.
const (
	crashDBEnv   = "CPQ_SQLITE_CRASH_DB"
	crashFromEnv = "CPQ_SQLITE_CRASH_FROM"
	crashTenant  = "crash"
	hotQuote     = "q-0"
)

// crashWrite is one transaction of the child: a new 30-line quote n, an
// update of the hot quote that every transaction touches, and an event.
func crashWrite(ctx context.Context, s *sqlite.Store, n int) error {
	return s.InTx(ctx, func(tx quote.Tx) error {
		if err := tx.Create(ctx, storetest.SampleQuote(crashTenant, n, 30)); err != nil {
			return err
		}
		hot, err := tx.Get(ctx, crashTenant, hotQuote)
		if err != nil {
			return err
		}
		hot.Terms = append(hot.Terms, quote.Term{ID: fmt.Sprintf("t-%d", n), Text: "written with quote " + strconv.Itoa(n)})
		if err := tx.Update(ctx, hot); err != nil {
			return err
		}
		return tx.Enqueue(ctx, quote.Event{
			ID: fmt.Sprintf("e-%d", n), Tenant: crashTenant, QuoteID: fmt.Sprintf("q-%d", n), Revision: 1,
			Kind: "quote.created", At: storetest.T0,
		})
	})
}

// crashChild writes until it is killed, printing the number of each
// quote once its transaction has committed.
func crashChild(path string, from int) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	for n := from; n < from+100_000; n++ { // bounded, should the parent be gone
		if err := crashWrite(ctx, s, n); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Printf("committed %d\n", n)
	}
	os.Exit(3)
}

func TestCrashKeepsCommittedQuotes(t *testing.T) {
	if path := os.Getenv(crashDBEnv); path != "" {
		from, _ := strconv.Atoi(os.Getenv(crashFromEnv))
		crashChild(path, from)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	first, err := sqlite.Open(context.Background(), sqlite.Config{Path: path})
	require.NoError(t, err)
	require.NoError(t, first.Create(context.Background(), storetest.SampleQuote(crashTenant, 0, 1)))
	require.NoError(t, first.Close())

	const rounds, perRound = 3, 15
	committed := []int{}
	next := 1
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsCommittedQuotes$")
		cmd.Env = append(os.Environ(), crashDBEnv+"="+path, crashFromEnv+"="+strconv.Itoa(next))
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		lines := bufio.NewScanner(out)
		seen := 0
		for seen < perRound && lines.Scan() {
			line := lines.Text()
			if n, ok := strings.CutPrefix(line, "committed "); ok {
				i, err := strconv.Atoi(n)
				require.NoError(t, err)
				committed = append(committed, i)
				next = i + 1
				seen++
			} else if strings.HasPrefix(line, "error:") {
				t.Fatalf("round %d: the writer failed: %s", round, line)
			}
		}
		// Killed in the middle of its next transaction.
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
		require.Equal(t, perRound, seen, "round %d: the writer stopped early", round)
		// The next writer starts after anything the killed one may have
		// committed without saying so.
		next += 1
	}

	// The database opens, is intact, and holds every committed quote.
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	var check string
	require.NoError(t, raw.QueryRow(`PRAGMA integrity_check`).Scan(&check))
	assert.Equal(t, "ok", check)
	require.NoError(t, raw.Close())

	s := open(t, path)
	ctx := context.Background()
	for _, n := range committed {
		got, err := s.Get(ctx, crashTenant, fmt.Sprintf("q-%d", n))
		require.NoError(t, err, "committed quote %d", n)
		want := storetest.SampleQuote(crashTenant, n, 30)
		want.Version = 1
		assert.Equal(t, want.ComputeSeal(), got.ComputeSeal(), "quote %d", n)
		assert.Len(t, got.Lines, 30)
	}
	// Each transaction is there whole or not at all: as many quotes as
	// terms on the hot quote, as many events, and the hot quote's version
	// counts them.
	page, err := s.List(ctx, crashTenant, quote.Filter{Limit: quote.MaxPageSize})
	require.NoError(t, err)
	stored := len(page.Quotes) - 1 // without the hot quote
	assert.GreaterOrEqual(t, stored, len(committed))
	hot, err := s.Get(ctx, crashTenant, hotQuote)
	require.NoError(t, err)
	assert.Len(t, hot.Terms, 2+stored)
	assert.Equal(t, int64(1+stored), hot.Version)
	events, err := s.Claim(ctx, quote.ClaimRequest{Now: storetest.T0, Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, events, stored)
	// And it takes writes again.
	require.NoError(t, crashWrite(ctx, s, next+1000))
}
