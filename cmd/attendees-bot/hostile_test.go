package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// A user ID that is not a Slack ID never reaches a reply: written into the
// watch announcement it would have pinged the whole channel.
func TestRunRefusesHostileIDs(t *testing.T) {
	s := startSystem(t, nil, nil)
	ctx := ctxT(t)
	id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: "watch 960 123 4501", UserID: "U1><!channel><@U2", ChannelID: "C0GENERAL"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.logs.waitFor(ctx, "malformed request dropped", 1); err != nil {
		t.Fatal(err)
	}
	_, rs := s.command(t, slackfake.SlashCommand{Text: "watching", UserID: "U0LEAD", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "no automatic attendance posts")
	mustContain(t, get(t, s.http+"/metrics"), `attendees_commands_total{outcome="invalid_input"} 1`)
	s.shutdown(t)
	for _, r := range s.slack.Responses() {
		if strings.Contains(r.Text+string(r.Blocks), "<!channel>") {
			t.Errorf("a reply pings the channel: %s", r.Text)
		}
	}
}

// A command that came without a response_url could never be answered: it
// is dropped before the lookup, not after it as an internal error.
func TestRunDropsCommandWithoutResponseURL(t *testing.T) {
	s := startSystem(t, nil, nil)
	ctx := ctxT(t)
	id, err := s.slack.SendEnvelope(ctx, "slash_commands", map[string]string{
		"team_id": "T0FAKE", "channel_id": "C0GENERAL", "user_id": "U1", "command": "/attendees",
		"text": meetingfake.SampleSyncUUID, "api_app_id": "A0FAKE", "trigger_id": "1.2.x",
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.logs.waitFor(ctx, "no usable response_url", 1); err != nil {
		t.Fatal(err)
	}
	s.shutdown(t)
	if n := s.meet.Count(meetingfake.OpAttendees); n != 0 {
		t.Errorf("attendee record requests = %d; want none for a command nobody can be answered", n)
	}
	if strings.Contains(s.logs.String(), `"outcome":"internal"`) {
		t.Errorf("logged as an internal error:\n%s", s.logs.String())
	}
}

// Share buttons are bound to the person who looked the meeting up, and a
// value with extra parameters is neither a new share nor accepted.
func TestRunShareButtonsAreTheRequesters(t *testing.T) {
	s := startSystem(t, func(e map[string]string) { e["USER_RATE_LIMIT"] = "1000000" }, nil)
	ctx := ctxT(t)
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	value := buttonValue(t, rs[0], "attendees_share")

	for _, tc := range []struct {
		name, user, value, want string
	}{
		{"someone else's button", "U2", value, "belongs to the person"},
		{"made-up value", "U1", "c=" + meetingfake.SampleSyncUUID, "out of date"},
		{"junk parameter", "U1", value + "&junk=1", "out of date"},
		{"CSV of someone else's lookup", "U2", value, "belongs to the person"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			action := "attendees_share"
			if strings.HasPrefix(tc.name, "CSV") {
				action = "attendees_csv"
			}
			id := s.press(t, tc.user, "C0GENERAL", action, tc.value)
			rs, err := s.slack.WaitResponsesFor(ctx, id, 1)
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, text(rs...), tc.want)
		})
	}
	for range 3 { // a triple tap
		s.press(t, "U1", "C0GENERAL", "attendees_share", value)
	}
	if err := s.logs.waitFor(ctx, `"outcome":"duplicate"`, 2); err != nil {
		t.Fatal(err)
	}
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 1 {
		t.Errorf("posts = %d; want 1", n)
	}
	if n := len(s.slack.Files()); n != 0 {
		t.Errorf("files = %d; want none for someone else's CSV button", n)
	}
}

// A password in a URL of the configuration is never printed.
func TestRunDoesNotPrintURLPasswords(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"lookup", meetingfake.SampleSyncUUID}} {
		var stderr bytes.Buffer
		env := map[string]string{
			"SLACK_APP_TOKEN": "xapp-1-x", "SLACK_BOT_TOKEN": "xoxb-x", "MEETING_ACCESS_TOKEN": "tok",
			"MEETING_API_URL": "http://bot:hunter2@meeting.example", "SLACK_API_URL": "https://bot:hunter2@slack.example/api/",
		}
		err := run(t.Context(), args, getenv(env), nil, io.Discard, &stderr)
		if err == nil {
			t.Fatalf("%v started with credentials in the URLs", args)
		}
		mustContain(t, err.Error(), "MEETING_API_URL must not contain a user name or password", "SLACK_API_URL must not contain")
		if strings.Contains(err.Error()+stderr.String(), "hunter2") {
			t.Errorf("%v printed the password: %v %s", args, err, stderr.String())
		}
	}
}

