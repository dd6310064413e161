package attendance

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// week is run n of a weekly meeting booked at 09:00 for an hour, n weeks
// before t0, with its records and invite list.
func week(n int, invited []Invitee, recs ...Record) Run {
	start := t0.AddDate(0, 0, -7*n)
	m := Meeting{ConfUUID: "run" + strconv.Itoa(n), MeetingID: "9601234501", Subject: "Stand-up", Start: start, End: start.Add(time.Hour), Invited: invited}
	for _, r := range recs { // minutes after 09:00 of that week
		r.Join, r.Leave = start.Add(time.Duration(r.Join)*time.Minute).UnixMilli(), start.Add(time.Duration(r.Leave)*time.Minute).UnixMilli()
		m.Records = append(m.Records, r)
	}
	return Run{Meeting: m, Report: Analyze(m, Thresholds{}, later)}
}

// unread is run n whose records could not be read.
func unread(n int) Run {
	r := week(n, nil)
	r.Report = nil
	return r
}

func TestAnalyzeSeries(t *testing.T) {
	bob := func(number string, join, leave int64) Record {
		return Record{Name: "Bob Li", Number: number, Dept: "Eng", Join: join, Leave: leave}
	}
	alice := Record{Name: "Alice Zhang", Number: "+8601", Dept: "Product", Join: 0, Leave: 60}
	dan := Record{Name: "Dan Kim", Number: "+8604", Join: 10, Leave: 40} // late
	erin := Record{Name: "Erin Park", Number: "+8605", Join: 0, Leave: 20}
	invited := []Invitee{{Name: "Alice Zhang", Email: "alice@example.com", Dept: "Product"}, {Name: "Ivan Petrov", Email: "ivan@example.com"}, {Name: "Dan Kim", Number: "+86 04"}}
	runs := []Run{
		week(3, invited, alice, dan, bob("+8602", 0, 60), erin),
		week(0, invited, alice, bob("+8602", 0, 30)), // the newest, passed out of order
		unread(1),
		week(2, nil, alice, bob("+8603", 0, 60), dan), // Bob on another number; no invite list
	}
	s := AnalyzeSeries(runs)
	if s.Readable != 3 || s.Runs[0].Meeting.ConfUUID != "run0" || s.Runs[1].Report != nil || s.Fewest != 0 || s.Regulars != 2 {
		t.Fatalf("readable %d, first run %s, fewest %d, regulars %d", s.Readable, s.Runs[0].Meeting.ConfUUID, s.Fewest, s.Regulars)
	}
	if s.Average != 3 {
		t.Errorf("average %v people per run; want 3", s.Average)
	}
	type row struct {
		name           string
		attended, late int
		missed         int
		average        time.Duration
		invited        bool
		present        string // per run, newest first: x present, . absent, ? unread
		number         string
	}
	want := []row{
		{name: "Alice Zhang", attended: 3, average: time.Hour, invited: true, present: "x?xx", number: "+8601"},
		{name: "Bob Li", attended: 3, average: 50 * time.Minute, present: "x?xx", number: "+8602"},
		// One readable run missed is not "missed the last 1".
		{name: "Dan Kim", attended: 2, late: 2, average: 30 * time.Minute, invited: true, present: ".?xx", number: "+8604"},
		// The two newest readable runs, around one that could not be read.
		{name: "Erin Park", attended: 1, missed: 2, average: 20 * time.Minute, present: ".?.x", number: "+8605"},
		// Never came: nothing missed "again".
		{name: "Ivan Petrov", invited: true, present: ".?.."},
	}
	var got []row
	for _, m := range s.Members {
		present := ""
		for i, p := range m.In {
			switch {
			case s.Runs[i].Report == nil:
				present += "?"
			case p == nil:
				present += "."
			default:
				present += "x"
			}
		}
		got = append(got, row{name: m.Name, attended: m.Attended, late: m.Late, missed: m.Missed, average: m.Average, invited: m.Invited, present: present, number: m.Number})
	}
	if !slices.Equal(got, want) {
		t.Errorf("members:\n got %+v\nwant %+v", got, want)
	}
	checkSeries(t, s)
}

// TestSeriesSameRunNeverMerges: two people of one run who share a key
// (one name on two numbers, made two people by a shared desk phone) stay
// two members, and later runs link to the first that is free.
func TestSeriesSameRunNeverMerges(t *testing.T) {
	desk := Record{Name: "Desk", Number: "+8609", Join: 0, Leave: 60}
	runs := []Run{
		week(0, nil, Record{Name: "Ann", Dept: "Sales", Number: "+8601", Join: 0, Leave: 60}, desk,
			Record{Name: "Ann", Dept: "Sales", Number: "+8609", Join: 0, Leave: 10}),
		week(1, nil, Record{Name: "Ann", Dept: "Sales", Number: "+8601", Join: 0, Leave: 60}),
	}
	s := AnalyzeSeries(runs)
	checkSeries(t, s)
	n := 0
	for _, r := range s.Runs {
		n += len(r.Report.People)
	}
	total := 0
	for _, m := range s.Members {
		total += m.Attended
	}
	if total != n {
		t.Errorf("members attended %d runs in all; the reports have %d people", total, n)
	}
}

