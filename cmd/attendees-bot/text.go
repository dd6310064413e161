package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/terminal"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// writeText prints a report for a terminal: plain text (no Slack markup),
// the summary, then every person on a line of their own; noInvites says the
// invite list could not be read. The records
// themselves are what --format csv is for, and the last line says so.
func writeText(w io.Writer, rep *attendance.Report, noInvites bool, others []meeting.Conference, loc *time.Location) error {
	ew := &errWriter{w: w}
	m := rep.Meeting
	heading(ew, m.Subject, "", rep.Search)

	var summary table
	row := func(label, value string) { summary.add(label, value) }
	if m.MeetingID != "" {
		row("Meeting ID", formatting.GroupDigits(formatting.Printable(m.MeetingID)))
	}
	row("Conference", m.ConfUUID)
	if !rep.Start.IsZero() {
		span := rep.Start.In(loc).Format("2006-01-02 15:04") + " – " + rep.End.In(loc).Format("15:04 MST") + " (" + formatting.Clock(rep.Span)
		if rep.Scheduled {
			span += ", scheduled"
			if !m.Start.Equal(rep.Start) || !m.End.Equal(rep.End) { // the meeting overran
				span += " " + m.Start.In(loc).Format("15:04") + " – " + m.End.In(loc).Format("15:04")
			}
		}
		if rep.Ongoing {
			span += ", still running"
		}
		row("Span", span+")")
	}
	row("People", fmt.Sprintf("%d (%d records)", len(rep.People), rep.Sessions))
	if rep.Unreadable > 0 {
		row("Unreadable", fmt.Sprintf("%d records with unreadable times were left out", rep.Unreadable))
	}
	if len(rep.People) > 0 {
		row("Average", formatting.Clock(rep.Average)+", median "+formatting.Clock(rep.Median))
		if !rep.PeakAt.IsZero() {
			row("Peak", fmt.Sprintf("%d at %s", rep.Peak, rep.PeakAt.In(loc).Format("15:04")))
		}
		row("Attendance", fmt.Sprintf("present %d, partial %d, brief %d; late %d, left early %d, end unknown %d",
			rep.Present, rep.Partial, rep.Brief, rep.Late, rep.Early, rep.Open))
	}
	if noInvites {
		row("Invited", "unknown: the invite list could not be read, so no comparison")
	}
	if rep.InviteKnown {
		noShows := make([]string, len(rep.NoShows))
		for i, inv := range rep.NoShows {
			noShows[i] = cell(firstNonEmpty(inv.Name, inv.Email, inv.Number, "(no name)"), nameCols)
		}
		v := fmt.Sprintf("%d, no-shows %d, not invited %d", rep.Invited, len(rep.NoShows), rep.Uninvited)
		row("Invited", v)
		if len(noShows) > 0 {
			row("No-shows", strings.Join(noShows, ", "))
		}
	}
	for _, c := range []struct {
		label, none string
		counts      []attendance.Count
	}{{"Devices", "unknown", rep.Devices}, {"Media", "unknown", rep.Media}, {"Departments", "no department", rep.Depts}} {
		if len(c.counts) > 0 {
			row(c.label, counts(c.counts, c.none))
		}
	}
	summary.write(ew)

	if len(rep.People) > 0 {
		fmt.Fprintln(ew)
		people := table{{"NAME", "TIME", "JOINS", "DEPARTMENT", "NOTES"}}
		for i := range rep.People {
			p := &rep.People[i]
			in := formatting.Clock(p.InMeeting)
			if !p.Timed() {
				in = "unknown"
			}
			notes := strings.Join(formatting.PersonFlags(p, rep.Ongoing, words), words.T("summary.sep"))
			people.add(cell(firstNonEmpty(p.Name, p.Number, "(no name)"), nameCols), in, strconv.Itoa(p.Joins), cell(p.Dept, deptCols), notes)
		}
		people.write(ew)
	}
	if len(others) > 0 {
		fmt.Fprintf(ew, "\nThis meeting ID ran %d more time(s); earlier instances:\n", len(others))
		for _, c := range others {
			fmt.Fprintf(ew, "  %s  %s\n", c.ConfUUID, c.Start.In(loc).Format("2006-01-02 15:04 MST"))
		}
	}
	fmt.Fprintf(ew, "\nEvery record (each join, device and time): %s\n", csvCommand(m.ConfUUID, rep.Search, 0))
	return ew.err
}

// csvCommand is the command that prints target as CSV: its last runs
// when last is 2 or more, of the people search matches when set.
func csvCommand(target, search string, last int) string {
	args := []string{"lookup", "--format", "csv"}
	if last > 1 {
		args = append(args, "--last", strconv.Itoa(last))
	}
	if search != "" {
		args = append(args, "--search", search)
	}
	return commandLine(append(args, target)...)
}

// heading writes a title (subject, suffix, "filtered: search") and its
// underline.
func heading(w io.Writer, subject, suffix, search string) {
	title := firstNonEmpty(formatting.Printable(subject), "(no subject)") + suffix
	if search != "" {
		title += " — filtered: " + formatting.Printable(search)
	}
	fmt.Fprintf(w, "%s\n%s\n", title, strings.Repeat("=", min(max(terminal.Width(title), 3), 80)))
}

