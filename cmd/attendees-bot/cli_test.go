package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/audit"
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
		{"bad input", []string{"lookup", "!!!"}, nil, 2, "couldn't read a meeting"}, // nothing to look up: a command-line mistake
		{"no target", []string{"lookup"}, nil, 2, "needs a conference UUID"},
		{"bad format", []string{"lookup", "--format", "xml", meetingfake.SampleSyncUUID}, nil, 2, "--format must be"},
		{"unknown command", []string{"frobnicate"}, nil, 2, `There is no command "frobnicate"`},
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
		{[]string{"help"}, "attendees-bot lookup [--format text|csv|json] [--search TEXT] [--last N] <confUUID"},
		{[]string{"help"}, "attendees-bot audit [--since 720h] [--user U…] [--conf UUID] [--meeting ID] [--format text|csv|json]\n"},
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
	// A terminal cannot edit an answer: every answer waits for its invite
	// list, however late it comes, so the town hall's CSV has its no-shows
	// and nothing follows. Two files: the town hall's and the hostile one's.
	if strings.Contains(out, "in place of the reply above") || strings.Contains(out, "Comparing with the invite list") {
		t.Errorf("the demo answered before an invite list and edited the answer later:\n%s", out)
	}
	paths := regexp.MustCompile(`file sent to \S+: (\S+\.csv)`).FindAllStringSubmatch(out, -1)
	if len(paths) != 2 {
		t.Fatalf("CSV files reported = %d; want 2\n%s", len(paths), out)
	}
	for i, p := range paths {
		if filepath.Dir(filepath.Dir(p[1])) != dir {
			t.Errorf("CSV %s not under the temp dir %s", p[1], dir)
		}
		b, err := os.ReadFile(p[1])
		if err != nil || !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("CSV %s unreadable or without BOM: %v", p[1], err)
			continue
		}
		if i == 0 {
			checkCSVRows(t, b, meetingfake.SampleTownHallRecords, meetingfake.SampleTownHallNoShows)
		}
	}
}

// cliEnv is the lookup command's environment as a person has it: no
// LOG_LEVEL, so no log lines.
func cliEnv(m *meetingfake.Server) map[string]string {
	env := meetingEnv(m)
	delete(env, "LOG_LEVEL")
	return env
}

// TestLookupFailurePrintsOneLine: a failing lookup writes nothing but its
// one sentence (which main prints on stderr) and exits non-zero, even when
// the invite list fails too and the records are not found; with LOG_LEVEL
// set, the log lines come back.
func TestLookupFailurePrintsOneLine(t *testing.T) {
	m := fakeMeeting(t, nil)
	m.FailNext(meetingfake.OpConfDetail, 10, meetingfake.Failure{Status: 500})
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"lookup", "ffffffffffffffffffffffffffffffff"}, getenv(cliEnv(m)), nil, &stdout, &stderr)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("lookup of an unknown conference = %v; want exit 1", err)
	}
	if stderr.Len() != 0 || stdout.Len() != 0 {
		t.Errorf("lookup printed more than its sentence:\nstdout %q\nstderr %q", stdout.String(), stderr.String())
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "couldn't find that meeting") {
		t.Errorf("sentence = %q; want one line saying the meeting was not found", msg)
	}

	// A lookup that works but whose invite list is refused logs why, when
	// asked to; without LOG_LEVEL it prints only its output.
	m.FailNext(meetingfake.OpConfDetail, 10, meetingfake.Failure{Status: 403})
	stderr.Reset()
	if err := run(t.Context(), []string{"lookup", meetingfake.SampleSyncUUID}, getenv(cliEnv(m)), nil, &stdout, &stderr); err != nil || stderr.Len() != 0 {
		t.Errorf("lookup with the invite list refused = %v, stderr %q; want its output and nothing on stderr", err, stderr.String())
	}
	mustContain(t, stdout.String(), "the invite list could not be read")
	env := cliEnv(m)
	env["LOG_LEVEL"] = "debug"
	stderr.Reset()
	_ = run(t.Context(), []string{"lookup", meetingfake.SampleSyncUUID}, getenv(env), nil, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "invite list unavailable") {
		t.Errorf("LOG_LEVEL=debug logged nothing about the refused invite list: %q", stderr.String())
	}
}

