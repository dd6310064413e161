package attendance

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// at returns epoch ms of t0 + minutes.
func at(min float64) int64 { return t0.Add(mins(min)).UnixMilli() }

func mins(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

// booked is a meeting booked from 09:00 for the given minutes.
func booked(minutes float64, recs ...Record) Meeting {
	return Meeting{Subject: "s", Start: t0, End: t0.Add(mins(minutes)), Records: recs}
}

var later = t0.Add(48 * time.Hour)

func byKey(r *Report) map[string]Person {
	out := map[string]Person{}
	for _, p := range r.People {
		out[p.Key] = p
	}
	return out
}

// TestTimesNotCutAtTheConference: rule 1 of issue 10.
func TestTimesNotCutAtTheConference(t *testing.T) {
	// The vendor's example: the history API gives the conference to the
	// minute, 23:31–23:32, and both were in at once after 23:32.
	seed := Meeting{Start: time.Date(2019, 11, 18, 23, 31, 0, 0, time.UTC), End: time.Date(2019, 11, 18, 23, 32, 0, 0, time.UTC),
		Records: []Record{
			{Name: "user8002", Number: "+991116004380", Join: 1574119917872, Leave: 1574119956881},
			{Name: "+991116005905", Number: "+991116005905", Join: 1574119935467, Leave: 1574119947620},
		}}
	r := Analyze(seed, Thresholds{}, later)
	if p := byKey(r)["n:+991116004380"]; p.InMeeting != 39009*time.Millisecond {
		t.Errorf("user8002 in meeting %v; want 39.009s", p.InMeeting)
	}
	if r.Peak != 2 || !r.End.Equal(time.UnixMilli(1574119956881).UTC()) || !r.Start.Equal(seed.Start) {
		t.Errorf("peak %d, span %v–%v; want 2 and 23:31:00–23:32:36.881", r.Peak, r.Start, r.End)
	}

	tests := []struct {
		name              string
		m                 Meeting
		now               time.Time
		in                time.Duration
		share             float64
		late, early, open bool
		spanFrom, spanTo  float64
	}{
		{"stays 50 minutes in a 30-minute meeting", booked(30, Record{Number: "1", Join: at(0), Leave: at(50)}), later, mins(50), 1, false, false, false, 0, 50},
		{"joins early, leaves on time", booked(60, Record{Number: "1", Join: at(-10), Leave: at(60)}), later, mins(70), 1, false, false, false, -10, 60},
		{"late and early stay relative to the conference", booked(60, Record{Number: "1", Join: at(6), Leave: at(54)}, Record{Number: "2", Join: at(-5), Leave: at(70)}),
			later, mins(48), 0.8, true, true, false, -5, 70},
		{"two devices at once count once", booked(60, Record{Number: "1", Join: at(0), Leave: at(40)}, Record{Number: "1", Join: at(10), Leave: at(50)}), later, mins(50), 50.0 / 60, false, true, false, 0, 60},
		{"open record after the meeting: to the span's end", booked(60, Record{Number: "1", Join: at(30)}, Record{Number: "2", Join: at(0), Leave: at(75)}), later, mins(45), 0.75, true, false, true, 0, 75},
		{"open record while the meeting is on: to now", booked(60, Record{Number: "1", Join: at(10)}), t0.Add(mins(25)), mins(15), 0.25, true, false, true, 0, 60},
		{"no conference times: the records' span", Meeting{Records: []Record{{Number: "1", Join: at(5), Leave: at(25)}, {Number: "2", Join: at(10), Leave: at(45)}}},
			later, mins(20), 0.5, false, true, false, 5, 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(tt.m, Thresholds{}, tt.now)
			p := byKey(r)["n:1"]
			if p.InMeeting != tt.in || p.Share != tt.share || p.Late != tt.late || p.Early != tt.early || p.Open != tt.open {
				t.Errorf("in %v share %v late %v early %v open %v; want %v %v %v %v %v",
					p.InMeeting, p.Share, p.Late, p.Early, p.Open, tt.in, tt.share, tt.late, tt.early, tt.open)
			}
			if r.Start.UnixMilli() != at(tt.spanFrom) || r.End.UnixMilli() != at(tt.spanTo) {
				t.Errorf("span %v–%v; want +%vm to +%vm", r.Start, r.End, tt.spanFrom, tt.spanTo)
			}
		})
	}
}

