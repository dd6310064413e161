package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

const (
	testAppID  = "app-e2e"
	testAppKey = "key-e2e-0123456789"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test to share;
// waitFor wakes on every write.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// waitFor blocks until the buffer holds n occurrences of substr.
func (s *syncBuffer) waitFor(ctx context.Context, substr string, n int) error {
	for {
		s.mu.Lock()
		if strings.Count(s.b.String(), substr) >= n {
			s.mu.Unlock()
			return nil
		}
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("log never showed %d × %q: %w", n, substr, ctx.Err())
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// system is the real program running against a fake Slack and a fake
// meeting service, both of which check everything they receive.
type system struct {
	slack   *slackfake.Server
	meet    *meetingfake.Server
	http    string // base URL of the bot's HTTP server
	env     map[string]string
	logs    *syncBuffer
	stop    context.CancelFunc
	done    chan error
	stopped bool
}

// httpAddr reads the address the program's HTTP server is bound to from
// its "started" log line: tests give it HTTP_ADDR=127.0.0.1:0, so no port
// is picked here and then taken by another process before the program
// binds it.
func httpAddr(t testing.TB, logs *syncBuffer) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := logs.waitFor(ctx, `"msg":"attendees-bot started"`, 1); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	for line := range strings.Lines(logs.String()) {
		var l struct {
			Msg  string `json:"msg"`
			Addr string `json:"http_addr"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "attendees-bot started" {
			return l.Addr
		}
	}
	t.Fatalf("no http_addr in the started line:\n%s", logs.String())
	return ""
}

func fakeMeeting(t testing.TB, mod func(*meetingfake.Config)) *meetingfake.Server {
	t.Helper()
	cfg := meetingfake.Config{AppID: testAppID, AppKey: testAppKey, Conferences: meetingfake.Sample(time.Now())}
	if mod != nil {
		mod(&cfg)
	}
	m, err := meetingfake.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.Close()
		if v := m.Violations(); len(v) > 0 {
			t.Errorf("meeting API fake saw violations:\n%s", strings.Join(v, "\n"))
		}
	})
	return m
}

func meetingEnv(m *meetingfake.Server) map[string]string {
	return map[string]string{
		"MEETING_API_URL": m.URL, "MEETING_APP_ID": testAppID, "MEETING_APP_KEY": testAppKey,
		"LOG_FORMAT": "json", "LOG_LEVEL": "debug",
	}
}

func getenv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// startSystem runs `attendees-bot run` and waits until it is connected.
func startSystem(t testing.TB, envMod func(map[string]string), meetMod func(*meetingfake.Config)) *system {
	t.Helper()
	return startOn(t, fakeSlack(t), 1, envMod, meetMod)
}

// fakeSlack starts a fake Slack (with cfg, if given) that fails the test
// on any violation.
func fakeSlack(t testing.TB, cfg ...slackfake.Config) *slackfake.Server {
	t.Helper()
	sl, err := slackfake.Start(append(cfg, slackfake.Config{})[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sl.Close()
		if v := sl.Violations(); len(v) > 0 {
			t.Errorf("Slack fake saw violations:\n%s", strings.Join(v, "\n"))
		}
	})
	return sl
}

// startOn runs the program against sl, which then has conns connections
// in total (a second replica on the same fake Slack makes it 2).
func startOn(t testing.TB, sl *slackfake.Server, conns int, envMod func(map[string]string), meetMod func(*meetingfake.Config)) *system {
	t.Helper()
	s := &system{logs: &syncBuffer{}, done: make(chan error, 1), slack: sl}
	s.meet = fakeMeeting(t, meetMod)
	env := meetingEnv(s.meet)
	env["SLACK_APP_TOKEN"] = sl.Config().AppToken
	env["SLACK_BOT_TOKEN"] = sl.Config().BotToken
	env["SLACK_API_URL"] = sl.APIURL()
	env["HTTP_ADDR"] = "127.0.0.1:0"
	env["STORE_URL"] = filepath.Join(t.TempDir(), "attendees.db")
	env["AUTOPOST_POLL_INTERVAL"] = "0" // tests of polling turn it on
	if envMod != nil {
		envMod(env)
	}
	s.env = env
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go func() { s.done <- run(ctx, []string{"run"}, getenv(env), strings.NewReader(""), io.Discard, s.logs) }()
	t.Cleanup(func() {
		if !s.stopped {
			s.shutdown(t)
		}
		scanStore(t, env["STORE_URL"])
		if t.Failed() {
			t.Logf("bot logs:\n%s", s.logs.String())
		}
		for _, secret := range []string{sl.Config().AppToken, sl.Config().BotToken, testAppKey} {
			if strings.Contains(s.logs.String(), secret) {
				t.Errorf("a secret appears in the logs")
			}
		}
		logs := s.logs.String()
		for _, n := range samplePhoneNumbers() {
			if strings.Contains(logs, n) {
				t.Errorf("a phone number of the sample meetings (%s…) appears in the logs", n[:4])
				break
			}
		}
	})
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if err := sl.WaitConnections(wctx, conns); err != nil {
		t.Fatalf("bot did not connect: %v\n%s", err, s.logs.String())
	}
	// The started line names the bound address. The benchmarks quiet the
	// logs (LOG_LEVEL=warn), which drops it: they use no HTTP endpoint.
	if lvl := env["LOG_LEVEL"]; lvl != "warn" && lvl != "error" {
		s.http = "http://" + httpAddr(t, s.logs)
	}
	return s
}

// samplePhoneNumbers are the digits of every phone number in the sample
// meetings (attendees' call numbers, invitees' SMS numbers), however a log
// line might write them.
var samplePhoneNumbers = sync.OnceValue(func() []string {
	var out []string
	add := func(n string) {
		if digits := strings.TrimLeft(n, "+"); len(digits) >= 7 {
			out = append(out, digits)
		}
	}
	for _, c := range meetingfake.Sample(time.Now()) {
		for _, r := range c.Records {
			add(r.CallNumber)
		}
		for _, p := range c.Invited {
			add(p.SMS)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
})

// shutdown is SIGTERM: cancel run's context and wait for a clean exit.
func (s *system) shutdown(t testing.TB) {
	t.Helper()
	s.stopped = true
	s.stop()
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("run returned %v; want a clean exit", err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("run did not return after shutdown")
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// command sends a slash command and returns the replies to it once n arrived.
func (s *system) command(t *testing.T, cmd slackfake.SlashCommand, n int) (string, []slackfake.Response) {
	t.Helper()
	ctx := ctxT(t)
	id, err := s.slack.SlashCommand(ctx, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
		t.Fatalf("no ack: %v", err)
	}
	rs, err := s.slack.WaitResponsesFor(ctx, id, n)
	if err != nil {
		t.Fatalf("replies to %q: %v\n%s", cmd.Text, err, s.logs.String())
	}
	return id, rs
}

// pressShare looks confUUID up as U1 in channel and taps "Share in
// channel" under the private reply, with the value the bot gave the button.
func (s *system) pressShare(t *testing.T, confUUID, channel string) string {
	t.Helper()
	_, rs := s.command(t, slackfake.SlashCommand{Text: confUUID, UserID: "U1", ChannelID: channel}, 1)
	return s.press(t, "U1", channel, "attendees_share", buttonValue(t, rs[0], "attendees_share"))
}

// press taps a button as user in channel and returns the envelope ID.
func (s *system) press(t *testing.T, user, channel, action, value string) string {
	t.Helper()
	id, err := s.slack.BlockAction(ctxT(t), slackfake.BlockAction{
		ActionID: action, Value: value, UserID: user, ChannelID: channel, Ephemeral: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// buttonValue is the value of the button with actionID in a reply.
func buttonValue(t *testing.T, r slackfake.Response, actionID string) string {
	t.Helper()
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(r.Blocks, &blocks); err != nil {
		t.Fatalf("reply blocks: %v", err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == actionID {
				return e.Value
			}
		}
	}
	t.Fatalf("no %s button in the reply:\n%s", actionID, r.Blocks)
	return ""
}

func text(rs ...slackfake.Response) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text + "\n" + string(r.Blocks) + "\n")
	}
	return b.String()
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%.3000s", w, got)
		}
	}
}

func TestRunSmallLookup(t *testing.T) {
	s := startSystem(t, nil, nil)
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U1"}, 1)
	if rs[0].ResponseType != "ephemeral" {
		t.Errorf("response_type = %q; want ephemeral", rs[0].ResponseType)
	}
	mustContain(t, text(rs...), "Weekly product sync", "attendees_share", "attendees_csv")
	if n := len(s.slack.Files()); n != 0 {
		t.Errorf("files = %d; want none for a short list", n)
	}
	s.shutdown(t) // the log line is written after the reply
	mustContain(t, s.logs.String(), `"outcome":"ok"`, `"meeting_request_ids"`, `"conf_uuid":"`+meetingfake.SampleSyncUUID)
}

func TestRunShareButton(t *testing.T) {
	s := startSystem(t, nil, nil)
	ctx := ctxT(t)
	id := s.pressShare(t, meetingfake.SampleSyncUUID, "C0GENERAL")
	posts, err := s.slack.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].Channel != "C0GENERAL" {
		t.Errorf("shared in %q; want C0GENERAL", posts[0].Channel)
	}
	body := posts[0].Text + string(posts[0].Blocks)
	mustContain(t, body, "Weekly product sync")
	for _, c := range meetingfake.Sample(time.Now()) {
		if c.Info.ConfUUID != meetingfake.SampleSyncUUID {
			continue
		}
		for _, r := range c.Records {
			if len(r.CallNumber) > 8 && strings.Contains(body, r.CallNumber) {
				t.Errorf("shared post shows the full number %s", r.CallNumber)
			}
		}
	}
	rs, err := s.slack.WaitResponsesFor(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(rs...), "Shared in the channel")
}

func TestRunShareWhereBotIsNotMember(t *testing.T) {
	s := startSystem(t, nil, nil)
	ctx := ctxT(t)
	id := s.pressShare(t, meetingfake.SampleTownHallUUID, "G0SECRET")
	rs, err := s.slack.WaitResponsesFor(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].ResponseType != "in_channel" {
		t.Errorf("first reply type = %q; want the in_channel summary", rs[0].ResponseType)
	}
	mustContain(t, text(rs[1]), "not a member")
	files, err := s.slack.WaitFiles(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if files[0].Channel != "DU1" {
		t.Errorf("CSV went to %q; want the requester's DM DU1", files[0].Channel)
	}
}

func TestRunLargeLookupSendsEveryRecord(t *testing.T) {
	s := startSystem(t, nil, nil)
	id, _ := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleTownHallUUID, UserID: "U7"}, 1)
	mustContain(t, text(s.settled(t, id)...), "direct messages", "more in the attached file", "*No-shows* 50")
	checkDelivered(t, s.slack.Files(), "DU7", "", meetingfake.SampleTownHallRecords, meetingfake.SampleTownHallNoShows)
}

// comparing is what an answer sent before its invite list says until it
// is edited in place, compared.
const comparing = "Comparing with the invite list"

// settled returns what the reply to envelope id shows once its comparison
// with the invite list is over: the answer itself, or, when the invite
// list came after its grace, the answer that replaced it. Which of the two
// happens is the bot's wall-clock choice (inviteGrace), not the test's:
// tests of what a user ends up with take either; the tests of the late
// path hold the invite list (invites_e2e_test.go).
func (s *system) settled(t *testing.T, id string) []slackfake.Response {
	t.Helper()
	ctx := ctxT(t)
	for {
		n := len(s.slack.ResponsesFor(id))
		if shown := s.slack.Shown(id); n > 0 && !strings.Contains(text(shown...), comparing) {
			return shown
		}
		if _, err := s.slack.WaitResponsesFor(ctx, id, n+1); err != nil {
			t.Fatalf("the reply to %s is still comparing with the invite list: %v", id, err)
		}
	}
}

// settledPost is settled for a post (a share, an automatic post): its text
// and blocks once no longer comparing (edited by chat.update), and whether
// it was edited so.
func (s *system) settledPost(t *testing.T, channel, ts string) (body string, late bool) {
	t.Helper()
	ctx := ctxT(t)
	for {
		n := len(s.slack.Updates())
		txt, blocks, ok := s.slack.Message(channel, ts)
		if !ok {
			t.Fatalf("no post %s in %s", ts, channel)
		}
		if !strings.Contains(txt+string(blocks), comparing) {
			return txt + string(blocks), late
		}
		late = true
		if _, err := s.slack.WaitUpdates(ctx, n+1); err != nil {
			t.Fatalf("post %s in %s is still comparing with the invite list: %v", ts, channel, err)
		}
	}
}

// waitFileIn waits for a CSV in channel, in the thread of ts: of records,
// or with noShows a late -no-shows.csv.
func (s *system) waitFileIn(t *testing.T, channel, ts string, noShows bool) {
	t.Helper()
	ctx := ctxT(t)
	for {
		files := s.slack.Files()
		if slices.ContainsFunc(files, func(f slackfake.File) bool {
			return f.Channel == channel && f.ThreadTS == ts && strings.HasSuffix(f.Name, "-no-shows.csv") == noShows
		}) {
			return
		}
		if _, err := s.slack.WaitFiles(ctx, len(files)+1); err != nil {
			t.Fatalf("no CSV in %s (thread %q): %v", channel, ts, err)
		}
	}
}

// inlineLimit is INLINE_LIMIT's default: the people a message shows.
const inlineLimit = 25

// checkDelivered asserts that the CSV files sent to channel (in the
// thread of ts, "" for none), once the comparison is over, hold every
// no-show once, and every record when the message cannot show them all:
// all in the records' CSV, or, when the invite list came after the answer,
// the no-shows in a -no-shows.csv of their own, none in the records' CSV
// (sent with the answer when its people did not fit, else not at all).
func checkDelivered(t *testing.T, files []slackfake.File, channel, ts string, records, noShows int) {
	t.Helper()
	var main, late []slackfake.File
	for _, f := range files {
		switch {
		case f.Channel != channel || f.ThreadTS != ts:
		case strings.HasSuffix(f.Name, "-no-shows.csv"):
			late = append(late, f)
		default:
			main = append(main, f)
		}
	}
	switch {
	case len(main) > 1 || len(late) > 1:
		t.Fatalf("CSV files in %s (thread %q): %d of records, %d of no-shows; want at most one of each", channel, ts, len(main), len(late))
	case len(late) == 0 && len(main) == 1:
		checkCSVRows(t, main[0].Content, records, noShows)
	case len(late) == 1 && len(main) == 1:
		checkCSVRows(t, main[0].Content, records, 0)
		checkCSVRows(t, late[0].Content, 0, noShows)
	case len(late) == 1 && records <= inlineLimit:
		checkCSVRows(t, late[0].Content, 0, noShows)
	default:
		t.Fatalf("CSV files in %s (thread %q): %d of records, %d of no-shows; want the records' (%d) and the no-shows (%d)", channel, ts, len(main), len(late), records, noShows)
	}
}

// checkCSVRows asserts that a CSV file has one row per record and one per
// no-show (person_level no_show, record columns empty).
func checkCSVRows(t *testing.T, content []byte, records, noShows int) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(content, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	gotRecords, gotNoShows := 0, 0
	for _, row := range rows[1:] {
		switch {
		case row[17] != "no_show":
			gotRecords++
		case row[2]+row[5]+row[7]+row[9]+row[11] == "":
			gotNoShows++
		default:
			t.Errorf("no-show row with record columns: %q", row)
		}
	}
	if gotRecords != records || gotNoShows != noShows {
		t.Errorf("CSV rows: %d records, %d no-shows; want %d and %d", gotRecords, gotNoShows, records, noShows)
	}
}

func TestRunMeetingIDWithTwoInstances(t *testing.T) {
	s := startSystem(t, nil, nil)
	_, rs := s.command(t, slackfake.SlashCommand{Text: "960-123-4505"}, 1)
	got := text(rs...)
	mustContain(t, got, "Daily stand-up", "ran 1 more time", "c="+meetingfake.SampleStandupUUIDOlder, "attendees_open")
	if s.meet.Count(meetingfake.OpAttendees) == 0 {
		t.Errorf("no attendee records were fetched")
	}
}

func TestRunRecentAndInputs(t *testing.T) {
	s := startSystem(t, nil, nil)
	tests := []struct {
		text string
		want []string
	}{
		{"", []string{"Recent meetings", "attendees_open", meetingfake.SampleTownHallUUID}},
		{"recent", []string{"Recent meetings"}},
		{"!!!", []string{"couldn't read a meeting"}},
		{"ffffffffffffffffffffffffffffffff", []string{"couldn't find that meeting"}},
		{"help", []string{"Who was in that meeting?"}},
	}
	for i, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, rs := s.command(t, slackfake.SlashCommand{Text: tt.text, UserID: fmt.Sprintf("U%d", i)}, 1)
			mustContain(t, text(rs...), tt.want...)
		})
	}
}

