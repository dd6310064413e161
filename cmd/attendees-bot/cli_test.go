package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

func TestLookup(t *testing.T) {
	m := fakeMeeting(t, nil)
	env := meetingEnv(m)
	tests := []struct {
		name     string
		args     []string
		check    func(t *testing.T, out string)
		wantCode int // 0 = success
		wantErr  string
	}{
		{"text", []string{"lookup", meetingfake.SampleSyncUUID}, func(t *testing.T, out string) {
			mustContain(t, out, "Weekly product sync", "Alice Zhang")
		}, 0, ""},
		{"meeting id with instances", []string{"lookup", "960 123 4505"}, func(t *testing.T, out string) {
			mustContain(t, out, "Daily stand-up", meetingfake.SampleStandupUUIDOlder)
		}, 0, ""},
		{"csv every record and no-show", []string{"lookup", "--format", "csv", meetingfake.SampleTownHallUUID}, func(t *testing.T, out string) {
			checkCSVRows(t, []byte(out), meetingfake.SampleTownHallRecords, meetingfake.SampleTownHallNoShows)
		}, 0, ""},
		{"json", []string{"lookup", "--format=json", "--search", "alice", meetingfake.SampleSyncUUID}, func(t *testing.T, out string) {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			mustContain(t, out, "Alice")
			if strings.Contains(out, "Bob Li") {
				t.Errorf("search:alice still lists Bob Li")
			}
		}, 0, ""},
		{"unknown conference", []string{"lookup", "ffffffffffffffffffffffffffffffff"}, nil, 1, "couldn't find that meeting"},
		{"bad input", []string{"lookup", "!!!"}, nil, 1, "couldn't read a meeting"},
		{"no target", []string{"lookup"}, nil, 2, "needs a conference UUID"},
		{"bad format", []string{"lookup", "--format", "xml", meetingfake.SampleSyncUUID}, nil, 2, "--format must be"},
		{"unknown command", []string{"frobnicate"}, nil, 2, "unknown command"},
		{"watch is for Slack", []string{"lookup", "watch", "960 123 4501"}, nil, 2, "needs a conference UUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, getenv(env), nil, &stdout, &stderr)
			if tt.wantCode == 0 {
				if err != nil {
					t.Fatalf("run(%q) = %v\n%s", tt.args, err, stderr.String())
				}
				tt.check(t, stdout.String())
				return
			}
			if err == nil {
				t.Fatalf("run(%q) succeeded; want exit %d", tt.args, tt.wantCode)
			}
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code = %d; want %d", got, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") && tt.wantCode == 1 {
				t.Errorf("error = %q; want one line containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLookupKeepsErrorKinds(t *testing.T) {
	m := fakeMeeting(t, nil)
	err := run(t.Context(), []string{"lookup", "ffffffffffffffffffffffffffffffff"}, getenv(meetingEnv(m)), nil, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, meeting.ErrNotFound) {
		t.Errorf("err = %v; want it to wrap meeting.ErrNotFound", err)
	}
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"help"}, "attendees-bot lookup [--format text|csv|json]"},
		{[]string{"--help"}, "attendees-bot demo"},
		{[]string{"version"}, "attendees-bot " + version + "\n"},
		{[]string{"lookup", "--help"}, "-format"},
		{[]string{"demo", "--help"}, "built-in sample meeting service"},
		{[]string{"run", "--help"}, "/webhooks/meeting"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), tt.args, getenv(nil), nil, &stdout, &stderr); err != nil {
			t.Errorf("run(%q) = %v", tt.args, err)
		}
		if got := stdout.String() + stderr.String(); !strings.Contains(got, tt.want) {
			t.Errorf("run(%q) printed %q; want it to contain %q", tt.args, got, tt.want)
		}
	}
}

func TestDemoReadsCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	in := strings.Join([]string{
		"/attendees help",
		"recent",
		meetingfake.SampleTownHallUUID,
		"/attendees " + meetingfake.SampleHostileUUID + " csv",
		"!!!",
		"watch 960 123 4501",
		"watching",
	}, "\n")
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"demo"}, getenv(nil), strings.NewReader(in), &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	mustContain(t, out, "Who was in that meeting?", "Recent meetings", "Company town hall Q4", "couldn't read a meeting",
		"subscribed this channel", "with meeting ID 960 123 4501")
	paths := regexp.MustCompile(`file sent to \S+: (\S+\.csv)`).FindAllStringSubmatch(out, -1)
	if len(paths) != 2 {
		t.Fatalf("CSV files reported = %d; want 2\n%s", len(paths), out)
	}
	for _, p := range paths {
		if filepath.Dir(filepath.Dir(p[1])) != dir {
			t.Errorf("CSV %s not under the temp dir %s", p[1], dir)
		}
		if b, err := os.ReadFile(p[1]); err != nil || !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("CSV %s unreadable or without BOM: %v", p[1], err)
		}
	}
}
