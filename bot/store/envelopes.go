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
