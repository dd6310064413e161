package formatting

import (
	"cmp"
	"encoding/csv"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// CSVOptions tune WriteCSV. The zero value writes full numbers and UTC times.
type CSVOptions struct {
	Audience Audience       // Shared masks numbers, number-like names and number keys
	Location *time.Location // zone of the ISO 8601 times; nil = UTC
	Words    Words          // the language of a file's title (CSVFile, SeriesCSVFile, NoShowsFile)
}

// CSVHeader is the header row of WriteCSV. It is English snake_case in every
// language so scripts and pivot tables keep working.
var CSVHeader = []string{
	"person_key", "name", "record_name", "number", "dept", "device", "media",
	"join", "leave", "join_ms", "leave_ms", "session_seconds", "open",
	"person_time_seconds", "person_time_hms", "person_joins", "person_share_pct",
	"person_level", "person_flags",
}

// LevelNoShow is the person_level of a no-show's row.
const LevelNoShow = "no_show"

// isoLayout is ISO 8601 with milliseconds and the zone's offset.
const isoLayout = "2006-01-02T15:04:05.000Z07:00"

// WriteCSV writes one row per raw record, then one per no-show: UTF-8 with
// a BOM (so Excel reads Chinese names), RFC 4180 quoting, people in display
// order and each person's records by join. name is the person's display
// name and record_name the name on that record; join and leave are ISO 8601
// with the offset of o.Location, empty when unknown (the leave of an open
// record) or unreadable; join_ms and leave_ms are the raw values;
// session_seconds is the time the record counts for; open is true, false,
// or unreadable (its times were left out); the person_* columns repeat the
// person's totals on each of their rows. person_flags lists late,
// left_early, open, uninvited and unreadable_times separated by ";". A
// no-show's row has the invitee's name, number and department, empty
// record columns, no time and person_level no_show.
//
// Cells that Excel or LibreOffice would read as a formula (starting with =,
// @, +, -, tab or CR) get a leading apostrophe, unless the whole cell is a
// plain number such as a phone number. With Audience Shared, person_key is
// "person-N" (display position) instead of a key that may hold a number.
// WriteCSV returns the first error of w.
func WriteCSV(w io.Writer, r *attendance.Report, o CSVOptions) error {
	if r == nil {
		r = &attendance.Report{}
	}
	loc, a := cmp.Or(o.Location, time.UTC), o.Audience
	iso := func(ms int64) string { return time.UnixMilli(ms).In(loc).Format(isoLayout) }
	return writeCSV(w, CSVHeader, func(yield func([]string) bool) {
		row := make([]string, len(CSVHeader))
		for i := range r.People {
			p := &r.People[i]
			// The person's cells, the same on each of their rows.
			key, name, number := keyCell(p.Key, i, a), csvCell(a.name(p.Name)), csvCell(a.number(p.Number))
			totals := []string{seconds(p.InMeeting), Clock(p.InMeeting), strconv.Itoa(p.Joins),
				strconv.FormatFloat(p.Share*100, 'f', 1, 64), string(p.Level), flags(p)}
			for j := range p.Sessions {
				s := &p.Sessions[j]
				recName, recNumber := name, number
				if s.Name != p.Name {
					recName = csvCell(a.name(s.Name))
				}
				if s.Number != p.Number {
					recNumber = csvCell(a.number(s.Number))
				}
				join, leave, leaveMs, open := "", "", "", strconv.FormatBool(s.Open)
				if s.Leave != 0 {
					leaveMs = strconv.FormatInt(s.Leave, 10)
				}
				switch {
				case s.Unreadable:
					open = "unreadable"
				case s.Open:
					join = iso(s.Join)
				default:
					join, leave = iso(s.Join), iso(s.Leave)
				}
				copy(row, []string{key, name, recName, recNumber, textCell(s.Dept), textCell(s.Device), textCell(s.Media),
					join, leave, strconv.FormatInt(s.Join, 10), leaveMs, seconds(s.Length), open})
				copy(row[13:], totals)
				if !yield(row) {
					return
				}
			}
		}
		for i := range r.NoShows {
			inv := &r.NoShows[i]
			clear(row)
			copy(row, []string{keyCell(inv.Key(), len(r.People)+i, a), csvCell(a.name(inv.Name)), "",
				csvCell(a.number(inv.Number)), textCell(inv.Dept)})
			copy(row[13:], []string{seconds(0), Clock(0), "0", "0.0", LevelNoShow, ""})
			if !yield(row) {
				return
			}
		}
	})
}

// MeetingsCSVHeader is the header row of WriteMeetingsCSV.
var MeetingsCSVHeader = []string{"conf_uuid", "meeting_id", "subject", "start", "end"}

// WriteMeetingsCSV writes one row per meeting (its times and IDs; records
// and invite lists are not read), in the order given: what a lookup that
// matched several meetings offers to choose from. start and end are ISO
// 8601 with the offset of loc (nil = UTC), empty when unknown. BOM, quoting
// and formula neutralising are WriteCSV's.
func WriteMeetingsCSV(w io.Writer, ms []attendance.Meeting, loc *time.Location) error {
	loc = cmp.Or(loc, time.UTC)
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	return writeCSV(w, MeetingsCSVHeader, func(yield func([]string) bool) {
		for _, m := range ms {
			if !yield([]string{textCell(m.ConfUUID), textCell(m.MeetingID), textCell(m.Subject), at(m.Start), at(m.End)}) {
				return
			}
		}
	})
}

// writeCSV writes a UTF-8 BOM (so Excel reads Chinese names), then header
// and rows with RFC 4180 quoting, and returns the first error of w.
func writeCSV(w io.Writer, header []string, rows iter.Seq[[]string]) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for row := range rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// seconds writes d in seconds with millisecond precision.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(max(d, 0).Round(time.Millisecond).Seconds(), 'f', 3, 64)
}

func flags(p *attendance.Person) string {
	return strings.Join(flagNames(flagged{p.Late, "late"}, flagged{p.Early, "left_early"}, flagged{p.Open, "open"},
		flagged{p.Uninvited, "uninvited"}, flagged{p.Unreadable > 0, "unreadable_times"}), ";")
}

// keyCell is the key of the person at display position i (from 0): for
// Shared "person-N" instead, as a key may hold a number.
func keyCell(key string, i int, a Audience) string {
	if a == Shared {
		return "person-" + strconv.Itoa(i+1)
	}
	return csvCell(key)
}

// textCell is a trimmed cell of meeting data, made inert (csvCell).
func textCell(s string) string { return csvCell(strings.TrimSpace(s)) }

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
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	return s != "" && s[0] >= '0' && s[0] <= '9' && strings.Trim(s, "0123456789 ().-") == ""
}
