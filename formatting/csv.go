package formatting

import (
	"bufio"
	"encoding/csv"
	"io"
	"math"
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
	// Every cell is encoded by encoding/csv, whose quoting depends on the
	// cell alone, so a row may be joined from pieces encoded apart: the
	// person's cells once per person, the cells that repeat from row to row
	// (record name, number, dept, device, media, open) once per value, and
	// the generated cells of each record together with up to csvWindow-1
	// other records of the same person.
	enc := newCellEncoder()
	var (
		fields              []string
		starts              []int
		buf, all, one       []byte
		preBuf, sufBuf      []byte
		nameBuf, numBuf     []byte
		ends                []int32
		dept, device, media cellCache
		zone                zoneCache
	)
	var openCell [2][]byte
	for i, v := range [2]bool{false, true} {
		openCell[i] = enc.append(nil, []string{strconv.FormatBool(v)})
	}
	var pre, suf, nameCell, numCell []byte
	var lastName, lastNum string
	for pi := range r.People {
		p := &r.People[pi]
		// The person's cells and the generated cells of up to csvWindow
		// of the person's records go in one string (one allocation) and
		// through encoding/csv in one Write, so memory use stays bounded
		// even for a person with thousands of records.
		for w0 := 0; w0 < len(p.Sessions); w0 += csvWindow {
			w1 := min(len(p.Sessions), w0+csvWindow)
			head := w0 == 0
			buf, ends = buf[:0], ends[:0]
			if head {
				if shared {
					buf = strconv.AppendInt(append(buf, "person-"...), int64(pi+1), 10)
				} else {
					buf = appendCell(buf, p.Key)
				}
				ends = append(ends, int32(len(buf)))
				buf = appendNameCell(buf, p.Name, shared)
				ends = append(ends, int32(len(buf)))
				lastName, lastNum = p.Name, p.Sessions[0].Number
				buf = appendNumberCell(buf, lastNum, shared)
				ends = append(ends, int32(len(buf)))
				buf = appendSeconds(buf, p.InMeeting)
				ends = append(ends, int32(len(buf)))
				buf = appendHMS(buf, p.InMeeting)
				ends = append(ends, int32(len(buf)))
				buf = strconv.AppendInt(buf, int64(p.Joins), 10)
				ends = append(ends, int32(len(buf)))
				buf = strconv.AppendFloat(buf, p.Share*100, 'f', 1, 64)
				ends = append(ends, int32(len(buf)))
				buf = append(buf, p.Level...)
				ends = append(ends, int32(len(buf)))
				buf = appendFlags(buf, p)
				ends = append(ends, int32(len(buf)))
			}
			for si := w0; si < w1; si++ {
				s := &p.Sessions[si]
				if s.Join > 0 {
					buf = zone.appendISO(buf, s.Join, loc)
				}
				ends = append(ends, int32(len(buf)))
				if !s.Open && s.Leave > 0 {
					buf = zone.appendISO(buf, s.Leave, loc)
				}
				ends = append(ends, int32(len(buf)))
				buf = strconv.AppendInt(buf, s.Join, 10)
				ends = append(ends, int32(len(buf)))
				if s.Leave != 0 {
					buf = strconv.AppendInt(buf, s.Leave, 10)
				}
				ends = append(ends, int32(len(buf)))
				buf = appendSeconds(buf, s.Length)
				ends = append(ends, int32(len(buf)))
			}
			gs := string(buf)

			// fields: on the first window key, name, the first record's
			// number and the six totals; then five cells per record (the
			// open cell is one of two, encoded once).
			fields = fields[:0]
			from := int32(0)
			for _, to := range ends {
				fields = append(fields, gs[from:to])
				from = to
			}
			// When no cell needed quoting, which the length shows, each
			// piece is a slice of the result; else each piece is encoded
			// on its own.
			all = enc.append(all[:0], fields)
			starts = starts[:0]
			n := 0
			for _, f := range fields {
				starts = append(starts, n)
				n += len(f) + 1
			}
			starts = append(starts, n) // one past the comma after the last cell
			plain := len(all) == n-1
			piece := func(i, j int, dst *[]byte) []byte {
				if plain {
					*dst = append((*dst)[:0], all[starts[i]:starts[j]-1]...)
				} else {
					*dst = enc.append((*dst)[:0], fields[i:j])
				}
				return *dst
			}
			base := 0
			if head {
				pre = piece(0, 2, &preBuf)
				nameCell = piece(1, 2, &nameBuf)
				numCell = piece(2, 3, &numBuf)
				suf = piece(3, 9, &sufBuf)
				base = 9
			}
			for si := w0; si < w1; si++ {
				s := &p.Sessions[si]
				if s.Name != lastName {
					lastName = s.Name
					nameBuf = enc.append(nameBuf[:0], []string{csvCell(csvName(s.Name, shared))})
					nameCell = nameBuf
				}
				if s.Number != lastNum {
					lastNum = s.Number
					numBuf = enc.append(numBuf[:0], []string{numberCell(s.Number, shared)})
					numCell = numBuf
				}
				c := base + 5*(si-w0)
				var g []byte
				if plain {
					g = all[starts[c] : starts[c+5]-1]
				} else {
					one = enc.append(one[:0], fields[c:c+5])
					g = one
				}

				row := bw.AvailableBuffer()
				row = append(row, pre...)
				row = append(row, ',')
				row = append(row, nameCell...)
				row = append(row, ',')
				row = append(row, numCell...)
				row = append(row, ',')
				row = append(row, dept.cell(enc, s.Dept)...)
				row = append(row, ',')
				row = append(row, device.cell(enc, s.Device)...)
				row = append(row, ',')
				row = append(row, media.cell(enc, s.Media)...)
				row = append(row, ',')
				row = append(row, g...)
				row = append(row, ',')
				row = append(row, openCell[b2i(s.Open)]...)
				row = append(row, ',')
				row = append(row, suf...)
				row = append(row, '\n')
				if _, err := bw.Write(row); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

// csvWindow is how many of a person's records WriteCSV encodes at once.
const csvWindow = 64

// cellEncoder encodes cells with encoding/csv into a byte slice.
type cellEncoder struct {
	w   *csv.Writer
	out []byte
}

func newCellEncoder() *cellEncoder {
	e := &cellEncoder{}
	e.w = csv.NewWriter(e)
	return e
}

// Write receives what e.w writes.
func (e *cellEncoder) Write(p []byte) (int, error) {
	e.out = append(e.out, p...)
	return len(p), nil
}

// append appends cells to dst as encoding/csv writes them in a record
// (quoted when needed, separated by commas), without the record's newline.
func (e *cellEncoder) append(dst []byte, cells []string) []byte {
	e.out = dst
	// Neither can fail: the delimiter is valid and Write above never fails.
	e.w.Write(cells)
	e.w.Flush()
	dst = e.out
	e.out = nil
	return dst[:len(dst)-1]
}

// zoneCache remembers the offset of the zone period last looked up, and the
// last date.
type zoneCache struct {
	lo, hi int64 // ms, [lo, hi)
	off    int
	set    bool
	// The date of the last time appended: days since the epoch, in the
	// zone, and its YYYY-MM-DD.
	days    int64
	date    [10]byte
	dateSet bool
}

func (z *zoneCache) offset(ms int64, loc *time.Location) int {
	if !z.set || ms < z.lo || ms >= z.hi {
		t := time.UnixMilli(ms).In(loc)
		_, z.off = t.Zone()
		z.lo, z.hi, z.set = math.MinInt64, math.MaxInt64, true
		start, end := t.ZoneBounds()
		if !start.IsZero() {
			z.lo = start.UnixMilli()
		}
		if !end.IsZero() {
			z.hi = end.UnixMilli()
		}
	}
	return z.off
}

// appendISO appends epoch ms as ISO 8601 with milliseconds and the offset of
// loc (2006-01-02T15:04:05.000+08:00, Z for UTC), like the layout
// "2006-01-02T15:04:05.000Z07:00" but without the generic layout parser,
// which dominated WriteCSV's time.
func appendISO(b []byte, ms int64, loc *time.Location) []byte {
	var z zoneCache
	return z.appendISO(b, ms, loc)
}

func (z *zoneCache) appendISO(b []byte, ms int64, loc *time.Location) []byte {
	off := z.offset(ms, loc)
	sec := floorDiv(ms, 1000)
	milli := ms - sec*1000
	sec += int64(off)
	days := floorDiv(sec, 86400)
	rem := sec - days*86400
	if !z.dateSet || days != z.days {
		y, mo, d := civilFromDays(days)
		if y < 0 || y > 9999 {
			return time.UnixMilli(ms).In(loc).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		}
		date := append2(append2(z.date[:0], y/100), y%100)
		date = append(date, '-')
		date = append2(date, mo)
		date = append(date, '-')
		append2(date, d)
		z.days, z.dateSet = days, true
	}
	b = append(b, z.date[:]...)
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

// cellCache remembers the encoded cells of a column's recent values:
// devices, media and departments repeat from row to row.
type cellCache struct {
	raw  [8]string
	out  [8][]byte
	n    int // entries used
	next int // entry to replace
}

func (c *cellCache) cell(e *cellEncoder, raw string) []byte {
	for i := range c.n {
		if c.raw[i] == raw {
			return c.out[i]
		}
	}
	i := c.next
	if c.n < len(c.raw) {
		i = c.n
		c.n++
	}
	c.next = (i + 1) % len(c.raw)
	c.raw[i] = raw
	c.out[i] = e.append(c.out[i][:0], []string{csvCell(trimSpace(raw))})
	return c.out[i]
}

// numberCell is the number cell of a record.
func numberCell(number string, shared bool) string {
	num := trimSpace(number)
	if shared {
		num = MaskNumber(num)
	}
	return csvCell(num)
}

// appendNumberCell appends numberCell(number, shared) to b.
func appendNumberCell(b []byte, number string, shared bool) []byte {
	num := trimSpace(number)
	if shared {
		return appendMaskedCell(b, num)
	}
	return appendCell(b, num)
}

// appendNameCell appends csvCell(csvName(name, shared)) to b.
func appendNameCell(b []byte, name string, shared bool) []byte {
	name = trimSpace(name)
	if shared && looksLikeNumber(name) {
		return appendMaskedCell(b, name)
	}
	return appendCell(b, name)
}

// appendMaskedCell appends csvCell(MaskNumber(s)) to b.
func appendMaskedCell(b []byte, s string) []byte {
	start := len(b)
	b = appendMaskNumber(b, s)
	if needsApostrophe(b[start:]) {
		b = append(b, 0)
		copy(b[start+1:], b[start:])
		b[start] = '\''
	}
	return b
}

// appendCell appends csvCell(s) to b.
func appendCell(b []byte, s string) []byte {
	if needsApostrophe(s) {
		b = append(b, '\'')
	}
	return append(b, s...)
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
	if needsApostrophe(s) {
		return "'" + s
	}
	return s
}

// needsApostrophe reports whether csvCell adds an apostrophe to s.
func needsApostrophe[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !plainNumber(s)
	}
	return false
}

// plainNumber matches ^[+-]?[0-9][0-9 ().-]*$.
func plainNumber[T string | []byte](s T) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if len(s) == 0 || s[0] < '0' || s[0] > '9' {
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
