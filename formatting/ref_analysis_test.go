package formatting

// The Analyze of commit 4cef14f, kept to check the faster one.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func analyzeRef(m Meeting, th Thresholds, now time.Time) *Report {
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

	// Group: person index per record, then a counting sort into one backing
	// array of sessions so each person's sessions are a sub-slice.
	idx := make(map[identity]int32, len(recs)/2+1)
	owner := make([]int32, len(recs))
	var ids []identity
	var counts []int32
	for i := range recs {
		id := identityOf(&recs[i], i)
		p, ok := idx[id]
		if !ok {
			p = int32(len(ids))
			idx[id] = p
			ids = append(ids, id)
			counts = append(counts, 0)
		}
		owner[i] = p
		counts[p]++
	}
	people := make([]Person, len(ids))
	sessions := make([]Session, len(recs))
	offs := make([]int32, len(ids)+1)
	for p, c := range counts {
		offs[p+1] = offs[p] + c
	}
	fill := counts // reuse as the fill cursor
	for p := range fill {
		fill[p] = offs[p]
	}
	for i := range recs {
		p := owner[i]
		sessions[fill[p]].Record = &recs[i]
		fill[p]++
	}

	strs := make([]string, 2*len(recs)) // backing for Devices and Media
	events := intervalsRef{make([]int64, 0, len(recs)), make([]int64, 0, len(recs))}
	var totals []time.Duration
	if len(ids) > 0 {
		totals = make([]time.Duration, len(ids))
	}
	// Order the groups for display before building any Person, so no
	// Person is moved afterwards: first join (unknown last), name, key.
	order := make([]groupOrderRef, len(ids))
	for g := range ids {
		ss := sessions[offs[g]:offs[g+1]:offs[g+1]]
		if !slices.IsSortedFunc(ss, compareJoin) {
			slices.SortStableFunc(ss, compareJoin)
		}
		first := int64(math.MaxInt64)
		for i := range ss {
			if j := effectiveJoin(ss[i].Record); j > 0 {
				first = min(first, j)
			}
		}
		order[g] = groupOrderRef{first, mostFrequentRef(ss, func(r *Record) string { return r.Name }), ids[g].key(), int32(g)}
	}
	slices.SortFunc(order, func(a, b groupOrderRef) int {
		if c := cmp.Compare(a.join, b.join); c != 0 {
			return c
		}
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	for p, o := range order {
		g := o.g
		per := &people[p]
		ss := sessions[offs[g]:offs[g+1]:offs[g+1]]
		per.Key = o.key
		per.Name = o.name
		per.Sessions = ss
		per.Joins = len(ss)
		ds := strs[2*offs[g] : 2*offs[g] : 2*offs[g]+int32(len(ss))]
		ms := strs[2*offs[g]+int32(len(ss)) : 2*offs[g]+int32(len(ss)) : 2*offs[g+1]]
		events = analyzePersonRef(per, ss, start, end, openEnd, events, ds, ms)
		per.Number = mostFrequentRef(ss, func(r *Record) string { return r.Number })
		per.Dept = mostFrequentRef(ss, func(r *Record) string { return r.Dept })

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
		totals[p] = per.InMeeting
	}

	rep.People = people

	// Per meeting.
	if n := len(people); n > 0 {
		var sum int64 // ms: cannot overflow, see maxMs
		for _, d := range totals {
			sum += d.Milliseconds()
		}
		rep.Average = time.Duration(sum/int64(n)) * time.Millisecond
		slices.Sort(totals)
		if n%2 == 1 {
			rep.Median = totals[n/2]
		} else {
			rep.Median = totals[n/2-1] + (totals[n/2]-totals[n/2-1])/2
		}
	}
	rep.Peak, rep.PeakAt = peakRef(events)
	rep.Devices, rep.Media, rep.Depts = breakdownsRef(people)
	for i := range people {
		p := &people[i]
		rep.Late += b2iRef(p.Late)
		rep.Early += b2iRef(p.Early)
		rep.Open += b2iRef(p.Open)
		switch p.Level {
		case LevelPresent:
			rep.Present++
		case LevelPartial:
			rep.Partial++
		case LevelBrief:
			rep.Brief++
		}
	}
	if m.Invited != nil {
		matchInvites(rep)
	}
	return rep
}

func b2iRef(b bool) int {
	if b {
		return 1
	}
	return 0
}

type intervalsRef struct{ starts, ends []int64 }

func analyzePersonRef(per *Person, ss []Session, start, end, openEnd int64, events intervalsRef, ds, ms []string) intervalsRef {
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

func mostFrequentRef(ss []Session, field func(*Record) string) string {
	// Fast path: one distinct non-empty value, the common case.
	first, same := "", true
	for i := range ss {
		v := field(ss[i].Record)
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
	if len(ss) > 16 {
		n := make(map[string]int)
		best, bestN := "", 0
		for i := range ss {
			v := trimSpace(field(ss[i].Record))
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
		for i := range ss {
			v := trimSpace(field(ss[i].Record))
			if v != "" && n[v] == bestN {
				return v
			}
		}
		return best
	}
	best, bestN := "", 0
	for i := range ss {
		v := trimSpace(field(ss[i].Record))
		if v == "" || v == best {
			continue
		}
		c := 0
		for j := range ss {
			if trimSpace(field(ss[j].Record)) == v {
				c++
			}
		}
		if c > bestN {
			best, bestN = v, c
		}
	}
	return best
}

type groupOrderRef struct {
	join      int64 // first join; MaxInt64 when unknown
	name, key string
	g         int32
}

func peakRef(ev intervalsRef) (int, time.Time) {
	slices.Sort(ev.starts)
	slices.Sort(ev.ends)
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

func breakdownsRef(people []Person) (devices, media, depts []Count) {
	dn, mn, pn := map[string]int{}, map[string]int{}, map[string]int{}
	for i := range people {
		p := &people[i]
		for _, d := range p.Devices {
			dn[d]++
		}
		for _, d := range p.Media {
			mn[d]++
		}
		if p.Dept != "" {
			pn[p.Dept]++
		}
	}
	return sortCountsRef(dn), sortCountsRef(mn), sortCountsRef(pn)
}

func sortCountsRef(n map[string]int) []Count {
	out := make([]Count, 0, len(n))
	for k, v := range n {
		out = append(out, Count{k, v})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// TestAnalyzeSameAsRef compares Analyze with the straightforward one on
// random, hostile meetings and the benchmark meeting.
func TestAnalyzeSameAsRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	iters := 400
	if raceEnabled || testing.Short() {
		iters = 120
	}
	check := func(name string, m Meeting, now time.Time) {
		t.Helper()
		got, err := json.Marshal(Analyze(m, Thresholds{}, now))
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(analyzeRef(m, Thresholds{}, now))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: Analyze differs from analyzeRef\n%s", name, firstDiff(bytes.ReplaceAll(got, []byte("},{"), []byte("},\n{")), bytes.ReplaceAll(want, []byte("},{"), []byte("},\n{"))))
		}
	}
	for i := range iters {
		n := 1 + rng.IntN(80)
		m := randomMeeting(rng, n, 1+rng.IntN(n), 1+rng.IntN(12))
		// Some names and departments that fold alike, and near-identical
		// devices, to exercise grouping and the tie-breaks of the order.
		for j := range m.Records {
			r := &m.Records[j]
			switch rng.IntN(8) {
			case 0:
				r.Name, r.Dept = []string{"Ann", " ann ", "ＡＮＮ", "a|b", `a\`, ""}[rng.IntN(6)], []string{"", "x", "X ", "|b"}[rng.IntN(4)]
			case 1:
				r.Join = r.Leave
			case 2:
				r.Device = []string{" Web", "Web", "Web ", ""}[rng.IntN(4)]
			}
		}
		if rng.IntN(4) == 0 {
			m.Invited = []Invitee{{Name: "Ann"}, {Number: m.Records[0].Number}, {Name: "nobody"}}
		}
		check("case "+itoa(i), m, time.UnixMilli(rng.Int64N(2e12)))
	}
	if raceEnabled || testing.Short() {
		return // TestAnalyzeInParts covers the paths of large meetings
	}
	m := benchMeeting()
	check("bench", m, m.End.Add(time.Hour))
	check("bench, ongoing", m, m.Start.Add(time.Hour))
}

// TestAnalyzeInParts checks that a meeting large enough for several
// goroutines gives the reference's report whatever the number of procs
// (and, under -race, that the parts share nothing they write).
func TestAnalyzeInParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	m := randomMeeting(rng, parallelMin+1234, 1500, 6)
	for i := 0; i < len(m.Records); i += 97 {
		m.Records[i].Name, m.Records[i].Number = "", "" // a record of its own
	}
	m.Invited = []Invitee{{Name: m.Records[7].Name}, {Number: m.Records[0].Number}, {Name: "nobody"}}
	now := time.UnixMilli(rng.Int64N(2e12))
	want, err := json.Marshal(analyzeRef(m, Thresholds{}, now))
	if err != nil {
		t.Fatal(err)
	}
	for _, procs := range []int{1, 2, 3, 4} {
		withProcs(procs, func() {
			r := Analyze(m, Thresholds{}, now)
			if q := newSplitter(len(m.Records)).parts(len(r.People)); q != min(procs, maxParts) {
				t.Fatalf("GOMAXPROCS %d: %d parts", procs, q)
			}
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("GOMAXPROCS %d: Analyze differs from analyzeRef\n%s", procs, firstDiff(bytes.ReplaceAll(got, []byte("},{"), []byte("},\n{")), bytes.ReplaceAll(want, []byte("},{"), []byte("},\n{"))))
			}
			// The CSV reads the bits the parts set in each Session.
			checkCSVSameAsRef(t, fmt.Sprintf("GOMAXPROCS %d", procs), r, CSVOptions{Audience: Shared})
		})
	}
}

// TestSplitterReadsProcsOnce: GOMAXPROCS may change while Analyze runs
// (the runtime follows a container's CPU limit), and the cuts of one call
// must agree, so a splitter keeps the value it was made with.
func TestSplitterReadsProcsOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	sp := newSplitter(parallelMin)
	runtime.GOMAXPROCS(1)
	if q := sp.parts(100); q != 3 {
		t.Errorf("parts after GOMAXPROCS changed = %d; want the 3 it was made with", q)
	}
	if s := sp.starts(100); !slices.Equal(s, []int{0, 33, 66}) {
		t.Errorf("starts = %v", s)
	}
}

// TestConcurrentAnalyzeAndCSV runs Analyze and WriteCSV on many meetings
// at once, small and large enough for parts, so kept scratch and chunk
// buffers pass between calls: every report and file must be the
// reference's, and every report must be unchanged after the other calls.
func TestConcurrentAnalyzeAndCSV(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	type result struct {
		m        Meeting
		now      time.Time
		aud      Audience
		r        *Report
		js, file []byte
	}
	goroutines := 6
	if raceEnabled || testing.Short() {
		goroutines = 3
	}
	sizes := []int{50, parallelMin + 100, 700}
	out := make([]result, goroutines*len(sizes))
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 99))
			for k, n := range sizes {
				n += g * 300
				m := randomMeeting(rng, n, 1+rng.IntN(n), 8)
				for i := 0; i < len(m.Records); i += 53 {
					m.Records[i].Name, m.Records[i].Number = "", ""
				}
				res := result{m: m, now: time.UnixMilli(rng.Int64N(2e12)), aud: Audience(k % 2)}
				res.r = Analyze(m, Thresholds{}, res.now)
				js, err := json.Marshal(res.r)
				if err != nil {
					t.Error(err)
				}
				var b bytes.Buffer
				if err := WriteCSV(&b, res.r, CSVOptions{Audience: res.aud}); err != nil {
					t.Error(err)
				}
				res.js, res.file = js, b.Bytes()
				out[g*len(sizes)+k] = res
			}
		})
	}
	wg.Wait()
	for i, o := range out {
		want, err := json.Marshal(analyzeRef(o.m, Thresholds{}, o.now))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(o.js, want) {
			t.Fatalf("meeting %d: Analyze differs from analyzeRef", i)
		}
		if again, _ := json.Marshal(o.r); !bytes.Equal(again, want) {
			t.Fatalf("meeting %d: the report changed after later calls", i)
		}
		var file bytes.Buffer
		if err := writeCSVRef(&file, o.r, CSVOptions{Audience: o.aud}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(o.file, file.Bytes()) {
			t.Fatalf("meeting %d: WriteCSV differs from writeCSVRef", i)
		}
	}
}

// TestScratchKept: Analyze keeps its scratch for the next call, but not
// a large meeting's.
func TestScratchKept(t *testing.T) {
	drain := func() {
		for len(scratches) > 0 {
			<-scratches
		}
	}
	meeting := func(n int) Meeting {
		recs := make([]Record, n)
		for i := range recs {
			recs[i] = Record{Name: "P" + itoa(i%500), Join: 1e12 + int64(i), Leave: 1e12 + int64(i) + 1000}
		}
		return Meeting{Records: recs}
	}
	drain()
	defer drain()
	Analyze(meeting(keepRecords+1), Thresholds{}, time.Time{})
	if len(scratches) != 0 {
		t.Errorf("the scratch of %d records was kept", keepRecords+1)
	}
	Analyze(meeting(1000), Thresholds{}, time.Time{})
	if len(scratches) != 1 {
		t.Fatalf("%d scratches kept after a small meeting; want 1", len(scratches))
	}
	sc := <-scratches
	for i := range sc.tables {
		if tb := &sc.tables[i]; len(tb.byKey) != 0 || len(tb.keys) != 0 {
			t.Errorf("kept scratch table %d holds %d keys, %d map entries", i, len(tb.keys), len(tb.byKey))
		}
	}
	for _, s := range sc.texts {
		if s != "" {
			t.Fatalf("kept scratch holds text %q", s)
		}
	}
}

func compareJoin(a, b Session) int { return cmp.Compare(a.Join, b.Join) }

func TestSortInt64s(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{0, 1, 255, 256, 257, 1000, 5000} {
		for _, spread := range []int64{0, 1, 300, 7_200_000, 1 << 40, math.MaxInt64} {
			a := make([]int64, n)
			for i := range a {
				switch {
				case spread == math.MaxInt64:
					a[i] = int64(rng.Uint64())
				case spread > 0:
					a[i] = 1_777_000_000_000 + rng.Int64N(spread) - spread/2
				}
			}
			if n > 2 && spread == math.MaxInt64 {
				a[0], a[1] = math.MinInt64, math.MaxInt64
			}
			want := slices.Clone(a)
			slices.Sort(want)
			sortInt64s(a, make([]int64, n))
			if !slices.Equal(a, want) {
				t.Fatalf("n %d spread %d: not sorted", n, spread)
			}
		}
	}
}
