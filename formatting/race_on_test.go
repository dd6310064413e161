//go:build race

package formatting

// raceEnabled: the race detector makes the big property tests ~10x slower,
// and formatting runs on one goroutine, so they run smaller.
const raceEnabled = true