func TestRunDuplicateEnvelopeAnsweredOnce(t *testing.T) {
	s := startSystem(t, nil, nil)
	ctx := ctxT(t)
	id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.slack.Redeliver(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.slack.WaitAcks(ctx, id, 2); err != nil {
		t.Fatalf("redelivery not acked: %v", err)
	}
	// A later command on the same socket is dispatched after the redelivery.
	s.command(t, slackfake.SlashCommand{Text: "help", UserID: "U2"}, 1)
	if _, err := s.slack.WaitResponsesFor(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	metrics := get(t, s.http+"/metrics")
	mustContain(t, metrics, `attendees_commands_total{outcome="duplicate"} 1`)
	s.shutdown(t)
	if n := len(s.slack.ResponsesFor(id)); n != 1 {
		t.Errorf("replies to the redelivered envelope = %d; want 1", n)
	}
}

func TestRunReconnects(t *testing.T) {
	s := startSystem(t, nil, nil)
	ctx := ctxT(t)
	if err := s.slack.Disconnect(ctx, "refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if err := s.slack.WaitConnections(ctx, 2); err != nil {
		t.Fatalf("no reconnect: %v", err)
	}
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID}, 1)
	mustContain(t, text(rs...), "Weekly product sync")
	if !s.slack.DropConnection() {
		t.Fatal("no connection to drop")
	}
	if err := s.slack.WaitConnections(ctx, 3); err != nil {
		t.Fatalf("no reconnect after a dropped socket: %v", err)
	}
	_, rs = s.command(t, slackfake.SlashCommand{Text: "help"}, 1)
	mustContain(t, text(rs...), "Who was in that meeting?")
}

