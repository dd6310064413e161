package attendance

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Times before minTime are not times: the service did not exist then, so
// such a value is a zero or a time in seconds.
var minTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// maxTime bounds plausible times when now is unknown; it also keeps every
// duration and sum of durations within range whatever the input.
var maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// ahead is how far after now a time may lie (clocks disagree).
const ahead = 24 * time.Hour

// Analyze sorts the records of m into people and computes every figure, in
// four steps: who is who (with the invite list), the times of each record
// and the meeting's span, each person, and the meeting as a whole. now
// bounds plausible times and tells whether the conference is still on; a
// zero now means it is not. Analyze does not modify m.
func Analyze(m Meeting, th Thresholds, now time.Time) *Report {
	r := &Report{Meeting: m, Thresholds: th.withDefaults()}
	invitees := distinctInvitees(m.Invited)
	groups := identify(m.Records, invitees)
	sessions := readTimes(m.Records, groups, now)
	r.Meeting.Records = nil // each is in a session now: not held twice
	r.setSpan(sessions, now)
	r.People = make([]Person, len(groups))
	for i, g := range groups {
		n := len(g.records)
		r.People[i] = r.person(g, sessions[:n:n], invitees)
		sessions = sessions[n:]
	}
	sortPeople(r.People)
	r.summarize()
	r.compareInvites(invitees)
	return r
}

// readTimes turns the records into sessions, person by person: readable
// or not, open or closed, and how long when closed.
func readTimes(recs []Record, groups []group, now time.Time) []Session {
	latest := maxTime
	if !now.IsZero() {
		latest = min(maxTime, now.Add(ahead).UnixMilli())
	}
	plausible := func(ms int64) bool { return ms >= minTime && ms <= latest }
	ss := make([]Session, 0, len(recs))
	for _, g := range groups {
		for _, i := range g.records {
			s := Session{Record: recs[i]}
			switch {
			case !plausible(s.Join):
				s.Unreadable = true
			case s.Leave == 0:
				s.Open = true
			case !plausible(s.Leave) || s.Leave < s.Join:
				s.Unreadable = true
			default:
				s.Length = time.Duration(s.Leave-s.Join) * time.Millisecond
			}
			ss = append(ss, s)
		}
	}
	return ss
}

// setSpan sets the span: from the earlier of the conference's start and
// the first join to the later of its end and the last leave (or join).
// Open sessions count up to now while the conference is on, else up to
// the span's end.
func (r *Report) setSpan(ss []Session, now time.Time) {
	m := &r.Meeting
	start, end := maxTime, minTime
	if s, e := m.Start.UnixMilli(), m.End.UnixMilli(); !m.Start.IsZero() && !m.End.IsZero() &&
		s >= minTime && e <= maxTime && e > s {
		r.Scheduled = true
		start, end = s, e
	}
	for i := range ss {
		if s := &ss[i]; !s.Unreadable {
			start, end = min(start, s.Join), max(end, s.Join, s.Join+s.Length.Milliseconds())
		}
	}
	if start > end {
		return // no time known at all
	}
	r.Start, r.End = time.UnixMilli(start).UTC(), time.UnixMilli(end).UTC()
	r.Span = r.End.Sub(r.Start)
	openEnd := end
	if n := now.UnixMilli(); r.Scheduled && !now.IsZero() && n < m.End.UnixMilli() {
		r.Ongoing = true
		openEnd = max(n, start)
	}
	for i := range ss {
		if s := &ss[i]; s.Open {
			s.Length = time.Duration(max(openEnd-s.Join, 0)) * time.Millisecond
		}
	}
}