// TestLookupSpeaksCommandLine: errors of the lookup command name the
// command line, never the Slack command, and flags work after the words.
func TestLookupSpeaksCommandLine(t *testing.T) {
	m := fakeMeeting(t, nil)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"lookup", "!!!"}, "attendees-bot lookup 987 654 3210"},
		{[]string{"lookup", "no such subject words"}, "Try other words or the meeting ID."},
	}
	for _, tt := range tests {
		err := run(t.Context(), tt.args, getenv(cliEnv(m)), nil, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "/attendees") || strings.Contains(err.Error(), "`") {
			t.Errorf("run(%q) = %v; want plain text containing %q", tt.args, err, tt.want)
		}
	}
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"lookup", "960", "123", "4504", "--format", "csv", "--search=zzzz-nobody"}, getenv(cliEnv(m)), nil, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatalf("flags after the meeting ID: %v", err)
	}
	if !strings.HasPrefix(stdout.String(), "\ufeffperson_key,") || strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("lookup 960 123 4504 --format csv --search=zzzz-nobody = %.200q; want the CSV header and no rows", stdout.String())
	}
	stdout.Reset()
	if err := run(t.Context(), []string{"lookup", "--", "--format"}, getenv(cliEnv(m)), nil, &stdout, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "no meeting of the last 30 days with every word of “--format”") {
		t.Errorf("after --, --format is a word: %v", err)
	}
}

// TestLookupTextIsPlain: --format text has no Slack markup and no promise
// of an attached file; it lists every person and points to --format csv.
func TestLookupTextIsPlain(t *testing.T) {
	m := fakeMeeting(t, nil)
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"lookup", meetingfake.SampleTownHallUUID}, getenv(cliEnv(m)), nil, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, bad := range []string{"*People*", "attached file", "[Share in channel]", "<!date", "&lt;"} {
		if strings.Contains(out, bad) {
			t.Errorf("text output contains %q", bad)
		}
	}
	mustContain(t, out, "Company town hall Q4", "1000 (1234 records)", "--format csv "+meetingfake.SampleTownHallUUID)
	table := out[strings.Index(out, "NAME  "):strings.LastIndex(out, "\n\nEvery record")]
	if rows := strings.Count(table, "\n"); rows != 1000 {
		t.Errorf("people listed = %d; want all 1000", rows)
	}
	stdout.Reset()
	if err := run(t.Context(), []string{"lookup", meetingfake.SampleHostileUUID}, getenv(cliEnv(m)), nil, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range stdout.String() {
		if r != '\n' && (r < ' ' || r == 0x7f || r == '\u202e') {
			t.Fatalf("hostile names reach the terminal with control character %U", r)
		}
	}
}

// TestLookupSeveralMatches: the candidates go to stdout, one per line
// starting with the UUID; the sentence says what to do with them.
func TestLookupSeveralMatches(t *testing.T) {
	m := fakeMeeting(t, nil)
	var stdout bytes.Buffer
	err := run(t.Context(), []string{"lookup", "Daily stand-up"}, getenv(cliEnv(m)), nil, &stdout, &bytes.Buffer{})
	if err == nil || exitCode(err) != 1 || strings.Contains(err.Error(), "\n") {
		t.Fatalf("lookup of two matches = %v; want one sentence and exit 1", err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], meetingfake.SampleStandupUUID) || !strings.HasPrefix(lines[1], meetingfake.SampleStandupUUIDOlder) {
		t.Errorf("candidates = %q; want the two stand-ups, newest first", lines)
	}
}

