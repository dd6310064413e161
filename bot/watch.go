package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
)

// watch manages the channel's automatic-post subscriptions. Changes are
// announced in the channel so everybody knows what will be posted there.
func (h *Handler) watch(ctx context.Context, req Request, cmd Command) error {
	if h.subs == nil {
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("Automatic attendance posts are not set up on this bot. Ask your Slack admin.")})
	}
	kind, label := store.KindSubject, "with “"+formatting.Escape(cmd.Target)+"” in the subject"
	if cmd.Of == KindMeetingID {
		kind, label = store.KindMeetingID, "with meeting ID "+cmd.Target
	}
	switch cmd.Kind {
	case KindWatch:
		created, err := h.subs.Watch(ctx, store.Subscription{ChannelID: req.ChannelID, Kind: kind, Value: cmd.Target, CreatedBy: req.UserID})
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		if !created {
			return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("This channel already gets the attendance of every meeting " + label + ".")})
		}
		text := fmt.Sprintf("<@%s> subscribed this channel: when a meeting %s ends, its attendance is posted here (phone numbers masked). Stop with `%s unwatch %s`. I need to be a member of the channel to post.",
			req.UserID, label, h.slashName, formatting.Escape(cmd.Target))
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text), InChannel: true})
	case KindUnwatch:
		removed, err := h.subs.Unwatch(ctx, req.ChannelID, kind, cmd.Target)
		if err != nil {
			return fmt.Errorf("unwatch: %w", err)
		}
		if !removed {
			return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("This channel was not watching meetings " + label + ". `" + h.slashName + " watching` lists what it watches.")})
		}
		text := fmt.Sprintf("<@%s> stopped the automatic attendance posts for meetings %s in this channel.", req.UserID, label)
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text), InChannel: true})
	}
	subs, err := h.subs.Watching(ctx, req.ChannelID)
	if err != nil {
		return fmt.Errorf("watching: %w", err)
	}
	if len(subs) == 0 {
		return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("This channel has no automatic attendance posts. Add one with `" + h.slashName + " watch 987 654 3210` or `" + h.slashName + " watch weekly sync`.")})
	}
	lines := []string{"This channel gets the attendance of meetings:"}
	for _, s := range subs {
		what := "with “" + formatting.Escape(s.Value) + "” in the subject"
		if s.Kind == store.KindMeetingID {
			what = "with meeting ID " + formatting.Escape(s.Value)
		}
		lines = append(lines, "• "+what+" (since "+s.CreatedAt.Format("2006-01-02")+")")
	}
	return h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(strings.Join(lines, "\n"))})
}
