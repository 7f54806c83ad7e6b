//go:build race

package modelio

// raceEnabled is true when the race detector is on: the counts of the
// largest models then take too long and are left to the plain test run.
const raceEnabled = true
