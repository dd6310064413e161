package store

import (
	"context"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// eachBackend runs f as a subtest per backend with the URL of a fresh
// database.
func eachBackend(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) { f(t, b.NewURL(t)) })
	}
}

// open opens a Store for the test's lifetime with a clock fixed at t0.
func open(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatalf("Open(%q): %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func enqueue(t *testing.T, s *Store, p Post) {
	t.Helper()
	created, err := s.Enqueue(t.Context(), p)
	if err != nil || !created {
		t.Fatalf("Enqueue(%s, %s) = %v, %v; want true, nil", p.ConfUUID, p.ChannelID, created, err)
	}
}
