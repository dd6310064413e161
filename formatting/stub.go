package formatting

// CONTRACT STUB: the formatting helper replaces this file with the real
// implementation (analysis.go, blocks.go, csv.go, escape.go, text.go, ...).
// The bot compiles against these signatures.

import (
	"io"
	"time"

	"github.com/slack-go/slack"
)

// Record is one raw attendee record (one join of one device). Join and Leave
// are UTC epoch milliseconds; Leave 0 means still in the meeting / unknown end.
type Record struct {
	Name, Number, Dept, Device, Media string
	Join, Leave                       int64
}

// Invitee is one person on the invite list.
type Invitee struct {
	Name, Number, Email, Dept string
}

// Meeting is the input of Analyze.
type Meeting struct {
	ConfUUID  string
	MeetingID string
	Subject   string
	Start     time.Time // scheduled start; zero when unknown
	End       time.Time // scheduled end; zero when unknown
	Records   []Record
	Invited   []Invitee // nil when the invite list is unknown
}

// Thresholds tune the flags.
type Thresholds struct {
	LateAfter   time.Duration // default 5m
	EarlyBefore time.Duration // default 5m
	Present     float64       // default 0.8
	Brief       float64       // default 0.2
}

// DefaultThresholds returns the documented defaults.
func DefaultThresholds() Thresholds { return Thresholds{} }

// Report is the analysis of one meeting. Safe to share read-only.
type Report struct {
	Meeting Meeting
	People  []Person
}

// Person is one unique attendee.
type Person struct {
	Key  string
	Name string
}

// Analyze groups records into people and computes every figure. now is used
// only for open sessions' display (never for durations past the span).
func Analyze(m Meeting, th Thresholds, now time.Time) *Report { return &Report{} }

// Audience says who will see a message.
type Audience int

const (
	Private Audience = iota // the requester only: full numbers
	Shared                  // a channel: numbers masked
)

// MessageOptions tune Summary.
type MessageOptions struct {
	Audience    Audience
	Lang        string         // "en-US" (default) or "zh-CN"
	InlineLimit int            // default 25
	Location    *time.Location // fallback text zone; nil = UTC
	FileNote    string         // trusted mrkdwn appended as a context line, e.g. where the CSV went
}

// Message is a Slack message: fallback text plus blocks. Summary keeps at most
// 45 blocks so a caller may append its own actions block(s).
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Summary renders the Block Kit message.
func Summary(r *Report, o MessageOptions) Message { return Message{} }

// CSVOptions tune WriteCSV.
type CSVOptions struct {
	Audience Audience
	Location *time.Location // nil = UTC
}

// WriteCSV writes one row per raw record (UTF-8 BOM, RFC 4180, formula-safe).
func WriteCSV(w io.Writer, r *Report, o CSVOptions) error { return nil }

// Escape makes untrusted text inert in Slack mrkdwn (&, <, >).
func Escape(s string) string { return s }

// MaskNumber masks a call number for shared audiences: +99111******4380.
func MaskNumber(s string) string { return s }

// RenderText renders a Message for a terminal (demo and CLI text output).
func RenderText(m Message) string { return "" }