// checkSeries asserts every invariant of a series.
func checkSeries(t *testing.T, s *Series) {
	t.Helper()
	readable, people := 0, 0
	for i, r := range s.Runs {
		if i > 0 && r.Start().After(s.Runs[i-1].Start()) {
			t.Errorf("runs out of order at %d", i)
		}
		if r.Report != nil {
			readable++
			people += len(r.Report.People)
		}
	}
	if readable != s.Readable {
		t.Errorf("readable %d; %d runs have a report", s.Readable, readable)
	}
	// Every person of every run is in exactly one member, at their run.
	seen := map[*Person]int{}
	keys := map[string]bool{}
	regulars := 0
	for j, m := range s.Members {
		if keys[m.Key] || m.Key == "" {
			t.Errorf("member key %q empty or twice", m.Key)
		}
		keys[m.Key] = true
		attended, late, missed, missing := 0, 0, 0, true
		var lo, hi time.Duration = 1 << 62, 0
		for i, p := range m.In {
			if p == nil {
				if missing && s.Runs[i].Report != nil {
					missed++
				}
				continue
			}
			seen[p]++
			if s.Runs[i].Report == nil || !containsPtr(s.Runs[i].Report.People, p) {
				t.Errorf("%s: a person not of run %d", m.Key, i)
			}
			if missing && (m.Name != p.Name || m.Number != p.Number) {
				t.Errorf("%s: named %q/%q, not as in the newest run attended (%q/%q)", m.Key, m.Name, m.Number, p.Name, p.Number)
			}
			missing = false
			attended++
			late += b2i(p.Late)
			if p.Timed() {
				lo, hi = min(lo, p.InMeeting), max(hi, p.InMeeting)
			}
		}
		if missed < MissedFrom || attended == 0 {
			missed = 0
		}
		if attended != m.Attended || late != m.Late || missed != m.Missed || attended > s.Readable {
			t.Errorf("%s: attended %d late %d missed %d; counted %d %d %d of %d", m.Key, m.Attended, m.Late, m.Missed, attended, late, missed, s.Readable)
		}
		if attended == 0 && !m.Invited {
			t.Errorf("%s: attended nothing and was not invited", m.Key)
		}
		if hi > 0 && (m.Average < lo || m.Average > hi) {
			t.Errorf("%s: average %v outside [%v, %v]", m.Key, m.Average, lo, hi)
		}
		if attended == s.Readable && s.Readable > 1 {
			regulars++
		}
		if j > 0 {
			q := s.Members[j-1]
			if q.Attended < m.Attended || q.Attended == m.Attended && strings.Compare(q.Name, m.Name) > 0 {
				t.Errorf("members out of order: %s before %s", q.Key, m.Key)
			}
		}
	}
	n := 0
	for _, c := range seen {
		n++
		if c != 1 {
			t.Errorf("a person is in %d members", c)
		}
	}
	if n != people {
		t.Errorf("members hold %d people; the runs have %d", n, people)
	}
	if regulars != s.Regulars {
		t.Errorf("regulars %d; counted %d", s.Regulars, regulars)
	}
	if s.Readable > 0 && (s.Average*float64(s.Readable) < float64(people)-1e-9 || s.Average*float64(s.Readable) > float64(people)+1e-9) {
		t.Errorf("average %v people per run; %d people in %d runs", s.Average, people, s.Readable)
	}
	if s.Fewest >= 0 {
		for _, r := range s.Runs {
			if r.Report != nil && len(r.Report.People) < len(s.Runs[s.Fewest].Report.People) {
				t.Errorf("run %d is not the one with the fewest people", s.Fewest)
			}
		}
	} else if s.Readable > 0 {
		t.Error("no run with the fewest people")
	}
}

func containsPtr(ps []Person, p *Person) bool {
	for i := range ps {
		if &ps[i] == p {
			return true
		}
	}
	return false
}

func TestSeriesPropertiesRandom(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 12))
		var runs []Run
		for n := range 1 + rng.IntN(8) {
			m := randomMeeting(rng, rng.IntN(60), 1+rng.IntN(20))
			m.Start = t0.AddDate(0, 0, -7*n)
			m.End = m.Start.Add(time.Hour)
			r := Run{Meeting: m}
			if rng.IntN(6) > 0 {
				r.Report = Analyze(m, Thresholds{}, later)
				if rng.IntN(5) == 0 {
					r.Report = r.Report.Filter(names(rng))
				}
			}
			runs = append(runs, r)
		}
		rng.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
		checkSeries(t, AnalyzeSeries(runs))
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
	if s := AnalyzeSeries(nil); s.Readable != 0 || s.Fewest != -1 || len(s.Members) != 0 {
		t.Errorf("empty series: %+v", s)
	}
}
