package store

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// Audit actions: what the bot showed or did.
const (
	AuditLookup   = "lookup"   // a meeting's attendance shown to the requester
	AuditSeries   = "series"   // several runs of a meeting shown to the requester
	AuditShare    = "share"    // the shared (masked) summary posted in a channel
	AuditCSV      = "csv"      // the CSV file sent to the requester's DM
	AuditAutopost = "autopost" // an automatic post in a channel
	AuditWatch    = "watch"    // a channel subscribed to automatic posts
	AuditUnwatch  = "unwatch"  // a subscription ended
	AuditRefused  = "refused"  // a request refused by the access rules
	AuditExport   = "audit"    // the audit trail itself exported
)

// AuditActions lists every audit action, for metrics that start at zero.
var AuditActions = []string{AuditLookup, AuditSeries, AuditShare, AuditCSV, AuditAutopost, AuditWatch, AuditUnwatch, AuditRefused, AuditExport}

// Audiences: who could see what an audit row records.
const (
	AudiencePrivate  = "private"  // the requester only (an ephemeral reply)
	AudienceDM       = "dm"       // the requester's direct messages with the bot
	AudienceChannel  = "channel"  // everybody in the channel
	AudienceAutopost = "autopost" // a channel, without anybody asking
)

var audiences = []string{AudiencePrivate, AudienceDM, AudienceChannel, AudienceAutopost}

// AuditRow is one thing the bot showed or did. It holds Slack IDs,
// conference and meeting IDs, counts and the outcome: never an attendee's
// name, number or department, and never text a user typed.
type AuditRow struct {
	ID        int64  // set by the store
	Key       string // unique per event: a second row with the same key is dropped
	At        time.Time
	TeamID    string
	UserID    string // "" for automatic posts
	ChannelID string // where it was typed, shared or posted
	Action    string // an Audit* constant
	ConfUUIDs []string
	MeetingID string
	Audience  string // an Audience* constant
	People    int
	Records   int
	Outcome   string // the command's outcome (ok, not_found, …)
}

// CheckAuditRow reports why the store would refuse r (ErrInvalid), or nil.
// Every text field must have the shape of the ID it holds, so no free text
// (a name, a search) can reach the audit table.
func CheckAuditRow(r AuditRow) error {
	bad := func(what, v string) error {
		return fmt.Errorf("audit row %s: %s %q: %w", r.Key, what, v, ErrInvalid)
	}
	switch {
	case r.Key == "" || len(r.Key) > 200:
		return bad("key", r.Key)
	case r.At.IsZero():
		return bad("time", "")
	case !slices.Contains(AuditActions, r.Action):
		return bad("action", r.Action)
	case !slices.Contains(audiences, r.Audience):
		return bad("audience", r.Audience)
	case r.People < 0 || r.Records < 0:
		return bad("count", fmt.Sprint(r.People, r.Records))
	}
	for _, f := range [...]struct{ what, v string }{{"team", r.TeamID}, {"user", r.UserID}, {"channel", r.ChannelID}, {"outcome", r.Outcome}} {
		if !isID(f.v) {
			return bad(f.what, f.v)
		}
	}
	if r.MeetingID != "" && !isDigits(r.MeetingID) {
		return bad("meeting ID", r.MeetingID)
	}
	for _, c := range r.ConfUUIDs {
		if meeting.ValidateConfUUID(c) != nil {
			return bad("conference", c)
		}
	}
	return nil
}

// isID reports whether s looks like a Slack ID or an outcome label: ASCII
// letters, digits and _ - . starting with a letter or digit, so no cell of
// an export can be read as a spreadsheet formula.
func isID(s string) bool {
	alnum := func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }
	if s == "" {
		return true
	}
	return len(s) <= 64 && alnum(rune(s[0])) && !strings.ContainsFunc(s, func(r rune) bool {
		return !alnum(r) && r != '_' && r != '-' && r != '.'
	})
}

func isDigits(s string) bool {
	return len(s) <= 32 && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// NormalizeConfUUID is the stored form of a conference UUID: lower case,
// without dashes, so every spelling of one conference matches.
func NormalizeConfUUID(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "-", ""))
}

const auditColumns = "id, event_key, at_ms, team_id, user_id, channel_id, action, conf_uuids, meeting_id, audience, people, records, outcome"

// auditChunk bounds the rows of one insert: 12 parameters a row.
const auditChunk = 200

// InsertAudit writes rows, 200 to a statement, and returns how many were
// new per action. A row whose Key is already stored is skipped, so two
// replicas recording the same event leave one row. Rows are checked first
// (CheckAuditRow): one bad row fails the call before anything is written.
// After a database error the chunks before it stay written.
func (s *Store) InsertAudit(ctx context.Context, rows []AuditRow) (written map[string]int, err error) {
	for _, r := range rows {
		if err := CheckAuditRow(r); err != nil {
			return nil, err
		}
	}
	written = make(map[string]int)
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), auditChunk)]
		rows = rows[len(chunk):]
		var q strings.Builder
		q.WriteString("INSERT INTO audit (event_key, at_ms, team_id, user_id, channel_id, action, conf_uuids, meeting_id, audience, people, records, outcome) VALUES ")
		args := make([]any, 0, 12*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			confs := make([]string, len(r.ConfUUIDs))
			for j, c := range r.ConfUUIDs {
				confs[j] = NormalizeConfUUID(c)
			}
			args = append(args, r.Key, ms(r.At), r.TeamID, r.UserID, r.ChannelID, r.Action,
				strings.Join(confs, " "), r.MeetingID, r.Audience, r.People, r.Records, r.Outcome)
		}
		q.WriteString(" ON CONFLICT (event_key) DO NOTHING RETURNING action")
		if err := s.countActions(ctx, q.String(), args, written); err != nil {
			return written, fmt.Errorf("insert %d audit rows: %w", len(chunk), err)
		}
	}
	return written, nil
}

