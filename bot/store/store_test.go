package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func TestSQLiteDSN(t *testing.T) {
	tests := []struct {
		in, want string
		readOnly bool
		bad      bool
	}{
		// Read-only: a URI SQLite reads mode=ro from; none of the bot's
		// settings, which would write; the user's own kept but mode.
		{in: "attendees.db", readOnly: true, want: "file:attendees.db?_busy_timeout=10000&_query_only=1&mode=ro"},
		{in: "sqlite:/var/lib/my store/a.db", readOnly: true, want: "file:/var/lib/my%20store/a.db?_busy_timeout=10000&_query_only=1&mode=ro"},
		{in: "file:a.db?_busy_timeout=1&mode=rwc&_query_only=0", readOnly: true, want: "file:a.db?_busy_timeout=1&_query_only=1&mode=ro"},
		{in: "attendees.db", want: "attendees.db?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"},
		{in: "sqlite:/var/lib/a.db", want: "/var/lib/a.db?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"},
		{in: "file:a.db?_busy_timeout=1", want: "a.db?_busy_timeout=1&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"},
		{in: "", bad: true},
		{in: "sqlite:", bad: true},
		{in: ":memory:", bad: true},
	}
	for _, tt := range tests {
		_, got, err := sqliteDSN(tt.in, tt.readOnly)
		if tt.bad {
			if err == nil {
				t.Errorf("sqliteDSN(%q) = %q; want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("sqliteDSN(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestRebind(t *testing.T) {
	q := "UPDATE x SET a = ? WHERE b = ? AND c = ?"
	if got, want := postgresDialect.rebind(q), "UPDATE x SET a = $1 WHERE b = $2 AND c = $3"; got != want {
		t.Errorf("postgres rebind = %q; want %q", got, want)
	}
	if got := sqliteDialect.rebind(q); got != q {
		t.Errorf("sqlite rebind = %q; want it unchanged", got)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		// Replicas starting together all migrate; then again on restart.
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				s, err := Open(t.Context(), url)
				if err == nil {
					err = s.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent Open: %v", err)
			}
		}
		s := open(t, url)
		migs, err := s.loadMigrations()
		if err != nil || len(migs) == 0 {
			t.Fatalf("embedded migrations: %d, %v", len(migs), err)
		}
		want := len(migs)
		v, err := s.SchemaVersion(t.Context())
		if err != nil || v != want {
			t.Fatalf("SchemaVersion = %d, %v; want %d (one per embedded migration)", v, err, want)
		}
		var n int
		if err := s.queryRow(t.Context(), "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != want {
			t.Fatalf("schema_migrations rows = %d, %v; want %d", n, err, want)
		}
	})
}

func TestWatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		steps := []struct {
			name    string
			do      func() (bool, error)
			want    bool
			wantErr error
		}{
			{"watch id", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.MeetingID, Value: "960 123-4567", CreatedBy: "U1"})
			}, true, nil},
			{"watch same id spelled differently", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567"})
			}, false, nil},
			{"with series turns its line on", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567", Series: true})
			}, true, nil},
			{"with series again", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567", Series: true})
			}, false, nil},
			{"without series keeps it on", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567"})
			}, false, nil},
			{"watch subject", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.Subject, Value: "  Weekly   Sync ", CreatedAt: t0.Add(time.Minute)})
			}, true, nil},
			{"same words in another order, case and repeated", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.Subject, Value: "sync WEEKLY sync"})
			}, false, nil},
			{"unwatch words in another order", func() (bool, error) { return s.Unwatch(ctx, "C2", subscription.Subject, "weekly sync") }, false, nil},
			{"same id in another channel", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C2", Kind: subscription.MeetingID, Value: "9601234567"})
			}, true, nil},
			{"bad kind", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: "room", Value: "x"})
			}, false, ErrInvalid},
			{"empty value", func() (bool, error) {
				return s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.Subject, Value: "  "})
			}, false, ErrInvalid},
			{"no channel", func() (bool, error) {
				return s.Watch(ctx, Subscription{Kind: subscription.Subject, Value: "x"})
			}, false, ErrInvalid},
			{"unwatch missing", func() (bool, error) { return s.Unwatch(ctx, "C1", subscription.Subject, "standup") }, false, nil},
			{"unwatch id in C2", func() (bool, error) { return s.Unwatch(ctx, "C2", subscription.MeetingID, "960-123-4567") }, true, nil},
			{"unwatch it again", func() (bool, error) { return s.Unwatch(ctx, "C2", subscription.MeetingID, "9601234567") }, false, nil},
		}
		for _, st := range steps {
			got, err := st.do()
			if got != st.want || !errors.Is(err, st.wantErr) {
				t.Errorf("%s: got %v, %v; want %v, %v", st.name, got, err, st.want, st.wantErr)
			}
		}
		got, err := s.Watching(ctx, "C1")
		want := []Subscription{
			{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567", Words: "9601234567", CreatedBy: "U1", CreatedAt: t0, Series: true},
			{ChannelID: "C1", Kind: subscription.Subject, Value: "sync weekly", Words: "Weekly Sync", CreatedAt: t0.Add(time.Minute)},
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Watching(C1) = %v, %v; want %v", got, err, want)
		}
		if got, err := s.Watching(ctx, "C2"); err != nil || len(got) != 0 {
			t.Errorf("Watching(C2) = %v, %v; want none", got, err)
		}
		if got, err := s.Subscriptions(ctx); err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Subscriptions = %v, %v; want %v", got, err, want)
		}
	})
}

