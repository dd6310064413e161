package bot

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

var _ attendeeSource = (*meeting.Client)(nil)

// fakeSource is a func-field fake of the meeting service; calls counts every call.
type fakeSource struct {
	calls      atomic.Int32
	attendees  func(ctx context.Context, confUUID, search string) ([]meeting.Attendee, error)
	history    func(ctx context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error)
	byID       func(ctx context.Context, id string) ([]meeting.Conference, error)
	confDetail func(ctx context.Context, confUUID string) (*meeting.ConferenceDetail, error)
	// info answers ConferenceInfo; nil: from confDetail when set, else
	// not found.
	info func(ctx context.Context, confUUID string) (meeting.Conference, error)
}

func (f *fakeSource) Attendees(ctx context.Context, c string) ([]meeting.Attendee, error) {
	return f.SearchAttendees(ctx, c, "")
}

func (f *fakeSource) SearchAttendees(ctx context.Context, c, s string) ([]meeting.Attendee, error) {
	f.calls.Add(1)
	if f.attendees == nil {
		return nil, fmt.Errorf("unexpected Attendees(%s)", c)
	}
	return f.attendees(ctx, c, s)
}

func (f *fakeSource) History(ctx context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error) {
	f.calls.Add(1)
	if f.history == nil {
		return nil, errors.New("unexpected History")
	}
	return f.history(ctx, q)
}

func (f *fakeSource) ConferencesByMeetingID(ctx context.Context, id string) ([]meeting.Conference, error) {
	f.calls.Add(1)
	if f.byID == nil {
		return nil, errors.New("unexpected ConferencesByMeetingID")
	}
	return f.byID(ctx, id)
}

func (f *fakeSource) ConferenceDetail(ctx context.Context, c string) (*meeting.ConferenceDetail, error) {
	f.calls.Add(1)
	if f.confDetail == nil {
		return nil, meeting.ErrNotFound
	}
	return f.confDetail(ctx, c)
}

func (f *fakeSource) ConferenceInfo(ctx context.Context, c string) (meeting.Conference, error) {
	f.calls.Add(1)
	switch {
	case f.info != nil:
		return f.info(ctx, c)
	case f.confDetail != nil:
		d, err := f.confDetail(ctx, c)
		if err != nil {
			return meeting.Conference{}, err
		}
		return d.Conference, nil
	}
	return meeting.Conference{}, meeting.ErrNotFound
}

func (f *fakeSource) HoldInvites() func() { return func() {} }

// fakeOut records what the handler sent.
type fakeOut struct {
	mu       sync.Mutex
	replies  []Reply
	posts    []formatting.Message
	uploads  []Upload
	updates  []formatting.Message
	onReply  func() // called after each accepted reply, outside the lock
	postErr  error
	dmErr    error
	upErr    error
	postedIn []string
	onOpenDM func() // called as OpenDM starts
}

func (o *fakeOut) Update(_ context.Context, ch, ts string, m formatting.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := checkMessage(m); err != nil {
		return fmt.Errorf("slack would refuse this update: %w", err)
	}
	if len(o.posts) == 0 || ts != "1700000000.000200" {
		return errors.New("slack: message_not_found")
	}
	o.updates = append(o.updates, m)
	return nil
}

// checkMessage holds every message to the limits real Slack enforces.
func checkMessage(m formatting.Message) error {
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		return err
	}
	return slackfake.CheckMessage(m.Text, b)
}

func (o *fakeOut) Respond(_ context.Context, url string, r Reply) error {
	o.mu.Lock()
	defer func() {
		if o.onReply != nil {
			o.onReply()
		}
	}()
	defer o.mu.Unlock()
	if url == "" {
		return errors.New("no response_url")
	}
	if err := checkMessage(r.Message); err != nil {
		return fmt.Errorf("slack would refuse this reply: %w", err)
	}
	o.replies = append(o.replies, r)
	return nil
}

