package formatting

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// standup is a weekly stand-up's runs, newest first: run 1 could not be
// read, Dan missed the two newest readable runs, Erin comes late, Bob
// dials in from another number once, Ivan is invited and never comes, a
// dial-in is named by its number and someone's name is a formula.
func standup(weeks ...int) []attendance.Run {
	invited := []Invitee{{Name: "Alice Zhang", Email: "alice@example.com", Dept: "Product"}, {Name: "Dan Kim", Number: "+8613800000004"},
		{Name: "Ivan Petrov", Email: "ivan@example.com", Dept: "Finance"}}
	var runs []attendance.Run
	for _, w := range weeks {
		start := time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC).AddDate(0, 0, -7*w)
		ms := func(min float64) int64 { return start.Add(time.Duration(min * float64(time.Minute))).UnixMilli() }
		m := Meeting{ConfUUID: "5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e5" + strconv.Itoa(w), MeetingID: "9601234505", Subject: "Team stand-up *daily*",
			Start: start, End: start.Add(15 * time.Minute), Invited: invited}
		m.Records = []Record{
			{Name: "Alice Zhang", Number: "+8613800000001", Dept: "Product", Join: ms(0), Leave: ms(15)},
			{Name: "Bob Li", Number: "+8613800000002", Dept: "Engineering", Join: ms(1), Leave: ms(14)},
			{Name: "+4930123456", Number: "+4930123456", Join: ms(2), Leave: ms(12)},
		}
		if w == 3 {
			m.Records[1].Number = "+8613800000012" // his phone
		}
		if w >= 3 {
			m.Records = append(m.Records, Record{Name: "Dan Kim", Number: "+8613800000004", Dept: "Engineering", Join: ms(0), Leave: ms(15)})
		}
		if w%2 == 0 {
			m.Records = append(m.Records, Record{Name: "Erin Park", Number: "+8613800000005", Dept: "Sales", Join: ms(7), Leave: ms(15)})
		}
		if w == 2 {
			m.Records = append(m.Records, Record{Name: "=HYPERLINK(\"http://x\")", Dept: "@evil", Join: ms(0), Leave: ms(3)})
		}
		r := attendance.Run{Meeting: m}
		if w != 1 {
			r.Report = attendance.Analyze(m, Thresholds{}, start.AddDate(0, 1, 0))
		}
		runs = append(runs, r)
	}
	return runs
}

func TestSeriesGolden(t *testing.T) {
	zone := time.FixedZone("UTC+08:00", 8*3600)
	filtered := standup(0, 2)
	for i := range filtered {
		filtered[i].Report = filtered[i].Report.Filter("li")
	}
	for _, tt := range []struct {
		name   string
		runs   []attendance.Run
		lang   string
		asked  int
		inline int
	}{
		{"standup.en-US", standup(0, 1, 2, 3, 4), "en-US", 5, 0},
		{"standup.zh-CN", standup(0, 1, 2, 3, 4), "zh-CN", 5, 0},
		{"filtered-fewer.en-US", filtered, "en-US", 8, 0},
		{"inline-limit.en-US", standup(0, 1, 2, 3, 4), "en-US", 5, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := attendance.AnalyzeSeries(tt.runs)
			for _, aud := range []struct {
				name string
				a    Audience
			}{{"private", Private}, {"shared", Shared}} {
				o := SeriesOptions{MessageOptions: MessageOptions{Audience: aud.a, Words: catalog.For(tt.lang), Location: zone, InlineLimit: tt.inline}, Asked: tt.asked, Window: 180 * 24 * time.Hour}
				msg := SeriesSummary(s, o)
				js := checkMessage(t, msg, "")
				golden(t, "series/"+tt.name+"."+aud.name+".golden.json", js)
				if want := max(0, len(s.Members)-cmpOr(tt.inline, defaultInline)); msg.More != want {
					t.Errorf("More = %d; want %d", msg.More, want)
				}
				var buf bytes.Buffer
				if err := WriteSeriesCSV(&buf, s, CSVOptions{Audience: aud.a, Location: zone}); err != nil {
					t.Fatal(err)
				}
				checkSeriesCSV(t, buf.Bytes(), s, zone)
				if aud.a == Private {
					golden(t, "series/"+tt.name+".golden.txt", []byte(RenderText(msg)))
					golden(t, "series/"+tt.name+".golden.csv", buf.Bytes())
					continue
				}
				golden(t, "series/"+tt.name+".shared.golden.csv", buf.Bytes())
				for _, out := range []string{string(js), buf.String()} {
					for _, n := range []string{"4930123456", "13800000001", "13800000004"} {
						if strings.Contains(out, n) {
							t.Errorf("shared output shows number %s", n)
						}
					}
				}
			}
		})
	}
}

