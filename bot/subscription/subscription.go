// Package subscription holds the rules of automatic-post subscriptions in
// one place: what a channel may watch, how a watched value is stored, and
// which concluded meetings it matches. The bot parses and shows
// subscriptions with these rules, the store keeps them in the normal form
// and automatic posts match with them, so the three can never disagree.
package subscription

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Kinds of subscription, as stored.
const (
	MeetingID = "meeting_id" // the value is a meeting ID, digits only
	Subject   = "subject"    // the value is lower-case subject words
)

// ErrInvalid marks a kind or value no subscription can have.
var ErrInvalid = errors.New("invalid subscription")

// Normalize returns the stored form of a value, the key that tells two
// subscriptions apart: a meeting ID without spaces and dashes, so "960
// 123-4567" and "9601234567" are the same subscription; subject words
// folded as Matches folds them, sorted and each once, since they match in
// any order: "weekly sync" and "Sync weekly" are one subscription.
func Normalize(kind, value string) (string, error) {
	var v string
	switch kind {
	case MeetingID:
		v = meeting.CompactMeetingID(value)
	case Subject:
		words := strings.Fields(fold(value))
		slices.Sort(words)
		v = strings.Join(slices.Compact(words), " ")
	default:
		return "", fmt.Errorf("subscription kind %q: want %s or %s: %w", kind, MeetingID, Subject, ErrInvalid)
	}
	if v == "" {
		return "", fmt.Errorf("empty %s subscription: %w", kind, ErrInvalid)
	}
	return v, nil
}

// minWeight is the least weight of subject words a channel may watch: a
// word or two of letters would match nearly every meeting and flood it.
const minWeight = 3

// TooBroad reports whether subject words are too short to watch. A word
// repeated narrows nothing, so it counts once.
func TooBroad(words string) bool {
	key, err := Normalize(Subject, words)
	return err != nil || weight(key) < minWeight
}

// fold is how subject words and subjects are compared: as subject search
// and every other comparison of names fold them (case, width, accents).
func fold(s string) string { return attendance.Fold(s) }

// weight counts letters and digits; a character of a script written
// without spaces carries a word's meaning and counts double.
func weight(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case withoutSpaces(r):
			n += 2
		case isWordRune(r):
			n++
		}
	}
	return n
}

// withoutSpaces reports whether r belongs to a script written without
// spaces between words (Chinese, Japanese, Thai and its neighbours). Its
// words cannot be split on spaces, so they match as substrings.
func withoutSpaces(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func notWordRune(r rune) bool { return !isWordRune(r) }

// Matches reports whether a subscription of kind and value wants conf: a
// meeting ID matches the conference's meeting ID (separators ignored);
// subject words match when every one occurs in the subject, ignoring case:
// as a whole word, so "sync" does not match "async", or as a substring for
// a word of a script written without spaces.
func Matches(kind, value string, conf meeting.Conference) bool {
	switch kind {
	case MeetingID:
		return value != "" && meeting.CompactMeetingID(conf.ConferenceID) == meeting.CompactMeetingID(value)
	case Subject:
		subject := fold(conf.Subject)
		words := strings.Fields(fold(value))
		if len(words) == 0 {
			return false
		}
		inSubject := make(map[string]bool)
		for _, w := range strings.FieldsFunc(subject, notWordRune) {
			inSubject[w] = true
		}
		for _, w := range words {
			dense := strings.ContainsFunc(w, withoutSpaces)
			if !inSubject[strings.TrimFunc(w, notWordRune)] && !(dense && strings.Contains(subject, w)) {
				return false
			}
		}
		return true
	}
	return false
}
