package formatting

import (
	"cmp"
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

// MessageOptions tune Summary. Words is required; with the rest zero the
// summary is private, with 25 people inline and UTC fallback times.
type MessageOptions struct {
	Audience    Audience
	Words       Words          // the reader's language
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

// msgBuilder builds one message (Summary, SeriesSummary, SeriesNote)
// within Slack's limits.
type msgBuilder struct {
	r      *attendance.Report // nil for a series
	o      MessageOptions
	w      Words
	loc    *time.Location
	blocks []slack.Block
	total  int // UTF-16 units of text in blocks so far
}

func newBuilder(r *attendance.Report, o MessageOptions) *msgBuilder {
	return &msgBuilder{r: r, o: o, w: o.Words, loc: cmp.Or(o.Location, time.UTC)}
}

func (b *msgBuilder) mrkdwn(s string) *slack.TextBlockObject {
	b.total += utf16Len(s)
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func (b *msgBuilder) context(s string) {
	b.blocks = append(b.blocks, slack.NewContextBlock("", b.mrkdwn(s)))
}

// contextLine is a context block of one mrkdwn line, for a caller to add
// under a message.
func contextLine(s string) []slack.Block {
	return []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, s, false, false))}
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
	b := newBuilder(r, o)
	title, filter := b.title(&r.Meeting), b.filtered(r.Search)
	b.header(title, filter)
	b.summary()
	b.flags()
	more := b.invites()
	b.breakdown()
	more += b.people()
	return b.finish(title, filter, len(r.People), more)
}

// title is the meeting's subject, else its ID or confUUID (untrusted).
func (b *msgBuilder) title(m *attendance.Meeting) string {
	switch {
	case strings.TrimSpace(m.Subject) != "":
		return m.Subject
	case strings.TrimSpace(m.MeetingID) != "":
		return b.w.T("summary.meeting", args{"ID": strings.TrimSpace(m.MeetingID)})
	case strings.TrimSpace(m.ConfUUID) != "":
		return strings.TrimSpace(m.ConfUUID)
	}
	return b.w.T("summary.attendance")
}

// filtered is what follows the title of a report filtered by search.
func (b *msgBuilder) filtered(search string) string {
	if search == "" {
		return ""
	}
	return " — " + b.w.T("summary.filtered", args{"Search": plainText(search, 40, 100)})
}

// header adds the header: the title (untrusted) cut to leave room for
// suffix (trusted), or "Attendance" when nothing of it is left.
func (b *msgBuilder) header(title, suffix string) {
	n := maxHeader - utf16Len(suffix)
	head := cmp.Or(plainText(title, n-1, n), b.w.T("summary.attendance")) + suffix
	b.total += utf16Len(head)
	b.blocks = append(b.blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, false, false)))
}

// finish adds the FileNote and returns the message of people people,
// more of them not named.
func (b *msgBuilder) finish(title, suffix string, people, more int) Message {
	if note := strings.TrimSpace(b.o.FileNote); note != "" {
		b.context(cutUTF16(note, maxFileNote))
	}
	text := b.w.T("summary.attendance") + b.w.T("summary.colon") + escapeText(title, maxHeader-1, 3*maxHeader) + suffix +
		" — " + b.w.N("summary.people_count", people)
	return Message{Text: text, Blocks: b.blocks, More: more}
}

// DateToken renders t as a Slack date token ("Nov 27, 14:00" in each
// reader's own time zone) with a fallback in loc (nil means UTC) for
// clients that cannot show it. The token is built here, never from input.
func DateToken(t time.Time, loc *time.Location) string {
	return dateToken(t, cmp.Or(loc, time.UTC), "{date_short_pretty} {time}", "2006-01-02 15:04 MST")
}

// dateToken renders t as a Slack date token in format: every reader sees
// their own zone; clients that cannot show the token show t in loc, laid
// out as layout.
func dateToken(t time.Time, loc *time.Location, format, layout string) string {
	fallback := strings.Map(func(r rune) rune {
		if strings.ContainsRune("|^<>&", r) {
			return ' ' // a zone's abbreviation cannot end the token
		}
		return r
	}, t.In(loc).Format(layout))
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^" + format + "|" + fallback + ">"
}

// date renders t as a date token: its time alone when it falls on the day
// of from.
func (b *msgBuilder) date(t, from time.Time) string {
	if x, y := t.In(b.loc), from.In(b.loc); x.YearDay() == y.YearDay() && x.Year() == y.Year() {
		return dateToken(t, b.loc, "{time}", "15:04 MST")
	}
	return DateToken(t, b.loc)
}

// day renders t's date as a date token.
func (b *msgBuilder) day(t time.Time) string {
	return dateToken(t, b.loc, "{date_short}", "2006-01-02")
}

