package formatting

import (
	"bytes"
	"cmp"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// File is a rendered CSV ready to upload: a safe file name, a title and the
// bytes.
type File struct {
	Name    string // attendees-<meeting ID or confUUID>.csv, letters, digits and dashes only
	Title   string // "Attendees: <subject>" in CSVOptions.Words' language, at most 200 characters
	Content []byte
}

// CSVFile renders the whole CSV of r in memory, named after its meeting.
func CSVFile(r *attendance.Report, o CSVOptions) File {
	m := &r.Meeting
	return csvFile(cmp.Or(m.MeetingID, m.ConfUUID), "", fileTitle(o.Words, m.Subject, "", r.Search), r.Sessions+len(r.NoShows),
		func(w io.Writer) error { return WriteCSV(w, r, o) })
}

// SeriesCSVFile renders the whole series CSV in memory, named after the
// meeting and the number of runs.
func SeriesCSVFile(s *attendance.Series, o CSVOptions) File {
	m, n := seriesMeeting(s), len(s.Runs)
	return csvFile(cmp.Or(m.MeetingID, m.ConfUUID), "-last"+strconv.Itoa(n),
		fileTitle(o.Words, cmp.Or(m.Subject, m.MeetingID), o.Words.N("series.last_runs", n), s.Search), len(s.Members),
		func(w io.Writer) error { return WriteSeriesCSV(w, s, o) })
}

// NeedsNoShowsFile reports whether an invite comparison that came after
// its message must send the no-shows as NoShowsFile: some exist and msg
// cannot name them all, or the records already went out as a file (which
// was written before there were no-show rows).
func NeedsNoShowsFile(r *attendance.Report, msg Message, fileSent bool) bool {
	return len(r.NoShows) > 0 && (fileSent || msg.More > 0)
}

// NoShowsFile is the CSV of r's no-shows alone (WriteCSV's no-show rows),
// named after its meeting with "-no-shows": for when the invite list came
// after the records' file went out.
func NoShowsFile(r *attendance.Report, o CSVOptions) File {
	only := *r
	only.People = nil
	title := o.Words.T("summary.no_shows")
	if subject := strings.TrimSpace(r.Meeting.Subject); subject != "" {
		title += o.Words.T("summary.colon") + subject
	}
	return csvFile(cmp.Or(r.Meeting.MeetingID, r.Meeting.ConfUUID), "-no-shows", title, len(r.NoShows),
		func(w io.Writer) error { return WriteCSV(w, &only, o) })
}

// csvFile renders write's CSV of about rows rows in memory (which cannot
// fail) as attendees-<id><suffix>.csv with title, cut to 200 runes. It
// starts at 256 bytes a row: grown from empty, a town hall's 5.5 MB file
// was 11 MB allocated (BenchmarkTownHallFirstAnswer; issue 11).
func csvFile(id, suffix, title string, rows int, write func(io.Writer) error) File {
	buf := bytes.NewBuffer(make([]byte, 0, 256*(rows+1)))
	_ = write(buf)
	return File{Name: "attendees-" + fileSafe(id) + suffix + ".csv", Title: cutRunes(title, 200), Content: buf.Bytes()}
}

// fileTitle is a CSV's title: "Attendees: <subject>", then what it holds
// (e.g. "last 4 runs") and the people search it is filtered by, in
// brackets.
func fileTitle(w Words, subject, holds, search string) string {
	title := w.T("summary.file")
	if subject != "" {
		title = w.T("summary.file_of", args{"Subject": subject})
	}
	if holds != "" {
		title += " (" + holds + ")"
	}
	if search != "" {
		title += " (" + w.T("summary.filtered", args{"Search": search}) + ")"
	}
	return title
}

// cutRunes cuts s to at most n runes, marking a cut with "…".
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// fileSafe keeps letters, digits and dashes of s (at most 64).
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' {
			return r
		}
		return -1
	}, s)
	if s == "" {
		return "meeting"
	}
	return s[:min(len(s), 64)]
}
