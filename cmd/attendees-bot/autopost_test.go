package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/autopost"
	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

const (
	webhookKey = "webhook-subscriber-password"
	webhookApp = "app-e2e-subscriber"
)

// autopostEnv turns on the webhook and makes posts due at once.
func autopostEnv(storeURL string) func(map[string]string) {
	return func(e map[string]string) {
		e["MEETING_WEBHOOK_KEY"] = webhookKey
		e["MEETING_WEBHOOK_SUBSCRIBER_ID"] = webhookApp
		e["AUTOPOST_SETTLE"] = "0s"
		e["AUTOPOST_POLL_INTERVAL"] = "0"
		if storeURL != "" {
			e["STORE_URL"] = storeURL
		}
	}
}

// concludeEvent is a meeting.conclude event signed as the vendor signs it.
func concludeEvent(t testing.TB, key, meetingID, meetingUUID, nonce string) []byte {
	t.Helper()
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	info := fmt.Sprintf(`{"event":"meeting.conclude","timestamp":%s,"payload":{"meetingInfo":{"meetingID":%q,"meetingUUID":%q}}}`, ts, meetingID, meetingUUID)
	sig := autopost.Sign(meeting.Secret(key), webhookApp, ts, nonce, []byte(info))
	return []byte(fmt.Sprintf(`{"appID":%q,"timestamp":%s,"nonce":%q,"signature":%q,"eventInfo":%s}`, webhookApp, ts, nonce, sig, info))
}

