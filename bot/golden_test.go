package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenConfs are the conferences the golden messages show, one with a
// hostile subject.
var goldenConfs = []meeting.Conference{
	{ConfUUID: uuidA, ConferenceID: "9601234501", Subject: "Weekly product sync", SchedulerName: "Alice Zhang", Start: t0, End: t0.Add(time.Hour)},
	{ConfUUID: uuidB, ConferenceID: "9601234502", Subject: "项目周会 <!channel>", Start: t0.Add(-24 * time.Hour)},
}

// TestGoldenMessages renders what the bot writes, besides the summary
// itself (formatting's golden files), in every language.
func TestGoldenMessages(t *testing.T) {
	for _, lang := range catalog.Languages {
		p := catalog.For(lang)
		reports := []*attendance.Report{
			attendance.Analyze(toMeeting(goldenConfs[0], nil, people(3)), attendance.DefaultThresholds(), t0.Add(48*time.Hour)),
			attendance.Analyze(toMeeting(goldenConfs[1], nil, people(2)), attendance.DefaultThresholds(), t0.Add(48*time.Hour)),
		}
		// A fixed bot token: the buttons' signatures come from it.
		h, _ := newTestHandler(t, &fakeSource{}, func(c *Config) { c.BotLanguage, c.SlackBotToken = lang, "xoxb-golden" })
		h.history.add("U1", reports[1].Meeting, t0)
		views := &fakeViews{}
		h.views = views
		req := Request{UserID: "U1", p: p}
		h.recent.confs, h.recent.at = goldenConfs, h.now()
		if _, err := h.home(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		// The Home tab of a user the access rules refuse, as admitting
		// its opening publishes it.
		refusedHome := func(mod func(*Config)) *slack.HomeTabViewRequest {
			hr, _ := newTestHandler(t, &fakeSource{}, func(c *Config) { c.BotLanguage = lang; mod(c) })
			views := &fakeViews{}
			hr.views = views
			if res, ok := hr.admit(t.Context(), Request{UserID: "U1", ChannelID: "DU1", TeamID: "T1", Action: actionHome, p: p}); ok || res.Err != nil {
				t.Fatalf("admit the Home tab of a refused user = %+v, %v", res, ok)
			}
			return views.home
		}
		out := map[string]any{
			"home_refused":       refusedHome(func(c *Config) { c.AllowedUserIDs = []string{"U9"} }),
			"home_channels_only": refusedHome(func(c *Config) { c.AllowedChannelIDs = []string{"C1"} }),
			"help":               helpMessage(p, "/attendees").Blocks,
			"choices":            choicesMessage(p, p.N("choices.match", 2, catalog.Args{"Target": "sync"}), "", goldenConfs, h.openValue(req, lookupRef{}), time.UTC).Blocks,
			"instances":          instancesBlocks(p, goldenConfs, h.openValue(req, lookupRef{}), time.UTC),
			"actions":            []slack.Block{lookupActions(p, h.buttons.sign(lookupRef{ConfUUID: uuidA, Channel: "C1"}, "U1"), true)},
			"watching": watchingMessage(p, []store.Subscription{
				{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234501", CreatedAt: t0},
				{ChannelID: "C1", Kind: subscription.Subject, Value: "weekly sync", CreatedAt: t0},
			}).Blocks,
			"modal":      lookupModal(p, modalMeta{Lang: lang, Channel: "C1"}, "weekly", p.T("modal.none_found"), goldenConfs, false, time.UTC),
			"modal_wait": lookupModal(p, modalMeta{Lang: lang}, "", "", nil, true, time.UTC),
			"home":       views.home,
			"series_choices": choicesMessage(p, p.N("choices.series_match", 2, catalog.Args{"Target": "sync"}), "", goldenConfs,
				func(c meeting.Conference) string {
					return lookupRef{MeetingID: c.ConferenceID, Last: 4, Search: "li"}.String()
				}, time.UTC).Blocks,
			"series_actions": []slack.Block{lookupActions(p, h.buttons.sign(lookupRef{MeetingID: "9601234501", Last: 4}, "U1"), true)},
			"errors": map[string]string{
				"input":     (&InputError{Key: "input.unreadable", Usage: true}).Message(p, "/attendees"),
				"not_found": func() string { _, s, _ := explain(meeting.ErrNotFound, p, "/attendees"); return s }(),
				"slack": func() string {
					_, s, _ := explain(slack.SlackErrorResponse{Err: "channel_not_found"}, p, "/attendees")
					return s
				}(),
				"csv_sent": p.N("csv.sent", 1234),
			},
		}
		got, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		for name, blocks := range out {
			if b, ok := blocks.([]slack.Block); ok {
				raw, _ := json.Marshal(b)
				if err := slackfake.CheckMessage("x", raw); err != nil {
					t.Errorf("%s %s: Slack would refuse it: %v", lang, name, err)
				}
			}
		}
		golden(t, filepath.Join("testdata", "messages."+lang+".golden.json"), append(got, '\n'))
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./bot -update and review the diff", path)
	}
}

// fakeViews records the views the handler opens and publishes.
type fakeViews struct {
	opened  []slack.ModalViewRequest
	updated []slack.ModalViewRequest
	home    *slack.HomeTabViewRequest
	openErr error
}

func (f *fakeViews) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (string, string, error) {
	if f.openErr != nil {
		return "", "", f.openErr
	}
	f.opened = append(f.opened, v)
	return "V1", "h1", nil
}

func (f *fakeViews) UpdateView(_ context.Context, id, hash string, v slack.ModalViewRequest) error {
	f.updated = append(f.updated, v)
	return nil
}

func (f *fakeViews) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	f.home = &v
	return nil
}
