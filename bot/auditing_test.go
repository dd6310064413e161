package bot

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/audit"
	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

var _ auditTrail = (*audit.Trail)(nil)

// fakeTrail keeps the rows it is given, refusing what the store would.
type fakeTrail struct {
	t    *testing.T
	mu   sync.Mutex
	rows []store.AuditRow
}

func (f *fakeTrail) Record(rows ...store.AuditRow) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range rows {
		if err := store.CheckAuditRow(r); err != nil {
			f.t.Errorf("the store would refuse %+v: %v", r, err)
		}
	}
	f.rows = append(f.rows, rows...)
}

func (f *fakeTrail) Flush(context.Context) error { return nil }

func (f *fakeTrail) Rows(context.Context, store.AuditQuery) iter.Seq2[store.AuditRow, error] {
	return func(func(store.AuditRow, error) bool) {}
}

// summary is "action/audience outcome" for each row, in order.
func (f *fakeTrail) summary() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var parts []string
	for _, r := range f.rows {
		parts = append(parts, r.Action+"/"+r.Audience+" "+r.Outcome)
	}
	return strings.Join(parts, ", ")
}

func TestHandleRecordsWhatWasShown(t *testing.T) {
	// Buttons carry a reference, signed for the presser once the handler
	// (and its key) exists.
	signed := lookupRef{ConfUUID: uuidA, Search: "Person 02"}
	plain := lookupRef{ConfUUID: uuidA}
	button := func(action string, ref lookupRef) Request {
		r := slash("")
		r.Action, r.Value = action, "sign:"+ref.String()
		return r
	}
	ref := signed
	tests := []struct {
		name   string
		req    Request
		n      int                     // attendees of uuidA
		mod    func(*Config, *fakeOut) // settings, and how Slack fails
		want   string
		counts bool // the rows carry the conference and counts
	}{
		{"short lookup", slash(uuidA), 3, nil, "lookup/private ok", true},
		{"long lookup sends the CSV", slash(uuidA), 30, nil, "lookup/private ok, csv/dm ok", true},
		{"lookup whose CSV failed", slash(uuidA + " csv"), 3, func(_ *Config, o *fakeOut) { o.upErr = slack.SlackErrorResponse{Err: "ratelimited"} }, "lookup/private ok", true},
		{"lookup of a missing meeting", slash("ffffffffffffffffffffffffffffffff"), 3, nil, "lookup/private not_found", false},
		{"lookup of a missing meeting ID", slash("960 123 4599"), 3, nil, "lookup/private not_found", false},
		{"last runs of subject words that match nothing", slash("board review last 4"), 3, nil, "series/private not_found", false},
		{"a search is never stored", slash(uuidA + ` search:"Person 02"`), 3, nil, "lookup/private ok", true},
		{"open button", button(actionOpen, ref), 3, nil, "lookup/private ok", true},
		{"CSV button", button(actionCSV, ref), 3, nil, "csv/dm ok", true},
		{"CSV button, DM fails", button(actionCSV, ref), 3, func(_ *Config, o *fakeOut) { o.dmErr = slack.SlackErrorResponse{Err: "cannot_dm_bot"} }, "", false},
		{"share", button(actionShare, ref), 3, nil, "share/channel ok", true},
		{"share where not a member", button(actionShare, plain), 30, func(_ *Config, o *fakeOut) { o.postErr = slack.SlackErrorResponse{Err: "not_in_channel"} }, "share/channel ok, csv/dm ok", true},
		{"share that Slack refuses", button(actionShare, ref), 3, func(_ *Config, o *fakeOut) { o.postErr = slack.SlackErrorResponse{Err: "msg_too_long"} }, "share/channel slack_error", true},
		{"refused by the access rules", slash(uuidA), 3, func(c *Config, _ *fakeOut) { c.AllowedUserIDs = []string{"U9"} }, "refused/private refused", false},
		{"audit by a non-admin", slash("audit --since 24h"), 3, func(c *Config, _ *fakeOut) { c.AuditUserIDs = []string{"U9"} }, "refused/private refused", false},
		{"help shows no meeting", slash("help"), 3, nil, "", false},
		{"a stale button", Request{UserID: "U1", ChannelID: "C1", TeamID: "T1", ResponseURL: "https://hooks.slack.test/r/1", Action: actionShare, Value: "c=nope"}, 3, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{attendees: func(_ context.Context, c, _ string) ([]meeting.Attendee, error) {
				if c != uuidA {
					return nil, meeting.ErrNotFound
				}
				return people(tt.n), nil
			}, history: noHistory, byID: func(context.Context, string) ([]meeting.Conference, error) { return nil, meeting.ErrNotFound }}
			var fails fakeOut
			trail := &fakeTrail{t: t}
			h, out := newTestHandler(t, src, func(c *Config) {
				if tt.mod != nil {
					tt.mod(c, &fails)
				}
			}, func(d *HandlerDeps) { d.Audit = trail })
			out.postErr, out.dmErr, out.upErr = fails.postErr, fails.dmErr, fails.upErr
			req := tt.req
			if v, ok := strings.CutPrefix(req.Value, "sign:"); ok {
				r, err := parseRef(v)
				if err != nil {
					t.Fatal(err)
				}
				req.Value = h.buttons.sign(r, req.UserID)
			}
			req.EnvelopeID = "env-1"
			h.Handle(t.Context(), req)
			if got := trail.summary(); got != tt.want {
				t.Errorf("audit rows = %q; want %q", got, tt.want)
			}
			seen := map[string]bool{}
			for _, r := range trail.rows {
				if r.UserID != "U1" && r.Action != store.AuditRefused || r.ChannelID != "C1" || r.TeamID != "T1" {
					t.Errorf("row %+v: want user U1, channel C1, team T1", r)
				}
				if seen[r.Key] || !strings.HasPrefix(r.Key, "env-1:") {
					t.Errorf("row key %q: want unique keys derived from the envelope", r.Key)
				}
				seen[r.Key] = true
				if tt.counts && (len(r.ConfUUIDs) != 1 || r.ConfUUIDs[0] != uuidA || r.People == 0 || r.Records == 0) {
					t.Errorf("row %+v: want conference %s and its counts", r, uuidA)
				}
				if strings.Contains(fmt.Sprintf("%+v", r), "Person") {
					t.Errorf("row %+v holds text from the meeting or the command", r)
				}
			}
		})
	}
}

