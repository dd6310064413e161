package bot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func TestMeetingsIn(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"see 960 123 4501 and 960-123-4502", []string{"9601234501", "9601234502"}},
		{"join <https://meeting.huaweicloud.com/#/j/9601234501|here> (9601234501)", []string{"9601234501"}},
		{"cloudlink://welinksoftclient/h5page?page=joinConfByLink&conf_id=98765432&name=x", []string{"98765432"}},
		{"uuid 9A0FA6D10A5B11EAAE5E191763C22C0E", []string{"9a0fa6d10a5b11eaae5e191763c22c0e"}},
		{"weekly sync notes", nil},
		{"call 12345 or 2026-12-01", nil}, // too short to be a meeting ID; a date
		{"&lt;960 123 4501&gt;", []string{"9601234501"}},
	}
	for _, tt := range tests {
		if got := meetingsIn(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("meetingsIn(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

// FuzzMeetingsIn: whatever a message holds, every meeting found is one
// ParseCommand looks up directly, and the prefill is bounded text.
func FuzzMeetingsIn(f *testing.F) {
	for _, s := range []string{"960 123 4501", "conf_id=123456", "<https://x/j/1234567|l>", "9a0fa6d10a5b11eaae5e191763c22c0e", "\xff960 123 4501"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range meetingsIn(s) {
			cmd, err := ParseCommand(m)
			if err != nil || (cmd.Kind != KindMeetingID && cmd.Kind != KindConfUUID) {
				t.Fatalf("meetingsIn(%q) found %q, which parses as %v, %v", s, m, cmd.Kind, err)
			}
		}
		if w := plainWords(s); utf8.RuneCountInString(w) > maxSubject {
			t.Fatalf("plainWords(%q) = %d characters; want at most %d", s, utf8.RuneCountInString(w), maxSubject)
		}
	})
}

// countingLocales is users.info: it counts calls and can fail.
type countingLocales struct {
	calls  atomic.Int32
	locale map[string]string
	err    error
}

func (c *countingLocales) Locale(_ context.Context, user string) (string, error) {
	c.calls.Add(1)
	return c.locale[user], c.err
}

func TestLanguagesCachedPerUser(t *testing.T) {
	src := &countingLocales{locale: map[string]string{"U1": "zh-TW", "U2": "en-GB", "U3": "ja-JP"}}
	l := newLanguages(src, catalog.Chinese, discardLog())
	now := t0
	for range 3 {
		for user, want := range map[string]string{"U1": catalog.Chinese, "U2": catalog.English, "U3": catalog.Chinese} {
			if got := l.of(t.Context(), user, now, localeTimeout).Lang(); got != want {
				t.Errorf("language of %s = %s; want %s", user, got, want)
			}
		}
	}
	if n := src.calls.Load(); n != 3 {
		t.Errorf("users.info calls = %d; want one per user", n)
	}
	if l.of(t.Context(), "U1", now.Add(localeTTL+time.Second), localeTimeout); src.calls.Load() != 4 {
		t.Errorf("an expired entry was not looked up again")
	}

	down := &countingLocales{err: slack.SlackErrorResponse{Err: "ratelimited"}}
	l = newLanguages(down, catalog.English, discardLog())
	if got := l.of(t.Context(), "U1", now, localeTimeout).Lang(); got != catalog.English {
		t.Errorf("failing users.info gives %s; want BOT_LANGUAGE", got)
	}
	l.of(t.Context(), "U1", now.Add(time.Second), localeTimeout)
	if n := down.calls.Load(); n != 1 {
		t.Errorf("a failure was retried at once (%d calls); want it remembered for a minute", n)
	}
	l.of(t.Context(), "U1", now.Add(localeRetryTTL+time.Second), localeTimeout)
	if n := down.calls.Load(); n != 2 {
		t.Errorf("calls after the retry time = %d; want 2", n)
	}
}

func TestCheckForm(t *testing.T) {
	h, _ := newTestHandler(t, &fakeSource{}, nil)
	p := catalog.For(catalog.English)
	tests := []struct {
		form  Form
		block string
	}{
		{Form{}, blockTarget},
		{Form{Target: "   "}, blockTarget},
		{Form{Target: "123"}, blockTarget},
		{Form{Target: "help"}, blockTarget},
		{Form{Target: uuidA, Runs: runsLast}, blockRuns},
		{Form{Picked: "c=junk"}, blockRecent},
		{Form{Target: uuidA}, ""},
		{Form{Target: "weekly sync", Runs: runsLast}, ""},
		{Form{Picked: lookupRef{ConfUUID: uuidA}.String(), Runs: runsLast}, ""},
	}
	for _, tt := range tests {
		errs := h.checkForm(p, tt.form)
		if tt.block == "" && len(errs) > 0 || tt.block != "" && errs[tt.block] == "" {
			t.Errorf("checkForm(%+v) = %v; want an error on %q", tt.form, errs, tt.block)
		}
	}
	// The ack speaks the language the modal was shown in.
	req := Request{Action: actionSubmit, Form: &Form{Meta: modalMeta{Lang: catalog.Chinese}.String()}}
	ack, ok := h.AckPayload(req).(*slack.ViewSubmissionResponse)
	if !ok || ack.ResponseAction != slack.RAErrors || !strings.Contains(ack.Errors[blockTarget], "请输入") {
		t.Errorf("ack = %+v; want a Chinese error on the target", ack)
	}
}

func TestModalMetaAndRefAreChecked(t *testing.T) {
	if m := parseMeta("l=xx&ch=<!channel>", catalog.Chinese); m.Lang != catalog.Default || m.Channel != "" {
		t.Errorf("parseMeta of junk = %+v", m)
	}
	if m := parseMeta("", catalog.Chinese); m.Lang != catalog.Chinese {
		t.Errorf("parseMeta of nothing = %+v; want the fallback language", m)
	}
	for _, v := range []string{"c=" + uuidA + "&ch=C1%3E", "c=" + uuidA + "&ch=general", "%zz"} {
		if _, err := parseRef(v); err == nil {
			t.Errorf("parseRef(%q) accepted it", v)
		}
	}
	if r, err := parseRef(lookupRef{ConfUUID: uuidA, Channel: "C0GENERAL"}.String()); err != nil || r.Channel != "C0GENERAL" {
		t.Errorf("parseRef round trip = %+v, %v", r, err)
	}
}

// TestExpiredTriggerDMs: views.open refusing an old trigger gets the user a
// DM saying so, in their language.
func TestExpiredTriggerDMs(t *testing.T) {
	h, out := newTestHandler(t, &fakeSource{history: noHistory}, nil)
	h.views = &fakeViews{openErr: slack.SlackErrorResponse{Err: "expired_trigger_id"}}
	res := h.Handle(t.Context(), Request{UserID: "U1", Action: actionShortcut, TriggerID: "1.2.x"})
	if res.Outcome != outcomeTimeout || len(out.posts) != 1 || out.postedIn[0] != "DU1" {
		t.Fatalf("result %+v, posts %v in %v; want one DM", res, out.posts, out.postedIn)
	}
	if !strings.Contains(out.posts[0].Text, "couldn't open the lookup form in time") {
		t.Errorf("DM = %q", out.posts[0].Text)
	}
	var se slack.SlackErrorResponse
	if !errors.As(res.Err, &se) {
		t.Errorf("err = %v; want Slack's error for the log", res.Err)
	}
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func noHistory(context.Context, meeting.HistoryQuery) ([]meeting.Conference, error) { return nil, nil }

// TestShareFromTheDMIsAuditedInItsChannel: a Share tapped under a DM
// summary about a message posts in the message's channel, and the audit
// row names that channel, not the DM.
func TestShareFromTheDMIsAuditedInItsChannel(t *testing.T) {
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }}
	h, out := newTestHandler(t, src, nil)
	req := Request{UserID: "U1", ChannelID: "DU1", Action: actionShare, Value: h.buttons.sign(lookupRef{ConfUUID: uuidA, Channel: "C0GENERAL"}, "U1")}
	res := h.Handle(t.Context(), req)
	if res.Outcome != outcomeOK || len(out.postedIn) != 2 || out.postedIn[0] != "C0GENERAL" || out.postedIn[1] != "DU1" {
		t.Fatalf("result %+v, posted in %v; want the summary in C0GENERAL and the note in the DM", res, out.postedIn)
	}
	rows := auditRows(req, res, t0)
	if len(rows) != 1 || rows[0].ChannelID != "C0GENERAL" || rows[0].Action != store.AuditShare {
		t.Errorf("audit rows = %+v; want one share in C0GENERAL", rows)
	}
	// A forged channel in an unsigned value is refused before any post.
	req.Value = lookupRef{ConfUUID: uuidA, Channel: "C0OTHER"}.String()
	if res := h.Handle(t.Context(), req); res.Outcome != outcomeInvalid || len(out.postedIn) != 3 {
		t.Errorf("forged value: outcome %q, posts %v", res.Outcome, out.postedIn)
	}
}

// TestShortcutDoesNotWaitForAWorker: a trigger lives 3 s, so opening the
// form never queues behind lookups that hold every worker.
func TestShortcutDoesNotWaitForAWorker(t *testing.T) {
	inside, release := make(chan struct{}), make(chan struct{})
	src := &fakeSource{history: noHistory, attendees: func(ctx context.Context, _, _ string) ([]meeting.Attendee, error) {
		close(inside)
		<-release
		return people(3), nil
	}}
	h, _ := newTestHandler(t, src, func(c *Config) { c.Workers = 1 })
	views := &fakeViews{}
	h.views = views
	done := make(chan Result)
	go func() { done <- h.Handle(t.Context(), slash(uuidA)) }()
	<-inside // the one worker is busy
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	res := h.Handle(ctx, Request{UserID: "U1", TeamID: "T1", Action: actionShortcut, TriggerID: "1.2.x"})
	close(release)
	if res.Outcome != outcomeOK || len(views.opened) != 1 {
		t.Errorf("shortcut while the worker is busy: outcome %q, %d modals opened; want the modal", res.Outcome, len(views.opened))
	}
	if res := <-done; res.Outcome != outcomeOK {
		t.Errorf("the lookup: outcome %q (%v)", res.Outcome, res.Err)
	}
}

// slowLocales is a users.info too slow for its deadline: it notes how long
// it was given and answers as if that had passed.
type slowLocales struct{ given time.Duration }

func (s *slowLocales) Locale(ctx context.Context, _ string) (string, error) {
	dl, _ := ctx.Deadline()
	s.given = time.Until(dl)
	return "", context.DeadlineExceeded
}

// TestSlowLocaleLeavesTheFormItsTrigger: users.info gets a second of the
// shortcut's 3 s; a slow one opens the form in BOT_LANGUAGE.
func TestSlowLocaleLeavesTheFormItsTrigger(t *testing.T) {
	loc := &slowLocales{}
	h, _ := newTestHandler(t, &fakeSource{history: noHistory}, func(c *Config) { c.BotLanguage = catalog.Chinese }, func(d *HandlerDeps) { d.Locales = loc })
	views := &fakeViews{}
	h.views = views
	res := h.Handle(t.Context(), Request{UserID: "U1", TeamID: "T1", Action: actionShortcut, TriggerID: "1.2.x"})
	if loc.given > localeTimeoutView || loc.given <= 0 {
		t.Errorf("users.info was given %v of the trigger's 3 s; want at most %v", loc.given, localeTimeoutView)
	}
	if res.Outcome != outcomeOK || len(views.opened) != 1 || views.opened[0].Title.Text != catalog.For(catalog.Chinese).T("modal.title") {
		t.Errorf("outcome %q, modals %+v; want the form in BOT_LANGUAGE", res.Outcome, views.opened)
	}
}

// TestChannelAllowListFollowsTheMessage: with ALLOWED_CHANNEL_IDS, a
// message shortcut in an allowed channel answers in the DM, and that
// answer's buttons and form count as the message's channel; anything
// about no allowed channel is refused.
func TestChannelAllowListFollowsTheMessage(t *testing.T) {
	src := &fakeSource{history: noHistory, attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }}
	h, out := newTestHandler(t, src, func(c *Config) { c.AllowedChannelIDs = []string{"C0GENERAL"} })
	h.views = &fakeViews{}
	inDM := func(action, value string) Request {
		return Request{UserID: "U1", ChannelID: "DU1", TeamID: "T1", Action: action, Value: value}
	}
	general := lookupRef{ConfUUID: uuidA, Channel: "C0GENERAL"}
	elsewhere := lookupRef{ConfUUID: uuidA, Channel: "C0OTHER"}
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"message shortcut in the channel", Request{UserID: "U1", ChannelID: "C0GENERAL", TeamID: "T1", Action: actionMessageShortcut, Text: uuidA}, outcomeOK},
		{"its Share, tapped in the DM", inDM(actionShare, h.buttons.sign(general, "U1")), outcomeOK},
		{"its CSV, tapped in the DM", inDM(actionCSV, h.buttons.sign(general, "U1")), outcomeOK},
		{"its form, submitted", Request{UserID: "U1", TeamID: "T1", Action: actionSubmit, Form: &Form{Target: uuidA, Meta: modalMeta{Lang: "en-US", Channel: "C0GENERAL"}.String()}}, outcomeOK},
		{"a button about another channel", inDM(actionShare, h.buttons.sign(elsewhere, "U1")), outcomeRefused},
		{"a forged channel", inDM(actionCSV, general.String()), outcomeRefused},
		{"someone else's button", inDM(actionCSV, h.buttons.sign(general, "U2")), outcomeRefused},
		{"the global shortcut: no channel", Request{UserID: "U1", TeamID: "T1", Action: actionShortcut, TriggerID: "1.2.x"}, outcomeRefused},
		{"a form about no channel", Request{UserID: "U1", TeamID: "T1", Action: actionSubmit, Form: &Form{Target: uuidA, Meta: modalMeta{Lang: "en-US"}.String()}}, outcomeRefused},
	}
	for _, tt := range tests {
		if res := h.Handle(t.Context(), tt.req); res.Outcome != tt.want {
			t.Errorf("%s: outcome %q (%v); want %q", tt.name, res.Outcome, res.Err, tt.want)
		}
	}
	if len(out.postedIn) == 0 || !slices.Contains(out.postedIn, "C0GENERAL") {
		t.Errorf("posted in %v; want the share in C0GENERAL", out.postedIn)
	}
}

