package slackfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// AckDeadline is how long Slack waits for a Socket Mode acknowledgement
// before the user sees "operation_timeout".
const AckDeadline = 3 * time.Second

// MaxAckSize is the size at which Slack silently drops a Socket Mode
// response; an ack of this many bytes or more is a violation.
const MaxAckSize = 20 * 1024

// Config describes the workspace the fake pretends to be. The zero value is
// usable: every empty field gets the default documented on it.
type Config struct {
	AppToken   string // app-level token (xapp-…); default "xapp-1-fake"
	BotToken   string // bot token (xoxb-…); default "xoxb-fake"
	TeamID     string // default "T0FAKE"
	TeamDomain string // default "fake"
	AppID      string // api_app_id; default "A0FAKE"
	BotUserID  string // default "U0BOT"

	// PingInterval is how often each socket gets a WebSocket PING. slack-go
	// reconnects when no PING arrives for 30 s, so it must be below that.
	// Default 5 s.
	PingInterval time.Duration

	// Channels are the conversations the bot can see. Nil means
	// DefaultChannels(). DM channels ("D" + user ID) come into existence
	// through conversations.open.
	Channels []Channel

	// Users answer users.info. Nil means every ID starting with U or W is
	// a user named "user-<id>" in time zone UTC.
	Users []User

	// Scopes are the bot token's scopes; methods that need one it lacks
	// answer missing_scope, as Slack does. Nil means DefaultScopes().
	Scopes []string

	// BeforeAnswer, when set, is called after the fake accepted a
	// chat.postMessage (the message exists) and before the client gets the
	// answer: a test can kill the client there.
	BeforeAnswer func(Post)
}

// DefaultScopes are the bot scopes of deploy/slack-app-manifest.yaml.
func DefaultScopes() []string {
	return []string{"commands", "chat:write", "files:write", "im:write", "users:read", "channels:history", "groups:history"}
}

// User is a workspace member known to users.info. Empty Name, RealName and
// TZ get the defaults described on Config.Users.
type User struct {
	ID       string
	Name     string
	RealName string
	TZ       string // IANA name, for example "Europe/Berlin"
	Locale   string // users.info's locale with include_locale; default "en-US"
}

// Channel is a conversation known to the fake.
type Channel struct {
	ID      string
	Name    string
	Private bool // a private channel; unknown to the bot unless Member
	Member  bool // the bot is in the channel and may post to it
}

// DefaultChannels is the workspace used when Config.Channels is nil: a public
// channel the bot is in, a public channel it is not in and a private channel
// it is not in.
func DefaultChannels() []Channel {
	return []Channel{
		{ID: "C0GENERAL", Name: "general", Member: true},
		{ID: "C0RANDOM", Name: "random"},
		{ID: "G0SECRET", Name: "secret", Private: true},
	}
}

// Server is a running fake Slack. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port, without a trailing slash.
	URL string

	cfg      Config
	ln       net.Listener
	http     *http.Server
	upgrader websocket.Upgrader
	started  time.Time
	wg       sync.WaitGroup // socket goroutines
	done     chan struct{}

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every state change
	closed     bool
	seq        int
	violations []string
	stats      Stats

	channels  map[string]Channel
	tickets   map[string]bool // ticket → used
	conns     []*wsConn
	hellos    int
	envelopes map[string]*envelope
	responses map[string]*responseURL
	respLog   []Response
	posts     []Post
	updates   []Update
	files     []File
	uploads   map[string]*pendingUpload
	limits    map[string]*injected
	blocked   map[string]time.Time // method → end of its Retry-After window
	triggers  map[string]*trigger
	views     []*fakeView
	viewLog   []View // every view as set, in order
	publishes []View // every Home view published, in order
}

// Stats counts what the fake has seen. Calls is keyed by Web API method.
type Stats struct {
	Opens         int            // apps.connections.open calls answered ok
	Connections   int            // sockets that got their hello
	Open          int            // sockets open now
	EnvelopesSent int            // envelope frames written, redeliveries included
	Acks          int            // ack frames received
	Pongs         int            // PONG frames received
	Calls         map[string]int // Web API calls by method, failed ones included
	Responses     int            // response_url posts accepted
	Uploads       int            // bodies received on upload URLs
	RateLimited   int            // 429 answers given
	// EarlyRetries counts calls of a method made before the Retry-After of
	// its last 429 had passed. Not a violation, because calls already in
	// flight when the 429 was sent land here too.
	EarlyRetries int
}