// TestFailedLookupNamesWhatWasAskedFor: a lookup or last runs that failed
// is recorded with the meeting ID asked for when the meeting service
// knows it (here it refuses access), not with digits that name no meeting
// (a phone number typed by mistake), and never with subject words.
func TestFailedLookupNamesWhatWasAskedFor(t *testing.T) {
	trail := &fakeTrail{t: t}
	// The meeting client's answers: no such meeting lately, or no access.
	src := &fakeSource{history: noHistory, byID: func(_ context.Context, id string) ([]meeting.Conference, error) {
		if id == "9601234599" {
			return nil, meeting.ErrForbidden
		}
		return nil, meeting.ErrNotFound
	}}
	h, _ := newTestHandler(t, src, nil, func(d *HandlerDeps) { d.Audit = trail })
	for _, text := range []string{"960 123 4599", "960-123-4599 last 3", "13800138000", "13800138000 last 3", "board review", "board review last 3"} {
		h.Handle(t.Context(), slash(text))
	}
	var got []string
	for _, r := range trail.rows {
		got = append(got, r.Action+" "+r.MeetingID+" "+r.Outcome)
	}
	want := []string{"lookup 9601234599 no_permission", "series 9601234599 no_permission", "lookup  not_found", "series  not_found", "lookup  not_found", "series  not_found"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit rows = %q; want %q", got, want)
	}
}

// TestAuditOptionMistakesInTheAdminsLanguage: a mistake in /attendees
// audit's options is told in the admin's language, what they typed
// escaped.
func TestAuditOptionMistakesInTheAdminsLanguage(t *testing.T) {
	h, out := newTestHandler(t, &fakeSource{}, func(c *Config) {
		c.BotLanguage, c.AuditUserIDs = catalog.Chinese, []string{"U1"}
	}, func(d *HandlerDeps) { d.Audit = &fakeTrail{t: t} })
	for _, tt := range []struct{ text, want string }{
		{"audit --since soon", "`--since` 需要一个时长"},
		{"audit --format xml", "`--format` 只能是"},
		{"audit --verbose", "没有 `--verbose` 这个选项"},
		{"audit --since 1h <!here>", "我看不懂“&lt;!here&gt;”"},
	} {
		out.replies = nil
		if res := h.Handle(t.Context(), slash(tt.text)); res.Outcome != outcomeInvalid {
			t.Errorf("%q: outcome %q; want %q", tt.text, res.Outcome, outcomeInvalid)
		}
		if got := out.text(0); !strings.Contains(got, tt.want) || !strings.Contains(got, "`/attendees audit --help` 有说明") {
			t.Errorf("%q: reply %q; want %q in Chinese", tt.text, got, tt.want)
		}
	}
}

