package slackfake_test

import (
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// TestReplaceOriginal: replace_original replaces what the response_url has
// on screen (its last post, or the message holding a pressed button) and
// keeps its type; with nothing on screen, or turning an ephemeral message
// into a channel one, it is refused.
func TestReplaceOriginal(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	id := c.ackedCommand(t, ctx, srv)
	u := srv.ResponseURL(id)
	post := func(opts ...slack.MsgOption) error {
		_, _, err := c.api.PostMessageContext(ctx, "", opts...)
		return err
	}
	if err := post(slack.MsgOptionReplaceOriginal(u), slack.MsgOptionText("nothing to replace", false)); err == nil {
		t.Error("replace_original before any message succeeded")
	}
	wantViolation(t, ctx, srv, 1, "no message on screen")
	if err := post(slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("comparing…", false)); err != nil {
		t.Fatal(err)
	}
	if err := post(slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionReplaceOriginal(u), slack.MsgOptionText("compared", false)); err != nil {
		t.Fatal(err)
	}
	if err := post(slack.MsgOptionResponseURL(u, slack.ResponseTypeInChannel), slack.MsgOptionReplaceOriginal(u), slack.MsgOptionText("now public", false)); err == nil {
		t.Error("replace_original turned an ephemeral message into a channel one")
	}
	wantViolation(t, ctx, srv, 2, "Slack keeps the type")
	shown := srv.Shown(id)
	if len(shown) != 1 || shown[0].Text != "compared" {
		t.Errorf("on screen = %+v; want the one replaced message", shown)
	}

	// A button's response_url replaces the message holding the button.
	bid, err := srv.BlockAction(ctx, slackfake.BlockAction{ActionID: "attendees_open", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	if err := c.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if err := post(slack.MsgOptionResponseURL(srv.ResponseURL(bid), slack.ResponseTypeEphemeral), slack.MsgOptionReplaceOriginal(srv.ResponseURL(bid)), slack.MsgOptionText("the answer", false)); err != nil {
		t.Fatal(err)
	}
	if shown := srv.Shown(bid); len(shown) != 1 || shown[0].Text != "the answer" {
		t.Errorf("button message now = %+v; want the answer in its place", shown)
	}
}

// TestChatUpdate: the bot may edit what it posted; an unknown ts is refused.
func TestChatUpdate(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)
	_, ts, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("comparing…", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C0GENERAL", ts, slack.MsgOptionText("compared", false)); err != nil {
		t.Fatal(err)
	}
	if text, _, ok := srv.Message("C0GENERAL", ts); !ok || text != "compared" {
		t.Errorf("message now = %q (%v); want the update", text, ok)
	}
	if len(srv.Posts()) != 1 || len(srv.Updates()) != 1 {
		t.Errorf("posts %d, updates %d; want 1 and 1", len(srv.Posts()), len(srv.Updates()))
	}
	assertClean(t, srv)
	if _, _, _, err := api.UpdateMessageContext(ctx, "C0GENERAL", "9.000009", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update of an unknown ts = %v; want message_not_found", err)
	}
	wantViolation(t, ctx, srv, 1, "no message the bot posted")
}