func cmpOr(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

// checkSeriesCSV asserts the series CSV's shape: the BOM, the fixed
// columns and one per run headed by its start, one row per member with
// the member's counts, minutes where they attended, empty where they did
// not, "couldn't read" for the runs that could not be read; no cell that
// would run as a formula.
func checkSeriesCSV(t *testing.T, data []byte, s *attendance.Series, loc *time.Location) {
	t.Helper()
	rest, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
	if !ok {
		t.Fatal("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := append([]string(nil), SeriesCSVHeader...)
	for _, r := range s.Runs {
		head = append(head, r.Start().In(loc).Format(time.RFC3339))
	}
	if strings.Join(rows[0], ",") != strings.Join(head, ",") || len(rows) != 1+len(s.Members) {
		t.Fatalf("header %q, %d rows; want %q and %d", rows[0], len(rows)-1, head, len(s.Members))
	}
	for i, m := range s.Members {
		row := rows[i+1]
		if row[4] != strconv.Itoa(m.Attended) || row[5] != strconv.Itoa(s.Readable) || row[7] != strconv.Itoa(m.Late) || row[8] != strconv.Itoa(m.Missed) {
			t.Errorf("row %d %q: counts of %+v", i, row, m)
		}
		for j, p := range m.In {
			cell := row[len(SeriesCSVHeader)+j]
			switch {
			case s.Runs[j].Report == nil:
				if cell != "couldn't read" {
					t.Errorf("row %d run %d: %q for a run that could not be read", i, j, cell)
				}
			case p == nil:
				if cell != "" {
					t.Errorf("row %d run %d: %q where absent", i, j, cell)
				}
			default:
				if f, err := strconv.ParseFloat(cell, 64); err != nil || f < p.InMeeting.Minutes()-0.05 || f > p.InMeeting.Minutes()+0.05 || !strings.Contains(cell, ".") {
					t.Errorf("row %d run %d: %q for %v", i, j, cell, p.InMeeting)
				}
			}
		}
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=@\t\r", rune(cell[0])) {
				t.Errorf("row %d: formula cell %q", i, cell)
			}
		}
	}
}

func TestSeriesNote(t *testing.T) {
	s := attendance.AnalyzeSeries(standup(0, 1, 2, 3, 4))
	if got, want := seriesLine(s, MessageOptions{Words: en}), "missed the last 2: Dan Kim"; got != want {
		t.Errorf("SeriesLine = %q; want %q", got, want)
	}
	if got := SeriesNote(attendance.AnalyzeSeries(standup(2, 3)), MessageOptions{Words: zh}); got != nil {
		t.Errorf("SeriesNote of a series nobody missed = %v", got)
	}
	if got := SeriesNote(s, MessageOptions{Words: en}); len(got) != 1 || checkMessage(t, Message{Text: "x", Blocks: got}, "") == nil {
		t.Errorf("SeriesNote = %v; want one context block", got)
	}
	// Shared: a name that is a number is masked.
	runs := standup(0, 2, 3)
	runs[0].Report = runs[0].Report.Filter("alice")
	runs[1].Report = runs[1].Report.Filter("alice")
	if got := seriesLine(attendance.AnalyzeSeries(runs), MessageOptions{Audience: Shared, Words: zh}); !strings.Contains(got, "连续缺席最近 2 次：") ||
		strings.Contains(got, "4930123456") || !strings.Contains(got, "Bob Li") {
		t.Errorf("SeriesLine = %q", got)
	}
}

func TestSeriesCSVFile(t *testing.T) {
	f := SeriesCSVFile(attendance.AnalyzeSeries(standup(0, 1)), CSVOptions{Words: en})
	if f.Name != "attendees-9601234505-last2.csv" || f.Title != "Attendees: Team stand-up *daily* (last 2 runs)" || !bytes.HasPrefix(f.Content, []byte("\uFEFFperson_key,")) {
		t.Errorf("file %q %q", f.Name, f.Title)
	}
	if err := WriteSeriesCSV(&failWriter{}, attendance.AnalyzeSeries(standup(0)), CSVOptions{}); err == nil {
		t.Error("a failing writer's error was lost")
	}
}
