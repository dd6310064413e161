package autopost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func TestWebhookAuthentication(t *testing.T) {
	info := concludeInfo(uuid1, "9601234567", "Weekly sync")
	// The same object with other whitespace and key order: valid when it is
	// what was signed, since the signature covers the bytes as sent.
	reordered := fmt.Sprintf("{ \"payload\" : {\"meetingInfo\":{\"subject\":\"Weekly sync\",\n \"meetingUUID\":%q, \"meetingID\":\"9601234567\"}},\t\"event\":\"meeting.conclude\" }", uuid1)
	signed := event(testKey, "app", t0, "n1", info)
	tests := []struct {
		name   string
		body   []byte
		status int
	}{
		{"valid", signed, http.StatusOK},
		{"reordered JSON signed as received", event(testKey, "app", t0, "n1", reordered), http.StatusOK},
		{"uppercase hex signature", bytes.Replace(signed, []byte(Sign(testKey, "app", fmt.Sprint(t0.UnixMilli()), "n1", []byte(info))),
			[]byte(strings.ToUpper(Sign(testKey, "app", fmt.Sprint(t0.UnixMilli()), "n1", []byte(info)))), 1), http.StatusOK},
		{"timestamp as a string", bytes.Replace(signed, []byte(fmt.Sprintf(`"timestamp":%d`, t0.UnixMilli())), []byte(fmt.Sprintf(`"timestamp":"%d"`, t0.UnixMilli())), 1), http.StatusOK},
		{"redelivered a day later", event(testKey, "app", t0.Add(-24*time.Hour), "n1", info), http.StatusOK},
		{"wrong key", event("other-password", "app", t0, "n1", info), http.StatusUnauthorized},
		{"tampered eventInfo", bytes.Replace(signed, []byte("Weekly sync"), []byte("Weekly sunc"), 1), http.StatusUnauthorized},
		{"tampered nonce", bytes.Replace(signed, []byte(`"n1"`), []byte(`"n2"`), 1), http.StatusUnauthorized},
		{"reformatted after signing", bytes.Replace(signed, []byte(`{"event"`), []byte(`{ "event"`), 1), http.StatusUnauthorized},
		{"missing signature", bytes.Replace(signed, []byte(`"signature"`), []byte(`"signatur"`), 1), http.StatusUnauthorized},
		{"signature not hex", bytes.Replace(signed, []byte(`"signature":"`), []byte(`"signature":"zz`), 1), http.StatusUnauthorized},
		{"too old", event(testKey, "app", t0.Add(-26*time.Hour), "n1", info), http.StatusUnauthorized},
		{"from the future", event(testKey, "app", t0.Add(time.Hour), "n1", info), http.StatusUnauthorized},
		{"other appID", event(testKey, "intruder", t0, "n1", info), http.StatusUnauthorized},
		{"not JSON", []byte("hello"), http.StatusBadRequest},
		{"eventInfo not an object", event(testKey, "app", t0, "n1", `"x"`), http.StatusBadRequest},
		{"no timestamp", bytes.Replace(signed, []byte(`"timestamp"`), []byte(`"time"`), 1), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, storetest.SQLiteURL(t), Config{ChannelID: "CALL", SubscriberID: "app"})
			rec := e.send(tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status = %d (%s); want %d", rec.Code, strings.TrimSpace(rec.Body.String()), tt.status)
			}
			want := 0
			if tt.status == http.StatusOK {
				want = 1
			}
			if n := e.count(t, store.StatePending); n != want {
				t.Errorf("pending posts = %d; want %d", n, want)
			}
		})
	}
}

func TestWebhookVerify(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	rec := e.send(event(testKey, "app", t0, "nonce-42", `{"event":"meeting.verify","timestamp":1}`))
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("verify: %d %q (%v)", rec.Code, rec.Body, err)
	}
	if want := map[string]string{"event": "meeting.verify", "nonce": "nonce-42"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("verify reply = %v; want %v", got, want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	// An unsigned handshake is refused like any event.
	if rec := e.send([]byte(`{"appID":"app","timestamp":1,"nonce":"x","eventInfo":{"event":"meeting.verify"}}`)); rec.Code != http.StatusUnauthorized {
		t.Errorf("unsigned verify: %d; want 401", rec.Code)
	}
}

func TestWebhookLimits(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{ChannelID: "CALL"})
	big := event(testKey, "app", t0, strings.Repeat("n", 2<<20), concludeInfo(uuid1, "1", "x"))
	if rec := e.send(big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB event: %d; want 413", rec.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/webhooks/meeting", nil)
	rec := httptest.NewRecorder()
	e.svc.WebhookHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d; want 405", rec.Code)
	}
	if rec := e.send(event(testKey, "app", t0, "n", `{"event":"meeting.join","payload":{}}`)); rec.Code != http.StatusOK {
		t.Errorf("other event: %d; want 200", rec.Code)
	}
	if rec := e.send(event(testKey, "app", t0, "n", `{"event":"meeting.conclude","payload":{"meetingInfo":{"meetingUUID":"../x"}}}`)); rec.Code != http.StatusOK {
		t.Errorf("conclude without a usable UUID: %d; want 200 (nothing to retry)", rec.Code)
	}
	if n := e.count(t, store.StatePending); n != 0 {
		t.Errorf("pending posts = %d; want 0", n)
	}
	noKey := newEnv(t, storetest.SQLiteURL(t), Config{ChannelID: "CALL"})
	noKey.svc.cfg.WebhookKey = ""
	if rec := noKey.send(event("", "app", t0, "n", concludeInfo(uuid1, "1", "x"))); rec.Code != http.StatusUnauthorized {
		t.Errorf("no key configured: %d; want 401", rec.Code)
	}
}

