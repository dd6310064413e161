package formatting

import (
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// The words of the tests' summaries: the bot's catalog.
var en, zh = catalog.For(catalog.English), catalog.For(catalog.Chinese)

var _ Words = (*catalog.Printer)(nil)

// RenderText is a message as the demo console and the CLI print it: the
// .golden.txt files. It is bot/terminal's Render, which imports this
// package, so terminal_test.go (package formatting_test) sets it.
var RenderText func(Message) string

// The types of the domain package, short for the tables of these tests.
type (
	Meeting    = attendance.Meeting
	Record     = attendance.Record
	Invitee    = attendance.Invitee
	Report     = attendance.Report
	Thresholds = attendance.Thresholds
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// later is a now well after every test meeting.
var later = t0.Add(48 * time.Hour)

// at returns epoch ms of t0 + minutes.
func at(min float64) int64 { return t0.Add(time.Duration(min * float64(time.Minute))).UnixMilli() }

func scheduled(recs ...Record) Meeting {
	return Meeting{Subject: "s", Start: t0, End: t0.Add(time.Hour), Records: recs}
}

// analyze is attendance.Analyze with the default thresholds.
func analyze(m Meeting, now time.Time) *Report { return attendance.Analyze(m, Thresholds{}, now) }
