package meeting

// CONTRACT STUB: the meeting helper replaces this file with the real implementation
// (client.go, auth.go, attendees.go, history.go, errors.go, ...). Signatures here are
// the agreed API that bot/ and cmd/ compile against; do not change them without
// telling the bot author.

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Default hosts.
const (
	DefaultBaseURL       = "https://api.meeting.huaweicloud.com"
	InternationalBaseURL = "https://api-intl.meeting.huaweicloud.com"
)

// Secret is a credential. It never prints: String, GoString, LogValue and
// MarshalJSON all give "[redacted]". Reveal returns the value.
type Secret string

// Sentinels usable with errors.Is on any error the client returns.
var (
	ErrInvalidInput   = errors.New("invalid input")       // bad confUUID / meeting ID shape; no request made
	ErrNotFound       = errors.New("not found")           // 404, MMC.111070005, MMC.111072065
	ErrUnauthorized   = errors.New("unauthorized")        // 401 after the one re-login, bad credentials
	ErrForbidden      = errors.New("forbidden")           // 403
	ErrRateLimited    = errors.New("rate limited")        // 429 after retries
	ErrUnavailable    = errors.New("service unavailable") // 5xx, timeouts, connection errors after retries
	ErrTooManyRecords = errors.New("too many records")    // record cap hit
)

// Error is a non-2xx answer of the meeting API.
type Error struct {
	HTTPStatus int
	Code       string
	Message    string
	RequestID  string
}

func (e *Error) Error() string { return "" }

// RequestEvent describes one HTTP request the client made (for metrics and logs).
type RequestEvent struct {
	Op        string // "appauth", "account", "refresh", "attendees", "history", "confdetail"
	Status    int    // 0 when no response arrived
	Duration  time.Duration
	RequestID string
	Attempt   int // 1-based
	Err       error
}

// Option configures a Client.
type Option func(*Client) error

func WithHTTPClient(hc *http.Client) Option                                 { return nil }
func WithAppAuth(appID string, appKey Secret, userID, corpID string) Option { return nil }
func WithAccountAuth(account string, password Secret) Option                { return nil }
func WithStaticToken(token Secret) Option                                   { return nil }
func WithRateLimit(perSecond float64) Option                                { return nil } // default 10, burst = max(1, floor(perSecond))
func WithMaxInFlight(n int) Option                                          { return nil } // default 4
func WithLanguage(lang string) Option                                       { return nil } // default "en-US"
func WithMaxRecords(n int) Option                                           { return nil } // default 100000
func WithCache(entries int, ttl time.Duration) Option                       { return nil } // default 64 entries, 10 min; entries 0 disables
func WithUserAgent(ua string) Option                                        { return nil }
func WithLogger(l *slog.Logger) Option                                      { return nil }
func WithRequestHook(f func(RequestEvent)) Option                           { return nil }
func WithCacheHook(f func(hit bool)) Option                                 { return nil }
func WithClock(now func() time.Time) Option                                 { return nil }
func WithHistoryWindow(d time.Duration) Option                              { return nil } // how far back meeting-ID lookups search; default 180 days

// Client talks to Huawei Cloud Meeting. It is safe for concurrent use.
type Client struct{}

func NewClient(baseURL string, opts ...Option) (*Client, error) { return nil, nil }

// Attendees returns every attendee record of the conference in server order.
func (c *Client) Attendees(ctx context.Context, confUUID string) ([]Attendee, error) { return nil, nil }

// SearchAttendees is Attendees with the server-side searchKey filter.
func (c *Client) SearchAttendees(ctx context.Context, confUUID, searchKey string) ([]Attendee, error) {
	return nil, nil
}

// History lists history conferences matching q (all pages up to q.Max).
func (c *Client) History(ctx context.Context, q HistoryQuery) ([]Conference, error) { return nil, nil }

// ConferencesByMeetingID resolves a typed meeting ID (spaces/dashes allowed) to its
// instances within the history window, newest first. None found → ErrNotFound.
func (c *Client) ConferencesByMeetingID(ctx context.Context, meetingID string) ([]Conference, error) {
	return nil, nil
}

// ConferenceDetail returns a conference and its whole invite list (all pages).
func (c *Client) ConferenceDetail(ctx context.Context, confUUID string) (*ConferenceDetail, error) {
	return nil, nil
}

// Ping makes sure a token can be obtained (used by /readyz).
func (c *Client) Ping(ctx context.Context) error { return nil }

// ValidateConfUUID reports whether s has the shape of a confUUID.
func ValidateConfUUID(s string) error { return nil }

// NormalizeMeetingID strips spaces and dashes and checks the digits.
func NormalizeMeetingID(s string) (string, error) { return "", nil }

// RequestIDs collects the X-Request-Id of every response made on behalf of a context.
type RequestIDs struct{}

// WithRequestIDs returns a context whose requests append their X-Request-Id to ids.
func WithRequestIDs(ctx context.Context, ids *RequestIDs) context.Context { return ctx }

// List returns the collected IDs.
func (r *RequestIDs) List() []string { return nil }
