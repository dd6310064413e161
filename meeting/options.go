package meeting

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Option configures a Client. Options are applied in order by NewClient, which
// returns the first error an option reports.
type Option func(*Client) error

// WithHTTPClient sets the HTTP client. The default has a 30 s timeout per
// attempt and its own transport.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("nil http client")
		}
		c.hc = hc
		return nil
	}
}

// WithAppAuth logs in with App ID authentication (POST /v2/usg/acs/auth/appauth).
// userID and corpID are optional; corpID selects service-provider mode.
func WithAppAuth(appID string, appKey Secret, userID, corpID string) Option {
	return func(c *Client) error {
		if appID == "" || appKey == "" {
			return errors.New("app auth needs an app ID and an app key")
		}
		return c.setAuth(&appAuth{appID: appID, appKey: appKey, userID: userID, corpID: corpID})
	}
}

// WithAccountAuth logs in with account and password (POST /v1/usg/acs/auth/account).
func WithAccountAuth(account string, password Secret) Option {
	return func(c *Client) error {
		if account == "" || password == "" {
			return errors.New("account auth needs an account and a password")
		}
		return c.setAuth(&accountAuth{account: account, password: password})
	}
}

// WithStaticToken uses a token obtained elsewhere. It is never renewed; a 401
// ends with ErrUnauthorized.
func WithStaticToken(token Secret) Option {
	return func(c *Client) error {
		if token == "" {
			return errors.New("empty static token")
		}
		return c.setAuth(&staticAuth{token: token})
	}
}

// WithRateLimit sets the request rate of this client (default 10 per second,
// burst max(1, floor(perSecond))). math.Inf(1) removes the limit. The limiter
// is waited on before every HTTP attempt: logins, refreshes and retries too.
func WithRateLimit(perSecond float64) Option {
	return func(c *Client) error {
		if !(perSecond > 0) {
			return fmt.Errorf("rate limit must be positive, got %v", perSecond)
		}
		c.limiter = newLimiter(perSecond)
		return nil
	}
}

// WithLimiter shares an existing limiter, for processes that run several
// clients against one account. It replaces WithRateLimit.
func WithLimiter(l *rate.Limiter) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("nil limiter")
		}
		c.limiter = l
		return nil
	}
}

func newLimiter(perSecond float64) *rate.Limiter {
	if math.IsInf(perSecond, 1) {
		return rate.NewLimiter(rate.Inf, 1)
	}
	return rate.NewLimiter(rate.Limit(perSecond), max(1, int(math.Floor(math.Min(perSecond, 1e6)))))
}

// WithMaxInFlight bounds how many requests of this client run at once
// (default 16), across all callers. Attendee records and history lists go
// before invite lists, and among equals the meeting with the fewest
// requests in flight goes first. A request holds its slot for at most
// DefaultSlotLease: one still running after that no longer counts, so
// requests that hang cannot take every slot.
func WithMaxInFlight(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("max in flight must be at least 1, got %d", n)
		}
		c.maxInFlight = n
		return nil
	}
}

// WithRequestTimeout bounds one HTTP attempt, reading the answer included
// (default 10 s). An attempt that takes longer is abandoned and retried like
// any timeout, so one hanging request cannot hold a lookup until its caller
// gives up.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("request timeout must be positive, got %v", d)
		}
		c.timeout = d
		return nil
	}
}

// WithLanguage sets Accept-Language: "en-US" (default) or "zh-CN". It selects
// the language of the server's labels (device type, media type) and messages.
func WithLanguage(lang string) Option {
	return func(c *Client) error {
		switch lang {
		case "en-US", "zh-CN":
			c.lang = lang
			return nil
		}
		return fmt.Errorf("language must be en-US or zh-CN, got %q", lang)
	}
}

// WithMaxRecords caps how many records one call returns (default 100000).
// A larger list ends with an error satisfying ErrTooManyRecords, decided from
// the first page's count before the rest is fetched.
func WithMaxRecords(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("max records must be at least 1, got %d", n)
		}
		c.maxRecords = n
		return nil
	}
}

// WithCache sets the caches of attendee records and of invite lists: each
// keeps at most records records (invitees, for the invite lists; default
// DefaultCacheRecords), the least recently used going first, each for ttl
// (default 10 minutes). The bound is in records because a record is what
// costs memory (about 135 bytes cached, see BenchmarkCacheHeld): 64 town
// halls of 100,000 records would be 860 MB, 64 stand-ups nothing. A list
// longer than records is not kept. Zero records disables caching;
// concurrent calls for one conference still share one fetch. Conference
// info (ConferenceInfo: subject and times) is kept for 64 conferences
// whatever the setting: it does not change once a meeting concluded.
func WithCache(records int, ttl time.Duration) Option {
	return func(c *Client) error {
		if records < 0 || (records > 0 && ttl <= 0) {
			return fmt.Errorf("cache needs records >= 0 and a positive ttl, got %d, %v", records, ttl)
		}
		c.cacheRecords, c.cacheTTL = records, ttl
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default "attendees-bot/dev");
// pass "attendees-bot/<version>".
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" {
			return errors.New("empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithLogger sets the logger for retries and renewals (default: discard).
// Nothing secret is ever logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("nil logger")
		}
		c.log = l
		return nil
	}
}

// WithRequestHook calls f after every HTTP attempt, from the goroutine that
// made it; f must be fast and safe for concurrent use.
func WithRequestHook(f func(RequestEvent)) Option {
	return func(c *Client) error { c.requestHook = f; return nil }
}

// WithCacheHook calls f once per Attendees/SearchAttendees lookup that passed
// validation: hit is true when the answer came without a fetch of its own (from
// the cache, or by joining a fetch another caller had started).
func WithCacheHook(f func(hit bool)) Option {
	return func(c *Client) error { c.cacheHook = f; return nil }
}

// WithClock sets the clock used for token expiry, cache TTLs, login request
// times and history windows (default time.Now). The rate limiter and retry
// sleeps use real time.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return errors.New("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithHistoryWindow sets how far back ConferencesByMeetingID searches
// (default 180 days, the server's default retention).
func WithHistoryWindow(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("history window must be positive, got %v", d)
		}
		c.historyWindow = d
		return nil
	}
}
