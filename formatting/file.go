package formatting

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// File is a rendered CSV ready to upload: a safe file name, a title and the
// bytes.
type File struct {
	Name    string // attendees-<meeting ID or confUUID>.csv, letters, digits and dashes only
	Title   string // "Attendees: <subject>" in CSVOptions.Lang, at most 200 characters
	Content []byte
}

// CSVFile renders the whole CSV of r in memory, named after its meeting.
func CSVFile(r *attendance.Report, o CSVOptions) File {
	var buf bytes.Buffer
	// Writing to memory cannot fail.
	_ = WriteCSV(&buf, r, o)
	id := r.Meeting.MeetingID
	if id == "" {
		id = r.Meeting.ConfUUID
	}
	l := labelsFor(o.Lang)
	title := l.fileTitle(r.Meeting.Subject)
	if r.Search != "" {
		title += " (" + l.filtered(r.Search) + ")"
	}
	return File{Name: "attendees-" + fileSafe(id) + ".csv", Title: cutRunes(title, 200), Content: buf.Bytes()}
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
