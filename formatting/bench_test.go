package formatting

import (
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// benchMeeting is 25,000 records of 8,000 people with re-joins, several
// devices, Chinese and ASCII names and a few open sessions, and an invite
// list of 10,000: most who came (by e-mail address, some by number) and
// 2,000 more.
func benchMeeting() Meeting {
	rng := rand.New(rand.NewPCG(25000, 8000))
	start := time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC)
	m := Meeting{Subject: "Town hall 全员大会", Start: start, End: start.Add(2 * time.Hour), Records: make([]Record, 0, 25000)}
	devices := []string{"软终端", "Web", "Mobile", "Room"}
	depts := []string{"Sales", "R&D", "研发部", "HR", "Ops"}
	for i := range 25000 {
		p := i % 8000
		r := Record{
			Name:   "用户 " + strconv.Itoa(p),
			Dept:   depts[p%len(depts)],
			Device: devices[rng.IntN(len(devices))],
			Media:  "视频",
		}
		if p%4 != 0 {
			r.Number = "+8613" + strconv.Itoa(100000000+p)
		}
		join := start.Add(time.Duration(rng.IntN(7200_000)) * time.Millisecond)
		r.Join = join.UnixMilli()
		if rng.IntN(50) != 0 {
			r.Leave = r.Join + int64(rng.IntN(3600_000))
		}
		m.Records = append(m.Records, r)
	}
	m.Invited = make([]Invitee, 0, 10000)
	for p := range 10000 {
		inv := Invitee{Name: "用户 " + strconv.Itoa(p), Dept: depts[p%len(depts)], Email: "user" + strconv.Itoa(p) + "@example.com"}
		if p%3 == 0 {
			inv.Number = "+8613" + strconv.Itoa(100000000+p)
		}
		m.Invited = append(m.Invited, inv)
	}
	return m
}

// BenchmarkReport25k is what one large lookup costs the bot: the analysis,
// the shared summary and the shared CSV.
func BenchmarkReport25k(b *testing.B) {
	m := benchMeeting()
	now := m.End.Add(time.Hour)
	loc := time.FixedZone("CST", 8*3600)
	b.ReportAllocs()
	for b.Loop() {
		r := analyze(m, now)
		_ = Summary(r, MessageOptions{Words: en, Audience: Shared, Location: loc})
		if err := WriteCSV(io.Discard, r, CSVOptions{Audience: Shared, Location: loc}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParts splits BenchmarkReport25k to show where the time goes.
func BenchmarkParts(b *testing.B) {
	m := benchMeeting()
	now := m.End.Add(time.Hour)
	r := analyze(m, now)
	b.Run("Analyze", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			analyze(m, now)
		}
	})
	b.Run("Summary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Summary(r, MessageOptions{Words: en, Audience: Shared})
		}
	})
	b.Run("CSV", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			WriteCSV(io.Discard, r, CSVOptions{Audience: Shared})
		}
	})
}

// benchSeries is 20 weekly runs of 1,000 records each: about 400 people
// of a pool of 500 per run (re-joins, some on a second number), with an
// invite list of 450.
func benchSeries() []Meeting {
	rng := rand.New(rand.NewPCG(20, 1000))
	var runs []Meeting
	for w := range 20 {
		start := time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC).AddDate(0, 0, -7*w)
		m := Meeting{MeetingID: "9601234506", Subject: "Team stand-up", Start: start, End: start.Add(30 * time.Minute), Records: make([]Record, 0, 1000)}
		for i := range 1000 {
			p := rng.IntN(500)
			r := Record{Name: "Member " + strconv.Itoa(p), Dept: "R&D", Number: "+8613" + strconv.Itoa(100000000+p), Device: "PC", Media: "Video"}
			if i%7 == 0 {
				r.Number = "+8618" + strconv.Itoa(100000000+p) // a second device
			}
			r.Join = start.Add(time.Duration(rng.IntN(1800_000)) * time.Millisecond).UnixMilli()
			r.Leave = r.Join + int64(rng.IntN(900_000))
			m.Records = append(m.Records, r)
		}
		for p := range 450 {
			m.Invited = append(m.Invited, Invitee{Name: "Member " + strconv.Itoa(p), Dept: "R&D", Email: "m" + strconv.Itoa(p) + "@example.com"})
		}
		runs = append(runs, m)
	}
	return runs
}

// BenchmarkSeries20x1000 is the CPU a 20-run series of 1,000-record runs
// costs once the records are in: each run's analysis and the series'
// (Analysis, bound 50 ms), the series' alone (Link), and with the private
// summary and the CSV (Report).
func BenchmarkSeries20x1000(b *testing.B) {
	ms := benchSeries()
	now := ms[0].End.Add(time.Hour)
	analyzeAll := func() *attendance.Series {
		runs := make([]attendance.Run, len(ms))
		for i, m := range ms {
			runs[i] = attendance.Run{Meeting: m, Report: analyze(m, now)}
		}
		return attendance.AnalyzeSeries(runs)
	}
	b.Run("Analysis", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			analyzeAll()
		}
		b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(50*time.Millisecond), "ratio/bound")
	})
	b.Run("Link", func(b *testing.B) { // AnalyzeSeries alone, of the analysed runs
		runs := analyzeAll().Runs
		b.ReportAllocs()
		for b.Loop() {
			attendance.AnalyzeSeries(runs)
		}
	})
	b.Run("Report", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := analyzeAll()
			_ = SeriesSummary(s, SeriesOptions{MessageOptions: MessageOptions{Words: en}, Asked: 20})
			if err := WriteSeriesCSV(io.Discard, s, CSVOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