// TestLookupChoicesInEveryFormat: with --format json the choices are JSON
// (jq reads them: an object of choices, each with its conference UUID,
// meeting ID, start and subject, and the field to pick one by); with csv
// a CSV of them; exit 1 and the sentence apart, in every format.
func TestLookupChoicesInEveryFormat(t *testing.T) {
	m := fakeMeeting(t, withSeries())
	type choice struct {
		ConfUUID  string    `json:"conf_uuid"`
		MeetingID string    `json:"meeting_id"`
		Subject   string    `json:"subject"`
		Start     time.Time `json:"start"`
		End       time.Time `json:"end"`
	}
	tests := []struct {
		args             []string
		pickBy, sentence string
		want             []choice // first and last
	}{
		{[]string{"Daily", "stand-up"}, "conf_uuid", "2 meetings match",
			[]choice{{ConfUUID: meetingfake.SampleStandupUUID, MeetingID: meetingfake.SampleStandupID, Subject: "Daily stand-up"}, {ConfUUID: meetingfake.SampleStandupUUIDOlder, MeetingID: meetingfake.SampleStandupID, Subject: "Daily stand-up"}}},
		{[]string{"stand-up", "--last", "3"}, "meeting_id", "2 meeting IDs match",
			[]choice{{ConfUUID: meetingfake.SampleSeriesUUID(0), MeetingID: meetingfake.SampleSeriesID, Subject: "Team stand-up"}, {ConfUUID: meetingfake.SampleStandupUUID, MeetingID: meetingfake.SampleStandupID, Subject: "Daily stand-up"}}},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append([]string{"lookup", "--format", "json"}, tt.args...), getenv(cliEnv(m)), nil, &stdout, &stderr)
		if err == nil || exitCode(err) != 1 || !strings.HasPrefix(err.Error(), tt.sentence) || stderr.Len() != 0 {
			t.Errorf("lookup %q --format json = %v, stderr %q; want exit 1 saying %q", tt.args, err, stderr.String(), tt.sentence)
		}
		var v struct {
			Choices []choice `json:"choices"`
			PickBy  string   `json:"pick_by"`
		}
		dec := json.NewDecoder(&stdout)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("lookup %q --format json printed no JSON object of choices: %v", tt.args, err)
		}
		if len(v.Choices) < 2 || v.PickBy != tt.pickBy {
			t.Fatalf("choices %+v, pick_by %q; want several, by %s", v.Choices, v.PickBy, tt.pickBy)
		}
		first, last := v.Choices[0], v.Choices[len(v.Choices)-1]
		if first.Start.IsZero() || !first.Start.After(last.Start) || !first.End.After(first.Start) {
			t.Errorf("times %v–%v … %v; want known, newest first", first.Start, first.End, last.Start)
		}
		first.Start, last.Start, first.End, last.End = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if first != tt.want[0] || last != tt.want[1] {
			t.Errorf("choices %+v … %+v; want %+v … %+v", first, last, tt.want[0], tt.want[1])
		}

		stdout.Reset()
		err = run(t.Context(), append([]string{"lookup", "--format", "csv"}, tt.args...), getenv(cliEnv(m)), nil, &stdout, &stderr)
		rows, cerr := csv.NewReader(strings.NewReader(strings.TrimPrefix(stdout.String(), "\ufeff"))).ReadAll()
		if err == nil || exitCode(err) != 1 || cerr != nil || len(rows) != len(v.Choices)+1 || strings.Join(rows[0], ",") != "conf_uuid,meeting_id,subject,start,end" ||
			rows[1][0] != tt.want[0].ConfUUID || rows[1][1] != tt.want[0].MeetingID {
			t.Errorf("lookup %q --format csv = %v, rows %q (%v); want a CSV of the %d choices, exit 1", tt.args, err, rows, cerr, len(v.Choices))
		}
	}
}

