package formatting

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack/slackutilsx"
	"golang.org/x/text/unicode/bidi"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// Escape makes untrusted text inert in Slack mrkdwn: &, < and > become
// &amp;, &lt; and &gt; (slackutilsx.EscapeMessage), so no mention,
// broadcast, channel link, date token or link can be formed from it.
func Escape(s string) string { return slackutilsx.EscapeMessage(s) }

// wj is WORD JOINER: invisible, not white space and not punctuation, so a
// mrkdwn marker with it on both sides can neither open nor close a span.
const wj = "\u2060"

// escapeText is Escape plus literal mrkdwn markers: * _ ~ ` get a word
// joiner on both sides so "*bold*" in a name renders as typed. Control
// characters (newlines included) become spaces so one name stays one line.
// The result shows at most maxRunes runes of the input and is at most maxOut
// UTF-16 units long; a cut is marked with "…".
func escapeText(s string, maxRunes, maxOut int) string {
	return cleanText(s, true, maxRunes, maxOut)
}

// plainText prepares untrusted text for a plain_text object (header): & < >
// escaped as Slack asks for every text field, control characters replaced,
// cut like escapeText. Markers stay: plain_text shows them literally.
func plainText(s string, maxRunes, maxOut int) string {
	return cleanText(s, false, maxRunes, maxOut)
}

func cleanText(s string, mrkdwn bool, maxRunes, maxOut int) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	count, out := 0, 0
	rtl := hasRTL(s)
	if rtl {
		// Isolate right-to-left text so it cannot reorder the rest of the
		// line (the duration and flags after a name).
		b.WriteString(fsi)
		maxOut -= 2
	}
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == '&':
			piece = "&amp;"
		case r == '<':
			piece = "&lt;"
		case r == '>':
			piece = "&gt;"
		case mrkdwn && (r == '*' || r == '_' || r == '~' || r == '`'):
			piece = wj + string(r) + wj
		default:
			piece = plainRune(s[i:i+w], r)
		}
		n := utf16Len(piece)
		i += w
		if count == maxRunes || out+n > maxOut-1 && !(i == len(s) && out+n <= maxOut) {
			b.WriteString("…")
			break
		}
		count++
		out += n
		b.WriteString(piece)
	}
	if rtl {
		b.WriteString(pdi)
	}
	return b.String()
}

// plainRune is what the rune r, encoded as piece, of untrusted text shows
// as in every rendering: a control character (newlines included) a space,
// so one name stays one line; an explicit bidi control nothing, as
// overrides could disguise the text; invalid UTF-8 U+FFFD; else itself.
func plainRune(piece string, r rune) string {
	switch {
	case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
		return " "
	case unicode.Is(unicode.Bidi_Control, r):
		return ""
	case r == utf8.RuneError && len(piece) == 1:
		return "\uFFFD"
	}
	return piece
}

// Printable is untrusted text for a display that takes it literally (a
// terminal): trimmed, with the control and bidi characters of every Slack
// rendering replaced as there (a newline or tab is a space, an override is
// dropped), so the terminal shows what Slack shows, but nothing escaped.
func Printable(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		b.WriteString(plainRune(s[i:i+w], r))
		i += w
	}
	return b.String()
}

const (
	fsi = "\u2068" // FIRST STRONG ISOLATE
	pdi = "\u2069" // POP DIRECTIONAL ISOLATE
)

// hasRTL reports whether s has right-to-left letters or bidi controls
// (explicit embeddings, overrides, isolates and marks).
func hasRTL(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		p, _ := bidi.LookupRune(r)
		c := p.Class()
		return c == bidi.R || c == bidi.AL || c == bidi.AN || unicode.Is(unicode.Bidi_Control, r)
	})
}

// utf16Len is the length of s in UTF-16 code units, how Slack's JavaScript
// counts characters; it is never less than the rune count.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// MaskNumber masks a call number for shared audiences. A leading '+' and the
// last 4 digits stay, up to the first 5 digits stay, and at least 4 digits are
// masked; every masked digit becomes one '*', so the mask is as long as what
// it hides: "+991116004380123" → "+99111******0123" and the vendor's
// "+991116004380" → "+9911****4380". Numbers of 7 to 10 digits keep only their
// last 2 digits ("12345678" → "******78"), of up to 6 digits none. Separators
// (space, dash, dot, brackets) are dropped and fullwidth digits folded. A
// string that is not mostly digits (a name, an address) is masked whole but
// its first rune. Empty stays empty.
func MaskNumber(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	number := attendance.NormalizeNumber(s)
	digits := digitsOf(number)
	if other := len(strings.TrimPrefix(number, "+")) - len(digits); digits == "" || other > len(digits)/4 {
		first, size := utf8.DecodeRuneInString(s)
		return string(first) + strings.Repeat("*", max(3, utf8.RuneCountInString(s[size:])))
	}
	keepHead, keepTail := min(5, len(digits)-8), 4
	switch n := len(digits); {
	case n <= 6:
		keepHead, keepTail = 0, 0
	case n <= 10:
		keepHead, keepTail = 0, 2
	}
	out := digits[:keepHead] + strings.Repeat("*", len(digits)-keepHead-keepTail) + digits[len(digits)-keepTail:]
	if strings.HasPrefix(number, "+") {
		return "+" + out
	}
	return out
}

// digitsOf is the ASCII digits of s.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r < '0' || r > '9' {
			return -1
		}
		return r
	}, s)
}

// looksLikeNumber reports whether a display name is really a phone number
// (the vendor shows numbers as names for dial-in users), so it is masked too:
// at least 5 digits, a leading '+' and separators, nothing else.
func looksLikeNumber(s string) bool {
	if strings.ContainsFunc(s, unicode.IsLetter) {
		return false // the common case: a name
	}
	number := strings.TrimPrefix(attendance.NormalizeNumber(s), "+")
	return len(number) >= 5 && strings.Trim(number, "0123456789") == ""
}

// number is a call number as a shows it: masked for Shared.
func (a Audience) number(n string) string {
	if a == Shared {
		return MaskNumber(n)
	}
	return strings.TrimSpace(n)
}

// name is a display name as a shows it: for Shared, masked when it is a
// number.
func (a Audience) name(n string) string {
	if a == Shared && looksLikeNumber(n) {
		return MaskNumber(n)
	}
	return strings.TrimSpace(n)
}

// GroupDigits writes a meeting ID the way people read it out: 960 123 4501.
// Anything but 9 to 12 digits comes back as it is.
func GroupDigits(id string) string {
	if len(id) < 9 || len(id) > 12 || strings.ContainsFunc(id, func(r rune) bool { return r < '0' || r > '9' }) {
		return id
	}
	cut := [][]int{9: {3, 6}, 10: {3, 6}, 11: {3, 7}, 12: {4, 8}}[len(id)]
	return id[:cut[0]] + " " + id[cut[0]:cut[1]] + " " + id[cut[1]:]
}
