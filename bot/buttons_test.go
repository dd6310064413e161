package bot

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func TestButtonValuesAreBoundToTheRequester(t *testing.T) {
	k := newButtonKey("xoxb-test-token")
	ref := lookupRef{ConfUUID: uuidA, Search: "li wei"}
	good := k.sign(ref, "U1")
	tests := []struct {
		name, value, user string
		want              string // "" = accepted
	}{
		{"signed for the presser", good, "U1", ""},
		{"another user's button", good, "U2", "belongs to the person"},
		{"unsigned (older bot or made up)", lookupRef{ConfUUID: uuidA}.String(), "U1", "out of date"},
		{"junk parameter", good + "&x=1", "U1", "out of date"},
		{"repeated field", good + "&c=" + uuidB, "U1", "out of date"},
		{"other conference", strings.Replace(good, uuidA, uuidB, 1), "U1", "out of date"},
		{"other filter", strings.Replace(good, "li+wei", "bob", 1), "U1", "out of date"},
		{"claims another user", strings.Replace(good, "u=U1", "u=U2", 1), "U2", "out of date"},
		{"key of another token", newButtonKey("xoxb-other").sign(ref, "U1"), "U1", "out of date"},
		{"not a query", "%zz", "U1", "out of date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.verify(tt.value, tt.user)
			switch {
			case tt.want == "" && (err != nil || got != ref):
				t.Errorf("verify(%q) = %+v, %v; want %+v", tt.value, got, err, ref)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("verify(%q) = %+v, %v; want an error saying %q", tt.value, got, err, tt.want)
			}
		})
	}
	if newButtonKey("xoxb-test-token").sign(ref, "U1") != good {
		t.Error("two processes with the same bot token sign differently: replicas would refuse each other's buttons")
	}
}

// A series' buttons are signed like one run's, over the meeting ID and the
// number of runs, and neither kind of value passes for the other.
func TestSeriesButtonValues(t *testing.T) {
	k := newButtonKey("xoxb-test-token")
	ref := lookupRef{MeetingID: "9601234505", Last: 4, Search: "li"}
	good := k.sign(ref, "U1")
	if got, err := k.verify(good, "U1"); err != nil || got != ref {
		t.Fatalf("verify(%q) = %+v, %v; want %+v", good, got, err, ref)
	}
	single := k.sign(lookupRef{ConfUUID: uuidA}, "U1")
	for name, value := range map[string]string{
		"more runs":          strings.Replace(good, "n=4", "n=20", 1),
		"other meeting ID":   strings.Replace(good, "9601234505", "9601234501", 1),
		"too many runs":      strings.Replace(good, "n=4", "n=21", 1),
		"not a number":       strings.Replace(good, "n=4", "n=4x", 1),
		"a run added":        good + "&c=" + uuidA,
		"a series added":     single + "&m=9601234505&n=4",
		"meeting ID unshown": strings.Replace(good, "m=9601234505", "m=960+123+4505", 1),
	} {
		if got, err := k.verify(value, "U1"); err == nil {
			t.Errorf("%s: verify(%q) = %+v; want refused", name, value, got)
		}
	}
	for _, value := range []string{"m=9601234505&n=4", "m=9601234505&n=1", "m=12&n=4", "n=4&c=" + uuidA} {
		if r, err := parseRef(value); (err == nil) != (value == "m=9601234505&n=4") {
			t.Errorf("parseRef(%q) = %+v, %v", value, r, err)
		}
	}
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The double-tap guard keys on the meeting and filter, so the same button
// value written another way (fields reordered) still posts once.
func TestShareDoubleTapNormalised(t *testing.T) {
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }}
	h, out := newTestHandler(t, src, nil)
	v := mustQuery(t, h.buttons.sign(lookupRef{ConfUUID: uuidA}, "U1"))
	reordered := "u=" + v.Get("u") + "&s=" + v.Get("s") + "&c=" + v.Get("c")
	for i, value := range []string{v.Encode(), reordered, v.Encode()} {
		req := slash("")
		req.Action, req.Value = actionShare, value
		want := outcomeDuplicate
		if i == 0 {
			want = outcomeOK
		}
		if res := h.Handle(t.Context(), req); res.Outcome != want {
			t.Errorf("press %d outcome = %q (%v); want %q", i+1, res.Outcome, res.Err, want)
		}
	}
	if len(out.posts) != 1 {
		t.Errorf("posts = %d; want 1", len(out.posts))
	}
}