// TestAuditWords: an admin's "audit <words>" is audit options mistyped,
// told as such with the way to search those words instead; anybody
// else's is a subject search. A repeated option is refused.
func TestAuditWords(t *testing.T) {
	noMatch := &fakeSource{history: func(context.Context, meeting.HistoryQuery) ([]meeting.Conference, error) { return nil, nil }}
	h, out := newTestHandler(t, noMatch, func(c *Config) { c.AuditUserIDs = []string{"U0ADMIN"} }, func(d *HandlerDeps) { d.Audit = &fakeTrail{t: t} })
	tests := []struct {
		user, text, outcome string
		want                []string
	}{
		{"U0ADMIN", "audit extra", outcomeInvalid, []string{"I don't understand “extra”; the options are `[--since 720h]", "`/attendees audit --help` explains them.", "put another word first, like `/attendees extra audit`."}},
		{"U0ADMIN", "audit committee &lt;b&gt; last 4", outcomeInvalid, []string{"I don't understand “committee”", "like `/attendees committee &lt;b&gt; audit`."}},
		{"U0ADMIN", "audit --since 1h --since 2h", outcomeInvalid, []string{"`--since` is there twice; give it once. `/attendees audit --help` explains them."}},
		{"U0ADMIN", "audit help", outcomeOK, []string{"AUDIT_USER_IDS", "`90m`"}},
		{"U1", "audit committee", outcomeNotFound, []string{"every word of “audit committee”"}},
		{"U1", "audit help", outcomeRefused, []string{"not available to you"}},
	}
	for _, tt := range tests {
		out.replies = nil
		req := slash(tt.text)
		req.UserID = tt.user
		if res := h.Handle(t.Context(), req); res.Outcome != tt.outcome {
			t.Errorf("%s %q: outcome %q; want %q", tt.user, tt.text, res.Outcome, tt.outcome)
		}
		for _, w := range tt.want {
			if got := out.text(0); !strings.Contains(got, w) {
				t.Errorf("%s %q: reply %q; want it to contain %q", tt.user, tt.text, got, w)
			}
		}
	}
}

// TestLookupInTheDMIsAuditedAsDM: an answer posted in the requester's DM
// (the shortcut's form, a button under a DM message) stays there, and its
// row says dm; an ephemeral reply says private.
func TestLookupInTheDMIsAuditedAsDM(t *testing.T) {
	trail := &fakeTrail{t: t}
	src := &fakeSource{history: noHistory, attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }}
	h, out := newTestHandler(t, src, nil, func(d *HandlerDeps) { d.Audit = trail })
	form := Request{UserID: "U1", TeamID: "T1", Action: actionSubmit, Form: &Form{Target: uuidA, Meta: modalMeta{Lang: "en-US"}.String()}}
	for _, req := range []Request{slash(uuidA), form, {UserID: "U1", ChannelID: "DU1", TeamID: "T1", Action: actionOpen, Value: lookupRef{ConfUUID: uuidA}.String()}} {
		h.Handle(t.Context(), req)
	}
	if got, want := trail.summary(), "lookup/private ok, lookup/dm ok, lookup/dm ok"; got != want {
		t.Errorf("audit rows = %q; want %q", got, want)
	}
	if len(out.postedIn) != 2 || out.postedIn[0] != "DU1" {
		t.Errorf("posted in %v; want the two DM answers", out.postedIn)
	}
}

