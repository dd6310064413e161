//go:build race

package formatting

// raceEnabled: the race detector makes the big property tests ~10x slower
// while the package has no concurrency for it to check, so they run smaller.
const raceEnabled = true
