package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// dates are what changes from day to day in the sample meetings (they ran
// yesterday and the weeks before); the times of day do not.
var dates = regexp.MustCompile(`\b\d{4}-\d\d-\d\d`)

// TestLookupGolden: what the lookup command prints, byte for byte (dates
// aside), end to end through run against the sample meeting service:
// stdout, then the sentence main prints on stderr and the exit code.
// go test ./cmd/attendees-bot -run Golden -update rewrites testdata.
func TestLookupGolden(t *testing.T) {
	m := fakeMeeting(t, withSeries())
	tests := []struct {
		name string
		args []string
	}{
		// Slack's rounding (down), its sanitiser and its flags, brief too;
		// names cut at 60 columns and departments at 40.
		{"sync", []string{meetingfake.SampleSyncID}},
		{"hostile", []string{meetingfake.SampleHostileUUID}},
		{"hostile-search", []string{meetingfake.SampleHostileUUID, "--search", "a"}},
		{"series", []string{meetingfake.SampleSeriesID, "--last", "4"}},
		// "missed the last N" only for someone who came before, from two up.
		{"series-csv", []string{meetingfake.SampleSeriesID, "--last", "4", "--format", "csv"}},
		// A meeting that ran once is one meeting: the command suggested is
		// its records', not --last 1 (refused).
		{"series-one-run", []string{meetingfake.SampleHostileID, "--last", "2"}},
		{"series-choices", []string{"stand-up", "--last", "3"}},
		// Choices a script reads: JSON for jq, CSV for a spreadsheet.
		{"choices-json", []string{"Daily stand-up", "--format", "json"}},
		{"series-choices-csv", []string{"stand-up", "--last", "3", "--format", "csv"}},
		// Nobody matches: an answer, the sentence on stderr.
		{"nobody-csv", []string{meetingfake.SampleSyncID, "--search", "nobody", "--format", "csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"lookup"}, tt.args...), getenv(cliEnv(m)), nil, &stdout, &stderr)
			got, code := stdout.String()+stderr.String(), 0
			if err != nil {
				got, code = got+"attendees-bot: "+err.Error()+"\n", exitCode(err)
			}
			golden(t, filepath.Join("testdata", tt.name+".golden.txt"), got+"exit "+strconv.Itoa(code)+"\n")
		})
	}
}

// golden compares got, dates replaced by YYYY-MM-DD, with the file at
// path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	got = dates.ReplaceAllString(got, "YYYY-MM-DD")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/attendees-bot -run Golden -update)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d (run go test ./cmd/attendees-bot -run Golden -update and review the diff):\n got %q\nwant %q", path, i+1, g, w)
			}
		}
	}
}
