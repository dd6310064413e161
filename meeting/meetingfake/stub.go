// Package meetingfake is an in-process fake of the Huawei Cloud Meeting API.
// CONTRACT STUB: the meeting helper replaces this file.
package meetingfake

import (
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// Conference is one conference the fake serves.
type Conference struct {
	Info    meeting.Conference
	Records []meeting.Attendee
	Invited []meeting.Participant
}

// Config configures a Server. Zero values mean: accept the credentials below,
// no latency, no rate limit.
type Config struct {
	AppID, AppKey     string // app auth credentials checked via HMAC
	Account, Password string
	StaticToken       string // if set, this token is accepted without login
	Latency           time.Duration
	RatePerSecond     float64 // token bucket; 0 = unlimited; over it → 429
	Burst             int
	MaxConcurrent     int // >0: more concurrent requests than this → 429
	TokenTTL          time.Duration
	Conferences       []Conference
}

// Server is a running fake. Safe for concurrent use.
type Server struct{ URL string }

// Start listens on 127.0.0.1:0 and serves until Close.
func Start(cfg Config) (*Server, error) { return &Server{}, nil }

// Close stops the server.
func (s *Server) Close() {}

// SetDown makes every request answer 503 (true) or work again (false).
func (s *Server) SetDown(down bool) {}

// Count reports how many requests of one op arrived ("appauth", "account",
// "refresh", "attendees", "history", "confdetail").
func (s *Server) Count(op string) int { return 0 }

// Violations lists every protocol check the fake saw fail (bad signature,
// deprecated header, missing query parameter, ...). Tests assert it is empty.
func (s *Server) Violations() []string { return nil }

// Sample returns the demo data set relative to now: a small meeting with
// re-joins and 2 devices, hostile names, Chinese names, a 1,234-record meeting,
// and one meeting ID with two instances.
func Sample(now time.Time) []Conference { return nil }
