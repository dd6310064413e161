package autopost

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// TestPollNewMeeting: a meeting concludes, the next poll schedules it for
// the catch-all and the subscribed channel, the worker posts each once, and
// polling again (also overlapping the cursor) adds nothing.
func TestPollNewMeeting(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		e := newEnv(t, url, Config{ChannelID: "CALL", Settle: time.Minute, PollInterval: 5 * time.Minute})
		ctx := t.Context()
		if _, err := e.store.Watch(ctx, store.Subscription{ChannelID: "CTEAM", Kind: subscription.Subject, Value: "standup"}); err != nil {
			t.Fatal(err)
		}
		e.history.add(
			meeting.Conference{ConfUUID: uuid1, ConferenceID: "111", Subject: "Daily standup", Start: t0.Add(-40 * time.Minute), End: t0.Add(-10 * time.Minute)},
			meeting.Conference{ConfUUID: "ffff0000ffff0000ffff0000ffff0000", ConferenceID: "222", Subject: "Old", Start: t0.Add(-5 * time.Hour), End: t0.Add(-4 * time.Hour)},
			meeting.Conference{ConfUUID: "eeee0000ffff0000ffff0000ffff0000", ConferenceID: "333", Subject: "Running", Start: t0.Add(-5 * time.Minute)},
		)
		e.reporter.set(uuid1, "Alice")
		if err := e.svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, store.StatePending); n != 2 {
			t.Fatalf("pending after poll = %d; want 2 (CALL and CTEAM for the standup only)", n)
		}
		cur, _ := e.store.Cursor(ctx, pollCursor)
		if !cur.Equal(t0.Add(-10 * time.Minute)) {
			t.Errorf("cursor = %v; want the standup's end", cur)
		}
		e.clock.Advance(time.Minute)
		e.work(t)
		e.clock.Advance(5 * time.Minute)
		if err := e.svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		e.work(t)
		posts := e.poster.Posts()
		channels := make(map[string]int)
		for _, p := range posts {
			channels[p.Channel]++
			if !strings.Contains(p.Text, "Daily standup") {
				t.Errorf("post %q does not name the meeting", p.Text)
			}
		}
		if len(posts) != 2 || channels["CALL"] != 1 || channels["CTEAM"] != 1 {
			t.Errorf("posts = %+v; want one each in CALL and CTEAM", posts)
		}
	})
}

// TestRestartNoRepost: a new Service on the same store file polls the same
// history and posts nothing again.
func TestRestartNoRepost(t *testing.T) {
	url := storetest.SQLiteURL(t)
	conf := meeting.Conference{ConfUUID: uuid1, ConferenceID: "111", Subject: "Standup", Start: t0.Add(-time.Hour), End: t0.Add(-time.Minute)}
	first := newEnv(t, url, Config{ChannelID: "CALL"})
	first.history.add(conf)
	first.reporter.set(uuid1, "Alice")
	if err := first.svc.Poll(t.Context()); err != nil {
		t.Fatal(err)
	}
	first.work(t)
	if len(first.poster.Posts()) != 1 {
		t.Fatalf("first process posted %d; want 1", len(first.poster.Posts()))
	}
	first.store.Close()

	second := newEnv(t, url, Config{ChannelID: "CALL", Owner: "replica-after-restart"})
	second.history.add(conf)
	second.reporter.set(uuid1, "Alice")
	second.clock.Advance(2 * time.Hour) // the old poll lease has expired
	if err := second.svc.Poll(t.Context()); err != nil {
		t.Fatal(err)
	}
	// A redelivered webhook after the restart does nothing either.
	second.send(event(testKey, "app", second.clock.Now(), "n", concludeInfo(uuid1, "111", "Standup")))
	second.work(t)
	if got := second.poster.Posts(); len(got) != 0 {
		t.Errorf("after restart posted %+v; want nothing", got)
	}
	if second.history.Calls() != 1 {
		t.Errorf("history calls = %d; want 1 poll", second.history.Calls())
	}
}

// TestPollLease: of two replicas only the lease holder polls.
func TestPollLease(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		a := newEnv(t, url, Config{Owner: "a", PollInterval: 5 * time.Minute})
		b := newEnv(t, url, Config{Owner: "b", PollInterval: 5 * time.Minute})
		for range 2 {
			for _, e := range []*env{a, b} {
				if err := e.svc.Poll(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			a.clock.Advance(5 * time.Minute)
			b.clock.Advance(5 * time.Minute)
		}
		if a.history.Calls() != 2 || b.history.Calls() != 0 {
			t.Errorf("history calls a=%d b=%d; want 2 and 0", a.history.Calls(), b.history.Calls())
		}
		// a stops; b takes over once the lease (2 intervals) has run out.
		b.clock.Advance(10 * time.Minute)
		if err := b.svc.Poll(t.Context()); err != nil {
			t.Fatal(err)
		}
		if b.history.Calls() != 1 {
			t.Errorf("b did not take over polling")
		}
	})
}

// TestPollMeetingAPI polls through the real meeting client against the
// fake meeting API, which checks the wire format of the history call.
func TestPollMeetingAPI(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Minute)
	confs := meetingfake.Sample(now.Add(-3 * time.Hour))
	srv, err := meetingfake.Start(meetingfake.Config{StaticToken: "tok", Conferences: confs})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client, err := meeting.NewClient(srv.URL, meeting.WithStaticToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, storetest.SQLiteURL(t))
	svc, err := New(Config{ChannelID: "CALL", Owner: "r", FirstLookback: 5 * 24 * time.Hour},
		Deps{History: client, Reporter: &fakeReporter{}, Poster: &fakePoster{}, Store: st, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Fatalf("wire violations: %v", v)
	}
	want := 0
	for _, c := range confs {
		if !c.Info.End.IsZero() && !c.Info.End.After(now) {
			want++
			if _, ok, err := st.Get(t.Context(), normUUID(c.Info.ConfUUID), "CALL"); err != nil || !ok {
				t.Errorf("conference %s (%s) not scheduled: %v", c.Info.ConfUUID, c.Info.Subject, err)
			}
		}
	}
	if n, _ := st.Count(t.Context(), store.StatePending); n != want || want == 0 {
		t.Errorf("pending = %d; want %d concluded sample meetings", n, want)
	}
}

// TestPollLeaseReleasedOnStop: a replica that stops hands the poll lease
// over, so another polls at once instead of after the lease runs out.
func TestPollLeaseReleasedOnStop(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		a := newEnv(t, url, Config{Owner: "a", PollInterval: 5 * time.Minute})
		b := newEnv(t, url, Config{Owner: "b", PollInterval: 5 * time.Minute})
		if err := a.svc.Poll(t.Context()); err != nil {
			t.Fatal(err)
		}
		stopped, cancel := context.WithCancel(t.Context())
		cancel()
		a.svc.pollLoop(stopped) // returns at once, releasing the lease
		if err := b.svc.Poll(t.Context()); err != nil {
			t.Fatal(err)
		}
		if b.history.Calls() != 1 {
			t.Errorf("b's history calls = %d; want 1 right after a stopped", b.history.Calls())
		}
	})
}