// TestDuplicateConclude: the vendor redelivers; one post.
func TestDuplicateConclude(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		e := newEnv(t, url, Config{ChannelID: "CALL", Settle: time.Minute})
		e.reporter.set(uuid1, "Alice", "Bob")
		for i := range 3 {
			// Redeliveries carry a new timestamp and nonce, and may spell the
			// UUID with dashes.
			uuid := uuid1
			if i == 2 {
				uuid = "9a0fa6d1-0a5b-11ea-ae5e-191763c22c0e"
			}
			if rec := e.send(event(testKey, "app", t0.Add(time.Duration(i)*30*time.Second), fmt.Sprint("n", i), concludeInfo(uuid, "9601234567", "Sync"))); rec.Code != http.StatusOK {
				t.Fatalf("delivery %d: %d %s", i, rec.Code, rec.Body)
			}
		}
		if n := e.work(t); n != 0 {
			t.Fatalf("Work before settle processed %d posts", n)
		}
		e.clock.Advance(time.Minute)
		e.work(t)
		e.send(event(testKey, "app", e.clock.Now(), "late", concludeInfo(uuid1, "9601234567", "Sync")))
		e.clock.Advance(time.Hour)
		e.work(t)
		posts := e.poster.Posts()
		if len(posts) != 1 || posts[0].Channel != "CALL" || !strings.Contains(posts[0].Text, "Sync") {
			t.Fatalf("posts = %+v; want one in CALL about Sync", posts)
		}
	})
}

func TestConcludeRouting(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{Settle: time.Minute})
	ctx := t.Context()
	for _, sub := range []store.Subscription{
		{ChannelID: "CID", Kind: subscription.MeetingID, Value: "960 123 4567"},
		{ChannelID: "CSUBJ", Kind: subscription.Subject, Value: "weekly SYNC"},
		{ChannelID: "COTHER", Kind: subscription.Subject, Value: "retro"},
	} {
		if _, err := e.store.Watch(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	// The event lacks the subject: the history supplies it.
	e.history.add(meeting.Conference{ConfUUID: uuid1, ConferenceID: "9601234567", Subject: "Team weekly sync", Start: t0.Add(-time.Hour), End: t0})
	if rec := e.send(event(testKey, "app", t0, "n", fmt.Sprintf(`{"event":"meeting.conclude","payload":{"meetingInfo":{"meetingID":"9601234567","meetingUUID":%q}}}`, uuid1))); rec.Code != http.StatusOK {
		t.Fatalf("conclude: %d %s", rec.Code, rec.Body)
	}
	for ch, want := range map[string]bool{"CID": true, "CSUBJ": true, "COTHER": false} {
		p, ok, err := e.store.Get(ctx, uuid1, ch)
		if err != nil || ok != want {
			t.Errorf("post for %s: %v, %v; want %v", ch, ok, err, want)
		}
		if ok && (p.Subject != "Team weekly sync" || !p.NotBefore.Equal(t0.Add(time.Minute))) {
			t.Errorf("post for %s = %+v; want the subject and due after settle", ch, p)
		}
	}
	// History down: what the event matches is scheduled, and the vendor is
	// asked to redeliver for the rest.
	e.history.err = meeting.ErrUnavailable
	rec := e.send(event(testKey, "app", t0, "n", fmt.Sprintf(`{"event":"meeting.conclude","payload":{"meetingInfo":{"meetingID":"9601234567","meetingUUID":%q}}}`, uuid2)))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("conclude with history down: %d; want 503", rec.Code)
	}
	if _, ok, _ := e.store.Get(ctx, uuid2, "CID"); !ok {
		t.Error("meeting ID subscription not scheduled while history is down")
	}
}
