package meeting_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

func TestNewClientValidates(t *testing.T) {
	auth := meeting.WithStaticToken("tok")
	tests := []struct {
		name string
		url  string
		opts []meeting.Option
		ok   bool
	}{
		{"default host", meeting.DefaultBaseURL, []meeting.Option{auth}, true},
		{"international host", meeting.InternationalBaseURL, []meeting.Option{auth}, true},
		{"trailing slash", "https://example.com/", []meeting.Option{auth}, true},
		{"no auth", meeting.DefaultBaseURL, nil, false},
		{"two auths", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithAccountAuth("a", "p")}, false},
		{"empty url", "", []meeting.Option{auth}, false},
		{"no scheme", "api.meeting.huaweicloud.com", []meeting.Option{auth}, false},
		{"ftp", "ftp://example.com", []meeting.Option{auth}, false},
		{"query", "https://example.com?x=1", []meeting.Option{auth}, false},
		{"user info", "https://u:p@example.com", []meeting.Option{auth}, false},
		{"empty app key", meeting.DefaultBaseURL, []meeting.Option{meeting.WithAppAuth("id", "", "", "")}, false},
		{"empty static token", meeting.DefaultBaseURL, []meeting.Option{meeting.WithStaticToken("")}, false},
		{"zero rate", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithRateLimit(0)}, false},
		{"NaN rate", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithRateLimit(math.NaN())}, false},
		{"infinite rate", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithRateLimit(math.Inf(1))}, true},
		{"zero in flight", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithMaxInFlight(0)}, false},
		{"bad language", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithLanguage("fr-FR")}, false},
		{"zh-CN", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithLanguage("zh-CN")}, true},
		{"no cache", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithCache(0, 0)}, true},
		{"cache without ttl", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithCache(5, 0)}, false},
		{"zero max records", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithMaxRecords(0)}, false},
		{"nil http client", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithHTTPClient(nil)}, false},
		{"zero window", meeting.DefaultBaseURL, []meeting.Option{auth, meeting.WithHistoryWindow(0)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := meeting.NewClient(tt.url, tt.opts...)
			if (err == nil) != tt.ok || (c != nil) != tt.ok {
				t.Errorf("NewClient(%q) = %v, %v; want ok=%v", tt.url, c, err, tt.ok)
			}
		})
	}
}

// TestRequestHeaders checks what the fake cannot: the exact User-Agent and
// language, and that deprecated headers are absent (the fake also checks).
func TestRequestHeaders(t *testing.T) {
	var got http.Header
	fake := startFake(t, meetingfake.Config{
		Conferences: meetingfake.Sample(time.Now()),
		OnRequest: func(op string, r *http.Request) {
			if op == meetingfake.OpAttendees {
				got = r.Header.Clone()
			}
		},
	})
	c := newClient(t, fake, meeting.WithUserAgent("attendees-bot/1.2.3"), meeting.WithLanguage("zh-CN"))
	if _, err := c.Attendees(t.Context(), meetingfake.SampleChineseUUID); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]string{"User-Agent": "attendees-bot/1.2.3", "Accept-Language": "zh-CN", "X-Authorization-Type": "", "X-Site-Id": ""} {
		if v := got.Get(h); v != want {
			t.Errorf("header %s = %q; want %q", h, v, want)
		}
	}
	if got.Get("X-Access-Token") == "" {
		t.Error("no X-Access-Token sent")
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"0", 0},
		{"-1", 0},
		{"soon", 0},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{now.Add(-5 * time.Second).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := meeting.ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestRequestIDsCollected(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake, meeting.WithCache(0, 0))
	var ids meeting.RequestIDs
	ctx := meeting.WithRequestIDs(t.Context(), &ids)
	if _, err := c.Attendees(ctx, meetingfake.SampleTownHallUUID); err != nil {
		t.Fatal(err)
	}
	// One login and three pages.
	if got := ids.List(); len(got) != 4 || len(got[0]) != 32 {
		t.Errorf("request IDs = %q; want 4 IDs of 32 characters", got)
	}
	var other meeting.RequestIDs
	if _, err := c.Attendees(meeting.WithRequestIDs(t.Context(), &other), meetingfake.SampleSyncUUID); err != nil {
		t.Fatal(err)
	}
	if len(other.List()) != 1 || len(ids.List()) != 4 {
		t.Errorf("second context got %q, first now %d; want 1 and still 4", other.List(), len(ids.List()))
	}
}

func TestServerDown(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake)
	fake.SetDown(true)
	err := c.Ping(t.Context())
	var apiErr *meeting.Error
	if !errors.Is(err, meeting.ErrUnavailable) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 503 || apiErr.RequestID == "" {
		t.Fatalf("Ping on a down server = %v; want a 503 *Error with a request id", err)
	}
	if n := fake.Count(meetingfake.OpAppAuth); n != 4 {
		t.Errorf("%d login attempts; want 4", n)
	}
	fake.SetDown(false)
	if err := c.Ping(t.Context()); err != nil {
		t.Errorf("Ping after recovery: %v", err)
	}
}

func TestConnectionErrorIsUnavailable(t *testing.T) {
	fake := startFake(t, meetingfake.Config{})
	url := fake.URL
	fake.Close()
	c, err := meeting.NewClient(url, meeting.WithStaticToken(testStatic), meeting.WithRateLimit(math.Inf(1)))
	if err != nil {
		t.Fatal(err)
	}
	var s sleeps
	meeting.SetRetrySleep(c, s.sleep)
	_, err = c.Attendees(t.Context(), bigUUID)
	if !errors.Is(err, meeting.ErrUnavailable) || len(s.list()) != 3 {
		t.Errorf("Attendees on a closed port = %v after %d waits; want ErrUnavailable after 3", err, len(s.list()))
	}
	if strings.Contains(err.Error(), testStatic) {
		t.Errorf("error %q contains the token", err)
	}
	// The error goes to logs: the host, not the path (the conference) or
	// the query (paging), and still a *url.Error for errors.As.
	var ue *neturl.Error
	if !strings.Contains(err.Error(), `"`+url+`/…"`) || strings.Contains(err.Error(), "confUUID=") || strings.Contains(err.Error(), "/v1/") || !errors.As(err, &ue) {
		t.Errorf("Attendees on a closed port = %q; want a *url.Error naming %s/… only", err, url)
	}
}

func TestContextDeadlineStopsRetries(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c, err := meeting.NewClient(fake.URL, meeting.WithStaticToken(testStatic), meeting.WithRateLimit(math.Inf(1)))
	if err != nil {
		t.Fatal(err)
	}
	fake.FailNext(meetingfake.OpAttendees, 1, meetingfake.Failure{Status: 429, RetryAfter: "3600"})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.Attendees(ctx, meetingfake.SampleSyncUUID)
	if !errors.Is(err, meeting.ErrRateLimited) || time.Since(start) > 2*time.Second {
		t.Errorf("Attendees = %v after %v; want an immediate ErrRateLimited (Retry-After beyond the deadline)", err, time.Since(start))
	}
}

func TestTimeoutIsUnavailable(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now()), Latency: time.Minute})
	c := newClientAuth(t, fake, meeting.WithStaticToken(testStatic), meeting.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	_, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	if !errors.Is(err, meeting.ErrUnavailable) || fake.Count(meetingfake.OpAttendees) != 4 {
		t.Errorf("Attendees with a server slower than the timeout = %v after %d attempts; want ErrUnavailable after 4", err, fake.Count(meetingfake.OpAttendees))
	}
}
