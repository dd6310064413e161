package attendance

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkReport asserts every invariant of a report.
func checkReport(t *testing.T, r *Report, records int) {
	t.Helper()
	joins, unreadable := 0, 0
	keys := map[string]bool{}
	for i, p := range r.People {
		joins += p.Joins
		unreadable += p.Unreadable
		if keys[p.Key] {
			t.Errorf("key %q twice", p.Key)
		}
		keys[p.Key] = true
		if p.InMeeting < 0 || p.InMeeting > r.Span {
			t.Errorf("%s: time in meeting %v outside [0, span %v]", p.Key, p.InMeeting, r.Span)
		}
		var sum, longest time.Duration
		for j, s := range p.Sessions {
			if s.Length < 0 || s.Unreadable && (s.Length != 0 || s.Open) {
				t.Errorf("%s: session %+v", p.Key, s)
			}
			if !s.Unreadable && (s.Join < r.Start.UnixMilli() || s.end() > r.End.UnixMilli()) {
				t.Errorf("%s: session %d–%d outside the span %v–%v", p.Key, s.Join, s.end(), r.Start, r.End)
			}
			if j > 0 && s.Join < p.Sessions[j-1].Join {
				t.Errorf("%s: sessions out of join order", p.Key)
			}
			sum += s.Length
			longest = max(longest, s.Length)
		}
		if p.InMeeting > sum || p.InMeeting < longest {
			t.Errorf("%s: time in meeting %v outside [longest %v, sum %v]", p.Key, p.InMeeting, longest, sum)
		}
		if p.Share < 0 || p.Share > 1 || p.Joins != len(p.Sessions) || p.Joins == 0 {
			t.Errorf("%s: share %v, joins %d, %d sessions", p.Key, p.Share, p.Joins, len(p.Sessions))
		}
		if !p.Timed() && (p.Level != "" || p.Late || p.Early || p.Open || p.InMeeting != 0) {
			t.Errorf("%s: figures without a readable time: %+v", p.Key, p)
		}
		if i > 0 {
			q := r.People[i-1]
			if !p.FirstJoin.IsZero() && (q.FirstJoin.IsZero() || q.FirstJoin.After(p.FirstJoin)) {
				t.Errorf("people out of order: %s before %s", q.Key, p.Key)
			}
		}
	}
	if joins != r.Sessions || unreadable != r.Unreadable {
		t.Errorf("joins %d, unreadable %d; report says %d, %d", joins, unreadable, r.Sessions, r.Unreadable)
	}
	if r.Search == "" && r.Sessions != records {
		t.Errorf("%d sessions of %d records", r.Sessions, records)
	}
	if r.Meeting.Records != nil {
		t.Errorf("the report holds its %d records a second time", len(r.Meeting.Records))
	}
	if r.Peak > len(r.People) || r.Span < 0 || r.Average < 0 || r.Median < 0 || r.Average > r.Span || r.Median > r.Span {
		t.Errorf("peak %d of %d people, span %v, average %v, median %v", r.Peak, len(r.People), r.Span, r.Average, r.Median)
	}
	for name, counts := range map[string][]Count{"devices": r.Devices, "media": r.Media, "depts": r.Depts} {
		n := 0
		for _, c := range counts {
			n += c.N
		}
		if n != len(r.People) {
			t.Errorf("%s sum to %d for %d people", name, n, len(r.People))
		}
	}
	if r.Present+r.Partial+r.Brief > len(r.People) || r.Late > len(r.People) {
		t.Errorf("levels %d+%d+%d, late %d of %d people", r.Present, r.Partial, r.Brief, r.Late, len(r.People))
	}
	if !r.InviteKnown {
		return
	}
	if len(r.People) != r.Invited-len(r.NoShows)+r.Uninvited {
		t.Errorf("people %d ≠ invited %d − no-shows %d + uninvited %d", len(r.People), r.Invited, len(r.NoShows), r.Uninvited)
	}
	// Nobody is both a no-show and present: no no-show has the number of
	// someone who came, or is the invitee someone was matched to.
	came := map[string]bool{}
	for _, p := range r.People {
		if p.Uninvited != (p.Invitee == nil) {
			t.Errorf("%s: uninvited %v with invitee %v", p.Key, p.Uninvited, p.Invitee)
		}
		if p.Invitee != nil {
			came[p.Invitee.Key()] = true
		}
		for _, s := range p.Sessions {
			if n := NormalizeNumber(s.Number); n != "" {
				came["n:"+n] = true
			}
		}
	}
	for _, inv := range r.NoShows {
		if n := NormalizeNumber(inv.Number); came["n:"+n] && n != "" || came[inv.Key()] {
			t.Errorf("no-show %+v came", inv)
		}
	}
}

