//go:build linux

package csp

import (
	"syscall"
	"time"
	"unsafe"
)

// processCPU returns the CPU time consumed by all threads of the process
// (the query's helper goroutines included, and the runtime's own work), so
// that timings can exclude the time other processes held the CPU.
func processCPU() time.Duration {
	const clockProcessCPUTimeID = 2
	var ts syscall.Timespec
	_, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
