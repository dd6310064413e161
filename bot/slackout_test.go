package bot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestScrubURLs(t *testing.T) {
	secretPath := "/commands/T111/222/Secr3tPart"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"response url", &url.Error{Op: "Post", URL: "https://hooks.slack.com" + secretPath, Err: errors.New("dial tcp: refused")},
			`Post "https://hooks.slack.com/…": dial tcp: refused`},
		{"upload url with query", fmt.Errorf("UploadToURL: %w", &url.Error{Op: "Post", URL: "https://files.slack.com/upload/v1/ABC?x=1", Err: errors.New("EOF")}),
			`UploadToURL: Post "https://files.slack.com/…": EOF`},
		{"no url", slack.SlackErrorResponse{Err: "not_in_channel"}, "not_in_channel"},
		{"user and password", errors.New("get https://bot:Secr3t@slack.example/api/x?token=Secr3t failed"), "get https://slack.example/… failed"},
		{"password and no path", errors.New(`dial "http://u:Secr3t@proxy.example:3128": refused`), `dial "http://proxy.example:3128/…": refused`},
		{"bare host", errors.New("POST https://slack.com: EOF"), "POST https://slack.com: EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scrubURLs(tt.err)
			if got.Error() != tt.want {
				t.Errorf("scrubURLs(%q) = %q; want %q", tt.err, got, tt.want)
			}
			if strings.Contains(got.Error(), "Secr3t") {
				t.Errorf("secret path survived: %q", got)
			}
			var ue *url.Error
			if errors.As(tt.err, &ue) && !errors.Is(got, ue) {
				t.Errorf("scrubURLs lost the error chain")
			}
		})
	}
	var se slack.SlackErrorResponse
	if !errors.As(scrubURLs(fmt.Errorf("x: %w", slack.SlackErrorResponse{Err: "is_archived"})), &se) || !notMember(scrubURLs(se)) {
		t.Errorf("scrubbed Slack errors must still be recognised")
	}
}
