package formatting

import (
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
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
		_ = Summary(r, MessageOptions{Audience: Shared, Location: loc})
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
			Summary(r, MessageOptions{Audience: Shared})
		}
	})
	b.Run("CSV", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			WriteCSV(io.Discard, r, CSVOptions{Audience: Shared})
		}
	})
}
