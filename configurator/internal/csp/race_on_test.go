//go:build race

package csp

// raceEnabled is true when tests run under the race detector, which slows
// the engine down about tenfold: the heavy loops run fewer iterations.
const raceEnabled = true