func TestCursor(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		if got, err := s.Cursor(ctx, "poll"); err != nil || !got.IsZero() {
			t.Fatalf("unset Cursor = %v, %v; want zero", got, err)
		}
		for _, at := range []time.Time{t0.Add(1234567 * time.Microsecond), t0.Add(-time.Hour)} {
			if err := s.SetCursor(ctx, "poll", at); err != nil {
				t.Fatal(err)
			}
			got, err := s.Cursor(ctx, "poll")
			if want := at.Truncate(time.Millisecond); err != nil || !got.Equal(want) {
				t.Errorf("Cursor after SetCursor(%v) = %v, %v; want %v", at, got, err, want)
			}
		}
		if got, _ := s.Cursor(ctx, "other"); !got.IsZero() {
			t.Errorf("Cursor(other) = %v; want zero", got)
		}
	})
}

func TestTryLease(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		steps := []struct {
			owner string
			at    time.Duration
			want  bool
		}{
			{"a", 0, true},
			{"b", 30 * time.Second, false},
			{"a", 50 * time.Second, true}, // renewal: now held until 110s
			{"b", 90 * time.Second, false},
			{"b", 110 * time.Second, true}, // expired
			{"a", 111 * time.Second, false},
		}
		for _, st := range steps {
			got, err := s.TryLease(ctx, "poll", st.owner, t0.Add(st.at), time.Minute)
			if err != nil || got != st.want {
				t.Errorf("TryLease(%s at +%v) = %v, %v; want %v", st.owner, st.at, got, err, st.want)
			}
		}
		if err := s.ReleaseLease(ctx, "poll", "b"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TryLease(ctx, "poll", "a", t0.Add(112*time.Second), time.Minute); err != nil || !got {
			t.Errorf("TryLease after release = %v, %v; want true", got, err)
		}
	})
}

func TestEnqueueIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		p := Post{ConfUUID: "u1", ChannelID: "C1", MeetingID: "9601234567", Subject: "Sync", NotBefore: t0.Add(time.Minute)}
		tests := []struct {
			name string
			p    Post
			want bool
		}{
			{"first", p, true},
			{"redelivery", p, false},
			{"other fields differ", Post{ConfUUID: "u1", ChannelID: "C1", NotBefore: t0}, false},
			{"other channel", Post{ConfUUID: "u1", ChannelID: "C2", NotBefore: t0}, true},
			{"other conference", Post{ConfUUID: "u2", ChannelID: "C1", NotBefore: t0}, true},
		}
		for _, tt := range tests {
			if got, err := s.Enqueue(ctx, tt.p); err != nil || got != tt.want {
				t.Errorf("%s: Enqueue = %v, %v; want %v", tt.name, got, err, tt.want)
			}
		}
		got, ok, err := s.Get(ctx, "u1", "C1")
		want := Post{ID: got.ID, ConfUUID: "u1", ChannelID: "C1", MeetingID: "9601234567", Subject: "Sync", NotBefore: t0.Add(time.Minute), State: StatePending, CreatedAt: t0}
		if err != nil || !ok || got != want {
			t.Errorf("Get = %+v, %v, %v; want %+v", got, ok, err, want)
		}
		if _, err := s.Enqueue(ctx, Post{ChannelID: "C1"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("Enqueue without conference: %v; want ErrInvalid", err)
		}
		// Posted is final: a later redelivery still does nothing.
		ps, err := s.Claim(ctx, "w", t0.Add(time.Hour), time.Minute, 10)
		if err != nil || len(ps) != 3 {
			t.Fatalf("Claim = %v, %v; want 3 posts", ps, err)
		}
		for _, p := range ps {
			if err := s.Done(ctx, p.ID, "w", "1.2"); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.Enqueue(ctx, p); err != nil || got {
			t.Errorf("Enqueue after posted = %v, %v; want false", got, err)
		}
	})
}

