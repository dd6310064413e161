package attendance

import (
	"time"
)

// Session is one raw record with what was computed from it.
type Session struct {
	Record
	// Open: the record has no leave time; it counts up to the open end
	// (see the package documentation).
	Open bool `json:"open,omitempty"`
	// Unreadable: the record's times are implausible; they are left out of
	// every figure and Length is 0.
	Unreadable bool `json:"unreadable,omitempty"`
	// Length is leave (or the open end) minus join.
	Length time.Duration `json:"length_ns"`
}

// end is the epoch ms the session counts up to.
func (s *Session) end() int64 { return s.Join + s.Length.Milliseconds() }

// Person is one unique attendee.
type Person struct {
	// Key identifies the person within the report and, being built from
	// what identifies them, across runs of a meeting (see Keys).
	Key     string   `json:"key"`
	Name    string   `json:"name"`              // most frequent non-empty display name
	Number  string   `json:"number,omitempty"`  // most frequent non-empty call number, as given
	Dept    string   `json:"dept,omitempty"`    // most frequent non-empty department
	Invitee *Invitee `json:"invitee,omitempty"` // the invitee the person was matched to

	Sessions  []Session `json:"sessions"`            // in join order
	Joins     int       `json:"joins"`               // len(Sessions)
	FirstJoin time.Time `json:"first_join,omitzero"` // zero when no session has a readable time
	LastLeave time.Time `json:"last_leave,omitzero"` // latest readable leave; zero when none
	Open      bool      `json:"open,omitempty"`      // some readable session has no leave time

	InMeeting  time.Duration `json:"in_meeting_ns"`        // union of the readable sessions
	Unreadable int           `json:"unreadable,omitempty"` // sessions left out of the times
	Device     string        `json:"device,omitempty"`     // main device type (by time)
	Medium     string        `json:"medium,omitempty"`     // main media type (by time)

	Share     float64 `json:"share"` // InMeeting / the meeting's length, 0..1
	Late      bool    `json:"late,omitempty"`
	Early     bool    `json:"early,omitempty"`
	Level     Level   `json:"level,omitempty"`
	Uninvited bool    `json:"uninvited,omitempty"` // only with an invite list
}

// Timed reports whether the person has a session with readable times.
func (p *Person) Timed() bool { return p.Unreadable < len(p.Sessions) }

// Keys returns every key that identifies the person: Key, "n:" and each of
// their call numbers (normalised), and "p:" and the name and department of
// each of their records (folded). A series of runs of one meeting links
// the people of its reports who share a key.
func (p *Person) Keys() []string {
	keys, seen := []string{p.Key}, map[string]bool{p.Key: true}
	add := func(k string) {
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	// Re-joins repeat the number and name before them: folding them again
	// was a third of BenchmarkSeries20x1000.
	for i := range p.Sessions {
		r, prev := &p.Sessions[i].Record, &p.Sessions[max(i-1, 0)].Record
		if i == 0 || r.Number != prev.Number {
			add(numberKey(r.Number))
		}
		if i == 0 || r.Name != prev.Name || r.Dept != prev.Dept {
			add(personKey(r.Name, r.Dept))
		}
	}
	return keys
}

// Report is the analysis of one meeting. It is not modified after Analyze
// or Filter returns it, and is safe to share read-only between goroutines.
type Report struct {
	Meeting    Meeting    `json:"meeting"`          // without Records: each is in a person's Sessions
	Thresholds Thresholds `json:"thresholds"`       // effective, defaults filled in
	Search     string     `json:"search,omitempty"` // the people search it was filtered by
	People     []Person   `json:"people"`           // first join, then name, then key

	Start     time.Time     `json:"start,omitzero"` // span start
	End       time.Time     `json:"end,omitzero"`   // span end
	Scheduled bool          `json:"scheduled"`      // the conference's own times are known
	Span      time.Duration `json:"span_ns"`
	Ongoing   bool          `json:"ongoing,omitempty"` // now is before the conference's end

	Sessions   int           `json:"sessions"`   // records of the listed people
	Unreadable int           `json:"unreadable"` // of which left out of the times
	Average    time.Duration `json:"average_ns"` // over people with readable times
	Median     time.Duration `json:"median_ns"`
	Peak       int           `json:"peak"` // most people in the meeting at once
	PeakAt     time.Time     `json:"peak_at,omitzero"`

	Devices []Count `json:"devices"` // people by main device type, most first
	Media   []Count `json:"media"`   // people by main media type, most first
	Depts   []Count `json:"depts"`   // people by department, most first

	Late    int `json:"late"`
	Early   int `json:"early"`
	Open    int `json:"open"`
	Present int `json:"present"`
	Partial int `json:"partial"`
	Brief   int `json:"brief"`

	InviteKnown bool      `json:"invite_known"`
	Invited     int       `json:"invited"`            // distinct invitees
	NoShows     []Invitee `json:"no_shows,omitempty"` // invitees matched by nobody, in list order
	Uninvited   int       `json:"uninvited"`          // people matched to no invitee
}
