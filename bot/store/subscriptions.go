package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/subscription"
)

// Subscription says that a channel wants the attendance of every concluded
// meeting matching Kind and Value.
type Subscription struct {
	ChannelID string
	Kind      string // subscription.MeetingID or subscription.Subject
	Value     string
	CreatedBy string // Slack user ID, informational
	CreatedAt time.Time
	// Series adds, under each automatic post, who missed the latest runs
	// of the posted meeting's ID ("with series").
	Series bool
}

// ErrInvalid marks arguments the store refuses (unknown kind, empty value).
var ErrInvalid = errors.New("invalid argument")

// normalize is subscription.Normalize with the store's error.
func normalize(kind, value string) (string, error) {
	v, err := subscription.Normalize(kind, value)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return v, nil
}

// Watch adds a subscription, its value in subscription.Normalize's form. created is false when the channel already had
// it (the existing row is kept, except that Series turns its series line on). A zero CreatedAt is set to the store clock.
func (s *Store) Watch(ctx context.Context, sub Subscription) (created bool, err error) {
	if sub.ChannelID == "" {
		return false, fmt.Errorf("watch: empty channel: %w", ErrInvalid)
	}
	v, err := normalize(sub.Kind, sub.Value)
	if err != nil {
		return false, fmt.Errorf("watch: %w", err)
	}
	// A subscription written to a deleted SQLite file would be gone at the
	// next restart, after the user was told the channel is subscribed.
	if err := s.fileGone(); err != nil {
		return false, fmt.Errorf("watch: %w", err)
	}
	at := sub.CreatedAt
	if at.IsZero() {
		at = s.now()
	}
	series := 0
	if sub.Series {
		series = 1
	}
	res, err := s.exec(ctx, `INSERT INTO subscriptions (channel_id, kind, value, created_by, created_at, series)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, kind, value)
		DO UPDATE SET series = 1 WHERE excluded.series = 1 AND subscriptions.series = 0`,
		sub.ChannelID, sub.Kind, v, sub.CreatedBy, ms(at), series)
	if err != nil {
		return false, fmt.Errorf("watch %s %s in %s: %w", sub.Kind, v, sub.ChannelID, err)
	}
	return affected(res)
}

// Unwatch removes a subscription. removed is false when there was none.
func (s *Store) Unwatch(ctx context.Context, channelID, kind, value string) (removed bool, err error) {
	v, err := normalize(kind, value)
	if err != nil {
		return false, fmt.Errorf("unwatch: %w", err)
	}
	res, err := s.exec(ctx, "DELETE FROM subscriptions WHERE channel_id = ? AND kind = ? AND value = ?", channelID, kind, v)
	if err != nil {
		return false, fmt.Errorf("unwatch %s %s in %s: %w", kind, v, channelID, err)
	}
	return affected(res)
}

// Watching lists a channel's subscriptions, oldest first.
func (s *Store) Watching(ctx context.Context, channelID string) ([]Subscription, error) {
	subs, err := s.subscriptions(ctx, "WHERE channel_id = ? ORDER BY created_at, kind, value", channelID)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", channelID, err)
	}
	return subs, nil
}

// Subscriptions lists every subscription, by channel.
func (s *Store) Subscriptions(ctx context.Context) ([]Subscription, error) {
	subs, err := s.subscriptions(ctx, "ORDER BY channel_id, kind, value")
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return subs, nil
}

func (s *Store) subscriptions(ctx context.Context, where string, args ...any) ([]Subscription, error) {
	rows, err := s.query(ctx, "SELECT channel_id, kind, value, created_by, created_at, series FROM subscriptions "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var sub Subscription
		var at, series int64
		if err := rows.Scan(&sub.ChannelID, &sub.Kind, &sub.Value, &sub.CreatedBy, &at, &series); err != nil {
			return nil, err
		}
		sub.Series = series == 1
		sub.CreatedAt = timeOf(at)
		out = append(out, sub)
	}
	return out, rows.Err()
}

// affected reports whether a statement changed a row.
func affected(res interface{ RowsAffected() (int64, error) }) (bool, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n > 0, nil
}