func (b *msgBuilder) dur(d time.Duration) string { return humanDuration(d, b.w) }

// numbered is "label n".
func numbered(label string, n int) string { return label + " " + strconv.Itoa(n) }

func (b *msgBuilder) summary() {
	r, w := b.r, b.w
	field := func(label, value string) *slack.TextBlockObject {
		return b.mrkdwn("*" + label + "*\n" + value)
	}
	fields := []*slack.TextBlockObject{
		field(w.T("summary.people"), strconv.Itoa(len(r.People))),
		field(w.T("summary.sessions"), strconv.Itoa(r.Sessions)),
	}
	span := w.T("summary.none")
	if !r.Start.IsZero() {
		how := w.T("summary.observed")
		if m := &r.Meeting; r.Scheduled {
			how = w.T("summary.as_scheduled")
			if !m.Start.Equal(r.Start) || !m.End.Equal(r.End) { // the meeting overran
				how = w.T("summary.scheduled") + " " + b.date(m.Start, r.Start) + " – " + b.date(m.End, m.Start)
			}
		}
		span = DateToken(r.Start, b.loc) + " – " + b.date(r.End, r.Start) + "\n" + b.dur(r.Span) + " · " + how
	}
	fields = append(fields, field(w.T("summary.span"), span))
	if slices.ContainsFunc(r.People, func(p attendance.Person) bool { return p.Timed() }) {
		fields = append(fields, field(w.T("summary.avg_median"), b.dur(r.Average)+" / "+b.dur(r.Median)))
	}
	if r.Peak > 0 {
		fields = append(fields, field(w.T("summary.peak"), w.T("summary.peak_at", args{"N": r.Peak, "At": b.date(r.PeakAt, r.Start)})))
	}
	if r.Span > 0 && len(r.People) > 0 {
		fields = append(fields, field(w.T("summary.attend_level"), numbered(w.T("summary.present"), r.Present)+" · "+
			numbered(w.T("summary.partial"), r.Partial)+" · "+numbered(w.T("summary.brief"), r.Brief)))
	}
	b.blocks = append(b.blocks, slack.NewSectionBlock(nil, fields, nil))
}

func (b *msgBuilder) flags() {
	r, w := b.r, b.w
	var parts []string
	add := func(label string, n int) {
		if n > 0 {
			parts = append(parts, numbered(label, n))
		}
	}
	add(w.T("summary.late"), r.Late)
	add(w.T("summary.early"), r.Early)
	if r.Ongoing {
		add(w.T("summary.still_in"), r.Open)
	} else {
		add(w.T("summary.end_unknown"), r.Open)
	}
	if r.Unreadable > 0 {
		parts = append(parts, w.N("summary.unreadable", r.Unreadable))
	}
	if len(parts) > 0 {
		b.context(strings.Join(parts, " · "))
	}
}

// invites adds the comparison with the invite list, naming the first few
// no-shows, and returns how many it did not name.
func (b *msgBuilder) invites() int {
	r, w := b.r, b.w
	if !r.InviteKnown {
		return 0
	}
	s := "*" + w.T("summary.invited") + "* " + strconv.Itoa(r.Invited) + " · *" + w.T("summary.no_shows") + "* " + strconv.Itoa(len(r.NoShows))
	named := r.NoShows[:min(len(r.NoShows), noShowNames)]
	if len(named) > 0 {
		names := make([]string, len(named))
		for i := range named {
			names[i] = b.displayName(named[i].Name, named[i].Number)
		}
		s += w.T("summary.colon") + strings.Join(names, w.T("summary.sep"))
		if n := len(r.NoShows) - len(named); n > 0 {
			s += " " + w.N("summary.more", n)
		}
	}
	s += " · *" + w.T("summary.uninvited") + "* " + strconv.Itoa(r.Uninvited)
	b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(s), nil, nil))
	return len(r.NoShows) - len(named)
}

func (b *msgBuilder) breakdown() {
	r, w := b.r, b.w
	var lines []string
	for _, c := range []struct {
		label, none string
		n           []attendance.Count
	}{
		{w.T("summary.devices"), w.T("summary.unknown"), r.Devices},
		{w.T("summary.media"), w.T("summary.unknown"), r.Media},
		{w.T("summary.depts"), w.T("summary.no_dept"), r.Depts},
	} {
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
				parts = append(parts, numbered(c.none, x.N))
			default:
				parts = append(parts, numbered(escapeText(x.Name, itemRunes, itemOut), x.N))
			}
		}
		if other > 0 {
			parts = append(parts, numbered(w.T("summary.others"), other))
		}
		lines = append(lines, "*"+c.label+"* "+strings.Join(parts, " · "))
	}
	if len(lines) > 0 {
		b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(strings.Join(lines, "\n")), nil, nil))
	}
}
