package formatting

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// csvWindow was how many of a person's records WriteCSV encoded at once;
// TestWriteCSVSameAsRef still builds people with several times as many.
const csvWindow = 64

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
	// 2,000 rows are written by one goroutine, 10,000 by four.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, rows := range []int{2000, 10000} {
		r := manyPeople(rows)
		var full bytes.Buffer
		if err := WriteCSV(&full, r, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 10, 5000, full.Len() / 2, full.Len() - 1} {
			if err := WriteCSV(&failWriter{n: n}, r, CSVOptions{}); !errors.Is(err, errDisk) {
				t.Errorf("%d rows: WriteCSV to a writer failing after %d bytes = %v; want %v", rows, n, err, errDisk)
			}
		}
		// A writer may panic too (bytes.Buffer does when it cannot grow).
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%d rows: the writer's panic did not reach the caller", rows)
				}
			}()
			WriteCSV(&panicWriter{n: 5000}, r, CSVOptions{})
		}()
	}
	// WriteCSV waits for its goroutines: none may still be inside it,
	// blocked on a job or a result nobody will take.
	buf := make([]byte, 1<<20)
	if stacks := buf[:runtime.Stack(buf, true)]; bytes.Contains(stacks, []byte("formatting.writeRowsParallel")) {
		t.Errorf("goroutines left in writeRowsParallel after failed writes:\n%s", stacks)
	}
}

type panicWriter struct{ n int }

func (w *panicWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		panic("write failed")
	}
	return len(p), nil
}

// TestRowsAnyCut cuts random reports' rows into chunks of every size from
// 1 to 70 rows: each chunk holds 1 to n rows and together they are the
// rows written at once.
func TestRowsAnyCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	iters := 30
	if raceEnabled || testing.Short() {
		iters = 3 // one goroutine: nothing for the race detector here
	}
	for it := range iters {
		m := randomMeeting(rng, 1+rng.IntN(300), 1+rng.IntN(40), 8)
		r := Analyze(m, Thresholds{}, time.Time{})
		for _, shared := range []bool{false, true} {
			full := newRowEncoder(r, shared, time.UTC).rows(nil, 0, 0, len(r.People), 0)
			for n := 1; n <= 70; n++ {
				e := newRowEncoder(r, shared, time.UTC)
				var got []byte
				for p, s := 0, 0; p < len(r.People); {
					p1, s1 := nextChunk(r.People, p, s, n)
					before := len(got)
					got = e.rows(got, p, s, p1, s1)
					rows, err := csv.NewReader(bytes.NewReader(got[before:])).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) == 0 || len(rows) > n {
						t.Fatalf("case %d, chunks of %d: a chunk of %d rows", it, n, len(rows))
					}
					p, s = p1, s1
				}
				if !bytes.Equal(got, full) {
					t.Fatalf("case %d, chunks of %d: the chunks differ from the rows written at once", it, n)
				}
			}
		}
	}
}

// TestWriteCSVChunks checks that one goroutine and several write the same
// bytes as the reference, with people cut across chunks, and that every
// row lands once and in order.
func TestWriteCSVChunks(t *testing.T) {
	at := time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC).UnixMilli()
	var recs []Record
	// One person with more sessions than two chunks, then many people
	// with one to three.
	for i := range 2*csvChunkRows + 7 {
		recs = append(recs, Record{Name: "Bridge", Number: "+8610000", Join: at + int64(i)*1000, Leave: at + int64(i)*1000 + 500})
	}
	for i := range 3 * csvChunkRows {
		recs = append(recs, Record{Name: "P" + itoa(i/(1+i%3)), Dept: "D,\"" + itoa(i%7), Join: at + int64(i%977)*60_000, Leave: at + int64(i%977+i%50)*60_000})
	}
	m := Meeting{Start: time.UnixMilli(at), End: time.UnixMilli(at + 7200_000), Records: recs}
	r := Analyze(m, Thresholds{}, time.Time{})
	for _, aud := range []Audience{Private, Shared} {
		o := CSVOptions{Audience: aud, Location: time.FixedZone("CST", 8*3600)}
		for _, procs := range []int{1, 2, 3} {
			withProcs(procs, func() {
				checkCSVSameAsRef(t, fmt.Sprintf("audience %d, GOMAXPROCS %d", aud, procs), r, o)
			})
		}
	}
}

