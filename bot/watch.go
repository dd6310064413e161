package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/formatting"
)

// watch manages the channel's automatic-post subscriptions. Changes are
// announced in the channel (in BOT_LANGUAGE: the channel reads them) so
// everybody knows what will be posted there; the rest is private, in the
// user's language.
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
	p := req.p
	say := func(key string, args catalog.Args) error { return h.reply(ctx, req, textMessage(p.T(key, args))) }
	announce := func(key string, args catalog.Args) error {
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(h.channel.T(key, args)), InChannel: true})
	}
	if h.subs == nil {
		return say("watch.not_set_up", nil)
	}
	kind := subscription.Subject
	if cmd.Of == KindMeetingID {
		kind = subscription.MeetingID
	}
	args := catalog.Args{"Cmd": h.slashName, "User": mention(h.channel, req.UserID), "Target": formatting.Escape(cmd.Target)}
	// The store gets a few seconds of the command's time, not all of it,
	// and its failures say so: a frozen database is not a slow meeting API.
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	switch cmd.Kind {
	case KindWatch:
		have, err := h.subs.Watching(sctx, req.ChannelID)
		if err != nil {
			return storeError("watch", err)
		}
		if len(have) >= maxWatches {
			args["N"] = len(have)
			return say("watch.full", args)
		}
		created, err := h.subs.Watch(sctx, store.Subscription{ChannelID: req.ChannelID, Kind: kind, Value: cmd.Target, CreatedBy: req.UserID, Series: cmd.Last > 0})
		if err != nil {
			return storeError("watch", err)
		}
		if !created {
			// "sync weekly" is the "weekly sync" already watched: say so
			// in the words it was made with.
			args["Label"] = subscriptionLabel(p, kind, watchedWords(have, kind, cmd.Target))
			return say("watch.already", args)
		}
		res.note(store.AuditWatch, store.AudienceChannel)
		args["Label"] = subscriptionLabel(h.channel, kind, cmd.Target)
		if cmd.Last > 0 {
			return announce("watch.subscribed_series", args)
		}
		return announce("watch.subscribed", args)
	case KindUnwatch:
		have, err := h.subs.Watching(sctx, req.ChannelID)
		if err != nil {
			return storeError("unwatch", err)
		}
		removed, err := h.subs.Unwatch(sctx, req.ChannelID, kind, cmd.Target)
		if err != nil {
			return storeError("unwatch", err)
		}
		if !removed {
			args["Label"] = subscriptionLabel(p, kind, cmd.Target)
			return say("watch.not_watching", args)
		}
		res.note(store.AuditUnwatch, store.AudienceChannel)
		args["Label"] = subscriptionLabel(h.channel, kind, watchedWords(have, kind, cmd.Target))
		return announce("watch.stopped", args)
	}
	subs, err := h.subs.Watching(sctx, req.ChannelID)
	if err != nil {
		return storeError("watching", err)
	}
	if len(subs) == 0 {
		return say("watch.none", args)
	}
	return h.reply(ctx, req, watchingMessage(p, subs))
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
func mention(p *catalog.Printer, userID string) string {
	if !validUserID(userID) {
		return p.T("watch.someone")
	}
	return "<@" + userID + ">"
}

// maxWatches bounds a channel's subscriptions: each is one line with a
// button, and a channel getting more meetings wants the catch-all instead.
const maxWatches = 25

// watchingMessage lists subscriptions one per line, each with a button to
// stop it (a phone user taps instead of typing the value again).
func watchingMessage(p *catalog.Printer, subs []store.Subscription) formatting.Message {
	title := p.T("watch.list_title")
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil)}
	lines := []string{title}
	for i, s := range subs {
		if i == maxWatches {
			break
		}
		line := p.T("watch.since", catalog.Args{"Label": subscriptionLabel(p, s.Kind, cmp.Or(s.Words, s.Value)), "Date": s.CreatedAt.UTC().Format("2006-01-02")})
		if s.Series {
			line += p.T("watch.with_series")
		}
		lines = append(lines, "• "+line)
		value := url.Values{"k": {s.Kind}, "v": {s.Value}}.Encode()
		btn := slack.NewButtonBlockElement(actionUnwatch, value, plain(p.T("button.unwatch")))
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "• "+line, false, false), nil, slack.NewAccessory(btn)))
	}
	return formatting.Message{Text: strings.Join(lines, "\n"), Blocks: blocks}
}

// watchedWords are the words the subscription of subs that target names
// (in any order) was made with, or target when subs has none.
func watchedWords(subs []store.Subscription, kind, target string) string {
	key, err := subscription.Normalize(kind, target)
	for _, s := range subs {
		if err == nil && s.Kind == kind && s.Value == key {
			return cmp.Or(s.Words, s.Value)
		}
	}
	return target
}

// subscriptionLabel says what a subscription matches, escaped for mrkdwn.
func subscriptionLabel(p *catalog.Printer, kind, value string) string {
	if kind == subscription.MeetingID {
		return p.T("watch.label_id", catalog.Args{"ID": formatting.Escape(formatting.GroupDigits(value))})
	}
	return p.T("watch.label_subject", catalog.Args{"Words": formatting.Escape(value)})
}

// unwatchButton answers the Unwatch button of a watching list.
func (h *Handler) unwatchButton(ctx context.Context, req Request) (Result, error) {
	v, err := url.ParseQuery(req.Value)
	if err != nil || v.Get("v") == "" || (v.Get("k") != subscription.MeetingID && v.Get("k") != subscription.Subject) {
		return Result{}, inputError("input.stale_button")
	}
	cmd := Command{Kind: KindUnwatch, Of: KindSubject, Target: v.Get("v")}
	if v.Get("k") == subscription.MeetingID {
		cmd.Of = KindMeetingID
	}
	return h.watch(ctx, req, cmd)
}
