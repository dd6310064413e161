package formatting

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// SeriesOptions tune SeriesSummary: those of Summary, and what was asked.
type SeriesOptions struct {
	MessageOptions
	Asked  int           // runs asked for; more than the series has says the meeting ran fewer times
	Window time.Duration // how far back the runs were looked for
}

// SeriesSummary renders the attendance of several runs: a header (subject,
// "last N runs", the filter), the meeting ID and the runs' dates (saying
// which could not be read and that the counts are of the readable ones,
// and when the meeting ran fewer times than asked), a summary line
// (people per run, regulars, the run with the fewest), then one line per
// member as SeriesMembers orders them: runs attended of the readable runs,
// time per attended run, times late, "missed the last N" from two on.
// Message.More counts the members not listed: attach the CSV.
func SeriesSummary(s *attendance.Series, o SeriesOptions) Message {
	b := &msgBuilder{r: &attendance.Report{}, o: o.MessageOptions, l: labelsFor(o.Lang), loc: cmp.Or(o.Location, time.UTC)}
	l, m := b.l, seriesMeeting(s)
	b.r.Meeting = m
	title, suffix := b.title(), " — "+l.lastRuns(len(s.Runs))
	if s.Search != "" {
		suffix += " — " + l.filtered(plainText(s.Search, 40, 100))
	}
	head := cmp.Or(plainText(title, maxHeader-1-utf16Len(suffix), maxHeader-utf16Len(suffix)), l.attendance) + suffix
	b.total += utf16Len(head)
	b.blocks = append(b.blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, false, false)))

	var parts []string
	if id := strings.TrimSpace(m.MeetingID); id != "" {
		parts = append(parts, "*"+l.meetingID+"* "+escapeText(id, 40, 100))
	}
	runs := "*" + l.runs + "* " + strconv.Itoa(len(s.Runs))
	switch n := len(s.Runs); {
	case n == 1:
		runs += l.colon + b.day(s.Runs[0].Start())
	case n > 1:
		runs += l.colon + b.day(s.Runs[n-1].Start()) + " – " + b.day(s.Runs[0].Start())
	}
	lines := []string{strings.Join(append(parts, runs), " · ")}
	if unread := len(s.Runs) - s.Readable; unread > 0 {
		var days []string
		for i := range s.Runs {
			if s.Runs[i].Report == nil {
				days = append(days, b.day(s.Runs[i].Start()))
			}
		}
		lines = append(lines, l.unreadRuns(unread, s.Readable, strings.Join(days, l.sep)))
	}
	if o.Asked > len(s.Runs) {
		lines = append(lines, l.fewerRuns(len(s.Runs), o.Asked, int(o.Window.Hours()/24)))
	}
	b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(strings.Join(lines, "\n")), nil, nil))
	if s.Readable > 0 {
		sum := []string{l.perRun(strconv.FormatFloat(s.Average, 'f', 1, 64))}
		if s.Readable > 1 {
			fewest := &s.Runs[s.Fewest]
			sum = append(sum, l.regulars(s.Readable, s.Regulars), l.fewest(b.day(fewest.Start()), len(fewest.Report.People)))
		}
		b.context(strings.Join(sum, " · "))
	}

	names := make([]attendance.Person, len(s.Members)) // what nameTags reads
	for i, m := range s.Members {
		names[i] = attendance.Person{Name: m.Name, Number: m.Number, Dept: m.Dept}
	}
	more := b.list(names, func(i int, tag string) string { return b.memberLine(s, &s.Members[i], tag) })
	if note := strings.TrimSpace(o.FileNote); note != "" {
		b.context(cutUTF16(note, maxFileNote))
	}
	text := l.attendance + l.colon + escapeText(title, maxHeader-1, 3*maxHeader) + suffix + " — " + l.peopleText(len(s.Members))
	return Message{Text: text, Blocks: b.blocks, More: more}
}

// seriesMeeting is the newest run's conference, with the subject and
// meeting ID of the newest run that has them.
func seriesMeeting(s *attendance.Series) attendance.Meeting {
	var m attendance.Meeting
	for i := len(s.Runs) - 1; i >= 0; i-- {
		r := &s.Runs[i].Meeting
		m.ConfUUID, m.Subject, m.MeetingID = r.ConfUUID, cmp.Or(r.Subject, m.Subject), cmp.Or(r.MeetingID, m.MeetingID)
	}
	return m
}

func (b *msgBuilder) memberLine(s *attendance.Series, m *attendance.Member, tag string) string {
	l := b.l
	line := "*" + b.displayName(m.Name, m.Number)
	if tag != "" {
		line += " " + tag
	}
	line += "* — " + strconv.Itoa(m.Attended) + "/" + strconv.Itoa(s.Readable)
	if m.Attended > 0 {
		line += " · " + l.avg(b.dur(m.Average))
	}
	if m.Late > 0 {
		line += " · " + l.lateTimes(m.Late)
	}
	if m.Missed >= 2 && m.Attended > 0 {
		line += " · _" + l.missedLast(m.Missed) + "_"
	}
	if m.Dept != "" {
		line += " · " + escapeText(m.Dept, deptRunes, deptOut)
	}
	return line
}