func (o *fakeOut) Post(_ context.Context, ch string, m formatting.Message) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.postErr != nil {
		return "", o.postErr
	}
	if err := checkMessage(m); err != nil {
		return "", fmt.Errorf("slack would refuse this post: %w", err)
	}
	o.posts = append(o.posts, m)
	o.postedIn = append(o.postedIn, ch)
	return "1700000000.000200", nil
}

func (o *fakeOut) OpenDM(_ context.Context, user string) (string, error) {
	if o.onOpenDM != nil {
		o.onOpenDM()
	}
	if o.dmErr != nil {
		return "", o.dmErr
	}
	return "D" + user, nil
}

func (o *fakeOut) Upload(_ context.Context, f Upload) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.upErr != nil {
		return o.upErr
	}
	o.uploads = append(o.uploads, f)
	return nil
}

// text is everything the user could read in reply i.
func (o *fakeOut) text(i int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if i >= len(o.replies) {
		return ""
	}
	b, _ := json.Marshal(o.replies[i].Message.Blocks)
	return o.replies[i].Message.Text + "\n" + string(b)
}

const (
	uuidA = "9a0fa6d10a5b11eaae5e191763c22c0e"
	uuidB = "0b1fa6d10a5b11eaae5e191763c22c0f"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// people makes n attendees, one record each, in a one-hour meeting.
func people(n int) []meeting.Attendee {
	out := make([]meeting.Attendee, n)
	for i := range out {
		out[i] = meeting.Attendee{
			DisplayName: fmt.Sprintf("Person %02d", i), CallNumber: fmt.Sprintf("+99111600%04d", i),
			DeviceType: "PC", MediaType: "video", DeptName: "Eng",
			JoinTime: t0.UnixMilli(), LeftTime: t0.Add(time.Hour).UnixMilli(),
		}
	}
	if n > 1 {
		// As in the vendor's example: a dial-in whose name is its number.
		out[1].DisplayName = out[1].CallNumber
	}
	return out
}

func newTestHandler(t *testing.T, src *fakeSource, mod func(*Config), deps ...func(*HandlerDeps)) (*Handler, *fakeOut) {
	t.Helper()
	cfg, err := LoadConfig(t.Context(), env(nil), Needs{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.UserRateLimit = 1000
	if mod != nil {
		mod(cfg)
	}
	out := &fakeOut{}
	// The clock moves a second per reading, as a person typing would.
	var tick atomic.Int64
	now := func() time.Time { return t0.Add(48*time.Hour + time.Duration(tick.Add(1))*time.Second) }
	lc := cfg.LookerConfig()
	lc.Now = now
	d := HandlerDeps{Looker: NewLooker(src, lc), Out: out}
	for _, f := range deps {
		f(&d)
	}
	return NewHandler(cfg.HandlerConfig(), d), out
}

func slash(text string) Request {
	return Request{UserID: "U1", ChannelID: "C1", TeamID: "T1", Text: text, ResponseURL: "https://hooks.slack.test/r/1"}
}

func TestHandleRefusesWithoutCallingTheMeetingAPI(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"user", func(c *Config) { c.AllowedUserIDs = []string{"U9"} }},
		{"channel", func(c *Config) { c.AllowedChannelIDs = []string{"C9"} }},
		{"team", func(c *Config) { c.AllowedTeamIDs = []string{"T9"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{}
			h, out := newTestHandler(t, src, tt.mod)
			res := h.Handle(t.Context(), slash(uuidA))
			if res.Outcome != outcomeRefused {
				t.Errorf("outcome = %q; want %q", res.Outcome, outcomeRefused)
			}
			if n := src.calls.Load(); n != 0 {
				t.Errorf("meeting API calls = %d; want 0", n)
			}
			if got := out.text(0); !strings.Contains(got, "don't have access") || out.replies[0].InChannel {
				t.Errorf("reply = %q (in channel %v); want a private refusal", got, out.replies[0].InChannel)
			}
		})
	}
}

func TestHandleErrors(t *testing.T) {
	fail := func(err error) *fakeSource {
		return &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return nil, err }}
	}
	tests := []struct {
		name        string
		text        string
		src         *fakeSource
		wantOutcome string
		wantIn      string
		wantCalls   int32 // at most; a UUID lookup: records, conference info and invite list
	}{
		{"bang", "!!!", &fakeSource{}, outcomeInvalid, "Try `/attendees", 0},
		{"short id", "123", &fakeSource{}, outcomeInvalid, "6 to 20 digits", 0},
		{"not found", uuidA, fail(&meeting.Error{HTTPStatus: 400, Code: "MMC.111070005"}), outcomeNotFound, "couldn't find that meeting", 3},
		{"forbidden", uuidA, fail(fmt.Errorf("x: %w", meeting.ErrForbidden)), outcomeForbidden, "doesn't let this bot", 3},
		{"down", uuidA, fail(fmt.Errorf("x: %w", meeting.ErrUnavailable)), outcomeUnavailable, "try again in a minute", 3},
		{"limited", uuidA, fail(fmt.Errorf("x: %w", meeting.ErrRateLimited)), outcomeUnavailable, "busy", 3},
		{"too large", uuidA, fail(fmt.Errorf("x: %w", meeting.ErrTooLarge)), outcomeTooLarge, "more data for that meeting than the bot will read", 3},
		{"internal", uuidA, fail(errors.New("boom")), outcomeInternal, "reference `", 3},
		{"subject none", "weekly sync", &fakeSource{history: func(context.Context, meeting.HistoryQuery) ([]meeting.Conference, error) { return nil, nil }}, outcomeNotFound, "no meeting of the last 30 days with every word of “weekly sync” in its subject", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, out := newTestHandler(t, tt.src, nil)
			res := h.Handle(t.Context(), slash(tt.text))
			if res.Outcome != tt.wantOutcome {
				t.Errorf("outcome = %q; want %q (err %v)", res.Outcome, tt.wantOutcome, res.Err)
			}
			if got := out.text(0); !strings.Contains(got, tt.wantIn) {
				t.Errorf("reply = %q; want it to contain %q", got, tt.wantIn)
			}
			// A failed record fetch stops the conference info; the invite
			// list may not have started: at most wantCalls, none when 0.
			if n := tt.src.calls.Load(); n > tt.wantCalls || (n == 0) != (tt.wantCalls == 0) {
				t.Errorf("meeting API calls = %d; want %d at most, and none only when %d", n, tt.wantCalls, tt.wantCalls)
			}
			if tt.wantOutcome == outcomeInternal && (res.Ref == "" || !strings.Contains(out.text(0), res.Ref)) {
				t.Errorf("internal error reference %q not in reply %q", res.Ref, out.text(0))
			}
		})
	}
}

