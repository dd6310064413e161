package store

import (
	"context"
	"fmt"
	"time"
)

// FirstDelivery records a Slack envelope ID and reports whether this is the
// first time any process sharing the store saw it. Slack redelivers an
// envelope it thinks was not handled, possibly to another replica's
// connection; only the first delivery is answered.
func (s *Store) FirstDelivery(ctx context.Context, envelopeID string, now time.Time) (bool, error) {
	if envelopeID == "" {
		return false, fmt.Errorf("first delivery: empty envelope ID: %w", ErrInvalid)
	}
	res, err := s.exec(ctx, `INSERT INTO envelopes (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, envelopeID, ms(now))
	if err != nil {
		return false, fmt.Errorf("first delivery of %s: %w", envelopeID, err)
	}
	return affected(res)
}

// FirstWithin records key at now and reports whether no process sharing
// the store recorded it in the window before now: a second press of one
// Share button that Slack hands to another replica is recognised there.
// Keys live beside envelope IDs and are pruned with them after a day;
// callers give theirs a prefix of their own (no envelope ID has a colon).
func (s *Store) FirstWithin(ctx context.Context, key string, now time.Time, window time.Duration) (bool, error) {
	if key == "" || window <= 0 {
		return false, fmt.Errorf("first within: want a key and a positive window: %w", ErrInvalid)
	}
	res, err := s.exec(ctx, `INSERT INTO envelopes (id, seen_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at WHERE envelopes.seen_at < ?`,
		key, ms(now), ms(now.Add(-window)))
	if err != nil {
		return false, fmt.Errorf("first within %s: %w", window, err)
	}
	return affected(res)
}
