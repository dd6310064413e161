package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/audit"
	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// auditCLI runs `attendees-bot audit args…` on storeURL.
func auditCLI(t *testing.T, storeURL string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), append([]string{"audit"}, args...), getenv(map[string]string{"STORE_URL": storeURL, "TIME_ZONE": "Asia/Shanghai"}), nil, &out, &errOut)
	return out.String(), errOut.String(), err
}

// auditRow is the part of an exported row the tests compare.
func auditRow(rec []string) string {
	// time,team,user,channel,action,audience,conf_uuids,meeting_id,people,records,outcome
	return strings.Join([]string{rec[4], rec[5], rec[2], rec[3], rec[6], rec[10]}, " ")
}

func TestAuditEndToEnd(t *testing.T) {
	storeURL := filepath.Join(t.TempDir(), "attendees.db")
	s := startSystem(t, func(e map[string]string) {
		autopostEnv(storeURL)(e)
		e["AUDIT_USER_IDS"] = "U0ADMIN"
	}, nil)
	ctx := ctxT(t)

	// A private lookup; a long one whose CSV goes to the DM; a share; the
	// CSV button; a subscription and the automatic post it brings; a user
	// trying the admin's command.
	s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleTownHallUUID, UserID: "U7", ChannelID: "C0GENERAL"}, 1)
	share := s.pressShare(t, meetingfake.SampleSyncUUID, "C0GENERAL")
	if _, err := s.slack.WaitResponsesFor(ctx, share, 1); err != nil {
		t.Fatal(err)
	}
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U2", ChannelID: "C0GENERAL"}, 1)
	csvID := s.press(t, "U2", "C0GENERAL", "attendees_csv", buttonValue(t, rs[0], "attendees_csv"))
	if _, err := s.slack.WaitResponsesFor(ctx, csvID, 1); err != nil {
		t.Fatal(err)
	}
	s.watchSync(t, "C0GENERAL")
	if code, _ := postWebhook(t, s.http, concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-audit")); code != http.StatusOK {
		t.Fatalf("conclude event refused: %d", code)
	}
	if _, err := s.slack.WaitPosts(ctx, 2); err != nil { // the share and the automatic post
		t.Fatal(err)
	}
	// The post is in Slack a moment before its row is queued; its log line
	// comes after both.
	if err := s.logs.waitFor(ctx, `"msg":"autopost posted"`, 1); err != nil {
		t.Fatal(err)
	}
	_, rs = s.command(t, slackfake.SlashCommand{Text: "audit --since 24h", UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "not available to you")
	// A request's rows are queued before its log line is written.
	if err := s.logs.waitFor(ctx, `"outcome":"refused"`, 1); err != nil {
		t.Fatal(err)
	}

	// The admin gets the CSV in their DM, their own export included later.
	files := len(s.slack.Files())
	_, rs = s.command(t, slackfake.SlashCommand{Text: "audit —since 24h", UserID: "U0ADMIN", ChannelID: "C0RANDOM"}, 1)
	mustContain(t, text(rs...), "The audit trail (", "direct messages")
	all, err := s.slack.WaitFiles(ctx, files+1)
	if err != nil {
		t.Fatal(err)
	}
	f := all[len(all)-1]
	if f.Channel != "DU0ADMIN" || !strings.HasSuffix(f.Name, ".csv") {
		t.Errorf("audit file %s went to %s; want a CSV in the admin's DM", f.Name, f.Channel)
	}
	mustContain(t, string(f.Content), "refused,private", "autopost,autopost")
	metrics := get(t, s.http+"/metrics")
	mustContain(t, metrics, `attendees_audit_rows_total{action="lookup"}`, `attendees_audit_rows_total{action="series"} 0`, "attendees_audit_write_failures_total 0")
	s.shutdown(t) // every queued row is written before run returns

	out, _, err := auditCLI(t, storeURL, "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 || strings.Join(recs[0], ",") != strings.Join(audit.Header, ",") {
		t.Fatalf("audit --format csv = %q (%v)", out, err)
	}
	var got []string
	for _, rec := range recs[1:] {
		got = append(got, auditRow(rec))
		if !strings.HasSuffix(rec[0], "+08:00") {
			t.Errorf("time %q is not in TIME_ZONE", rec[0])
		}
	}
	sync, hall := meetingfake.SampleSyncUUID, meetingfake.SampleTownHallUUID
	want := []string{ // newest first
		"audit dm U0ADMIN C0RANDOM  ok",
		"refused private U1 C0GENERAL  refused",
		"autopost autopost  C0GENERAL " + sync + " ok",
		"watch channel U0LEAD C0GENERAL  ok",
		"csv dm U2 C0GENERAL " + sync + " ok",
		"lookup private U2 C0GENERAL " + sync + " ok",
		"share channel U1 C0GENERAL " + sync + " ok",
		"lookup private U1 C0GENERAL " + sync + " ok", // the reply whose Share button was tapped
		"csv dm U7 C0GENERAL " + hall + " ok",
		"lookup private U7 C0GENERAL " + hall + " ok",
		"lookup private U1 C0GENERAL " + sync + " ok",
	}
	// Rows carry the time each request arrived, to the millisecond; a
	// lookup and its CSV share one, and so may quick requests in a row:
	// compare as sets, and the times as newest first. The town hall's
	// invite list may come after its answer; its no-shows then follow as a
	// second CSV: a second row like the first.
	if late := "csv dm U7 C0GENERAL " + hall + " ok"; slices.Contains(got, late) {
		if i := slices.Index(got, late); slices.Contains(got[i+1:], late) {
			got = slices.Delete(got, i, i+1)
		}
	}
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("audit rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := 2; i < len(recs); i++ {
		if recs[i][0] > recs[i-1][0] {
			t.Errorf("row %d (%s) is newer than row %d (%s)", i, recs[i][0], i-1, recs[i-1][0])
		}
	}
	for _, rec := range recs[1:] {
		if rec[4] == "lookup" && rec[6] == hall && (rec[8] == "0" || rec[9] != fmt.Sprint(meetingfake.SampleTownHallRecords)) {
			t.Errorf("town hall lookup counts: people %s, records %s", rec[8], rec[9])
		}
		if rec[4] == "autopost" && rec[7] != meetingfake.SampleSyncID {
			t.Errorf("automatic post meeting ID %q; want %s", rec[7], meetingfake.SampleSyncID)
		}
	}

	// Filters and formats.
	out, _, err = auditCLI(t, storeURL, "--user", "U7", "--format=json")
	if n := strings.Count(out, "\n"); err != nil || n < 2 || n > 3 {
		t.Fatalf("--user U7 --format json = %q, %v; want two lines (three with a late no-shows CSV)", out, err)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &line); err != nil || line["user"] != "U7" {
		t.Errorf("JSON line = %v (%v)", line, err)
	}
	out, _, err = auditCLI(t, storeURL, "--conf", sync, "--since", "1h")
	if err != nil || !strings.HasPrefix(out, "time ") || strings.Count(out, "\n") != 7 || strings.Contains(out, hall) {
		t.Errorf("--conf %s (text) =\n%s%v\nwant the header and the weekly sync's 6 rows", sync, out, err)
	}
	if _, stderr, err := auditCLI(t, storeURL, "--user", "U0NOBODY"); err != nil || !strings.Contains(stderr, "no audit rows match") {
		t.Errorf("no match: stderr %q, err %v", stderr, err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestAuditCLIMistakes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing-here.db")
	tests := []struct {
		args     []string
		storeURL string
		wantCode int
		wantErr  string
	}{
		{[]string{"--since", "soon"}, missing, 2, "--since wants a duration"},
		{[]string{"--frobnicate"}, missing, 2, "There is no option --frobnicate"},
		{[]string{"--format", "xml"}, missing, 2, "--format must be"},
		{[]string{"board", "meeting"}, missing, 2, "I don't understand “board”"},
		{[]string{"--since", "1h", "--since=2h"}, missing, 2, "--since is there twice; give it once"},
		{nil, missing, 1, "no database at " + missing},
		// Not a file name: before, "no database at host=… password=hunter2 …".
		{nil, "host=db.example user=bot password=hunter2 dbname=attendees", exitConfig, "write it as a postgres:// URL"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, _, err := auditCLI(t, tt.storeURL, tt.args...)
			if err == nil || exitCode(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Errorf("audit %q = %v (exit %d); want exit %d and one line with %q", tt.args, err, exitCode(err), tt.wantCode, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("audit echoes STORE_URL's password: %v", err)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("audit created %s; it must only read", missing)
	}
	out, _, err := auditCLI(t, missing, "--help")
	if err != nil || !strings.Contains(out, "--since") {
		t.Errorf("--help = %q, %v", out, err)
	}
	// The help offers every --since value the mistake's sentence does.
	for _, ex := range regexp.MustCompile("`([0-9]+[a-z]*)`").FindAllStringSubmatch(catalog.For(catalog.English).T("audit.arg.since"), -1) {
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(ex[1]) + `\b`).MatchString(out) {
			t.Errorf("--help does not offer --since %s, which the mistake's sentence does:\n%s", ex[1], out)
		}
	}
}

func TestAuditTwoReplicasOnePostgres(t *testing.T) {
	url := storetest.PostgresURL(t) // skips, saying so, without ATTENDEES_TEST_POSTGRES_URL
	sl := fakeSlack(t)
	shared := func(e map[string]string) { e["STORE_URL"] = url }
	a := startOn(t, sl, 1, shared, nil)
	b := startOn(t, sl, 2, shared, nil) // the newest connection gets envelopes
	ctx := ctxT(t)
	id, err := sl.SlashCommand(ctx, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sl.WaitResponsesFor(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	if err := b.logs.waitFor(ctx, `"msg":"command"`, 1); err != nil {
		t.Fatal(err)
	}
	b.shutdown(t)
	if err := sl.WaitLiveConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Slack redelivers to a: it is not answered again, and not recorded again.
	if err := sl.Redeliver(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	if err := a.logs.waitFor(ctx, "answered by another replica", 1); err != nil {
		t.Fatal(err)
	}
	a.shutdown(t)
	out, _, err := auditCLI(t, url, "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n") - 1; n != 1 {
		t.Errorf("audit rows across both replicas = %d; want 1:\n%s", n, out)
	}
}

// scanStore fails the test if any attendee name, number or e-mail of the
// fakes' sample data is stored anywhere in the database at url: the store
// keeps IDs, counts and subscriptions only. startOn runs it on every
// end-to-end test's store once the bot has stopped.
func scanStore(t testing.TB, url string) {
	t.Helper()
	found, err := sampleDataIn(url)
	if err != nil {
		t.Errorf("scan the store: %v", err)
	}
	for _, f := range found {
		t.Errorf("the store holds attendee data: %s", f)
	}
}

// sampleDataIn lists where the sample's personal data appears in the
// database at url.
func sampleDataIn(url string) ([]string, error) {
	var needles []string
	for _, c := range meetingfake.Sample(time.Now()) {
		for _, r := range c.Records {
			needles = append(needles, r.DisplayName, r.CallNumber)
		}
		for _, p := range c.Invited {
			needles = append(needles, p.Name, p.ParticipantID, p.Email, p.SMS)
		}
	}
	driver, dsn, tables := "sqlite", url, "SELECT name FROM sqlite_master WHERE type = 'table'"
	if strings.HasPrefix(url, "postgres") {
		driver, tables = "pgx", "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ctx := context.Background()
	names, err := column(ctx, db, tables)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, table := range names {
		cells, err := cells(ctx, db, "SELECT * FROM "+table)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		// Four bytes or more: a Chinese name of two characters counts, a
		// stray "Li" would match IDs by chance.
		all := strings.ToLower(strings.Join(cells, "\x00"))
		for _, n := range needles {
			if len(n) >= 4 && strings.Contains(all, strings.ToLower(n)) {
				found = append(found, fmt.Sprintf("%q in table %s", n, table))
			}
		}
	}
	return found, nil
}

func column(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// cells returns every value of q's rows as text.
func cells(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out = append(out, fmt.Sprint(v))
		}
	}
	return out, rows.Err()
}

func TestStoreScanFindsAttendeeData(t *testing.T) {
	url := filepath.Join(t.TempDir(), "planted.db")
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	// A subject that happens to be an attendee's name, and a number; a
	// Chinese name is two characters.
	if _, err := st.Enqueue(t.Context(), store.Post{ConfUUID: meetingfake.SampleSyncUUID, ChannelID: "C1", Subject: "1:1 Alice Zhang / +8675500000001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enqueue(t.Context(), store.Post{ConfUUID: meetingfake.SampleChineseUUID, ChannelID: "C1", Subject: "与王芳面谈"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	found, err := sampleDataIn(url)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Alice Zhang", "+8675500000001", "王芳"} {
		if !strings.Contains(strings.Join(found, " "), want) {
			t.Errorf("the scan found %v; want the planted %q", found, want)
		}
	}
}

// TestAuditOnlyReads: audit changes nothing in the store, not even its
// schema. A store an older bot left (here: without the newest migration)
// is refused with a sentence saying what to do, and stays as it was; a
// current one is read, its file unchanged.
func TestAuditOnlyReads(t *testing.T) {
	storeURL, db := olderStore(t)
	latest := func() (v int) {
		t.Helper()
		if err := db.QueryRowContext(t.Context(), "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	older := latest()
	_, _, err := auditCLI(t, storeURL)
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "older than this program's") || !strings.Contains(err.Error(), "start this version of the bot once") {
		t.Errorf("audit of an older store = %v; want exit 1 and a sentence saying to start the bot first", err)
	}
	if v := latest(); v != older {
		t.Fatalf("schema version after audit = %d; want %d, as it was (audit migrated the store)", v, older)
	}

	// Migrated by the bot, as when it starts, the store is read, unchanged.
	st, err := store.Open(t.Context(), storeURL)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, err := os.ReadFile(storeURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := auditCLI(t, storeURL); err != nil || !strings.Contains(stderr, "no audit rows match") {
		t.Errorf("audit of the current store = %v (%q); want no rows, exit 0", err, stderr)
	}
	if after, err := os.ReadFile(storeURL); err != nil || !bytes.Equal(after, before) {
		t.Errorf("audit changed the database file (%v)", err)
	}
}
