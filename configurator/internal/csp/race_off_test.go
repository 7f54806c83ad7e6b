//go:build !race

package csp

// raceEnabled is true when tests run under the race detector.
const raceEnabled = false
