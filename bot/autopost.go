package bot

import (
	"bytes"
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/autopost"
	"github.com/attendees-bot/attendees-bot/formatting"
)

// autopostOut adapts a responder to what automatic posts need. Errors no
// retry can fix (the bot is not in the channel, the channel is archived)
// are marked permanent so the post is given up at once instead of retried
// for hours.
type autopostOut struct{ out responder }

// NewAutopostPoster returns the poster automatic posts use: Slack's Web API
// through api.
func NewAutopostPoster(api *slack.Client) autopost.Poster {
	return autopostOut{out: slackOut{api: api}}
}

// AutopostPoster adapts the console for the demo.
func (c *Console) AutopostPoster() autopost.Poster { return autopostOut{out: c} }

func (a autopostOut) Post(ctx context.Context, channelID string, m formatting.Message) (string, error) {
	ts, err := a.out.Post(ctx, channelID, m)
	return ts, permanent(err)
}

func (a autopostOut) UploadCSV(ctx context.Context, channelID, threadTS, filename, title string, content []byte) error {
	return permanent(a.out.Upload(ctx, Upload{ChannelID: channelID, ThreadTS: threadTS, Filename: filename, Title: title, Content: bytes.Clone(content)}))
}

func permanent(err error) error {
	if err != nil && notMember(err) {
		return fmt.Errorf("%w: %w", autopost.ErrPermanent, err)
	}
	return err
}
