package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/subscription"
)

// Subscription says that a channel wants the attendance of every concluded
// meeting matching Kind and Value.
type Subscription struct {
	ChannelID string
	Kind      string // subscription.MeetingID or subscription.Subject
	// Value is what the subscription matches. Watch takes it as typed and
	// stores subscription.Normalize's form, the subscription's key; the
	// store's answers hold that key.
	Value string
	// Words is Value as the channel typed it (spaces made single), to
	// show; set by the store's answers.
	Words     string
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
	words := ""
	if sub.Kind == subscription.Subject {
		words = strings.Join(strings.Fields(sub.Value), " ")
	}
	// The first words typed stay the ones shown.
	res, err := s.exec(ctx, `INSERT INTO subscriptions (channel_id, kind, value, words, created_by, created_at, series)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, kind, value)
		DO UPDATE SET series = 1 WHERE excluded.series = 1 AND subscriptions.series = 0`,
		sub.ChannelID, sub.Kind, v, words, sub.CreatedBy, ms(at), series)
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
	rows, err := s.query(ctx, "SELECT channel_id, kind, value, words, created_by, created_at, series FROM subscriptions "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var sub Subscription
		var at, series int64
		if err := rows.Scan(&sub.ChannelID, &sub.Kind, &sub.Value, &sub.Words, &sub.CreatedBy, &at, &series); err != nil {
			return nil, err
		}
		sub.Words = cmp.Or(sub.Words, sub.Value)
		sub.Series = series == 1
		sub.CreatedAt = timeOf(at)
		out = append(out, sub)
	}
	return out, rows.Err()
}

// keySubjects rekeys the subject subscriptions of a bot before migration
// 6, stored as the words typed in lower case ("weekly sync"), by
// subscription.Normalize ("sync weekly"), keeping those words to show.
// Matching does not change: the words match in any order either way.
// Subscriptions of a channel that become one merge into the oldest, with
// the series line if any of them had it.
func keySubjects(ctx context.Context, tx *sql.Tx, d dialect) error {
	type row struct {
		channel, value, words, by string
		at, series                int64
	}
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT channel_id, value, created_by, created_at, series
		FROM subscriptions WHERE kind = ? ORDER BY channel_id, created_at, value`), subscription.Subject)
	if err != nil {
		return fmt.Errorf("read subject subscriptions: %w", err)
	}
	defer rows.Close()
	type key struct{ channel, value string }
	index := make(map[key]int) // in keep
	var keep []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.channel, &r.words, &r.by, &r.at, &r.series); err != nil {
			return fmt.Errorf("read subject subscriptions: %w", err)
		}
		if r.value, err = subscription.Normalize(subscription.Subject, r.words); err != nil {
			return fmt.Errorf("subject subscription %q in %s: %w", r.words, r.channel, err)
		}
		k := key{r.channel, r.value}
		if i, ok := index[k]; ok {
			keep[i].series = max(keep[i].series, r.series)
			continue
		}
		index[k] = len(keep)
		keep = append(keep, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read subject subscriptions: %w", err)
	}
	rows.Close()
	if _, err := tx.ExecContext(ctx, d.rebind("DELETE FROM subscriptions WHERE kind = ?"), subscription.Subject); err != nil {
		return fmt.Errorf("rekey subject subscriptions: %w", err)
	}
	for _, r := range keep {
		if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO subscriptions (channel_id, kind, value, words, created_by, created_at, series)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), r.channel, subscription.Subject, r.value, r.words, r.by, r.at, r.series); err != nil {
			return fmt.Errorf("rekey subject subscription %q in %s: %w", r.words, r.channel, err)
		}
	}
	return nil
}

// affected reports whether a statement changed a row.
func affected(res interface{ RowsAffected() (int64, error) }) (bool, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n > 0, nil
}
