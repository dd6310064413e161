package slackfake_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

func TestPostMessage(t *testing.T) {
	section := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*hi*", false, false), nil, nil)
	tests := []struct {
		name      string
		channel   string
		opts      []slack.MsgOption
		wantErr   string // Slack error code, "" for success
		violation string // expected violation, "" for none
	}{
		{"member channel", "C0GENERAL", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "", ""},
		{"blocks", "C0GENERAL", []slack.MsgOption{slack.MsgOptionText("hi", false), slack.MsgOptionBlocks(section)}, "", ""},
		{"public, not a member", "C0RANDOM", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "not_in_channel", ""},
		{"private, not a member", "G0SECRET", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found", ""},
		{"unknown channel", "C0NOPE", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found", ""},
		{"no text", "C0GENERAL", nil, "no_text", "neither text nor blocks"},
		{"too many blocks", "C0GENERAL", []slack.MsgOption{slack.MsgOptionText("hi", false), slack.MsgOptionBlocks(manyBlocks(51)...)}, "invalid_blocks", "51 blocks"},
		{"header too long", "C0GENERAL", []slack.MsgOption{slack.MsgOptionText("hi", false),
			slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("x", 151), false, false)))},
			"invalid_blocks", "151 characters"},
		{"unknown thread", "C0GENERAL", []slack.MsgOption{slack.MsgOptionText("hi", false), slack.MsgOptionTS("1.000001")}, "", "thread_ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{})
			ctx := timeout(t)
			api := apiClient(srv, srv.Config().BotToken)
			ch, ts, err := api.PostMessageContext(ctx, tt.channel, tt.opts...)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("PostMessage: %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("PostMessage error = %v; want %s", err, tt.wantErr)
			}
			if tt.violation != "" {
				wantViolation(t, ctx, srv, 1, tt.violation)
				return
			}
			assertClean(t, srv)
			if tt.wantErr != "" {
				if p := srv.Posts(); len(p) != 0 {
					t.Errorf("posts = %+v; want none", p)
				}
				return
			}
			posts, err := srv.WaitPosts(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if p := posts[0]; ch != tt.channel || ts == "" || p.Channel != ch || p.TS != ts || p.Text != "hi" {
				t.Errorf("PostMessage = %s %s; post %+v", ch, ts, p)
			}
		})
	}
}

func manyBlocks(n int) []slack.Block {
	b := make([]slack.Block, n)
	for i := range b {
		b[i] = slack.NewDividerBlock()
	}
	return b
}

func TestThreadReplyAndEphemeral(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)
	_, ts, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("parent", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("child", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}
	mts, err := api.PostEphemeralContext(ctx, "C0GENERAL", "U1", slack.MsgOptionText("only you", false))
	if err != nil || mts == "" {
		t.Fatalf("PostEphemeral = %q, %v", mts, err)
	}
	posts, err := srv.WaitPosts(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if posts[1].ThreadTS != ts || !posts[2].Ephemeral || posts[2].User != "U1" || posts[2].TS != mts {
		t.Errorf("posts = %+v", posts)
	}
	assertClean(t, srv)
}

func TestAuthTestAndConversationsOpen(t *testing.T) {
	srv := start(t, slackfake.Config{BotUserID: "U0ME", TeamID: "T0US"})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)
	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != "U0ME" || auth.TeamID != "T0US" {
		t.Fatalf("AuthTest = %+v, %v", auth, err)
	}
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || ch.ID != "DU1" {
		t.Fatalf("OpenConversation = %+v, %v; want DU1", ch, err)
	}
	if _, _, err := api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("dm", false)); err != nil {
		t.Fatalf("post to opened DM: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "DU2", slack.MsgOptionText("dm", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("post to a DM never opened = %v; want channel_not_found", err)
	}
	assertClean(t, srv)
}

