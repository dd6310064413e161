package formatting

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// Audience says who will see a message.
type Audience int

const (
	Private Audience = iota // the requester only: full numbers
	Shared                  // a channel: numbers masked
)

// MessageOptions tune Summary. The zero value is a private, English summary
// with 25 people inline and UTC fallback times.
type MessageOptions struct {
	Audience    Audience
	Lang        string         // "en-US" (default) or "zh-CN"
	InlineLimit int            // default 25; fewer when Slack's limits need it
	Location    *time.Location // fallback text zone; nil = UTC
	FileNote    string         // trusted mrkdwn appended as a context line, e.g. where the CSV went
}

// Message is a Slack message: fallback text plus blocks. Summary keeps at most
// 45 blocks so a caller may append its own actions block(s).
type Message struct {
	Text   string
	Blocks []slack.Block
	// More is how many people and no-shows Summary could not name
	// (InlineLimit or Slack's limits) and announced as "+N more in the
	// attached file": attach the CSV when it is above zero.
	More int
}

// Limits Summary keeps to. Text is measured in UTF-16 code units, which is
// never less than the rune count Slack validates.
const (
	MaxBlocks = 45 // of Slack's 50, leaving room for the caller's actions

	maxHeader       = 150
	maxSectionText  = 3000
	maxTotalText    = 10000 // Slack rejects payloads from about 12–13k chars
	maxFileNote     = 2000
	linesPerSection = 10
	defaultInline   = 25
	nameRunes       = 60
	nameOut         = 150
	deptRunes       = 40
	deptOut         = 100
	itemRunes       = 30
	itemOut         = 75
	topItems        = 3 // per breakdown; the rest is summed as "other N"
	noShowNames     = 5 // no-shows named in the message; the CSV has them all
)

type msgBuilder struct {
	r      *attendance.Report
	o      MessageOptions
	l      *labels
	loc    *time.Location
	blocks []slack.Block
	total  int // UTF-16 units of text in blocks so far
}

func (b *msgBuilder) mrkdwn(s string) *slack.TextBlockObject {
	b.total += utf16Len(s)
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func (b *msgBuilder) context(s string) {
	b.blocks = append(b.blocks, slack.NewContextBlock("", b.mrkdwn(s)))
}

// Summary renders the Block Kit message: a header (saying the filter of a
// filtered report), the meeting figures, the breakdowns, then up to
// InlineLimit people one line each and "+N more in the attached file".
// Numbers never appear inline except for a person with no name; with
// Audience Shared they and number-like names are masked. Summary(nil, o)
// describes an empty meeting.
func Summary(r *attendance.Report, o MessageOptions) Message {
	if r == nil {
		r = &attendance.Report{}
	}
	b := &msgBuilder{r: r, o: o, l: labelsFor(o.Lang), loc: o.Location}
	if b.loc == nil {
		b.loc = time.UTC
	}
	title, filter := b.title(), ""
	if r.Search != "" {
		filter = " — " + b.l.filtered(plainText(r.Search, 40, 100))
	}
	head := plainText(title, maxHeader-1-utf16Len(filter), maxHeader-utf16Len(filter))
	if head == "" {
		head = b.l.attendance
	}
	head += filter
	b.total += utf16Len(head)
	b.blocks = append(b.blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, false, false)))
	b.summary()
	b.flags()
	more := b.invites()
	b.breakdown()
	more += b.people()
	if note := strings.TrimSpace(o.FileNote); note != "" {
		b.context(cutUTF16(note, maxFileNote))
	}
	text := b.l.attendance + b.l.colon + escapeText(title, maxHeader-1, 3*maxHeader) + filter + " — " + b.l.peopleText(len(r.People))
	return Message{Text: text, Blocks: b.blocks, More: more}
}

// title is the meeting's subject, else its ID or confUUID (untrusted).
func (b *msgBuilder) title() string {
	m := &b.r.Meeting
	switch {
	case strings.TrimSpace(m.Subject) != "":
		return m.Subject
	case strings.TrimSpace(m.MeetingID) != "":
		return b.l.meeting(strings.TrimSpace(m.MeetingID))
	case strings.TrimSpace(m.ConfUUID) != "":
		return strings.TrimSpace(m.ConfUUID)
	}
	return b.l.attendance
}

// DateToken renders t as a Slack date token ("Nov 27, 14:00" in each
// reader's own time zone) with a fallback in loc (nil means UTC) for
// clients that cannot show it. The token is built here, never from input.
func DateToken(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return (&msgBuilder{loc: loc}).date(t, false)
}

// date renders t as a Slack date token: every reader sees their own zone,
// clients that cannot show the token show the fallback in o.Location.
func (b *msgBuilder) date(t time.Time, timeOnly bool) string {
	tok, layout := "{date_short_pretty} {time}", "2006-01-02 15:04 MST"
	if timeOnly {
		tok, layout = "{time}", "15:04 MST"
	}
	fallback := strings.Map(func(r rune) rune {
		if strings.ContainsRune("|^<>&", r) {
			return ' ' // a zone's abbreviation cannot end the token
		}
		return r
	}, t.In(b.loc).Format(layout))
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^" + tok + "|" + fallback + ">"
}

