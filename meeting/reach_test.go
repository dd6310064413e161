package meeting_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// Ping says whether the meeting API answers, with a static token too (no
// login to fail): from the latest requests, asking one history row itself
// when nothing was asked lately, no more than that, and failing only after
// three attempts in a row without an answer, never on a lone 5xx.
func TestPingFollowsTheAPI(t *testing.T) {
	clock := newTestClock()
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClientAuth(t, fake, meeting.WithStaticToken(testStatic), meeting.WithClock(clock.Now))
	var s sleeps
	meeting.SetRetrySleep(c.Client, s.sleep)
	pings := func() int { return fake.Count(meetingfake.OpHistory) }
	step := func(name string, advance time.Duration, wantErr error, wantPings int) {
		t.Helper()
		clock.Advance(advance)
		err := c.Ping(t.Context())
		if (wantErr == nil) != (err == nil) || wantErr != nil && !errors.Is(err, wantErr) || pings() != wantPings {
			t.Errorf("%s: Ping = %v after %d requests of its own; want %v after %d", name, err, pings(), wantErr, wantPings)
		}
	}
	step("first", 0, nil, 1)
	step("fresh", 10*time.Second, nil, 1)
	step("stale", 25*time.Second, nil, 2)
	fake.SetDown(true)
	step("one 5xx", 31*time.Second, nil, 3)
	step("two", 11*time.Second, nil, 4)
	step("three in a row", 11*time.Second, meeting.ErrUnavailable, 5)
	step("still fresh: not asked again", 5*time.Second, meeting.ErrUnavailable, 5)
	fake.SetDown(false)
	step("answers again", 6*time.Second, nil, 6)

	// A lookup's attempts count: four 503s (its retries) fail Ping at
	// once, one answer after them makes it pass, without Ping asking.
	fake.SetDown(true)
	if _, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID); !errors.Is(err, meeting.ErrUnavailable) {
		t.Fatalf("Attendees on a down API = %v", err)
	}
	step("after a failed lookup", time.Second, meeting.ErrUnavailable, 6)
	fake.SetDown(false)
	if _, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID); err != nil {
		t.Fatal(err)
	}
	step("after a lookup", time.Second, nil, 6)
	fake.FailNext(meetingfake.OpAttendees, 1, meetingfake.Failure{Status: 502})
	if _, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID); err != nil {
		t.Fatal(err) // retried
	}
	step("a lone 502 among answers", time.Second, nil, 6)
}

// A static token the API no longer takes fails Ping: the API answers, but
// not to this bot.
func TestPingRefusedToken(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClientAuth(t, fake, meeting.WithStaticToken("revoked-token-0123"))
	if err := c.Ping(t.Context()); !errors.Is(err, meeting.ErrUnauthorized) {
		t.Errorf("Ping with a refused token = %v; want ErrUnauthorized", err)
	}
}

// Pings at once share the one probe and wait for it: one that arrives
// while it is under way judges on its outcome, not on the state from
// before it (two failures: it would pass).
func TestConcurrentPingsWaitForTheProbe(t *testing.T) {
	clock := newTestClock()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	var blocking atomic.Bool
	fake := startFake(t, meetingfake.Config{
		Conferences: meetingfake.Sample(time.Now()),
		OnRequest: func(op string, _ *http.Request) {
			if op == meetingfake.OpHistory && blocking.Load() {
				entered <- struct{}{}
				<-release
			}
		},
	})
	// The second Ping reads the clock once it has judged the state stale,
	// right before it probes: then the first's probe may answer.
	var second atomic.Pointer[chan struct{}]
	now := func() time.Time {
		if ch := second.Swap(nil); ch != nil {
			close(*ch)
		}
		return clock.Now()
	}
	c := newClientAuth(t, fake, meeting.WithStaticToken(testStatic), meeting.WithClock(now))
	fake.SetDown(true)
	for range 2 { // two attempts without an answer: Ping still passes
		clock.Advance(time.Minute)
		if err := c.Ping(t.Context()); err != nil {
			t.Fatalf("Ping after one or two 503s = %v; want none", err)
		}
	}

	clock.Advance(time.Minute)
	blocking.Store(true)
	errs := make(chan error, 2)
	go func() { errs <- c.Ping(t.Context()) }()
	<-entered // the first Ping's probe is at the API
	judged := make(chan struct{})
	second.Store(&judged)
	go func() { errs <- c.Ping(t.Context()) }()
	<-judged
	close(release)
	for range 2 {
		if err := <-errs; !errors.Is(err, meeting.ErrUnavailable) {
			t.Errorf("Ping during the third 503 = %v; want ErrUnavailable", err)
		}
	}
	if got := fake.Count(meetingfake.OpHistory); got != 3 {
		t.Errorf("history requests = %d; want 3, the concurrent Pings' shared", got)
	}
}
