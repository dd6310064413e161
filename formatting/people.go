package formatting

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// displayName is the escaped name to show for a person or invitee: the name,
// else the number; number-like names and numbers masked for Shared.
func (b *msgBuilder) displayName(name, number string) string {
	raw := b.rawName(name, number)
	if raw == "" {
		return b.w.T("summary.no_name")
	}
	return escapeText(raw, nameRunes, nameOut)
}

// rawName is displayName before escaping; "" for no name. A name that is
// the number is shown as the number.
func (b *msgBuilder) rawName(name, number string) string {
	if name, number = strings.TrimSpace(name), strings.TrimSpace(number); name == "" || name == number {
		return b.o.Audience.number(number)
	}
	return b.o.Audience.name(name)
}

// nameTags returns, for people listed inline together, a short distinguisher
// for each person who shares the shown name with another of them (names
// compared as identity compares them: trimmed, case- and width-insensitive,
// and cut where the line cuts them), else "".
//
// A person's distinguisher is the first of these that is known and that no
// other person of the same name has: the last 4 digits of the call number as
// "(…4380)" (with Audience Shared only digits MaskNumber leaves visible), the
// number as the audience may see it (masked for Shared), the department
// "(Sales)". Failing all, the second, third… person of that name in display
// order gets "#2", "#3"…
func (b *msgBuilder) nameTags(ps []attendance.Person) []string {
	byName := map[string][]int{} // display positions by shown name
	for i := range ps {
		raw := b.rawName(ps[i].Name, ps[i].Number)
		if r := []rune(raw); len(r) > nameRunes {
			raw = string(r[:nameRunes]) + "…" // as the line cuts it
		}
		byName[attendance.Fold(raw)] = append(byName[attendance.Fold(raw)], i)
	}
	tags := make([]string, len(ps))
	for _, same := range byName {
		if len(same) < 2 {
			continue
		}
		cands := make([][3]string, len(same))
		for j, i := range same {
			cands[j] = b.distinguishers(&ps[i])
		}
		for j, i := range same {
		tiers:
			for t, v := range cands[j] {
				for k := range cands {
					if v == "" || k != j && cands[k][t] == v {
						continue tiers // unknown, or another of the name has it too
					}
				}
				tags[i] = v
				break
			}
			if tags[i] == "" && j > 0 {
				tags[i] = "#" + strconv.Itoa(j+1)
			}
		}
	}
	return tags
}

// distinguishers are what may tell a person from others of the same name,
// in order of preference: "(…4380)", the number, "(Sales)".
func (b *msgBuilder) distinguishers(p *attendance.Person) (c [3]string) {
	if d := b.numberTail(p.Number); d != "" {
		c[0], c[1] = "(…"+d+")", "("+escapeText(b.o.Audience.number(p.Number), nameRunes, nameOut)+")"
	}
	if dept := escapeText(p.Dept, deptRunes, deptOut); dept != "" {
		c[2] = "(" + dept + ")"
	}
	return c
}

// numberTail is the last (up to) 4 digits of a call number that the audience
// may see: for Shared only the trailing digits MaskNumber keeps.
func (b *msgBuilder) numberTail(number string) string {
	if b.o.Audience == Shared {
		number = MaskNumber(number)
		number = number[strings.LastIndexByte(number, '*')+1:]
	}
	digits := digitsOf(attendance.NormalizeNumber(number))
	return digits[max(0, len(digits)-4):]
}

func (b *msgBuilder) personLine(p *attendance.Person, tag string) string {
	w, in := b.w, b.w.T("summary.time_unknown")
	if p.Timed() {
		in = b.dur(p.InMeeting)
	}
	parts := []string{in}
	if p.Joins > 1 {
		parts = append(parts, w.N("summary.joins", p.Joins))
	}
	if fs := PersonFlags(p, b.r.Ongoing, w); len(fs) > 0 {
		parts = append(parts, "_"+strings.Join(fs, w.T("summary.sep"))+"_")
	}
	return b.line(p.Name, p.Number, p.Dept, tag, parts)
}

// PersonFlags names what stands out about p in w's words, in the order
// every rendering of a person lists them: late, left early, still in (when
// ongoing, the meeting is still running) or end unknown, brief, not
// invited.
func PersonFlags(p *attendance.Person, ongoing bool, w Words) []string {
	return flagNames(flagged{p.Late, w.T("summary.late")}, flagged{p.Early, w.T("summary.early")},
		flagged{p.Open && ongoing, w.T("summary.still_in")}, flagged{p.Open && !ongoing, w.T("summary.end_unknown")},
		flagged{p.Level == attendance.LevelBrief, w.T("summary.brief")}, flagged{p.Uninvited, w.T("summary.not_invited")})
}

// line is a person's line: "*name tag* — ", parts and the department,
// separated by " · ".
func (b *msgBuilder) line(name, number, dept, tag string, parts []string) string {
	head := b.displayName(name, number)
	if tag != "" {
		head += " " + tag
	}
	if dept != "" {
		parts = append(parts, escapeText(dept, deptRunes, deptOut))
	}
	return "*" + head + "* — " + strings.Join(parts, " · ")
}

// flagged is a person's flag and its name, shown when on.
type flagged struct {
	on   bool
	name string
}

func flagNames(fs ...flagged) []string {
	var out []string
	for _, f := range fs {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// people adds the inline list of the report's people (see list).
func (b *msgBuilder) people() int {
	ps := b.r.People
	return b.list(ps, func(i int, tag string) string { return b.personLine(&ps[i], tag) })
}

// list adds an inline list, line(i, tag) for each of ps (whose names and
// numbers give the distinguishers, see nameTags), in as many sections of up
// to linesPerSection lines as the block and text budgets allow, then "+N
// more". It returns N.
func (b *msgBuilder) list(ps []attendance.Person, line func(i int, tag string) string) int {
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
		shown := b.lines(k, b.nameTags(ps[:k]), line)
		if shown == k {
			break
		}
		b.blocks, b.total = b.blocks[:nblocks], total
		k = shown
	}
	n := len(ps) - k
	if n > 0 {
		b.context(b.w.N("summary.more", n))
	}
	return n
}

// lines adds sections for as many of the first k lines as the budgets
// allow, keeping room for the "+N more" and FileNote context blocks, and
// returns how many it added.
func (b *msgBuilder) lines(k int, tags []string, line func(i int, tag string) string) int {
	const reserveBlocks, reserveText = 2, maxFileNote + 200
	var sec []string
	secLen := 0 // UTF-16 units of sec's lines and the newlines between them
	flush := func() {
		if len(sec) > 0 {
			b.blocks = append(b.blocks, slack.NewSectionBlock(b.mrkdwn(strings.Join(sec, "\n")), nil, nil))
		}
		sec, secLen = sec[:0], 0
	}
	shown := 0
	for ; shown < k; shown++ {
		text := line(shown, tags[shown])
		n := utf16Len(text)
		if len(sec) == linesPerSection || len(sec) > 0 && secLen+1+n > maxSectionText {
			flush()
		}
		if len(sec) == 0 && len(b.blocks)+1+reserveBlocks > MaxBlocks || b.total+secLen+1+n+reserveText > maxTotalText {
			break
		}
		if len(sec) > 0 {
			secLen++
		}
		sec, secLen = append(sec, text), secLen+n
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
		if units += utf16.RuneLen(r); units > n-1 {
			return s[:i] + "…"
		}
	}
	return s
}
