package formatting

// The WriteCSV of commit b191e5d, kept to check the faster one byte for byte.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func writeCSVRef(w io.Writer, r *Report, o CSVOptions) error {
	// One 64 KiB buffer for the whole file: csv.NewWriter reuses a large
	// enough *bufio.Writer instead of adding its own 4 KiB one, so a file or
	// network writer sees few, large writes.
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("\uFEFF")
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	if r == nil {
		cw.Flush()
		return cw.Error()
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	shared := o.Audience == Shared
	row := make([]string, len(CSVHeader))
	var buf []byte
	var ends [6]int
	var dept, device, media cellCacheRef
	for pi := range r.People {
		p := &r.People[pi]
		// Person columns, once per person.
		if shared {
			row[0] = "person-" + strconv.Itoa(pi+1)
		} else {
			row[0] = csvCell(p.Key)
		}
		row[1] = csvCell(csvName(p.Name, shared))
		// Most records of a person repeat the same name and number: work
		// them out once.
		lastName, lastNameCell := p.Name, row[1]
		lastNum, lastNumCell := "", ""
		buf = appendSeconds(buf[:0], p.InMeeting)
		ends[0] = len(buf)
		buf = appendHMS(buf, p.InMeeting)
		ends[1] = len(buf)
		buf = strconv.AppendInt(buf, int64(p.Joins), 10)
		ends[2] = len(buf)
		buf = strconv.AppendFloat(buf, p.Share*100, 'f', 1, 64)
		ends[3] = len(buf)
		buf = append(buf, p.Level...)
		ends[4] = len(buf)
		buf = appendFlags(buf, p)
		ps := string(buf)
		row[13], row[14], row[15] = ps[:ends[0]], ps[ends[0]:ends[1]], ps[ends[1]:ends[2]]
		row[16], row[17], row[18] = ps[ends[2]:ends[3]], ps[ends[3]:ends[4]], ps[ends[4]:]

		for si := range p.Sessions {
			s := &p.Sessions[si]
			if s.Name != lastName {
				lastName, lastNameCell = s.Name, csvCell(csvName(s.Name, shared))
			}
			row[2] = lastNameCell
			if s.Number != lastNum || si == 0 {
				num := trimSpace(s.Number)
				if shared {
					num = MaskNumber(num)
				}
				lastNum, lastNumCell = s.Number, csvCell(num)
			}
			row[3] = lastNumCell
			row[4] = dept.cell(s.Dept)
			row[5] = device.cell(s.Device)
			row[6] = media.cell(s.Media)
			// Generated cells share one string: one allocation per row.
			buf = buf[:0]
			if s.Join > 0 {
				buf = appendISORef(buf, s.Join, loc)
			}
			ends[0] = len(buf)
			if !s.Open && s.Leave > 0 {
				buf = appendISORef(buf, s.Leave, loc)
			}
			ends[1] = len(buf)
			buf = strconv.AppendInt(buf, s.Join, 10)
			ends[2] = len(buf)
			if s.Leave != 0 {
				buf = strconv.AppendInt(buf, s.Leave, 10)
			}
			ends[3] = len(buf)
			buf = appendSeconds(buf, s.Length)
			ends[4] = len(buf)
			buf = strconv.AppendBool(buf, s.Open)
			rs := string(buf)
			row[7], row[8], row[9] = rs[:ends[0]], rs[ends[0]:ends[1]], rs[ends[1]:ends[2]]
			row[10], row[11], row[12] = rs[ends[2]:ends[3]], rs[ends[3]:ends[4]], rs[ends[4]:]
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func appendISORef(b []byte, ms int64, loc *time.Location) []byte {
	_, off := time.UnixMilli(ms).In(loc).Zone()
	sec := floorDiv(ms, 1000)
	milli := ms - sec*1000
	sec += int64(off)
	days := floorDiv(sec, 86400)
	rem := sec - days*86400
	y, mo, d := civilFromDays(days)
	if y < 0 || y > 9999 {
		return time.UnixMilli(ms).In(loc).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	}
	b = append2(append2(b, y/100), y%100)
	b = append(b, '-')
	b = append2(b, mo)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, rem/3600)
	b = append(b, ':')
	b = append2(b, rem/60%60)
	b = append(b, ':')
	b = append2(b, rem%60)
	b = append(b, '.', byte('0'+milli/100), byte('0'+milli/10%10), byte('0'+milli%10))
	if off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = append2(b, int64(off/3600))
	b = append(b, ':')
	return append2(b, int64(off/60%60))
}

type cellCacheRef struct {
	raw, out string
	set      bool
}

func (c *cellCacheRef) cell(raw string) string {
	if raw != c.raw || !c.set {
		c.raw, c.out, c.set = raw, csvCell(trimSpace(raw)), true
	}
	return c.out
}

// checkCSVSameAsRef fails t when WriteCSV of r with o differs from
// writeCSVRef; what names the case.
func checkCSVSameAsRef(t *testing.T, what string, r *Report, o CSVOptions) {
	t.Helper()
	var got, want bytes.Buffer
	if err := WriteCSV(&got, r, o); err != nil {
		t.Fatal(err)
	}
	if err := writeCSVRef(&want, r, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("%s: WriteCSV differs from writeCSVRef\n%s", what, firstDiff(got.Bytes(), want.Bytes()))
	}
}

// withProcs runs f with GOMAXPROCS set to procs.
func withProcs(procs int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	f()
}

// TestWriteCSVSameAsRef checks WriteCSV against the straightforward one on
// random, hostile meetings, both audiences and several zones.
func TestWriteCSVSameAsRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	zones := []*time.Location{nil, time.UTC, time.FixedZone("X", -(3*3600 + 1800)), time.FixedZone("CST", 8*3600)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		zones = append(zones, ny)
	}
	iters := 300
	if testing.Short() {
		iters = 50
	}
	for i := range iters {
		m := randomMeeting(rng, 1+rng.IntN(60), 1+rng.IntN(20), 12)
		if i%10 == 0 {
			// A person with more records than one csvWindow.
			m = randomMeeting(rng, 1+rng.IntN(5*csvWindow), 1+rng.IntN(2), 12)
		}
		r := Analyze(m, Thresholds{}, time.UnixMilli(rng.Int64N(4e12)))
		for _, aud := range []Audience{Private, Shared} {
			o := CSVOptions{Audience: aud, Location: zones[rng.IntN(len(zones))]}
			checkCSVSameAsRef(t, fmt.Sprintf("case %d, audience %d", i, aud), r, o)
		}
	}
}

func TestMaskNumberSameAsRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ins := append([]string{"", " ", "+", "１２３４５６７８９０１２", "+99 (111) 600-4380 123", "\xff", "abc", "12345678901234567890123456789012345678901234"}, hostile...)
	for range 3000 {
		var b []byte
		for range rng.IntN(30) {
			b = append(b, "0123456789+- .()x\xff"[rng.IntN(18)])
		}
		ins = append(ins, string(b), randomText(rng, 20))
	}
	for _, in := range ins {
		if got, want := MaskNumber(in), maskNumberRef(in); got != want {
			t.Fatalf("MaskNumber(%q) = %q; want %q", in, got, want)
		}
	}
}