// day renders t's date as a Slack date token, with a fallback in b.loc.
func (b *msgBuilder) day(t time.Time) string {
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^{date_short}|" + t.In(b.loc).Format("2006-01-02") + ">"
}

// SeriesNote is what an automatic post adds under a run's summary for a
// channel watching "with series": a context line of the members who came
// before but missed the latest two runs or more in a row, most missed
// first ("missed the last 3: Dan · missed the last 2: Erin, Frank"); nil
// when nobody did. Names are shown for o.Audience.
func SeriesNote(s *attendance.Series, o MessageOptions) []slack.Block {
	if line := seriesLine(s, o); line != "" {
		return []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, line, false, false))}
	}
	return nil
}

func seriesLine(s *attendance.Series, o MessageOptions) string {
	b := &msgBuilder{o: o, l: labelsFor(o.Lang)}
	byMissed := map[int][]string{}
	for i := range s.Members {
		if m := &s.Members[i]; m.Missed >= 2 && m.Attended > 0 {
			byMissed[m.Missed] = append(byMissed[m.Missed], b.displayName(m.Name, m.Number))
		}
	}
	var parts []string
	for _, n := range slices.Backward(slices.Sorted(maps.Keys(byMissed))) {
		names := byMissed[n]
		if len(names) > noShowNames {
			names = append(names[:noShowNames:noShowNames], b.l.more(len(names)-noShowNames))
		}
		parts = append(parts, b.l.missedLast(n)+b.l.colon+strings.Join(names, b.l.sep))
	}
	return strings.Join(parts, " · ")
}

// SeriesCSVHeader is the fixed part of WriteSeriesCSV's header; one column
// per run follows.
var SeriesCSVHeader = []string{"person_key", "name", "number", "dept", "attended", "of", "avg_minutes", "late_count", "missed_latest_in_a_row"}

// unreadCell fills the column of a run whose records could not be read.
const unreadCell = "couldn't read"

// WriteSeriesCSV writes one row per member, in SeriesSummary's order:
// SeriesCSVHeader, then one column per run (newest first) headed by its
// start in ISO 8601 with the offset of o.Location, whose cell is the
// member's minutes in that run with one decimal, empty when absent, and
// "couldn't read" for a run whose records could not be read. BOM, formula
// neutralising and masking are WriteCSV's.
func WriteSeriesCSV(w io.Writer, s *attendance.Series, o CSVOptions) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	loc, shared := cmp.Or(o.Location, time.UTC), o.Audience == Shared
	header := slices.Clone(SeriesCSVHeader)
	for i := range s.Runs {
		col := textCell(s.Runs[i].Meeting.ConfUUID) // when the start is unknown
		if t := s.Runs[i].Start(); !t.IsZero() {
			col = t.In(loc).Format(time.RFC3339)
		}
		header = append(header, col)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	minutes := func(d time.Duration) string { return strconv.FormatFloat(d.Minutes(), 'f', 1, 64) }
	for i := range s.Members {
		m := &s.Members[i]
		key := csvCell(m.Key)
		if shared {
			key = "person-" + strconv.Itoa(i+1)
		}
		avg := "" // no average of no run
		if m.Attended > 0 {
			avg = minutes(m.Average)
		}
		row := []string{key, nameCell(m.Name, shared), numberCell(m.Number, shared), textCell(m.Dept),
			strconv.Itoa(m.Attended), strconv.Itoa(s.Readable), avg, strconv.Itoa(m.Late), strconv.Itoa(m.Missed)}
		for j, p := range m.In {
			switch {
			case s.Runs[j].Report == nil:
				row = append(row, unreadCell)
			case p == nil:
				row = append(row, "")
			default:
				row = append(row, minutes(p.InMeeting))
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SeriesCSVFile renders the whole series CSV in memory, named after the
// meeting and the number of runs.
func SeriesCSVFile(s *attendance.Series, o CSVOptions) File {
	var buf bytes.Buffer
	_ = WriteSeriesCSV(&buf, s, o) // writing to memory cannot fail
	m, l := seriesMeeting(s), labelsFor(o.Lang)
	title := l.fileTitle(cmp.Or(m.Subject, m.MeetingID)) + " (" + l.lastRuns(len(s.Runs)) + ")"
	if s.Search != "" {
		title += " (" + l.filtered(s.Search) + ")"
	}
	return File{Name: "attendees-" + fileSafe(cmp.Or(m.MeetingID, m.ConfUUID)) + "-last" + strconv.Itoa(len(s.Runs)) + ".csv", Title: cutRunes(title, 200), Content: buf.Bytes()}
}
