package audit

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
)

// Header is the first row of the CSV export. Columns are English
// snake_case, like the attendance CSV.
var Header = []string{"time", "team", "user", "channel", "action", "audience", "conf_uuids", "meeting_id", "people", "records", "outcome"}

// jsonRow is one line of the JSON export.
type jsonRow struct {
	Time      string   `json:"time"`
	Team      string   `json:"team"`
	User      string   `json:"user"`
	Channel   string   `json:"channel"`
	Action    string   `json:"action"`
	Audience  string   `json:"audience"`
	ConfUUIDs []string `json:"conf_uuids"`
	MeetingID string   `json:"meeting_id"`
	People    int      `json:"people"`
	Records   int      `json:"records"`
	Outcome   string   `json:"outcome"`
}

// Write prints rows to w in format as they arrive, with times in loc
// (ISO 8601 with the offset; nil = UTC), and returns how many it wrote.
// Memory does not grow with the rows. It stops at the first error of the
// rows or of w. The rows' fields are IDs (see store.CheckAuditRow), so no
// cell needs escaping: none can start a spreadsheet formula.
func Write(w io.Writer, format string, rows iter.Seq2[store.AuditRow, error], loc *time.Location) (int, error) {
	if loc == nil {
		loc = time.UTC
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var put func(store.AuditRow) error
	var cw *csv.Writer
	switch format {
	case FormatCSV:
		cw = csv.NewWriter(bw)
		if err := cw.Write(Header); err != nil {
			return 0, err
		}
		cell := make([]string, len(Header))
		put = func(r store.AuditRow) error {
			cell[0] = r.At.In(loc).Format(time.RFC3339)
			cell[1], cell[2], cell[3], cell[4], cell[5] = r.TeamID, r.UserID, r.ChannelID, r.Action, r.Audience
			cell[6], cell[7] = strings.Join(r.ConfUUIDs, " "), r.MeetingID
			cell[8], cell[9], cell[10] = strconv.Itoa(r.People), strconv.Itoa(r.Records), r.Outcome
			return cw.Write(cell)
		}
	case FormatJSON:
		enc := json.NewEncoder(bw)
		put = func(r store.AuditRow) error {
			confs := r.ConfUUIDs
			if confs == nil {
				confs = []string{}
			}
			return enc.Encode(jsonRow{
				Time: r.At.In(loc).Format(time.RFC3339), Team: r.TeamID, User: r.UserID, Channel: r.ChannelID,
				Action: r.Action, Audience: r.Audience, ConfUUIDs: confs, MeetingID: r.MeetingID,
				People: r.People, Records: r.Records, Outcome: r.Outcome,
			})
		}
	case FormatText:
		line := func(at, action, audience, user, channel, outcome, meetingID, people, records, confs string) error {
			_, err := fmt.Fprintf(bw, "%-26s  %-8s  %-8s  %-11s  %-11s  %-13s  %-11s  %6s  %7s  %s\n",
				at, action, audience, user, channel, outcome, meetingID, people, records, confs)
			return err
		}
		if err := line("time", "action", "audience", "user", "channel", "outcome", "meeting_id", "people", "records", "conf_uuids"); err != nil {
			return 0, err
		}
		put = func(r store.AuditRow) error {
			return line(r.At.In(loc).Format("2006-01-02 15:04:05 -07:00"), r.Action, r.Audience, dash(r.UserID), dash(r.ChannelID),
				dash(r.Outcome), dash(r.MeetingID), strconv.Itoa(r.People), strconv.Itoa(r.Records), dash(strings.Join(r.ConfUUIDs, " ")))
		}
	default:
		return 0, fmt.Errorf("audit: unknown format %q", format)
	}
	n := 0
	for r, err := range rows {
		if err != nil {
			return n, err
		}
		if err := put(r); err != nil {
			return n, err
		}
		n++
	}
	if cw != nil {
		if cw.Flush(); cw.Error() != nil {
			return n, cw.Error()
		}
	}
	return n, bw.Flush()
}

// dash stands in for an empty cell of the text format.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
