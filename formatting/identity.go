package formatting

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// appendIdentityKey appends the grouping key of record i to b, which is
// also its Person.Key: "n:<number>" when the call number has a digit,
// else "p:<name>|<dept>" when the name is not empty (folded, with | and \
// backslash-escaped so keys stay unique), else "r:<i>", a record of its
// own. own reports the last case. It allocates nothing when b has room.
func appendIdentityKey(b []byte, r *Record, i int) (key []byte, own bool) {
	start := len(b)
	if b, ok := appendNormNumber(append(b, "n:"...), r.Number); ok {
		return b, false
	}
	b = appendFold(append(b[:start], "p:"...), r.Name, true)
	if len(b) > start+2 {
		return appendFold(append(b, '|'), r.Dept, true), false
	}
	return strconv.AppendInt(append(b[:start], "r:"...), int64(i), 10), true
}

// trimSpace is strings.TrimSpace with a fast path: text whose first and last
// runes cannot be white space (judged from their lead byte) is returned as is,
// which is nearly all names, departments and device types.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	i := len(s) - 1
	for i > 0 && i > len(s)-4 && s[i]&0xC0 == 0x80 {
		i-- // back to the lead byte of the last rune
	}
	if maybeSpaceLead(s[0]) || maybeSpaceLead(s[i]) {
		return strings.TrimSpace(s)
	}
	return s
}

// maybeSpaceLead reports whether a rune starting with byte c may be white
// space: ASCII space and controls, or the lead bytes of U+0085, U+00A0,
// U+1680, U+2000–U+205F and U+3000.
func maybeSpaceLead(c byte) bool {
	return c <= ' ' || c == 0xC2 || c >= 0xE1 && c <= 0xE3
}

// foldRune folds fullwidth ASCII (U+FF01–U+FF5E) and the ideographic space to
// ASCII: the narrow part of Unicode width folding that matters for names typed
// with a CJK input method.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + 0x21
	case r == 0x3000:
		return ' '
	}
	return r
}

// normNumber normalises a call number for identity: trimmed, fullwidth
// folded, with spaces, dashes, dots and brackets removed. A string with no
// digit is not a number and gives "".
func normNumber(s string) string {
	if t := trimSpace(s); numberClean(t) {
		return t
	}
	b, ok := appendNormNumber(nil, s)
	if !ok {
		return ""
	}
	return string(b)
}

// numberClean reports whether normNumber keeps s (trimmed) as it is: ASCII
// digits, letters, +, * and # only, with a digit.
func numberClean(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c == '+' || c == '*' || c == '#' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		default:
			return false
		}
	}
	return digit
}

// appendNormNumber appends normNumber(s) to b and reports whether s is a
// number (has a digit); when not, what it appended is to be dropped.
func appendNormNumber(b []byte, s string) ([]byte, bool) {
	s = trimSpace(s)
	if numberClean(s) {
		return append(b, s...), true
	}
	digit := false
	for _, r := range s {
		r = foldRune(r)
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
			continue
		case r >= '0' && r <= '9':
			digit = true
		}
		b = utf8.AppendRune(b, r)
	}
	return b, digit
}

// foldText normalises a name or department for identity: trimmed, fullwidth
// folded, lower-cased, inner runs of white space collapsed to one space.
func foldText(s string) string {
	if t := trimSpace(s); foldClean(t) {
		return t
	}
	return string(appendFold(nil, s, false))
}

// foldClean reports whether foldText keeps s (trimmed) as it is.
func foldClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') || c < ' ' ||
			(c == ' ' && i+1 < len(s) && s[i+1] == ' ') {
			return foldCleanRunes(s)
		}
	}
	return true
}

// foldCleanRunes is foldClean for text that is not plain ASCII, usually CJK
// or another caseless script.
func foldCleanRunes(s string) bool {
	prevSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x3040 && r <= 0x9FFF {
			// Kana and CJK ideographs: caseless, no space, no fold.
			prevSpace = false
			continue
		}
		sp := unicode.IsSpace(r)
		if r < ' ' || sp && (r != ' ' || prevSpace) || foldRune(r) != r || r >= 'A' && r <= 'Z' ||
			r == utf8.RuneError && size == 1 || r >= utf8.RuneSelf && unicode.ToLower(r) != r {
			return false
		}
		prevSpace = sp
	}
	return true
}

// appendFold appends foldText(s) to b, with escape each | and \ preceded by
// a backslash (for Person.Key).
func appendFold(b []byte, s string, escape bool) []byte {
	s = trimSpace(s)
	if foldClean(s) {
		if escape {
			return appendKeyPart(b, s)
		}
		return append(b, s...)
	}
	start := len(b)
	space := false
	for i := 0; i < len(s); {
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, like "Sales": no table lookups.
			i++
			switch {
			case c == ' ' || c >= '\t' && c <= '\r':
				space = true
				continue
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			}
			r = rune(c)
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
			r = unicode.ToLower(foldRune(r))
			if unicode.IsSpace(r) {
				space = true
				continue
			}
		}
		if space && len(b) > start {
			b = append(b, ' ')
		}
		space = false
		if escape && (r == '|' || r == '\\') {
			b = append(b, '\\')
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

func appendKeyPart(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '|' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return b
}