func TestClaimOrderAndDue(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		for i, d := range []time.Duration{3 * time.Minute, time.Minute, 2 * time.Minute} {
			enqueue(t, s, Post{ConfUUID: fmt.Sprint("u", i), ChannelID: "C", NotBefore: t0.Add(d)})
		}
		if ps, err := s.Claim(ctx, "w", t0, time.Minute, 10); err != nil || len(ps) != 0 {
			t.Fatalf("Claim before due = %v, %v; want none", ps, err)
		}
		next, ok, err := s.NextDue(ctx, t0)
		if err != nil || !ok || !next.Equal(t0.Add(time.Minute)) {
			t.Fatalf("NextDue = %v, %v, %v; want %v", next, ok, err, t0.Add(time.Minute))
		}
		ps, err := s.Claim(ctx, "w", t0.Add(2*time.Minute), time.Hour, 10)
		if err != nil || len(ps) != 2 || ps[0].ConfUUID != "u1" || ps[1].ConfUUID != "u2" {
			t.Fatalf("Claim at +2m = %+v, %v; want u1, u2", ps, err)
		}
		ps, err = s.Claim(ctx, "w", t0.Add(5*time.Minute), time.Minute, 1)
		if err != nil || len(ps) != 1 || ps[0].ConfUUID != "u0" {
			t.Fatalf("Claim at +5m limit 1 = %+v, %v; want u0", ps, err)
		}
		if _, err := s.Claim(ctx, "", t0, time.Minute, 1); !errors.Is(err, ErrInvalid) {
			t.Errorf("Claim without owner: %v; want ErrInvalid", err)
		}
	})
}

// TestClaimConcurrent has eight claimers on two Store handles (two
// processes, as far as the database can tell) race for the same posts.
func TestClaimConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		handles := []*Store{open(t, url), open(t, url)}
		const posts = 120
		for i := range posts {
			enqueue(t, handles[0], Post{ConfUUID: fmt.Sprint("u", i), ChannelID: "C", NotBefore: t0})
		}
		var mu sync.Mutex
		claimed := make(map[int64]string)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			s := handles[w%2]
			owner := fmt.Sprint("worker", w)
			wg.Go(func() {
				for {
					ps, err := s.Claim(context.Background(), owner, t0.Add(time.Minute), time.Hour, 5)
					if err != nil {
						errs <- err
						return
					}
					if len(ps) == 0 {
						return
					}
					mu.Lock()
					for _, p := range ps {
						if prev, dup := claimed[p.ID]; dup {
							errs <- fmt.Errorf("post %d claimed by %s and %s", p.ID, prev, owner)
						}
						claimed[p.ID] = owner
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(claimed) != posts {
			t.Errorf("claimed %d posts; want %d", len(claimed), posts)
		}
	})
}

func TestLeaseExpiry(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		enqueue(t, s, Post{ConfUUID: "u", ChannelID: "C", NotBefore: t0})
		ps, err := s.Claim(ctx, "a", t0, time.Minute, 10)
		if err != nil || len(ps) != 1 {
			t.Fatalf("Claim(a) = %v, %v", ps, err)
		}
		id := ps[0].ID
		if ps, err := s.Claim(ctx, "b", t0.Add(59*time.Second), time.Minute, 10); err != nil || len(ps) != 0 {
			t.Fatalf("Claim(b) under a's lease = %v, %v; want none", ps, err)
		}
		// a crashed; its lease runs out and b takes over.
		ps, err = s.Claim(ctx, "b", t0.Add(time.Minute), time.Minute, 10)
		if err != nil || len(ps) != 1 || ps[0].ID != id {
			t.Fatalf("Claim(b) after expiry = %v, %v; want post %d", ps, err, id)
		}
		for _, settle := range []func() error{
			func() error { return s.Done(ctx, id, "a", "1.1") },
			func() error { return s.Retry(ctx, id, "a", t0, "x") },
			func() error { return s.Fail(ctx, id, "a", "x") },
		} {
			if err := settle(); !errors.Is(err, ErrLeaseLost) {
				t.Errorf("stale owner settling: %v; want ErrLeaseLost", err)
			}
		}
		if err := s.Done(ctx, id, "b", "1.2"); err != nil {
			t.Fatalf("Done(b) = %v", err)
		}
		if err := s.Done(ctx, id, "b", "1.3"); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("second Done = %v; want ErrLeaseLost", err)
		}
		p, _, _ := s.Get(ctx, "u", "C")
		if p.State != StatePosted || p.PostedTS != "1.2" {
			t.Errorf("post = %+v; want posted as 1.2", p)
		}
		if ps, err := s.Claim(ctx, "c", t0.Add(time.Hour), time.Minute, 10); err != nil || len(ps) != 0 {
			t.Errorf("Claim after Done = %v, %v; want none", ps, err)
		}
	})
}