func maskNumberRef(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var digits []byte
	plus := false
	other := 0
	for i, r := range s {
		r = foldRune(r)
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			other++
		}
	}
	if len(digits) == 0 || other > len(digits)/4 {
		r, size := utf8.DecodeRuneInString(s)
		return string(r) + strings.Repeat("*", max(3, utf8.RuneCountInString(s[size:])))
	}
	keepHead, keepTail := min(5, len(digits)-8), 4
	switch n := len(digits); {
	case n <= 6:
		keepHead, keepTail = 0, 0
	case n <= 10:
		keepHead, keepTail = 0, 2
	}
	out := make([]byte, 0, len(digits)+1)
	if plus {
		out = append(out, '+')
	}
	for i, d := range digits {
		if i < keepHead || i >= len(digits)-keepTail {
			out = append(out, d)
		} else {
			out = append(out, '*')
		}
	}
	return string(out)
}

// TestWriteCSVMixedTexts covers the rows WriteCSV may write without reading
// a record's text (Session.same): people whose records leave the name or
// number out on some rows, or differ from the person's on others.
func TestWriteCSVMixedTexts(t *testing.T) {
	at := func(min int) int64 { return time.Date(2026, 5, 1, 1, min, 0, 0, time.UTC).UnixMilli() }
	cases := []struct {
		name string
		recs []Record
	}{
		{"empty name between", []Record{
			{Name: "Alice", Number: "+8613900000001", Join: at(0), Leave: at(5)},
			{Name: "", Number: "+8613900000001", Join: at(6), Leave: at(7)},
			{Name: "Alice", Number: "+8613900000001", Join: at(8), Leave: at(9)},
		}},
		{"empty number between", []Record{
			{Name: "Bob", Number: "+8613900000002", Dept: "R&D", Join: at(0), Leave: at(5)},
			{Name: "Bob", Dept: "R&D", Join: at(6), Leave: at(7)},
			{Name: "Bob", Number: "+8613900000002", Dept: "R&D", Join: at(8), Leave: at(9)},
		}},
		{"first record without either", []Record{
			{Name: "", Number: "+8613900000003", Join: at(0), Leave: at(5)},
			{Name: "Carol", Number: "+8613900000003", Join: at(6), Leave: at(7)},
		}},
		{"spaces make the name differ", []Record{
			{Name: " Dan", Number: "+8613900000004", Join: at(0), Leave: at(5)},
			{Name: "Dan", Number: "+8613900000004", Join: at(6), Leave: at(7)},
			{Name: "Dan ", Number: "+8613900000004", Join: at(8), Leave: at(9)},
		}},
		{"two names, most frequent wins", []Record{
			{Name: "Eve", Number: "=1+1", Join: at(0), Leave: at(5)},
			{Name: "Eve B", Number: "=1+1", Join: at(6), Leave: at(7)},
			{Name: "Eve B", Number: "=1+1", Join: at(8), Leave: at(9)},
			{Name: "Eve", Number: "=1+1", Join: at(10), Leave: at(11)},
			{Name: "Eve B", Number: "=1+1", Join: at(12), Leave: at(13)},
		}},
		{"quoted cells", []Record{
			{Name: `Frank "F", Jr`, Number: "+86 139 0000 0006", Join: at(0), Leave: at(5)},
			{Name: "", Number: "", Dept: "a,b", Join: at(6), Leave: at(7)},
			{Name: `Frank "F", Jr`, Number: "+86 139 0000 0006", Join: at(8), Leave: at(9)},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Meeting{Start: time.UnixMilli(at(0)), End: time.UnixMilli(at(60)), Records: c.recs}
			r := Analyze(m, Thresholds{}, time.Time{})
			for _, aud := range []Audience{Private, Shared} {
				o := CSVOptions{Audience: aud, Location: time.FixedZone("CST", 8*3600)}
				checkCSVSameAsRef(t, fmt.Sprintf("audience %d", aud), r, o)
			}
		})
	}
}