// TestDemoAnswersEveryPipedLine: a pipe of commands is one person typing
// fast, not a flood: every line gets its answer.
func TestDemoAnswersEveryPipedLine(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var stdout, stderr bytes.Buffer
	in := strings.Repeat("help\n", 12)
	if err := run(t.Context(), []string{"demo"}, getenv(nil), strings.NewReader(in), &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	if n := strings.Count(stdout.String(), "Who was in that meeting?"); n != 12 {
		t.Errorf("help answered %d times for 12 lines; want 12", n)
	}
	if strings.Contains(stdout.String(), "faster than I can answer") {
		t.Errorf("the demo throttled its own pipe")
	}
}

// TestDemoAndLookupAgree: Slack (as the demo prints it) and the lookup
// command show one meeting alike: the same average and median to the
// second (49:18.75 is 49m 18s and 0:49:18), a name with control
// characters cleaned the same way, the same flags (brief too).
func TestDemoAndLookupAgree(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var demo bytes.Buffer
	in := meetingfake.SampleSyncID + "\n" + meetingfake.SampleHostileUUID + "\n"
	if err := run(t.Context(), []string{"demo"}, getenv(nil), strings.NewReader(in), &demo, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	m := fakeMeeting(t, nil)
	var sync, hostile bytes.Buffer
	for _, c := range []struct {
		target string
		out    *bytes.Buffer
	}{{meetingfake.SampleSyncID, &sync}, {meetingfake.SampleHostileUUID, &hostile}} {
		if err := run(t.Context(), []string{"lookup", c.target}, getenv(cliEnv(m)), nil, c.out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	slack := regexp.MustCompile(`\*Average / median\* (\d+)m (\d+)s / (\d+)m (\d+)s`).FindStringSubmatch(demo.String())
	term := regexp.MustCompile(`Average +0:(\d+):(\d+), median 0:(\d+):(\d+)`).FindStringSubmatch(sync.String())
	if slack == nil || term == nil || !slices.Equal(slack[1:], term[1:]) {
		t.Errorf("average and median: Slack %q, terminal %q; want the same minutes and seconds", slack, term)
	}
	for _, want := range []struct{ slack, term string }{
		{"*line one line two tab* — 1m 00s · _late, left early, brief, not invited_", "line one line two tab  "},
		{"*+cmd|' /C calc'!A0* — 1m 00s · _left early, brief, not invited_ · -2+3", "left early, brief, not invited"},
	} {
		if !strings.Contains(demo.String(), want.slack) || !strings.Contains(hostile.String(), want.term) {
			t.Errorf("Slack has %q: %v; terminal has %q: %v", want.slack, strings.Contains(demo.String(), want.slack), want.term, strings.Contains(hostile.String(), want.term))
		}
	}
}

// suggested is the commands a lookup's output and sentence suggest: the
// last line's "…: attendees-bot …", and a sentence's "run attendees-bot …
// <placeholder>" with the placeholder replaced by the first word of the
// first line on stdout (a choice). sh splits each command into words, so
// the quoting is tested as a person's shell reads it.
func suggested(t *testing.T, stdout, sentence string) [][]string {
	t.Helper()
	var lines []string
	if m := regexp.MustCompile(`: (attendees-bot .*)\n$`).FindStringSubmatch(stdout); m != nil {
		lines = append(lines, m[1])
	}
	if m := regexp.MustCompile(`run (attendees-bot .*?) with `).FindStringSubmatch(sentence); m != nil {
		choice, _, _ := strings.Cut(stdout, " ")
		lines = append(lines, regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], choice))
	}
	var cmds [][]string
	for _, line := range lines {
		out, err := exec.Command("sh", "-c", `f() { shift; printf '%s\0' "$@"; }; f `+line).Output()
		if err != nil {
			t.Fatalf("sh cannot read %q: %v", line, err)
		}
		cmds = append(cmds, strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00"))
	}
	return cmds
}

// TestLookupSuggestionsWork: every command the lookup command suggests
// runs and succeeds, whatever the meeting and the search: a meeting that
// ran once asked for its last runs is one meeting, a search with a quote
// stays one word, a choice of meeting IDs keeps --last.
func TestLookupSuggestionsWork(t *testing.T) {
	m := fakeMeeting(t, withSeries())
	tests := []struct {
		args []string
		want int // commands suggested
	}{
		{[]string{meetingfake.SampleSyncUUID}, 1},
		{[]string{meetingfake.SampleSyncID, "--search", "Müller"}, 1},
		{[]string{meetingfake.SampleHostileUUID, "--search", `'!A0`}, 1},
		{[]string{meetingfake.SampleSeriesID, "--last", "4"}, 1},
		{[]string{meetingfake.SampleSeriesID, "--last", "3", "--search", "alice"}, 1},
		{[]string{meetingfake.SampleHostileID, "--last", "2"}, 1},
		{[]string{"stand-up", "--last", "3"}, 1},
		{[]string{"Daily", "stand-up"}, 1},
	}
	for _, tt := range tests {
		var stdout bytes.Buffer
		err := run(t.Context(), append([]string{"lookup"}, tt.args...), getenv(cliEnv(m)), nil, &stdout, &bytes.Buffer{})
		sentence := ""
		if err != nil {
			sentence = err.Error()
		}
		cmds := suggested(t, stdout.String(), sentence)
		if len(cmds) != tt.want {
			t.Errorf("lookup %q suggests %q; want %d commands\n%s%s", tt.args, cmds, tt.want, stdout.String(), sentence)
		}
		for _, c := range cmds {
			var out, errOut bytes.Buffer
			if err := run(t.Context(), c, getenv(cliEnv(m)), nil, &out, &errOut); err != nil || out.Len() == 0 {
				t.Errorf("lookup %q suggests %q, which fails: %v %s", tt.args, c, err, errOut.String())
			}
		}
	}
}

// TestCommandLineMistakes: a mistake on the command line of any command
// is one sentence (main prints it on stderr), exit 2, and nothing else on
// stdout or stderr: no usage block, no flag package text. --help prints
// the usage on stdout, exit 0.
func TestCommandLineMistakes(t *testing.T) {
	m := fakeMeeting(t, nil)
	env := cliEnv(m)
	env["STORE_URL"] = "sqlite://" + filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"lookup", meetingfake.SampleSyncID, "--format"}, "--format needs a value; the options are [--format text|csv|json] [--search TEXT] [--last N]"},
		{[]string{"lookup", "--bogus", meetingfake.SampleSyncID}, "There is no option --bogus; the options are [--format text|csv|json] [--search TEXT] [--last N]"},
		{[]string{"lookup", meetingfake.SampleSyncID, "--last", "abc"}, "--last takes a number of runs from 2 to 20, like --last 4"},
		{[]string{"lookup", meetingfake.SampleSyncID, "--last", "1"}, "--last takes a number of runs from 2 to 20, like --last 4"},
		{[]string{"lookup", meetingfake.SampleSyncID, "--last=21"}, "--last takes a number of runs from 2 to 20, like --last 4"},
		{[]string{"lookup", "--format", "xml", meetingfake.SampleSyncID}, "--format must be text, csv or json"},
		{[]string{"lookup", meetingfake.SampleSyncID, "---x"}, "I don't understand “---x”"},
		{[]string{"lookup"}, "lookup needs a conference UUID, a meeting ID or subject words, like attendees-bot lookup 960 123 4501"},
		{[]string{"lookup", "--format", "csv"}, "lookup needs a conference UUID"},
		{[]string{"audit", "--bogus"}, "There is no option --bogus; the options are [--since 720h]"},
		{[]string{"audit", "--since"}, "--since needs a value"},
		{[]string{"demo", "--bogus"}, "There is no option --bogus; the options are --help"},
		{[]string{"demo", "extra"}, "I don't understand “extra”; the options are --help"},
		{[]string{"run", "--bogus"}, "There is no option --bogus; the options are --help"},
		{[]string{"frobnicate"}, `There is no command "frobnicate"; the commands are run, lookup, audit, demo, version and help`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), tt.args, getenv(env), strings.NewReader(""), &stdout, &stderr)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("run(%q) = %v; want exit 2", tt.args, err)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, tt.want) {
			t.Errorf("run(%q) says %q; want one line starting %q", tt.args, msg, tt.want)
		}
		if stdout.Len()+stderr.Len() != 0 {
			t.Errorf("run(%q) printed more than its sentence:\nstdout %q\nstderr %q", tt.args, stdout.String(), stderr.String())
		}
	}
	for _, cmd := range []string{"lookup", "audit", "demo", "run"} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), []string{cmd, "--help"}, getenv(nil), nil, &stdout, &stderr); err != nil || stderr.Len() != 0 ||
			!strings.HasPrefix(stdout.String(), "Usage: attendees-bot "+cmd) {
			t.Errorf("%s --help = %v, stdout %.80q, stderr %q; want the usage on stdout", cmd, err, stdout.String(), stderr.String())
		}
	}
}

