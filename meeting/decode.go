package meeting

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The API's field types are documented loosely and not always honoured, so
// responses decode into lenient types: a field with an unexpected type becomes
// its zero value instead of failing the whole page.

// flexString accepts a JSON string, number or boolean; null, objects and arrays
// give "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		*s = ""
	case b[0] == '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			*s = flexString(inner)
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			*s = ""
			return nil
		}
		*s = flexString(v)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || b[0] == 't' || b[0] == 'f':
		*s = flexString(b)
	default: // null, object, array
		*s = ""
	}
	return nil
}

// fieldString is a flexString from meeting data (a name, a department, a
// subject), cut to MaxFieldBytes: one absurd field cannot make a record,
// or everything built from it, hold megabytes.
type fieldString string

func (s *fieldString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' && len(b) > MaxFieldBytes+2 && bytes.IndexByte(b, '\\') < 0 {
		// Cut before converting, so the long original is never copied.
		b = append(b[:MaxFieldBytes+1:MaxFieldBytes+1], '"')
	}
	var f flexString
	_ = f.UnmarshalJSON(b)
	if len(f) > MaxFieldBytes {
		f = flexString(strings.Clone(truncate(string(f), MaxFieldBytes)))
	}
	*s = fieldString(f)
	return nil
}

// flexInt accepts a JSON number (fractions truncated) or a string holding one;
// anything else gives 0.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	*n = 0
	if len(b) == 0 {
		return nil
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
		b = []byte(strings.TrimSpace(s))
	}
	*n = flexInt(parseNumber(string(b)))
	return nil
}

// parseNumber parses an integer or float literal, saturating at the int64
// range; anything unparsable is 0.
func parseNumber(s string) int64 {
	if s == "" {
		return 0
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0
	}
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// historyTimeLayouts are the string forms a conference time may take. The
// documented one is the first; all are read as UTC.
var historyTimeLayouts = []string{
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04",
}

// flexTime accepts "YYYY-MM-DD HH:MM" (UTC, documented), "YYYY-MM-DD HH:MM:SS",
// RFC 3339, or epoch milliseconds as a number or numeric string. Numbers below
// 1e11 are taken as epoch seconds. Anything else is the zero time.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	*t = flexTime{}
	var s string
	switch {
	case len(b) == 0:
		return nil
	case b[0] == '"':
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
		s = strings.TrimSpace(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		s = string(b)
	default:
		return nil
	}
	*t = flexTime(parseHistoryTime(s))
	return nil
}

func parseHistoryTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-: T") {
		n := parseNumber(s)
		switch {
		case n <= 0:
			return time.Time{}
		case n < 1e11:
			return time.Unix(n, 0).UTC()
		case n > 1e15: // not a plausible time
			return time.Time{}
		}
		return time.UnixMilli(n).UTC()
	}
	for _, layout := range historyTimeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			return v.UTC()
		}
	}
	return time.Time{}
}

// decodeLenient unmarshals body into v, tolerating type mismatches: encoding/json
// fills every field it can and reports only the first mismatch, which is then
// ignored. Syntax errors fail.
func decodeLenient(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}

// wirePage is one page of any paged list.
type wirePage[T any] struct {
	Offset flexInt     `json:"offset"`
	Limit  flexInt     `json:"limit"`
	Count  flexInt     `json:"count"`
	Data   wireList[T] `json:"data"`
}

// maxPageItems is the most items a page is decoded with: one more than any
// page may hold, so paging still sees (and refuses) an overfull page, while
// a page of a million empty objects never becomes a million structs.
const maxPageItems = pageLimit + 1

// wireList decodes a JSON array element by element and stops after
// maxPageItems. Anything but an array is an empty list. It is for large
// answers (see smallPage): it is slower than decoding a slice at once.
type wireList[T any] []T

func (l *wireList[T]) UnmarshalJSON(b []byte) error {
	*l = nil
	if len(b) == 0 || b[0] != '[' {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return err
	}
	out := make([]T, 0, min(bytes.Count(b, []byte{'{'}), maxPageItems))
	for dec.More() && len(out) < maxPageItems {
		var v T
		if err := dec.Decode(&v); err != nil {
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				return err
			}
			// A mistyped element (a string among objects) keeps its zero value.
		}
		out = append(out, v)
	}
	*l = out
	return nil
}

// smallPage is the size of an answer decoded in one go: at most 37 bytes
// of structs for each byte of JSON ("{}," is an element), so well under
// 10 MB. A page of 500 records is about 100 KB. A larger answer is
// decoded element by element (wireList), which bounds what a page of a
// million empty objects can cost, at 1.7 times the time.
const smallPage = 256 << 10

// decodePage decodes a paged list's count and items (at most maxPageItems)
// from body.
func decodePage[T any](body []byte) (count flexInt, items []T, err error) {
	if len(body) <= smallPage {
		var p struct {
			Count flexInt `json:"count"`
			Data  []T     `json:"data"`
		}
		// Room for an item per object in the answer, which encoding/json
		// fills instead of growing the slice from nothing: a town hall's
		// 90 pages grew 11 MB of garbage (issue 11).
		p.Data = make([]T, 0, min(bytes.Count(body, []byte{'{'}), maxPageItems))
		err = decodeLenient(body, &p)
		return p.Count, p.Data[:min(len(p.Data), maxPageItems)], err
	}
	var p wirePage[T]
	err = decodeLenient(body, &p)
	return p.Count, p.Data, err
}

func clampCount(n flexInt) int {
	if n < 0 {
		return 0
	}
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n)
}
