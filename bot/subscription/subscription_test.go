package subscription

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/attendees-bot/attendees-bot/meeting"
)

func TestMatches(t *testing.T) {
	conf := meeting.Conference{ConferenceID: "960 123 4567", Subject: "Q4 Planning — Weekly SYNC 周会 ประชุมทีม"}
	tests := []struct {
		kind, value string
		want        bool
	}{
		{MeetingID, "9601234567", true},
		{MeetingID, "960-123-4567", true},
		{MeetingID, "960123456", false},
		{Subject, "weekly sync", true},
		{Subject, "sync planning", true}, // every word, any order
		{Subject, "周会", true},
		{Subject, "weekly retro", false},
		{Subject, "ync", false},  // whole words only
		{Subject, "plan", false}, // not a prefix either
		{Subject, "q4", true},
		{Subject, "周", true},   // written without spaces: a substring
		{Subject, "ทีม", true}, // Thai too
		{Subject, "会议", false}, // not in the subject
		{Subject, "", false},
		{"room", "x", false},
	}
	for _, tt := range tests {
		if got := Matches(tt.kind, tt.value, conf); got != tt.want {
			t.Errorf("Matches(%s %q) = %v; want %v", tt.kind, tt.value, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		kind, value, want string
		err               bool
	}{
		{MeetingID, "960 123-4567", "9601234567", false},
		{Subject, "  Weekly   SYNC ", "sync weekly", false},
		{Subject, "sync Weekly sync", "sync weekly", false},
		{Subject, "周会 Q4 planning", "planning q4 周会", false},
		{Subject, "   ", "", true},
		{"room", "x", "", true},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.kind, tt.value)
		if got != tt.want || (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("Normalize(%s, %q) = %q, %v; want %q (error %v)", tt.kind, tt.value, got, err, tt.want, tt.err)
		}
	}
}

// TestTooBroadAgreesWithMatching: the scripts that count double when
// judging breadth are exactly those matched as substrings.
func TestTooBroadAgreesWithMatching(t *testing.T) {
	tests := []struct {
		words string
		want  bool
	}{
		{"ab", true}, {"abc", false}, {"周", true}, {"周会", false},
		{"ทีม", false}, {"!!", true}, {"q4", true}, {"q4 x", false},
		{"ab ab ab", true}, {"ab AB", true}, {"ab cd", false}, // a repeated word counts once
	}
	for _, tt := range tests {
		if got := TooBroad(tt.words); got != tt.want {
			t.Errorf("TooBroad(%q) = %v; want %v", tt.words, got, tt.want)
		}
	}
	for _, w := range []string{"周会", "ประชุม", "ミーティング", "ການປະຊຸມ"} {
		conf := meeting.Conference{Subject: "x" + w + "y"} // no spaces around it
		if !Matches(Subject, w, conf) {
			t.Errorf("%q inside a subject does not match; a script without spaces must match as a substring", w)
		}
	}
}

// FuzzNormalize: the stored form is a fixed point, so storing it again
// finds the same row.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Weekly Sync", "960 123 4567", " 周会 ", "a\tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{MeetingID, Subject} {
			v, err := Normalize(kind, s)
			if err != nil {
				continue
			}
			again, err := Normalize(kind, v)
			if err != nil || again != v {
				t.Fatalf("Normalize(%s, Normalize(%q)=%q) = %q, %v", kind, s, v, again, err)
			}
		}
	})
}

// FuzzNormalizeKeepsMatches: the stored key of subject words matches
// exactly the subjects the words do, so keying by it changes no post; and
// the words in another order, or repeated, have the same key.
func FuzzNormalizeKeepsMatches(f *testing.F) {
	for _, s := range [][2]string{{"weekly sync", "Weekly product SYNC"}, {"sync sync", "sync"}, {"周会 q4", "Q4 周会"}, {"a\tb", "b a"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, words, subject string) {
		key, err := Normalize(Subject, words)
		if err != nil {
			return
		}
		conf := meeting.Conference{Subject: subject}
		if Matches(Subject, key, conf) != Matches(Subject, words, conf) {
			t.Fatalf("%q matches %q: %v; its key %q: %v", words, subject, Matches(Subject, words, conf), key, Matches(Subject, key, conf))
		}
		fields := strings.Fields(words)
		slices.Reverse(fields)
		again, err := Normalize(Subject, strings.Join(append(fields, fields[0]), " "))
		if err != nil || again != key {
			t.Fatalf("Normalize(%q) = %q; reversed with a word repeated: %q, %v", words, key, again, err)
		}
	})
}

// Subscriptions fold as subject search does: accents, width and case.
func TestMatchesFoldsAsSearchDoes(t *testing.T) {
	conf := meeting.Conference{Subject: "Café SYNC ＲＥＶＩＥＷ"}
	for _, words := range []string{"cafe sync", "CAFÉ review", "ｓｙｎｃ"} {
		if !Matches(Subject, words, conf) {
			t.Errorf("Matches(%q, %q) = false; want true", words, conf.Subject)
		}
	}
	a, errA := Normalize(Subject, "Café sync")
	b, errB := Normalize(Subject, "SYNC cafe")
	if errA != nil || errB != nil || a != b {
		t.Errorf("Normalize = %q, %q (%v, %v); want one key", a, b, errA, errB)
	}
}
