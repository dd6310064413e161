package formatting

import (
	"strings"
	"unicode/utf8"
)

// Escape makes untrusted text inert in Slack mrkdwn: &, < and > become
// &amp;, &lt; and &gt; (exactly slackutilsx.EscapeMessage), so no mention,
// broadcast, channel link, date token or link can be formed from it.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escaper.Replace(s)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// wj is WORD JOINER: invisible, not white space and not punctuation, so a
// mrkdwn marker with it on both sides can neither open nor close a span.
const wj = "\u2060"

// escapeText is Escape plus literal mrkdwn markers: * _ ~ ` get a word
// joiner on both sides so "*bold*" in a name renders as typed. Control
// characters (newlines included) become spaces so one name stays one line.
// The text is cut to at most maxRunes runes of input (with "…").
func escapeText(s string, maxRunes int) string {
	s = strings.TrimSpace(s)
	plain := true
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c == 0x7f || c == '&' || c == '<' || c == '>' || c == '*' || c == '_' || c == '~' || c == '`' || c >= utf8.RuneSelf {
			plain = false
			break
		}
		n++
	}
	if plain && n <= maxRunes {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	count := 0
	for _, r := range s {
		if count == maxRunes {
			b.WriteString("…")
			break
		}
		count++
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '*' || r == '_' || r == '~' || r == '`':
			b.WriteString(wj)
			b.WriteRune(r)
			b.WriteString(wj)
		case r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainText prepares untrusted text for a plain_text object (header, button):
// & < > escaped as Slack asks for every text field, control characters
// replaced, cut to maxRunes runes of input. Markers stay: plain_text shows
// them literally.
func plainText(s string, maxRunes int) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	count := 0
	for _, r := range s {
		if count == maxRunes {
			b.WriteString("…")
			break
		}
		count++
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MaskNumber masks a call number for shared audiences. A leading '+' and the
// first 5 and last 4 digits stay, every other digit becomes '*', so the
// masked part is as long as what it hides: "+991116004380" → "+99111***4380".
// Numbers of 6 to 10 digits keep only the last 2 digits ("12345678" →
// "******78"), of up to 6 digits keep none. Separators (space, dash, dot,
// brackets) are dropped. A string that is not mostly digits (a name, an
// address) is masked whole, keeping its first rune. Empty stays empty.
func MaskNumber(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var digits []byte
	plus := false
	other := 0
	for i, r := range s {
		r = foldRune(r)
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			other++
		}
	}
	if len(digits) == 0 || other > len(digits)/4 {
		r, size := utf8.DecodeRuneInString(s)
		return string(r) + strings.Repeat("*", max(3, utf8.RuneCountInString(s[size:])))
	}
	keepHead, keepTail := 5, 4
	switch n := len(digits); {
	case n <= 6:
		keepHead, keepTail = 0, 0
	case n <= 10:
		keepHead, keepTail = 0, 2
	}
	out := make([]byte, 0, len(digits)+1)
	if plus {
		out = append(out, '+')
	}
	for i, d := range digits {
		if i < keepHead || i >= len(digits)-keepTail {
			out = append(out, d)
		} else {
			out = append(out, '*')
		}
	}
	return string(out)
}

// looksLikeNumber reports whether a display name is really a phone number
// (the vendor shows numbers as names for dial-in users), so it is masked too.
func looksLikeNumber(s string) bool {
	s = strings.TrimSpace(s)
	digits := 0
	for i, r := range s {
		r = foldRune(r)
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 5
}