func TestRetryAndFail(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		enqueue(t, s, Post{ConfUUID: "u", ChannelID: "C", NotBefore: t0})
		claim := func(at time.Time) Post {
			t.Helper()
			ps, err := s.Claim(ctx, "w", at, time.Minute, 1)
			if err != nil || len(ps) != 1 {
				t.Fatalf("Claim at %v = %v, %v; want one", at, ps, err)
			}
			return ps[0]
		}
		p := claim(t0)
		if err := s.Retry(ctx, p.ID, "w", t0.Add(10*time.Second), "slack: ratelimited"); err != nil {
			t.Fatal(err)
		}
		// Released: claimable again at the retry time, not before.
		if ps, _ := s.Claim(ctx, "w", t0.Add(5*time.Second), time.Minute, 1); len(ps) != 0 {
			t.Fatalf("claimed before the retry time: %v", ps)
		}
		p = claim(t0.Add(10 * time.Second))
		if p.Attempts != 1 || p.LastError != "slack: ratelimited" || p.State != StatePending {
			t.Errorf("after Retry: %+v; want 1 attempt with the error", p)
		}
		// Released (shutdown): due again at once, no attempt counted.
		if err := s.Release(ctx, p.ID, "w"); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, p.ID, "w"); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("second Release = %v; want ErrLeaseLost", err)
		}
		p = claim(t0.Add(10 * time.Second))
		if p.Attempts != 1 {
			t.Errorf("after Release: %d attempts; want still 1", p.Attempts)
		}
		if err := s.Fail(ctx, p.ID, "w", "gave up"); err != nil {
			t.Fatal(err)
		}
		got, _, _ := s.Get(ctx, "u", "C")
		if got.State != StateFailed || got.Attempts != 2 || got.LastError != "gave up" {
			t.Errorf("after Fail: %+v; want failed, 2 attempts", got)
		}
		if ps, _ := s.Claim(ctx, "w", t0.Add(time.Hour), time.Minute, 1); len(ps) != 0 {
			t.Errorf("failed post claimed: %v", ps)
		}
	})
}

func TestPendingSurvivesReopen(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s, err := Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		enqueue(t, s, Post{ConfUUID: "u", ChannelID: "C", NotBefore: t0})
		// Claimed, then the process dies without settling it.
		if ps, err := s.Claim(t.Context(), "dead", t0, time.Minute, 1); err != nil || len(ps) != 1 {
			t.Fatalf("Claim = %v, %v", ps, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = open(t, url)
		ps, err := s.Claim(t.Context(), "alive", t0.Add(time.Minute), time.Minute, 10)
		if err != nil || len(ps) != 1 || ps[0].ConfUUID != "u" {
			t.Fatalf("Claim after reopen = %v, %v; want the pending post", ps, err)
		}
	})
}

