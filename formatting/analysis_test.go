package formatting

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// at returns epoch ms of t0 + minutes.
func at(min float64) int64 { return t0.Add(time.Duration(min * float64(time.Minute))).UnixMilli() }

func mins(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

func scheduled(recs ...Record) Meeting {
	return Meeting{Subject: "s", Start: t0, End: t0.Add(time.Hour), Records: recs}
}

func TestAnalyzeGrouping(t *testing.T) {
	m := scheduled(
		Record{Name: "Alice", Number: "+1 555", Join: at(0), Leave: at(10)},
		Record{Name: "alice (phone)", Number: "+1-555", Join: at(20), Leave: at(30)},
		Record{Name: "Bob", Dept: "Sales", Join: at(0), Leave: at(60)},
		Record{Name: "ＢＯＢ ", Dept: "sales", Join: at(5), Leave: at(6)},
		Record{Name: "Bob", Dept: "Ops", Join: at(1), Leave: at(2)},
		Record{Dept: "nobody", Join: at(3), Leave: at(4)},
		Record{Dept: "nobody", Join: at(3), Leave: at(4)},
	)
	r := Analyze(m, Thresholds{}, time.Time{})
	keys := map[string]int{}
	for _, p := range r.People {
		keys[p.Key] = p.Joins
	}
	want := map[string]int{"n:+1555": 2, "p:bob|sales": 2, "p:bob|ops": 1, "r:5": 1, "r:6": 1}
	if len(keys) != len(want) {
		t.Fatalf("people = %v; want %v", keys, want)
	}
	for k, n := range want {
		if keys[k] != n {
			t.Errorf("joins of %s = %d; want %d (all %v)", k, keys[k], n, keys)
		}
	}
	if r.Sessions != 7 {
		t.Errorf("Sessions = %d; want 7", r.Sessions)
	}
}

func TestAnalyzeUnionAndFlags(t *testing.T) {
	m := scheduled(
		// overlapping devices: 0-30 and 10-40 → 40m, left 20m early
		Record{Number: "1", Name: "A", Device: "pc", Join: at(0), Leave: at(30)},
		Record{Number: "1", Name: "A", Device: "phone", Join: at(10), Leave: at(40)},
		// late, re-joins: 10-20, 25-60 → 45m
		Record{Number: "2", Name: "B", Join: at(10), Leave: at(20)},
		Record{Number: "2", Name: "B", Join: at(25), Leave: at(60)},
		// open: 50-end(60) → 10m brief-ish (share 1/6 < 0.2)
		Record{Number: "3", Name: "C", Join: at(50)},
		// before the start and after the end is clipped: 60m, present
		Record{Number: "4", Name: "D", Join: at(-10), Leave: at(70)},
		// leave before join is open
		Record{Number: "5", Name: "E", Join: at(30), Leave: at(20)},
	)
	r := Analyze(m, Thresholds{}, time.Time{})
	byKey := map[string]Person{}
	for _, p := range r.People {
		byKey[p.Key] = p
	}
	tests := []struct {
		key               string
		in, longest       time.Duration
		late, early, open bool
		level             Level
	}{
		{"n:1", mins(40), mins(30), false, true, false, LevelPartial},
		{"n:2", mins(45), mins(35), true, false, false, LevelPartial},
		{"n:3", mins(10), mins(10), true, false, true, LevelBrief},
		{"n:4", mins(60), mins(60), false, false, false, LevelPresent},
		{"n:5", mins(30), mins(30), true, false, true, LevelPartial},
	}
	for _, tt := range tests {
		p := byKey[tt.key]
		if p.InMeeting != tt.in || p.Longest != tt.longest || p.Late != tt.late || p.Early != tt.early || p.Open != tt.open || p.Level != tt.level {
			t.Errorf("%s = in %v longest %v late %v early %v open %v level %q; want %v %v %v %v %v %q",
				tt.key, p.InMeeting, p.Longest, p.Late, p.Early, p.Open, p.Level,
				tt.in, tt.longest, tt.late, tt.early, tt.open, tt.level)
		}
	}
	if got := byKey["n:1"].Devices; len(got) != 2 || got[0] != "pc" || got[1] != "phone" {
		t.Errorf("devices = %v", got)
	}
	// Timeline: 0-10 A,D; 10-20 A,B,D; 25-40 A,B,D(+E from 30) → peak 4 at 30.
	if r.Peak != 4 || !r.PeakAt.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("peak = %d at %v; want 4 at +30m", r.Peak, r.PeakAt)
	}
	// 10, 30, 40, 45, 60 → median 40, average 37m.
	if r.Median != mins(40) || r.Average != mins(37) {
		t.Errorf("median %v average %v; want 40m 37m", r.Median, r.Average)
	}
	if r.Late != 3 || r.Early != 1 || r.Open != 2 || r.Present != 1 || r.Partial != 3 || r.Brief != 1 {
		t.Errorf("counts late %d early %d open %d present %d partial %d brief %d", r.Late, r.Early, r.Open, r.Present, r.Partial, r.Brief)
	}
	if !r.Scheduled || r.Span != time.Hour {
		t.Errorf("span %v scheduled %v", r.Span, r.Scheduled)
	}
}