func TestNextChunk(t *testing.T) {
	people := func(sessions ...int) []Person {
		ps := make([]Person, len(sessions))
		for i, n := range sessions {
			ps[i].Sessions = make([]Session, n)
		}
		return ps
	}
	tests := []struct {
		sessions     []int
		p, s, n      int
		wantP, wantS int
	}{
		{[]int{1, 1, 1}, 0, 0, 2, 2, 0},
		{[]int{1, 1, 1}, 0, 0, 5, 3, 0},
		{[]int{1, 1, 1}, 2, 0, 1, 3, 0},
		{[]int{5}, 0, 0, 2, 0, 2},
		{[]int{5}, 0, 2, 2, 0, 4},
		{[]int{5}, 0, 4, 2, 1, 0},
		{[]int{1, 5, 1}, 0, 0, 3, 1, 2},
		{[]int{1, 5, 1}, 1, 2, 3, 2, 0},
		{[]int{1, 5, 1}, 1, 2, 4, 3, 0},
		{[]int{2, 2}, 0, 0, 2, 1, 0},
		{nil, 0, 0, 3, 0, 0},
	}
	for _, tt := range tests {
		p, s := nextChunk(people(tt.sessions...), tt.p, tt.s, tt.n)
		if p != tt.wantP || s != tt.wantS {
			t.Errorf("nextChunk(%v, %d, %d, %d) = %d, %d; want %d, %d", tt.sessions, tt.p, tt.s, tt.n, p, s, tt.wantP, tt.wantS)
		}
	}
}

func TestWriteCSVEmptyAndNil(t *testing.T) {
	for _, r := range []*Report{nil, Analyze(Meeting{}, Thresholds{}, time.Time{})} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, r, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		if want := "\uFEFF" + strings.Join(CSVHeader, ",") + "\n"; buf.String() != want {
			t.Errorf("empty CSV = %q", buf.String())
		}
	}
}

func TestWriteCSVOpenAndZone(t *testing.T) {
	r := Analyze(scheduled(Record{Number: "1", Name: "A", Join: at(1.5), Leave: 0}), Thresholds{}, time.Time{})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r, CSVOptions{Location: time.FixedZone("X", -(3*3600 + 1800))}); err != nil {
		t.Fatal(err)
	}
	want := "n:1,A,A,1,,,,2026-11-27T05:31:30.000-03:30,,1795770090000,,3510.000,true,3510.000,0:58:30,1,97.5,present,open\n"
	if got := strings.SplitN(buf.String(), "\n", 2)[1]; got != want {
		t.Errorf("row =\n%q; want\n%q", got, want)
	}
}

// appendISO is zoneCache.appendISO without a cache, for tests.
func appendISO(b []byte, ms int64, loc *time.Location) []byte {
	var z zoneCache
	return z.appendISO(b, ms, loc)
}

func TestAppendEpochMs(t *testing.T) {
	ms := []int64{0, 1, -1, 999_999_999_999, 1e12, 1e12 + 1, 1574119917872, 9_999_999_999_999, 1e13, math.MaxInt64, math.MinInt64}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 10000 {
		ms = append(ms, 1e12+rng.Int64N(9e12), rng.Int64())
	}
	for _, v := range ms {
		if got, want := string(appendEpochMs([]byte("x"), v)), "x"+strconv.FormatInt(v, 10); got != want {
			t.Fatalf("appendEpochMs(%d) = %q; want %q", v, got, want)
		}
	}
}

