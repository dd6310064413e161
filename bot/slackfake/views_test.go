package slackfake_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

func modal(title string) slack.ModalViewRequest {
	pt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, pt("pick"), "pick",
		slack.NewOptionBlockObject("a", pt("Option A"), nil), slack.NewOptionBlockObject("b", pt("Option B"), nil))
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: pt(title), Submit: pt("Go"), Close: pt("Cancel"), CallbackID: "cb",
		PrivateMetadata: "meta", NotifyOnClose: true,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("text", pt("Text"), nil, slack.NewPlainTextInputBlockElement(nil, "text_in")).WithOptional(true),
			slack.NewInputBlock("choice", pt("Choice"), nil, sel).WithOptional(true),
		}},
	}
}

func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// TestShortcutOpensModalAndSubmits: a global shortcut's trigger opens one
// modal; its submission carries the entered values; an errors ack must
// name the modal's inputs.
func TestShortcutOpensModalAndSubmits(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	id, trigger, err := srv.Shortcut(ctx, slackfake.Shortcut{CallbackID: "lookup", UserID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeShortcut || cb.CallbackID != "lookup" || cb.TriggerID != trigger || cb.User.ID != "U1" || cb.ResponseURL != "" {
		t.Fatalf("shortcut payload = %+v", cb)
	}
	if err := c.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	resp, err := c.api.OpenViewContext(ctx, trigger, modal("Look up"))
	if err != nil {
		t.Fatalf("views.open: %v", err)
	}
	if _, err := c.api.OpenViewContext(ctx, trigger, modal("Look up")); slackCode(err) != "exchanged_trigger_id" {
		t.Errorf("second views.open with one trigger = %v; want exchanged_trigger_id", err)
	}
	wantViolation(t, ctx, srv, 1, "used twice")

	if _, err := c.api.UpdateViewContext(ctx, modal("Look up"), "", "stale-hash", resp.ID); slackCode(err) != "hash_conflict" {
		t.Errorf("views.update with a stale hash = %v; want hash_conflict", err)
	}
	if _, err := c.api.UpdateViewContext(ctx, modal("Look up 2"), "", resp.Hash, resp.ID); err != nil {
		t.Errorf("views.update: %v", err)
	}

	sub, err := srv.SubmitView(ctx, resp.ID, "U1", slackfake.Value{BlockID: "choice", ActionID: "pick", Text: "b"})
	if err != nil {
		t.Fatal(err)
	}
	evt = c.next(t, ctx)
	cb = evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.ID != resp.ID || cb.View.PrivateMetadata != "meta" {
		t.Fatalf("submission = %+v", cb.View)
	}
	if got := cb.View.State.Values["choice"]["pick"].SelectedOption.Value; got != "b" {
		t.Errorf("submitted choice = %q; want b", got)
	}
	if got := cb.View.State.Values["text"]["text_in"].Value; got != "" {
		t.Errorf("submitted text = %q; want empty", got)
	}
	if err := c.sm.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"nope": "bad"})); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.WaitAck(ctx, sub); err != nil {
		t.Fatal(err)
	}
	wantViolation(t, ctx, srv, 2, "not an input block")

	if _, err := srv.SubmitView(ctx, resp.ID, "U1", slackfake.Value{BlockID: "choice", ActionID: "pick", Text: "zzz"}); err == nil {
		t.Error("submitting an option the modal does not offer succeeded")
	}
}

func TestExpiredTriggerAndBadModal(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)
	c := connect(t, srv)
	_, trigger, err := srv.Shortcut(ctx, slackfake.Shortcut{CallbackID: "lookup", TriggerAge: slackfake.TriggerLife + time.Second})
	if err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	_ = c.sm.Ack(*evt.Request)
	if _, err := api.OpenViewContext(ctx, trigger, modal("Look up")); slackCode(err) != "expired_trigger_id" {
		t.Errorf("views.open with an old trigger = %v; want expired_trigger_id", err)
	}
	assertClean(t, srv) // an expired trigger is an answer, not a violation
	_, trigger, _ = srv.Shortcut(ctx, slackfake.Shortcut{CallbackID: "lookup"})
	evt = c.next(t, ctx)
	_ = c.sm.Ack(*evt.Request)
	if _, err := api.OpenViewContext(ctx, trigger, modal(strings.Repeat("x", 25))); err == nil {
		t.Error("views.open accepted a 25-character title")
	}
	wantViolation(t, ctx, srv, 1, "title")
}

func TestMessageShortcutAndHome(t *testing.T) {
	srv := start(t, slackfake.Config{Users: []slackfake.User{{ID: "U2", Locale: "zh-CN"}}})
	ctx := timeout(t)
	c := connect(t, srv)
	if _, _, err := srv.Shortcut(ctx, slackfake.Shortcut{CallbackID: "msg", UserID: "U2", ChannelID: "C0GENERAL", MessageText: "see 960 123 4501"}); err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeMessageAction || cb.Channel.ID != "C0GENERAL" || cb.Message.Text != "see 960 123 4501" || cb.ResponseURL == "" {
		t.Fatalf("message_action = %+v", cb)
	}
	_ = c.sm.Ack(*evt.Request)

	u, err := c.api.GetUserInfoContext(ctx, "U2")
	if err != nil || u.Locale != "zh-CN" {
		t.Errorf("users.info locale = %q, %v; want zh-CN", u.Locale, err)
	}

	if _, err := srv.AppHomeOpened(ctx, "U2"); err != nil {
		t.Fatal(err)
	}
	evt = c.next(t, ctx)
	ev := evt.Data.(slackevents.EventsAPIEvent)
	home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok || home.User != "U2" || home.Tab != "home" {
		t.Fatalf("app_home_opened = %#v", ev.InnerEvent.Data)
	}
	_ = c.sm.Ack(*evt.Request)
	pt := slack.NewTextBlockObject(slack.PlainTextType, "Look up", false, false)
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewActionBlock("a", slack.NewButtonBlockElement("open", "", pt)),
	}}}
	if _, err := c.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U2", View: view}); err != nil {
		t.Fatal(err)
	}
	pubs, err := srv.WaitPublishes(ctx, 1)
	if err != nil || pubs[0].UserID != "U2" {
		t.Fatalf("publishes = %+v, %v", pubs, err)
	}
	if _, err := srv.BlockAction(ctx, slackfake.BlockAction{ActionID: "open", UserID: "U2", ViewID: pubs[0].ID}); err != nil {
		t.Fatal(err)
	}
	evt = c.next(t, ctx)
	cb = evt.Data.(slack.InteractionCallback)
	if cb.Container.Type != "view" || cb.View.ID != pubs[0].ID || cb.ResponseURL != "" || cb.TriggerID == "" {
		t.Errorf("Home button payload = %+v", cb)
	}
	_ = c.sm.Ack(*evt.Request)
	assertClean(t, srv)
}