// The meeting token is never sent to another host, whatever the meeting
// API's answer says, and what that host answers is never used.
func TestLookupRefusesRedirectToAnotherHost(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"offset":0,"limit":500,"count":1,"data":[{"displayName":"Mallory"}]}`)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer api.Close()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"lookup", meetingfake.SampleSyncUUID},
		getenv(map[string]string{"MEETING_API_URL": api.URL, "MEETING_ACCESS_TOKEN": "static-secret-token", "LOG_LEVEL": "debug"}),
		nil, &stdout, &stderr)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("lookup = %v; want it to fail", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests (with the token); want none", n)
	}
	if strings.Contains(stdout.String(), "Mallory") {
		t.Errorf("the other host's data was used:\n%s", stdout.String())
	}
}

// A double tap on Share whose taps Slack hands to two replicas posts once:
// what was just shared is remembered in the store they share, not only in
// each process.
func TestRunDoubleTapAcrossReplicasPostsOnce(t *testing.T) {
	sl, a, b := twoReplicas(t)
	ctx := ctxT(t)
	first := b.pressShare(t, meetingfake.SampleSyncUUID, "C0GENERAL")
	rs, err := sl.WaitResponsesFor(ctx, first, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(rs...), "Shared in the channel")
	value := ""
	for _, r := range sl.Responses() {
		if strings.Contains(string(r.Blocks), "attendees_share") {
			value = buttonValue(t, r, "attendees_share")
		}
	}
	b.shutdown(t) // Slack now only has a's connection: the second tap goes there
	if err := sl.WaitLiveConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	second := a.press(t, "U1", "C0GENERAL", "attendees_share", value)
	rs, err = sl.WaitResponsesFor(ctx, second, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(rs...), "shared in this channel a moment ago")
	a.shutdown(t)
	if n := len(sl.Posts()); n != 1 {
		t.Errorf("posts in the channel = %d; want 1 across both replicas", n)
	}
}

// A failing dial is logged with the host it went to and nothing of the
// path or query (a history window, a login path, the Slack method): net/http
// writes the whole URL into its errors, and both clients cut it where
// their errors leave them, for a static token (history) and an App ID
// login alike.
func TestRunLogsOnlyTheHostOfAFailingDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for name, login := range map[string]map[string]string{
		"static token": {"MEETING_ACCESS_TOKEN": "static-secret-token"},
		"app id":       {"MEETING_APP_ID": testAppID, "MEETING_APP_KEY": testAppKey},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{
				"SLACK_APP_TOKEN": "xapp-1-abc", "SLACK_BOT_TOKEN": "xoxb-abc",
				"SLACK_API_URL": closed + "/api/", "MEETING_API_URL": closed,
				"HTTP_ADDR": "127.0.0.1:0", "STORE_URL": filepath.Join(t.TempDir(), "attendees.db"),
				"AUTOPOST_POLL_INTERVAL": "1h", // the first poll lists the history at once
			}
			maps.Copy(env, login)
			logs := &syncBuffer{}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"run"}, getenv(env), nil, io.Discard, logs) }()
			wctx := ctxT(t)
			for _, msg := range []string{`"msg":"slack connection problem"`, `"msg":"meeting api: retrying"`, `"msg":"autopost poll failed"`} {
				if err := logs.waitFor(wctx, msg, 1); err != nil {
					t.Fatalf("%v\n%s", err, logs)
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run = %v; want a clean exit", err)
			}
			got := logs.String()
			mustContain(t, got, `\"`+closed+`/…\": dial tcp`)
			for _, cut := range []string{"/api/", "apps.connections.open", "/v1/", "/v2/", "offset=", "endDate=", "?"} {
				if strings.Contains(got, cut) {
					t.Errorf("the logs show %q of a URL:\n%s", cut, got)
				}
			}
		})
	}
}
