package formatting

import (
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

const noTime = int64(-1 << 63)

func msTime(ms int64) time.Time {
	if ms == noTime {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// maxMs bounds the times Analyze trusts (2200-01-01): later values, like
// values ≤ 0, are unknown. It keeps every duration within time.Duration and
// sums of a million people's times within int64, whatever the input.
const maxMs = 7258118400000

func validMs(ms int64) bool { return ms > 0 && ms <= maxMs }

func validTime(t time.Time) bool {
	return !t.IsZero() && t.Year() >= 1970 && t.Year() < 2200 && validMs(t.UnixMilli())
}

// isOpen reports whether a record has no known end.
func isOpen(r *Record) bool { return !validMs(r.Leave) || r.Leave < r.Join }

// Analyze groups records into people and computes every figure. now is used
// only to tell "still in the meeting" from "end unknown" and to end open
// sessions at now while a scheduled meeting is going on; a zero now is fine.
// Analyze does not modify m.Records.
func Analyze(m Meeting, th Thresholds, now time.Time) *Report {
	th = th.withDefaults()
	recs := m.Records
	rep := &Report{Meeting: m, Thresholds: th, Sessions: len(recs)}

	// Span.
	start, end := noTime, noTime
	if validTime(m.Start) && validTime(m.End) && m.End.After(m.Start) {
		start, end = m.Start.UnixMilli(), m.End.UnixMilli()
		rep.Scheduled = true
	} else {
		for i := range recs {
			r := &recs[i]
			j := effectiveJoin(r)
			if j == 0 {
				continue
			}
			if start == noTime || j < start {
				start = j
			}
			last := j
			if !isOpen(r) {
				last = max(last, r.Leave)
			}
			end = max(end, last)
		}
		if start == noTime || end < start {
			start, end = noTime, noTime
		}
	}
	openEnd := end
	if rep.Scheduled && !now.IsZero() {
		if n := now.UnixMilli(); n < end {
			rep.Ongoing = true
			openEnd = max(n, start)
		}
	}
	if start != noTime {
		rep.Start, rep.End = msTime(start), msTime(end)
		rep.Span = time.Duration(end-start) * time.Millisecond
	}

	// Group: person index per record, by Person.Key, which is built in a
	// buffer and looked up without allocating; only a new person's key
	// becomes a string, in an arena. Parts of the records are grouped on
	// their own (keyTable.group) and then merged. Then a counting sort into
	// one backing array of sessions so each person's sessions are a
	// sub-slice.
	sc := getScratch()
	defer sc.put()
	sp := newSplitter(len(recs))
	owner := grow(&sc.owner, len(recs))
	sp.run(len(recs), func(part, lo, hi int) {
		sc.tables[part].group(recs, lo, hi, owner)
	})
	bounds := sp.starts(len(recs))
	for q := 1; q < len(bounds); q++ {
		lo, hi := bounds[q], len(recs)
		if q+1 < len(bounds) {
			hi = bounds[q+1]
		}
		sc.tables[q].mergeInto(&sc.tables[0], owner[lo:hi])
	}
	keys := sc.tables[0].keys // Person.Key per group
	counts := grow(&sc.counts, len(keys))
	clear(counts)
	for _, p := range owner {
		counts[p]++
	}
	groups := len(counts)
	offs := grow(&sc.offs, groups+1)
	offs[0] = 0
	for p, c := range counts {
		offs[p+1] = offs[p] + c
	}
	// Record indices by group (a counting sort, stable), then by join
	// within each group.
	fill := counts // reuse as the fill cursor
	for p := range fill {
		fill[p] = offs[p]
	}
	perm := grow(&sc.perm, len(recs))
	for i := range recs {
		p := owner[i]
		perm[fill[p]] = int32(i)
		fill[p]++
	}

	// Order the groups for display before building any Person, so no
	// Person is moved afterwards: first join (unknown last), name, key.
	// Keys are unique, so the order is total and the sort need not be
	// stable; it moves 16-byte items and looks at names and keys only on
	// equal joins.
	order := grow(&sc.order, groups)
	texts := grow(&sc.texts, 3*groups) // name, number, dept per group
	same := grow(&sc.same, groups)
	sp.run(groups, func(part, lo, hi int) {
		for g := lo; g < hi; g++ {
			if (g-lo)%touchBatch == 0 {
				g1 := min(hi, g+touchBatch)
				sc.touched[part] ^= touchRecords(recs, perm[offs[g]:offs[g1]])
			}
			idx := perm[offs[g]:offs[g+1]]
			sortByJoin(idx, recs)
			first := int64(math.MaxInt64)
			for _, i := range idx {
				if j := effectiveJoin(&recs[i]); j > 0 {
					first = min(first, j)
				}
			}
			order[g] = groupOrder{first, int32(g)}
			texts[3*g], texts[3*g+1], texts[3*g+2], same[g] = personTexts(recs, idx)
		}
	})
	sortOrder(order, texts, keys, grow(&sc.orderTmp, groups))

	// Sessions are laid out in display order: person p's are
	// sessions[first[p]:first[p+1]].
	sessions := make([]Session, len(recs))
	first := grow(&sc.first, groups+1)
	// The session index of each record, then each session pointed at its
	// record in record order: reading recs front to back and writing
	// scattered is cheaper than reading scattered. Where all of a person's
	// records have one name (number) or none, a bit says so, so WriteCSV
	// need not read each record's text to know it is the Person's.
	pos := grow(&sc.pos, len(recs))
	k := int32(0)
	for p, o := range order {
		first[p] = k
		for j, i := range perm[offs[o.g]:offs[o.g+1]] {
			pos[i] = k + int32(j)
		}
		k += offs[o.g+1] - offs[o.g]
	}
	first[groups] = k
	sp.run(len(recs), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			r := &recs[i]
			s := &sessions[pos[i]]
			s.Record = r
			if sm := same[owner[i]]; sm != 0 {
				if r.Name == "" {
					sm &^= sameName
				}
				if r.Number == "" {
					sm &^= sameNumber
				}
				s.same = sm
			}
		}
	})

	// The people, in parts. The merged intervals of each person go to
	// events for the peak sweep: a person has at most as many as sessions,
	// so part q's fit in events[first[lo]:first[hi]], and are moved
	// together when all parts are done. people is allocated here, just
	// before it is filled, so its freshly zeroed memory is still in cache
	// (the first write to each Person was 5% of BenchmarkReport25k's
	// profile when it was allocated at the top).
	people := make([]Person, groups)
	totals := grow(&sc.totals, groups) // time in meeting per person, ns
	evStarts, evEnds := grow(&sc.evStarts, len(recs)), grow(&sc.evEnds, len(recs))
	var evLen [maxParts]int
	sp.run(groups, func(part, lo, hi int) {
		var devs, meds []string // backing for Devices and Media, in chunks
		var devLists, medLists listCache
		from, to := first[lo], first[hi]
		events := intervals{evStarts[from:from:to], evEnds[from:from:to]}
		for p := lo; p < hi; p++ {
			if (p-lo)%touchBatch == 0 {
				p1 := min(hi, p+touchBatch)
				sc.touched[part] ^= touchSessions(sessions[first[p]:first[p1]])
			}
			g := order[p].g
			per := &people[p]
			ss := sessions[first[p]:first[p+1]:first[p+1]]
			n := len(ss)
			// Room for n values at the end of devs and meds, so that
			// appending in analyzePerson never reallocates.
			if cap(devs)-len(devs) < n {
				devs = make([]string, 0, max(n, strChunk))
			}
			if cap(meds)-len(meds) < n {
				meds = make([]string, 0, max(n, strChunk))
			}
			ds, ms := devs[len(devs):len(devs)], meds[len(meds):len(meds)]
			per.Key = keys[g]
			per.Name = texts[3*g]
			per.Sessions = ss
			per.Joins = n
			events = analyzePerson(per, ss, start, end, openEnd, events, ds, ms)
			// People with the same devices (media) share one list.
			per.Devices, devs = devLists.share(per.Devices, devs)
			per.Media, meds = medLists.share(per.Media, meds)
			per.Number = texts[3*g+1]
			per.Dept = texts[3*g+2]

			if rep.Span > 0 {
				per.Share = float64(per.InMeeting) / float64(rep.Span)
				switch {
				case per.Share >= th.Present:
					per.Level = LevelPresent
				case per.Share < th.Brief:
					per.Level = LevelBrief
				default:
					per.Level = LevelPartial
				}
			}
			if start != noTime && !per.FirstJoin.IsZero() {
				per.Late = per.FirstJoin.UnixMilli()-start > th.LateAfter.Milliseconds()
			}
			if start != noTime && !per.Open && !per.LastLeave.IsZero() {
				per.Early = end-per.LastLeave.UnixMilli() > th.EarlyBefore.Milliseconds()
			}
			totals[p] = int64(per.InMeeting)
		}
		evLen[part] = len(events.starts)
	})
	events := intervals{evStarts[:0], evEnds[:0]}
	for part, lo := range sp.starts(groups) {
		from := first[lo]
		events.starts = append(events.starts, evStarts[from:from+int32(evLen[part])]...)
		events.ends = append(events.ends, evEnds[from:from+int32(evLen[part])]...)
	}

	rep.People = people

	// Per meeting. The peak sweep sorts every merged interval, so it runs
	// beside the rest when the meeting is large.
	var wg sync.WaitGroup
	peakOf := func() { rep.Peak, rep.PeakAt = peak(events, grow(&sc.peakTmp, len(events.starts))) }
	if sp.parts(2) > 1 {
		wg.Go(peakOf)
	} else {
		peakOf()
	}
	if n := len(people); n > 0 {
		var sum int64 // ms: cannot overflow, see maxMs
		for _, d := range totals {
			sum += time.Duration(d).Milliseconds()
		}
		rep.Average = time.Duration(sum/int64(n)) * time.Millisecond
		sortInt64s(totals, grow(&sc.tmp, n))
		if n%2 == 1 {
			rep.Median = time.Duration(totals[n/2])
		} else {
			rep.Median = time.Duration(totals[n/2-1] + (totals[n/2]-totals[n/2-1])/2)
		}
	}
	rep.Devices, rep.Media, rep.Depts = breakdowns(people)
	for i := range people {
		p := &people[i]
		rep.Late += b2i(p.Late)
		rep.Early += b2i(p.Early)
		rep.Open += b2i(p.Open)
		switch p.Level {
		case LevelPresent:
			rep.Present++
		case LevelPartial:
			rep.Partial++
		case LevelBrief:
			rep.Brief++
		}
	}
	wg.Wait()
	if m.Invited != nil {
		matchInvites(rep)
	}
	return rep
}

// scratch is the working memory of Analyze that does not end up in the
// Report. A few are kept between calls (the "leaky buffer" of Effective
// Go): most of what an analysis allocates is scratch, and allocating it
// anew each time made the garbage collector run about twice as often. A
// sync.Pool kept them too briefly: it is emptied by every other
// collection, which in a busy process comes before the next report.
type scratch struct {
	owner, perm, pos, offs, first []int32
	counts                        []int32
	tables                        [maxParts]keyTable
	texts                         []string
	order, orderTmp               []groupOrder
	same                          []uint8
	totals, evStarts, evEnds, tmp []int64
	peakTmp                       []int64
	touched                       [maxParts]int64 // see touchRecords
}

// scratches holds the scratch kept between calls: as many as analyses
// are likely to run at once on 2 cores.
var scratches = make(chan *scratch, 2)

// keepRecords is the largest meeting whose scratch is kept, about 3.5 MB
// (25,000 records of 8,000 people: 2.7 MB); a larger one's is left to the
// garbage collector, so at most ~7 MB stays for the life of the process.
const keepRecords = 1 << 15

func getScratch() *scratch {
	select {
	case sc := <-scratches:
		return sc
	default:
		return new(scratch)
	}
}

// put keeps sc for the next call, without the strings of this meeting,
// unless enough are kept or it is too large to keep.
func (sc *scratch) put() {
	if cap(sc.owner) > keepRecords {
		return
	}
	for i := range sc.tables {
		t := &sc.tables[i]
		clear(t.byKey)
		clear(t.keys)
		t.keys = t.keys[:0]
	}
	clear(sc.texts)
	select {
	case scratches <- sc:
	default: // enough kept
	}
}

// keyTable groups records by Person.Key: keys[id] is the key of group id,
// byKey the id of each key that is not a record's own ("r:…").
type keyTable struct {
	byKey map[string]int32
	keys  []string
	kbuf  []byte
	remap []int32
}

// group sets owner[i] for the records lo to hi-1 to their group in t,
// numbered in order of first appearance.
func (t *keyTable) group(recs []Record, lo, hi int, owner []int32) {
	if t.byKey == nil {
		t.byKey = make(map[string]int32, (hi-lo)/4+1)
	}
	kbuf := t.kbuf
	var ar arena
	for i := lo; i < hi; i++ {
		var own bool
		kbuf, own = appendIdentityKey(kbuf[:0], &recs[i], i)
		p, ok := int32(0), false
		if !own {
			p, ok = t.byKey[string(kbuf)]
		}
		if !ok {
			p = int32(len(t.keys))
			k := ar.string(kbuf)
			t.keys = append(t.keys, k)
			if !own {
				t.byKey[k] = p
			}
		}
		owner[i] = p
	}
	t.kbuf = kbuf
}

// mergeInto adds t's groups to to and renumbers owner (the records t
// grouped) to to's groups. Groups new to to are numbered in t's order, so
// grouping the records in consecutive parts and merging the parts in order
// numbers groups as grouping them at once would.
func (t *keyTable) mergeInto(to *keyTable, owner []int32) {
	remap := grow(&t.remap, len(t.keys))
	for l, k := range t.keys {
		if k[0] != 'r' {
			if g, ok := to.byKey[k]; ok {
				remap[l] = g
				continue
			}
			to.byKey[k] = int32(len(to.keys))
		}
		remap[l] = int32(len(to.keys))
		to.keys = append(to.keys, k)
	}
	for i, l := range owner {
		owner[i] = remap[l]
	}
}

// grow sets *s to a slice of length n, reusing its array when large
// enough, and returns it. The elements are not cleared.
func grow[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}

// arena hands out copies of byte slices as strings carved from shared
// blocks: one allocation per block instead of one per string. A
// strings.Builder only ever appends, so the strings taken from it stay
// valid as more is written.
type arena struct{ b strings.Builder }

// arenaBlock is the size of an arena's blocks.
const arenaBlock = 32 << 10

func (a *arena) string(p []byte) string {
	if a.b.Cap()-a.b.Len() < len(p) {
		a.b = strings.Builder{}
		a.b.Grow(max(len(p), arenaBlock))
	}
	start := a.b.Len()
	a.b.Write(p)
	return a.b.String()[start:]
}

// maxParts bounds the goroutines one Analyze uses.
const maxParts = 4

// parallelMin is the number of records from which Analyze uses several
// goroutines: below it, starting them costs more than it saves.
const parallelMin = 4096

// splitter cuts the work of one Analyze into parts. GOMAXPROCS is read
// once, when the splitter is made: it may change while Analyze runs (the
// runtime follows a container's CPU limit), and the cuts of one call must
// agree (grouping and its merge, the person passes and the peak arrays).
type splitter struct{ procs, records int }

func newSplitter(records int) splitter {
	return splitter{runtime.GOMAXPROCS(0), records}
}

// parts returns how many parts run cuts n items into.
func (sp splitter) parts(n int) int {
	q := min(sp.procs, maxParts, n)
	if q < 2 || sp.records < parallelMin {
		return 1
	}
	return q
}

// starts returns the first item of each part run cuts n items into.
func (sp splitter) starts(n int) []int {
	q := sp.parts(n)
	s := make([]int, q)
	for i := range s {
		s[i] = n * i / q
	}
	return s
}

// run calls f(part, lo, hi) for consecutive parts [lo, hi) of [0, n), on
// as many goroutines as parts, and returns when all are done. The parts
// may not share anything they write.
func (sp splitter) run(n int, f func(part, lo, hi int)) {
	q := sp.parts(n)
	if q == 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for part := 1; part < q; part++ {
		wg.Go(func() { f(part, n*part/q, n*(part+1)/q) })
	}
	f(0, 0, n/q)
	wg.Wait()
}

// touchBatch is how many groups' (people's) records Analyze touches at
// once.
const touchBatch = 64

// touchRecords reads a word from each of the two cache lines each record
// recs[i], i in idx, spans (Name's length, Join), and returns something
// made of them. Groups visit records out of input order, so each visit
// is a cache miss; loads that do not wait for each other, ahead of the
// work, overlap the misses.
func touchRecords(recs []Record, idx []int32) (u int64) {
	for _, i := range idx {
		r := &recs[i]
		u ^= int64(len(r.Name)) ^ r.Join
	}
	return u
}

// touchSessions is touchRecords for the records of ss.
func touchSessions(ss []Session) (u int64) {
	for i := range ss {
		u ^= int64(len(ss[i].Name)) ^ ss[i].Join
	}
	return u
}

// Bits of Session.same.
const (
	sameName   = 1 << iota // Record.Name is Person.Name
	sameNumber             // Record.Number is Person.Number
)

// listCache remembers the last few distinct device (media) lists handed
// out, so people with the same list share it: most people use one or two
// of a handful of device types and one media type.
type listCache struct {
	lists [8][]string
	next  int
}

// share returns a remembered list equal to l when there is one, else l
// itself, remembered, taken from the free end of backing (l was built
// there, see analyzePerson), with backing grown over it.
func (c *listCache) share(l, backing []string) ([]string, []string) {
	if len(l) == 0 {
		return l, backing
	}
	for _, x := range c.lists {
		if slices.Equal(x, l) {
			return x, backing
		}
	}
	l = slices.Clip(l)
	c.lists[c.next] = l
	c.next = (c.next + 1) % len(c.lists)
	return l, backing[:len(backing)+len(l)]
}

// strChunk is how many device or media strings Analyze allocates at once.
const strChunk = 4096

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// intervals collects the merged in-meeting intervals of every person for the
// peak sweep: starts and ends kept apart so each sorts as plain int64s.
type intervals struct{ starts, ends []int64 }

// analyzePerson computes the per-session and time figures of one person whose
// sessions ss are sorted by join, and appends the person's merged intervals to
// events. ds and ms are empty slices with room for the devices and media.
func analyzePerson(per *Person, ss []Session, start, end, openEnd int64, events intervals, ds, ms []string) intervals {
	first, last := noTime, noTime
	curS, curE := noTime, noTime
	var total time.Duration
	flush := func() {
		if curE > curS {
			total += time.Duration(curE-curS) * time.Millisecond
			events.starts = append(events.starts, curS)
			events.ends = append(events.ends, curE)
		}
	}
	for i := range ss {
		s := &ss[i]
		s.Open = isOpen(s.Record)
		join := effectiveJoin(s.Record)
		if join > 0 && (first == noTime || join < first) {
			first = join
		}
		if !s.Open && s.Leave > last {
			last = s.Leave
		}
		per.Open = per.Open || s.Open
		if d := trimSpace(s.Device); d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
		if d := trimSpace(s.Media); d != "" && !slices.Contains(ms, d) {
			ms = append(ms, d)
		}
		if join <= 0 || start == noTime {
			continue
		}
		leave := s.Leave
		if s.Open {
			leave = max(openEnd, join)
		}
		a, b := max(join, start), min(leave, end)
		if b <= a {
			continue
		}
		s.Length = time.Duration(b-a) * time.Millisecond
		per.Longest = max(per.Longest, s.Length)
		if curS == noTime || a > curE {
			flush()
			curS, curE = a, b
		} else {
			curE = max(curE, b)
		}
	}
	flush()
	per.InMeeting = total
	per.FirstJoin, per.LastLeave = msTime(first), msTime(last)
	if len(ds) > 0 {
		per.Devices = ds
	}
	if len(ms) > 0 {
		per.Media = ms
	}
	return events
}

// mostFrequent returns the most frequent non-empty trimmed value of field
// over the records idx of recs, the earliest on a tie.
func mostFrequent(recs []Record, idx []int32, field func(*Record) string) string {
	// Fast path: one distinct non-empty value, the common case.
	first, same := "", true
	for _, i := range idx {
		v := field(&recs[i])
		if v == "" {
			continue
		}
		if first == "" {
			first = v
		} else if v != first {
			same = false
			break
		}
	}
	if same {
		return trimSpace(first)
	}
	if len(idx) > 16 {
		n := make(map[string]int)
		best, bestN := "", 0
		for _, i := range idx {
			v := trimSpace(field(&recs[i]))
			if v == "" {
				continue
			}
			n[v]++
			if n[v] > bestN {
				best, bestN = v, n[v]
			}
		}
		// A later value reaching the same count does not replace an earlier
		// one above, but an earlier value may have reached it first only if
		// counted first, so resolve ties by first appearance.
		for _, i := range idx {
			v := trimSpace(field(&recs[i]))
			if v != "" && n[v] == bestN {
				return v
			}
		}
		return best
	}
	best, bestN := "", 0
	for _, i := range idx {
		v := trimSpace(field(&recs[i]))
		if v == "" || v == best {
			continue
		}
		c := 0
		for _, j := range idx {
			if trimSpace(field(&recs[j])) == v {
				c++
			}
		}
		if c > bestN {
			best, bestN = v, c
		}
	}
	return best
}

// groupOrder is the display order key of one group of records: the first
// join (MaxInt64 when unknown), then the name and key of group g.
type groupOrder struct {
	join int64
	g    int32
}

// sortOrder sorts order by join, then by the name (texts[3*g]) and key of
// the group: joins by radix (unknown joins, MaxInt64, last), with tmp (as
// long as order) as scratch, then each run of equal joins by name and key.
func sortOrder(order []groupOrder, texts, keys []string, tmp []groupOrder) {
	byText := func(a, b groupOrder) int {
		if c := strings.Compare(texts[3*a.g], texts[3*b.g]); c != 0 {
			return c
		}
		return strings.Compare(keys[a.g], keys[b.g])
	}
	if len(order) < 256 {
		slices.SortFunc(order, func(a, b groupOrder) int {
			if a.join != b.join {
				return cmp.Compare(a.join, b.join)
			}
			return byText(a, b)
		})
		return
	}
	known := 0
	for i, o := range order {
		if o.join != math.MaxInt64 {
			order[known], order[i] = o, order[known]
			known++
		}
	}
	if a := order[:known]; len(a) > 1 {
		lo, hi := a[0].join, a[0].join
		for _, o := range a {
			lo, hi = min(lo, o.join), max(hi, o.join)
		}
		passes := (bits.Len64(uint64(hi)-uint64(lo)) + 7) / 8
		src, dst := a, tmp[:len(a)]
		for p := range passes {
			shift := uint(8 * p)
			var count [256]int
			for _, o := range src {
				count[(uint64(o.join)-uint64(lo))>>shift&0xff]++
			}
			sum := 0
			for i, c := range count {
				count[i] = sum
				sum += c
			}
			for _, o := range src {
				d := (uint64(o.join) - uint64(lo)) >> shift & 0xff
				dst[count[d]] = o
				count[d]++
			}
			src, dst = dst, src
		}
		if passes%2 == 1 {
			copy(a, src)
		}
	}
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && order[j].join == order[i].join {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(order[i:j], byText)
		}
		i = j
	}
}

