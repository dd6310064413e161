package formatting

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
)

var hostile = []string{
	"<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123|general>", "<!subteam^S1>",
	"<https://evil.example|click>", "<!date^1^{date}|x>", "*bold*", "_it_", "~st~", "`code`",
	"a&b<c>", "&lt;!here&gt;", "<", ">", "&", "\n<!here>", "\u202Eevil", "مرحبا", "😀👩‍👩‍👧",
	"=1+1", "+1+cmd|' /C calc'!A0", "@SUM(A1)", "-2", "\t=x", "\r=x", "+991116004380", "",
	"\xff\xfe", "张三", "ＡＢＣ", "|", "^", "\x1b[31mred",
}

// randomText mixes hostile pieces and random runes up to maxLen runes.
func randomText(rng *rand.Rand, maxLen int) string {
	var b strings.Builder
	for n := rng.IntN(4); n >= 0; n-- {
		if rng.IntN(2) == 0 {
			b.WriteString(hostile[rng.IntN(len(hostile))])
			continue
		}
		for range rng.IntN(maxLen + 1) {
			switch rng.IntN(4) {
			case 0:
				b.WriteRune(rune(rng.IntN(0x80)))
			case 1:
				b.WriteRune(rune(0x4e00 + rng.IntN(0x5000)))
			case 2:
				b.WriteRune(rune(0x1F300 + rng.IntN(0x300)))
			default:
				b.WriteByte("<>&*_~`!@#|^"[rng.IntN(12)])
			}
		}
	}
	return b.String()
}

// randomMeeting builds n records over people identities with random,
// sometimes absurd, times.
func randomMeeting(rng *rand.Rand, n, people, nameLen int) Meeting {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	m := Meeting{Subject: randomText(rng, 200), MeetingID: randomText(rng, 20), ConfUUID: randomText(rng, 40)}
	if rng.IntN(2) == 0 {
		m.Start = time.UnixMilli(base + rng.Int64N(3600_000))
		m.End = m.Start.Add(time.Duration(rng.Int64N(4*3600_000)-3600_000) * time.Millisecond)
	}
	names := make([]string, people)
	for i := range names {
		names[i] = randomText(rng, nameLen)
	}
	for range n {
		p := rng.IntN(people)
		r := Record{Name: names[p], Dept: randomText(rng, 10), Device: randomText(rng, 8), Media: randomText(rng, 5)}
		if rng.IntN(3) > 0 {
			r.Number = "+86" + string(rune('0'+p%10)) + strings.Repeat("7", p%5) + itoa(p)
		}
		switch rng.IntN(10) {
		case 0:
			r.Join = 0
		case 1:
			r.Join = -rng.Int64N(1000)
		default:
			r.Join = base + rng.Int64N(5*3600_000)
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
	if rng.IntN(3) == 0 {
		m.Invited = []Invitee{}
		for range rng.IntN(20) {
			m.Invited = append(m.Invited, Invitee{Name: names[rng.IntN(people)], Number: randomText(rng, 12), Email: randomText(rng, 10) + "@x"})
		}
	}
	return m
}

func itoa(i int) string { return strconv.Itoa(i) }

const trustedLink = "<https://files.example.com/F1|attendees.csv>"

// checkAll runs every output over m and asserts every property.
func checkAll(t *testing.T, m Meeting, now time.Time, inline int, note string) {
	t.Helper()
	r := analyze(m, now)
	if len(m.Records)%3 == 1 {
		r = r.Filter(m.Records[0].Name) // a filtered report renders as well
	}
	for _, lang := range []string{"en-US", "zh-CN"} {
		for _, aud := range []Audience{Private, Shared} {
			msg := Summary(r, MessageOptions{Audience: aud, Words: catalog.For(lang), InlineLimit: inline, FileNote: note,
				Location: time.FixedZone("X", 5*3600+1800)})
			checkMessage(t, msg, trustedLink)
			if RenderText(msg) == "" {
				t.Error("empty text rendering")
			}
			// Whoever the message does not name is in the CSV it asks for.
			named := strings.Count(allText(msg), "* — ")
			if want := len(r.People) - named + max(0, len(r.NoShows)-noShowNames); msg.More != want {
				t.Errorf("More = %d; %d people, %d named, %d no-shows", msg.More, len(r.People), named, len(r.NoShows))
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r, CSVOptions{Audience: Shared}); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, buf.Bytes(), r)
}

func TestPropertiesRandom(t *testing.T) {
	sizes := []struct{ n, people, nameLen, inline int }{
		{0, 1, 5, 0}, {1, 1, 5, 0}, {5, 3, 20, 25}, {40, 30, 50, 1000}, {300, 120, 300, 60}, {2000, 2000, 300, 1000},
	}
	seeds := uint64(12)
	if raceEnabled || testing.Short() {
		seeds = 4 // every size still runs, on both FileNote lengths
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		for _, sz := range sizes {
			rng := rand.New(rand.NewPCG(seed, uint64(sz.n)))
			checkAll(t, randomMeeting(rng, sz.n, sz.people, sz.nameLen), time.UnixMilli(rng.Int64N(2e12)), sz.inline,
				trustedLink+" "+strings.Repeat("x", 3000*int(seed%2)))
		}
	}
}

func TestProperties25kPeople(t *testing.T) {
	if testing.Short() {
		t.Skip("25k people")
	}
	rng := rand.New(rand.NewPCG(25, 25))
	n := 25000
	if raceEnabled {
		n = 5000 // still far more people than the inline budgets can show
	}
	m := randomMeeting(rng, n, n, 300)
	for i := range m.Records {
		// Long names everywhere: every inline line is at its longest.
		m.Records[i].Name = strings.Repeat("&*<", 100)
		m.Records[i].Dept = strings.Repeat("&>", 150)
		m.Records[i].Number = ""
	}
	checkAll(t, m, time.Time{}, 100000, "")
}

func FuzzSummary(f *testing.F) {
	f.Add(uint64(1), "<!channel>", "R&D", uint8(3), 25)
	f.Add(uint64(2), "*bold* a&b<c>", "<@U1>", uint8(40), 1000)
	f.Add(uint64(3), strings.Repeat("名", 300), "\u202E", uint8(200), 0)
	f.Fuzz(func(t *testing.T, seed uint64, name, dept string, n uint8, inline int) {
		rng := rand.New(rand.NewPCG(seed, 7))
		m := randomMeeting(rng, int(n), int(n)/2+1, 20)
		for i := range m.Records {
			if i%2 == 0 {
				m.Records[i].Name, m.Records[i].Dept = name, dept
			}
		}
		m.Subject = name
		checkAll(t, m, time.Time{}, inline%2000, "")
	})
}

func FuzzEscape(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Escape(s), escapeText(s, 60, 150), plainText(s, 149, 150)} {
			if strings.ContainsAny(out, "<>") {
				t.Errorf("escaped %q = %q", s, out)
			}
		}
		if n := utf16Len(escapeText(s, 60, 150)); n > 150 {
			t.Errorf("escapeText(%q) is %d long", s, n)
		}
		c := csvCell(s)
		if c != "" && strings.ContainsRune("=@\t\r", rune(c[0])) || c != "" && (c[0] == '+' || c[0] == '-') && !plainNumber(c) {
			t.Errorf("csvCell(%q) = %q", s, c)
		}
	})
}
