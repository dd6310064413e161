package slackfake_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

func TestConversationsHistory(t *testing.T) {
	srv := start(t, slackfake.Config{})
	api := apiClient(srv, srv.Config().BotToken)
	ctx := timeout(t)
	var tss []string
	for i := range 5 {
		opts := []slack.MsgOption{slack.MsgOptionText(fmt.Sprint("post ", i), false)}
		if i == 3 {
			opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "attendees_autopost", EventPayload: map[string]any{"conf_uuid": "abc"}}))
		}
		_, ts, err := api.PostMessageContext(ctx, "C0GENERAL", opts...)
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}
	history := func(p slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error) {
		p.ChannelID = "C0GENERAL"
		return api.GetConversationHistoryContext(ctx, &p)
	}

	// Newest first, paged by cursor.
	var seen []string
	p := slack.GetConversationHistoryParameters{Limit: 2}
	for {
		resp, err := history(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range resp.Messages {
			seen = append(seen, m.Timestamp)
			if m.Metadata.EventType != "" {
				t.Errorf("metadata %+v returned without include_all_metadata", m.Metadata)
			}
		}
		if !resp.HasMore {
			break
		}
		p.Cursor = resp.ResponseMetaData.NextCursor
	}
	want := slices.Clone(tss)
	slices.Reverse(want)
	if !slices.Equal(seen, want) {
		t.Errorf("pages gave %v; want every message newest first %v", seen, want)
	}

	// oldest bounds them; inclusive keeps the one at oldest; metadata comes
	// with include_all_metadata.
	resp, err := history(slack.GetConversationHistoryParameters{Oldest: tss[3], Inclusive: true, IncludeAllMetadata: true, Limit: 200})
	if err != nil || len(resp.Messages) != 2 {
		t.Fatalf("since the 4th post = %v, %v; want 2 messages", resp, err)
	}
	if m := resp.Messages[1].Metadata; m.EventType != "attendees_autopost" || m.EventPayload["conf_uuid"] != "abc" {
		t.Errorf("metadata = %+v; want the one posted", m)
	}
	if resp, err := history(slack.GetConversationHistoryParameters{Oldest: tss[3]}); err != nil || len(resp.Messages) != 1 {
		t.Errorf("exclusive oldest = %v, %v; want 1 message", resp, err)
	}
}

func TestConversationsHistoryRefuses(t *testing.T) {
	tests := []struct {
		name, channel string
		scopes        []string
		limit         int
		want          string
		violation     string
	}{
		{"public channel without channels:history", "C0GENERAL", []string{"chat:write", "groups:history"}, 0, "missing_scope", ""},
		{"not a member", "C0RANDOM", nil, 0, "not_in_channel", ""},
		{"private, not a member", "G0SECRET", nil, 0, "channel_not_found", ""},
		{"limit over 999", "C0GENERAL", nil, 1000, "invalid_limit", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{Scopes: tt.scopes})
			api := apiClient(srv, srv.Config().BotToken)
			_, err := api.GetConversationHistoryContext(timeout(t), &slack.GetConversationHistoryParameters{ChannelID: tt.channel, Limit: tt.limit})
			var se slack.SlackErrorResponse
			if !errors.As(err, &se) || se.Err != tt.want {
				t.Errorf("error = %v; want %s", err, tt.want)
			}
			v := strings.Join(srv.Violations(), "\n")
			if (tt.violation == "") != (v == "") || !strings.Contains(v, tt.violation) {
				t.Errorf("violations %q; want %q", v, tt.violation)
			}
		})
	}
}

func TestPostMessageMetadataChecked(t *testing.T) {
	srv := start(t, slackfake.Config{})
	api := apiClient(srv, srv.Config().BotToken)
	_, _, err := api.PostMessageContext(timeout(t), "C0GENERAL", slack.MsgOptionText("x", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "has spaces", EventPayload: map[string]any{}}))
	if err == nil || len(srv.Violations()) != 1 {
		t.Errorf("bad event_type: %v, violations %v", err, srv.Violations())
	}
}
