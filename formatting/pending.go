package formatting

import (
	"io"
	"time"

	"github.com/slack-go/slack"
)

// TEMPORARY: replaced by blocks.go, csv.go and text.go in the next commits.

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

// Message is a Slack message: fallback text plus blocks.
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

// WriteCSV writes one row per raw record.
func WriteCSV(w io.Writer, r *Report, o CSVOptions) error { return nil }

// RenderText renders a Message for a terminal.
func RenderText(m Message) string { return "" }
