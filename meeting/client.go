package meeting

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
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

// request is one API call, independent of attempts.
type request struct {
	op     string
	method string
	path   string
	query  url.Values
	body   []byte
	header http.Header // extra headers (login authorization)
	prio   int         // prioRecords or prioInvites
	key    string      // the conference it is for, for fairness between meetings
}

// response is a successful answer.
type response struct {
	body      []byte
	requestID string
}

// call makes an authenticated API call: it attaches the token, and on a 401 /
// USG.000000004 drops the token, logs in again and retries once.
func (c *Client) call(ctx context.Context, req request) (*response, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req, tok)
	if err == nil || !unauthorized(err) || !c.auth.renewable() {
		return resp, err
	}
	c.log.InfoContext(ctx, "meeting api: token rejected, logging in again", "op", req.op, "error", err)
	c.tokens.invalidate(tok)
	if tok, err = c.token(ctx); err != nil {
		return nil, err
	}
	return c.send(ctx, req, tok)
}

// send makes a request with retries: 429, 5xx, timeouts and connection errors
// are retried with backoff (honouring Retry-After) up to retry.attempts in all,
// never past the context. The limiter is waited on before every attempt.
func (c *Client) send(ctx context.Context, req request, tok Secret) (*response, error) {
	for attempt := 1; ; attempt++ {
		resp, retryAfter, err := c.attempt(ctx, req, tok, attempt)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", req.op, context.Cause(ctx))
		}
		if !retryable(err) || attempt >= c.retry.attempts {
			return nil, finalError(req.op, err)
		}
		wait := c.retry.backoff(attempt, retryAfter)
		if dl, ok := deadlineOf(ctx); ok && time.Until(dl) < wait {
			return nil, finalError(req.op, err) // waiting cannot help
		}
		c.log.WarnContext(ctx, "meeting api: retrying", "op", req.op, "attempt", attempt, "wait", wait, "error", err)
		if err := c.retry.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", req.op, err)
		}
	}
}

// finalError gives an error that ends the retries its meaning: transport
// failures are wrapped so they satisfy ErrUnavailable.
func finalError(op string, err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) || errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
}

// attempt makes one HTTP exchange. It returns the Retry-After delay of a
// 429/503 answer, if any.
func (c *Client) attempt(ctx context.Context, req request, tok Secret, n int) (resp *response, retryAfter time.Duration, err error) {
	release, err := c.sched.acquire(ctx, req.prio, req.key)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, context.Cause(ctx)
		}
		return nil, 0, &permanentError{fmt.Errorf("rate limiter: %w", err)}
	}
	defer release()
	// The attempt's own deadline: one request that hangs is abandoned and
	// retried, not waited for until the caller gives up.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	hreq, err := c.newHTTPRequest(ctx, req, tok)
	if err != nil {
		return nil, 0, &permanentError{err}
	}
	start := time.Now()
	ev := RequestEvent{Op: req.op, Attempt: n}
	defer func() {
		ev.Duration = time.Since(start)
		ev.Err = err
		c.reach.record(ev, c.now())
		if c.requestHook != nil {
			c.requestHook(ev)
		}
	}()
	hresp, err := c.hc.Do(hreq)
	if err != nil {
		// net/http names the whole URL, query and all; logs get its host.
		return nil, 0, c.scrubErr(HideURLPath(err))
	}
	defer hresp.Body.Close()
	ev.Status = hresp.StatusCode
	ev.RequestID = hresp.Header.Get("X-Request-Id")
	requestIDsFrom(ctx).add(ev.RequestID)

	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(hresp.Body, maxErrorBody))
		apiErr := parseError(hresp.StatusCode, ev.RequestID, body)
		apiErr.Message = c.scrub(apiErr.Message)
		return nil, parseRetryAfter(hresp.Header.Get("Retry-After"), time.Now()), apiErr
	}
	if hresp.ContentLength > MaxPageBytes {
		return nil, 0, &permanentError{tooLarge(ev.RequestID, hresp.ContentLength)}
	}
	body, err := readBody(hresp)
	if err != nil {
		return nil, 0, fmt.Errorf("read response (request id %s): %w", ev.RequestID, c.scrubErr(err))
	}
	if len(body) > MaxPageBytes {
		return nil, 0, &permanentError{tooLarge(ev.RequestID, -1)}
	}
	return &response{body: body, requestID: ev.RequestID}, 0, nil
}

// readBody reads a success body of at most MaxPageBytes+1 bytes (more is
// the caller's error). With the size announced it reads into a buffer of
// that size: io.ReadAll grows one by doubling, about three times the
// garbage per page, which is most of what a large lookup allocates.
func readBody(resp *http.Response) ([]byte, error) {
	r := io.LimitReader(resp.Body, MaxPageBytes+1)
	n := resp.ContentLength
	if n <= 0 || n > MaxPageBytes {
		return io.ReadAll(r)
	}
	body := make([]byte, n, n+1)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	// A body longer than announced is a broken answer: keep one byte of the
	// rest so the size check sees it.
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		body = append(body, extra[0])
	}
	return body, nil
}

// tooLarge describes an answer over MaxPageBytes; size is -1 when unknown.
func tooLarge(requestID string, size int64) error {
	if size < 0 {
		return fmt.Errorf("answer larger than %d bytes (request id %s): %w", MaxPageBytes, requestID, ErrTooLarge)
	}
	return fmt.Errorf("answer of %d bytes, more than %d (request id %s): %w", size, MaxPageBytes, requestID, ErrTooLarge)
}

func (c *Client) newHTTPRequest(ctx context.Context, req request, tok Secret) (*http.Request, error) {
	u := *c.base
	u.Path += req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range req.header {
		hreq.Header[k] = v
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("Accept-Language", c.lang)
	if req.body != nil {
		hreq.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	if tok != "" {
		hreq.Header.Set("X-Access-Token", tok.Reveal())
	}
	return hreq, nil
}

// scrub removes every credential the client knows from s: a server or proxy
// that echoes a header into its error message must not leak it into our logs.
func (c *Client) scrub(s string) string {
	for _, secret := range c.secrets() {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

func (c *Client) scrubErr(err error) error {
	if msg := err.Error(); c.scrub(msg) != msg {
		return &scrubbedError{msg: c.scrub(msg), err: err}
	}
	return err
}

// scrubbedError hides the text of an error that mentioned a credential while
// keeping it available to errors.Is/As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func (c *Client) secrets() []string {
	s := c.auth.secrets()
	return append(s, c.tokens.secrets()...)
}