// waitingLocales is a users.info that answers only once the lookup's
// records have been asked for.
type waitingLocales struct{ asked <-chan struct{} }

func (w *waitingLocales) Locale(ctx context.Context, _ string) (string, error) {
	select {
	case <-w.asked:
		return "zh-CN", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// TestLookupDoesNotWaitForTheLocale: a lookup's meeting requests go out
// while the reader's language is still being looked up (users.info, a
// Slack round trip for a user not seen for hours), and the answer is in
// that language all the same.
func TestLookupDoesNotWaitForTheLocale(t *testing.T) {
	asked := make(chan struct{})
	var once sync.Once
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) {
		once.Do(func() { close(asked) })
		return []meeting.Attendee{{DisplayName: "Ann", CallNumber: "+991116004380", JoinTime: 1_700_000_000_000, LeftTime: 1_700_000_600_000}}, nil
	}}
	h, out := newTestHandler(t, src, nil, func(d *HandlerDeps) { d.Locales = &waitingLocales{asked: asked} })
	res := h.Handle(t.Context(), slash(uuidA))
	if res.Outcome != outcomeOK || len(out.replies) == 0 {
		t.Fatalf("outcome %s, %d replies; want the answer", res.Outcome, len(out.replies))
	}
	if got, want := out.text(0), catalog.For(catalog.Chinese).T("summary.people"); !strings.Contains(got, want) {
		t.Errorf("answer %q; want it in the reader's language (Chinese, %q)", got, want)
	}
}

