package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"
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
		{&slack.RateLimitedError{}, false, false, "rate limited"},
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