// TestHandleSearchWithoutMeeting: search: alone offers the recent
// meetings with one sentence saying what it filters, and their buttons
// keep the filter; with no recent meeting, the sentence asks for one.
func TestHandleSearchWithoutMeeting(t *testing.T) {
	recent := []meeting.Conference{{ConfUUID: uuidA, ConferenceID: "9601234501", Subject: "weekly sync", Start: t0}}
	tests := []struct {
		name   string
		confs  []meeting.Conference
		wantIn []string
	}{
		{"recent", recent, []string{"`search:` filters the people of one meeting: tap a recent one below to see only those matching “a&lt;b”", "`/attendees 987 654 3210 search:alice`", actionOpen}},
		{"none", nil, []string{"`search:` filters the people of one meeting, and I see no recent one: name it, like `/attendees 987 654 3210 search:alice`."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{history: func(context.Context, meeting.HistoryQuery) ([]meeting.Conference, error) { return tt.confs, nil }}
			h, out := newTestHandler(t, src, nil)
			if res := h.Handle(t.Context(), slash("search:a<b")); res.Outcome != outcomeOK {
				t.Fatalf("outcome = %q (%v)", res.Outcome, res.Err)
			}
			for _, w := range tt.wantIn {
				if got := out.text(0); !strings.Contains(got, w) {
					t.Errorf("reply = %q; want it to contain %q", got, w)
				}
			}
		})
	}
}

