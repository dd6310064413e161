package autopost

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
)

// FuzzWebhook: no body makes the handler panic or answer outside its
// statuses, and nothing is scheduled unless the body carries a valid
// signature (checked here independently of the handler's code).
func FuzzWebhook(f *testing.F) {
	info := concludeInfo(uuid1, "9601234567", "Sync")
	f.Add(event(testKey, "app", t0, "n1", info))
	f.Add(event(testKey, "app", t0, "n1", `{"event":"meeting.verify"}`))
	f.Add(event(testKey, "app", t0, "n1", "{ \"event\" : \"meeting.conclude\", \"payload\":{\"meetingInfo\":{\"meetingUUID\":\""+uuid2+"\"}}}"))
	f.Add(event("wrong", "app", t0, "n1", info))
	f.Add([]byte(`{"appID":"app","timestamp":"1","nonce":"n","signature":"00","eventInfo":{}}`))
	f.Add([]byte(`{"eventInfo":{"event":"meeting.conclude"}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"timestamp":1e400}`))
	e := newEnv(f, "file:"+f.TempDir()+"/fuzz.db", Config{ChannelID: "CALL"})
	allowed := map[int]bool{200: true, 400: true, 401: true, 413: true, 503: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := e.count(t, store.StatePending) + e.count(t, store.StatePosted)
		rec := e.send(body)
		if !allowed[rec.Code] {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		after := e.count(t, store.StatePending) + e.count(t, store.StatePosted)
		signed := independentlySigned(body, testKey.Reveal(), t0)
		if after != before && !signed {
			t.Fatalf("scheduled a post for an unsigned body %q", body)
		}
		if rec.Code == http.StatusOK && !signed {
			t.Fatalf("accepted an unsigned body %q", body)
		}
	})
}

// independentlySigned re-derives the vendor's signature rule: hex HMAC-SHA256
// of appID + timestamp + nonce + the raw eventInfo text, with a fresh
// timestamp.
func independentlySigned(body []byte, key string, now time.Time) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	str := func(k string) (string, bool) {
		var s string
		err := json.Unmarshal(m[k], &s)
		return s, err == nil
	}
	appID, _ := str("appID")
	nonce, _ := str("nonce")
	sig, ok := str("signature")
	if !ok {
		return false
	}
	ts, ok := str("timestamp")
	if !ok {
		ts = string(m["timestamp"])
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(appID + ts + nonce))
	mac.Write(m["eventInfo"])
	want := mac.Sum(nil)
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	return err == nil && hmac.Equal(got, want)
}
