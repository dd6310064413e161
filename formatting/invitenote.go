package formatting

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
)

// ErrInvitesNotReady is the reason to give when a message had to go out
// (a share, a file) while the invite list was still coming.
var ErrInvitesNotReady = errors.New("the invite list was not ready yet")

// InviteNote is the line under a summary that says where its comparison
// with the invite list stands: pending ("comparing…", the message is edited
// when it is done), or not possible and why. It is none when the summary
// is compared (pending false, why nil), so an edited message loses it.
func InviteNote(w Words, pending bool, why error) []slack.Block {
	switch {
	case pending:
		return contextLine(w.T("invites.pending"))
	case why != nil:
		return contextLine(w.T("invites.failed", args{"Reason": inviteReason(w, why)}))
	}
	return nil
}

// inviteReason says why there is no comparison.
func inviteReason(w Words, why error) string {
	switch {
	case errors.Is(why, ErrInvitesNotReady):
		return w.T("invites.not_ready")
	case errors.Is(why, context.DeadlineExceeded):
		return w.T("invites.late")
	case errors.Is(why, context.Canceled):
		return w.T("invites.restarting")
	}
	return w.T("invites.unavailable")
}