func TestHandleDeadlineStillAnswers(t *testing.T) {
	src := &fakeSource{attendees: func(ctx context.Context, _, _ string) ([]meeting.Attendee, error) {
		<-ctx.Done()
		return nil, fmt.Errorf("attendees: %w", ctx.Err())
	}}
	h, out := newTestHandler(t, src, nil)
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	res := h.Handle(ctx, slash(uuidA))
	if res.Outcome != outcomeTimeout {
		t.Errorf("outcome = %q; want %q", res.Outcome, outcomeTimeout)
	}
	if got := out.text(0); !strings.Contains(got, "took too long") {
		t.Errorf("reply = %q; want the timeout sentence", got)
	}
}

func TestHandleLookup(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		n           int
		wantUploads int
		wantNote    string
	}{
		{"small", uuidA, 3, 0, ""},
		{"small with csv", uuidA + " csv", 3, 1, "direct messages"},
		{"long", uuidA, 30, 1, "direct messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{attendees: func(_ context.Context, c, _ string) ([]meeting.Attendee, error) {
				if c != uuidA {
					return nil, meeting.ErrNotFound
				}
				return people(tt.n), nil
			}}
			h, out := newTestHandler(t, src, nil)
			res := h.Handle(t.Context(), slash(tt.text))
			if res.Outcome != outcomeOK || res.People != tt.n {
				t.Fatalf("result = %+v; want ok with %d people", res, tt.n)
			}
			if len(out.replies) != 1 || out.replies[0].InChannel {
				t.Fatalf("replies = %d (first in channel: %v); want one private reply", len(out.replies), len(out.replies) > 0 && out.replies[0].InChannel)
			}
			got := out.text(0)
			for _, want := range []string{actionShare, actionCSV, "c=" + uuidA, tt.wantNote, "+991116000001"} {
				if !strings.Contains(got, want) {
					t.Errorf("reply lacks %q:\n%s", want, got)
				}
			}
			if len(out.uploads) != tt.wantUploads {
				t.Fatalf("uploads = %d; want %d", len(out.uploads), tt.wantUploads)
			}
			if tt.wantUploads == 1 {
				up := out.uploads[0]
				if up.ChannelID != "DU1" {
					t.Errorf("CSV went to %q; want the requester's DM", up.ChannelID)
				}
				rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(up.Content), "\ufeff"))).ReadAll()
				if err != nil || len(rows) != tt.n+1 {
					t.Errorf("CSV rows = %d (err %v); want %d records + header", len(rows), err, tt.n)
				}
				if !strings.Contains(string(up.Content), "+991116000001") {
					t.Errorf("private CSV should hold full numbers")
				}
			}
		})
	}
}

func TestHandleMeetingIDWithInstances(t *testing.T) {
	src := &fakeSource{
		byID: func(_ context.Context, id string) ([]meeting.Conference, error) {
			if id != "9876543210" {
				return nil, meeting.ErrNotFound
			}
			return []meeting.Conference{
				{ConferenceID: id, ConfUUID: uuidA, Subject: "Weekly", Start: t0},
				{ConferenceID: id, ConfUUID: uuidB, Subject: "Weekly", Start: t0.Add(-7 * 24 * time.Hour)},
			}, nil
		},
		attendees: func(_ context.Context, c, _ string) ([]meeting.Attendee, error) {
			if c != uuidA {
				t.Errorf("looked up %s; want the newest instance %s", c, uuidA)
			}
			return people(2), nil
		},
	}
	h, out := newTestHandler(t, src, nil)
	if res := h.Handle(t.Context(), slash("987-654-3210")); res.Outcome != outcomeOK {
		t.Fatalf("outcome = %q (%v)", res.Outcome, res.Err)
	}
	got := out.text(0)
	for _, want := range []string{"ran 1 more time", actionOpen, "c=" + uuidB} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
}

