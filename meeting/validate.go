package meeting

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Meeting IDs are the digits people type. Huawei Cloud Meeting IDs seen in
// practice have 9 or 10 digits; the accepted range is wider so personal and
// enterprise numbering plans still pass, yet narrow enough to reject a pasted
// phone number with text or a confUUID.
const (
	minMeetingIDDigits = 6
	maxMeetingIDDigits = 20
)

// inputError is a validation failure. Its text says what a valid value looks
// like; it satisfies errors.Is(err, ErrInvalidInput).
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == ErrInvalidInput }

func invalid(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// quoteInput quotes a user-supplied value for an error message: at most 40
// characters, unprintable ones and invalid bytes shown as '?', so a pasted
// paragraph or binary junk cannot bloat or garble a log line.
func quoteInput(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 40 {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return strconv.Quote(b.String())
}

// ValidateConfUUID reports whether s has the shape of a confUUID: 32 hexadecimal
// characters (either case), or the same in the canonical 8-4-4-4-12 UUID form.
// The value is sent to the server exactly as given. The error satisfies
// errors.Is(err, ErrInvalidInput) and says what a valid value looks like.
func ValidateConfUUID(s string) error {
	if isHex(s, 32) || isDashedUUID(s) {
		return nil
	}
	return invalid("confUUID must be 32 hexadecimal characters, like 9a0fa6d10a5b11eaae5e191763c22c0e; got %s", quoteInput(s))
}

func isDashedUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	return isHex(s[:8], 8) && isHex(s[9:13], 4) && isHex(s[14:18], 4) && isHex(s[19:23], 4) && isHex(s[24:], 12)
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// CompactMeetingID removes the spaces and dashes people type in a meeting
// ID ("960 123-4567" → "9601234567") without checking what is left: the
// form to compare IDs by.
func CompactMeetingID(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, s)
}

// NormalizeMeetingID strips spaces and dashes (any Unicode space or dash, so a
// number copied from a calendar invite works) and checks what is left: 6 to 20
// ASCII digits. It returns the digits. The error satisfies
// errors.Is(err, ErrInvalidInput) and says what a valid value looks like.
func NormalizeMeetingID(s string) (string, error) {
	digits := CompactMeetingID(s)
	ok := len(digits) >= minMeetingIDDigits && len(digits) <= maxMeetingIDDigits
	for i := 0; ok && i < len(digits); i++ {
		ok = '0' <= digits[i] && digits[i] <= '9'
	}
	if !ok {
		return "", invalid("meeting ID must be %d to %d digits (spaces and dashes allowed), like 960 123 4567; got %s",
			minMeetingIDDigits, maxMeetingIDDigits, quoteInput(s))
	}
	return digits, nil
}
