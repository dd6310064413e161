package formatting

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// CSVOptions tune WriteCSV. The zero value writes full numbers and UTC times.
type CSVOptions struct {
	Audience Audience       // Shared masks numbers, number-like names and number keys
	Location *time.Location // zone of the ISO 8601 times; nil = UTC
}

// CSVHeader is the header row of WriteCSV. It is English snake_case in every
// language so scripts and pivot tables keep working.
var CSVHeader = []string{
	"person_key", "name", "record_name", "number", "dept", "device", "media",
	"join", "leave", "join_ms", "leave_ms", "session_seconds", "open",
	"person_time_seconds", "person_time_hms", "person_joins", "person_share_pct",
	"person_level", "person_flags",
}

// WriteCSV writes one row per raw record: UTF-8 with a BOM (so Excel reads
// Chinese names), RFC 4180 quoting, people in display order and each
// person's sessions by join. name is the person's display name and
// record_name the name on that record; join and leave are ISO 8601 with the
// offset of o.Location and are empty when unknown (leave of an open session);
// join_ms and leave_ms are the raw values; session_seconds is the time the
// session counts for (see Session.Length); the person_* columns repeat the
// person's totals on each of their rows. person_flags lists late, left_early,
// open and uninvited separated by ";".
//
// Cells that Excel or LibreOffice would read as a formula (starting with =,
// @, +, -, tab or CR) get a leading apostrophe, unless the whole cell is a
// plain number such as a phone number. With Audience Shared, person_key is
// "person-N" (display position) instead of a key that may hold a number.
//
// WriteCSV streams: memory use does not grow with the number of rows. It
// returns the first error of w.
func WriteCSV(w io.Writer, r *Report, o CSVOptions) error {
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
	var dept, device, media cellCache
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
				buf = appendISO(buf, s.Join, loc)
			}
			ends[0] = len(buf)
			if !s.Open && s.Leave > 0 {
				buf = appendISO(buf, s.Leave, loc)
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

// appendISO appends epoch ms as ISO 8601 with milliseconds and the offset of
// loc (2006-01-02T15:04:05.000+08:00, Z for UTC), like the layout
// "2006-01-02T15:04:05.000Z07:00" but without the generic layout parser,
// which dominated WriteCSV's time.
func appendISO(b []byte, ms int64, loc *time.Location) []byte {
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

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// date (Howard Hinnant's days_from_civil inverse).
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// cellCache remembers the last cell of a column: devices, media and
// departments repeat from row to row.
type cellCache struct {
	raw, out string
	set      bool
}

func (c *cellCache) cell(raw string) string {
	if raw != c.raw || !c.set {
		c.raw, c.out, c.set = raw, csvCell(trimSpace(raw)), true
	}
	return c.out
}

func csvName(name string, shared bool) string {
	name = trimSpace(name)
	if shared && looksLikeNumber(name) {
		return MaskNumber(name)
	}
	return name
}

// appendSeconds appends d in seconds with millisecond precision.
func appendSeconds(b []byte, d time.Duration) []byte {
	ms := max(d, 0).Milliseconds()
	b = strconv.AppendInt(b, ms/1000, 10)
	b = append(b, '.')
	f := ms % 1000
	return append(b, byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
}

func appendFlags(b []byte, p *Person) []byte {
	start := len(b)
	add := func(ok bool, s string) {
		if !ok {
			return
		}
		if len(b) > start {
			b = append(b, ';')
		}
		b = append(b, s...)
	}
	add(p.Late, "late")
	add(p.Early, "left_early")
	add(p.Open, "open")
	add(p.Uninvited, "uninvited")
	return b
}

// csvCell makes s inert for spreadsheets: a cell starting with = @ + - tab
// or CR gets a leading apostrophe unless the whole cell is a plain number
// (digits with an optional sign and spaces, dots, dashes or brackets), so
// "+991116004380" and "-5" stay readable while "=HYPERLINK(…)" and
// "+1+cmd|' /C calc'!A0" do not run.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if !plainNumber(s) {
			return "'" + s
		}
	}
	return s
}

// plainNumber matches ^[+-]?[0-9][0-9 ().-]*$.
func plainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ' ', c == '(', c == ')', c == '.', c == '-':
		default:
			return false
		}
	}
	return true
}