func TestAnalyzeUnscheduledSpanAndOpen(t *testing.T) {
	m := Meeting{Records: []Record{
		{Number: "1", Join: at(5), Leave: at(25)},
		{Number: "2", Join: at(10)}, // open: ends at span end (25)
		{Number: "3", Join: 0, Leave: 0},
	}}
	r := Analyze(m, Thresholds{}, t0.Add(24*time.Hour))
	if r.Scheduled || !r.Start.Equal(t0.Add(5*time.Minute)) || r.Span != mins(20) {
		t.Fatalf("span %v–%v (%v) scheduled %v", r.Start, r.End, r.Span, r.Scheduled)
	}
	for _, p := range r.People {
		if p.InMeeting < 0 || p.InMeeting > r.Span {
			t.Errorf("%s in meeting %v", p.Key, p.InMeeting)
		}
		if p.Key == "n:2" && p.InMeeting != mins(15) {
			t.Errorf("open person in meeting %v; want 15m", p.InMeeting)
		}
		if p.Key == "n:3" && (p.InMeeting != 0 || !p.FirstJoin.IsZero() || !p.Open) {
			t.Errorf("timeless person = %+v", p)
		}
	}
	if r.Ongoing {
		t.Error("unscheduled meeting reported ongoing")
	}
}

func TestAnalyzeOngoing(t *testing.T) {
	m := scheduled(Record{Number: "1", Join: at(0)})
	r := Analyze(m, Thresholds{}, t0.Add(20*time.Minute))
	if !r.Ongoing || r.People[0].InMeeting != mins(20) {
		t.Errorf("ongoing %v in meeting %v; want true 20m", r.Ongoing, r.People[0].InMeeting)
	}
	r = Analyze(m, Thresholds{}, t0.Add(2*time.Hour))
	if r.Ongoing || r.People[0].InMeeting != time.Hour {
		t.Errorf("after end: ongoing %v in meeting %v; want false 1h", r.Ongoing, r.People[0].InMeeting)
	}
}

func TestThresholdDefaults(t *testing.T) {
	if got := (Thresholds{}).withDefaults(); got != DefaultThresholds() {
		t.Errorf("Thresholds{}.withDefaults() = %+v; want %+v", got, DefaultThresholds())
	}
	th := Thresholds{LateAfter: time.Minute, Present: 0.9}.withDefaults()
	if th.LateAfter != time.Minute || th.Present != 0.9 || th.EarlyBefore != 5*time.Minute || th.Brief != 0.2 {
		t.Errorf("partial thresholds = %+v", th)
	}
	m := scheduled(Record{Number: "1", Join: at(2), Leave: at(60)})
	if r := Analyze(m, Thresholds{LateAfter: time.Minute}, time.Time{}); !r.People[0].Late {
		t.Error("join at +2m with LateAfter 1m not late")
	}
}

func TestMedianEven(t *testing.T) {
	m := scheduled(
		Record{Number: "1", Join: at(0), Leave: at(10)},
		Record{Number: "2", Join: at(0), Leave: at(21)},
	)
	if r := Analyze(m, Thresholds{}, time.Time{}); r.Median != mins(15.5) {
		t.Errorf("median = %v; want 15m30s", r.Median)
	}
}

func TestMostFrequentName(t *testing.T) {
	var recs []Record
	for i := range 20 {
		n := "first"
		if i%2 == 1 {
			n = "second"
		}
		recs = append(recs, Record{Number: "1", Name: n, Join: at(float64(i))})
	}
	recs = append(recs, Record{Number: "2", Name: "", Join: at(1)}, Record{Number: "2", Name: "x", Join: at(2)}, Record{Number: "2", Name: "y", Join: at(3)})
	r := Analyze(Meeting{Records: recs}, Thresholds{}, time.Time{})
	for _, p := range r.People {
		if p.Key == "n:1" && p.Name != "first" || p.Key == "n:2" && p.Name != "x" {
			t.Errorf("%s name = %q", p.Key, p.Name)
		}
	}
}

