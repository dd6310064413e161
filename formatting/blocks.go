package formatting

import (
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
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
	// More is how many people Summary could not list inline (InlineLimit or
	// Slack's limits) and announced as "+N more in the attached file": attach
	// the CSV when it is above zero.
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
	noShowNames     = 5
)

type msgBuilder struct {
	r      *Report
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

// Summary renders the Block Kit message: a header, the meeting figures, the
// breakdowns, then up to InlineLimit people one line each and "+N more in the
// attached file". Numbers never appear inline except for a person with no
// name; with Audience Shared they and number-like names are masked.
// Summary(nil, o) describes an empty meeting.
func Summary(r *Report, o MessageOptions) Message {
	if r == nil {
		r = &Report{}
	}
	b := &msgBuilder{r: r, o: o, l: labelsFor(o.Lang), loc: o.Location}
	if b.loc == nil {
		b.loc = time.UTC
	}
	title := b.title()
	head := plainText(title, maxHeader-1, maxHeader)
	if head == "" {
		head = b.l.attendance
	}
	b.total += utf16Len(head)
	b.blocks = append(b.blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, false, false)))
	b.summary()
	b.flags()
	b.invites()
	b.breakdown()
	more := b.people()
	if note := strings.TrimSpace(o.FileNote); note != "" {
		b.context(cutUTF16(note, maxFileNote))
	}
	text := b.l.attendance + b.l.colon + escapeText(title, maxHeader-1, 3*maxHeader) + " — " + b.l.peopleText(len(r.People))
	return Message{Text: text, Blocks: b.blocks, More: more}
}

func (b *msgBuilder) title() string {
	m := &b.r.Meeting
	switch {
	case strings.TrimSpace(m.Subject) != "":
		return m.Subject
	case strings.TrimSpace(m.MeetingID) != "":
		return b.l.meeting + strings.TrimSpace(m.MeetingID)
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
	var buf [80]byte
	out := append(buf[:0], "<!date^"...)
	out = strconv.AppendInt(out, t.Unix(), 10)
	out = append(out, '^')
	out = append(out, tok...)
	out = append(out, '|')
	fb := t.In(b.loc).AppendFormat(nil, layout)
	for _, c := range fb {
		switch c {
		case '|', '^', '<', '>', '&':
			c = ' '
		}
		out = append(out, c)
	}
	out = append(out, '>')
	return string(out)
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
		if r.Scheduled {
			how = l.scheduled
		}
		span = b.date(r.Start, false) + " – " + b.date(r.End, b.sameDay(r.Start, r.End)) +
			"\n" + b.dur(r.Span) + " · " + how
	}
	fields = append(fields, field(l.span, span))
	if len(r.People) > 0 {
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
	if len(parts) > 0 {
		b.context(strings.Join(parts, " · "))
	}
}

func (b *msgBuilder) invites() {
	r, l := b.r, b.l
	if !r.InviteKnown {
		return
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
			s += " " + l.andMore(n)
		}
	}
	s += " · *" + l.uninvited + "* " + strconv.Itoa(r.Uninvited)
	b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(s), nil, nil))
}

