package meeting_test

import (
	"errors"
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