func TestHandleSubjectChoices(t *testing.T) {
	confs := []meeting.Conference{
		{ConfUUID: uuidA, Subject: "<!channel> sync", Start: t0},
		{ConfUUID: "00000000000000000000000000000001", Subject: "planning", Start: t0},
		{ConfUUID: uuidB, Subject: "SYNC 2", Start: t0},
	}
	src := &fakeSource{history: func(_ context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error) {
		// The server's searchKey is not trusted: the bot matches subjects.
		if q.SearchKey != "" || q.Start.IsZero() || q.End.IsZero() || q.Max < 1000 {
			t.Errorf("history query = %+v", q)
		}
		return confs, nil
	}}
	h, out := newTestHandler(t, src, nil)
	h.Handle(t.Context(), slash("sync"))
	got := out.text(0)
	if !strings.Contains(got, "2 meetings match") || strings.Contains(got, "<!channel>") {
		t.Errorf("reply = %s; want two escaped choices", got)
	}
	if strings.Count(got, actionOpen) != 2 {
		t.Errorf("reply has %d open buttons; want 2", strings.Count(got, actionOpen))
	}
}

func TestHandleShare(t *testing.T) {
	tests := []struct {
		name         string
		n            int
		postErr      error
		wantPosts    int
		wantInChan   bool
		wantUploadIn string
		wantText     string
	}{
		{"member short", 3, nil, 1, false, "", "Shared in the channel"},
		{"member long", 30, nil, 1, false, "C1", "Shared in the channel"},
		{"not a member", 30, slack.SlackErrorResponse{Err: "not_in_channel"}, 0, true, "DU1", "not a member of this channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(tt.n), nil }}
			h, out := newTestHandler(t, src, nil)
			out.postErr = tt.postErr
			req := slash("")
			req.Action, req.Value = actionShare, h.buttons.sign(lookupRef{ConfUUID: uuidA}, req.UserID)
			if res := h.Handle(t.Context(), req); res.Outcome != outcomeOK {
				t.Fatalf("outcome = %q (%v)", res.Outcome, res.Err)
			}
			if len(out.posts) != tt.wantPosts {
				t.Errorf("posts = %d; want %d", len(out.posts), tt.wantPosts)
			}
			inChan := false
			var all strings.Builder
			for i, r := range out.replies {
				inChan = inChan || r.InChannel
				all.WriteString(out.text(i))
			}
			if inChan != tt.wantInChan {
				t.Errorf("in-channel reply = %v; want %v", inChan, tt.wantInChan)
			}
			if !strings.Contains(all.String(), tt.wantText) {
				t.Errorf("replies lack %q:\n%s", tt.wantText, all.String())
			}
			shown := 0
			for _, p := range out.posts {
				b, _ := json.Marshal(p.Blocks)
				shown++
				if strings.Contains(p.Text+string(b), "+991116000001") {
					t.Errorf("shared post shows a full phone number")
				}
			}
			for _, r := range out.replies {
				if r.InChannel {
					b, _ := json.Marshal(r.Message.Blocks)
					shown++
					if strings.Contains(r.Message.Text+string(b), "+991116000001") {
						t.Errorf("in-channel reply shows a full phone number")
					}
				}
			}
			if shown != 1 {
				t.Errorf("channel saw %d summaries; want 1", shown)
			}
			// A second tap a moment later posts nothing more.
			if res := h.Handle(t.Context(), req); res.Outcome != outcomeDuplicate {
				t.Errorf("second tap outcome = %q; want %q", res.Outcome, outcomeDuplicate)
			}
			if len(out.posts) != tt.wantPosts {
				t.Errorf("posts after a double tap = %d; want %d", len(out.posts), tt.wantPosts)
			}
			if tt.wantUploadIn == "" {
				if len(out.uploads) != 0 {
					t.Errorf("uploads = %d; want none", len(out.uploads))
				}
				return
			}
			if len(out.uploads) != 1 || out.uploads[0].ChannelID != tt.wantUploadIn {
				t.Fatalf("uploads = %+v; want one in %s", out.uploads, tt.wantUploadIn)
			}
			if tt.wantUploadIn == "C1" && out.uploads[0].ThreadTS == "" {
				t.Errorf("channel CSV is not in the post's thread")
			}
			if strings.Contains(string(out.uploads[0].Content), "+991116000001") {
				t.Errorf("shared CSV shows a full phone number")
			}
		})
	}
}

