package configurator_test

import (
	"errors"
	"math/big"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/configurator"
	"github.com/cpqkit/cpq/examples/catalogs"
)

func serverModel(t testing.TB) *configurator.Model {
	t.Helper()
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	m, err := configurator.Compile(c, "SRV-R2")
	require.NoError(t, err)
	return m
}

func domains(t *testing.T, s *configurator.Session) map[string][]string {
	t.Helper()
	ds, err := s.ValidDomains()
	require.NoError(t, err)
	out := map[string][]string{}
	for _, d := range ds {
		out[d.Var] = d.Values
	}
	return out
}

// The server catalog's rules, worked by hand: the X9 needs liquid cooling,
// liquid cooling needs the 2U chassis, so a 1U server cannot have the X9,
// liquid cooling, the H100 or 3.5-inch drives.
func TestServerOneUnitChassis(t *testing.T) {
	s := serverModel(t).NewSession()
	require.NoError(t, s.Set("chassis", "1U"))
	d := domains(t, s)
	assert.Equal(t, []string{"X5", "X7"}, d["cpu"])
	assert.Equal(t, []string{"air"}, d["cooling"])
	assert.Equal(t, []string{"false"}, d["gpu_h100"])
	assert.Equal(t, []string{"false"}, d["hdd_8t"])
	assert.Equal(t, []string{"0"}, d["qty.hdd_8t"])
	assert.Equal(t, []string{"false", "true"}, d["gpu_l4"], "the L4 fits a 1U server with the 1200 W supply")

	ex, err := s.Explain("cpu", "X9")
	require.NoError(t, err)
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "1U"}}, ex.Choices)
	ids := ruleIDs(ex.Rules)
	assert.Equal(t, []string{"x9_liquid", "liquid_2u"}, ids)
	assert.Equal(t, "cpu = X9 is not available because of your choice of chassis = 1U: "+
		"The X9 processor needs liquid cooling; Liquid cooling fits only the 2U chassis", ex.Text("en"))
	assert.Equal(t, "cpu = X9 不可选，因为您选择了 chassis = 1U：X9处理器需要液冷；液冷仅适用于2U机箱", ex.Text("zh-CN"))

	err = s.Set("cpu", "X9")
	var ce *configurator.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, configurator.ErrNotAvailable)
	assert.Equal(t, []configurator.Choice{{Var: "chassis", Value: "1U"}}, s.Choices(), "a refused value changes nothing")
}

// The same worked example with every query on the caller's goroutine, and
// with four workers: the answers do not depend on the parallelism.
func TestServerOneUnitChassisAnyParallelism(t *testing.T) {
	for _, n := range []int{1, 4} {
		m := serverModel(t)
		m.SetParallelism(n)
		s := m.NewSession()
		require.NoError(t, s.Set("chassis", "1U"))
		d := domains(t, s)
		assert.Equal(t, []string{"X5", "X7"}, d["cpu"], "parallelism %d", n)
		assert.Equal(t, []string{"air"}, d["cooling"], "parallelism %d", n)
		assert.Equal(t, []string{"false", "true"}, d["gpu_l4"], "parallelism %d", n)
	}
}

