package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(context.Background(), &buf))
	out := buf.String()
	t.Log("\n" + out)

	// Virtual machines need two sockets and at least 128 GB.
	assert.Contains(t, out, "  sockets can be: 2\n")
	assert.Contains(t, out, "  memory_gb can be: 128 160 192 ")
	// better: +10 virtual machines, +20 standard budget, +5 for 100–499
	// users = 35; best fits but nothing scores it; good (one socket) is
	// ruled out by the virtualisation answer.
	assert.Contains(t, out, "  Better — balanced server, 35 points\n"+
		"    +10 Virtual machines\n"+
		"    +20 Standard\n"+
		"    +5 100 to 499 users need at least 128 GB of memory\n"+
		"  Best — performance server, 0 points\n"+
		"  not good: package good conflicts with the answers to workload\n")
	assert.Contains(t, out, "  add-on NIC-25G (Dual-port 25 GbE adapter), 5 points\n")
	assert.NotContains(t, out, "add-on GPU-H100", "add-ons without points are not listed")
	assert.Contains(t, out, "Applied package better: cpu=X7 memory_gb=384 nic_25g=true nvme_3840=true psu=W1200 qty.nvme_3840=2 sockets=2\n")

	// In a 1U chassis the X9 is out: it needs liquid cooling, which needs
	// 2U; less than 128 GB is out because of the answer.
	assert.Contains(t, out, "  refused cpu = X9: cpu = X9 is not available because of your choice of chassis = 1U: "+
		"The X9 processor needs liquid cooling; Liquid cooling fits only the 2U chassis\n")
	assert.Contains(t, out, "  refused memory_gb = 96: memory_gb = 96 is not available: "+
		"What will the server mainly run? — Virtual machines\n")
	assert.Contains(t, out, "  hdd_8t can be: false\n  gpu_h100 can be: false\n", "3.5-inch drives and the H100 need 2U")

	assert.Contains(t, out, "  upsell redundant_power: ")
	assert.Contains(t, out, "  cross_sell care: ")
	assert.Contains(t, out, "Configuration: chassis=1U cooling=air cpu=X7 memory_gb=384 nic_25g=true nvme_3840=true psu=W1200 "+
		"qty.nvme_3840=2 qty.ssd_960=2 redundant_psu=true sockets=2 ssd_960=true\n")

	// One server lists at 4200 + 1350 (X7) + 1350 (second X7)
	// + (384 − 32) / 32 × 140 = 1540 (memory) + 260 (1200 W) + 390
	// (redundant 1200 W) = 9090; six: 54540, 4 % off for 5–19 servers:
	// 52358.40. Per server 2 SATA SSDs at 210, 2 NVMe at 690 and a NIC at
	// 380: 12 × 210 = 2520, 12 × 690 = 8280, 6 × 380 = 2280. Care is 8 % of
	// the rest: 0.08 × (52358.40 + 2520 + 8280 + 2280) = 0.08 × 65438.40
	// = 5235.072 → 5235.07.
	for _, want := range [][]string{
		{"1", "SRV-R2", "6", "54540.00", "52358.40"},
		{"1.ssd_960", "DRV-SSD-960", "12", "2520.00", "2520.00"},
		{"1.nvme_3840", "DRV-NVME-3840", "12", "8280.00", "8280.00"},
		{"1.nic_25g", "NIC-25G", "6", "2280.00", "2280.00"},
		{"2", "SVC-CARE-3Y", "1", "5235.07", "5235.07"},
	} {
		assert.Equal(t, want, row(t, out, want[0]))
	}
	assert.Contains(t, out, "  line 1: Server volume discount: tier 5–19 reached by quantity 6 of product SRV-R2 on the quote: 4% off\n")
	// List 54540 + 2520 + 8280 + 2280 + 5235.072 = 72855.072; net 52358.40
	// + 2520 + 8280 + 2280 + 5235.07 = 70673.47; discount 2181.602.
	assert.Contains(t, out, "  total list 72855.07, discount 2181.60, net 70673.47 USD\n")
}

// row returns the fields of the first output line whose first field is
// first.
func row(t *testing.T, out, first string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == first {
			return f
		}
	}
	t.Fatalf("no line starts with %q", first)
	return nil
}
