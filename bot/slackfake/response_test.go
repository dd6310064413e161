package slackfake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

func TestResponseURLViolations(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		violation   string
	}{
		{"not JSON content type", "text/plain", `{"text":"hi"}`, "Content-Type"},
		{"not JSON", "application/json", `hi`, "not a JSON message object"},
		{"empty", "application/json", `{"response_type":"ephemeral"}`, "neither text nor blocks"},
		{"bad response_type", "application/json", `{"text":"hi","response_type":"public"}`, `response_type "public"`},
		{"invalid blocks", "application/json", `{"text":"hi","blocks":{"type":"section"}}`, "not a JSON array"},
		{"block without type", "application/json", `{"text":"hi","blocks":[{"text":{"type":"mrkdwn","text":"x"}}]}`, "has no type"},
		{"unknown block type", "application/json", `{"text":"hi","blocks":[{"type":"sekshun"}]}`, "unknown block type"},
		{"replace_original as string", "application/json", `{"text":"hi","replace_original":"true"}`, "JSON booleans"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{})
			ctx := timeout(t)
			id := connect(t, srv).ackedCommand(t, ctx, srv)
			resp, err := http.Post(srv.ResponseURL(id), tt.contentType, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Errorf("status 200 for %s", tt.body)
			}
			wantViolation(t, ctx, srv, 1, tt.violation)
			if _, _, err := srv.WaitAck(ctx, id); err != nil {
				t.Fatal(err)
			}
			if r := srv.Responses(); len(r) != 0 {
				t.Errorf("responses = %+v; want none", r)
			}
		})
	}
}

func TestResponseURLLimits(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	id := c.ackedCommand(t, ctx, srv)
	u := srv.ResponseURL(id)
	if _, _, err := c.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("first", false)); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < slackfake.MaxResponseURLUses; i++ {
		if _, _, err := c.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(u), slack.MsgOptionText("update", false)); err != nil {
			t.Fatalf("post %d: %v", i+1, err)
		}
	}
	if _, _, err := c.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(u), slack.MsgOptionText("one too many", false)); err == nil {
		t.Error("sixth post to a response_url succeeded")
	}
	wantViolation(t, ctx, srv, 1, "post number 6")
	rs := srv.ResponsesFor(id)
	if len(rs) != slackfake.MaxResponseURLUses || rs[0].ReplaceOriginal || !rs[1].ReplaceOriginal {
		t.Errorf("responses = %+v", rs)
	}

	if _, _, err := c.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(srv.URL+"/response/nope", ""), slack.MsgOptionText("x", false)); err == nil {
		t.Error("post to an unknown response_url succeeded")
	}
	wantViolation(t, ctx, srv, 2, "unknown response_url")
}

func TestDeleteOriginalNeedsNoText(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	c := connect(t, srv)
	id, err := srv.BlockAction(ctx, slackfake.BlockAction{ActionID: "dismiss"})
	if err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	if err := c.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(srv.ResponseURL(id))); err != nil {
		t.Fatal(err)
	}
	if rs, err := srv.WaitResponsesFor(ctx, id, 1); err != nil || !rs[0].DeleteOriginal {
		t.Errorf("responses = %+v, %v", rs, err)
	}
	assertClean(t, srv)
}
