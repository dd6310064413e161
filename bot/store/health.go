package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrFileGone means the SQLite file was deleted or replaced under the
// running process: it goes on writing to a file nobody will open again, so
// after a restart subscriptions are gone and posts and envelopes are
// forgotten.
var ErrFileGone = errors.New("the SQLite file is gone")

// Check reports whether the store can be used as the bot uses it: for
// SQLite, the file opened is still the one at its path; for both engines, a
// write goes through (a read-only file, a full disk, a read-only PostgreSQL
// replica or a frozen server fail here while reads may still work). It
// writes one row ("health" in cursors); bound it with ctx.
func (s *Store) Check(ctx context.Context) error {
	if err := s.fileGone(); err != nil {
		return err
	}
	if err := s.SetCursor(ctx, "health", s.now()); err != nil {
		return fmt.Errorf("store cannot be written: %w", err)
	}
	return nil
}

// fileGone reports, for SQLite, whether the file at the store's path is no
// longer the one it opened (ErrFileGone); nil for PostgreSQL. A write that
// must outlive a restart checks it first: it would go to a file nobody
// opens again.
func (s *Store) fileGone() error {
	if s.dialect != sqliteDialect {
		return nil
	}
	now, err := os.Stat(s.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: %s was deleted while the bot runs; restart it to open a new one (subscriptions and the outbox in the deleted file are lost)", ErrFileGone, s.path)
	case err != nil:
		return fmt.Errorf("store check: %w", err)
	case !os.SameFile(s.file, now):
		return fmt.Errorf("%w: %s was replaced by another file while the bot runs; restart it to use the new one", ErrFileGone, s.path)
	}
	return nil
}

// Path is the SQLite file, "" for PostgreSQL.
func (s *Store) Path() string { return s.path }
