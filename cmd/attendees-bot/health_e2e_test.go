package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// With a static token there is no login to fail, yet /readyz says when the
// meeting API stops answering: its requests failed (a lookup's retries
// are three in a row or more), and that it answers again after one
// answer.
func TestRunReadinessFollowsTheMeetingAPI(t *testing.T) {
	const token = "static-token-readiness"
	s := startSystem(t, func(e map[string]string) {
		delete(e, "MEETING_APP_ID")
		delete(e, "MEETING_APP_KEY")
		e["MEETING_ACCESS_TOKEN"] = token
	}, func(c *meetingfake.Config) { c.StaticToken = token })
	// An answer proves the bot has taken Slack's hello (the fake counts the
	// connection before that): readiness names only the meeting API below.
	_, rs := s.command(t, slackfake.SlashCommand{Text: "help"}, 1)
	mustContain(t, text(rs...), "/attendees")
	if code, body := readyz(t, s); code != http.StatusOK || !strings.Contains(body, `"meeting":"ok"`) {
		t.Fatalf("/readyz at start = %d %s", code, body)
	}
	s.meet.SetDown(true)
	_, rs = s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID}, 1)
	mustContain(t, text(rs...), "unavailable right now")
	code, body := readyz(t, s)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"meeting":"ping: the last `) || !strings.Contains(body, `requests got no answer or a server error: service unavailable`) || !strings.Contains(body, `"slack":"ok"`) {
		t.Errorf("/readyz with the meeting API down = %d %s; want 503 naming the meeting API alone", code, body)
	}
	s.meet.SetDown(false)
	_, rs = s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U2"}, 1)
	mustContain(t, text(rs...), "Weekly product sync")
	if code, body := readyz(t, s); code != http.StatusOK {
		t.Errorf("/readyz once the API answers again = %d %s", code, body)
	}
}
