package formatting

import (
	"cmp"
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
// member in AnalyzeSeries's order: runs attended of the readable runs,
// time per attended run, times late, "missed the last N" from two on.
// Message.More counts the members not listed: attach the CSV.
func SeriesSummary(s *attendance.Series, o SeriesOptions) Message {
	b, w, m := newBuilder(nil, o.MessageOptions), o.Words, seriesMeeting(s)
	title, suffix := b.title(&m), " — "+w.N("series.last_runs", len(s.Runs))+b.filtered(s.Search)
	b.header(title, suffix)

	var parts []string
	if id := strings.TrimSpace(m.MeetingID); id != "" {
		parts = append(parts, "*"+w.T("series.meeting_id")+"* "+escapeText(GroupDigits(id), 40, 100))
	}
	runs := "*" + w.T("series.runs") + "* " + strconv.Itoa(len(s.Runs))
	switch n := len(s.Runs); {
	case n == 1:
		runs += w.T("summary.colon") + b.day(s.Runs[0].Start())
	case n > 1:
		runs += w.T("summary.colon") + b.day(s.Runs[n-1].Start()) + " – " + b.day(s.Runs[0].Start())
	}
	lines := []string{strings.Join(append(parts, runs), " · ")}
	if unread := len(s.Runs) - s.Readable; unread > 0 {
		var days []string
		for i := range s.Runs {
			if s.Runs[i].Report == nil {
				days = append(days, b.day(s.Runs[i].Start()))
			}
		}
		lines = append(lines, w.N("series.unreadable", unread, args{"Readable": s.Readable, "Days": strings.Join(days, w.T("summary.sep"))}))
	}
	if o.Asked > len(s.Runs) {
		lines = append(lines, w.N("series.fewer", len(s.Runs), args{"Asked": o.Asked, "Days": int(o.Window.Hours() / 24)}))
	}
	b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(strings.Join(lines, "\n")), nil, nil))
	if s.Readable > 0 {
		sum := []string{w.T("series.per_run", args{"Avg": strconv.FormatFloat(s.Average, 'f', 1, 64)})}
		if s.Readable > 1 {
			fewest := &s.Runs[s.Fewest]
			sum = append(sum, w.T("series.regulars", args{"Runs": s.Readable, "N": s.Regulars}),
				w.N("series.fewest", len(fewest.Report.People), args{"At": b.day(fewest.Start())}))
		}
		b.context(strings.Join(sum, " · "))
	}

	names := make([]attendance.Person, len(s.Members)) // what nameTags reads
	for i, m := range s.Members {
		names[i] = attendance.Person{Name: m.Name, Number: m.Number, Dept: m.Dept}
	}
	more := b.list(names, func(i int, tag string) string { return b.memberLine(s, &s.Members[i], tag) })
	return b.finish(title, suffix, len(s.Members), more)
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
	w, parts := b.w, []string{strconv.Itoa(m.Attended) + "/" + strconv.Itoa(s.Readable)}
	if m.Attended > 0 {
		parts = append(parts, w.T("series.avg", args{"D": b.dur(m.Average)}))
	}
	if m.Late > 0 {
		parts = append(parts, w.N("series.late", m.Late))
	}
	if m.Missed > 0 {
		parts = append(parts, "_"+w.N("series.missed_last", m.Missed)+"_")
	}
	return b.line(m.Name, m.Number, m.Dept, tag, parts)
}

// SeriesNote is what an automatic post adds under a run's summary for a
// channel watching "with series": a context line of the members who came
// before but missed the latest two runs or more in a row, most missed
// first ("missed the last 3: Dan · missed the last 2: Erin, Frank"); nil
// when nobody did. Names are shown for o.Audience.
func SeriesNote(s *attendance.Series, o MessageOptions) []slack.Block {
	if line := seriesLine(s, o); line != "" {
		return contextLine(line)
	}
	return nil
}

func seriesLine(s *attendance.Series, o MessageOptions) string {
	b, w := newBuilder(nil, o), o.Words
	byMissed := map[int][]string{}
	for i := range s.Members {
		if m := &s.Members[i]; m.Missed > 0 {
			byMissed[m.Missed] = append(byMissed[m.Missed], b.displayName(m.Name, m.Number))
		}
	}
	var parts []string
	for _, n := range slices.Backward(slices.Sorted(maps.Keys(byMissed))) {
		names := byMissed[n]
		if len(names) > noShowNames {
			names = append(names[:noShowNames:noShowNames], w.N("summary.more", len(names)-noShowNames))
		}
		parts = append(parts, w.N("series.missed_last", n)+w.T("summary.colon")+strings.Join(names, w.T("summary.sep")))
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
	loc, a := cmp.Or(o.Location, time.UTC), o.Audience
	header := slices.Clone(SeriesCSVHeader)
	for i := range s.Runs {
		col := textCell(s.Runs[i].Meeting.ConfUUID) // when the start is unknown
		if t := s.Runs[i].Start(); !t.IsZero() {
			col = t.In(loc).Format(time.RFC3339)
		}
		header = append(header, col)
	}
	minutes := func(d time.Duration) string { return strconv.FormatFloat(d.Minutes(), 'f', 1, 64) }
	return writeCSV(w, header, func(yield func([]string) bool) {
		for i := range s.Members {
			m := &s.Members[i]
			avg := "" // no average of no run
			if m.Attended > 0 {
				avg = minutes(m.Average)
			}
			row := []string{keyCell(m.Key, i, a), csvCell(a.name(m.Name)), csvCell(a.number(m.Number)), textCell(m.Dept),
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
			if !yield(row) {
				return
			}
		}
	})
}