func (b *msgBuilder) sameDay(x, y time.Time) bool {
	x, y = x.In(b.loc), y.In(b.loc)
	return x.YearDay() == y.YearDay() && x.Year() == y.Year()
}

func (b *msgBuilder) dur(d time.Duration) string { return humanDuration(d, b.l) }

func (b *msgBuilder) summary() {
	r, l := b.r, b.l
	field := func(label, value string) *slack.TextBlockObject {
		return b.mrkdwn("*" + label + "*\n" + value)
	}
	fields := []*slack.TextBlockObject{
		field(l.people, strconv.Itoa(len(r.People))),
		field(l.sessions, strconv.Itoa(r.Sessions)),
	}
	span := l.none
	if !r.Start.IsZero() {
		how := l.observed
		if m := &r.Meeting; r.Scheduled {
			how = l.scheduled
			if !m.Start.Equal(r.Start) || !m.End.Equal(r.End) { // the meeting overran
				how += " " + b.date(m.Start, b.sameDay(r.Start, m.Start)) + " – " + b.date(m.End, b.sameDay(m.Start, m.End))
			}
		}
		span = b.date(r.Start, false) + " – " + b.date(r.End, b.sameDay(r.Start, r.End)) +
			"\n" + b.dur(r.Span) + " · " + how
	}
	fields = append(fields, field(l.span, span))
	if slices.ContainsFunc(r.People, func(p attendance.Person) bool { return p.Timed() }) {
		fields = append(fields, field(l.avgMedian, b.dur(r.Average)+" / "+b.dur(r.Median)))
	}
	if r.Peak > 0 {
		fields = append(fields, field(l.peak, l.peakAt(r.Peak, b.date(r.PeakAt, b.sameDay(r.Start, r.PeakAt)))))
	}
	if r.Span > 0 && len(r.People) > 0 {
		fields = append(fields, field(l.attendLevel,
			l.present+" "+strconv.Itoa(r.Present)+" · "+l.partial+" "+strconv.Itoa(r.Partial)+" · "+l.brief+" "+strconv.Itoa(r.Brief)))
	}
	b.blocks = append(b.blocks, slack.NewSectionBlock(nil, fields, nil))
}

func (b *msgBuilder) flags() {
	r, l := b.r, b.l
	var parts []string
	add := func(label string, n int) {
		if n > 0 {
			parts = append(parts, label+" "+strconv.Itoa(n))
		}
	}
	add(l.late, r.Late)
	add(l.early, r.Early)
	if r.Ongoing {
		add(l.stillIn, r.Open)
	} else {
		add(l.endUnknown, r.Open)
	}
	if r.Unreadable > 0 {
		parts = append(parts, l.unreadable(r.Unreadable))
	}
	if len(parts) > 0 {
		b.context(strings.Join(parts, " · "))
	}
}

// invites adds the comparison with the invite list, naming the first few
// no-shows, and returns how many it did not name.
func (b *msgBuilder) invites() int {
	r, l := b.r, b.l
	if !r.InviteKnown {
		return 0
	}
	s := "*" + l.invited + "* " + strconv.Itoa(r.Invited) + " · *" + l.noShows + "* " + strconv.Itoa(len(r.NoShows))
	if len(r.NoShows) > 0 {
		names := make([]string, 0, noShowNames)
		for i := range r.NoShows[:min(len(r.NoShows), noShowNames)] {
			inv := &r.NoShows[i]
			names = append(names, b.displayName(inv.Name, inv.Number))
		}
		s += l.colon + strings.Join(names, l.sep)
		if n := len(r.NoShows) - len(names); n > 0 {
			s += " " + l.more(n)
		}
	}
	s += " · *" + l.uninvited + "* " + strconv.Itoa(r.Uninvited)
	b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(s), nil, nil))
	return len(r.NoShows) - min(len(r.NoShows), noShowNames)
}

func (b *msgBuilder) breakdown() {
	r, l := b.r, b.l
	var lines []string
	for _, c := range []struct {
		label, none string
		n           []attendance.Count
	}{{l.devices, l.unknown, r.Devices}, {l.media, l.unknown, r.Media}, {l.depts, l.noDept, r.Depts}} {
		if len(c.n) == 0 || len(c.n) == 1 && c.n[0].Name == "" {
			continue // nobody has one: nothing to break down
		}
		parts := make([]string, 0, topItems+1)
		other := 0
		for i, x := range c.n {
			switch {
			case i >= topItems:
				other += x.N
			case x.Name == "":
				parts = append(parts, c.none+" "+strconv.Itoa(x.N))
			default:
				parts = append(parts, escapeText(x.Name, itemRunes, itemOut)+" "+strconv.Itoa(x.N))
			}
		}
		if other > 0 {
			parts = append(parts, l.other+" "+strconv.Itoa(other))
		}
		lines = append(lines, "*"+c.label+"* "+strings.Join(parts, " · "))
	}
	if len(lines) > 0 {
		b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(strings.Join(lines, "\n")), nil, nil))
	}
}
