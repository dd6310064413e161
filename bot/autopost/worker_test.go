package autopost

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func enqueueNow(t *testing.T, e *env, uuid, channel string) {
	t.Helper()
	if _, err := e.store.Enqueue(t.Context(), store.Post{ConfUUID: uuid, ChannelID: channel, MeetingID: "9601234567", Subject: "Sync", NotBefore: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
}

// TestSlackFailsThenRecovers: the post is retried with backoff and arrives
// once.
func TestSlackFailsThenRecovers(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	e.reporter.set(uuid1, "Alice")
	e.poster.fail = 2
	enqueueNow(t, e, uuid1, "C")
	e.work(t) // fails: retry after 30s
	if n := e.work(t); n != 0 {
		t.Fatalf("retried before the backoff: %d", n)
	}
	e.clock.Advance(Backoff(0))
	e.work(t) // fails again: retry after 60s
	e.clock.Advance(Backoff(1) - time.Second)
	if n := e.work(t); n != 0 {
		t.Fatalf("retried before the second backoff: %d", n)
	}
	e.clock.Advance(time.Second)
	e.work(t)
	e.clock.Advance(time.Hour)
	e.work(t)
	if got := e.poster.Posts(); len(got) != 1 {
		t.Fatalf("posts = %+v; want exactly one", got)
	}
	p, _, _ := e.store.Get(t.Context(), uuid1, "C")
	if p.State != store.StatePosted || p.Attempts != 2 || p.PostedTS != e.poster.Posts()[0].TS {
		t.Errorf("post = %+v; want posted after 2 failed attempts", p)
	}
	if e.outcomes.get(OutcomeRetry) != 2 || e.outcomes.get(OutcomePosted) != 1 {
		t.Errorf("outcomes = %v", e.outcomes.n)
	}
	// One audit row for the one message; the failed attempts showed nothing.
	rows := e.audit.Rows()
	if len(rows) != 1 {
		t.Fatalf("audit rows = %+v; want one", rows)
	}
	if r := rows[0]; r.Action != store.AuditAutopost || r.Audience != store.AudienceAutopost || r.ChannelID != "C" ||
		len(r.ConfUUIDs) != 1 || r.ConfUUIDs[0] != uuid1 || r.MeetingID != "9601234567" || r.People != 1 || r.Records != 1 || r.UserID != "" {
		t.Errorf("audit row = %+v", r)
	}
}

func TestGivesUp(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{MaxAttempts: 3})
	e.reporter.set(uuid1, "Alice")
	e.poster.fail = 100
	enqueueNow(t, e, uuid1, "C")
	for range 5 {
		e.work(t)
		e.clock.Advance(time.Hour)
	}
	p, _, _ := e.store.Get(t.Context(), uuid1, "C")
	if p.State != store.StateFailed || p.Attempts != 3 || !strings.Contains(p.LastError, "service_unavailable") {
		t.Errorf("post = %+v; want failed after 3 attempts", p)
	}
	if e.outcomes.get(OutcomeFailed) != 1 {
		t.Errorf("outcomes = %v", e.outcomes.n)
	}
	if rows := e.audit.Rows(); len(rows) != 0 {
		t.Errorf("audit rows of a post never made = %+v; want none", rows)
	}
	// A meeting API input error is not worth retrying.
	e.reporter.err = fmt.Errorf("attendees: %w", meeting.ErrInvalidInput)
	enqueueNow(t, e, uuid2, "C")
	e.work(t)
	if p, _, _ := e.store.Get(t.Context(), uuid2, "C"); p.State != store.StateFailed || p.Attempts != 1 {
		t.Errorf("post = %+v; want failed at once", p)
	}
	// Nor is a channel the bot cannot post in.
	e.reporter.err = nil
	e.reporter.set("cccc0000ffff0000ffff0000ffff0000", "Alice")
	e.poster.err = fmt.Errorf("slack: not_in_channel: %w", ErrPermanent)
	enqueueNow(t, e, "cccc0000ffff0000ffff0000ffff0000", "C")
	e.work(t)
	if p, _, _ := e.store.Get(t.Context(), "cccc0000ffff0000ffff0000ffff0000", "C"); p.State != store.StateFailed || p.Attempts != 1 {
		t.Errorf("post = %+v; want failed at once", p)
	}
}

// TestEmptyRecords: an empty list is retried Settle apart, then "no
// attendee records" is posted.
func TestEmptyRecords(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{Settle: 2 * time.Minute, EmptyRetries: 3})
	enqueueNow(t, e, uuid1, "C")
	for i := range 3 {
		if n := e.work(t); n != 1 {
			t.Fatalf("round %d processed %d", i, n)
		}
		if len(e.poster.Posts()) != 0 {
			t.Fatalf("posted on empty round %d", i)
		}
		e.clock.Advance(2 * time.Minute)
	}
	e.work(t)
	posts := e.poster.Posts()
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "No attendee records for Sync") {
		t.Fatalf("posts = %+v; want the no-records message", posts)
	}
	if e.outcomes.get(OutcomeDeferred) != 3 || e.outcomes.get(OutcomeNoRecords) != 1 {
		t.Errorf("outcomes = %v", e.outcomes.n)
	}
	// Records arriving late are used as soon as they appear.
	e.reporter.err = fmt.Errorf("attendees: %w", meeting.ErrNotFound)
	enqueueNow(t, e, uuid2, "C")
	e.work(t)
	e.reporter.err = nil
	e.reporter.set(uuid2, "Bob")
	e.clock.Advance(2 * time.Minute)
	e.work(t)
	if posts := e.poster.Posts(); len(posts) != 2 || strings.Contains(posts[1].Text, "No attendee") {
		t.Errorf("posts = %+v; want the report of the late records", posts)
	}
}