func ruleIDs(rs []configurator.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestServerMemoryPerSocketAndPower(t *testing.T) {
	s := serverModel(t).NewSession()
	require.NoError(t, s.Set("sockets", "1"))
	d := domains(t, s)
	// 32..512 in steps of 32: 16 values.
	require.Len(t, d["memory_gb"], 16)
	assert.Equal(t, "512", d["memory_gb"][15])
	require.NoError(t, s.Set("gpu_l4", "true"))
	d = domains(t, s)
	assert.Equal(t, []string{"W1200"}, d["psu"], "accelerators need the 1200 W supply")
	assert.Equal(t, []string{"false"}, d["gpu_h100"], "one accelerator at most")

	require.NoError(t, s.Undo())
	d = domains(t, s)
	assert.Equal(t, []string{"W500", "W800", "W1200"}, d["psu"])
	require.NoError(t, s.Undo())
	assert.Empty(t, s.Choices())
	assert.ErrorIs(t, s.Undo(), configurator.ErrNothingToUndo)
}

func TestServerQuantities(t *testing.T) {
	s := serverModel(t).NewSession()
	require.NoError(t, s.SetQuantity("nvme_3840", 4))
	assert.Equal(t, []configurator.Choice{{Var: "qty.nvme_3840", Value: "4"}}, s.Choices())
	d := domains(t, s)
	assert.Equal(t, []string{"true"}, d["nvme_3840"], "a quantity selects the option")
	assert.ErrorIs(t, s.SetQuantity("nvme_3840", 9), configurator.ErrUnknownValue)
	assert.ErrorIs(t, s.SetQuantity("nic_25g", 2), configurator.ErrUnknownValue, "fixed quantity of one")
	require.NoError(t, s.SetQuantity("nic_25g", 1))
	d = domains(t, s)
	assert.Equal(t, []string{"false"}, d["nic_100g"], "one network adapter at most")
}

func TestUnknownNamesAreSpecific(t *testing.T) {
	s := serverModel(t).NewSession()
	err := s.Set("cpus", "X5")
	assert.ErrorIs(t, err, configurator.ErrUnknownVariable)
	assert.ErrorContains(t, err, `did you mean "cpu"?`)
	err = s.Set("cpu", "X8")
	assert.ErrorIs(t, err, configurator.ErrUnknownValue)
	assert.ErrorContains(t, err, `"X8" is not a value of cpu`)
}

func TestConflictsOfAnImportedConfiguration(t *testing.T) {
	m := serverModel(t)
	s := m.NewSession()
	require.NoError(t, s.Restore(configurator.Snapshot{Product: "SRV-R2", Choices: []configurator.Choice{
		{Var: "chassis", Value: "1U"}, {Var: "cpu", Value: "X9"}, {Var: "sockets", Value: "2"},
	}}))
	_, err := s.ValidDomains()
	require.ErrorIs(t, err, configurator.ErrInconsistent)
	drop, err := s.Conflicts()
	require.NoError(t, err)
	require.Len(t, drop, 1, "dropping either the chassis or the processor is enough")
	assert.Contains(t, []string{"chassis", "cpu"}, drop[0].Var)
	require.NoError(t, s.Unset(drop[0].Var))
	_, err = s.ValidDomains()
	require.NoError(t, err)
}

func TestCompleteTakesDefaults(t *testing.T) {
	s := serverModel(t).NewSession()
	require.NoError(t, s.Set("cpu", "X9"))
	c, err := s.Complete(configurator.Strategy{})
	require.NoError(t, err)
	want := map[string]string{
		"cpu": "X9", "cooling": "liquid", "chassis": "2U", "psu": "W1200", // forced by X9
		"sockets": "1", "memory_gb": "64", "redundant_psu": "false", // defaults
		"ssd_960": "true", "qty.ssd_960": "2", // default option and quantity
	}
	for k, v := range want {
		got, ok := c.Value(k)
		require.True(t, ok, k)
		assert.Equal(t, v, got, k)
	}
	assert.True(t, serverValid(t, c), "completion is a valid configuration")
}

// serverValid checks a complete configuration against the server catalog's
// rules, written out again here in Go.
func serverValid(t *testing.T, c configurator.Configuration) bool {
	t.Helper()
	v := func(k string) string { x, ok := c.Value(k); require.True(t, ok, k); return x }
	on := func(k string) bool { return v(k) == "true" }
	n := func(k string) int { x, err := strconv.Atoi(v(k)); require.NoError(t, err); return x }
	return serverRules(v("chassis"), v("cpu"), n("sockets"), n("memory_gb"), v("cooling"), v("psu"),
		[7]bool{on("ssd_960"), on("nvme_3840"), on("hdd_8t"), on("nic_25g"), on("nic_100g"), on("gpu_l4"), on("gpu_h100")})
}

// serverRules is the server catalog written independently of the
// configurator, for the brute-force oracle. opts: ssd, nvme, hdd, nic25,
// nic100, l4, h100.
func serverRules(chassis, cpu string, sockets, mem int, cooling, psu string, opts [7]bool) bool {
	count := func(bs ...bool) int {
		k := 0
		for _, b := range bs {
			if b {
				k++
			}
		}
		return k
	}
	if cpu == "X9" && cooling != "liquid" {
		return false
	}
	if cooling == "liquid" && chassis != "2U" {
		return false
	}
	if (opts[6] || opts[2]) && chassis == "1U" {
		return false
	}
	power := map[string]int{"W500": 500, "W800": 800, "W1200": 1200}[psu]
	need := map[string]int{"X5": 500, "X7": 800, "X9": 1200}[cpu]
	if sockets == 2 && cpu == "X5" {
		need = 800
	}
	if sockets == 2 && cpu == "X7" {
		need = 1200
	}
	if power < need {
		return false
	}
	if (opts[5] || opts[6]) && psu != "W1200" {
		return false
	}
	if mem > 512*sockets {
		return false
	}
	if k := count(opts[0], opts[1], opts[2]); k < 1 || k > 2 {
		return false
	}
	return count(opts[3], opts[4]) <= 1 && count(opts[5], opts[6]) <= 1
}

// TestServerCountMatchesBruteForce counts the server's configurations by
// enumerating every combination against serverRules; each selected drive
// option multiplies by its number of quantities (8, 8 and 12).
func TestServerCountMatchesBruteForce(t *testing.T) {
	want := big.NewInt(0)
	qty := [3]int64{8, 8, 12}
	for _, chassis := range []string{"1U", "2U"} {
		for _, cpu := range []string{"X5", "X7", "X9"} {
			for sockets := 1; sockets <= 2; sockets++ {
				for mem := 32; mem <= 1024; mem += 32 {
					for _, cooling := range []string{"air", "liquid"} {
						for _, psu := range []string{"W500", "W800", "W1200"} {
							for bits := 0; bits < 128; bits++ {
								var opts [7]bool
								for i := range opts {
									opts[i] = bits&(1<<i) != 0
								}
								if !serverRules(chassis, cpu, sockets, mem, cooling, psu, opts) {
									continue
								}
								ways := int64(2) // redundant power or not
								for i := 0; i < 3; i++ {
									if opts[i] {
										ways *= qty[i]
									}
								}
								want.Add(want, big.NewInt(ways))
							}
						}
					}
				}
			}
		}
	}
	s := serverModel(t).NewSession()
	got, err := s.Count(0)
	require.NoError(t, err)
	assert.Equal(t, want.String(), got.String())
	assert.True(t, want.Sign() > 0)
}

func TestSnapshotRoundTrip(t *testing.T) {
	m := serverModel(t)
	s := m.NewSession()
	require.NoError(t, s.Set("cpu", "X7"))
	require.NoError(t, s.Set("memory_gb", "256"))
	snap := s.Snapshot()
	s2 := m.NewSession()
	require.NoError(t, s2.Restore(snap))
	assert.Equal(t, s.Choices(), s2.Choices())
	err := s2.Restore(configurator.Snapshot{Product: "OTHER"})
	assert.True(t, errors.Is(err, configurator.ErrUnknownVariable))
}
