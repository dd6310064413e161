package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/formatting"
)

// watch manages the channel's automatic-post subscriptions. Changes are
// announced in the channel so everybody knows what will be posted there.
func (h *Handler) watch(ctx context.Context, req Request, cmd Command) (Result, error) {
	var res Result
	if cmd.Of == KindMeetingID {
		res.MeetingID = cmd.Target
	}
	err := h.watchChange(ctx, req, cmd, &res)
	return res, err
}

// watchChange does the work of watch; a subscription made or ended is
// noted in res's audit trail.
func (h *Handler) watchChange(ctx context.Context, req Request, cmd Command, res *Result) error {
	if h.subs == nil {
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("Automatic attendance posts are not set up on this bot. Ask your Slack admin.")})
	}
	kind := subscription.Subject
	if cmd.Of == KindMeetingID {
		kind = subscription.MeetingID
	}
	label := subscriptionLabel(kind, cmd.Target)
	// The store gets a few seconds of the command's time, not all of it,
	// and its failures say so: a frozen database is not a slow meeting API.
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	switch cmd.Kind {
	case KindWatch:
		if have, err := h.subs.Watching(sctx, req.ChannelID); err != nil {
			return storeError("watch", err)
		} else if len(have) >= maxWatches {
			return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(fmt.Sprintf("This channel already watches %d meetings, the most I keep per channel. Unwatch one first (`%s watching` lists them).", len(have), h.slashName))})
		}
		created, err := h.subs.Watch(sctx, store.Subscription{ChannelID: req.ChannelID, Kind: kind, Value: cmd.Target, CreatedBy: req.UserID})
		if err != nil {
			return storeError("watch", err)
		}
		if !created {
			return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("This channel already gets the attendance of every meeting " + label + ".")})
		}
		res.note(store.AuditWatch, store.AudienceChannel)
		text := fmt.Sprintf("%s subscribed this channel: when a meeting %s ends, its attendance is posted here (phone numbers masked). Stop with `%s unwatch %s`. I need to be a member of the channel to post.",
			mention(req.UserID), label, h.slashName, formatting.Escape(cmd.Target))
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text), InChannel: true})
	case KindUnwatch:
		removed, err := h.subs.Unwatch(sctx, req.ChannelID, kind, cmd.Target)
		if err != nil {
			return storeError("unwatch", err)
		}
		if !removed {
			return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("This channel was not watching meetings " + label + ". `" + h.slashName + " watching` lists what it watches.")})
		}
		res.note(store.AuditUnwatch, store.AudienceChannel)
		text := fmt.Sprintf("%s stopped the automatic attendance posts for meetings %s in this channel.", mention(req.UserID), label)
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text), InChannel: true})
	}
	subs, err := h.subs.Watching(sctx, req.ChannelID)
	if err != nil {
		return storeError("watching", err)
	}
	if len(subs) == 0 {
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("This channel has no automatic attendance posts. Add one with `" + h.slashName + " watch 987 654 3210` or `" + h.slashName + " watch weekly sync`.")})
	}
	return h.out.Respond(ctx, req.ResponseURL, Reply{Message: watchingMessage(subs)})
}

// storeTimeout bounds the store calls of one watch, unwatch or watching.
const storeTimeout = 5 * time.Second

// errStore marks a failure of the store (not of the user's input), so the
// user is told the bot's database failed, whatever the cause underneath.
var errStore = errors.New("store unavailable")

func storeError(op string, err error) error {
	if errors.Is(err, store.ErrInvalid) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, errStore, err)
}

// mention is the mrkdwn mention of a user. The ID is written raw between
// <@ and >, so anything but a Slack user ID (which the Socket Mode adapter
// already refuses) is never put there.
func mention(userID string) string {
	if !validUserID(userID) {
		return "Someone"
	}
	return "<@" + userID + ">"
}

// maxWatches bounds a channel's subscriptions: each is one line with a
// button, and a channel getting more meetings wants the catch-all instead.
const maxWatches = 25

// watchingMessage lists subscriptions one per line, each with a button to
// stop it (a phone user taps instead of typing the value again).
func watchingMessage(subs []store.Subscription) formatting.Message {
	title := "This channel gets the attendance of meetings:"
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil)}
	lines := []string{title}
	for i, s := range subs {
		if i == maxWatches {
			break
		}
		line := subscriptionLabel(s.Kind, s.Value) + " (since " + s.CreatedAt.UTC().Format("2006-01-02") + ")"
		lines = append(lines, "• "+line)
		value := url.Values{"k": {s.Kind}, "v": {s.Value}}.Encode()
		btn := slack.NewButtonBlockElement(actionUnwatch, value, slack.NewTextBlockObject(slack.PlainTextType, "Unwatch", false, false))
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "• "+line, false, false), nil, slack.NewAccessory(btn)))
	}
	return formatting.Message{Text: strings.Join(lines, "\n"), Blocks: blocks}
}

// subscriptionLabel says what a subscription matches, escaped for mrkdwn.
func subscriptionLabel(kind, value string) string {
	if kind == subscription.MeetingID {
		return "with meeting ID " + formatting.Escape(groupDigits(value))
	}
	return "with “" + formatting.Escape(value) + "” in the subject"
}

// unwatchButton answers the Unwatch button of a watching list.
func (h *Handler) unwatchButton(ctx context.Context, req Request) (Result, error) {
	v, err := url.ParseQuery(req.Value)
	if err != nil || v.Get("v") == "" || (v.Get("k") != subscription.MeetingID && v.Get("k") != subscription.Subject) {
		return Result{}, &InputError{Msg: "That button is out of date. Please run the command again."}
	}
	cmd := Command{Kind: KindUnwatch, Of: KindSubject, Target: v.Get("v")}
	if v.Get("k") == subscription.MeetingID {
		cmd.Of = KindMeetingID
	}
	return h.watch(ctx, req, cmd)
}