// commandLine is attendees-bot with args as a POSIX shell reads them:
// each word single-quoted unless it is safe as it is, so a command the
// terminal suggests works when pasted, whatever the meeting's text.
func commandLine(args ...string) string {
	var b strings.Builder
	b.WriteString("attendees-bot")
	for _, a := range args {
		b.WriteByte(' ')
		safe := a != "" && !strings.ContainsFunc(a, func(r rune) bool {
			return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:=@%+,", r))
		})
		if safe {
			b.WriteString(a)
		} else {
			b.WriteString("'" + strings.ReplaceAll(formatting.Printable(a), "'", `'\''`) + "'")
		}
	}
	return b.String()
}

// words are the terminal's words for what Slack shows too: the lookup
// command speaks English.
var words = catalog.For(catalog.English)

// Table cells of meeting text are cut to these many columns, as Slack
// cuts names at 60 runes and departments at 40.
const (
	nameCols = 60
	deptCols = 40
)

// counts is a breakdown; none names the people without a value.
func counts(cs []attendance.Count, none string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = cell(firstNonEmpty(c.Name, none), deptCols) + " " + strconv.Itoa(c.N)
	}
	return strings.Join(parts, ", ")
}

// cell is meeting text fit for one table cell: printable as in Slack, on
// one line with single spaces, at most cols columns wide.
func cell(s string, cols int) string {
	return terminal.Cut(strings.Join(strings.Fields(formatting.Printable(s)), " "), cols)
}

// table is rows of cells printed in aligned columns. text/tabwriter
// counts a Chinese character as one column where a terminal shows two, so
// the widths here are terminal.Width's.
type table [][]string

func (t *table) add(cells ...string) { *t = append(*t, cells) }

func (t table) write(w io.Writer) {
	var widths []int
	for _, row := range t {
		for i, c := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], terminal.Width(c))
		}
	}
	var b strings.Builder
	for _, row := range t {
		b.Reset()
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-terminal.Width(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// errWriter keeps the first write error, so a report is printed with plain
// Fprintf calls and checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// writeSeriesText prints a series of runs for a terminal: the runs (those
// that could not be read marked), the summary, then every person with the
// runs they came to of the readable ones.
func writeSeriesText(w io.Writer, s *attendance.Series, asked int, loc *time.Location) error {
	ew := &errWriter{w: w}
	newest := s.Runs[0].Meeting
	heading(ew, newest.Subject, " — "+words.N("series.last_runs", len(s.Runs)), s.Search)
	var summary table
	summary.add("Meeting ID", formatting.GroupDigits(formatting.Printable(newest.MeetingID)))
	for i, r := range s.Runs {
		label := ""
		if i == 0 {
			label = "Runs"
		}
		what := "couldn't read"
		if r.Report != nil {
			what = fmt.Sprintf("%d people", len(r.Report.People))
		}
		summary.add(label, r.Start().In(loc).Format("2006-01-02 15:04 MST")+"  "+r.Meeting.ConfUUID+"  "+what)
	}
	if asked > len(s.Runs) {
		summary.add("", words.N("series.fewer", len(s.Runs), catalog.Args{"Asked": asked, "Days": int(bot.SeriesWindow.Hours() / 24)}))
	}
	switch {
	case s.Readable > 1:
		summary.add("Per run", fmt.Sprintf("%.1f people; regulars (all %d readable runs) %d", s.Average, s.Readable, s.Regulars))
	case s.Readable == 1: // regulars of one run are everybody: as Slack, not said
		summary.add("Per run", fmt.Sprintf("%.1f people", s.Average))
	}
	summary.write(ew)
	if len(s.Members) > 0 {
		fmt.Fprintln(ew)
		people := table{{"NAME", "RUNS", "AVERAGE", "LATE", "DEPARTMENT", "NOTES"}}
		for i := range s.Members {
			m := &s.Members[i]
			note := ""
			if m.Missed > 0 {
				note = words.N("series.missed_last", m.Missed)
			}
			avg := "-"
			if m.Attended > 0 {
				avg = formatting.Clock(m.Average)
			}
			people.add(cell(firstNonEmpty(m.Name, m.Number, "(no name)"), nameCols), fmt.Sprintf("%d/%d", m.Attended, s.Readable), avg, strconv.Itoa(m.Late), cell(m.Dept, deptCols), note)
		}
		people.write(ew)
	}
	switch one := &s.Runs[0]; {
	case len(s.Runs) > 1:
		fmt.Fprintf(ew, "\nEach person's minutes in each run: %s\n", csvCommand(newest.MeetingID, s.Search, len(s.Runs)))
	case one.Report != nil: // one run is one meeting: --last takes 2 or more
		fmt.Fprintf(ew, "\nEvery record (each join, device and time): %s\n", csvCommand(one.Meeting.ConfUUID, s.Search, 0))
	}
	return ew.err
}