func (s *Store) countActions(ctx context.Context, q string, args []any, into map[string]int) error {
	res, err := s.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var a string
		if err := res.Scan(&a); err != nil {
			return err
		}
		into[a]++
	}
	return res.Err()
}

// AuditQuery selects audit rows. Zero fields select everything.
type AuditQuery struct {
	Since     time.Time // rows at or after this time
	Users     []string  // any of these Slack users
	ConfUUID  string    // rows about this conference (any spelling)
	MeetingID string    // rows about this meeting ID (digits)
	Limit     int       // at most this many rows; 0 = all
}

// auditPage is how many rows one query of AuditRows reads.
const auditPage = 1000

// AuditRows yields the rows q selects, newest first. It reads pages of
// 1,000 rows (keyset pagination on time and ID), so memory stays flat
// however many rows there are and no statement holds the database for
// long: rows written meanwhile are newer than the export and not in it.
// Stopping the loop early is fine; an error ends it.
func (s *Store) AuditRows(ctx context.Context, q AuditQuery) iter.Seq2[AuditRow, error] {
	return func(yield func(AuditRow, error) bool) {
		where := []string{"at_ms >= ?"}
		args := []any{ms(q.Since)}
		if len(q.Users) > 0 {
			where = append(where, "user_id IN (?"+strings.Repeat(", ?", len(q.Users)-1)+")")
			for _, u := range q.Users {
				args = append(args, u)
			}
		}
		if q.ConfUUID != "" {
			// conf_uuids is a space-separated list of lower-case hex IDs.
			c := NormalizeConfUUID(q.ConfUUID)
			if meeting.ValidateConfUUID(c) != nil {
				yield(AuditRow{}, fmt.Errorf("audit rows: conference %q: %w", q.ConfUUID, ErrInvalid))
				return
			}
			where = append(where, "(' ' || conf_uuids || ' ') LIKE ?")
			args = append(args, "% "+c+" %")
		}
		if q.MeetingID != "" {
			where = append(where, "meeting_id = ?")
			args = append(args, meeting.CompactMeetingID(q.MeetingID))
		}
		base := "SELECT " + auditColumns + " FROM audit WHERE " + strings.Join(where, " AND ")
		left := q.Limit
		var after *AuditRow
		for {
			page := auditPage
			if q.Limit > 0 {
				if left == 0 {
					return
				}
				page = min(page, left)
			}
			stmt, pargs := base, slices.Clone(args)
			if after != nil {
				stmt += " AND (at_ms, id) < (?, ?)"
				pargs = append(pargs, ms(after.At), after.ID)
			}
			rows, err := s.auditPage(ctx, stmt+" ORDER BY at_ms DESC, id DESC LIMIT ?", append(pargs, page))
			if err != nil {
				yield(AuditRow{}, fmt.Errorf("audit rows: %w", err))
				return
			}
			for i := range rows {
				if !yield(rows[i], nil) {
					return
				}
			}
			if len(rows) < page {
				return
			}
			left -= len(rows)
			after = &rows[len(rows)-1]
		}
	}
}

// auditPage reads one page of rows whole, so the statement is finished
// before the caller does anything slow with them.
func (s *Store) auditPage(ctx context.Context, q string, args []any) ([]AuditRow, error) {
	res, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	out := make([]AuditRow, 0, auditPage)
	for res.Next() {
		var r AuditRow
		var at int64
		var confs string
		if err := res.Scan(&r.ID, &r.Key, &at, &r.TeamID, &r.UserID, &r.ChannelID, &r.Action, &confs, &r.MeetingID, &r.Audience, &r.People, &r.Records, &r.Outcome); err != nil {
			return nil, err
		}
		r.At = timeOf(at)
		r.ConfUUIDs = strings.Fields(confs)
		out = append(out, r)
	}
	return out, res.Err()
}

// PruneAudit deletes up to limit of the oldest rows written before
// olderThan and reports how many. Callers repeat it until it deletes fewer
// than limit: each batch is one short statement, so a large backlog never
// holds the database for long.
func (s *Store) PruneAudit(ctx context.Context, olderThan time.Time, limit int) (int64, error) {
	if limit < 1 {
		return 0, fmt.Errorf("prune audit: limit %d: %w", limit, ErrInvalid)
	}
	res, err := s.exec(ctx, `DELETE FROM audit WHERE id IN (
		SELECT id FROM audit WHERE at_ms < ? ORDER BY at_ms, id LIMIT ?)`, ms(olderThan), limit)
	if err != nil {
		return 0, fmt.Errorf("prune audit: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune audit: %w", err)
	}
	return n, nil
}
