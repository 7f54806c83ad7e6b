//go:build race

package webhook_test

// raceEnabled: the race detector slows the pure-Go SQLite store down
// about twentyfold, so its run of the fault test is scaled down.
const raceEnabled = true
