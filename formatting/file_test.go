package formatting

import (
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

func TestCSVFile(t *testing.T) {
	tests := []struct {
		name              string
		m                 Meeting
		lang              string
		wantName, wantTtl string
	}{
		{"meeting id", Meeting{MeetingID: "9601234501", ConfUUID: "x", Subject: "Weekly"}, "", "attendees-9601234501.csv", "Attendees: Weekly"},
		{"uuid only", Meeting{ConfUUID: "5d0c8f3a-2b1e"}, "", "attendees-5d0c8f3a-2b1e.csv", "Attendees"},
		{"hostile id", Meeting{MeetingID: "../../etc/passwd"}, "", "attendees-etcpasswd.csv", "Attendees"},
		{"nothing safe", Meeting{MeetingID: "会议"}, "", "attendees-meeting.csv", "Attendees"},
		{"in Chinese", Meeting{MeetingID: "9601234501", Subject: "周会"}, "zh-CN", "attendees-9601234501.csv", "参会名单：周会"},
		{"long subject", Meeting{MeetingID: "1", Subject: strings.Repeat("é", 300)}, "", "attendees-1.csv", "Attendees: " + strings.Repeat("é", 188) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := CSVFile(analyze(tt.m, t0), CSVOptions{Words: catalog.For(tt.lang)})
			if f.Name != tt.wantName || f.Title != tt.wantTtl {
				t.Errorf("CSVFile = %q, %q; want %q, %q", f.Name, f.Title, tt.wantName, tt.wantTtl)
			}
			if !strings.HasPrefix(string(f.Content), "\ufeff") {
				t.Errorf("content has no BOM")
			}
		})
	}
}

func TestDateTokenExported(t *testing.T) {
	at := time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{nil, "<!date^1795788300^{date_short_pretty} {time}|2026-11-27 14:05 UTC>"},
		{sh, "<!date^1795788300^{date_short_pretty} {time}|2026-11-27 22:05 CST>"},
	}
	for _, tt := range tests {
		if got := DateToken(at, tt.loc); got != tt.want {
			t.Errorf("DateToken(%v) = %q; want %q", tt.loc, got, tt.want)
		}
	}
}

func TestNoShowsFile(t *testing.T) {
	m := Meeting{MeetingID: "9601234501", Subject: " Weekly ", Records: []Record{{Name: "Ann", Join: at(0), Leave: at(60)}},
		Invited: []Invitee{{Name: "Ann"}, {Name: "Bob", Email: "bob@example.com"}}}
	tests := []struct {
		subject, lang, want string
	}{
		{" Weekly ", "", "No-shows: Weekly"},
		{"", "", "No-shows"},
		{"周会", "zh-CN", "未参会：周会"}, // a Chinese colon in Chinese
		{strings.Repeat("é", 300), "", "No-shows: " + strings.Repeat("é", 189) + "…"}, // cut like every file title
	}
	for _, tt := range tests {
		m.Subject = tt.subject
		f := NoShowsFile(analyze(m, later), CSVOptions{Words: catalog.For(tt.lang)})
		if f.Name != "attendees-9601234501-no-shows.csv" || f.Title != tt.want {
			t.Errorf("NoShowsFile(%q) = %q, %q; want attendees-9601234501-no-shows.csv, %q", tt.subject, f.Name, f.Title, tt.want)
		}
		if rows := strings.Split(strings.TrimSpace(string(f.Content)), "\n"); len(rows) != 2 || rows[1] != "i:bob@example.com,Bob,,,,,,,,,,,,0.000,0:00:00,0,0.0,no_show," {
			t.Errorf("NoShowsFile content %q; want the header and Bob's no-show row", rows)
		}
	}
}

func TestNeedsNoShowsFile(t *testing.T) {
	some := &attendance.Report{NoShows: []attendance.Invitee{{Name: "Ann"}}}
	none := &attendance.Report{}
	for _, tt := range []struct {
		name     string
		r        *attendance.Report
		msg      Message
		fileSent bool
		want     bool
	}{
		{"all named, no file", some, Message{}, false, false},
		{"records went out as a file", some, Message{}, true, true},
		{"message names some", some, Message{More: 3}, false, true},
		{"no no-shows", none, Message{More: 3}, true, false},
	} {
		if got := NeedsNoShowsFile(tt.r, tt.msg, tt.fileSent); got != tt.want {
			t.Errorf("%s: NeedsNoShowsFile = %v; want %v", tt.name, got, tt.want)
		}
	}
}
