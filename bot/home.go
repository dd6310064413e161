package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// recentTTL is how long the list of recent meetings is reused: the Home
// tab, the modal's picker and "recent" together make at most one history
// call a minute, however many users open them.
const recentTTL = time.Minute

// recentCache holds the latest concluded meetings. Safe for concurrent use.
type recentCache struct {
	mu     sync.Mutex
	confs  []meeting.Conference
	at     time.Time
	flight singleflight.Group
}

// cached returns the list and whether it is fresh at now.
func (c *recentCache) cached(now time.Time) ([]meeting.Conference, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.confs, !c.at.IsZero() && now.Sub(c.at) < recentTTL
}

// recentMeetings lists the latest concluded meetings, from the cache when
// it is fresh; concurrent misses share one history call.
func (h *Handler) recentMeetings(ctx context.Context) ([]meeting.Conference, error) {
	if confs, fresh := h.recent.cached(h.now()); fresh {
		return confs, nil
	}
	v, err, _ := h.recent.flight.Do("recent", func() (any, error) {
		if confs, fresh := h.recent.cached(h.now()); fresh {
			return confs, nil
		}
		confs, err := h.looker.Recent(ctx)
		if err != nil {
			return nil, err
		}
		h.recent.mu.Lock()
		h.recent.confs, h.recent.at = confs, h.now()
		h.recent.mu.Unlock()
		return confs, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]meeting.Conference), nil
}

// Lookups remembered per user for their Home tab.
const (
	homeLookups   = 5
	maxHomeUsers  = 10000
	homeRecentMax = 5
)

// lookups remembers each user's last few looked-up meetings, in this
// process (a restart or another replica starts empty). Safe for concurrent
// use.
type lookups struct {
	mu    sync.Mutex
	users map[string][]meeting.Conference
}

func (l *lookups) add(user string, m attendance.Meeting, now time.Time) {
	c := meeting.Conference{ConfUUID: m.ConfUUID, ConferenceID: m.MeetingID, Subject: m.Subject, Start: m.Start, End: m.End}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.users == nil || len(l.users) >= maxHomeUsers {
		l.users = make(map[string][]meeting.Conference)
	}
	list := slices.DeleteFunc(l.users[user], func(x meeting.Conference) bool { return x.ConfUUID == c.ConfUUID })
	list = append([]meeting.Conference{c}, list...)
	l.users[user] = list[:min(len(list), homeLookups)]
}

func (l *lookups) of(user string) []meeting.Conference {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.users[user])
}

// home publishes the user's Home tab: the lookup button, the latest
// concluded meetings, their own last lookups and a short help.
func (h *Handler) home(ctx context.Context, req Request) (Result, error) {
	if h.views == nil {
		return Result{Outcome: outcomeIgnored}, nil
	}
	confs, err := h.recentMeetings(ctx)
	if err != nil {
		// The tab still helps without the list; the log says why.
		res := Result{Err: err}
		return res, h.publishHome(ctx, req, nil, true)
	}
	return Result{}, h.publishHome(ctx, req, confs, false)
}

// publishRefusedHome publishes the Home tab of a user the access rules
// refuse: the title and one sentence saying why and whom to ask, never a
// meeting. A user refused only because the tab belongs to no channel
// (ALLOWED_CHANNEL_IDS) is told where the bot answers instead.
func (h *Handler) publishRefusedHome(ctx context.Context, req Request) error {
	if h.views == nil {
		return nil
	}
	text := req.p.T("access.refused")
	if h.access.userAllowed(req.UserID, req.TeamID) {
		text = req.p.T("home.channels_only", catalog.Args{"Cmd": h.slashName})
	}
	return h.publish(ctx, req, []slack.Block{slack.NewHeaderBlock(plain(req.p.T("home.title"))), section(text)})
}

func (h *Handler) publishHome(ctx context.Context, req Request, recent []meeting.Conference, failed bool) error {
	p := req.p
	open := slack.NewButtonBlockElement(actionModal, "", plain(p.T("home.button")))
	open.Style = slack.StylePrimary
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(p.T("home.title"))),
		section(p.T("home.intro")),
		slack.NewActionBlock("home_actions", open),
		slack.NewDividerBlock(),
		section("*" + p.T("home.recent") + "*"),
	}
	switch {
	case failed:
		blocks = append(blocks, section(p.T("home.recent_failed")))
	case len(recent) == 0:
		blocks = append(blocks, section(p.T("choices.recent_empty")))
	}
	for i, c := range recent {
		if i == homeRecentMax {
			break
		}
		blocks = append(blocks, conferenceLine(p, c, lookupRef{ConfUUID: c.ConfUUID}.String(), h.loc))
	}
	if mine := h.history.of(req.UserID); len(mine) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), section("*"+p.T("home.mine")+"*"))
		for _, c := range mine {
			blocks = append(blocks, conferenceLine(p, c, lookupRef{ConfUUID: c.ConfUUID}.String(), h.loc))
		}
	}
	blocks = append(blocks, slack.NewDividerBlock(),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, p.T("home.help", catalog.Args{"Cmd": h.slashName}), false, false)))
	return h.publish(ctx, req, blocks)
}

// publish makes blocks req's user's Home tab.
func (h *Handler) publish(ctx context.Context, req Request, blocks []slack.Block) error {
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if err := h.views.PublishHome(ctx, req.UserID, view); err != nil {
		return fmt.Errorf("publish the Home tab: %w", err)
	}
	return nil
}