func TestHandleStaleButton(t *testing.T) {
	src := &fakeSource{}
	h, out := newTestHandler(t, src, nil)
	req := slash("")
	req.Action, req.Value = actionShare, "c=not-a-uuid"
	if res := h.Handle(t.Context(), req); res.Outcome != outcomeInvalid {
		t.Errorf("outcome = %q; want %q", res.Outcome, outcomeInvalid)
	}
	if !strings.Contains(out.text(0), "out of date") || src.calls.Load() != 0 {
		t.Errorf("reply %q, calls %d", out.text(0), src.calls.Load())
	}
}

func TestHandleThrottlesPerUser(t *testing.T) {
	src := &fakeSource{}
	h, _ := newTestHandler(t, src, func(c *Config) { c.UserRateLimit = 0.001 })
	var outcomes []string
	for range 7 {
		outcomes = append(outcomes, h.Handle(t.Context(), slash("help")).Outcome)
	}
	want := []string{"ok", "ok", "ok", "ok", "ok", outcomeThrottled, outcomeThrottled}
	if strings.Join(outcomes, ",") != strings.Join(want, ",") {
		t.Errorf("outcomes = %v; want %v", outcomes, want)
	}
	other := slash("help")
	other.UserID = "U2"
	if got := h.Handle(t.Context(), other).Outcome; got != outcomeOK {
		t.Errorf("another user's outcome = %q; want ok", got)
	}
}

func TestEnvelopesBounded(t *testing.T) {
	e := newEnvelopes(3)
	steps := []struct {
		id   string
		want bool
	}{{"a", true}, {"a", false}, {"b", true}, {"c", true}, {"d", true}, {"a", true}, {"d", false}}
	for _, s := range steps {
		if got := e.add(s.id); got != s.want {
			t.Errorf("add(%q) = %v; want %v", s.id, got, s.want)
		}
	}
}

func TestHandleShareUploadFails(t *testing.T) {
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(30), nil }}
	h, out := newTestHandler(t, src, nil)
	out.upErr = slack.SlackErrorResponse{Err: "ratelimited"}
	req := slash("")
	req.Action, req.Value = actionShare, h.buttons.sign(lookupRef{ConfUUID: uuidA}, req.UserID)
	if res := h.Handle(t.Context(), req); res.Outcome != outcomeOK {
		t.Fatalf("outcome = %q (%v)", res.Outcome, res.Err)
	}
	if len(out.posts) != 1 {
		t.Fatalf("posts = %d; want the summary posted", len(out.posts))
	}
	b, _ := json.Marshal(out.posts[0].Blocks)
	if strings.Contains(out.posts[0].Text+string(b), "thread") {
		t.Errorf("the channel post promises a file in its thread before it is attached")
	}
	got := out.text(len(out.replies) - 1)
	for _, want := range []string{"couldn't attach the CSV in the thread (ratelimited)", "couldn't send the CSV file"} {
		if !strings.Contains(got, want) {
			t.Errorf("private reply %q lacks %q", got, want)
		}
	}
}