func TestRunAccessRefusedMakesNoMeetingCall(t *testing.T) {
	s := startSystem(t, func(e map[string]string) { e["ALLOWED_USER_IDS"] = "U0BOSS" }, nil)
	for _, txt := range []string{meetingfake.SampleSyncUUID, "recent", "9601234505"} {
		_, rs := s.command(t, slackfake.SlashCommand{Text: txt, UserID: "U0INTRUDER"}, 1)
		mustContain(t, text(rs...), "don't have access")
	}
	for _, op := range []string{meetingfake.OpAttendees, meetingfake.OpHistory, meetingfake.OpConfDetail} {
		if n := s.meet.Count(op); n != 0 {
			t.Errorf("meeting %s calls = %d; want 0", op, n)
		}
	}
	_, rs := s.command(t, slackfake.SlashCommand{Text: "help", UserID: "U0BOSS"}, 1)
	mustContain(t, text(rs...), "Who was in that meeting?")
}

func TestRunMeetingServiceDown(t *testing.T) {
	s := startSystem(t, nil, nil)
	s.meet.SetDown(true)
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID}, 1)
	mustContain(t, text(rs...), "unavailable right now")
	s.meet.SetDown(false)
	_, rs = s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U2"}, 1)
	mustContain(t, text(rs...), "Weekly product sync")
}

