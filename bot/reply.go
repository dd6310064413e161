package bot

import (
	"context"
	"log/slog"

	"github.com/attendees-bot/attendees-bot/formatting"
)

// How the handler talks back: the responder (Slack's Web API, or the demo's
// terminal), and private answers that later replies edit in place.

// answerAt is where a private answer is, so it can be edited in place: its
// response_url (replace_original), or its message in the user's DM
// (chat.update).
type answerAt struct {
	responseURL string
	channel, ts string
}

// Reply is a message sent through a request's response_url.
type Reply struct {
	Message   formatting.Message
	InChannel bool // visible to the channel; default is the requester only
	// Replace replaces the message on screen from this response_url (the
	// last one sent, or the one holding the pressed button) instead of
	// adding one (replace_original).
	Replace bool
}

// Upload is a file to share in a conversation.
type Upload struct {
	ChannelID, ThreadTS string
	Filename, Title     string
	Comment             string
	Content             []byte
}

// responder is how the handler talks back. The Slack implementation uses the
// Web API; the demo prints to a terminal.
type responder interface {
	Respond(ctx context.Context, responseURL string, r Reply) error
	Post(ctx context.Context, channelID string, m formatting.Message) (ts string, err error)
	// Update edits a message Post sent (chat.update).
	Update(ctx context.Context, channelID, ts string, m formatting.Message) error
	OpenDM(ctx context.Context, userID string) (channelID string, err error)
	Upload(ctx context.Context, f Upload) error
}

// tell sends one private sentence. A request past its deadline still gets
// its answer: the reply uses a short context of its own.
func (h *Handler) tell(ctx context.Context, req Request, text string) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), replyGrace)
		defer cancel()
	}
	if err := h.reply(ctx, req, textMessage(text)); err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "reply failed", slog.String("user", req.UserID), slog.Any("err", err))
	}
}

// reply answers the requester privately: through the response_url where
// there is one, else as a message in their DM with the bot. A message on
// screen for req (req.at) is replaced instead.
func (h *Handler) reply(ctx context.Context, req Request, m formatting.Message) error {
	_, err := h.replyAt(ctx, req, m)
	return err
}

// replyAt is reply, saying where the answer is for edits to come.
func (h *Handler) replyAt(ctx context.Context, req Request, m formatting.Message) (answerAt, error) {
	if at := req.at; at != nil {
		return *at, h.edit(ctx, *at, m)
	}
	if req.ResponseURL != "" {
		return answerAt{responseURL: req.ResponseURL}, h.out.Respond(ctx, req.ResponseURL, Reply{Message: m})
	}
	channel, err := h.out.OpenDM(ctx, req.UserID)
	if err != nil {
		return answerAt{}, err
	}
	ts, err := h.out.Post(ctx, channel, m)
	return answerAt{channel: channel, ts: ts}, err
}

// edit replaces a private answer with m.
func (h *Handler) edit(ctx context.Context, s answerAt, m formatting.Message) error {
	if s.responseURL != "" {
		return h.out.Respond(ctx, s.responseURL, Reply{Message: m, Replace: true})
	}
	return h.out.Update(ctx, s.channel, s.ts, m)
}