func TestCSVAboveInlineLimit(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{InlineLimit: 2})
	e.reporter.set(uuid1, "Alice", "Bob", "Carol")
	e.reporter.set(uuid2, "Dan")
	enqueueNow(t, e, uuid1, "C")
	enqueueNow(t, e, uuid2, "C")
	e.work(t)
	posts := e.poster.Posts()
	if len(posts) != 2 || len(e.poster.files) != 1 {
		t.Fatalf("posts %d, files %d; want 2 posts and 1 file", len(posts), len(e.poster.files))
	}
	f := e.poster.files[0]
	if f.Channel != "C" || f.ThreadTS != posts[0].TS || f.Name != "attendees-9601234567.csv" {
		t.Errorf("file = %+v; want in the thread of %s", f, posts[0].TS)
	}
	if strings.Contains(string(f.Content), "139 0000") {
		t.Error("shared CSV shows a phone number")
	}
}

// TestReplicasOneEvent: two processes on one database receive the same
// event and work at the same time; the meeting is posted once.
func TestReplicasOneEvent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		a := newEnv(t, url, Config{ChannelID: "CALL", Owner: "a"})
		b := newEnv(t, url, Config{ChannelID: "CALL", Owner: "b"})
		body := event(testKey, "app", t0, "n", concludeInfo(uuid1, "9601234567", "Sync"))
		for _, e := range []*env{a, b} {
			e.reporter.set(uuid1, "Alice")
			if rec := e.send(body); rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			e.clock.Advance(time.Hour)
		}
		var wg sync.WaitGroup
		for _, e := range []*env{a, b} {
			wg.Go(func() {
				if _, err := e.svc.Work(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := len(a.poster.Posts()) + len(b.poster.Posts()); n != 1 {
			t.Errorf("posts a=%d b=%d; want 1 in total", len(a.poster.Posts()), len(b.poster.Posts()))
		}
	})
}

// TestRun drives the real loop: a webhook event wakes the worker, which
// posts; cancelling the context stops Run cleanly.
func TestRun(t *testing.T) {
	st := openStore(t, storetest.SQLiteURL(t))
	rep := &fakeReporter{}
	rep.set(uuid1, "Alice")
	poster := &fakePoster{posted: make(chan sentPost, 1)}
	svc, err := New(Config{ChannelID: "CALL", Owner: "r", WebhookKey: testKey},
		Deps{History: &fakeHistory{}, Reporter: rep, Poster: poster, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- svc.Run(ctx) }()
	e := &env{svc: svc}
	if rec := e.send(event(testKey, "app", time.Now(), "n", concludeInfo(uuid1, "9601234567", "Sync"))); rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	select {
	case p := <-poster.posted:
		if p.Channel != "CALL" {
			t.Errorf("posted to %s", p.Channel)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no post within 30s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v; want nil after cancel", err)
	}
}

// TestShutdownMidDelivery: a post interrupted by shutdown goes back to the
// outbox, due at once and with no attempt counted.
func TestShutdownMidDelivery(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	enqueueNow(t, e, uuid1, "C")
	ctx, cancel := context.WithCancel(t.Context())
	e.reporter.during = cancel
	e.reporter.err = context.Canceled
	if _, err := e.svc.Work(ctx); err != nil {
		t.Fatalf("Work = %v", err)
	}
	p, _, _ := e.store.Get(t.Context(), uuid1, "C")
	if p.State != store.StatePending || p.Attempts != 0 {
		t.Fatalf("post = %+v; want pending with no attempt", p)
	}
	e.reporter.during, e.reporter.err = nil, nil
	e.reporter.set(uuid1, "Alice")
	e.work(t)
	if len(e.poster.Posts()) != 1 {
		t.Errorf("posts = %v; want the post after restart", e.poster.Posts())
	}
}

// TestShutdownDuringPost: a shutdown that arrives while Slack is accepting
// the post does not cut the request short, so the post is recorded once and
// never repeated.
func TestShutdownDuringPost(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	enqueueNow(t, e, uuid1, "C")
	e.reporter.set(uuid1, "Alice")
	ctx, cancel := context.WithCancel(t.Context())
	e.poster.during = cancel
	if _, err := e.svc.Work(ctx); err != nil {
		t.Fatalf("Work = %v", err)
	}
	p, _, _ := e.store.Get(t.Context(), uuid1, "C")
	if p.State != store.StatePosted {
		t.Fatalf("post = %+v; want posted", p)
	}
	e.poster.during = nil
	e.clock.Advance(time.Hour)
	e.work(t)
	if n := len(e.poster.Posts()); n != 1 {
		t.Errorf("posts = %d; want exactly 1", n)
	}
}
