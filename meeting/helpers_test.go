package meeting_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

const (
	testAppID    = "test-app-id"
	testAppKey   = "test-app-key-SECRET-0123456789"
	testAccount  = "bot@example.com"
	testPassword = "test-password-SECRET"
	testStatic   = "static-token-SECRET-abcdef"
)

// startFake starts a fake with test credentials and fails the test if the
// fake saw any protocol violation.
func startFake(t testing.TB, cfg meetingfake.Config) *meetingfake.Server {
	t.Helper()
	cfg.AppID, cfg.AppKey = testAppID, testAppKey
	cfg.Account, cfg.Password = testAccount, testPassword
	if cfg.StaticToken == "" {
		cfg.StaticToken = testStatic
	}
	fake, err := meetingfake.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		fake.Close()
		if v := fake.Violations(); len(v) > 0 {
			t.Errorf("fake saw protocol violations:\n%v", v)
		}
	})
	return fake
}

// sleeps records retry waits without waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) list() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// events records request events.
type events struct {
	mu  sync.Mutex
	all []meeting.RequestEvent
}

func (e *events) hook(ev meeting.RequestEvent) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

func (e *events) list() []meeting.RequestEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]meeting.RequestEvent(nil), e.all...)
}

// syncBuffer is a bytes.Buffer safe for a logger used from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testClient struct {
	*meeting.Client
	sleeps *sleeps
	events *events
	log    *syncBuffer
}

// newClient returns an app-auth client of the fake with no rate limit and
// recorded (not performed) retry sleeps; opts come last and override.
func newClient(t testing.TB, fake *meetingfake.Server, opts ...meeting.Option) *testClient {
	t.Helper()
	return newClientAuth(t, fake, appAuth(), opts...)
}

// newClientAuth is newClient with another credential option.
func newClientAuth(t testing.TB, fake *meetingfake.Server, auth meeting.Option, opts ...meeting.Option) *testClient {
	t.Helper()
	tc := &testClient{sleeps: &sleeps{}, events: &events{}, log: &syncBuffer{}}
	base := []meeting.Option{
		meeting.WithRateLimit(math.Inf(1)),
		meeting.WithRequestHook(tc.events.hook),
		meeting.WithLogger(slog.New(slog.NewTextHandler(tc.log, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		meeting.WithHTTPClient(&http.Client{Timeout: 10 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}),
	}
	base = append(base, auth)
	c, err := meeting.NewClient(fake.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	meeting.SetRetrySleep(c, tc.sleeps.sleep)
	tc.Client = c
	return tc
}

// appAuth is the default auth option, for tests that pass other options.
func appAuth() meeting.Option { return meeting.WithAppAuth(testAppID, testAppKey, "", "") }

// manyRecords makes n distinct records.
func manyRecords(n int) []meeting.Attendee {
	recs := make([]meeting.Attendee, n)
	for i := range recs {
		recs[i] = meeting.Attendee{DisplayName: fmt.Sprintf("Person %05d", i), CallNumber: fmt.Sprintf("+1555%07d", i),
			DeviceType: "Soft client", MediaType: "Video", JoinTime: 1_700_000_000_000 + int64(i), LeftTime: 1_700_000_600_000}
	}
	return recs
}

const bigUUID = "0123456789abcdef0123456789abcdef"

func bigConference(n int) meetingfake.Conference {
	return meetingfake.Conference{
		Info:    meeting.Conference{ConferenceID: "9609999999", ConfUUID: bigUUID, Subject: "big", Start: time.Now().Add(-2 * time.Hour), End: time.Now().Add(-time.Hour)},
		Records: manyRecords(n),
	}
}

// testClock is a settable clock shared by client and fake.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *testClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