// TestFilteredLookupCountsWhatItShows: with search:, the CSV sentence and
// the audit row count the records of the people shown, as the file holds
// them, not the whole meeting's.
func TestFilteredLookupCountsWhatItShows(t *testing.T) {
	trail := &fakeTrail{t: t}
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) {
		recs := people(5)
		again := recs[3] // Person 03 joins twice
		again.JoinTime, again.LeftTime = t0.Add(2*time.Hour).UnixMilli(), t0.Add(3*time.Hour).UnixMilli()
		return append(recs, again), nil
	}}
	h, out := newTestHandler(t, src, nil, func(d *HandlerDeps) { d.Audit = trail })
	h.Handle(t.Context(), slash(uuidA+` search:"Person 03" csv`))
	if got := out.text(0); !strings.Contains(got, "(CSV, 2 records)") {
		t.Errorf("reply %q; want the 2 records of Person 03", got)
	}
	if len(trail.rows) == 0 || trail.rows[0].People != 1 || trail.rows[0].Records != 2 {
		t.Errorf("audit rows %+v; want 1 person and 2 records", trail.rows)
	}
}

func TestWatchIsRecorded(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	trail := &fakeTrail{t: t}
	h, _ := newTestHandler(t, &fakeSource{}, nil, func(d *HandlerDeps) { d.Subscriptions, d.Audit = st, trail })
	for _, text := range []string{"watch 960 123 4501", "watch 960 123 4501", "watching", "watch weekly sync", "unwatch 9601234501"} {
		h.Handle(t.Context(), slash(text))
	}
	if got, want := trail.summary(), "watch/channel ok, watch/channel ok, unwatch/channel ok"; got != want {
		t.Errorf("audit rows = %q; want %q (a repeated watch changes nothing)", got, want)
	}
	if ids := []string{trail.rows[0].MeetingID, trail.rows[1].MeetingID, trail.rows[2].MeetingID}; fmt.Sprint(ids) != "[9601234501  9601234501]" {
		t.Errorf("meeting IDs = %q; want the meeting ID for ID watches and none for subject words", ids)
	}
}

// newAuditHandler is a handler whose audit trail is real, on SQLite, with
// U0ADMIN allowed to export it.
func newAuditHandler(t *testing.T, src *fakeSource) (*Handler, *fakeOut, *store.Store) {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tr, err := audit.New(st, audit.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	h, out := newTestHandler(t, src, func(c *Config) { c.AuditUserIDs = []string{"U0ADMIN"} }, func(d *HandlerDeps) { d.Audit = tr })
	return h, out, st
}

func TestAuditExport(t *testing.T) {
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }}
	h, out, _ := newAuditHandler(t, src)
	for _, u := range []string{"U1", "U2", "U1"} {
		req := slash(uuidA)
		req.UserID = u
		h.Handle(t.Context(), req)
	}
	admin := func(text string) string {
		req := slash(text)
		req.UserID, req.ChannelID = "U0ADMIN", "C0ADMIN"
		before := len(out.replies)
		h.Handle(t.Context(), req)
		return out.text(before)
	}

	// The admin's file: the three lookups, newest first, in their DM.
	reply := admin("audit --user U1,U2")
	if !strings.Contains(reply, "The audit trail (3 rows since") || !strings.Contains(reply, "direct messages") {
		t.Errorf("reply = %q", reply)
	}
	if len(out.uploads) != 1 || out.uploads[0].ChannelID != "DU0ADMIN" || !strings.HasSuffix(out.uploads[0].Filename, ".csv") {
		t.Fatalf("uploads = %+v; want one CSV in the admin's DM", out.uploads)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out.uploads[0].Content))).ReadAll()
	if err != nil || len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(audit.Header, ",") {
		t.Fatalf("CSV = %q (%v); want the header and 3 rows", rows, err)
	}
	if rows[1][2] != "U1" || rows[2][2] != "U2" || rows[3][2] != "U1" || rows[1][4] != "lookup" || rows[1][6] != uuidA {
		t.Errorf("CSV rows = %q; want the lookups newest first", rows[1:])
	}

	// Filters narrow it, and the admin's own export is in the trail too.
	admin("audit —user U2 --format json")
	if up := out.uploads[len(out.uploads)-1]; !strings.HasSuffix(up.Filename, ".jsonl") || strings.Count(string(up.Content), "\n") != 1 {
		t.Errorf("--user U2 --format json = %s %q; want one JSON line", up.Filename, up.Content)
	}
	admin("audit --user U0ADMIN --since 0 --format text")
	if up := out.uploads[len(out.uploads)-1]; !strings.Contains(string(up.Content), "audit     dm") {
		t.Errorf("the admin's earlier exports are not in the trail:\n%s", up.Content)
	}
	if got := admin("audit --user U7"); !strings.Contains(got, "No audit rows match") {
		t.Errorf("no rows: reply %q", got)
	}
	if got := admin("audit --since soon"); !strings.Contains(got, "`--since` wants a duration") || !strings.Contains(got, "audit --help") {
		t.Errorf("bad option: reply %q", got)
	}
	if got := admin("audit --user <!channel>"); !strings.Contains(got, "not “&lt;!CHANNEL&gt;”") && !strings.Contains(got, "not “&lt;!channel&gt;”") {
		t.Errorf("a bad --user is not repeated escaped: reply %q", got)
	}
	if got := admin("audit --help"); !strings.Contains(got, "AUDIT_USER_IDS") {
		t.Errorf("help: reply %q", got)
	}

	// Anybody else: the usual sentence, nothing sent, and the attempt is kept.
	uploads := len(out.uploads)
	req := slash("audit")
	before := len(out.replies)
	res := h.Handle(t.Context(), req)
	if res.Outcome != outcomeRefused || !strings.Contains(out.text(before), "not available to you") || len(out.uploads) != uploads {
		t.Errorf("non-admin: outcome %q, reply %q, uploads %d", res.Outcome, out.text(before), len(out.uploads)-uploads)
	}
	admin("audit --user U1 --since 0")
	if up := out.uploads[len(out.uploads)-1]; !strings.Contains(string(up.Content), "refused,private") {
		t.Errorf("the refused attempt is not in the trail:\n%s", up.Content)
	}
}