// Start starts a fake Slack on 127.0.0.1 with a random port.
func Start(cfg Config) (*Server, error) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.AppToken, "xapp-1-fake")
	def(&cfg.BotToken, "xoxb-fake")
	def(&cfg.TeamID, "T0FAKE")
	def(&cfg.TeamDomain, "fake")
	def(&cfg.AppID, "A0FAKE")
	def(&cfg.BotUserID, "U0BOT")
	if cfg.PingInterval == 0 {
		cfg.PingInterval = 5 * time.Second
	}
	if cfg.PingInterval < 0 || cfg.PingInterval >= 30*time.Second {
		return nil, fmt.Errorf("slackfake: PingInterval %v must be between 0 and 30s", cfg.PingInterval)
	}
	if cfg.Channels == nil {
		cfg.Channels = DefaultChannels()
	}
	if cfg.Scopes == nil {
		cfg.Scopes = DefaultScopes()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("slackfake: listen: %w", err)
	}
	s := &Server{
		URL:       "http://" + ln.Addr().String(),
		cfg:       cfg,
		ln:        ln,
		started:   time.Now(),
		done:      make(chan struct{}),
		changed:   make(chan struct{}),
		channels:  make(map[string]Channel),
		tickets:   make(map[string]bool),
		envelopes: make(map[string]*envelope),
		responses: make(map[string]*responseURL),
		uploads:   make(map[string]*pendingUpload),
		limits:    make(map[string]*injected),
		blocked:   make(map[string]time.Time),
		triggers:  make(map[string]*trigger),
		stats:     Stats{Calls: make(map[string]int)},
	}
	s.upgrader = websocket.Upgrader{
		// slack-go dials with Origin: https://api.slack.com.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	for _, c := range cfg.Channels {
		s.channels[c.ID] = c
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.handleAPI)
	mux.HandleFunc("/link/", s.handleLink)
	mux.HandleFunc("/response/{id}", s.handleResponse)
	mux.HandleFunc("/upload/v1/{id}", s.handleUpload)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.violate("request to unknown path %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// APIURL is the value for slack.OptionAPIURL; it ends with a slash as
// slack-go requires.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// Config returns the configuration with defaults filled in.
func (s *Server) Config() Config {
	c := s.cfg
	c.Channels = slices.Clone(c.Channels)
	return c
}

// Close closes every socket and the HTTP server and waits for the fake's
// goroutines. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := slices.Clone(s.conns)
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
	_ = s.http.Close()
	s.wg.Wait()
}

// Violations returns every failed protocol check so far, in order, followed
// by one entry per envelope delivery still unacknowledged after AckDeadline.
// Tests assert that it is empty at the end.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := slices.Clone(s.violations)
	now := time.Now()
	ids := make([]string, 0, len(s.envelopes))
	for id := range s.envelopes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, sent := range s.envelopes[id].pending {
			if now.Sub(sent) > AckDeadline {
				v = append(v, fmt.Sprintf("envelope %s (%s) not acknowledged within %v", id, s.envelopes[id].typ, AckDeadline))
			}
		}
	}
	return v
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Open = s.openLocked()
	st.Calls = make(map[string]int, len(s.stats.Calls))
	for k, v := range s.stats.Calls {
		st.Calls[k] = v
	}
	return st
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violateLocked(format, args...)
}

func (s *Server) violateLocked(format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.notifyLocked()
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// snapshot copies a log of the server under its lock.
func snapshot[T any](s *Server, log *[]T) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(*log)
}

// waitLog waits until a log of the server holds at least n entries and
// returns a copy of all of them.
func waitLog[T any](ctx context.Context, s *Server, what string, log *[]T, n int) ([]T, error) {
	var out []T
	err := s.waitFor(ctx, fmt.Sprintf("%d %s", n, what), func() bool {
		out = slices.Clone(*log)
		return len(out) >= n
	})
	return out, err
}

// waitFor blocks until cond, evaluated with s.mu held, is true, or ctx ends.
func (s *Server) waitFor(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return fmt.Errorf("slackfake: wait for %s: server closed", what)
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slackfake: wait for %s: %w", what, ctx.Err())
		}
	}
}

// nextLocked returns a number unique within this server.
func (s *Server) nextLocked() int {
	s.seq++
	return s.seq
}

// tsLocked returns a new message timestamp, unique and increasing.
func (s *Server) tsLocked() string {
	return fmt.Sprintf("%d.%06d", s.started.Unix(), s.nextLocked())
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// WaitViolations waits until at least n checks have failed and returns the
// recorded violations. Negative tests use it to see a rejection happen.
func (s *Server) WaitViolations(ctx context.Context, n int) ([]string, error) {
	var out []string
	err := s.waitFor(ctx, fmt.Sprintf("%d violations", n), func() bool {
		out = slices.Clone(s.violations)
		return len(out) >= n
	})
	return out, err
}
