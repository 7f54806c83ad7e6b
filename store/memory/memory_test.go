package memory_test

import (
	"testing"

	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/storetest"
)

func newStore(testing.TB) storetest.Store { return memory.New() }

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkStore(b *testing.B) { storetest.Benchmark(b, newStore) }
