package meetingfake

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// Conference is one conference the fake serves.
type Conference struct {
	Info    meeting.Conference
	Records []meeting.Attendee
	Invited []meeting.Participant
	// Lost: the history list has it, but its records are answered 400
	// MMC.111070005 (the conference does not exist), as for a run whose
	// records the service no longer has.
	Lost bool
}

// Config configures a Server. Zero values mean: accept the credentials below
// (a login with empty credentials is refused), no latency, no rate limit.
type Config struct {
	AppID, AppKey     string // app auth credentials checked via HMAC
	Account, Password string
	StaticToken       string // if set, this token is accepted without login
	Latency           time.Duration
	RatePerSecond     float64 // token bucket; 0 = unlimited; over it → 429
	Burst             int     // bucket size; 0 means max(1, floor(RatePerSecond))
	MaxConcurrent     int     // >0: more concurrent requests than this → 429
	TokenTTL          time.Duration
	Conferences       []Conference

	// RateGrace forgives arrival jitter: a request is admitted while the bucket
	// holds at least 1 − RatePerSecond×RateGrace tokens. A client that sends at
	// exactly the bucket's rate sees its requests arrive with microseconds of
	// scheduling noise, which an exact fractional bucket would punish at random.
	// 0 means 25 ms (loopback scheduling noise under -race and load reaches
	// several milliseconds); negative means exact.
	RateGrace time.Duration
	// Clock is the time used for token expiry (default time.Now), so tests can
	// expire tokens without waiting. The bucket and latency use real time.
	Clock func() time.Time
	// OnRequest, if set, is called for every request after it is counted and
	// before it is admitted or served; tests use it to observe or hold requests.
	OnRequest func(op string, r *http.Request)
}

// Failure is a canned answer served instead of the real one (see FailNext).
type Failure struct {
	Status      int
	Code        string // error_code; default "FAKE.<status>"
	Message     string // error_msg
	RetryAfter  string // Retry-After header, if set
	Body        string // raw body replacing the JSON error body (HTML page, malformed JSON, ...)
	ContentType string // with Body; default text/html
}

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	URL string

	cfg    Config
	srv    *http.Server
	closed chan struct{}
	wg     sync.WaitGroup
	seed   uint64

	mu          sync.Mutex
	down        bool
	seq         uint64
	counts      map[string]int
	violations  []string
	failures    map[string][]Failure
	tokens      map[string]time.Time // access token → expiry (zero: never)
	refresh     map[string]time.Time
	confs       map[string]*Conference // by normalised confUUID
	order       []*Conference
	bucket      float64
	bucketAt    time.Time
	throttled   int
	inflight    int
	maxInflight int
	arrivals    []time.Time
}

// Ops the fake distinguishes, as reported by Count and meeting.RequestEvent.
const (
	OpAppAuth    = "appauth"
	OpAccount    = "account"
	OpRefresh    = "refresh"
	OpAttendees  = "attendees"
	OpHistory    = "history"
	OpConfDetail = "confdetail"
)

// Start listens on 127.0.0.1:0 and serves until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 12 * time.Hour
	}
	if cfg.Burst <= 0 {
		cfg.Burst = max(1, int(math.Floor(cfg.RatePerSecond)))
	}
	if cfg.RateGrace == 0 {
		cfg.RateGrace = 25 * time.Millisecond
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("meetingfake: listen: %w", err)
	}
	var seed [8]byte
	_, _ = rand.Read(seed[:])
	s := &Server{
		URL:      "http://" + ln.Addr().String(),
		cfg:      cfg,
		closed:   make(chan struct{}),
		seed:     binary.BigEndian.Uint64(seed[:]),
		counts:   make(map[string]int),
		failures: make(map[string][]Failure),
		tokens:   make(map[string]time.Time),
		refresh:  make(map[string]time.Time),
		confs:    make(map[string]*Conference),
		bucket:   float64(cfg.Burst),
		bucketAt: time.Now(),
	}
	for i := range cfg.Conferences {
		conf := cfg.Conferences[i] // copy: the caller's slices stay theirs
		conf.Records = append([]meeting.Attendee(nil), conf.Records...)
		conf.Invited = append([]meeting.Participant(nil), conf.Invited...)
		s.confs[normUUID(conf.Info.ConfUUID)] = &conf
		s.order = append(s.order, &conf)
	}
	if cfg.StaticToken != "" {
		s.tokens[cfg.StaticToken] = time.Time{}
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and waits for running handlers to return.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	_ = s.srv.Close()
	s.wg.Wait()
}

// SetDown makes every request answer 503 (true) or work again (false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Count reports how many requests of one op arrived ("appauth", "account",
// "refresh", "attendees", "history", "confdetail"), throttled ones included.
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// Violations lists every protocol check the fake saw fail (bad signature,
// deprecated header, missing query parameter, ...). Tests assert it is empty.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Throttled reports how many requests were answered 429 by the rate bucket or
// the concurrency limit (FailNext answers not included).
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// MaxInFlight reports the most requests the fake was serving at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInflight
}

