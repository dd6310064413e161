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
	// Cells taken from meeting data (keys, names, numbers, departments,
	// devices, media) and the level are encoded by encoding/csv, whose
	// quoting depends on the cell alone, so a row may be joined from cells
	// encoded apart: the person's key, name and number once per person in
	// one Write, and the cells that repeat from row to row once per value.
	//
	// The other cells are appended directly: integers (strconv), ISO 8601
	// times, second counts, h:mm:ss, the share (strconv 'f', which writes
	// only digits, '.', '-', or NaN/+Inf/-Inf), the flags (fixed words and
	// ';') and true/false. By construction none holds a comma, a quote, CR
	// or LF, none starts with a space, and none is `\.`, so encoding/csv
	// would write each of them unchanged (TestDirectCellsNeedNoQuoting).
	enc := newCellEncoder()
	var (
		head, nameCell, numCell  []byte
		nameBuf, numBuf, headBuf []byte
		suf, cells, out          []byte
		cellEnds                 []int
		fields                   []string
		dept, device, media      cellCache
		level                    rawCellCache
		zone                     zoneCache
	)
	var lastName, lastNum string
	for b0 := 0; b0 < len(r.People); b0 += csvBatch {
		// The key, name and first number of csvBatch people go in one
		// string (one allocation) and through encoding/csv in one Write.
		b1 := min(len(r.People), b0+csvBatch)
		cells, cellEnds = cells[:0], cellEnds[:0]
		for pi := b0; pi < b1; pi++ {
			p := &r.People[pi]
			if shared {
				cells = strconv.AppendInt(append(cells, "person-"...), int64(pi+1), 10)
			} else {
				cells = appendCell(cells, p.Key)
			}
			cellEnds = append(cellEnds, len(cells))
			cells = appendNameCell(cells, p.Name, shared)
			cellEnds = append(cellEnds, len(cells))
			if len(p.Sessions) > 0 {
				cells = appendNumberCell(cells, p.Sessions[0].Number, shared)
			}
			cellEnds = append(cellEnds, len(cells))
		}
		gs := string(cells)
		fields = fields[:0]
		from := 0
		for _, to := range cellEnds {
			fields = append(fields, gs[from:to])
			from = to
		}
		out = enc.append(out[:0], fields)
		// When no cell was quoted, which the length shows, cell f is at
		// its offset in gs plus f commas.
		plain := len(out) == len(gs)+len(fields)-1

		for pi := b0; pi < b1; pi++ {
			p := &r.People[pi]
			if len(p.Sessions) == 0 {
				continue
			}
			f := 3 * (pi - b0)
			if plain {
				at := func(f int) int { return f + cellEnds[f] - len(fields[f]) }
				head = out[at(f) : f+1+cellEnds[f+1]]
				nameCell = out[at(f+1) : f+1+cellEnds[f+1]]
				numCell = out[at(f+2) : f+2+cellEnds[f+2]]
			} else {
				headBuf = enc.append(headBuf[:0], fields[f:f+2])
				head = headBuf
				nameBuf = enc.append(nameBuf[:0], fields[f+1:f+2])
				nameCell = nameBuf
				numBuf = enc.append(numBuf[:0], fields[f+2:f+3])
				numCell = numBuf
			}
			lastName, lastNum = p.Name, p.Sessions[0].Number
			// The person's totals, the same on each of their rows.
			suf = appendSeconds(suf[:0], p.InMeeting)
			suf = append(suf, ',')
			suf = appendHMS(suf, p.InMeeting)
			suf = append(suf, ',')
			suf = strconv.AppendInt(suf, int64(p.Joins), 10)
			suf = append(suf, ',')
			suf = strconv.AppendFloat(suf, p.Share*100, 'f', 1, 64)
			suf = append(suf, ',')
			suf = append(suf, level.cell(enc, string(p.Level))...)
			suf = append(suf, ',')
			suf = appendFlags(suf, p)
			suf = append(suf, '\n')

			for si := range p.Sessions {
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
				if bw.Available() < csvRowMax {
					if err := bw.Flush(); err != nil {
						return err
					}
				}
				row := bw.AvailableBuffer()
				row = append(row, head...)
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
				if s.Join > 0 {
					row = zone.appendISO(row, s.Join, loc)
				}
				row = append(row, ',')
				if !s.Open && s.Leave > 0 {
					row = zone.appendISO(row, s.Leave, loc)
				}
				row = append(row, ',')
				row = strconv.AppendInt(row, s.Join, 10)
				row = append(row, ',')
				if s.Leave != 0 {
					row = strconv.AppendInt(row, s.Leave, 10)
				}
				row = append(row, ',')
				row = appendSeconds(row, s.Length)
				if s.Open {
					row = append(row, ",true,"...)
				} else {
					row = append(row, ",false,"...)
				}
				row = append(row, suf...)
				if _, err := bw.Write(row); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

// csvBatch is how many people's key, name and number cells WriteCSV
// encodes at once.
const csvBatch = 64

// csvRowMax is the free buffer space below which WriteCSV flushes before a
// row, so that most rows are built in place in the buffer.
const csvRowMax = 4 << 10

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

// rawCellCache remembers the encoded cell of the last value, which is
// encoded as is (no apostrophe, no trimming).
type rawCellCache struct {
	raw string
	out []byte
	set bool
}

func (c *rawCellCache) cell(e *cellEncoder, raw string) []byte {
	if !c.set || raw != c.raw {
		c.raw, c.set = raw, true
		c.out = e.append(c.out[:0], []string{raw})
	}
	return c.out
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
