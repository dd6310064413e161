package autopost

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Names in the store.
const (
	pollCursor = "poll" // end time of the newest concluded meeting polling saw
	pollLease  = "poll" // held by the replica that polls
)

// maxPollConferences bounds one poll's history listing.
const maxPollConferences = 20000

// Poll runs one poll, if this replica holds (or takes) the poll lease: it
// lists the conferences that concluded since the stored cursor (minus
// PollOverlap, since the history's times have minute precision), schedules a
// post for each subscribed channel, and moves the cursor to the newest end
// time seen. Scheduling is idempotent, so overlapping polls, a replica
// taking over, or a webhook for the same meeting never post twice.
func (s *Service) Poll(ctx context.Context) error {
	now := s.now()
	ttl := max(2*s.cfg.PollInterval, time.Minute)
	ok, err := s.store.TryLease(ctx, pollLease, s.cfg.Owner, now, ttl)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if !ok {
		return nil // another replica polls
	}
	cursor, err := s.store.Cursor(ctx, pollCursor)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if cursor.IsZero() {
		cursor = now.Add(-s.cfg.FirstLookback)
	}
	since := cursor.Add(-s.cfg.PollOverlap)
	// The list is filtered by start time; a meeting concluding now may have
	// started long before the cursor.
	confs, err := s.history.History(ctx, meeting.HistoryQuery{
		Start: since.Add(-s.cfg.MaxDuration), End: now, Ascending: true, Max: maxPollConferences,
	})
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if len(confs) >= maxPollConferences {
		s.log.LogAttrs(ctx, slog.LevelWarn, "poll hit its listing cap; some concluded meetings may be missed", slog.Int("cap", maxPollConferences))
	}
	newest := cursor
	var concluded []meeting.Conference
	for _, c := range confs {
		if c.End.IsZero() || c.End.Before(since) || c.End.After(now) {
			continue
		}
		concluded = append(concluded, c)
		if c.End.After(newest) {
			newest = c.End
		}
	}
	subs, err := s.store.Subscriptions(ctx)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	n, err := s.schedule(ctx, concluded, subs, now.Add(s.cfg.Settle), now)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if newest.After(cursor) {
		if err := s.store.SetCursor(ctx, pollCursor, newest); err != nil {
			return fmt.Errorf("poll: %w", err)
		}
	}
	if n > 0 {
		s.log.LogAttrs(ctx, slog.LevelInfo, "poll scheduled posts", slog.Int("posts", n), slog.Int("concluded", len(concluded)))
	}
	return nil
}

// schedule enqueues a post of each conference for every channel that wants
// it, and reports how many were new. Posts already in the outbox (any
// state) are left alone.
func (s *Service) schedule(ctx context.Context, confs []meeting.Conference, subs []store.Subscription, notBefore, now time.Time) (int, error) {
	var posts []store.Post
	for _, c := range confs {
		for _, ch := range s.channelsFor(c, subs) {
			posts = append(posts, store.Post{
				ConfUUID: normUUID(c.ConfUUID), ChannelID: ch, MeetingID: meeting.CompactMeetingID(c.ConferenceID),
				Subject: c.Subject, NotBefore: notBefore, CreatedAt: now,
			})
		}
	}
	created, err := s.store.EnqueueMany(ctx, posts)
	if created > 0 {
		s.signal()
	}
	return created, err
}

// channelsFor lists the channels that want conf: the catch-all channel and
// each channel with a matching subscription, once each.
func (s *Service) channelsFor(conf meeting.Conference, subs []store.Subscription) []string {
	var out []string
	seen := make(map[string]bool)
	add := func(ch string) {
		if ch != "" && !seen[ch] {
			seen[ch] = true
			out = append(out, ch)
		}
	}
	add(s.cfg.ChannelID)
	for _, sub := range subs {
		if subscription.Matches(sub.Kind, sub.Value, conf) {
			add(sub.ChannelID)
		}
	}
	return out
}

func hasKind(subs []store.Subscription, kind string) bool {
	for _, s := range subs {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// normUUID is the outbox's form of a confUUID: lower case, no dashes, so
// the webhook's meetingUUID and the history's confUUID are one key.
func normUUID(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
}
