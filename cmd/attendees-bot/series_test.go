package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// withSeries adds six weekly runs of a 12-person stand-up to the sample
// data; lost names runs whose records the service cannot read.
func withSeries(lost ...int) func(*meetingfake.Config) {
	return func(c *meetingfake.Config) {
		runs := meetingfake.SampleSeries(time.Now(), 6, 12)
		for _, r := range lost {
			runs[r].Lost = true
		}
		c.Conferences = append(c.Conferences, runs...)
	}
}

// seriesCSV parses a series CSV file, checking its BOM.
func seriesCSV(t *testing.T, content []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(content, []byte("\ufeff"))
	if !ok {
		t.Fatal("the CSV has no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// rowOf is the row of name.
func rowOf(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	for _, r := range rows {
		if r[1] == name {
			return r
		}
	}
	t.Fatalf("no row of %s in %q", name, rows)
	return nil
}

// TestRunSeriesByMeetingID: "last 4" reads the four newest runs at once,
// one history call and each run's records and invite list once; a later
// lookup of one of them is served from the cache.
func TestRunSeriesByMeetingID(t *testing.T) {
	s := startSystem(t, nil, withSeries())
	_, rs := s.command(t, slackfake.SlashCommand{Text: "960 123 4506 last 4", UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	got := text(rs...)
	mustContain(t, got, "Team stand-up — last 4 runs", "*Meeting ID* 960 123 4506", "*Runs* 4:",
		"regulars (all 4)", "*Alice Zhang* — 4/4", "*Dan Kim* — 2/4 · avg 15m 00s · _missed the last 2_",
		"*Ivan Petrov* — 0/4", "*Frank Müller* — 4/4 · avg 10m 30s · late 2", "attendees_share", "attendees_csv")
	if strings.Contains(got, "+86755") {
		t.Error("the private series lists call numbers inline")
	}
	counts := func() [3]int {
		return [3]int{s.meet.Count(meetingfake.OpHistory), s.meet.Count(meetingfake.OpAttendees), s.meet.Count(meetingfake.OpConfDetail)}
	}
	if c := counts(); c != [3]int{1, 4, 4} {
		t.Errorf("history, records, invite lists fetched = %v; want [1 4 4]", c)
	}
	// The CSV button: the series' file in the DM, read from the cache.
	csvID := s.press(t, "U1", "C0GENERAL", "attendees_csv", buttonValue(t, rs[0], "attendees_csv"))
	if rs, err := s.slack.WaitResponsesFor(ctxT(t), csvID, 1); err != nil {
		t.Fatal(err)
	} else {
		mustContain(t, text(rs...), "(CSV, 13 people over 4 runs)")
	}
	if files := s.slack.Files(); len(files) != 1 || files[0].Name != "attendees-9601234506-last4.csv" || files[0].Channel != "DU1" {
		t.Errorf("files %+v; want the series CSV in DU1", files)
	}
	_, rs = s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSeriesUUID(2), UserID: "U1"}, 1)
	mustContain(t, text(rs...), "Team stand-up")
	if c := counts(); c != [3]int{2, 4, 4} {
		t.Errorf("after the CSV button and a lookup of one of the runs: %v; want one more history call, the runs from the cache", c)
	}
	s.shutdown(t)
	mustContain(t, s.logs.String(), `"conf_uuid":"`+meetingfake.SampleSeriesUUID(0)+`"`, `"people":13`)
}

// TestRunSeriesBySubject: subject words whose matches share one meeting ID
// are that meeting's series; words matching several meeting IDs offer one
// button each, and the button opens the series.
func TestRunSeriesBySubject(t *testing.T) {
	s := startSystem(t, nil, withSeries())
	_, rs := s.command(t, slackfake.SlashCommand{Text: "team stand-up last 4", UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "Team stand-up — last 4 runs", "*Alice Zhang* — 4/4", "*Ivan Petrov* — 0/4")

	_, rs = s.command(t, slackfake.SlashCommand{Text: "stand-up last 3", UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "2 meeting IDs match “stand-up”", "m=9601234506", "m=9601234505")
	id := s.press(t, "U1", "C0GENERAL", "attendees_open", "m=9601234505&n=3")
	rs, err := s.slack.WaitResponsesFor(ctxT(t), id, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(rs...), "Daily stand-up — last 2 runs", "The meeting ran 2 times in the last 180 days; you asked for 3.")
}

// TestRunSeriesWithUnreadableRun: a run whose records the service cannot
// read is shown as such, counted out, and has its column in the CSV.
func TestRunSeriesWithUnreadableRun(t *testing.T) {
	s := startSystem(t, nil, withSeries(1))
	_, rs := s.command(t, slackfake.SlashCommand{Text: "9601234506 last 4 csv", UserID: "U3", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "Couldn't read 1 run (", "counts are of 3 readable runs", "*Alice Zhang* — 3/3", "*Ivan Petrov* — 0/3",
		"📎 The full list (CSV, 13 people over 4 runs) is in your direct messages with me.")
	files, err := s.slack.WaitFiles(ctxT(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if files[0].Channel != "DU3" || files[0].Name != "attendees-9601234506-last4.csv" {
		t.Errorf("CSV %q went to %q; want attendees-9601234506-last4.csv in DU3", files[0].Name, files[0].Channel)
	}
	alice := rowOf(t, seriesCSV(t, files[0].Content), "Alice Zhang")
	if got := strings.Join(alice[4:], ","); got != "3,3,14.0,0,0,14.0,couldn't read,14.0,14.0" {
		t.Errorf("Alice's row %q", alice)
	}
	s.shutdown(t)
	mustContain(t, s.logs.String(), "run of a series unreadable", meetingfake.SampleSeriesUUID(1), "MMC.111070005")

	// The audit trail: a series row and a CSV row, each naming every run.
	out, _, err := auditCLI(t, s.env["STORE_URL"], "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range recs[1:] {
		got = append(got, auditRow(rec))
		for r := range 4 {
			if !strings.Contains(rec[6], meetingfake.SampleSeriesUUID(r)) {
				t.Errorf("audit row %q does not name run %d", rec, r)
			}
		}
		if rec[7] != meetingfake.SampleSeriesID || rec[8] != "13" {
			t.Errorf("audit row %q: want meeting ID %s and 13 people", rec, meetingfake.SampleSeriesID)
		}
	}
	if want := []string{"csv dm U3 C0GENERAL", "series private U3 C0GENERAL"}; len(got) != 2 || !strings.HasPrefix(got[0], want[0]) && !strings.HasPrefix(got[1], want[0]) ||
		!strings.HasPrefix(got[0], want[1]) && !strings.HasPrefix(got[1], want[1]) {
		t.Errorf("audit rows %q; want %q", got, want)
	}
}

// TestRunSeriesCSVShape: the file a lead opens in a spreadsheet, in the
// shape issue 12 gives, in TIME_ZONE; Share posts the masked summary and
// its masked CSV in the thread when the list is long.
func TestRunSeriesCSVShape(t *testing.T) {
	s := startSystem(t, func(e map[string]string) { e["TIME_ZONE"] = "Asia/Shanghai"; e["INLINE_LIMIT"] = "5" }, withSeries())
	ctx := ctxT(t)
	_, rs := s.command(t, slackfake.SlashCommand{Text: "960 123 4506 last 4", UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "+8 more in the attached file", "direct messages")
	files, err := s.slack.WaitFiles(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	rows := seriesCSV(t, files[0].Content)
	want := append(append([]string(nil), formatting.SeriesCSVHeader...), func() []string {
		var starts []string
		sh, _ := time.LoadLocation("Asia/Shanghai")
		for _, c := range meetingfake.SampleSeries(time.Now(), 4, 12) {
			starts = append(starts, c.Info.Start.In(sh).Format("2006-01-02T15:04:05+08:00"))
		}
		return starts
	}()...)
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Errorf("header\n %q\nwant\n %q", rows[0], want)
	}
	if len(rows) != 1+13 {
		t.Errorf("%d rows; want one per person (13)", len(rows)-1)
	}
	if dan := rowOf(t, rows, "Dan Kim"); strings.Join(dan[:9], ",") != "i:+8675500000004,Dan Kim,+8675500000004,Engineering,2,4,15.0,0,2" ||
		dan[9] != "" || dan[10] != "" || dan[11] != "15.0" {
		t.Errorf("Dan's row %q", dan)
	}

	share := s.press(t, "U1", "C0GENERAL", "attendees_share", buttonValue(t, rs[0], "attendees_share"))
	posts, err := s.slack.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, body(posts[0]), "Team stand-up — last 4 runs", "4/4")
	if _, err := s.slack.WaitResponsesFor(ctx, share, 1); err != nil {
		t.Fatal(err)
	}
	files, err = s.slack.WaitFiles(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	masked := seriesCSV(t, files[1].Content)
	if files[1].Channel != "C0GENERAL" || masked[1][0] != "person-1" || strings.Contains(string(files[1].Content)+body(posts[0]), "+8675500000004") {
		t.Errorf("shared CSV in %q starts %q; want masked numbers and person-N keys in the channel's thread", files[1].Channel, masked[1])
	}
}

// TestLookupSeries: the command line's --last, in every format.
func TestLookupSeries(t *testing.T) {
	m := fakeMeeting(t, withSeries(3))
	env := meetingEnv(m)
	for _, tt := range []struct {
		args  []string
		check func(t *testing.T, out string)
	}{
		{[]string{"lookup", "--last", "4", "960 123 4506"}, func(t *testing.T, out string) {
			mustContain(t, out, "Team stand-up — last 4 runs", "couldn't read", "Alice Zhang", "3/3", "missed the last 2", "Ivan Petrov")
		}},
		{[]string{"lookup", "team", "stand-up", "last", "4", "--format", "csv"}, func(t *testing.T, out string) {
			rows := seriesCSV(t, []byte(out))
			if len(rows) != 14 || len(rows[0]) != len(formatting.SeriesCSVHeader)+4 {
				t.Errorf("%d rows of %d columns", len(rows), len(rows[0]))
			}
		}},
		{[]string{"lookup", "--format=json", "--last=4", "--search", "alice", "9601234506"}, func(t *testing.T, out string) {
			var v struct {
				Runs    []json.RawMessage `json:"runs"`
				Members []struct {
					Name string           `json:"name"`
					In   []*time.Duration `json:"in_meeting_ns"`
				} `json:"members"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatal(err)
			}
			if len(v.Runs) != 4 || len(v.Members) != 1 || v.Members[0].Name != "Alice Zhang" || len(v.Members[0].In) != 4 || v.Members[0].In[3] != nil || *v.Members[0].In[0] != 14*time.Minute {
				t.Errorf("JSON %s", out)
			}
		}},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), tt.args, getenv(env), nil, &stdout, &stderr); err != nil {
			t.Fatalf("run(%q) = %v\n%s", tt.args, err, stderr.String())
		}
		tt.check(t, stdout.String())
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lookup", "--last", "1", "9601234506"}, 2, "--last takes a number of runs from 2 to 20"},
		{[]string{"lookup", "--last", "4", meetingfake.SampleSyncUUID}, 2, "a conference UUID is one run"},
		{[]string{"lookup", "stand-up", "last", "3"}, 1, "2 meeting IDs match"},
	} {
		var stdout bytes.Buffer
		err := run(t.Context(), tt.args, getenv(env), nil, &stdout, &bytes.Buffer{})
		if err == nil || exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v (exit %d); want exit %d saying %q", tt.args, err, exitCode(err), tt.code, tt.want)
		}
	}
}

// TestRunWatchWithSeries: a channel watching a meeting ID "with series"
// gets, under each automatic post, who missed the latest runs; a channel
// watching it plainly does not.
func TestRunWatchWithSeries(t *testing.T) {
	sl := fakeSlack(t, slackfake.Config{Channels: []slackfake.Channel{{ID: "C0GENERAL", Name: "general", Member: true}, {ID: "C0TEAM", Name: "team", Member: true}}})
	s := startOn(t, sl, 1, autopostEnv(""), withSeries())
	ctx := ctxT(t)
	_, rs := s.command(t, slackfake.SlashCommand{Text: "watch 960 123 4506 with series", ChannelID: "C0GENERAL", UserID: "U0LEAD"}, 1)
	mustContain(t, text(rs...), "subscribed this channel", "who missed the latest runs")
	_, rs = s.command(t, slackfake.SlashCommand{Text: "watching", ChannelID: "C0GENERAL", UserID: "U0LEAD"}, 1)
	mustContain(t, text(rs...), "with meeting ID 960 123 4506", "· with series")
	_, rs = s.command(t, slackfake.SlashCommand{Text: "watch 960 123 4506", ChannelID: "C0TEAM", UserID: "U0LEAD"}, 1)
	mustContain(t, text(rs...), "subscribed this channel")

	if code, body := postWebhook(t, s.http, concludeEvent(t, webhookKey, meetingfake.SampleSeriesID, meetingfake.SampleSeriesUUID(0), "nonce-series")); code != http.StatusOK {
		t.Fatalf("conclude event: %d %s", code, body)
	}
	posts, err := s.slack.WaitPosts(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		got := body(p)
		mustContain(t, got, "Team stand-up")
		if with := strings.Contains(got, "missed the last 2: Dan Kim, Erin Park"); with != (p.Channel == "C0GENERAL") {
			t.Errorf("post in %s has the series line: %v\n%s", p.Channel, with, got)
		}
	}
}

// TestRunSeriesInChinese: the series reply in its reader's language (a
// zh-CN Slack user); Share posts it in the channel's (BOT_LANGUAGE).
func TestRunSeriesInChinese(t *testing.T) {
	s := startOn(t, fakeSlack(t, slackfake.Config{Users: nativeUsers}), 1, nil, withSeries(1))
	_, rs := s.command(t, slackfake.SlashCommand{Text: "960 123 4506 last 4", UserID: "U2", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "Team stand-up — 最近 4 次", "*会议 ID* 960 123 4506", "1 次无法读取（", "按可读取的 3 次统计。",
		"*Dan Kim* — 2/3 · 平均 15分00秒", "*Ivan Petrov* — 0/3", "分享到频道")
	s.press(t, "U2", "C0GENERAL", "attendees_share", buttonValue(t, rs[0], "attendees_share"))
	posts, err := s.slack.WaitPosts(ctxT(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, body(posts[0]), "Team stand-up — last 4 runs", "counts are of 3 readable runs")
}

// TestRunSeriesOfAnUnknownMeetingID: "last N" of a meeting ID that names
// no meeting says what the lookup without it says: the ID and the window
// searched, in each reader's language, and on the terminal too.
func TestRunSeriesOfAnUnknownMeetingID(t *testing.T) {
	s := startNative(t, nil)
	for _, tt := range []struct{ user, want string }{
		{"U1", "I found no meeting with ID 960 123 4599 in the last 6 months"},
		{"U2", "最近 6 个月内，机器人会议账号可见的会议中没有 ID 为 960 123 4599 的会议。"},
	} {
		var replies []string
		for _, cmd := range []string{"960 123 4599", "960 123 4599 last 3", "960-123-4599 last"} {
			_, rs := s.command(t, slackfake.SlashCommand{Text: cmd, UserID: tt.user}, 1)
			mustContain(t, text(rs...), tt.want)
			replies = append(replies, rs[0].Text)
		}
		if replies[1] != replies[0] || replies[2] != replies[0] {
			t.Errorf("%s: replies differ:\n%s", tt.user, strings.Join(replies, "\n"))
		}
	}
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"lookup", "--last", "3", "960 123 4599"}, getenv(cliEnv(fakeMeeting(t, nil))), nil, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "I found no meeting with ID 960 123 4599 in the last 6 months") {
		t.Errorf("lookup --last 3 of an unknown meeting ID = %v; want it to name the ID and the window", err)
	}
}

// TestSeriesMissedIsOneFigure: "missed the last N" is one figure, the
// same in the Slack reply, the CSV's missed_latest_in_a_row and the JSON's
// missed: only for someone who came before, from two runs up. Ivan Petrov
// (never came) and Member 11 (missed only the newest) have none.
func TestSeriesMissedIsOneFigure(t *testing.T) {
	s := startSystem(t, nil, withSeries())
	_, rs := s.command(t, slackfake.SlashCommand{Text: "960 123 4506 last 4", UserID: "U1"}, 1)
	slackMissed := map[string]string{}
	lines := strings.ReplaceAll(text(rs...), `\n`, "\n") // a line of the blocks' JSON ends at a newline or a quote
	for _, m := range regexp.MustCompile(`\*([^*\n"]+)\* — [^\n"]*_missed the last (\d+)_`).FindAllStringSubmatch(lines, -1) {
		slackMissed[m[1]] = m[2]
	}
	if want := map[string]string{"Dan Kim": "2", "Erin Park": "2"}; !maps.Equal(slackMissed, want) {
		t.Fatalf("Slack marks %v; want %v", slackMissed, want)
	}

	env := cliEnv(s.meet)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"lookup", "9601234506", "--last", "4", "--format", "csv"}, getenv(env), nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	rows := seriesCSV(t, out.Bytes())
	col := slices.Index(rows[0], "missed_latest_in_a_row")
	csvMissed := map[string]string{}
	for _, r := range rows[1:] {
		if r[col] != "0" {
			csvMissed[r[1]] = r[col]
		}
	}
	out.Reset()
	if err := run(t.Context(), []string{"lookup", "9601234506", "--last", "4", "--format", "json"}, getenv(env), nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Members []struct {
			Name   string `json:"name"`
			Missed int    `json:"missed"`
		} `json:"members"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	jsonMissed := map[string]string{}
	for _, m := range v.Members {
		if m.Missed != 0 {
			jsonMissed[m.Name] = strconv.Itoa(m.Missed)
		}
	}
	if !maps.Equal(csvMissed, slackMissed) || !maps.Equal(jsonMissed, slackMissed) {
		t.Errorf("missed the last N: Slack %v, CSV %v, JSON %v; want one figure", slackMissed, csvMissed, jsonMissed)
	}
}
