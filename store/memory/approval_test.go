package memory_test

import (
	"testing"

	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/storetest"
)

func TestApprovalConformance(t *testing.T) {
	storetest.RunApproval(t, func(testing.TB) storetest.ApprovalStore { return memory.New() })
}
