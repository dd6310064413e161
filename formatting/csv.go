package formatting

import (
	"bufio"
	"encoding/csv"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
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
// WriteCSV streams: memory use does not grow with the number of rows. Files
// of more than 2*csvChunkRows rows are encoded in chunks on up to
// min(GOMAXPROCS, 4) goroutines and written in order; w is only ever called
// from the calling goroutine. It returns the first error of w.
func WriteCSV(w io.Writer, r *Report, o CSVOptions) error {
	// One 64 KiB buffer for the header and small files; the rows come in
	// chunks of csvChunkRows, which bufio hands to w as they are, so a file
	// or network writer sees few, large writes.
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
	workers := min(runtime.GOMAXPROCS(0), csvMaxWorkers)
	if workers > 1 && r.Sessions > 2*csvChunkRows {
		if err := writeRowsParallel(bw, r, shared, loc, workers); err != nil {
			return err
		}
		return bw.Flush()
	}
	e := newRowEncoder(r, shared, loc)
	buf := getChunk()
	defer putChunk(buf)
	for p, s := 0, 0; p < len(r.People); {
		p1, s1 := nextChunk(r.People, p, s, csvChunkRows)
		*buf = e.rows((*buf)[:0], p, s, p1, s1)
		if _, err := bw.Write(*buf); err != nil {
			return err
		}
		p, s = p1, s1
	}
	return bw.Flush()
}

// csvChunkRows is how many rows WriteCSV encodes at once, and so about how
// much memory a chunk needs (a few hundred bytes a row) whatever the file
// size.
const csvChunkRows = 512

// chunks keeps chunk buffers from one WriteCSV to the next: a report's CSV
// is megabytes, and allocating them anew each time would be most of the
// garbage a report makes.
var chunks = sync.Pool{New: func() any {
	b := make([]byte, 0, 160<<10)
	return &b
}}

func getChunk() *[]byte { return chunks.Get().(*[]byte) }

func putChunk(b *[]byte) {
	if cap(*b) <= 1<<20 { // not the rare huge one (long names)
		chunks.Put(b)
	}
}

// csvMaxWorkers bounds the goroutines one WriteCSV encodes with.
const csvMaxWorkers = 4

// nextChunk returns the end of the chunk of at most n rows that starts at
// session s of person p: the rows end before session s1 of person p1
// (p1 == len(people), s1 == 0 at the end). A person with more sessions than
// n is cut into several chunks.
func nextChunk(people []Person, p, s, n int) (p1, s1 int) {
	for ; p < len(people); p, s = p+1, 0 {
		left := len(people[p].Sessions) - s
		if left >= n {
			if left == n {
				return p + 1, 0
			}
			return p, s + n
		}
		n -= left
	}
	return len(people), 0
}

// writeRowsParallel encodes the rows on workers goroutines, chunk by
// chunk, and writes the chunks to bw in order. At most 2*workers chunks
// wait to be written, so memory stays bounded.
func writeRowsParallel(bw *bufio.Writer, r *Report, shared bool, loc *time.Location, workers int) error {
	type job struct {
		p0, s0, p1, s1 int
		done           chan *[]byte
	}
	jobs := make(chan job)
	inOrder := make(chan job, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// However this returns (an error of w, or w panicking), jobs already
	// taken are finished (their results are buffered), the rest are never
	// started, and no goroutine is left behind.
	defer func() {
		close(stop)
		wg.Wait()
	}()
	wg.Go(func() { // cuts the rows into jobs, in order
		defer close(jobs)
		defer close(inOrder)
		for p, s := 0, 0; p < len(r.People); {
			p1, s1 := nextChunk(r.People, p, s, csvChunkRows)
			j := job{p, s, p1, s1, make(chan *[]byte, 1)}
			select {
			case inOrder <- j:
			case <-stop:
				return
			}
			select {
			case jobs <- j:
			case <-stop:
				return
			}
			p, s = p1, s1
		}
	})
	for range workers {
		wg.Go(func() {
			e := newRowEncoder(r, shared, loc)
			for j := range jobs {
				buf := getChunk()
				*buf = e.rows((*buf)[:0], j.p0, j.s0, j.p1, j.s1)
				j.done <- buf
			}
		})
	}
	for j := range inOrder {
		buf := <-j.done
		_, err := bw.Write(*buf)
		putChunk(buf)
		if err != nil {
			return err
		}
	}
	return nil
}

// rowEncoder appends CSV rows of one Report. One goroutine uses it.
//
// Cells taken from meeting data (keys, names, numbers, departments,
// devices, media) and the level are encoded by encoding/csv, whose quoting
// depends on the cell alone, so a row may be joined from cells encoded
// apart: the person's key, name and number once per person, csvBatch
// people in one Write, and the cells that repeat from row to row once per
// value.
//
// The other cells are appended directly: integers (strconv), ISO 8601
// times, second counts, h:mm:ss, the share (strconv 'f', which writes only
// digits, '.', '-', or NaN/+Inf/-Inf), the flags (fixed words and ';') and
// true/false. By construction none holds a comma, a quote, CR or LF, none
// starts with a space, and none is `\.`, so encoding/csv would write each
// of them unchanged (TestDirectCellsNeedNoQuoting).
type rowEncoder struct {
	r      *Report
	shared bool
	loc    *time.Location
	enc    *cellEncoder

	headBuf, pNameBuf, pNumBuf []byte
	nameBuf, numBuf            []byte
	suf, cells, out            []byte
	cellEnds                   []int
	touched                    byte // see batch
	fields                     []string
	dept, device, media        cellCache
	level                      rawCellCache
	zone                       zoneCache
}

func newRowEncoder(r *Report, shared bool, loc *time.Location) *rowEncoder {
	return &rowEncoder{r: r, shared: shared, loc: loc, enc: newCellEncoder()}
}

// rows appends the rows from session s0 of person p0 up to session s1 of
// person p1 (see nextChunk) to dst.
func (e *rowEncoder) rows(dst []byte, p0, s0, p1, s1 int) []byte {
	people := e.r.People
	last := p1 // the last person with rows here
	if s1 == 0 {
		last = p1 - 1
	}
	for b0 := p0; b0 <= last; b0 += csvBatch {
		b1 := min(last+1, b0+csvBatch)
		// The sessions of person pi that are in this chunk.
		span := func(pi int) []Session {
			ss := people[pi].Sessions
			if pi == p1 {
				ss = ss[:s1]
			}
			if pi == p0 {
				ss = ss[s0:]
			}
			return ss
		}
		dst = e.batch(dst, b0, b1, span)
	}
	return dst
}

// batch appends the rows of people b0 to b1-1, span(pi) giving the sessions
// of person pi to write.
func (e *rowEncoder) batch(dst []byte, b0, b1 int, span func(int) []Session) []byte {
	enc, shared, loc := e.enc, e.shared, e.loc
	// The batch's names and numbers, like its records (see below), are
	// scattered in memory: touching them first, in loads that do not wait
	// for each other, overlaps their cache misses. (touched only keeps the
	// loads from being optimised away.)
	var t byte
	for pi := b0; pi < b1; pi++ {
		p := &e.r.People[pi]
		if p.Name != "" {
			t ^= p.Name[0]
		}
		if p.Number != "" {
			t ^= p.Number[0]
		}
	}
	e.touched = t
	// The key, name and number of the batch's people go in one string (one
	// allocation) and through encoding/csv in one Write.
	cells, cellEnds := e.cells[:0], e.cellEnds[:0]
	for pi := b0; pi < b1; pi++ {
		p := &e.r.People[pi]
		if shared {
			cells = strconv.AppendInt(append(cells, "person-"...), int64(pi+1), 10)
		} else {
			cells = appendCell(cells, p.Key)
		}
		cellEnds = append(cellEnds, len(cells))
		cells = appendNameCell(cells, p.Name, shared)
		cellEnds = append(cellEnds, len(cells))
		cells = appendNumberCell(cells, p.Number, shared)
		cellEnds = append(cellEnds, len(cells))
	}
	e.cells, e.cellEnds = cells, cellEnds
	gs := string(cells)
	fields := e.fields[:0]
	from := 0
	for _, to := range cellEnds {
		fields = append(fields, gs[from:to])
		from = to
	}
	e.fields = fields
	out := enc.append(e.out[:0], fields)
	e.out = out
	// When no cell was quoted, which the length shows, cell f is at its
	// offset in gs plus f commas.
	plain := len(out) == len(gs)+len(fields)-1

	// The batch's records, touched ahead of its rows: the records are in
	// input order and the rows in display order, so each row's record is
	// a cache miss, and loads that do not wait for each other let the
	// processor wait for many misses at once instead of one per row. A
	// record spans two cache lines; Name and Join are one in each.
	var u int64
	for pi := b0; pi < b1; pi++ {
		for _, s := range span(pi) {
			u ^= int64(len(s.Name)) ^ s.Join
		}
	}
	e.touched ^= byte(u)

	for pi := b0; pi < b1; pi++ {
		p := &e.r.People[pi]
		ss := span(pi)
		if len(ss) == 0 {
			continue
		}
		var head, pName, pNum []byte
		f := 3 * (pi - b0)
		if plain {
			at := func(f int) int { return f + cellEnds[f] - len(fields[f]) }
			head = out[at(f) : f+1+cellEnds[f+1]]
			pName = out[at(f+1) : f+1+cellEnds[f+1]]
			pNum = out[at(f+2) : f+2+cellEnds[f+2]]
		} else {
			e.headBuf = enc.append(e.headBuf[:0], fields[f:f+2])
			head = e.headBuf
			e.pNameBuf = enc.append(e.pNameBuf[:0], fields[f+1:f+2])
			pName = e.pNameBuf
			e.pNumBuf = enc.append(e.pNumBuf[:0], fields[f+2:f+3])
			pNum = e.pNumBuf
		}
		// The name and number cells of the row, and the text they encode:
		// the person's, until a record has other text.
		nameCell, numCell := pName, pNum
		lastName, lastNum := p.Name, p.Number
		// The person's totals, the same on each of their rows.
		suf := appendSeconds(e.suf[:0], p.InMeeting)
		suf = append(suf, ',')
		suf = appendHMS(suf, p.InMeeting)
		suf = append(suf, ',')
		suf = strconv.AppendInt(suf, int64(p.Joins), 10)
		suf = append(suf, ',')
		suf = strconv.AppendFloat(suf, p.Share*100, 'f', 1, 64)
		suf = append(suf, ',')
		suf = append(suf, e.level.cell(enc, string(p.Level))...)
		suf = append(suf, ',')
		suf = appendFlags(suf, p)
		suf = append(suf, '\n')
		e.suf = suf

		for si := range ss {
			s := &ss[si]
			// Analyze marked the records whose text is the person's, so
			// most rows need not read it.
			switch {
			case s.same&sameName != 0:
				lastName, nameCell = p.Name, pName
			case s.Name != lastName:
				lastName = s.Name
				e.nameBuf = enc.append(e.nameBuf[:0], []string{csvCell(csvName(s.Name, shared))})
				nameCell = e.nameBuf
			}
			switch {
			case s.same&sameNumber != 0:
				lastNum, numCell = p.Number, pNum
			case s.Number != lastNum:
				lastNum = s.Number
				e.numBuf = enc.append(e.numBuf[:0], []string{numberCell(s.Number, shared)})
				numCell = e.numBuf
			}
			row := dst
			row = append(row, head...)
			row = append(row, ',')
			row = append(row, nameCell...)
			row = append(row, ',')
			row = append(row, numCell...)
			row = append(row, ',')
			row = append(row, e.dept.cell(enc, s.Dept)...)
			row = append(row, ',')
			row = append(row, e.device.cell(enc, s.Device)...)
			row = append(row, ',')
			row = append(row, e.media.cell(enc, s.Media)...)
			row = append(row, ',')
			join, leave := s.Join, s.Leave
			if join > 0 {
				row = e.zone.appendISO(row, join, loc)
			}
			row = append(row, ',')
			if !s.Open && leave > 0 {
				row = e.zone.appendISO(row, leave, loc)
			}
			row = append(row, ',')
			row = appendEpochMs(row, join)
			row = append(row, ',')
			if leave != 0 {
				row = appendEpochMs(row, leave)
			}
			row = append(row, ',')
			row = appendSeconds(row, s.Length)
			if s.Open {
				row = append(row, ",true,"...)
			} else {
				row = append(row, ",false,"...)
			}
			dst = append(row, suf...)
		}
	}
	return dst
}

// csvBatch is how many people's key, name and number cells WriteCSV
// encodes at once.
const csvBatch = 64

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

// appendEpochMs appends ms in decimal like strconv.AppendInt, with a fast
// path for 13 digits: every time from 2001-09-09 to 2286-11-20 in epoch
// milliseconds, two of which are on every CSV row.
func appendEpochMs(b []byte, ms int64) []byte {
	if ms < 1e12 || ms >= 1e13 {
		return strconv.AppendInt(b, ms, 10)
	}
	n := len(b)
	b = append(b, "0000000000000"...)
	d := b[n : n+13]
	u := uint64(ms)
	for i := 11; i > 0; i -= 2 {
		q := u / 100
		r := (u - q*100) * 2
		d[i], d[i+1] = digitPairs[r], digitPairs[r+1]
		u = q
	}
	d[0] = byte('0' + u)
	return b
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809" +
	"10111213141516171819" + "20212223242526272829" + "30313233343536373839" +
	"40414243444546474849" + "50515253545556575859" + "60616263646566676869" +
	"70717273747576777879" + "80818283848586878889" + "90919293949596979899"

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
