//go:build !race

package formatting

const raceEnabled = false
