package formatting

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// RenderText renders a Message for a terminal (demo and CLI text output):
// the header underlined, section text and fields, context lines, a rule for
// dividers and the buttons of actions blocks as "[Label]". Date tokens show
// their fallback, links their label and URL, entities are unescaped and the
// word joiners Summary adds are removed; *bold* and _italic_ stay as typed.
// With no blocks it renders the fallback text.
func RenderText(m Message) string {
	var out strings.Builder
	if len(m.Blocks) == 0 {
		out.WriteString(displayText(m.Text))
		out.WriteByte('\n')
		return out.String()
	}
	for _, blk := range m.Blocks {
		switch v := blk.(type) {
		case *slack.HeaderBlock:
			renderHeader(&out, v)
		case slack.HeaderBlock:
			renderHeader(&out, &v)
		case *slack.SectionBlock:
			renderSection(&out, v)
		case slack.SectionBlock:
			renderSection(&out, &v)
		case *slack.ContextBlock:
			renderContext(&out, v)
		case slack.ContextBlock:
			renderContext(&out, &v)
		case *slack.DividerBlock, slack.DividerBlock:
			out.WriteString(strings.Repeat("─", 40))
			out.WriteByte('\n')
		case *slack.ActionBlock:
			renderActions(&out, v)
		case slack.ActionBlock:
			renderActions(&out, &v)
		}
	}
	return out.String()
}

func textOf(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	return displayText(t.Text)
}

func renderHeader(out *strings.Builder, h *slack.HeaderBlock) {
	s := textOf(h.Text)
	out.WriteString(s)
	out.WriteByte('\n')
	out.WriteString(strings.Repeat("=", max(1, displayWidth(s))))
	out.WriteByte('\n')
}

func renderSection(out *strings.Builder, s *slack.SectionBlock) {
	if t := textOf(s.Text); t != "" {
		out.WriteString(t)
		out.WriteByte('\n')
	}
	for _, f := range s.Fields {
		if t := textOf(f); t != "" {
			out.WriteString(strings.ReplaceAll(t, "\n", " "))
			out.WriteByte('\n')
		}
	}
	if s.Accessory != nil && s.Accessory.ButtonElement != nil {
		out.WriteString("[" + textOf(s.Accessory.ButtonElement.Text) + "]\n")
	}
}

func renderContext(out *strings.Builder, c *slack.ContextBlock) {
	var parts []string
	for _, e := range c.ContextElements.Elements {
		switch t := e.(type) {
		case *slack.TextBlockObject:
			parts = append(parts, textOf(t))
		case slack.TextBlockObject:
			parts = append(parts, textOf(&t))
		}
	}
	if len(parts) > 0 {
		out.WriteString(strings.Join(parts, "  "))
		out.WriteByte('\n')
	}
}

func renderActions(out *strings.Builder, a *slack.ActionBlock) {
	if a.Elements == nil {
		return
	}
	var parts []string
	for _, e := range a.Elements.ElementSet {
		switch t := e.(type) {
		case *slack.ButtonBlockElement:
			parts = append(parts, "["+textOf(t.Text)+"]")
		case slack.ButtonBlockElement:
			parts = append(parts, "["+textOf(t.Text)+"]")
		}
	}
	if len(parts) > 0 {
		out.WriteString(strings.Join(parts, " "))
		out.WriteByte('\n')
	}
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

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", wj, "", fsi, "", pdi, "")

func unescape(s string) string {
	if !strings.ContainsAny(s, "&\u2060\u2068\u2069") {
		return s
	}
	return unescaper.Replace(s)
}

// displayWidth approximates terminal columns: wide East Asian runes and
// emoji take two, combining marks none.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || r == '\u200d' || r == '\ufe0f':
		case r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
			(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) ||
			(r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6) ||
			(r >= 0x1f300 && r <= 0x1faff) || (r >= 0x20000 && r <= 0x3fffd)):
			w += 2
		case r == utf8.RuneError:
			w++
		default:
			w++
		}
	}
	return w
}
