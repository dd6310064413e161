package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Cursor returns the time stored under name, or the zero time if none is.
func (s *Store) Cursor(ctx context.Context, name string) (time.Time, error) {
	var v int64
	err := s.queryRow(ctx, "SELECT at_ms FROM cursors WHERE name = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("cursor %s: %w", name, err)
	}
	return timeOf(v), nil
}

// SetCursor stores t under name, replacing any earlier value. Times are kept
// to the millisecond.
func (s *Store) SetCursor(ctx context.Context, name string, t time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO cursors (name, at_ms) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET at_ms = excluded.at_ms`, name, ms(t))
	if err != nil {
		return fmt.Errorf("set cursor %s: %w", name, err)
	}
	return nil
}

// TryLease takes or renews the lease called name for owner until now+ttl. It
// reports true when owner holds the lease afterwards: it was free, had
// expired, or was already owner's. One statement decides, so two replicas
// asking at once cannot both get it. Leases are advisory and time-based: a
// holder that stalls longer than ttl loses it, so work done under a lease
// must be safe to repeat (polling only enqueues, which is idempotent).
func (s *Store) TryLease(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error) {
	if owner == "" {
		return false, fmt.Errorf("lease %s: empty owner: %w", name, ErrInvalid)
	}
	res, err := s.exec(ctx, `INSERT INTO leases (name, owner, until_ms) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms
		WHERE leases.owner = excluded.owner OR leases.until_ms <= ?`,
		name, owner, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	ok, err := affected(res)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return ok, nil
}

// ReleaseLease gives up owner's lease called name, if owner holds it, so
// another replica can take it without waiting for it to expire.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if _, err := s.exec(ctx, "DELETE FROM leases WHERE name = ? AND owner = ?", name, owner); err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}