// randomMeeting builds n records over about people identities, with
// repeated and folded names, shared numbers, absurd times and, sometimes,
// an invite list made of the same people and strangers.
func randomMeeting(rng *rand.Rand, n, people int) Meeting {
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	m := Meeting{}
	if rng.IntN(3) > 0 {
		m.Start = base.Add(time.Duration(rng.IntN(60)) * time.Minute)
		m.End = m.Start.Add(time.Duration(rng.IntN(240)-30) * time.Minute)
	}
	names := []string{"Bob Li", "bob li", "ＢＯＢ ＬＩ", "Bób Li", "Ann", "张伟", "", "Room 3"}
	depts := []string{"Eng", "eng", "Sales", ""}
	number := func(p int) string {
		if p%5 == 4 {
			return ""
		}
		return "+86 " + strconv.Itoa(1000+p%(people/2+1))
	}
	for range n {
		p := rng.IntN(people)
		r := Record{Name: names[p%len(names)], Number: number(p), Dept: depts[(p/3)%len(depts)],
			Device: []string{"PC", "Phone", ""}[rng.IntN(3)], Media: []string{"Video", "Audio"}[rng.IntN(2)]}
		if rng.IntN(4) == 0 {
			r.Name = names[rng.IntN(len(names))]
		}
		join := base.Add(time.Duration(rng.IntN(300)-30) * time.Minute)
		switch rng.IntN(12) {
		case 0:
			r.Join = join.Unix() // seconds
		case 1:
			r.Join = 0
		default:
			r.Join = join.UnixMilli()
		}
		switch rng.IntN(8) {
		case 0:
			r.Leave = 0
		case 1:
			r.Leave = r.Join - rng.Int64N(100_000)
		default:
			r.Leave = r.Join + rng.Int64N(3*3600_000)
		}
		m.Records = append(m.Records, r)
	}
	if rng.IntN(2) == 0 {
		m.Invited = []Invitee{}
		for range rng.IntN(people + 3) {
			p := rng.IntN(people + 5)
			inv := Invitee{Name: names[p%len(names)], Dept: depts[(p/3)%len(depts)]}
			switch rng.IntN(3) {
			case 0:
				inv.Number = number(p)
			case 1:
				inv.Email = "p" + strconv.Itoa(p) + "@example.com"
			}
			m.Invited = append(m.Invited, inv)
		}
	}
	return m
}

func TestPropertiesRandom(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 10))
		m := randomMeeting(rng, rng.IntN(80), 1+rng.IntN(30))
		now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(600)) * time.Minute)
		if rng.IntN(5) == 0 {
			now = time.Time{}
		}
		r := Analyze(m, Thresholds{}, now)
		checkReport(t, r, len(m.Records))
		f := r.Filter(names(rng))
		checkReport(t, f, len(m.Records))
		checkFiltered(t, r, f)
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
}

func names(rng *rand.Rand) string {
	return []string{"bob", "LI", "ann eng", "张", "+86 10", "1001", "nobody", "sales"}[rng.IntN(8)]
}

// checkFiltered asserts that f is r's people who match, with r's span and
// their own figures.
func checkFiltered(t *testing.T, r, f *Report) {
	t.Helper()
	if f.InviteKnown || f.NoShows != nil || !f.Start.Equal(r.Start) || f.Span != r.Span || f.Search == "" {
		t.Errorf("filtered report keeps the invite list or changes the span: %+v", f)
	}
	j := 0
	for _, p := range r.People {
		var texts []string
		for _, s := range p.Sessions {
			texts = append(texts, s.Name, s.Number, s.Dept)
		}
		if !Matches(f.Search, texts...) {
			continue
		}
		if j >= len(f.People) || f.People[j].Key != p.Key {
			t.Fatalf("filtered people differ at %d", j)
		}
		j++
	}
	if j != len(f.People) {
		t.Errorf("filtered %d people; %d match", len(f.People), j)
	}
}

func TestFilter(t *testing.T) {
	m := booked(60,
		Record{Name: "Bob Li", Number: "+99111800002", Dept: "Engineering", Join: at(0), Leave: at(60)},
		Record{Name: "Frank Müller", Number: "+49 30 123456", Join: at(0), Leave: at(30)},
		Record{Name: "ＡＮＮ", Dept: "Sales", Join: at(10), Leave: at(20)},
		Record{Name: "王伟", Dept: "研发部", Join: at(10), Leave: at(20)},
	)
	m.Invited = []Invitee{{Name: "Ivan"}}
	r := Analyze(m, Thresholds{}, later)
	tests := []struct {
		query string
		want  []string
	}{
		{"bob", []string{"Bob Li"}},
		{"BOB", []string{"Bob Li"}},
		{"ｂｏｂ", []string{"Bob Li"}},
		{"li bob", []string{"Bob Li"}},
		{"muller", []string{"Frank Müller"}},
		{"ann sales", []string{"ＡＮＮ"}},
		{"engineering", []string{"Bob Li"}},
		{"800002", []string{"Bob Li"}},
		{"30-123", []string{"Frank Müller"}},
		{"研发", []string{"王伟"}},
		{"nobody", nil},
	}
	for _, tt := range tests {
		f := r.Filter(tt.query)
		var got []string
		for _, p := range f.People {
			got = append(got, p.Name)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Filter(%q) = %q; want %q", tt.query, got, tt.want)
		}
		checkReport(t, f, 0)
		if f.Search != tt.query || f.InviteKnown {
			t.Errorf("Filter(%q): search %q, invite known %v", tt.query, f.Search, f.InviteKnown)
		}
	}
	if r.Filter("  ") != r {
		t.Error("an empty filter changed the report")
	}
	if f := r.Filter("ann"); f.Sessions != 1 || f.Peak != 1 || f.Average != mins(10) || len(f.Depts) != 1 {
		t.Errorf("filtered figures: sessions %d peak %d average %v depts %v", f.Sessions, f.Peak, f.Average, f.Depts)
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		query string
		texts []string
		want  bool
	}{
		{"weekly sync", []string{"Weekly product sync"}, true},
		{"sync weekly", []string{"Weekly product sync"}, true},
		{"WEEKLY  SYNC", []string{"weekly product sync"}, true},
		{"weekly planning", []string{"Weekly product sync"}, false},
		{"周会 复盘", []string{"项目周会：华南区上线复盘"}, true},
		{"cafe", []string{"Café Latte"}, true},
		{"", []string{"anything"}, false},
		{"x", nil, false},
	}
	for _, tt := range tests {
		if got := Matches(tt.query, tt.texts...); got != tt.want {
			t.Errorf("Matches(%q, %q) = %v; want %v", tt.query, tt.texts, got, tt.want)
		}
	}
}