func TestInfoMethods(t *testing.T) {
	srv := start(t, slackfake.Config{Users: []slackfake.User{{ID: "U1", Name: "ada", TZ: "Asia/Shanghai"}}})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)
	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Name != "ada" || u.RealName != "ada" || u.TZ != "Asia/Shanghai" || u.TZOffset != 8*3600 {
		t.Errorf("users.info U1 = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U2"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("users.info U2 = %v; want user_not_found", err)
	}
	tests := []struct {
		channel, wantErr string
		member, private  bool
	}{
		{"C0GENERAL", "", true, false},
		{"C0RANDOM", "", false, false},
		{"G0SECRET", "channel_not_found", false, true},
		{"C0NOPE", "channel_not_found", false, false},
	}
	for _, tt := range tests {
		ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: tt.channel})
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("conversations.info %s = %v; want %s", tt.channel, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("conversations.info %s: %v", tt.channel, err)
		case ch.ID != tt.channel || ch.IsMember != tt.member || ch.IsPrivate != tt.private:
			t.Errorf("conversations.info %s = %+v", tt.channel, ch)
		}
	}
	assertClean(t, srv)
}

func TestWrongBotTokenRejected(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	_, err := apiClient(srv, "xoxb-wrong").AuthTestContext(ctx)
	if err == nil || err.Error() != "invalid_auth" {
		t.Errorf("AuthTest with a wrong token = %v; want invalid_auth", err)
	}
	wantViolation(t, ctx, srv, 1, "not the bot token")
}

func TestUnknownMethod(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	_, _, err := apiClient(srv, srv.Config().BotToken).DeleteMessageContext(ctx, "C0GENERAL", "1.000001")
	if err == nil || err.Error() != "unknown_method" {
		t.Errorf("chat.delete = %v; want unknown_method", err)
	}
	wantViolation(t, ctx, srv, 1, `unknown Web API method "chat.delete"`)
}

func TestRateLimitAndFailNext(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)

	srv.RateLimitNext("chat.postMessage", 1, 1)
	_, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("PostMessage = %v (%T); want *slack.RateLimitedError after 1s", err, err)
	}
	// Retrying at once is allowed, but counted.
	if _, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("second PostMessage: %v", err)
	}
	srv.FailNext("files.getUploadURLExternal", 1, "internal_error")
	_, err = api.UploadFileContext(ctx, slack.UploadFileParameters{Content: "a", FileSize: 1, Filename: "a.csv"})
	if err == nil || !strings.Contains(err.Error(), "internal_error") {
		t.Errorf("UploadFile = %v; want internal_error", err)
	}
	st := srv.Stats()
	if st.RateLimited != 1 || st.EarlyRetries != 1 || st.Calls["chat.postMessage"] != 2 || st.Calls["files.getUploadURLExternal"] != 1 {
		t.Errorf("stats = %+v", st)
	}
	assertClean(t, srv)
}

func TestRawRequestsRejected(t *testing.T) {
	tests := []struct {
		name      string
		do        func(srv *slackfake.Server) (*http.Response, error)
		violation string
	}{
		{"token in query", func(srv *slackfake.Server) (*http.Response, error) {
			return http.PostForm(srv.APIURL()+"auth.test?token="+srv.Config().BotToken, url.Values{"token": {srv.Config().BotToken}})
		}, "token in the URL query"},
		{"apps.connections.open with bot token", func(srv *slackfake.Server) (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+"apps.connections.open", nil)
			req.Header.Set("Authorization", "Bearer "+srv.Config().BotToken)
			return http.DefaultClient.Do(req)
		}, "not Bearer with the app token"},
		{"apps.connections.open with body", func(srv *slackfake.Server) (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+"apps.connections.open", strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+srv.Config().AppToken)
			return http.DefaultClient.Do(req)
		}, "2-byte body"},
		{"unknown path", func(srv *slackfake.Server) (*http.Response, error) {
			return http.Get(srv.URL + "/apichat.postMessage")
		}, "unknown path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{})
			resp, err := tt.do(srv)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			wantViolation(t, timeout(t), srv, 1, tt.violation)
		})
	}
}