// person computes one person's figures from their records g, whose
// sessions are ss.
func (r *Report) person(g group, ss []Session, invitees []Invitee) Person {
	slices.SortStableFunc(ss, func(a, b Session) int { return cmp.Compare(a.Join, b.Join) })
	p := Person{Key: g.key, Joins: len(ss), Sessions: ss}
	p.Name = mainValue(ss, func(s *Session) (string, time.Duration) { return s.Name, 1 })
	p.Number = mainValue(ss, func(s *Session) (string, time.Duration) { return s.Number, 1 })
	p.Dept = mainValue(ss, func(s *Session) (string, time.Duration) { return s.Dept, 1 })
	p.Device = mainValue(ss, func(s *Session) (string, time.Duration) { return s.Device, s.Length })
	p.Medium = mainValue(ss, func(s *Session) (string, time.Duration) { return s.Media, s.Length })
	if g.invitee >= 0 {
		inv := &invitees[g.invitee]
		p.Invitee = inv
		p.Name, p.Dept = cmp.Or(p.Name, strings.TrimSpace(inv.Name)), cmp.Or(p.Dept, strings.TrimSpace(inv.Dept))
	}

	for _, iv := range intervals(p.Sessions) {
		p.InMeeting += time.Duration(iv[1]-iv[0]) * time.Millisecond
	}
	for i := range p.Sessions {
		s := &p.Sessions[i]
		switch {
		case s.Unreadable:
			p.Unreadable++
			continue
		case p.FirstJoin.IsZero():
			p.FirstJoin = time.UnixMilli(s.Join).UTC()
		}
		if s.Open {
			p.Open = true
		} else if leave := time.UnixMilli(s.Leave).UTC(); leave.After(p.LastLeave) {
			p.LastLeave = leave
		}
	}
	if !p.Timed() {
		return p
	}
	th, start, end := r.Thresholds, r.Start, r.End
	if r.Scheduled { // the conference's own times
		start, end = r.Meeting.Start, r.Meeting.End
	}
	p.Late = p.FirstJoin.Sub(start) > th.LateAfter
	p.Early = !p.Open && !p.LastLeave.IsZero() && end.Sub(p.LastLeave) > th.EarlyBefore
	if length := end.Sub(start); length > 0 {
		p.Share = min(1, float64(p.InMeeting)/float64(length))
		switch {
		case p.Share >= th.Present:
			p.Level = LevelPresent
		case p.Share < th.Brief:
			p.Level = LevelBrief
		default:
			p.Level = LevelPartial
		}
	}
	return p
}

// mainValue returns the trimmed, non-empty value with the largest total
// weight over ss, the first used on a tie; "" when there is none.
func mainValue(ss []Session, value func(*Session) (string, time.Duration)) string {
	trimmed := func(s *Session) string {
		v, _ := value(s)
		return strings.TrimSpace(v)
	}
	first, several := "", false
	for i := range ss {
		if v := trimmed(&ss[i]); first == "" {
			first = v
		} else if v != "" && v != first {
			several = true
		}
	}
	if !several {
		return first // the common case: one value
	}
	totals := map[string]time.Duration{}
	for i := range ss {
		if v, w := value(&ss[i]); strings.TrimSpace(v) != "" {
			totals[strings.TrimSpace(v)] += w
		}
	}
	best := first
	for i := range ss {
		if v := trimmed(&ss[i]); totals[v] > totals[best] {
			best = v
		}
	}
	return best
}

// intervals returns the readable sessions of ss (in join order) merged
// where they overlap or touch, as [from, to) epoch ms, in order.
func intervals(ss []Session) [][2]int64 {
	var out [][2]int64
	for i := range ss {
		s := &ss[i]
		from, to := s.Join, s.end()
		switch {
		case s.Unreadable || to <= from:
		case len(out) > 0 && from <= out[len(out)-1][1]:
			out[len(out)-1][1] = max(out[len(out)-1][1], to)
		default:
			out = append(out, [2]int64{from, to})
		}
	}
	return out
}

// sortPeople puts people in display order (first join, people without one
// last, then name, then key) and makes every key unique. It sorts them in
// place: a sorted copy was 6.8 MB more at the peak of a town hall's lookup
// (issue 11), and sorting positions first was no faster.
func sortPeople(ps []Person) {
	slices.SortFunc(ps, func(a, b Person) int {
		if c := cmp.Compare(b2i(a.FirstJoin.IsZero()), b2i(b.FirstJoin.IsZero())); c != 0 {
			return c
		}
		if c := a.FirstJoin.Compare(b.FirstJoin); c != 0 {
			return c // (cmp.Or would compare the names every time)
		}
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Key, b.Key))
	})
	seen := make(map[string]bool, len(ps))
	for i := range ps {
		ps[i].Key = unique(seen, ps[i].Key) // invitees of the same key
	}
}

