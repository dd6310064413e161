package audit

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    string
		want    Filter
		wantErr string
	}{
		{"", Filter{Since: 720 * time.Hour}, ""},
		{"--since 24h --format csv", Filter{Since: 24 * time.Hour, Format: "csv"}, ""},
		{"--since=30d", Filter{Since: 30 * 24 * time.Hour}, ""},
		{"--since 0", Filter{}, ""},
		{"—since 90m", Filter{Since: 90 * time.Minute}, ""}, // a phone's em dash
		{"–user U1", Filter{Since: 720 * time.Hour, Users: []string{"U1"}}, ""},
		{"--user U1,u2 --user <@W0ADMIN|lee>", Filter{Since: 720 * time.Hour, Users: []string{"U1", "U2", "W0ADMIN"}}, ""},
		{"--conf 5D0C8F3A-2B1E-4C7D-9A6F-0E1B2C3D4E51", Filter{Since: 720 * time.Hour, ConfUUID: "5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51"}, ""},
		{"--meeting 960-123-4501 --format json", Filter{Since: 720 * time.Hour, MeetingID: "9601234501", Format: "json"}, ""},
		{"--since", Filter{}, "--since needs a value"},
		{"--since soon", Filter{}, "--since wants a duration like 720h"},
		{"--since -5h", Filter{}, "--since wants a duration"},
		{"--since 0d", Filter{}, "--since wants a duration"},
		{"--user alice", Filter{}, "--user wants a Slack user ID like U0123ABCD"},
		{"--user @alice", Filter{}, "--user wants a Slack user ID"},
		{"--conf board", Filter{}, "--conf wants a conference UUID"},
		{"--meeting 12", Filter{}, "--meeting wants a meeting ID"},
		{"--format xml", Filter{}, "--format must be text, csv or json"},
		{"--verbose", Filter{}, "There is no option --verbose;"},
		{"board meeting", Filter{}, "I don't understand “board”"},
		{"---since 1h", Filter{}, "I don't understand “---since”"},
		{"--user bob", Filter{}, "not “bob”"},
		{"--since 1h --since 2h", Filter{}, "--since is there twice; give it once"},
		{"--conf 5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51 --conf=5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51", Filter{}, "--conf is there twice"},
		{"--meeting 9601234501 —meeting 9601234502", Filter{}, "--meeting is there twice"},
		{"--format csv --format json", Filter{}, "--format is there twice"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := ParseArgs(strings.Fields(tt.args))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseArgs(%q) = %+v, %v; want an error containing %q", tt.args, got, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("ParseArgs(%q) error has several lines: %q", tt.args, err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ParseArgs(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
			}
		})
	}
	if _, err := ParseArgs([]string{"--help"}); !errors.Is(err, ErrHelp) {
		t.Errorf("--help: err = %v; want ErrHelp", err)
	}
}

func TestFilterQuery(t *testing.T) {
	f := Filter{Since: time.Hour, Users: []string{"U1"}, ConfUUID: "c", MeetingID: "1"}
	q := f.Query(t0)
	if !q.Since.Equal(t0.Add(-time.Hour)) || q.Users[0] != "U1" || q.ConfUUID != "c" || q.MeetingID != "1" || q.Limit != 0 {
		t.Errorf("Query = %+v", q)
	}
	if q := (Filter{}).Query(t0); !q.Since.IsZero() {
		t.Errorf("--since 0 reads from %v; want the beginning", q.Since)
	}
}

// FuzzParseArgs holds that any input either fails with one sentence or
// yields a filter the store accepts.
// TestHelpOffersTheSinceValuesOfItsMistake: the Slack help lists every
// --since value the mistake's sentence suggests, in each language.
func TestHelpOffersTheSinceValuesOfItsMistake(t *testing.T) {
	example := regexp.MustCompile("`([0-9]+[a-z]*)`")
	for _, lang := range catalog.Languages {
		p := catalog.For(lang)
		help := p.T("audit.help", catalog.Args{"Cmd": "/attendees", "Usage": Usage})
		examples := example.FindAllStringSubmatch(p.T("audit.arg.since"), -1)
		if len(examples) < 3 {
			t.Fatalf("%s: audit.arg.since offers %q; want its examples in backticks", lang, examples)
		}
		for _, ex := range examples {
			if !strings.Contains(help, "`"+ex[1]+"`") {
				t.Errorf("%s: audit.help does not offer --since %s, which audit.arg.since does:\n%s", lang, ex[1], help)
			}
		}
	}
}

func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"", "--since 24h --user U1,U2", "--conf 5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51", "—format csv", "--user <@U1|x>", "--since=3d x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseArgs(strings.Fields(s))
		if err != nil {
			if errors.Is(err, ErrHelp) {
				return
			}
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("ParseArgs(%q) error %q is not one sentence", s, msg)
			}
			return
		}
		if got.Since < 0 {
			t.Fatalf("ParseArgs(%q) since %v", s, got.Since)
		}
		for _, u := range got.Users {
			r := row("k", store.AuditLookup)
			r.UserID = u
			if err := store.CheckAuditRow(r); err != nil {
				t.Fatalf("ParseArgs(%q) user %q: %v", s, u, err)
			}
		}
		if got.ConfUUID != "" && meeting.ValidateConfUUID(got.ConfUUID) != nil {
			t.Fatalf("ParseArgs(%q) conf %q", s, got.ConfUUID)
		}
		if got.MeetingID != "" {
			if _, err := meeting.NormalizeMeetingID(got.MeetingID); err != nil {
				t.Fatalf("ParseArgs(%q) meeting %q", s, got.MeetingID)
			}
		}
	})
}