// Arrivals returns the arrival time of every request, in order.
func (s *Server) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// FailNext makes the next n requests of op ("" for any op) answer f instead
// of the real answer. Failures are served after admission and latency.
func (s *Server) FailNext(op string, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[op] = append(s.failures[op], f)
	}
}

// SetRecords replaces the attendee records of a conference, e.g. from an
// OnRequest hook to simulate a list that changes while it is being paged.
func (s *Server) SetRecords(confUUID string, records []meeting.Attendee) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if conf, ok := s.confs[normUUID(confUUID)]; ok {
		conf.Records = append([]meeting.Attendee(nil), records...)
	}
}

// ExpireTokens makes every issued access token invalid, as a server restart
// or a token eviction would; the next request with one gets 401 USG.000000004.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens {
		if tok != s.cfg.StaticToken {
			delete(s.tokens, tok)
		}
	}
}

func normUUID(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }

// ServeHTTP routes, checks and answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrival := time.Now()
	op := opOf(r.URL.Path)

	s.mu.Lock()
	select {
	case <-s.closed: // Close is waiting for handlers: take no new ones
		s.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, "FAKE.503", "server closed", "")
		return
	default:
	}
	s.wg.Add(1) // under mu, so never concurrently with Close's Wait
	defer s.wg.Done()
	s.seq++
	w.Header().Set("X-Request-Id", fmt.Sprintf("%016x%016x", s.seed, s.seq))
	s.counts[op]++
	s.arrivals = append(s.arrivals, arrival)
	down := s.down
	s.mu.Unlock()

	if s.cfg.OnRequest != nil {
		s.cfg.OnRequest(op, r)
	}
	if down {
		writeError(w, http.StatusServiceUnavailable, "FAKE.503", "service is down", "")
		return
	}
	if op == "" {
		s.violate(r, "unknown path %s %s", r.Method, r.URL.Path)
		writeError(w, http.StatusNotFound, "FAKE.404", "no such API", "")
		return
	}
	if retryAfter, ok := s.admit(arrival); !ok {
		writeError(w, http.StatusTooManyRequests, "APIG.0308", "The request is throttled", retryAfter)
		return
	}
	release, ok := s.enter()
	defer release()
	if !ok {
		writeError(w, http.StatusTooManyRequests, "APIG.0308", "Too many concurrent requests", "1")
		return
	}
	if s.cfg.Latency > 0 && !s.wait(r.Context(), s.cfg.Latency) {
		return
	}
	if f, ok := s.nextFailure(op); ok {
		writeFailure(w, f)
		return
	}
	s.route(w, r, op)
}

func opOf(path string) string {
	switch path {
	case "/v2/usg/acs/auth/appauth":
		return OpAppAuth
	case "/v1/usg/acs/auth/account":
		return OpAccount
	case "/v1/usg/acs/token":
		return OpRefresh
	case "/v1/mmc/management/conferences/history/confAttendeeRecord":
		return OpAttendees
	case "/v1/mmc/management/conferences/history":
		return OpHistory
	case "/v1/mmc/management/conferences/history/confDetail":
		return OpConfDetail
	}
	return ""
}

// admit takes one token from the bucket, or says how long to wait.
func (s *Server) admit(now time.Time) (retryAfter string, ok bool) {
	if s.cfg.RatePerSecond <= 0 {
		return "", true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rate := s.cfg.RatePerSecond
	s.bucket = math.Min(float64(s.cfg.Burst), s.bucket+now.Sub(s.bucketAt).Seconds()*rate)
	s.bucketAt = now
	grace := math.Max(0, s.cfg.RateGrace.Seconds()*rate)
	if s.bucket >= 1-grace {
		s.bucket--
		return "", true
	}
	s.throttled++
	return fmt.Sprint(max(1, int(math.Ceil((1-s.bucket)/rate)))), false
}

// enter counts a request in flight; ok is false when that exceeds MaxConcurrent.
func (s *Server) enter() (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	release = func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}
	if s.cfg.MaxConcurrent > 0 && s.inflight > s.cfg.MaxConcurrent {
		s.throttled++
		return release, false
	}
	return release, true
}

// wait sleeps for d; false if the request or the server ended first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closed:
	}
	return false
}

func (s *Server) nextFailure(op string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{op, ""} {
		if q := s.failures[key]; len(q) > 0 {
			s.failures[key] = q[1:]
			return q[0], true
		}
	}
	return Failure{}, false
}

func (s *Server) violate(r *http.Request, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, r.Method+" "+r.URL.Path+": "+fmt.Sprintf(format, args...))
}

func (s *Server) now() time.Time { return s.cfg.Clock() }

func newToken() string {
	b := make([]byte, 27)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