func postWebhook(t testing.TB, base string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/webhooks/meeting", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// watch subscribes channel to the weekly sync's meeting ID by slash command.
func (s *system) watchSync(t *testing.T, channel string) {
	t.Helper()
	_, rs := s.command(t, slackfake.SlashCommand{Text: "watch 960 123 4501", ChannelID: channel, UserID: "U0LEAD"}, 1)
	mustContain(t, text(rs...), "subscribed this channel")
}

func TestAutopostWebhook(t *testing.T) {
	s := startSystem(t, autopostEnv(""), nil)
	s.watchSync(t, "C0GENERAL")
	ctx := ctxT(t)

	if code, body := postWebhook(t, s.http, []byte(`{"appID":"x","timestamp":1,"nonce":"n","signature":"00","eventInfo":{"event":"meeting.conclude"}}`)); code != http.StatusUnauthorized {
		t.Errorf("badly signed event: %d %s; want 401", code, body)
	}
	if code, _ := postWebhook(t, s.http, concludeEvent(t, "wrong-key", meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-0")); code != http.StatusUnauthorized {
		t.Errorf("event signed with another key: %d; want 401", code)
	}

	// The activation handshake echoes the nonce.
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	info := `{"event":"meeting.verify","timestamp":` + ts + `}`
	verify := fmt.Sprintf(`{"appID":%q,"timestamp":%s,"nonce":"abc123","signature":%q,"eventInfo":%s}`,
		webhookApp, ts, autopost.Sign(webhookKey, webhookApp, ts, "abc123", []byte(info)), info)
	code, body := postWebhook(t, s.http, []byte(verify))
	var echo map[string]string
	if code != http.StatusOK || json.Unmarshal([]byte(body), &echo) != nil || echo["event"] != "meeting.verify" || echo["nonce"] != "abc123" {
		t.Errorf("verify handshake = %d %s", code, body)
	}

	event := concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-1")
	for range 2 { // the vendor redelivers
		if code, body := postWebhook(t, s.http, event); code != http.StatusOK {
			t.Fatalf("conclude event: %d %s", code, body)
		}
	}
	posts, err := s.slack.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := posts[0]
	if p.Channel != "C0GENERAL" {
		t.Errorf("posted in %s; want the subscribed channel", p.Channel)
	}
	mustContain(t, p.Text+string(p.Blocks), "Weekly product sync", "Alice Zhang")
	for _, c := range meetingfake.Sample(time.Now()) {
		for _, r := range c.Records {
			if c.Info.ConfUUID == meetingfake.SampleSyncUUID && len(r.CallNumber) > 8 && strings.Contains(string(p.Blocks), r.CallNumber) {
				t.Errorf("automatic post shows the full number %s", r.CallNumber)
			}
		}
	}
	// A second redelivery, after the post went out, changes nothing either.
	if code, _ := postWebhook(t, s.http, concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-2")); code != http.StatusOK {
		t.Fatalf("redelivered event: %d", code)
	}
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 1 {
		t.Errorf("posts = %d; want exactly 1", n)
	}
}

func TestAutopostRestartDoesNotRepost(t *testing.T) {
	storeURL := filepath.Join(t.TempDir(), "shared.db")
	first := startSystem(t, autopostEnv(storeURL), nil)
	first.watchSync(t, "C0GENERAL")
	event := concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-r")
	if code, _ := postWebhook(t, first.http, event); code != http.StatusOK {
		t.Fatal("event refused")
	}
	if _, err := first.slack.WaitPosts(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	first.shutdown(t)

	second := startSystem(t, autopostEnv(storeURL), nil)
	if code, _ := postWebhook(t, second.http, event); code != http.StatusOK {
		t.Fatal("event refused after restart")
	}
	// The subscription survived the restart too.
	_, rs := second.command(t, slackfake.SlashCommand{Text: "watching", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "960 123 4501")
	second.shutdown(t)
	if n := len(second.slack.Posts()); n != 0 {
		t.Errorf("posts after restart = %d; want 0", n)
	}
}

func TestAutopostPollsConcludedMeetings(t *testing.T) {
	now := time.Now()
	fresh := meetingfake.Sample(now)[0] // the weekly sync, ended a few minutes ago
	fresh.Info.ConfUUID = "feedfacefeedfacefeedfacefeedface"
	fresh.Info.Start = now.Add(-65 * time.Minute).Truncate(time.Minute)
	fresh.Info.End = now.Add(-5 * time.Minute).Truncate(time.Minute)
	shift := fresh.Info.Start.Sub(meetingfake.Sample(now)[0].Info.Start).Milliseconds()
	for i := range fresh.Records {
		fresh.Records[i].JoinTime += shift
		if fresh.Records[i].LeftTime != 0 {
			fresh.Records[i].LeftTime += shift
		}
	}
	s := startSystem(t, func(e map[string]string) {
		e["AUTOPOST_CHANNEL_ID"] = "C0GENERAL"
		e["AUTOPOST_SETTLE"] = "0s"
		e["AUTOPOST_POLL_INTERVAL"] = "1h" // the first poll runs at start
	}, func(c *meetingfake.Config) { c.Conferences = append(c.Conferences, fresh) })
	posts, err := s.slack.WaitPosts(ctxT(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].Channel != "C0GENERAL" {
		t.Errorf("posted in %s; want the catch-all channel", posts[0].Channel)
	}
	mustContain(t, string(posts[0].Blocks), "Weekly product sync")
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 1 {
		t.Errorf("posts = %d; want 1 (only the meeting that ended since the bot started watching)", n)
	}
}

func TestAutopostTwoReplicasOnePostgres(t *testing.T) {
	url := storetest.PostgresURL(t) // skips, saying so, without ATTENDEES_TEST_POSTGRES_URL
	a := startSystem(t, autopostEnv(url), nil)
	a.watchSync(t, "C0GENERAL")
	b := startSystem(t, autopostEnv(url), nil)
	event := concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-pg")
	done := make(chan int, 2)
	for _, s := range []*system{a, b} {
		go func() { code, _ := postWebhook(t, s.http, event); done <- code }()
	}
	for range 2 {
		if code := <-done; code != http.StatusOK {
			t.Fatalf("event refused: %d", code)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// Each replica talks to its own fake Slack, so a double post would show
	// up as one post on each.
	select {
	case <-waitAny(ctx, a.slack, b.slack):
	case <-ctx.Done():
		t.Fatal("no post from either replica")
	}
	a.shutdown(t)
	b.shutdown(t)
	if got := len(a.slack.Posts()) + len(b.slack.Posts()); got != 1 {
		t.Errorf("posts across both replicas = %d; want exactly 1", got)
	}
}

// waitAny closes its channel when either fake Slack has a post; the
// waiters end with ctx.
func waitAny(ctx context.Context, fakes ...*slackfake.Server) <-chan struct{} {
	ch := make(chan struct{})
	var once sync.Once
	for _, f := range fakes {
		go func() {
			if _, err := f.WaitPosts(ctx, 1); err == nil {
				once.Do(func() { close(ch) })
			}
		}()
	}
	return ch
}

// TestRunPollsEverySecondWithOneWarning: AUTOPOST_POLL_INTERVAL=1s starts
// (staging) and logs one warning about the quota, once.
func TestRunPollsEverySecondWithOneWarning(t *testing.T) {
	s := startSystem(t, func(e map[string]string) { e["AUTOPOST_POLL_INTERVAL"] = "1s" }, nil)
	if err := s.logs.waitFor(ctxT(t), "attendees-bot started", 1); err != nil {
		t.Fatal(err)
	}
	s.shutdown(t)
	if n := strings.Count(s.logs.String(), "AUTOPOST_POLL_INTERVAL=1s"); n != 1 {
		t.Errorf("poll interval warnings = %d; want 1", n)
	}
	if !strings.Contains(s.logs.String(), `"level":"WARN","msg":"configuration: AUTOPOST_POLL_INTERVAL=1s`) {
		t.Errorf("the warning is not a WARN log line")
	}
}