func TestRunShutdownFinishesLookupInFlight(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	s := startSystem(t, nil, func(c *meetingfake.Config) {
		c.OnRequest = func(op string, _ *http.Request) {
			if op == meetingfake.OpAttendees {
				once.Do(func() { close(arrived) })
				<-release
			}
		}
	})
	ctx := ctxT(t)
	id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-arrived:
	case <-ctx.Done():
		t.Fatal("lookup never reached the meeting API")
	}
	s.stopped = true
	s.stop() // SIGTERM
	if err := s.slack.WaitLiveConnections(ctx, 0); err != nil {
		t.Errorf("socket still open after SIGTERM: %v", err)
	}
	// While it drains, the process is alive but takes no new work.
	if got := get(t, s.http+"/healthz"); strings.TrimSpace(got) != "ok" {
		t.Errorf("/healthz during the drain = %q", got)
	}
	if code := status(t, s.http+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the drain = %d; want 503", code)
	}
	close(release)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("run = %v; want a clean exit", err)
		}
	case <-ctx.Done():
		t.Fatal("run did not return")
	}
	rs := s.slack.ResponsesFor(id)
	if len(rs) != 1 {
		t.Fatalf("replies = %d; want the in-flight lookup answered", len(rs))
	}
	mustContain(t, text(rs...), "Weekly product sync")
}