// personTexts returns the most frequent name, number and department of the
// records idx of recs (in join order), like mostFrequent for each, in one
// pass when each field has one distinct non-empty value, the common case.
// Bit sameName (sameNumber) of same is set when every non-empty name
// (number) is the returned one, as given (no space trimmed).
func personTexts(recs []Record, idx []int32) (name, number, dept string, same uint8) {
	n, u, d := "", "", ""
	sn, su, sd := true, true, true
	for _, i := range idx {
		r := &recs[i]
		if r.Name != "" {
			if n == "" {
				n = r.Name
			} else if r.Name != n {
				sn = false
			}
		}
		if r.Number != "" {
			if u == "" {
				u = r.Number
			} else if r.Number != u {
				su = false
			}
		}
		if r.Dept != "" {
			if d == "" {
				d = r.Dept
			} else if r.Dept != d {
				sd = false
			}
		}
	}
	if sn {
		name = trimSpace(n)
		same |= b2u8(len(name) == len(n)) * sameName
	} else {
		name = mostFrequent(recs, idx, func(r *Record) string { return r.Name })
	}
	if su {
		number = trimSpace(u)
		same |= b2u8(len(number) == len(u)) * sameNumber
	} else {
		number = mostFrequent(recs, idx, func(r *Record) string { return r.Number })
	}
	if sd {
		dept = trimSpace(d)
	} else {
		dept = mostFrequent(recs, idx, func(r *Record) string { return r.Dept })
	}
	return name, number, dept, same
}

