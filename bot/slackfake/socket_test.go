package slackfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

func TestSlashCommandAckAndResponseURL(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}

	id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: "C0GENERAL", Text: "123 456 789"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	evt := c.next(t, ctx)
	cmd, ok := evt.Data.(slack.SlashCommand)
	if evt.Type != socketmode.EventTypeSlashCommand || !ok {
		t.Fatalf("event = %v %T; want a slack.SlashCommand", evt.Type, evt.Data)
	}
	want := slack.SlashCommand{
		Token: "fake-verification-token", TeamID: "T0FAKE", TeamDomain: "fake", ChannelID: "C0GENERAL",
		ChannelName: "general", UserID: "U1", UserName: "user-u1", Command: "/attendees", Text: "123 456 789",
		ResponseURL: srv.ResponseURL(id), TriggerID: cmd.TriggerID, APIAppID: "A0FAKE",
	}
	if cmd != want || cmd.TriggerID == "" || !strings.HasPrefix(cmd.ResponseURL, srv.URL+"/response/") {
		t.Errorf("slash command = %+v; want %+v", cmd, want)
	}
	if evt.Request.EnvelopeID != id || !evt.Request.AcceptsResponsePayload {
		t.Errorf("request = %+v; want envelope %s accepting a response payload", evt.Request, id)
	}

	if err := c.sm.Ack(*evt.Request, map[string]any{"text": "working…"}); err != nil {
		t.Fatal(err)
	}
	lat, payload, err := srv.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if lat <= 0 || lat > slackfake.AckDeadline || string(payload) != `{"text":"working…"}` {
		t.Errorf("ack latency %v payload %s", lat, payload)
	}

	_, _, err = c.api.PostMessageContext(ctx, "",
		slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("3 attendees", false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*3* attendees", false, false), nil, nil)))
	if err != nil {
		t.Fatalf("post to response_url: %v", err)
	}
	rs, err := srv.WaitResponses(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.ResponsesFor(id); len(got) != 1 {
		t.Errorf("ResponsesFor(%s) = %d responses; want 1", id, len(got))
	}
	r := rs[0]
	if r.EnvelopeID != id || r.ResponseType != "ephemeral" || r.Text != "3 attendees" || r.ReplaceOriginal || len(r.Blocks) == 0 {
		t.Errorf("response = %+v", r)
	}
	st := srv.Stats()
	if st.Opens != 1 || st.Connections != 1 || st.EnvelopesSent != 1 || st.Acks != 1 || st.Responses != 1 {
		t.Errorf("stats = %+v", st)
	}
	assertClean(t, srv)
}

func TestRedeliverNeedsASecondAck(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)

	id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{Text: "help"})
	if err != nil {
		t.Fatal(err)
	}
	first := c.next(t, ctx)
	if err := c.sm.Ack(*first.Request); err != nil {
		t.Fatal(err)
	}
	if err := srv.Redeliver(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	again := c.next(t, ctx)
	if again.Request.EnvelopeID != id || again.Request.RetryAttempt != 1 || again.Request.RetryReason == "" {
		t.Errorf("redelivery = %+v; want envelope %s with retry_attempt 1", again.Request, id)
	}
	if err := c.sm.Ack(*again.Request); err != nil {
		t.Fatal(err)
	}
	acks, err := srv.WaitAcks(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	if acks[0].Payload != nil || acks[1].Payload != nil {
		t.Errorf("acks = %+v; want no payloads", acks)
	}
	assertClean(t, srv)
}

func TestBlockActionDecodesAsInteractionCallback(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)

	id, err := srv.BlockAction(ctx, slackfake.BlockAction{ActionID: "share", Value: "conf-123", UserID: "U2", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	cb, ok := evt.Data.(slack.InteractionCallback)
	if evt.Type != socketmode.EventTypeInteractive || !ok {
		t.Fatalf("event = %v %T; want slack.InteractionCallback", evt.Type, evt.Data)
	}
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 ||
		len(cb.ActionCallback.AttachmentActions) != 0 {
		t.Fatalf("callback = %+v; want one block action", cb)
	}
	a := cb.ActionCallback.BlockActions[0]
	if a.ActionID != "share" || a.Value != "conf-123" || a.BlockID == "" || a.Type != "button" || a.ActionTs == "" {
		t.Errorf("action = %+v", a)
	}
	if cb.User.ID != "U2" || cb.Team.ID != "T0FAKE" || cb.Channel.ID != "C0GENERAL" || cb.APIAppID != "A0FAKE" ||
		cb.ResponseURL != srv.ResponseURL(id) || cb.TriggerID == "" || !cb.Container.IsEphemeral || cb.Container.MessageTs == "" {
		t.Errorf("callback = %+v", cb)
	}
	if err := c.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cb.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("shared", false))
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := srv.WaitResponses(ctx, 1); err != nil || rs[0].EnvelopeID != id || rs[0].ResponseType != "in_channel" {
		t.Errorf("responses = %+v, %v", rs, err)
	}
	assertClean(t, srv)
}

func TestReconnect(t *testing.T) {
	tests := []struct {
		name      string
		breakConn func(context.Context, *slackfake.Server) error
	}{
		{"disconnect frame", func(ctx context.Context, s *slackfake.Server) error { return s.Disconnect(ctx, "refresh_requested") }},
		{"dropped socket", func(_ context.Context, s *slackfake.Server) error {
			if !s.DropConnection() {
				return errors.New("no connection to drop")
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{})
			ctx := timeout(t)
			c := connect(t, srv)
			if err := srv.WaitConnections(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if err := tt.breakConn(ctx, srv); err != nil {
				t.Fatal(err)
			}
			// Sent while slack-go reconnects: it must wait for the new socket.
			id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{Text: "after"})
			if err != nil {
				t.Fatal(err)
			}
			evt := c.next(t, ctx)
			if evt.Request.EnvelopeID != id {
				t.Fatalf("event for envelope %s; want %s", evt.Request.EnvelopeID, id)
			}
			if err := c.sm.Ack(*evt.Request); err != nil {
				t.Fatal(err)
			}
			if _, _, err := srv.WaitAck(ctx, id); err != nil {
				t.Fatal(err)
			}
			if st := srv.Stats(); st.Opens != 2 || st.Connections != 2 {
				t.Errorf("opens %d connections %d; want 2 and 2", st.Opens, st.Connections)
			}
			assertClean(t, srv)
		})
	}
}

func TestWrongAppTokenEndsRun(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := slack.New(srv.Config().BotToken, slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-wrong"))
	err := socketmode.New(api).RunContext(ctx)
	if err == nil || err.Error() != "invalid_auth" {
		t.Errorf("RunContext = %v; want invalid_auth", err)
	}
	wantViolation(t, ctx, srv, 1, "apps.connections.open")
	if st := srv.Stats(); st.Opens != 0 {
		t.Errorf("opens = %d; want 0", st.Opens)
	}
}

func TestServerPings(t *testing.T) {
	srv := start(t, slackfake.Config{PingInterval: 20 * time.Millisecond})
	ctx := timeout(t)
	_, url, err := apiClient(srv, srv.Config().BotToken).StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pings := make(chan string, 8)
	conn.SetPingHandler(func(data string) error {
		select {
		case pings <- data:
		default:
		}
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for range 2 {
		select {
		case <-pings:
		case <-ctx.Done():
			t.Fatal("no PING from the fake")
		}
	}
	assertClean(t, srv)
}

func TestStartRejectsSlowPings(t *testing.T) {
	if _, err := slackfake.Start(slackfake.Config{PingInterval: 30 * time.Second}); err == nil {
		t.Error("Start with a 30s PingInterval succeeded; slack-go would time the socket out")
	}
}

func TestSocketViolations(t *testing.T) {
	tests := []struct {
		name  string
		frame func(envelopeID string) string
		want  string
	}{
		{"unknown envelope", func(string) string { return `{"envelope_id":"nope"}` }, `unknown envelope "nope"`},
		{"not JSON", func(string) string { return `ack!` }, "not a JSON object"},
		{"no envelope id", func(string) string { return `{"payload":{}}` }, "without envelope_id"},
		{"duplicate ack", func(id string) string { return `{"envelope_id":"` + id + `"}` }, "duplicate ack"},
		{"too big", func(id string) string {
			return `{"envelope_id":"` + id + `","payload":{"text":"` + strings.Repeat("a", slackfake.MaxAckSize) + `"}}`
		}, "bytes or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{})
			ctx := timeout(t)
			conn, _, frames := rawSocket(t, ctx, srv)
			id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{})
			if err != nil {
				t.Fatal(err)
			}
			var env struct {
				EnvelopeID string `json:"envelope_id"`
				Type       string `json:"type"`
			}
			if err := json.Unmarshal(nextFrame(t, ctx, frames), &env); err != nil || env.EnvelopeID != id || env.Type != "slash_commands" {
				t.Fatalf("envelope = %+v, %v", env, err)
			}
			ack := `{"envelope_id":"` + id + `"}`
			if tt.name == "too big" {
				// The oversized frame is the ack itself: it counts, and is
				// the only violation.
				ack = tt.frame(id)
			}
			if err := conn.WriteMessage(websocket.TextMessage, []byte(ack)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := srv.WaitAck(ctx, id); err != nil {
				t.Fatal(err)
			}
			if tt.name != "too big" {
				if err := conn.WriteMessage(websocket.TextMessage, []byte(tt.frame(id))); err != nil {
					t.Fatal(err)
				}
			}
			wantViolation(t, ctx, srv, 1, tt.want)
		})
	}
}

func TestTicketIsSingleUse(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	_, url, _ := rawSocket(t, ctx, srv)
	if conn, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil); err == nil {
		conn.Close()
		t.Fatal("second dial with the same ticket succeeded")
	}
	wantViolation(t, ctx, srv, 1, "reused ticket")
}

func TestBurstOfCommands(t *testing.T) {
	const n = 100
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	go func() {
		for {
			select {
			case evt := <-c.events:
				_ = c.sm.Ack(*evt.Request)
			case <-ctx.Done():
				return
			}
		}
	}()
	ids := make(chan string, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{Text: strconv.Itoa(i)})
			ids <- id
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if _, _, err := srv.WaitAck(ctx, <-ids); err != nil {
			t.Fatal(err)
		}
	}
	if st := srv.Stats(); st.EnvelopesSent != n || st.Acks != n {
		t.Errorf("stats = %+v; want %d envelopes and acks", st, n)
	}
	assertClean(t, srv)
}

func TestSocketClosedOnShutdown(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	cfg := srv.Config()
	sm := socketmode.New(apiClient(srv, cfg.BotToken))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(runCtx) }()
	go func() {
		for {
			select {
			case <-sm.Events:
			case <-runCtx.Done():
				return
			}
		}
	}()
	if err := srv.WaitLiveConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("RunContext = %v; want context.Canceled", err)
	}
	if err := srv.WaitLiveConnections(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Open != 0 || st.Connections != 1 {
		t.Errorf("stats = %+v", st)
	}
	assertClean(t, srv)
}

func TestSlashCommandInDM(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	if _, err := srv.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: "DU1"}); err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	if cmd := evt.Data.(slack.SlashCommand); cmd.ChannelName != "directmessage" {
		t.Errorf("channel_name = %q; want directmessage", cmd.ChannelName)
	}
	if err := c.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.api.PostMessageContext(ctx, "DU1", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("post to the DM the command came from: %v", err)
	}
	if _, _, err := srv.WaitAck(ctx, evt.Request.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	assertClean(t, srv)
}
