//go:build race

package formatting

// raceEnabled: the race detector makes the big property tests ~10x slower,
// so tests whose work is on one goroutine run smaller; the tests of the
// parallel paths (TestAnalyzeInParts, TestWriteCSVChunks,
// TestConcurrentAnalyzeAndCSV) keep sizes that take them.
const raceEnabled = true