// TestUnreadableTimes: rule 2 of issue 10.
func TestUnreadableTimes(t *testing.T) {
	m := booked(60,
		Record{Number: "1", Name: "A", Join: at(0), Leave: at(45)},
		Record{Number: "1", Name: "A", Join: at(50), Leave: at(40)},          // leave before join
		Record{Number: "2", Name: "B", Join: at(0) / 1000, Leave: at(30)},    // join in seconds
		Record{Number: "3", Name: "C", Join: at(0), Leave: at(60) / 1000},    // leave in seconds
		Record{Number: "4", Name: "D", Join: at(0), Leave: at(60 * 24 * 30)}, // a month ahead
		Record{Number: "5", Name: "E", Join: at(0), Leave: at(60)},
	)
	now := t0.Add(2 * time.Hour)
	r := Analyze(m, Thresholds{}, now)
	if p := byKey(r)["n:1"]; p.InMeeting != mins(45) || p.Unreadable != 1 || p.Open {
		t.Errorf("A: in %v, unreadable %d, open %v; want 45m, 1, false", p.InMeeting, p.Unreadable, p.Open)
	}
	if r.Unreadable != 4 || len(r.People) != 5 || r.Sessions != 6 {
		t.Errorf("unreadable %d people %d sessions %d; want 4 of 6 records, 5 people", r.Unreadable, len(r.People), r.Sessions)
	}
	if !r.Start.Equal(t0) || !r.End.Equal(t0.Add(time.Hour)) {
		t.Errorf("span %v–%v; want the conference's", r.Start, r.End)
	}
	// Only A (45m) and E (60m) have a readable time.
	if r.Average != mins(52.5) || r.Median != mins(52.5) {
		t.Errorf("average %v median %v; want 52m30s", r.Average, r.Median)
	}
	for _, k := range []string{"n:2", "n:3", "n:4"} {
		if p := byKey(r)[k]; p.Timed() || p.Level != "" || p.Late || !p.FirstJoin.IsZero() {
			t.Errorf("%s: %+v; want no time and no flags", k, p)
		}
	}
}

