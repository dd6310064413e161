package bot

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// slackOut answers through Slack's Web API and response_url.
type slackOut struct {
	api *slack.Client
}

var (
	_ responder    = slackOut{}
	_ viewer       = slackOut{}
	_ localeSource = slackOut{}
)

func (s slackOut) Respond(ctx context.Context, responseURL string, r Reply) error {
	typ := slack.ResponseTypeEphemeral
	if r.InChannel {
		typ = slack.ResponseTypeInChannel
	}
	opts := []slack.MsgOption{
		slack.MsgOptionResponseURL(responseURL, typ),
		slack.MsgOptionText(r.Message.Text, false),
		slack.MsgOptionBlocks(r.Message.Blocks...),
	}
	if r.Replace {
		opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
	}
	if _, _, err := s.api.PostMessageContext(ctx, "", opts...); err != nil {
		return fmt.Errorf("respond: %w", scrubURLs(err))
	}
	return nil
}

func (s slackOut) Update(ctx context.Context, channelID, ts string, m formatting.Message) error {
	_, _, _, err := s.api.UpdateMessageContext(ctx, channelID, ts,
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...))
	if err != nil {
		return fmt.Errorf("update %s in %s: %w", ts, channelID, scrubURLs(err))
	}
	return nil
}

func (s slackOut) Post(ctx context.Context, channelID string, m formatting.Message) (string, error) {
	return s.post(ctx, channelID, m)
}

// post is Post with more options (automatic posts add their metadata).
func (s slackOut) post(ctx context.Context, channelID string, m formatting.Message, more ...slack.MsgOption) (string, error) {
	opts := append([]slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}, more...)
	_, ts, err := s.api.PostMessageContext(ctx, channelID, opts...)
	if err != nil {
		return "", fmt.Errorf("post to %s: %w", channelID, scrubURLs(err))
	}
	return ts, nil
}

func (s slackOut) OpenDM(ctx context.Context, userID string) (string, error) {
	ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
	if err != nil {
		return "", fmt.Errorf("open DM with %s: %w", userID, scrubURLs(err))
	}
	return ch.ID, nil
}

func (s slackOut) Upload(ctx context.Context, f Upload) error {
	_, err := s.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader:          bytes.NewReader(f.Content),
		FileSize:        len(f.Content),
		Filename:        f.Filename,
		Title:           f.Title,
		InitialComment:  f.Comment,
		Channel:         f.ChannelID,
		ThreadTimestamp: f.ThreadTS,
	})
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", f.Filename, f.ChannelID, scrubURLs(err))
	}
	return nil
}

func (s slackOut) OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) (string, string, error) {
	resp, err := s.api.OpenViewContext(ctx, triggerID, v)
	if err != nil {
		return "", "", fmt.Errorf("open view: %w", scrubURLs(err))
	}
	return resp.ID, resp.Hash, nil
}

func (s slackOut) UpdateView(ctx context.Context, viewID, hash string, v slack.ModalViewRequest) error {
	if _, err := s.api.UpdateViewContext(ctx, v, "", hash, viewID); err != nil {
		return fmt.Errorf("update view %s: %w", viewID, scrubURLs(err))
	}
	return nil
}

func (s slackOut) PublishHome(ctx context.Context, userID string, v slack.HomeTabViewRequest) error {
	if _, err := s.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: v}); err != nil {
		return fmt.Errorf("publish home of %s: %w", userID, scrubURLs(err))
	}
	return nil
}

// Locale is the user's Slack locale (users.info with include_locale).
func (s slackOut) Locale(ctx context.Context, userID string) (string, error) {
	u, err := s.api.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		return "", fmt.Errorf("users.info %s: %w", userID, scrubURLs(err))
	}
	return u.Locale, nil
}

// urlInText matches URLs in error text. A response_url lets anyone post in
// its channel for 30 minutes, an upload URL carries a grant and a URL may
// hold a user name and password, so none of that may reach a log.
var urlInText = regexp.MustCompile(`https?://[^\s"'<>]+`)

// scrubbed keeps the error for errors.Is/As and hides URL paths in its text.
type scrubbed struct {
	err error
	msg string
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

func scrubURLs(err error) error {
	msg := err.Error()
	clean := urlInText.ReplaceAllStringFunc(msg, meeting.RedactURL)
	if clean == msg {
		return err
	}
	return &scrubbed{err: err, msg: clean}
}
