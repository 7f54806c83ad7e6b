//go:build !linux

package csp

import "time"

// threadCPU is not available on this platform.
func threadCPU() time.Duration { return 0 }
