package formatting

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/formatting/catalog"
)

// ErrInvitesNotReady is the reason to give when a message had to go out
// (a share, a file) while the invite list was still coming.
var ErrInvitesNotReady = errors.New("the invite list was not ready yet")

// InviteNote is the line under a summary that says where its comparison
// with the invite list stands: pending ("comparing…", the message is edited
// when it is done), or not possible and why. It is none when the summary
// is compared (pending false, why nil), so an edited message loses it.
// The note is in lang (MessageOptions.Lang).
func InviteNote(lang string, pending bool, why error) []slack.Block {
	p := catalog.For(lang)
	var text string
	switch {
	case pending:
		text = p.T("invites.pending")
	case why != nil:
		text = p.T("invites.failed", catalog.Args{"Reason": inviteReason(p, why)})
	default:
		return nil
	}
	return []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, false))}
}

// inviteReason says why there is no comparison.
func inviteReason(p *catalog.Printer, why error) string {
	switch {
	case errors.Is(why, ErrInvitesNotReady):
		return p.T("invites.not_ready")
	case errors.Is(why, context.DeadlineExceeded):
		return p.T("invites.late")
	case errors.Is(why, context.Canceled):
		return p.T("invites.restarting")
	}
	return p.T("invites.unavailable")
}

// NoShowsFile is the CSV of r's no-shows alone (WriteCSV's no-show rows),
// named after its meeting with "-no-shows": for when the invite list came
// after the records' file went out.
func NoShowsFile(r *attendance.Report, o CSVOptions) File {
	only := *r
	only.People = nil
	f := CSVFile(&only, o)
	f.Name = strings.TrimSuffix(f.Name, ".csv") + "-no-shows.csv"
	f.Title = catalog.For(o.Lang).T("summary.no_shows")
	if subject := strings.TrimSpace(r.Meeting.Subject); subject != "" {
		f.Title = string([]rune(f.Title + ": " + subject)[:min(200, utf8.RuneCountInString(f.Title)+2+utf8.RuneCountInString(subject))])
	}
	return f
}