func TestPendingAgeAndPrune(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		if age, err := s.PendingAge(ctx, t0); err != nil || age != 0 {
			t.Fatalf("PendingAge of nothing = %v, %v; want 0", age, err)
		}
		enqueue(t, s, Post{ConfUUID: "old", ChannelID: "C", NotBefore: t0, CreatedAt: t0.Add(-time.Hour)})
		enqueue(t, s, Post{ConfUUID: "new", ChannelID: "C", NotBefore: t0})
		if age, err := s.PendingAge(ctx, t0); err != nil || age != time.Hour {
			t.Errorf("PendingAge = %v, %v; want 1h", age, err)
		}
		ps, _ := s.Claim(ctx, "w", t0, time.Minute, 1)
		if err := s.Done(ctx, ps[0].ID, "w", "1.1"); err != nil { // updated_at = t0
			t.Fatal(err)
		}
		if age, err := s.PendingAge(ctx, t0); err != nil || age != 0 {
			t.Errorf("PendingAge after posting the old one = %v, %v; want 0", age, err)
		}
		for _, tt := range []struct {
			cutoff time.Time
			want   int64
		}{{t0, 0}, {t0.Add(time.Millisecond), 1}, {t0.Add(time.Hour), 0}} {
			if n, err := s.Prune(ctx, tt.cutoff); err != nil || n != tt.want {
				t.Errorf("Prune(%v) = %d, %v; want %d", tt.cutoff, n, err, tt.want)
			}
		}
		if _, ok, _ := s.Get(ctx, "new", "C"); !ok {
			t.Error("Prune removed a pending post")
		}
		for state, want := range map[string]int{StatePending: 1, StatePosted: 0, StateFailed: 0} {
			if n, err := s.Count(ctx, state); err != nil || n != want {
				t.Errorf("Count(%s) = %d, %v; want %d", state, n, err, want)
			}
		}
	})
}

func TestEnqueueMany(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := t.Context()
		enqueue(t, s, Post{ConfUUID: "u7", ChannelID: "C", NotBefore: t0})
		var posts []Post
		for i := range 450 { // three chunks
			posts = append(posts, Post{ConfUUID: fmt.Sprint("u", i), ChannelID: "C", Subject: "S", NotBefore: t0})
		}
		posts = append(posts, posts[3]) // a duplicate within the batch
		ops := s.Ops()
		n, err := s.EnqueueMany(ctx, posts)
		if err != nil || n != 449 {
			t.Fatalf("EnqueueMany = %d, %v; want 449 (u7 existed, u3 twice)", n, err)
		}
		if got := s.Ops() - ops; got != 3 {
			t.Errorf("EnqueueMany used %d statements; want 3", got)
		}
		if n, err := s.EnqueueMany(ctx, posts); err != nil || n != 0 {
			t.Errorf("EnqueueMany again = %d, %v; want 0", n, err)
		}
		if c, _ := s.Count(ctx, StatePending); c != 450 {
			t.Errorf("pending = %d; want 450", c)
		}
		if _, err := s.EnqueueMany(ctx, []Post{{ConfUUID: "x"}}); !errors.Is(err, ErrInvalid) {
			t.Errorf("EnqueueMany without channel: %v; want ErrInvalid", err)
		}
		if n, err := s.EnqueueMany(ctx, nil); err != nil || n != 0 {
			t.Errorf("EnqueueMany(nil) = %d, %v", n, err)
		}
	})
}

