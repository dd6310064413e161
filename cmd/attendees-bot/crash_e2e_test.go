package main

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// The bot is SIGKILLed after Slack accepted an automatic post and before
// the outbox recorded it. Restarted on the same store, it finds the post in
// the channel by its metadata marker and records it: the meeting is posted
// once, at once, not again when the dead claim would have expired.
func TestRunCrashAfterSlackAcceptedPostsOnce(t *testing.T) {
	var (
		mu     sync.Mutex
		child  *exec.Cmd
		exited = make(chan struct{})
		killed bool
	)
	sl := fakeSlack(t, slackfake.Config{BeforeAnswer: func(p slackfake.Post) {
		mu.Lock()
		defer mu.Unlock()
		if killed || p.Metadata == nil || child == nil {
			return
		}
		killed = true
		_ = child.Process.Kill() // SIGKILL: no deferred function, no drain
		<-exited
	}})
	storeURL := filepath.Join(t.TempDir(), "attendees.db")
	setup := func(e map[string]string) {
		autopostEnv(storeURL)(e)
		e["AUTOPOST_CHANNEL_ID"] = "C0GENERAL"
	}

	m := fakeMeeting(t, nil)
	env := meetingEnv(m)
	env["SLACK_APP_TOKEN"] = sl.Config().AppToken
	env["SLACK_BOT_TOKEN"] = sl.Config().BotToken
	env["SLACK_API_URL"] = sl.APIURL()
	env["HTTP_ADDR"] = "127.0.0.1:0"
	setup(env)
	logs := &syncBuffer{}
	mu.Lock()
	child = mainProcess(t, env, "run")
	child.Stderr = logs
	if err := child.Start(); err != nil {
		mu.Unlock()
		t.Fatal(err)
	}
	mu.Unlock()
	go func() { _ = child.Wait(); close(exited) }()

	ctx := ctxT(t)
	if err := sl.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("the bot did not connect: %v\n%s", err, logs.String())
	}
	addr := httpAddr(t, logs)
	event := concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-crash")
	if code, body := postWebhook(t, "http://"+addr, event); code != http.StatusOK {
		t.Fatalf("conclude event: %d %s", code, body)
	}
	select {
	case <-exited:
	case <-ctx.Done():
		t.Fatalf("the bot was never killed mid-post\n%s", logs.String())
	}
	if strings.Contains(logs.String(), `"msg":"autopost posted"`) {
		t.Fatal("the outcome was recorded before the kill: the test proves nothing")
	}

	restarted := startOn(t, sl, 2, setup, nil)
	if err := restarted.logs.waitFor(ctx, "was already in the channel", 1); err != nil {
		t.Fatal(err)
	}
	metrics := get(t, restarted.http+"/metrics")
	mustContain(t, metrics, `attendees_autopost_posts_total{outcome="found"} 1`, `attendees_autopost_posts_total{outcome="posted"} 0`)
	restarted.shutdown(t)
	var autoposts []slackfake.Post
	for _, p := range sl.Posts() {
		if !p.Ephemeral && p.Channel == "C0GENERAL" {
			autoposts = append(autoposts, p)
		}
	}
	if len(autoposts) != 1 {
		t.Fatalf("posts in the channel = %d; want the meeting once", len(autoposts))
	}
	mustContain(t, autoposts[0].Text+string(autoposts[0].Blocks), "Weekly product sync")
}
