package formatting

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Alice", "Alice"},
		{"+991116004380", "+991116004380"},
		{"+86 (10) 5555-1234", "+86 (10) 5555-1234"},
		{"-5", "-5"},
		{"-2.5", "-2.5"},
		{"=1+1", "'=1+1"},
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"+", "'+"},
		{"+99111***4380", "'+99111***4380"},
		{"a=1", "a=1"},
	}
	for _, tt := range tests {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errDisk
	}
	return len(p), nil
}

func TestWriteCSVError(t *testing.T) {
	r := manyPeople(2000)
	var full bytes.Buffer
	if err := WriteCSV(&full, r, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 10, 5000, full.Len() / 2, full.Len() - 1} {
		if err := WriteCSV(&failWriter{n: n}, r, CSVOptions{}); !errors.Is(err, errDisk) {
			t.Errorf("WriteCSV to a writer failing after %d bytes = %v; want %v", n, err, errDisk)
		}
	}
}

func TestWriteCSVEmptyAndNil(t *testing.T) {
	for _, r := range []*Report{nil, analyze(Meeting{}, time.Time{})} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, r, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		if want := "\uFEFF" + strings.Join(CSVHeader, ",") + "\n"; buf.String() != want {
			t.Errorf("empty CSV = %q", buf.String())
		}
	}
}

// TestWriteCSVRows checks the row of each kind of record, and a no-show's.
func TestWriteCSVRows(t *testing.T) {
	m := scheduled(
		Record{Number: "1", Name: "A", Join: at(1.5), Leave: 0},
		Record{Number: "2", Name: "B", Dept: "=cmd", Join: at(0), Leave: at(60)},
		Record{Number: "2", Name: "B", Join: at(30), Leave: at(20)},
	)
	m.Invited = []Invitee{{Name: "B", Number: "2"}, {Name: "+8613800138000", Number: "+86 138 0013 8000", Dept: "Sales"}}
	r := analyze(m, later)
	tests := []struct {
		aud  Audience
		want string
	}{
		{Private, "" +
			"i:2,B,B,2,'=cmd,,,2026-11-27T05:30:00.000-03:30,2026-11-27T06:30:00.000-03:30,1795770000000,1795773600000,3600.000,false,3600.000,1:00:00,2,100.0,present,unreadable_times\n" +
			"i:2,B,B,2,,,,,,1795771800000,1795771200000,0.000,unreadable,3600.000,1:00:00,2,100.0,present,unreadable_times\n" +
			"n:1,A,A,1,,,,2026-11-27T05:31:30.000-03:30,,1795770090000,,3510.000,true,3510.000,0:58:30,1,97.5,present,open;uninvited\n" +
			"i:+8613800138000,+8613800138000,,+86 138 0013 8000,Sales,,,,,,,,,0.000,0:00:00,0,0.0,no_show,\n"},
		{Shared, "" +
			"person-1,B,B,*,'=cmd,,,2026-11-27T05:30:00.000-03:30,2026-11-27T06:30:00.000-03:30,1795770000000,1795773600000,3600.000,false,3600.000,1:00:00,2,100.0,present,unreadable_times\n" +
			"person-1,B,B,*,,,,,,1795771800000,1795771200000,0.000,unreadable,3600.000,1:00:00,2,100.0,present,unreadable_times\n" +
			"person-2,A,A,*,,,,2026-11-27T05:31:30.000-03:30,,1795770090000,,3510.000,true,3510.000,0:58:30,1,97.5,present,open;uninvited\n" +
			"person-3,'+86138****8000,,'+86138****8000,Sales,,,,,,,,,0.000,0:00:00,0,0.0,no_show,\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, r, CSVOptions{Audience: tt.aud, Location: time.FixedZone("X", -(3*3600 + 1800))}); err != nil {
			t.Fatal(err)
		}
		if got := strings.SplitN(buf.String(), "\n", 2)[1]; got != tt.want {
			t.Errorf("audience %d rows =\n%s\nwant\n%s", tt.aud, got, tt.want)
		}
		checkCSV(t, buf.Bytes(), r)
	}
}

// TestWriteCSVRoundTrip: every cell reads back as written, whatever the text.
func TestWriteCSVRoundTrip(t *testing.T) {
	var recs []Record
	for i, s := range hostile {
		recs = append(recs, Record{Name: s, Dept: s + ",\"x\"\n", Device: s, Number: "+86 " + itoa(i), Join: at(float64(i)), Leave: at(60)})
	}
	r := analyze(scheduled(recs...), later)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	k := 1
	for _, p := range r.People {
		for _, s := range p.Sessions {
			if got, want := rows[k][2], csvCell(strings.TrimSpace(s.Name)); got != want {
				t.Errorf("record_name %q; want %q", got, want)
			}
			if got, want := rows[k][4], csvCell(strings.TrimSpace(s.Dept)); got != want {
				t.Errorf("dept %q; want %q", got, want)
			}
			k++
		}
	}
}

// TestWriteMeetingsCSV: the choices of a lookup as a spreadsheet reads
// them: subjects made inert, times in the zone, unknown times empty.
func TestWriteMeetingsCSV(t *testing.T) {
	start := time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		m    attendance.Meeting
		want []string
	}{
		{"plain", attendance.Meeting{ConfUUID: "a1b2", MeetingID: "9601234505", Subject: "Daily stand-up", Start: start, End: start.Add(15 * time.Minute)},
			[]string{"a1b2", "9601234505", "Daily stand-up", "2026-12-01T09:30:00+08:00", "2026-12-01T09:45:00+08:00"}},
		{"formula and newline", attendance.Meeting{ConfUUID: "c0ff", Subject: "=HYPERLINK(\"x\")\nsync", Start: start},
			[]string{"c0ff", "", "'=HYPERLINK(\"x\")\nsync", "2026-12-01T09:30:00+08:00", ""}},
		{"no times", attendance.Meeting{ConfUUID: "ffff", MeetingID: "+1+cmd|' /C calc'!A0"},
			[]string{"ffff", "'+1+cmd|' /C calc'!A0", "", "", ""}},
	}
	var ms []attendance.Meeting
	for _, tt := range tests {
		ms = append(ms, tt.m)
	}
	var b bytes.Buffer
	if err := WriteMeetingsCSV(&b, ms, time.FixedZone("CST", 8*3600)); err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(b.Bytes(), []byte("\uFEFF"))
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if !ok || err != nil || len(rows) != len(tests)+1 || strings.Join(rows[0], ",") != strings.Join(MeetingsCSVHeader, ",") {
		t.Fatalf("BOM %v, %v, rows %q", ok, err, rows)
	}
	for i, tt := range tests {
		if got := rows[i+1]; strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: row %q; want %q", tt.name, got, tt.want)
		}
	}
	if err := WriteMeetingsCSV(&failWriter{n: 1}, ms, nil); !errors.Is(err, errDisk) {
		t.Errorf("a failing writer: %v; want %v", err, errDisk)
	}
}