func TestRunHTTPEndpoints(t *testing.T) {
	s := startSystem(t, nil, nil)
	s.command(t, slackfake.SlashCommand{Text: "help"}, 1)
	// The command is counted just before its log line, after the reply.
	if err := s.logs.waitFor(ctxT(t), `"msg":"command"`, 1); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s.http+"/healthz"); strings.TrimSpace(got) != "ok" {
		t.Errorf("/healthz = %q", got)
	}
	mustContain(t, get(t, s.http+"/readyz"), `"meeting":"ok"`, `"slack":"ok"`)
	mustContain(t, get(t, s.http+"/metrics"),
		`attendees_commands_total{outcome="ok"}`, "attendees_ack_latency_seconds_bucket",
		"attendees_meeting_requests_total", "attendees_inflight_commands")
}

func TestRunRefusesBadConfig(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), nil, getenv(map[string]string{"SLACK_BOT_TOKEN": "xoxp-secret-user-token", "MEETING_RATE_LIMIT": "lots"}), nil, io.Discard, &stderr)
	if err == nil {
		t.Fatal("run started without configuration")
	}
	mustContain(t, err.Error(), "SLACK_APP_TOKEN is missing", "SLACK_BOT_TOKEN must start with xoxb-", "MEETING_RATE_LIMIT is malformed", "meeting credentials are missing")
	if strings.Contains(err.Error(), "xoxp-secret-user-token") {
		t.Errorf("error echoes the token: %v", err)
	}
	// systemd's RestartPreventExitStatus=78 keeps a bad configuration from
	// restarting for ever.
	if got := exitCode(err); got != exitConfig || exitConfig != 78 {
		t.Errorf("exit status of a bad configuration = %d; want 78 (EX_CONFIG)", got)
	}
}