func b2u8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// sortByJoin sorts record indices by the records' Join, stably.
func sortByJoin(idx []int32, recs []Record) {
	for k := 1; k < len(idx); k++ {
		if recs[idx[k-1]].Join > recs[idx[k]].Join {
			goto unsorted
		}
	}
	return
unsorted:
	if len(idx) > 12 {
		slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(recs[a].Join, recs[b].Join) })
		return
	}
	for k := 1; k < len(idx); k++ {
		x := idx[k]
		j := k
		for ; j > 0 && recs[idx[j-1]].Join > recs[x].Join; j-- {
			idx[j] = idx[j-1]
		}
		idx[j] = x
	}
}

// effectiveJoin is the join time a record counts from: its join, or for a
// closed record without one its leave (a session with no time); 0 when
// unknown.
func effectiveJoin(r *Record) int64 {
	if validMs(r.Join) {
		return r.Join
	}
	if r.Join <= 0 && !isOpen(r) {
		return r.Leave
	}
	return 0
}

// peak sweeps the merged intervals of every person. At equal times leaves
// come first, so back-to-back intervals do not overlap.
func peak(ev intervals, tmp []int64) (int, time.Time) {
	sortInt64s(ev.starts, tmp)
	sortInt64s(ev.ends, tmp)
	cur, best, at := 0, 0, noTime
	e := 0
	for _, s := range ev.starts {
		for e < len(ev.ends) && ev.ends[e] <= s {
			cur--
			e++
		}
		cur++
		if cur > best {
			best, at = cur, s
		}
	}
	return best, msTime(at)
}