func TestInvites(t *testing.T) {
	m := scheduled(
		Record{Number: "+1 555", Name: "Phone Person", Join: at(0), Leave: at(60)},
		Record{Name: "Zhang San", Join: at(0), Leave: at(60)},
		Record{Name: "bob", Join: at(0), Leave: at(60)},
		Record{Name: "Crasher", Join: at(0), Leave: at(60)},
	)
	m.Invited = []Invitee{
		{Name: "Someone", Number: "+1555"},
		{Name: "ＺＨＡＮＧ san"},
		{Name: "Robert", Email: "bob@example.com"},
		{Name: "Absent", Number: "999"},
	}
	r := Analyze(m, Thresholds{}, time.Time{})
	if !r.InviteKnown || r.Invited != 4 || r.Uninvited != 1 || len(r.NoShows) != 1 || r.NoShows[0].Name != "Absent" {
		t.Fatalf("invites: known %v invited %d uninvited %d no-shows %+v", r.InviteKnown, r.Invited, r.Uninvited, r.NoShows)
	}
	for _, p := range r.People {
		if p.Uninvited != (p.Name == "Crasher") {
			t.Errorf("%s uninvited = %v", p.Name, p.Uninvited)
		}
	}
	if r := Analyze(scheduled(), Thresholds{}, time.Time{}); r.InviteKnown || r.NoShows != nil {
		t.Error("no invite list reported as known")
	}
}

func TestAnalyzeDoesNotModifyInput(t *testing.T) {
	recs := []Record{{Number: "2", Join: at(5)}, {Number: "1", Join: at(1)}}
	Analyze(Meeting{Records: recs}, Thresholds{}, time.Time{})
	if recs[0].Number != "2" || recs[1].Number != "1" {
		t.Error("Analyze reordered its input")
	}
}

func TestAnalyzeAbsurdTimes(t *testing.T) {
	huge := int64(1) << 62
	m := Meeting{
		Start: time.Date(5000, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(5001, 1, 1, 0, 0, 0, 0, time.UTC),
		Records: []Record{
			{Number: "1", Join: 1, Leave: huge},
			{Number: "2", Join: huge, Leave: huge + 1},
			{Number: "3", Join: -huge, Leave: 5},
			{Number: "4", Join: at(0), Leave: at(10)},
		},
	}
	r := Analyze(m, Thresholds{}, time.Unix(0, huge))
	checkReport(t, r)
	if r.Scheduled || r.Span <= 0 || r.Average < 0 || r.Median < 0 {
		t.Errorf("scheduled %v span %v average %v median %v", r.Scheduled, r.Span, r.Average, r.Median)
	}
	for _, p := range r.People {
		if p.Key == "n:1" && !p.Open {
			t.Error("leave far in the future not treated as unknown")
		}
	}
}

// TestSortOrder checks the radix sortOrder against a comparison sort, with
// many equal and unknown joins.
func TestSortOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	for _, n := range []int{0, 1, 5, 255, 256, 300, 3000} {
		for range 5 {
			texts := make([]string, 3*n)
			keys := make([]string, n)
			order := make([]groupOrder, n)
			spread := 1 + rng.Int64N(1<<uint(rng.IntN(40)))
			for g := range n {
				texts[3*g] = string(rune('a' + rng.IntN(3)))
				keys[g] = strconv.Itoa(g)
				j := int64(math.MaxInt64)
				if rng.IntN(10) != 0 {
					j = 1 + rng.Int64N(spread)
				}
				order[g] = groupOrder{j, int32(g)}
			}
			want := slices.Clone(order)
			slices.SortFunc(want, func(a, b groupOrder) int {
				if a.join != b.join {
					return cmp.Compare(a.join, b.join)
				}
				if c := strings.Compare(texts[3*a.g], texts[3*b.g]); c != 0 {
					return c
				}
				return strings.Compare(keys[a.g], keys[b.g])
			})
			sortOrder(order, texts, keys, make([]groupOrder, len(order)))
			if !slices.Equal(order, want) {
				t.Fatalf("n=%d spread=%d: sortOrder differs from the comparison sort", n, spread)
			}
		}
	}
}