// TestRunRefusesTheExamplesPlaceholders: the compose example copied as
// is, placeholders and all, stops at the configuration (78, not
// restarted) and says which variables to fill in, before any connection:
// the Slack fake sees none.
func TestRunRefusesTheExamplesPlaceholders(t *testing.T) {
	sl := fakeSlack(t)
	env := map[string]string{
		"SLACK_APP_TOKEN": "xapp-REPLACE-ME", "SLACK_BOT_TOKEN": "xoxb-REPLACE-ME", "SLACK_API_URL": sl.APIURL(),
		"MEETING_APP_ID": "REPLACE-ME", "MEETING_APP_KEY": "REPLACE-ME",
		"STORE_URL": filepath.Join(t.TempDir(), "attendees.db"), "HTTP_ADDR": "127.0.0.1:0",
	}
	err := run(t.Context(), nil, getenv(env), nil, io.Discard, io.Discard)
	if got := exitCode(err); err == nil || got != exitConfig {
		t.Fatalf("run with the examples' placeholders = %v (exit %d); want exit %d", err, got, exitConfig)
	}
	for _, v := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "MEETING_APP_ID", "MEETING_APP_KEY"} {
		mustContain(t, err.Error(), v+" still holds the placeholder REPLACE-ME of the examples")
	}
	if n := sl.Stats().Calls["apps.connections.open"]; n != 0 {
		t.Errorf("apps.connections.open called %d times; want none before the configuration is right", n)
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctxT(t), http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func get(t *testing.T, url string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctxT(t), http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s = %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestRunHonoursSlackRateLimit(t *testing.T) {
	s := startSystem(t, nil, nil)
	s.slack.RateLimitNext("chat.postMessage", 1, 1)
	ctx := ctxT(t)
	s.pressShare(t, meetingfake.SampleSyncUUID, "C0GENERAL")
	posts, err := s.slack.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	st := s.slack.Stats()
	if st.RateLimited != 1 || st.EarlyRetries != 0 {
		t.Errorf("rate limited %d, early retries %d; want 1 and 0", st.RateLimited, st.EarlyRetries)
	}
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 1 || posts[0].Channel != "C0GENERAL" {
		t.Errorf("posts = %d; want exactly one after the retry", n)
	}
}

func TestRunCSVUploadFailureIsReported(t *testing.T) {
	s := startSystem(t, nil, nil)
	s.slack.FailNext("files.getUploadURLExternal", 1, "ratelimited")
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleTownHallUUID}, 1)
	mustContain(t, text(rs...), "couldn't send the CSV file", "Company town hall Q4")
}