func TestRequestProblem(t *testing.T) {
	good := Request{UserID: "U0ABC123", ChannelID: "C0GENERAL", TeamID: "T0FAKE", ResponseURL: "https://hooks.slack.com/commands/T/1/x"}
	tests := []struct {
		name string
		mod  func(*Request)
		want string
	}{
		{"good", func(*Request) {}, ""},
		{"enterprise user and DM", func(r *Request) { r.UserID, r.ChannelID = "W0ABC", "D0ABC" }, ""},
		{"mention in user ID", func(r *Request) { r.UserID = "U1><!channel><@U2" }, "user ID"},
		{"lower case user ID", func(r *Request) { r.UserID = "u1" }, "user ID"},
		{"empty user ID", func(r *Request) { r.UserID = "" }, "user ID"},
		{"channel name", func(r *Request) { r.ChannelID = "#general" }, "channel ID"},
		{"hostile team", func(r *Request) { r.TeamID = "T1|x" }, "team ID"},
		{"no response_url", func(r *Request) { r.ResponseURL = "" }, "response_url"},
		{"relative response_url", func(r *Request) { r.ResponseURL = "/commands/x" }, "response_url"},
		{"odd scheme", func(r *Request) { r.ResponseURL = "javascript:alert(1)" }, "response_url"},
		// Shortcuts and the Home tab come from no channel and are answered
		// in the DM; a response_url they do carry must still be usable.
		{"shortcut", func(r *Request) { r.Action, r.ChannelID, r.ResponseURL = actionShortcut, "", "" }, ""},
		{"home button", func(r *Request) { r.Action, r.ChannelID, r.ResponseURL = actionOpen, "", "" }, ""},
		{"shortcut from a hostile channel", func(r *Request) { r.Action, r.ChannelID = actionMessageShortcut, "C1>" }, "channel ID"},
		{"button with a bad response_url", func(r *Request) { r.Action, r.ResponseURL = actionCSV, "/x" }, "response_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.mod(&r)
			if got := requestProblem(r); (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("requestProblem(%+v) = %q; want %q", r, got, tt.want)
			}
		})
	}
}

func TestMentionOnlyWritesUserIDs(t *testing.T) {
	p := catalog.For(catalog.English)
	if got := mention(p, "U0LEAD"); got != "<@U0LEAD>" {
		t.Errorf("mention(U0LEAD) = %q", got)
	}
	if got := mention(p, "U1><!channel><@U2"); strings.ContainsAny(got, "<>!") {
		t.Errorf("mention of a hostile ID = %q; want no mrkdwn", got)
	}
}

// A filtered lookup fetches no conference detail, so its buttons carry the
// conference's subject, ID and times, signed like the rest, within Slack's
// 2,000 characters whatever the subject and search.
func TestButtonValueCarriesTheConference(t *testing.T) {
	k := newButtonKey("xoxb-test-token")
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	m := attendance.Meeting{ConfUUID: uuidA, MeetingID: "9601234501", Subject: strings.Repeat("周会🎉", 100), Start: start, End: start.Add(time.Hour)}
	ref := lookupRef{ConfUUID: uuidA, Search: strings.Repeat("🎉", maxSearch), Channel: "C0123ABCD"}.withConference(m)
	value := k.sign(ref, "U0123456789ABCDEF")
	if len(value) > 2000 {
		t.Errorf("button value of %d characters; Slack takes 2,000", len(value))
	}
	got, err := k.verify(value, "U0123456789ABCDEF")
	if err != nil || got != ref || !utf8.ValidString(got.Subject) || !strings.HasPrefix(m.Subject, got.Subject) || got.conference().Start != start {
		t.Fatalf("verify = %+v, %v; want %+v", got, err, ref)
	}
	for _, tamper := range []string{"t=%E5%91%A8", "a=1", "m=1", "b=x"} {
		v := mustQuery(t, value)
		kv := strings.SplitN(tamper, "=", 2)
		val, _ := url.QueryUnescape(kv[1])
		v.Set(kv[0], val)
		if _, err := k.verify(v.Encode(), "U0123456789ABCDEF"); err == nil {
			t.Errorf("a value with %s changed was accepted", kv[0])
		}
	}
	if r := (lookupRef{ConfUUID: uuidA}).withConference(m); r.Subject != "" || !r.Start.IsZero() {
		t.Errorf("an unfiltered reference carries %+v; the detail tells it", r)
	}
	// An unsigned value (an Open button) cannot bring a subject with it.
	if r, err := parseRef(ref.String()); err != nil || r.Subject != "" || !r.Start.IsZero() || r.Search != ref.Search {
		t.Errorf("parseRef of an unsigned value = %+v, %v; want the conference and filter only", r, err)
	}
}