func (b *msgBuilder) breakdown() {
	r, l := b.r, b.l
	var lines []string
	for _, c := range []struct {
		label string
		n     []Count
	}{{l.devices, r.Devices}, {l.media, r.Media}, {l.depts, r.Depts}} {
		if len(c.n) == 0 {
			continue
		}
		parts := make([]string, 0, topItems+1)
		other := 0
		for i, x := range c.n {
			if i < topItems {
				parts = append(parts, escapeText(x.Name, itemRunes, itemOut)+" "+strconv.Itoa(x.N))
			} else {
				other += x.N
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

// displayName is the escaped name to show for a person or invitee: the name,
// else the number; number-like names and numbers masked for Shared.
func (b *msgBuilder) displayName(name, number string) string {
	raw := b.rawName(name, number)
	if raw == "" {
		return b.l.noName
	}
	return escapeText(raw, nameRunes, nameOut)
}

// rawName is displayName before escaping; "" for no name.
func (b *msgBuilder) rawName(name, number string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = strings.TrimSpace(number)
	}
	if name == "" {
		return ""
	}
	if b.o.Audience == Shared && looksLikeNumber(name) || name == strings.TrimSpace(number) && b.o.Audience == Shared {
		name = MaskNumber(name)
	}
	return name
}

// nameTags returns, for people listed inline together, a short distinguisher
// for each person who shares the shown name with another of them (names
// compared as identity compares them: trimmed, case- and width-insensitive,
// and cut where the line cuts them), else "". Nil when no shown name repeats.
//
// A person's distinguisher is the first of these that is known and that no
// other person of the same name has: the last 4 digits of the call number as
// "(…4380)" (with Audience Shared only digits MaskNumber leaves visible), the
// number as the audience may see it (masked for Shared), the department
// "(Sales)". Failing all, the second, third… person of that name in display
// order gets "#2", "#3"…
func (b *msgBuilder) nameTags(ps []Person) []string {
	if len(ps) < 2 {
		return nil
	}
	keys := make([]string, len(ps))
	seen := make(map[string]int, len(ps))
	dup := false
	for i := range ps {
		raw := b.rawName(ps[i].Name, ps[i].Number)
		if n := 0; len(raw) > nameRunes {
			for j := range raw {
				if n == nameRunes {
					raw = raw[:j] + "…"
					break
				}
				n++
			}
		}
		keys[i] = foldText(raw)
		seen[keys[i]]++
		dup = dup || seen[keys[i]] > 1
	}
	if !dup {
		return nil
	}
	const tiers = 3
	type cand [tiers]string
	cands := make([]cand, len(ps))
	// uses counts each (tier, value) within a name.
	type use struct {
		key  string
		tier int
		val  string
	}
	uses := map[use]int{}
	for i := range ps {
		if seen[keys[i]] < 2 {
			continue
		}
		p := &ps[i]
		c := &cands[i]
		if d := b.numberTail(p.Number); d != "" {
			c[0] = "(…" + d + ")"
			num := strings.TrimSpace(p.Number)
			if b.o.Audience == Shared {
				num = MaskNumber(num)
			}
			c[1] = "(" + escapeText(num, nameRunes, nameOut) + ")"
		}
		if dept := escapeText(p.Dept, deptRunes, deptOut); dept != "" {
			c[2] = "(" + dept + ")"
		}
		for t, v := range c {
			if v != "" {
				uses[use{keys[i], t, v}]++
			}
		}
	}
	tags := make([]string, len(ps))
	pos := make(map[string]int, len(ps))
	for i := range ps {
		if seen[keys[i]] < 2 {
			continue
		}
		pos[keys[i]]++
		for t, v := range cands[i] {
			if v != "" && uses[use{keys[i], t, v}] == 1 {
				tags[i] = v
				break
			}
		}
		if tags[i] == "" && pos[keys[i]] > 1 {
			tags[i] = "#" + strconv.Itoa(pos[keys[i]])
		}
	}
	return tags
}

// numberTail is the last (up to) 4 digits of a call number that the audience
// may see: for Shared only the trailing digits MaskNumber keeps.
func (b *msgBuilder) numberTail(number string) string {
	number = strings.TrimSpace(number)
	if b.o.Audience == Shared {
		number = MaskNumber(number)
	}
	var tail [4]byte
	n := 0
	for _, r := range number {
		r = foldRune(r)
		switch {
		case r >= '0' && r <= '9':
			copy(tail[:], tail[1:])
			tail[3] = byte(r)
			n++
		case r == '*' && b.o.Audience == Shared:
			n = 0
		}
	}
	n = min(n, 4)
	return string(tail[4-n:])
}

func (b *msgBuilder) personLine(p *Person, tag string) string {
	l := b.l
	var s strings.Builder
	s.WriteString("*")
	s.WriteString(b.displayName(p.Name, p.Number))
	if tag != "" {
		s.WriteString(" ")
		s.WriteString(tag)
	}
	s.WriteString("* — ")
	s.WriteString(b.dur(p.InMeeting))
	if p.Joins > 1 {
		s.WriteString(" · ")
		s.WriteString(l.joins(p.Joins))
	}
	var flags []string
	if p.Late {
		flags = append(flags, l.late)
	}
	if p.Early {
		flags = append(flags, l.early)
	}
	if p.Open {
		if b.r.Ongoing {
			flags = append(flags, l.stillIn)
		} else {
			flags = append(flags, l.endUnknown)
		}
	}
	if p.Level == LevelBrief {
		flags = append(flags, l.brief)
	}
	if p.Uninvited {
		flags = append(flags, l.notInvited)
	}
	if len(flags) > 0 {
		s.WriteString(" · _")
		s.WriteString(strings.Join(flags, l.sep))
		s.WriteString("_")
	}
	if p.Dept != "" {
		s.WriteString(" · ")
		s.WriteString(escapeText(p.Dept, deptRunes, deptOut))
	}
	return s.String()
}

// people adds the inline list, as many sections of up to linesPerSection
// lines as the block and text budgets allow, then "+N more". It returns N.
func (b *msgBuilder) people() int {
	ps := b.r.People
	if len(ps) == 0 {
		return 0
	}
	limit := b.o.InlineLimit
	if limit <= 0 {
		limit = defaultInline
	}
	b.blocks = append(b.blocks, slack.NewDividerBlock())
	// Distinguishers depend on who is listed, and who fits depends on the
	// lines: list the first k, and if fewer fit, list those again.
	k := min(len(ps), limit)
	nblocks, total := len(b.blocks), b.total
	for {
		shown := b.peopleLines(ps[:k], b.nameTags(ps[:k]))
		if shown == k {
			break
		}
		b.blocks, b.total = b.blocks[:nblocks], total
		k = shown
	}
	n := len(ps) - k
	if n > 0 {
		b.context(b.l.more(n))
	}
	return n
}

// peopleLines adds sections for as many of ps as the budgets allow and
// returns how many it added.
func (b *msgBuilder) peopleLines(ps []Person, tags []string) int {
	// Room kept for the "+N more" and FileNote context blocks.
	const reserveText = maxFileNote + 200
	reserveBlocks := 2
	var sec strings.Builder
	lines, secLen, shown := 0, 0, 0
	flush := func() {
		if lines > 0 {
			b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(sec.String()), nil, nil))
		}
		sec.Reset()
		lines, secLen = 0, 0
	}
	for i := range ps {
		tag := ""
		if tags != nil {
			tag = tags[i]
		}
		line := b.personLine(&ps[i], tag)
		n := utf16Len(line)
		if lines == linesPerSection || lines > 0 && secLen+1+n > maxSectionText {
			flush()
		}
		newBlock := 0
		if lines == 0 {
			newBlock = 1
		}
		if len(b.blocks)+newBlock+reserveBlocks > MaxBlocks ||
			b.total+secLen+1+n+reserveText > maxTotalText {
			break
		}
		if lines > 0 {
			sec.WriteByte('\n')
			secLen++
		}
		sec.WriteString(line)
		secLen += n
		lines++
		shown++
	}
	flush()
	return shown
}

// cutUTF16 cuts trusted text to at most n UTF-16 units at a rune boundary.
func cutUTF16(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	units := 0
	for i, r := range s {
		u := 1
		if r > 0xFFFF {
			u = 2
		}
		if units+u > n-1 {
			return s[:i] + "…"
		}
		units += u
	}
	return s
}
