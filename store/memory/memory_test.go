package memory_test

import (
	"testing"

	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/storetest"
)

func newStore(testing.TB) storetest.Store { return memory.New() }

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkStore(b *testing.B) { storetest.Benchmark(b, newStore) }

func TestSessionsConformance(t *testing.T) {
	storetest.RunSessions(t, func(testing.TB) storetest.SessionStore { return memory.NewSessions() })
}

func TestStoreSessions(t *testing.T) {
	storetest.RunSessions(t, func(testing.TB) storetest.SessionStore { return memory.New().Sessions() })
}
