package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// TestSlackErrorsByType: Slack failures are recognised by their type,
// wrapped or not, never by what their text happens to say.
func TestSlackErrorsByType(t *testing.T) {
	tests := []struct {
		err       error
		auth      bool
		notMember bool
		reason    string
	}{
		{slack.SlackErrorResponse{Err: "invalid_auth"}, true, false, "invalid_auth"},
		{fmt.Errorf("run: %w", slack.SlackErrorResponse{Err: "token_revoked"}), true, false, "token_revoked"},
		{errors.New("invalid_auth"), false, false, "unknown"},
		{fmt.Errorf("post: %w", slack.SlackErrorResponse{Err: "not_in_channel"}), false, true, "not_in_channel"},
		{errors.New("not_in_channel"), false, false, "unknown"},
		{&slack.RateLimitedError{}, false, false, "ratelimited"},
		{slack.StatusCodeError{Code: 502}, false, false, "HTTP 502"},
	}
	for _, tt := range tests {
		if got := strings.Contains(socketError(tt.err).Error(), "check SLACK_APP_TOKEN"); got != tt.auth {
			t.Errorf("socketError(%#v) names the token: %v; want %v", tt.err, got, tt.auth)
		}
		if got := notMember(tt.err); got != tt.notMember {
			t.Errorf("notMember(%#v) = %v; want %v", tt.err, got, tt.notMember)
		}
		if got := slackReason(tt.err); got != tt.reason {
			t.Errorf("slackReason(%#v) = %q; want %q", tt.err, got, tt.reason)
		}
	}
}

// TestUserMessageSpeaksCLI: every sentence the lookup command can print
// talks about the command line, not the Slack command, and is plain text.
func TestUserMessageSpeaksCLI(t *testing.T) {
	var errs []error
	for _, row := range errorTable {
		for _, e := range errorsMatching(row.match) {
			errs = append(errs, e)
		}
	}
	for _, text := range []string{"", "!!!", "123", "search:", "0123456789abcdef0123"} {
		if _, err := ParseCommand(text); err != nil {
			errs = append(errs, err)
		}
	}
	for _, err := range errs {
		got := UserMessage(err, "attendees-bot lookup")
		for _, bad := range []string{"`", "/attendees", "Slack admin", "tap", "button"} {
			if strings.Contains(got, bad) {
				t.Errorf("UserMessage(%v) = %q; it mentions %q", err, got, bad)
			}
		}
		if got == "" || strings.Contains(got, "\n") {
			t.Errorf("UserMessage(%v) = %q; want one line", err, got)
		}
	}
	if got := UserMessage(&InputError{Key: "input.unreadable", Usage: true}, "attendees-bot lookup"); !strings.Contains(got, "attendees-bot lookup 987 654 3210") {
		t.Errorf("example = %q; want the command line's own", got)
	}
}

// errorsMatching returns sample errors of the kinds the error table knows,
// those that match.
func errorsMatching(match func(error) bool) []error {
	var out []error
	for _, e := range sampleErrors {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

var sampleErrors = []error{
	&InputError{Key: "input.too_long", Usage: true},
	errors.New("x"),
	fmt.Errorf("x: %w", meeting.ErrInvalidInput),
	fmt.Errorf("x: %w", errNoMatch),
	fmt.Errorf("x: %w", meeting.ErrNotFound),
	fmt.Errorf("x: %w", meeting.ErrForbidden),
	fmt.Errorf("x: %w", meeting.ErrUnauthorized),
	fmt.Errorf("x: %w", meeting.ErrTooManyRecords),
	fmt.Errorf("x: %w", meeting.ErrTooLarge),
	fmt.Errorf("x: %w", context.DeadlineExceeded),
	fmt.Errorf("x: %w: %w", errBusy, context.DeadlineExceeded),
	fmt.Errorf("x: %w", meeting.ErrRateLimited),
	fmt.Errorf("x: %w", meeting.ErrUnavailable),
}
