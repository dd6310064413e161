package meeting

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Default hosts.
const (
	DefaultBaseURL       = "https://api.meeting.huaweicloud.com"
	InternationalBaseURL = "https://api-intl.meeting.huaweicloud.com"
)

// Defaults of a Client.
const (
	DefaultRateLimit     = 10
	DefaultMaxInFlight   = 16
	DefaultLanguage      = "en-US"
	DefaultMaxRecords    = 100000
	DefaultCacheRecords  = 200000 // records, and as many invitees; see WithCache
	DefaultCacheTTL      = 10 * time.Minute
	DefaultUserAgent     = "attendees-bot/dev"
	DefaultHistoryWindow = 180 * 24 * time.Hour
	DefaultTimeout       = 10 * time.Second // per HTTP attempt, body included
)

// Bounds on what the server can make the client hold. A page of 500 records
// is about 100 KB, so MaxPageBytes only stops a broken or hostile answer; a
// record field (a name, a department) is cut to MaxFieldBytes; one list
// (all pages of one lookup) may read MaxListBytes of answers. Past a bound
// the call fails with ErrTooLarge: nothing is silently dropped.
const (
	MaxPageBytes  = 4 << 20
	MaxFieldBytes = 1 << 10
	MaxListBytes  = 32 << 20
)

// infoCacheEntries is how many conferences' subject and times are kept
// (a few hundred bytes each).
const infoCacheEntries = 64

// RequestEvent describes one HTTP attempt the client made (for metrics and logs).
type RequestEvent struct {
	Op        string // "appauth", "account", "refresh", "attendees", "history", "confdetail"
	Status    int    // 0 when no response arrived
	Duration  time.Duration
	RequestID string
	Attempt   int // 1-based
	Err       error
}

// Client talks to Huawei Cloud Meeting. It holds one token, one rate limiter,
// one page-request semaphore and one cache shared by every caller. It is safe
// for concurrent use; create one per process and credential. Build it with
// NewClient; the zero value is not usable.
type Client struct {
	base          *url.URL
	hc            *http.Client
	auth          authSource
	limiter       *rate.Limiter
	maxInFlight   int
	sched         *sched
	timeout       time.Duration // per attempt
	maxListBytes  int64
	lang          string
	maxRecords    int
	cacheRecords  int
	cacheTTL      time.Duration
	userAgent     string
	log           *slog.Logger
	requestHook   func(RequestEvent)
	cacheHook     func(hit bool)
	now           func() time.Time
	historyWindow time.Duration
	retry         retryPolicy

	tokens        tokenStore
	reach         reach // how the latest requests went, for Ping
	cache         *lruCache[[]Attendee]
	attendees     flightGroup[[]Attendee]
	detailCache   *lruCache[*ConferenceDetail]
	detailFlights flightGroup[*ConferenceDetail]
	infoCache     *lruCache[Conference]
	infoFlights   flightGroup[Conference]

	// firstPages are the invite lists being read whose first page, which
	// brings the conference itself, has not come yet (by confUUID): a
	// ConferenceInfo meanwhile waits for it instead of asking again.
	firstMu    sync.Mutex
	firstPages map[string]chan struct{}
	onInfoWait func() // tests: called when ConferenceInfo waits for a first page
}

// NewClient returns a client for baseURL (DefaultBaseURL or
// InternationalBaseURL, or a test server). Exactly one of WithAppAuth,
// WithAccountAuth and WithStaticToken is required.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		// The URL is not echoed: it may hold a password.
		return nil, fmt.Errorf("new meeting client: base URL must be an http(s) URL like %s, without user name, password, query or fragment", DefaultBaseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	c := &Client{
		base:          u,
		hc:            &http.Client{Timeout: DefaultTimeout, Transport: newTransport()},
		limiter:       newLimiter(DefaultRateLimit),
		maxInFlight:   DefaultMaxInFlight,
		timeout:       DefaultTimeout,
		maxListBytes:  MaxListBytes,
		lang:          DefaultLanguage,
		maxRecords:    DefaultMaxRecords,
		cacheRecords:  DefaultCacheRecords,
		cacheTTL:      DefaultCacheTTL,
		userAgent:     DefaultUserAgent,
		log:           slog.New(slog.DiscardHandler),
		now:           time.Now,
		historyWindow: DefaultHistoryWindow,
		retry:         defaultRetry,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("new meeting client: %w", err)
		}
	}
	if c.auth == nil {
		return nil, errors.New("new meeting client: no credentials: use WithAppAuth, WithAccountAuth or WithStaticToken")
	}
	// The token goes in X-Access-Token, which net/http does not strip on a
	// redirect to another host: refuse such redirects, on a copy so a
	// caller's client is left as it was.
	hc := *c.hc
	hc.CheckRedirect = c.checkRedirect
	c.hc = &hc
	c.sched = newSched(c.limiter, c.maxInFlight, DefaultSlotLease)
	c.cache = newLRUCache(c.cacheRecords, c.cacheTTL, func(r []Attendee) int { return len(r) })
	c.detailCache = newLRUCache(c.cacheRecords, c.cacheTTL, func(d *ConferenceDetail) int { return len(d.Participants) })
	// Conference info (subject, times) is kept even with the cache off: a
	// concluded meeting's never changes, and a lookup whose invite list is
	// late needs what the list's first page brought (ConferenceInfo).
	c.infoCache = newLRUCache(infoCacheEntries, cmp.Or(c.cacheTTL, DefaultCacheTTL), func(Conference) int { return 1 })
	return c, nil
}

// checkRedirect follows a redirect only to the base URL's scheme and host.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != c.base.Scheme || req.URL.Host != c.base.Host {
		return &permanentError{fmt.Errorf("meeting api redirected to %s://%s, another host than %s: not followed, the access token stays here: %w",
			req.URL.Scheme, req.URL.Host, c.base.Host, ErrUnavailable)}
	}
	if len(via) >= 10 {
		return &permanentError{fmt.Errorf("meeting api: stopped after 10 redirects: %w", ErrUnavailable)}
	}
	return nil
}

func (c *Client) setAuth(a authSource) error {
	if c.auth != nil {
		return errors.New("more than one credential option: use exactly one of WithAppAuth, WithAccountAuth, WithStaticToken")
	}
	c.auth = a
	return nil
}

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}