// TestChoicesInTheDMKeepTheMessagesChannel: what a message shortcut in a
// channel answers in the DM with a list of meetings to tap (earlier runs
// of a meeting ID, several matching subjects, several matching meeting
// IDs of its form) opens an answer whose Share still names the message's
// channel; with ALLOWED_CHANNEL_IDS the tap counts as that channel.
func TestChoicesInTheDMKeepTheMessagesChannel(t *testing.T) {
	about := modalMeta{Lang: catalog.English, Channel: "C0GENERAL"}.String()
	several := append(runsOf("9601234506", 1), runsOf("9601234507", 1)...)
	for _, tt := range []struct {
		name string
		req  Request
	}{
		{"an earlier run", Request{Action: actionMessageShortcut, ChannelID: "C0GENERAL", Text: "notes of 960 123 4506"}},
		{"one of several subjects", Request{Action: actionSubmit, Form: &Form{Target: "stand-up", Meta: about}}},
		{"one of several meeting IDs", Request{Action: actionSubmit, Form: &Form{Target: "stand-up", Runs: runsLast, Meta: about}}},
		{"one of several subjects, filtered", Request{Action: actionSubmit, Form: &Form{Target: "stand-up search:person", Meta: about}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{
				history:   func(context.Context, meeting.HistoryQuery) ([]meeting.Conference, error) { return several, nil },
				byID:      func(_ context.Context, id string) ([]meeting.Conference, error) { return runsOf(id, 2), nil },
				attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil },
			}
			h, out := newTestHandler(t, src, func(c *Config) { c.AllowedChannelIDs = []string{"C0GENERAL"} })
			req := tt.req
			req.UserID, req.TeamID = "U1", "T1"
			if res := h.Handle(t.Context(), req); res.Outcome != outcomeOK || len(out.posts) != 1 {
				t.Fatalf("outcome %q (%v), %d DMs; want the answer in the DM", res.Outcome, res.Err, len(out.posts))
			}
			open := buttonValues(out.posts[0], actionOpen)
			if len(open) == 0 {
				t.Fatalf("no meeting to tap in %+v", out.posts[0])
			}
			tap := Request{UserID: "U1", ChannelID: "DU1", TeamID: "T1", Action: actionOpen, Value: open[len(open)-1]}
			if res := h.Handle(t.Context(), tap); res.Outcome != outcomeOK || len(out.posts) != 2 {
				t.Fatalf("tap: outcome %q (%v), %d DMs; want the tapped meeting's answer", res.Outcome, res.Err, len(out.posts))
			}
			share := buttonValues(out.posts[1], actionShare)
			if len(share) != 1 {
				t.Fatalf("share buttons %q under the tapped answer; want one", share)
			}
			if ref, err := h.buttons.verify(share[0], "U1"); err != nil || ref.Channel != "C0GENERAL" {
				t.Errorf("share button names %+v (%v); want C0GENERAL", ref, err)
			}
			// A value made for someone else counts as nobody's channel.
			if res := h.Handle(t.Context(), Request{UserID: "U2", ChannelID: "DU2", TeamID: "T1", Action: actionOpen, Value: open[0]}); res.Outcome != outcomeRefused {
				t.Errorf("another user's tap: outcome %q; want refused", res.Outcome)
			}
		})
	}
}

// buttonValues are the values of m's buttons with actionID, in order.
func buttonValues(m formatting.Message, actionID string) []string {
	var out []string
	add := func(e slack.BlockElement) {
		if b, ok := e.(*slack.ButtonBlockElement); ok && b.ActionID == actionID {
			out = append(out, b.Value)
		}
	}
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				add(b.Accessory.ButtonElement)
			}
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				add(e)
			}
		}
	}
	return out
}