// sortInt64s sorts a in increasing order with tmp (at least as long) as
// scratch: an LSD radix sort on the offset from the minimum, 8 bits a pass
// and only as many passes as the range needs, so times within a meeting
// (hours, in ms) take three passes. Short slices use slices.Sort.
func sortInt64s(a, tmp []int64) {
	if len(a) < 256 {
		slices.Sort(a)
		return
	}
	lo, hi := a[0], a[0]
	for _, v := range a {
		lo, hi = min(lo, v), max(hi, v)
	}
	passes := (bits.Len64(uint64(hi)-uint64(lo)) + 7) / 8
	src, dst := a, tmp[:len(a)]
	for p := range passes {
		shift := uint(8 * p)
		var count [256]int
		for _, v := range src {
			count[(uint64(v)-uint64(lo))>>shift&0xff]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, v := range src {
			d := (uint64(v) - uint64(lo)) >> shift & 0xff
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	if passes%2 == 1 {
		copy(a, src)
	}
}

func breakdowns(people []Person) (devices, media, depts []Count) {
	var dn, mn, pn counter
	for i := range people {
		p := &people[i]
		for _, d := range p.Devices {
			dn.add(d)
		}
		for _, d := range p.Media {
			mn.add(d)
		}
		if p.Dept != "" {
			pn.add(p.Dept)
		}
	}
	return dn.sorted(), mn.sorted(), pn.sorted()
}

// counter counts strings: in a short list while there are few distinct
// ones (device and media types, most departments), then in a map.
type counter struct {
	few []Count
	m   map[string]int
}

func (c *counter) add(s string) {
	if c.m != nil {
		c.m[s]++
		return
	}
	for i := range c.few {
		if c.few[i].Name == s {
			c.few[i].N++
			return
		}
	}
	if len(c.few) < 16 {
		c.few = append(c.few, Count{s, 1})
		return
	}
	c.m = make(map[string]int, 2*len(c.few))
	for _, x := range c.few {
		c.m[x.Name] = x.N
	}
	c.m[s]++
}

func (c *counter) sorted() []Count {
	if c.m == nil {
		out := slices.Clip(c.few)
		if out == nil {
			out = []Count{}
		}
		sortCountsSlice(out)
		return out
	}
	return sortCounts(c.m)
}

func sortCounts(n map[string]int) []Count {
	out := make([]Count, 0, len(n))
	for k, v := range n {
		out = append(out, Count{k, v})
	}
	sortCountsSlice(out)
	return out
}

func sortCountsSlice(out []Count) {
	slices.SortFunc(out, func(a, b Count) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}
