package formatting

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// identity is the grouping key of a record. It is comparable and, on the
// common paths, made of substrings of the input so grouping does not allocate.
type identity struct {
	kind byte // 'n' number, 'p' name+dept, 'r' record of its own
	a, b string
	i    int
}

// identityOf returns the grouping identity of record i.
func identityOf(r *Record, i int) identity {
	if n := normNumber(r.Number); n != "" {
		return identity{kind: 'n', a: n}
	}
	if name := foldText(r.Name); name != "" {
		return identity{kind: 'p', a: name, b: foldText(r.Dept)}
	}
	return identity{kind: 'r', i: i}
}

// key renders the identity as Person.Key: "n:<number>", "p:<name>|<dept>"
// (with | and \ backslash-escaped so keys stay unique) or "r:<record index>".
func (id identity) key() string {
	switch id.kind {
	case 'n':
		return "n:" + id.a
	case 'p':
		return "p:" + keyPart(id.a) + "|" + keyPart(id.b)
	}
	return "r:" + strconv.Itoa(id.i)
}

// appendKey appends id.key() to b.
func (id identity) appendKey(b []byte) []byte {
	switch id.kind {
	case 'n':
		return append(append(b, "n:"...), id.a...)
	case 'p':
		b = appendKeyPart(append(b, "p:"...), id.a)
		return appendKeyPart(append(b, '|'), id.b)
	}
	return strconv.AppendInt(append(b, "r:"...), int64(id.i), 10)
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

func keyPart(s string) string {
	if !strings.ContainsAny(s, `|\`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(s)
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
	s = trimSpace(s)
	clean, digit := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c == '+' || c == '*' || c == '#' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		default:
			clean = false
		}
	}
	if clean {
		if !digit {
			return ""
		}
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	digit = false
	for _, r := range s {
		r = foldRune(r)
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
			continue
		case r >= '0' && r <= '9':
			digit = true
		}
		b.WriteRune(r)
	}
	if !digit {
		return ""
	}
	return b.String()
}

// foldText normalises a name or department for identity: trimmed, fullwidth
// folded, lower-cased, inner runs of white space collapsed to one space.
func foldText(s string) string {
	s = trimSpace(s)
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') || c < ' ' ||
			(c == ' ' && i+1 < len(s) && s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if !clean {
		// Non-ASCII is usually CJK or another caseless script: only build
		// a new string when folding changes something.
		clean = true
		prevSpace := false
		for _, r := range s {
			sp := unicode.IsSpace(r)
			if r < ' ' || sp && (r != ' ' || prevSpace) || foldRune(r) != r ||
				r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && !(r >= 0x3040 && r <= 0x9FFF) && unicode.ToLower(r) != r {
				clean = false
				break
			}
			prevSpace = sp
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		r = unicode.ToLower(foldRune(r))
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