func TestRunStopsOnRevokedAppToken(t *testing.T) {
	sl, err := slackfake.Start(slackfake.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sl.Close()
	m := fakeMeeting(t, nil)
	env := meetingEnv(m)
	env["SLACK_APP_TOKEN"] = "xapp-1-revoked"
	env["SLACK_BOT_TOKEN"] = sl.Config().BotToken
	env["SLACK_API_URL"] = sl.APIURL()
	env["HTTP_ADDR"] = "127.0.0.1:0"
	dir := t.TempDir()
	env["STORE_URL"] = filepath.Join(dir, "a.db")
	env["AUTOPOST_POLL_INTERVAL"] = "0"
	var logs syncBuffer
	err = run(ctxT(t), []string{"run"}, getenv(env), nil, io.Discard, &logs)
	// The store is closed when run returns: SQLite has removed its -wal
	// and -shm files (they went on being removed after it, under the
	// test's cleanup, when a cancelled query still held the connection).
	if left, _ := filepath.Glob(filepath.Join(dir, "a.db-*")); len(left) > 0 {
		t.Errorf("files left after run returned: %v", left)
	}
	if err == nil || !strings.Contains(err.Error(), "check SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("run = %v; want it to stop and name SLACK_APP_TOKEN", err)
	}
	if strings.Contains(err.Error()+logs.String(), "xapp-1-revoked") {
		t.Errorf("the token appears in the error or logs")
	}
}

// twoReplicas starts two bots on one fake Slack sharing one SQLite store
// (as one process, which holds the file's lock for both). The newest
// connection, b's, gets the envelopes until b shuts down.
func twoReplicas(t *testing.T) (sl *slackfake.Server, a, b *system) {
	t.Helper()
	sl = fakeSlack(t)
	storeURL := filepath.Join(t.TempDir(), "shared.db")
	shared := func(e map[string]string) { e["STORE_URL"] = storeURL }
	return sl, startOn(t, sl, 1, shared, nil), startOn(t, sl, 2, shared, nil)
}

func TestRunRedeliveryToAnotherReplicaAnsweredOnce(t *testing.T) {
	sl, a, b := twoReplicas(t)
	ctx := ctxT(t)
	id, err := sl.SlashCommand(ctx, slackfake.SlashCommand{Text: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sl.WaitResponsesFor(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	if err := b.logs.waitFor(ctx, `"msg":"command"`, 1); err != nil {
		t.Fatalf("replica b did not answer: %v", err)
	}
	b.shutdown(t) // Slack now only has a's connection
	if err := sl.WaitLiveConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := sl.Redeliver(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := sl.WaitAcks(ctx, id, 2); err != nil {
		t.Fatalf("redelivery not acked: %v", err)
	}
	if err := a.logs.waitFor(ctx, "answered by another replica", 1); err != nil {
		t.Fatal(err)
	}
	a.shutdown(t)
	if n := len(sl.ResponsesFor(id)); n != 1 {
		t.Errorf("replies = %d; want 1 across both replicas", n)
	}
}