func TestAuditExportFileFails(t *testing.T) {
	h, out, _ := newAuditHandler(t, &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }})
	h.Handle(t.Context(), slash(uuidA))
	out.upErr = slack.SlackErrorResponse{Err: "ratelimited"}
	req := slash("audit")
	req.UserID = "U0ADMIN"
	res := h.Handle(t.Context(), req)
	if res.Outcome != outcomeSlack || !strings.Contains(out.text(1), "couldn't send the audit file (ratelimited)") {
		t.Errorf("outcome %q, reply %q", res.Outcome, out.text(1))
	}
}

func TestParseCommandAudit(t *testing.T) {
	tests := []struct {
		text string
		want Command
	}{
		{"audit", Command{Kind: KindAudit}},
		{"AUDIT  --since 24h", Command{Kind: KindAudit, Args: "--since 24h"}},
		{"audit\t—user <@U1|lee>", Command{Kind: KindAudit, Args: "—user <@U1|lee>"}},
		{"audit help", Command{Kind: KindAudit, Args: "--help"}},
		// An admin's mistyped options, anybody else's subject (Handler.slash).
		{"audit committee", Command{Kind: KindSubject, Target: "audit committee", Args: "committee"}},
		{"audit committee last 4 csv", Command{Kind: KindSubject, Target: "audit committee", Args: "committee last 4 csv", Last: 4, CSV: true}},
		{"committee audit", Command{Kind: KindSubject, Target: "committee audit"}},
		{"auditing", Command{Kind: KindSubject, Target: "auditing"}},
	}
	for _, tt := range tests {
		if got, err := ParseCommand(tt.text); err != nil || got != tt.want {
			t.Errorf("ParseCommand(%q) = %+v, %v; want %+v", tt.text, got, err, tt.want)
		}
	}
}

func TestAuditRowsKeys(t *testing.T) {
	res := Result{Outcome: outcomeOK, ConfUUID: uuidA, Audit: []Audited{{Action: store.AuditLookup, Audience: store.AudiencePrivate}, {Action: store.AuditCSV, Audience: store.AudienceDM}}}
	a := auditRows(Request{EnvelopeID: "e1", Action: actionOpen}, res, t0)
	b := auditRows(Request{EnvelopeID: "e1", Action: actionOpen}, res, t0)
	if a[0].Key != b[0].Key || a[0].Key == a[1].Key || a[0].Key != "e1:"+actionOpen+":lookup" {
		t.Errorf("keys %q %q, %q: want stable per envelope and distinct per row", a[0].Key, b[0].Key, a[1].Key)
	}
	c := auditRows(Request{}, res, t0)
	d := auditRows(Request{}, res, t0)
	if c[0].Key == d[0].Key {
		t.Errorf("requests without an envelope share the key %q", c[0].Key)
	}
	if err := errors.Join(store.CheckAuditRow(c[0]), store.CheckAuditRow(a[1])); err != nil {
		t.Error(err)
	}
}