// TestWatchKeysOlderSubscriptions: subject subscriptions an older bot
// stored (words in the order typed, no words column) are rekeyed when this
// version first opens the store: they match as before, show the words as
// they were, and those that became one are merged into the oldest, with
// the series line if either had it.
func TestWatchKeysOlderSubscriptions(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := t.Context()
		w := open(t, url)
		// The schema and rows as the bot before migration 6 left them.
		for _, q := range []string{"DELETE FROM schema_migrations WHERE version = 6", "ALTER TABLE subscriptions DROP COLUMN words"} {
			if _, err := w.exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range []struct {
			channel, kind, value string
			at                   time.Time
			series               int
		}{
			{"C1", subscription.Subject, "weekly sync", t0, 0},
			{"C1", subscription.Subject, "sync weekly", t0.Add(time.Minute), 1},
			{"C1", subscription.Subject, "retro", t0.Add(2 * time.Minute), 0},
			{"C1", subscription.MeetingID, "9601234567", t0.Add(3 * time.Minute), 0},
			{"C2", subscription.Subject, "sync weekly weekly", t0, 0},
		} {
			if _, err := w.exec(ctx, "INSERT INTO subscriptions (channel_id, kind, value, created_by, created_at, series) VALUES (?, ?, ?, 'U1', ?, ?)",
				r.channel, r.kind, r.value, ms(r.at), r.series); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()

		s := open(t, url)
		got, err := s.Subscriptions(ctx)
		want := []Subscription{
			{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567", Words: "9601234567", CreatedBy: "U1", CreatedAt: t0.Add(3 * time.Minute)},
			{ChannelID: "C1", Kind: subscription.Subject, Value: "retro", Words: "retro", CreatedBy: "U1", CreatedAt: t0.Add(2 * time.Minute)},
			{ChannelID: "C1", Kind: subscription.Subject, Value: "sync weekly", Words: "weekly sync", CreatedBy: "U1", CreatedAt: t0, Series: true},
			{ChannelID: "C2", Kind: subscription.Subject, Value: "sync weekly", Words: "sync weekly weekly", CreatedBy: "U1", CreatedAt: t0},
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Subscriptions after the migration = %v, %v;\nwant %v", got, err, want)
		}
		conf := meeting.Conference{Subject: "Weekly product sync"}
		for _, sub := range got {
			if sub.Kind == subscription.Subject && subscription.Matches(sub.Kind, sub.Value, conf) != (sub.Value == "sync weekly") {
				t.Errorf("%+v matching %q changed", sub, conf.Subject)
			}
		}
		if created, err := s.Watch(ctx, Subscription{ChannelID: "C1", Kind: subscription.Subject, Value: "Sync Weekly"}); created || err != nil {
			t.Errorf("Watch of a rekeyed subscription's words = %v, %v; want false, nil", created, err)
		}
		if removed, err := s.Unwatch(ctx, "C2", subscription.Subject, "weekly sync"); !removed || err != nil {
			t.Errorf("Unwatch of the old words = %v, %v; want true, nil", removed, err)
		}
	})
}

// TestReadOnly: a store opened ReadOnly (audit) reads what the bot wrote,
// cannot write, and, on a schema older than the program's, fails with
// ErrSchemaOld and leaves the schema as it was: it migrates nothing.
func TestReadOnly(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := t.Context()
		w := open(t, url)
		sub := Subscription{ChannelID: "C1", Kind: subscription.MeetingID, Value: "9601234567"}
		if _, err := w.Watch(ctx, sub); err != nil {
			t.Fatal(err)
		}
		r, err := Open(ctx, url, ReadOnly())
		if err != nil {
			t.Fatalf("Open ReadOnly: %v", err)
		}
		if subs, err := r.Watching(ctx, "C1"); err != nil || len(subs) != 1 {
			t.Errorf("Watching through the read-only store = %v, %v; want the one subscription", subs, err)
		}
		if _, err := r.Watch(ctx, Subscription{ChannelID: "C2", Kind: subscription.MeetingID, Value: "9601234568"}); err == nil {
			t.Error("a read-only store wrote a subscription")
		}
		r.Close()

		// The schema as an older bot left it: the newest migration not
		// applied (its row gone; what it made stays, so applying it again
		// would show or fail).
		ms, err := w.loadMigrations()
		if err != nil {
			t.Fatal(err)
		}
		latest := ms[len(ms)-1].version
		if _, err := w.exec(ctx, "DELETE FROM schema_migrations WHERE version = ?", latest); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, url, ReadOnly()); !errors.Is(err, ErrSchemaOld) || !strings.Contains(err.Error(), "start this version of the bot once") {
			t.Errorf("Open ReadOnly of an older schema = %v; want ErrSchemaOld saying what to do", err)
		}
		if v, err := w.SchemaVersion(ctx); err != nil || v >= latest {
			t.Errorf("schema version after a read-only open = %d, %v; want it left below %d", v, err, latest)
		}
	})
}
