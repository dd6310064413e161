package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// Users of the workspace in these tests: U1 reads English, U2 Chinese, U3
// a language the bot does not speak.
var nativeUsers = []slackfake.User{{ID: "U1", Locale: "en-US"}, {ID: "U2", Locale: "zh-CN"}, {ID: "U3", Locale: "ja-JP"}}

// startNative runs the program against a fake Slack with nativeUsers.
func startNative(t *testing.T, envMod func(map[string]string)) *system {
	t.Helper()
	return startOn(t, fakeSlack(t, slackfake.Config{Users: nativeUsers}), 1, envMod, nil)
}

// shortcut uses the global shortcut as user and returns the modal once the
// bot has opened it and, the picker being loaded meanwhile, updated it.
func (s *system) shortcut(t *testing.T, user string) slackfake.View {
	t.Helper()
	ctx := ctxT(t)
	before := len(s.slack.Views())
	id, _, err := s.slack.Shortcut(ctx, slackfake.Shortcut{CallbackID: "attendees_lookup", UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	for n := 1; len(s.slack.Views()) == before; n++ {
		if _, err := s.slack.WaitViews(ctx, n); err != nil {
			t.Fatalf("no modal: %v\n%s", err, s.logs.String())
		}
	}
	return s.slack.Views()[before]
}

// dms waits for n messages in user's DM with the bot and returns them.
func (s *system) dms(t *testing.T, user string, n int) []slackfake.Post {
	t.Helper()
	var out []slackfake.Post
	for have := 1; ; have++ {
		posts, err := s.slack.WaitPosts(ctxT(t), have)
		if err != nil {
			t.Fatalf("%d DMs to %s: %v\n%s", n, user, err, s.logs.String())
		}
		out = out[:0]
		for _, p := range posts {
			if p.Channel == "D"+user {
				out = append(out, p)
			}
		}
		if len(out) >= n {
			return out
		}
	}
}

func body(p slackfake.Post) string { return p.Text + "\n" + string(p.Blocks) }

// postsIn is what the bot has posted in channel so far.
func (s *system) postsIn(channel string) []slackfake.Post {
	var out []slackfake.Post
	for _, p := range s.slack.Posts() {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

func TestRunShortcutModalAnswersInTheDM(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	v := s.shortcut(t, "U1")
	if v.Type != "modal" || v.CallbackID != "attendees_lookup_modal" || !strings.Contains(string(v.Blocks), "Meeting ID, conference UUID or subject words") {
		t.Fatalf("modal = %+v", v)
	}
	// The picker of recent meetings arrives by views.update.
	views, err := s.slack.WaitViews(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if views[1].Method != "views.update" || !strings.Contains(string(views[1].Blocks), "recent_select") {
		t.Errorf("second view = %s %s; want the update with the picker", views[1].Method, views[1].Blocks)
	}
	sub, err := s.slack.SubmitView(ctx, v.ID, "U1", slackfake.Value{BlockID: "target", ActionID: "target_input", Text: "960 123 4501"})
	if err != nil {
		t.Fatal(err)
	}
	if _, payload, err := s.slack.WaitAck(ctx, sub); err != nil || payload != nil {
		t.Fatalf("submission ack payload %s, %v; want an empty ack that closes the modal", payload, err)
	}
	dm := s.dms(t, "U1", 1)[0]
	mustContain(t, body(dm), "Weekly product sync", "attendees_csv", "People")
	if strings.Contains(body(dm), "attendees_share") {
		t.Errorf("a global shortcut knows no channel, but its answer offers Share:\n%s", body(dm))
	}
	// The CSV button under the DM message answers in the DM, not ephemerally.
	csv := buttonValue(t, slackfake.Response{Blocks: dm.Blocks}, "attendees_csv")
	id, err := s.slack.BlockAction(ctx, slackfake.BlockAction{ActionID: "attendees_csv", Value: csv, UserID: "U1", ChannelID: "DU1", MessageTS: dm.TS})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.slack.WaitFiles(ctx, 1); err != nil {
		t.Fatal(err)
	}
	note := s.dms(t, "U1", 2)[1]
	mustContain(t, body(note), "direct messages")
	s.shutdown(t)
	if n := len(s.slack.ResponsesFor(id)); n != 0 {
		t.Errorf("the CSV button answered ephemerally %d times; want the DM", n)
	}
}

func TestRunShortcutInChinese(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	v := s.shortcut(t, "U2")
	mustContain(t, string(v.Blocks), "会议 ID、会议 UUID 或主题关键词")
	sub, err := s.slack.SubmitView(ctx, v.ID, "U2", slackfake.Value{BlockID: "target", ActionID: "target_input", Text: meetingfake.SampleSyncUUID})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, sub); err != nil {
		t.Fatal(err)
	}
	dm := s.dms(t, "U2", 1)[0]
	mustContain(t, body(dm), "人数", "小时", "CSV 文件")
	if strings.Contains(body(dm), "People") {
		t.Errorf("a Chinese reader's summary has English labels:\n%.2000s", body(dm))
	}
}

func TestRunEmptySubmissionIsRefusedInTheAck(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	for _, tt := range []struct{ user, text, want string }{
		{"U1", "", "Type a meeting ID"},
		{"U2", "", "请输入会议 ID"},
		{"U1", "123", "6 to 20 digits"},
		{"U1", "watch weekly sync", "Only lookups work here; for watch, watching and help use /attendees."},
	} {
		v := s.shortcut(t, tt.user)
		var values []slackfake.Value
		if tt.text != "" {
			values = append(values, slackfake.Value{BlockID: "target", ActionID: "target_input", Text: tt.text})
		}
		sub, err := s.slack.SubmitView(ctx, v.ID, tt.user, values...)
		if err != nil {
			t.Fatal(err)
		}
		_, payload, err := s.slack.WaitAck(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		var ack struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(payload, &ack); err != nil || ack.ResponseAction != "errors" || !strings.Contains(ack.Errors["target"], tt.want) {
			t.Errorf("%s %q: ack payload %s; want errors on target with %q", tt.user, tt.text, payload, tt.want)
		}
		if strings.Contains(ack.Errors["target"], "`") {
			t.Errorf("%s %q: error %q; Slack shows it as plain text, backticks and all", tt.user, tt.text, ack.Errors["target"])
		}
	}
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 0 {
		t.Errorf("posts = %d; a refused submission sends nothing", n)
	}
	if n := s.meet.Count(meetingfake.OpAttendees); n != 0 {
		t.Errorf("attendee lookups = %d; want none", n)
	}
}

func TestRunExpiredTriggerSaysSoInTheDM(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	id, _, err := s.slack.Shortcut(ctx, slackfake.Shortcut{CallbackID: "attendees_lookup", UserID: "U2", TriggerAge: slackfake.TriggerLife + time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	dm := s.dms(t, "U2", 1)[0]
	mustContain(t, body(dm), "我没能及时打开查询表单")
	if n := len(s.slack.Views()); n != 0 {
		t.Errorf("views = %d; want none from an expired trigger", n)
	}
}

func TestRunClosedModalSendsNothing(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	v := s.shortcut(t, "U1")
	if _, err := s.slack.CloseView(ctx, v.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := s.logs.waitFor(ctx, `"outcome":"closed"`, 1); err != nil {
		t.Fatal(err)
	}
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 0 {
		t.Errorf("posts = %d; a closed modal sends nothing", n)
	}
}

func TestRunMessageShortcutOffersShareInItsChannel(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	id, _, err := s.slack.Shortcut(ctx, slackfake.Shortcut{
		CallbackID: "attendees_lookup_message", UserID: "U1", ChannelID: "C0GENERAL",
		MessageText: "Notes from <cloudlink://welinksoftclient/h5page?page=joinConfByLink&conf_id=9601234501|the sync>",
	})
	if err != nil {
		t.Fatal(err)
	}
	dm := s.dms(t, "U1", 1)[0]
	mustContain(t, body(dm), "Weekly product sync", "attendees_share", `ch=C0GENERAL`)
	if n := len(s.slack.ResponsesFor(id)); n != 0 {
		t.Errorf("ephemeral replies = %d; the answer belongs in the DM", n)
	}
	// Share, tapped in the DM, posts in the message's channel.
	share := buttonValue(t, slackfake.Response{Blocks: dm.Blocks}, "attendees_share")
	if _, err := s.slack.BlockAction(ctx, slackfake.BlockAction{
		ActionID: "attendees_share", Value: share, UserID: "U1", ChannelID: "DU1", MessageTS: dm.TS,
	}); err != nil {
		t.Fatal(err)
	}
	done := s.dms(t, "U1", 2)[1]
	mustContain(t, body(done), "Shared in <#C0GENERAL>")
	if shared := s.postsIn("C0GENERAL"); len(shared) != 1 || !strings.Contains(body(shared[0]), "Weekly product sync") {
		t.Fatalf("channel posts = %+v; want the shared summary", shared)
	}

	// A message naming no meeting opens the modal, prefilled with its words.
	if _, _, err := s.slack.Shortcut(ctx, slackfake.Shortcut{CallbackID: "attendees_lookup_message", UserID: "U1", ChannelID: "C0GENERAL", MessageText: "weekly product sync notes"}); err != nil {
		t.Fatal(err)
	}
	views, err := s.slack.WaitViews(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(views[0].Blocks), `"initial_value":"weekly product sync notes"`, "names no meeting ID")
}

// TestRunEarlierRunKeepsTheMessagesChannel: a message shortcut on a
// meeting ID that ran twice answers in the DM with a button for the
// earlier run; that run's answer still offers Share into the message's
// channel, and shares there. With ALLOWED_CHANNEL_IDS the tap in the DM
// counts as the message's channel, as the answer's other buttons do.
func TestRunEarlierRunKeepsTheMessagesChannel(t *testing.T) {
	for _, allowed := range []string{"", "C0GENERAL"} {
		t.Run("ALLOWED_CHANNEL_IDS="+allowed, func(t *testing.T) {
			s := startNative(t, func(e map[string]string) { e["ALLOWED_CHANNEL_IDS"] = allowed })
			earlierRunSharesInTheMessagesChannel(t, s)
		})
	}
}

func earlierRunSharesInTheMessagesChannel(t *testing.T, s *system) {
	ctx := ctxT(t)
	if _, _, err := s.slack.Shortcut(ctx, slackfake.Shortcut{
		CallbackID: "attendees_lookup_message", UserID: "U1", ChannelID: "C0GENERAL",
		MessageText: "Stand-up notes, meeting " + meetingfake.SampleStandupID,
	}); err != nil {
		t.Fatal(err)
	}
	dm := s.dms(t, "U1", 1)[0]
	mustContain(t, body(dm), "Daily stand-up", "ran 1 more time")
	earlier := accessoryValues(t, dm.Blocks, "attendees_open")
	if len(earlier) != 1 || !strings.Contains(earlier[0], meetingfake.SampleStandupUUIDOlder) {
		t.Fatalf("earlier-run buttons %q; want one, for %s", earlier, meetingfake.SampleStandupUUIDOlder)
	}
	if _, err := s.slack.BlockAction(ctx, slackfake.BlockAction{
		ActionID: "attendees_open", Value: earlier[0], UserID: "U1", ChannelID: "DU1", MessageTS: dm.TS,
	}); err != nil {
		t.Fatal(err)
	}
	older := s.dms(t, "U1", 2)[1]
	mustContain(t, body(older), "Daily stand-up", "attendees_share")
	share := buttonValue(t, slackfake.Response{Blocks: older.Blocks}, "attendees_share")
	mustContain(t, share, "c="+meetingfake.SampleStandupUUIDOlder, "ch=C0GENERAL")
	if _, err := s.slack.BlockAction(ctx, slackfake.BlockAction{
		ActionID: "attendees_share", Value: share, UserID: "U1", ChannelID: "DU1", MessageTS: older.TS,
	}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, body(s.dms(t, "U1", 3)[2]), "Shared in <#C0GENERAL>")
	if shared := s.postsIn("C0GENERAL"); len(shared) != 1 || !strings.Contains(body(shared[0]), "Daily stand-up") {
		t.Fatalf("channel posts = %+v; want the earlier run's summary", shared)
	}
}

// accessoryValues are the values of the buttons with actionID beside
// sections (the Show buttons of a list), in order.
func accessoryValues(t *testing.T, blocks json.RawMessage, actionID string) []string {
	t.Helper()
	var bs []struct {
		Accessory *struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"accessory"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var out []string
	for _, b := range bs {
		if b.Accessory != nil && b.Accessory.ActionID == actionID {
			out = append(out, b.Accessory.Value)
		}
	}
	return out
}

func TestRunHomeTab(t *testing.T) {
	s := startNative(t, func(e map[string]string) { e["BOT_LANGUAGE"] = "zh-CN" })
	ctx := ctxT(t)
	for _, u := range []string{"U1", "U1", "U2", "U3"} {
		id, err := s.slack.AppHomeOpened(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	pubs, err := s.slack.WaitPublishes(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	// The four were handled at once: find each user's tab.
	home := map[string]slackfake.View{}
	for _, p := range pubs {
		home[p.UserID] = p
	}
	mustContain(t, string(home["U1"].Blocks), "Look up attendance", "Latest concluded meetings", meetingfake.SampleSyncUUID)
	mustContain(t, string(home["U2"].Blocks), "最近结束的会议")
	mustContain(t, string(home["U3"].Blocks), "最近结束的会议") // ja-JP: BOT_LANGUAGE
	if n := s.meet.Count(meetingfake.OpHistory); n != 1 {
		t.Errorf("history calls for four Home tabs = %d; want 1 (cached for a minute)", n)
	}
	// Show on the Home tab answers in the DM; the tab then lists the lookup.
	if _, err := s.slack.BlockAction(ctx, slackfake.BlockAction{ActionID: "attendees_open", Value: "c=" + meetingfake.SampleSyncUUID, UserID: "U1", ViewID: home["U1"].ID}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, body(s.dms(t, "U1", 1)[0]), "Weekly product sync")
	if _, err := s.slack.AppHomeOpened(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	pubs, err = s.slack.WaitPublishes(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(pubs[4].Blocks), "Your last lookups")
	// Its Look up attendance button opens the modal.
	if _, err := s.slack.BlockAction(ctx, slackfake.BlockAction{ActionID: "attendees_modal", UserID: "U1", ViewID: pubs[4].ID}); err != nil {
		t.Fatal(err)
	}
	var modal slackfake.View
	for _, v := range mustViews(t, s, 6) {
		if v.Type == "modal" {
			modal = v
		}
	}
	mustContain(t, string(modal.Blocks), "recent_select") // the cache was fresh: no update needed
	if n := s.meet.Count(meetingfake.OpHistory); n != 1 {
		t.Errorf("history calls = %d; want still 1", n)
	}
}

// TestRunHomeTabOfARefusedUser: a user the access rules refuse who opens
// the Home tab gets a tab with one sentence, in their language, saying
// why and whom to ask, and nothing else: no meeting, no button, no
// meeting API call, no DM. Refused only because the tab belongs to no
// channel, an allowed user is told where the bot answers.
func TestRunHomeTabOfARefusedUser(t *testing.T) {
	for _, tt := range []struct {
		name, env, allowed, user string
		title, want              string
	}{
		{"a user not allowed, in Chinese", "ALLOWED_USER_IDS", "U1", "U2", "参会情况", "抱歉，你在这里无权使用参会统计机器人。如有需要，请联系你的 Slack 管理员。"},
		{"a user not allowed, in English", "ALLOWED_USER_IDS", "U2", "U1", "Attendance", "Sorry, you don't have access to the attendance bot here. Ask your Slack admin if you need it."},
		{"the bot kept to some channels", "ALLOWED_CHANNEL_IDS", "C0GENERAL", "U1", "Attendance", "I answer only in the channels your Slack admin chose, so this tab has nothing for you. Use `/attendees` in one of them, or ⋯ → *Look up attendance* on a message there."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := startNative(t, func(e map[string]string) { e[tt.env] = tt.allowed })
			ctx := ctxT(t)
			id, err := s.slack.AppHomeOpened(ctx, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.slack.WaitAck(ctx, id); err != nil {
				t.Fatal(err)
			}
			// The request is logged once answered.
			if err := s.logs.waitFor(ctx, `"outcome":"refused"`, 1); err != nil {
				t.Fatal(err)
			}
			pubs := s.slack.Views()
			if len(pubs) != 1 || pubs[0].Method != "views.publish" || pubs[0].UserID != tt.user || pubs[0].Type != "home" {
				t.Fatalf("views %+v; want the Home tab of %s, published", pubs, tt.user)
			}
			var blocks []struct {
				Type string `json:"type"`
				Text struct {
					Type string `json:"type"`
					Text string `json:"text"`
				} `json:"text"`
			}
			if err := json.Unmarshal(pubs[0].Blocks, &blocks); err != nil {
				t.Fatal(err)
			}
			if len(blocks) != 2 || blocks[0].Type != "header" || blocks[0].Text.Text != tt.title ||
				blocks[1].Type != "section" || blocks[1].Text.Type != "mrkdwn" || blocks[1].Text.Text != tt.want {
				t.Errorf("Home tab blocks:\n%s\nwant the title %q and the one sentence %q", pubs[0].Blocks, tt.title, tt.want)
			}
			s.shutdown(t)
			if n := s.meet.Count(meetingfake.OpHistory); n != 0 {
				t.Errorf("history calls = %d; a refused user's tab lists no meeting", n)
			}
			if n := len(s.slack.Posts()); n != 0 {
				t.Errorf("posts = %d; the tab says it, nothing else does", n)
			}
		})
	}
}

func mustViews(t *testing.T, s *system, n int) []slackfake.View {
	t.Helper()
	views, err := s.slack.WaitViews(ctxT(t), n)
	if err != nil {
		t.Fatal(err)
	}
	return views
}

// TestRunLanguagePerReader: a Chinese reader's private answers are in
// Chinese while the channel, as BOT_LANGUAGE says, reads English; a
// failing users.info falls back to BOT_LANGUAGE.
func TestRunLanguagePerReader(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	_, rs := s.command(t, slackfake.SlashCommand{Text: "help", UserID: "U2"}, 1)
	mustContain(t, text(rs...), "谁参加了那场会议？")
	_, rs = s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U2", ChannelID: "C0GENERAL"}, 1)
	mustContain(t, text(rs...), "人数")
	id := s.press(t, "U2", "C0GENERAL", "attendees_share", buttonValue(t, rs[0], "attendees_share"))
	posts, err := s.slack.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, body(posts[0]), "People", "Weekly product sync")
	rs, err = s.slack.WaitResponsesFor(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(rs...), "已分享到频道")
}

// TestRunLanguageWhenUsersInfoFails: a users.info that fails gives
// BOT_LANGUAGE, here zh-CN, to a reader Slack would say reads English;
// another such reader, whose users.info works, reads English. (With
// BOT_LANGUAGE en-US either way would read English: the step could not
// fail.)
func TestRunLanguageWhenUsersInfoFails(t *testing.T) {
	users := []slackfake.User{{ID: "U1", Locale: "en-US"}, {ID: "U5", Locale: "en-US"}}
	s := startOn(t, fakeSlack(t, slackfake.Config{Users: users}), 1, func(e map[string]string) { e["BOT_LANGUAGE"] = "zh-CN" }, nil)
	s.slack.FailNext("users.info", 1, "ratelimited")
	_, rs := s.command(t, slackfake.SlashCommand{Text: "help", UserID: "U1"}, 1)
	mustContain(t, text(rs...), "谁参加了那场会议？")
	if n := s.slack.Stats().Calls["users.info"]; n != 1 {
		t.Fatalf("users.info calls = %d; want the one that failed", n)
	}
	_, rs = s.command(t, slackfake.SlashCommand{Text: "help", UserID: "U5"}, 1)
	mustContain(t, text(rs...), "Who was in that meeting?")
}

func TestRunModalLastRuns(t *testing.T) {
	s := startNative(t, nil)
	ctx := ctxT(t)
	v := s.shortcut(t, "U1")
	sub, err := s.slack.SubmitView(ctx, v.ID, "U1",
		slackfake.Value{BlockID: "target", ActionID: "target_input", Text: meetingfake.SampleStandupID},
		slackfake.Value{BlockID: "runs", ActionID: "runs_choice", Text: "last"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.slack.WaitAck(ctx, sub); err != nil {
		t.Fatal(err)
	}
	got := body(s.dms(t, "U1", 1)[0])
	// The modal's "last runs" is the series of "last" alone: the meeting
	// ran twice of the 8 asked for.
	mustContain(t, got, "Daily stand-up — last 2 runs", "*Bob Li* — 2/2", "The meeting ran 2 times in the last 180 days; you asked for 8.", "attendees_csv")
}