func TestAppendISO(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("A", 8*3600), time.FixedZone("B", -(3*3600 + 1800)), time.FixedZone("C", 45*60)}
	ms := []int64{0, 1574119917872, 1796362290001, -1, -999, -1000, -1001, 951782400000, 4107542400000, 253402300799999, 253402300800000, -62135596800001, -62167219200000}
	for i := range 2000 {
		ms = append(ms, int64(i)*7_919_000_001-5_000_000_000_000)
	}
	for _, ms := range ms {
		for _, loc := range zones {
			want := time.UnixMilli(ms).In(loc).Format("2006-01-02T15:04:05.000Z07:00")
			if got := string(appendISO(nil, ms, loc)); got != want {
				t.Errorf("appendISO(%d, %s) = %q; want %q", ms, loc, got, want)
			}
		}
	}
}

// TestDirectCellsNeedNoQuoting generates values of every kind of cell that
// WriteCSV appends without encoding/csv and checks that csv.Writer writes
// each of them unchanged, alone and in a row.
func TestDirectCellsNeedNoQuoting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	zones := []*time.Location{time.UTC, time.FixedZone("X", -(3*3600 + 1800)), time.FixedZone("CST", 8*3600), time.FixedZone("Y", 14*3600)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		zones = append(zones, ny)
	}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	edges := []int64{0, 1, -1, 999, 1000, -1000, math.MaxInt64, math.MinInt64, maxMs, maxMs + 1, 1 << 53, -62135596800000, 253402300799999, 253402300800000}
	randInt := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return edges[rng.IntN(len(edges))]
		case 1:
			return int64(rng.Uint64())
		case 2:
			return rng.Int64N(4e12)
		}
		return rng.Int64N(2e6) - 1e6
	}
	var cells []string
	add := func(b []byte) { cells = append(cells, string(b)) }
	add([]byte("true"))
	add([]byte("false"))
	cells = append(cells, CSVHeader...)
	for _, f := range []float64{0, 1, 100, 1e300, -0.0, math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64} {
		add(strconv.AppendFloat(nil, f*100, 'f', 1, 64))
	}
	for bits := range 16 {
		p := &Person{Late: bits&1 != 0, Early: bits&2 != 0, Open: bits&4 != 0, Uninvited: bits&8 != 0}
		add(appendFlags(nil, p))
	}
	var zc zoneCache
	for range n {
		v := randInt()
		add(strconv.AppendInt(nil, v, 10))
		add(strconv.AppendInt([]byte("person-"), int64(rng.IntN(1e7)), 10))
		add(appendSeconds(nil, time.Duration(v)))
		add(appendHMS(nil, time.Duration(v)))
		add(strconv.AppendFloat(nil, math.Float64frombits(rng.Uint64())*100, 'f', 1, 64))
		add(strconv.AppendFloat(nil, rng.Float64()*100, 'f', 1, 64))
		loc := zones[rng.IntN(len(zones))]
		add(appendISO(nil, v, loc))
		add(zc.appendISO(nil, v, loc))
	}
	enc := newCellEncoder()
	for _, c := range cells {
		if got := enc.append(nil, []string{c}); string(got) != c {
			t.Fatalf("csv.Writer writes direct cell %q as %q", c, got)
		}
	}
	for i := 0; i < len(cells); i += 19 {
		row := cells[i:min(len(cells), i+19)]
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if want := strings.Join(row, ",") + "\n"; b.String() != want {
			t.Fatalf("csv.Writer writes row %q as %q", want, b.String())
		}
	}
}

// TestWriteCSVManyPeopleSameAsRef covers meetings with more people than one
// csvBatch, hostile and plain.
func TestWriteCSVManyPeopleSameAsRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	loc := time.FixedZone("CST", 8*3600)
	for i := range 12 {
		m := randomMeeting(rng, 1+rng.IntN(8*csvBatch), 1+rng.IntN(4*csvBatch), 12)
		if i%3 == 0 {
			m = benchMeeting()
			m.Records = m.Records[:1+rng.IntN(3000)]
		}
		r := Analyze(m, Thresholds{}, time.UnixMilli(rng.Int64N(4e12)))
		for _, aud := range []Audience{Private, Shared} {
			checkCSVSameAsRef(t, fmt.Sprintf("case %d, audience %d", i, aud), r, CSVOptions{Audience: aud, Location: loc})
		}
	}
}
