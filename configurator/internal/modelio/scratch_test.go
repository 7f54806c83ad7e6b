package modelio

import (
	"os"
	"testing"
	"time"
)

func TestScratchCount(t *testing.T) {
	for _, f := range []string{"automotive__automotive01__Kowal2016"} {
		fh, err := os.Open("/work/shared/models/fm-benchmark-dimacs/" + f + ".dimacs")
		if err != nil {
			t.Fatal(err)
		}
		m, err := ReadDIMACS(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		var st CountStats
		t0 := time.Now()
		n, err := CountCNF(m, CountOptions{Stats: &st})
		t.Logf("%s: %v err=%v %v %+v", f, n, err, time.Since(t0), st)
	}
}