// TestLookupExitCodes: a command line that names nothing to look up is a
// mistake, exit 2, whether the flag or the words say it (--last 1, last
// 0, --search ” as Slack's empty search:); a lookup that ran and failed
// is exit 1; a search that matches nobody is an answer: exit 0, the
// sentence on stderr in every format and stdout the format's empty form.
func TestLookupExitCodes(t *testing.T) {
	m := fakeMeeting(t, withSeries())
	nobody := "attendees-bot: Nobody in Weekly product sync matches “nobody”. Try part of a name, a number or a department.\n"
	nobodySeries := "attendees-bot: Nobody in Team stand-up matches “nobody”. Try part of a name, a number or a department.\n"
	tests := []struct {
		args   []string
		code   int
		said   string                         // the sentence main prints, or what the command printed on stderr
		stdout func(t *testing.T, out string) // nil: nothing
	}{
		{[]string{meetingfake.SampleSyncID, "last", "0"}, 2, "last takes a number of runs from 2 to 20, like last 4; last alone is the last 8.", nil},
		{[]string{meetingfake.SampleSyncID, "last", "-3"}, 2, "last takes a number of runs from 2 to 20, like last 4; last alone is the last 8.", nil},
		{[]string{meetingfake.SampleSyncID, "--last", "1"}, 2, "--last takes a number of runs from 2 to 20, like --last 4", nil},
		{[]string{meetingfake.SampleSyncID, "--search", ""}, 2, "--search needs some text after it, like --search alice or --search 'Li Wei'", nil},
		{[]string{meetingfake.SampleSyncID, "--search", "  "}, 2, "--search needs some text after it", nil},
		{[]string{meetingfake.SampleSyncID, "search:"}, 2, "search: needs some text after it, like search:alice", nil},
		{[]string{meetingfake.SampleSeriesID, "--last", "3", "last", "4"}, 2, "--last 3 and last 4 say different things: give one", nil},
		{[]string{meetingfake.SampleSyncID, "--search", "bob", "search:alice"}, 2, "--search and search: say different things: give one", nil},
		{[]string{"9601234599"}, 1, "I found no meeting with ID 960 123 4599", nil},
		{[]string{meetingfake.SampleSyncID, "--search", "nobody"}, 0, nobody, nil},
		{[]string{meetingfake.SampleSyncID, "--search", "nobody", "--format", "csv"}, 0, nobody, func(t *testing.T, out string) {
			if rows := strings.Split(strings.TrimSpace(out), "\n"); len(rows) != 1 || !strings.HasPrefix(rows[0], "\ufeffperson_key,") {
				t.Errorf("CSV %q; want its header alone", out)
			}
		}},
		{[]string{meetingfake.SampleSyncID, "--search", "nobody", "--format", "json"}, 0, nobody, func(t *testing.T, out string) {
			var v struct {
				People []json.RawMessage `json:"people"`
				Search string            `json:"search"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.People) != 0 || v.Search != "nobody" {
				t.Errorf("JSON %.300s (%v); want the report with no people", out, err)
			}
		}},
		{[]string{meetingfake.SampleSeriesID, "--last", "3", "--search", "nobody"}, 0, nobodySeries, nil},
		{[]string{meetingfake.SampleSeriesID, "--last", "3", "--search", "nobody", "--format", "csv"}, 0, nobodySeries, func(t *testing.T, out string) {
			if rows := strings.Split(strings.TrimSpace(out), "\n"); len(rows) != 1 || !strings.HasPrefix(rows[0], "\ufeffperson_key,") {
				t.Errorf("series CSV %q; want its header alone", out)
			}
		}},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append([]string{"lookup"}, tt.args...), getenv(cliEnv(m)), nil, &stdout, &stderr)
		code, said := 0, stderr.String()
		if err != nil {
			code, said = exitCode(err), err.Error()
			if stderr.Len() != 0 {
				t.Errorf("lookup %q failed and printed on stderr too: %q", tt.args, stderr.String())
			}
		}
		if code != tt.code || !strings.HasPrefix(said, tt.said) {
			t.Errorf("lookup %q: exit %d, %q; want exit %d, %q", tt.args, code, said, tt.code, tt.said)
		}
		if tt.stdout == nil {
			if stdout.Len() != 0 {
				t.Errorf("lookup %q printed %q; want nothing on stdout", tt.args, stdout.String())
			}
			continue
		}
		tt.stdout(t, stdout.String())
	}
}

// TestDemoLongLines: a line longer than any slash command, even past what
// the demo keeps of a line, gets the answer a too-long command gets, and
// the demo goes on to the next line; so does a line without its newline
// at the end of the input.
func TestDemoLongLines(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	tests := []struct {
		name, in string
	}{
		{"over Slack's 4,000", "/attendees " + strings.Repeat("a", 4001) + "\n/attendees help\n"},
		{"over what a line keeps", "/attendees " + strings.Repeat("a", 70000) + "\n/attendees help\n"},
		{"many times over, in Chinese", strings.Repeat("会议", 100000) + "\nhelp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{"demo"}, getenv(nil), strings.NewReader(tt.in), &stdout, &stderr); err != nil {
				t.Fatalf("demo: %v\n%s", err, stderr.String())
			}
			out := stdout.String()
			if !strings.Contains(out, "That is too long for me to read.") || !strings.Contains(out, "Who was in that meeting?") {
				t.Errorf("replies:\n%.2000s\nwant the too-long sentence, then the help", out)
			}
			if strings.Index(out, "too long") > strings.Index(out, "Who was in that meeting?") {
				t.Errorf("the help came before the answer to the long line")
			}
		})
	}
}

// TestDemoCleansUp: the demo's store (database, lock, journal) is removed
// at exit, and its folder too unless CSV files were written to it; then
// the last line says where they are kept.
func TestDemoCleansUp(t *testing.T) {
	tests := []struct {
		name, in string
		csvs     int
	}{
		{"nothing written", "help\nwatch 960 123 4501\nwatching\n", 0},
		{"a CSV file", "help\n" + meetingfake.SampleTownHallUUID + "\n", 1},
		{"the audit trail's CSV", "watch 960 123 4501\naudit --since 1h\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{"demo"}, getenv(nil), strings.NewReader(tt.in), &stdout, &stderr); err != nil {
				t.Fatalf("demo: %v\n%s", err, stderr.String())
			}
			left, err := filepath.Glob(filepath.Join(tmp, "*", "*"))
			if err != nil {
				t.Fatal(err)
			}
			dirs, _ := filepath.Glob(filepath.Join(tmp, "*"))
			kept := regexp.MustCompile(`The CSV files of this demo are kept in (\S+)\n$`).FindStringSubmatch(stdout.String())
			switch {
			case tt.csvs == 0 && (len(dirs) != 0 || kept != nil):
				t.Errorf("left %q and said %q; want nothing left, nothing said", dirs, kept)
			case tt.csvs > 0 && (len(left) != tt.csvs || !strings.HasSuffix(left[0], ".csv") || kept == nil || kept[1] != filepath.Dir(left[0])):
				t.Errorf("left %q and said %q; want only the %d CSV file(s), and where", left, kept, tt.csvs)
			}
			if hidden, _ := filepath.Glob(filepath.Join(tmp, "*", ".*")); len(hidden) != 0 {
				t.Errorf("the store is left behind: %q", hidden)
			}
		})
	}
}

// TestREADMESamples: the README shows what the binary prints today: each
// "Sample reply to `/attendees …`" block, line by line (dates aside, "…"
// standing for lines left out), is in the demo's reply to that command;
// the Commands block has the lookup and audit usage as --help gives it.
func TestREADMESamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	samples := regexp.MustCompile("(?s)Sample reply to\\s+`/attendees ([^`]+)`.*?\n```\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(samples) < 2 {
		t.Fatalf("found %d sample replies in the README; want the meeting's and the series'", len(samples))
	}
	t.Setenv("TMPDIR", t.TempDir())
	for _, sm := range samples {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"demo"}, getenv(nil), strings.NewReader(sm[1]+"\n"), &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		reply := dates.ReplaceAllString(out.String(), "YYYY-MM-DD")
		for line := range strings.Lines(sm[2]) {
			if line = dates.ReplaceAllString(line, "YYYY-MM-DD"); strings.TrimSpace(line) != "…" && !strings.Contains(reply, line) {
				t.Errorf("the README's sample reply to %q has %q; the demo prints:\n%s", sm[1], line, out.String())
			}
		}
	}
	for _, line := range []string{
		"attendees-bot lookup " + lookupOptions + " <confUUID | meeting ID | subject words>\n",
		"attendees-bot audit " + audit.Usage + "\n",
	} {
		if !bytes.Contains(readme, []byte(line)) || !strings.Contains(usage, line) {
			t.Errorf("README has %q: %v; the usage has it: %v", line, bytes.Contains(readme, []byte(line)), strings.Contains(usage, line))
		}
	}
}
