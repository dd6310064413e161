// Package terminal prints for a terminal: the bot's Slack messages as the
// demo console and the lookup command show them (Render), and the columns
// text takes there (Width).
package terminal

import (
	"strings"
	"unicode"

	"github.com/slack-go/slack"
	"golang.org/x/text/width"

	"github.com/attendees-bot/attendees-bot/formatting"
)

// Render renders a message for a terminal (demo and CLI text output):
// the header underlined, section text and fields, context lines, a rule for
// dividers and the buttons of actions blocks as "[Label]". Date tokens show
// their fallback, links their label and URL, entities are unescaped and the
// word joiners and bidi isolates formatting adds are removed; *bold* and _italic_ stay as typed.
// With no blocks it renders the fallback text.
func Render(m formatting.Message) string {
	if len(m.Blocks) == 0 {
		return displayText(m.Text) + "\n"
	}
	var lines []string
	add := func(s string) {
		if s != "" {
			lines = append(lines, s)
		}
	}
	for _, blk := range m.Blocks {
		var parts []string
		switch v := blk.(type) {
		case *slack.HeaderBlock:
			s := textOf(v.Text)
			lines = append(lines, s, strings.Repeat("=", max(1, Width(s))))
		case *slack.SectionBlock:
			add(textOf(v.Text))
			for _, f := range v.Fields {
				add(strings.ReplaceAll(textOf(f), "\n", " "))
			}
			if v.Accessory != nil && v.Accessory.ButtonElement != nil {
				add("[" + textOf(v.Accessory.ButtonElement.Text) + "]")
			}
		case *slack.ContextBlock:
			for _, e := range v.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					parts = append(parts, textOf(t))
				}
			}
			add(strings.Join(parts, "  "))
		case *slack.DividerBlock:
			add(strings.Repeat("─", 40))
		case *slack.ActionBlock:
			if v.Elements == nil {
				break
			}
			for _, e := range v.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					parts = append(parts, "["+textOf(btn.Text)+"]")
				}
			}
			add(strings.Join(parts, " "))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func textOf(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	return displayText(t.Text)
}

// displayText turns Slack text into terminal text: <!date^…|fallback> →
// fallback, <url|label> → "label (url)", <url> → url, <@U…>/<#C…>/<!here>
// left as typed, entities unescaped (after the tokens, so escaped text never
// turns into a token) and word joiners removed.
func displayText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(unescape(s[:i]))
		tok := s[i+1 : i+j]
		s = s[i+j+1:]
		target, label, hasLabel := strings.Cut(tok, "|")
		switch {
		case strings.HasPrefix(target, "!date^"):
			if hasLabel {
				b.WriteString(unescape(label))
			}
		case hasLabel && (strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:")):
			b.WriteString(unescape(label) + " (" + unescape(target) + ")")
		case hasLabel:
			b.WriteString(unescape(label))
		case strings.Contains(target, "://"):
			b.WriteString(unescape(target))
		default:
			b.WriteString("<" + unescape(tok) + ">")
		}
	}
	b.WriteString(unescape(s))
	return b.String()
}

// unescaper undoes formatting's escaping: the entities, and the WORD
// JOINER (U+2060) around mrkdwn markers and the FIRST STRONG and POP
// DIRECTIONAL ISOLATEs (U+2068, U+2069) around right-to-left names.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "\u2060", "", "\u2068", "", "\u2069", "")

func unescape(s string) string {
	if !strings.ContainsAny(s, "&\u2060\u2068\u2069") {
		return s
	}
	return unescaper.Replace(s)
}

// Width approximates the columns s takes in a terminal: wide and fullwidth East Asian
// runes and emoji take two, combining marks and joiners none.
func Width(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// Cut is s in at most cols columns (Width): when s is wider, as many of its
// first runes as fit before a closing "…".
func Cut(s string, cols int) string {
	if Width(s) <= cols {
		return s
	}
	w := 0
	for i, r := range s {
		if w += runeWidth(r); w > cols-1 {
			return s[:i] + "…"
		}
	}
	return s
}

func runeWidth(r rune) int {
	switch k := width.LookupRune(r).Kind(); {
	case unicode.Is(unicode.Mn, r) || r == '\u200d' || r == '\ufe0f':
		return 0
	case k == width.EastAsianWide || k == width.EastAsianFullwidth:
		return 2
	}
	return 1
}