// TestIdentity: rule 3 of issue 10.
func TestIdentity(t *testing.T) {
	bob := func(number string, join float64) Record {
		return Record{Name: "Bob Li", Number: number, Dept: "Engineering", Join: at(join), Leave: at(join + 10)}
	}
	tests := []struct {
		name    string
		recs    []Record
		invited []Invitee
		want    [][]string // numbers (or names) of each person, in display order
	}{
		{"two numbers, one name and department: one person",
			[]Record{bob("+99111800002", 0), bob("+99111800003", 5)}, nil,
			[][]string{{"+99111800002", "+99111800003"}}},
		{"name folded: case, width, accents, spaces",
			[]Record{bob("1", 0), {Name: " ＢＯＢ  li ", Number: "2", Dept: "engineering", Join: at(1)}, {Name: "Bób Li", Dept: "ENGINEERING", Join: at(2)}}, nil,
			[][]string{{"1", "2", ""}}},
		{"other department: another person",
			[]Record{bob("1", 0), {Name: "Bob Li", Number: "2", Dept: "Sales", Join: at(1)}}, nil,
			[][]string{{"1"}, {"2"}}},
		{"a number used under two names is a shared phone: no merge by name",
			[]Record{bob("1", 0), bob("2", 1), {Name: "Room 4", Number: "2", Dept: "Engineering", Join: at(2)}}, nil,
			[][]string{{"1"}, {"2", "2"}}},
		{"two invitees of that name: ambiguous",
			[]Record{bob("1", 0), bob("2", 1)}, []Invitee{{Name: "Bob Li", Dept: "Engineering", Email: "bob@x"}, {Name: "bob li", Dept: "Engineering", Email: "bob2@x"}},
			[][]string{{"1"}, {"2"}}},
		{"everything matched to one invitee is one person",
			[]Record{bob("1", 0), {Name: "Robert", Number: "+99 111-800 002", Join: at(1)}, bob("3", 2)}, []Invitee{{Name: "Bob Li", Number: "+99111800002", Dept: "Engineering"}},
			[][]string{{"1", "+99 111-800 002", "3"}}},
		{"number first: a name match to another invitee does not win",
			[]Record{{Name: "Carol", Number: "7", Join: at(0)}}, []Invitee{{Name: "Dan", Number: "7"}, {Name: "Carol"}},
			[][]string{{"7"}}},
		{"no number, no name: a person of its own",
			[]Record{{Dept: "x", Join: at(0)}, {Dept: "x", Join: at(1)}}, nil,
			[][]string{{""}, {""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := booked(60, tt.recs...)
			m.Invited = tt.invited
			r := Analyze(m, Thresholds{}, later)
			var got [][]string
			for _, p := range r.People {
				var nums []string
				for _, s := range p.Sessions {
					nums = append(nums, s.Number)
				}
				got = append(got, nums)
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("people %q; want %q", got, tt.want)
			}
			checkReport(t, r, len(m.Records))
		})
	}
}

// TestInviteArithmetic is the demo's meeting 陈静 (issue 10, rule 3): it
// showed People 9, Invited 7, No-shows 1, Uninvited 2.
func TestInviteArithmetic(t *testing.T) {
	rec := func(name, number, dept string, join float64) Record {
		return Record{Name: name, Number: number, Dept: dept, Join: at(join), Leave: at(join + 10)}
	}
	m := booked(50,
		rec("王伟", "+8675512340001", "研发部", 0), rec("张伟", "+8675512340002", "研发部", 0),
		rec("李娜", "+8675512340003", "市场部", 2), rec("王芳", "+8613912340004", "财务部", 4),
		rec("刘洋", "+8675512340005", "研发部", 0), rec("陈静", "+8675512340006", "人力资源部", 1),
		rec("陈静", "+8613912340006", "人力资源部", 13), rec("杨帆", "+8675512340007", "研发部", 21),
		rec("+991116005905", "+991116005905", "wangyue", 30))
	for _, n := range []string{"王伟|研发部", "张伟|研发部", "李娜|市场部", "王芳|财务部", "刘洋|研发部", "陈静|人力资源部", "赵磊|法务部"} {
		name, dept, _ := strings.Cut(n, "|")
		m.Invited = append(m.Invited, Invitee{Name: name, Dept: dept, Email: name + "@example.cn"})
	}
	r := Analyze(m, Thresholds{}, later)
	if len(r.People) != 8 || r.Invited != 7 || len(r.NoShows) != 1 || r.Uninvited != 2 {
		t.Errorf("people %d invited %d no-shows %d uninvited %d; want 8 = 7 − 1 + 2", len(r.People), r.Invited, len(r.NoShows), r.Uninvited)
	}
	if p := byKey(r)["i:陈静@example.cn"]; p.Joins != 2 || p.InMeeting != mins(20) {
		t.Errorf("陈静: %d joins, %v; want her two numbers as one person of 20m", p.Joins, p.InMeeting)
	}
}

// TestBreakdownsAddUp: rule 7 of issue 10.
func TestBreakdownsAddUp(t *testing.T) {
	m := booked(60,
		Record{Number: "1", Device: "PC", Media: "Video", Dept: "Sales", Join: at(0), Leave: at(10)},
		Record{Number: "1", Device: "Phone", Media: "Audio", Dept: "Sales", Join: at(10), Leave: at(60)},
		Record{Number: "2", Device: "PC", Media: "Video", Join: at(0), Leave: at(60)},
		Record{Number: "3", Join: at(0), Leave: at(60)},
	)
	r := Analyze(m, Thresholds{}, later)
	want := map[string][]Count{
		"devices": {{"PC", 1}, {"Phone", 1}, {"", 1}},
		"media":   {{"Audio", 1}, {"Video", 1}, {"", 1}},
		"depts":   {{"", 2}, {"Sales", 1}},
	}
	for name, got := range map[string][]Count{"devices": r.Devices, "media": r.Media, "depts": r.Depts} {
		if !slices.Equal(got, want[name]) {
			t.Errorf("%s = %v; want %v", name, got, want[name])
		}
	}
	if p := byKey(r)["n:1"]; p.Device != "Phone" || p.Medium != "Audio" {
		t.Errorf("main device %q medium %q; want the longest used: Phone, Audio", p.Device, p.Medium)
	}
}

func TestMainValueTies(t *testing.T) {
	ss := []Session{{Record: Record{Name: " b "}}, {Record: Record{Name: "a"}}, {Record: Record{Name: "a"}}, {Record: Record{Name: "b"}}, {}}
	name := func(s *Session) (string, time.Duration) { return s.Name, 1 }
	if got := mainValue(ss, name); got != "b" {
		t.Errorf("mainValue = %q; want b, the first used of the most frequent", got)
	}
	if got := mainValue(ss[4:], name); got != "" {
		t.Errorf("mainValue of no value = %q", got)
	}
}

func TestThresholds(t *testing.T) {
	if got := (Thresholds{}).withDefaults(); got != DefaultThresholds() {
		t.Errorf("Thresholds{}.withDefaults() = %+v; want %+v", got, DefaultThresholds())
	}
	m := booked(60, Record{Number: "1", Join: at(2), Leave: at(60)})
	if r := Analyze(m, Thresholds{LateAfter: time.Minute}, later); !r.People[0].Late {
		t.Error("join at +2m with LateAfter 1m not late")
	}
}

func TestAnalyzeDoesNotModifyInput(t *testing.T) {
	recs := []Record{{Number: "2", Join: at(5)}, {Number: "1", Join: at(1)}}
	inv := []Invitee{{Number: "1"}, {Number: "1"}}
	Analyze(Meeting{Records: recs, Invited: inv}, Thresholds{}, later)
	if recs[0].Number != "2" || recs[1].Number != "1" || len(inv) != 2 {
		t.Error("Analyze changed its input")
	}
}

func TestInviteeWithoutDepartment(t *testing.T) {
	m := booked(60, Record{Name: "Bob Li", Number: "1", Dept: "Engineering", Join: at(0), Leave: at(60)},
		Record{Name: "Ann", Number: "2", Dept: "Sales", Join: at(0), Leave: at(60)})
	m.Invited = []Invitee{{Name: "bob li", Email: "bob@x"}, {Name: "Ann", Dept: "Legal"}}
	r := Analyze(m, Thresholds{}, later)
	if p := byKey(r)["i:bob@x"]; p.Uninvited || len(r.NoShows) != 1 || r.NoShows[0].Name != "Ann" || !byKey(r)["n:2"].Uninvited {
		t.Errorf("people %v, no-shows %v; want Bob matched, Ann of Sales not Ann of Legal", r.People, r.NoShows)
	}
}

// TestRepeatedInvitees: an invitee listed twice (the same number, or the
// same e-mail address) is one invitee, and the entries after a repeat
// still count; a list without repeats is compared as it is, not copied (a
// town hall's is 1.3 MB; issue 11).
func TestRepeatedInvitees(t *testing.T) {
	m := booked(60, Record{Number: "3", Join: at(0), Leave: at(60)})
	m.Invited = []Invitee{{Name: "Ann", Number: "1"}, {Name: "Ann again", Number: "1"},
		{Name: "Bob", Email: "bob@x"}, {Name: "Bob again", Email: " BOB@x"}, {Name: "Cy", Number: "3"}}
	r := Analyze(m, Thresholds{}, later)
	var noShows []string
	for _, inv := range r.NoShows {
		noShows = append(noShows, inv.Name)
	}
	if r.Invited != 3 || strings.Join(noShows, ",") != "Ann,Bob" || r.People[0].Invitee.Name != "Cy" {
		t.Errorf("invited %d, no-shows %q, %s matched to %+v; want 3, Ann and Bob, Cy", r.Invited, noShows, r.People[0].Key, r.People[0].Invitee)
	}
	m.Invited = m.Invited[3:] // Bob again, Cy
	if r := Analyze(m, Thresholds{}, later); r.People[0].Invitee != &m.Invited[1] {
		t.Errorf("matched to %p, not to the list's own entry %p: the list was copied", r.People[0].Invitee, &m.Invited[1])
	}
}