// unique returns key, else key#2, key#3… if seen has it, and marks it seen.
func unique(seen map[string]bool, key string) string {
	k := key
	for n := 2; seen[k]; n++ {
		k = key + "#" + strconv.Itoa(n)
	}
	seen[k] = true
	return k
}

// summarize computes the meeting's figures from its people.
func (r *Report) summarize() {
	var times []time.Duration
	var starts, ends []int64
	devices, media, depts := map[string]int{}, map[string]int{}, map[string]int{}
	r.Sessions, r.Unreadable, r.Late, r.Early, r.Open, r.Present, r.Partial, r.Brief = 0, 0, 0, 0, 0, 0, 0, 0
	for i := range r.People {
		p := &r.People[i]
		r.Sessions += p.Joins
		r.Unreadable += p.Unreadable
		if p.Timed() {
			times = append(times, p.InMeeting)
		}
		for _, iv := range intervals(p.Sessions) { // again: kept, 25,000 were 1 MB (issue 11)
			starts, ends = append(starts, iv[0]), append(ends, iv[1])
		}
		devices[p.Device]++
		media[p.Medium]++
		depts[p.Dept]++
		r.Late += b2i(p.Late)
		r.Early += b2i(p.Early)
		r.Open += b2i(p.Open)
		r.Present += b2i(p.Level == LevelPresent)
		r.Partial += b2i(p.Level == LevelPartial)
		r.Brief += b2i(p.Level == LevelBrief)
	}
	r.Average, r.Median = average(times)
	r.Peak, r.PeakAt = peak(starts, ends)
	r.Devices, r.Media, r.Depts = sortCounts(devices), sortCounts(media), sortCounts(depts)
}

func average(times []time.Duration) (avg, median time.Duration) {
	n := len(times)
	if n == 0 {
		return 0, 0
	}
	var sum int64 // in ms, so even a million people of maxTime cannot overflow
	for _, d := range times {
		sum += d.Milliseconds()
	}
	slices.Sort(times)
	median = times[n/2]
	if n%2 == 0 {
		median = times[n/2-1] + (times[n/2]-times[n/2-1])/2
	}
	return time.Duration(sum/int64(n)) * time.Millisecond, median
}

// peak sweeps the people's merged intervals: most people at once, and
// when. At equal times leaves come first, so back-to-back stays do not
// overlap.
func peak(starts, ends []int64) (int, time.Time) {
	slices.Sort(starts)
	slices.Sort(ends)
	cur, best, at, e := 0, 0, int64(0), 0
	for _, s := range starts {
		for ; e < len(ends) && ends[e] <= s; e++ {
			cur--
		}
		if cur++; cur > best {
			best, at = cur, s
		}
	}
	if best == 0 {
		return 0, time.Time{}
	}
	return best, time.UnixMilli(at).UTC()
}

// sortCounts orders a breakdown: most first, then by name, the bucket
// without a value last among equals.
func sortCounts(n map[string]int) []Count {
	out := make([]Count, 0, len(n))
	for name, c := range n {
		out = append(out, Count{name, c})
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(b2i(a.Name == ""), b2i(b.Name == "")), strings.Compare(a.Name, b.Name))
	})
	return out
}

// compareInvites marks the people matched to no invitee and lists the
// invitees matched by nobody.
func (r *Report) compareInvites(invitees []Invitee) {
	if invitees == nil {
		return
	}
	r.InviteKnown, r.Invited = true, len(invitees)
	came := map[*Invitee]bool{}
	for i := range r.People {
		if p := &r.People[i]; p.Invitee != nil {
			came[p.Invitee] = true
		} else {
			p.Uninvited = true
			r.Uninvited++
		}
	}
	r.NoShows = make([]Invitee, 0, len(invitees)-len(came)) // at once: a town hall's 20,000 are 1.3 MB
	for i := range invitees {
		if !came[&invitees[i]] {
			r.NoShows = append(r.NoShows, invitees[i])
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
