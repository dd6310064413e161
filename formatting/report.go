package formatting

import "time"

// Record is one raw attendee record (one join of one device). Join and Leave
// are UTC epoch milliseconds; Leave 0 means still in the meeting / unknown end.
type Record struct {
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"`
	Dept   string `json:"dept,omitempty"`
	Device string `json:"device,omitempty"`
	Media  string `json:"media,omitempty"`
	Join   int64  `json:"join_ms"`
	Leave  int64  `json:"leave_ms"`
}

// Invitee is one person on the invite list.
type Invitee struct {
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"`
	Email  string `json:"email,omitempty"`
	Dept   string `json:"dept,omitempty"`
}

// Meeting is the input of Analyze.
type Meeting struct {
	ConfUUID  string    `json:"conf_uuid,omitempty"`
	MeetingID string    `json:"meeting_id,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Start     time.Time `json:"start,omitzero"` // scheduled start; zero when unknown
	End       time.Time `json:"end,omitzero"`   // scheduled end; zero when unknown
	// Records are not marshalled: a Report carries each of them, with what
	// was computed from it, in People[i].Sessions.
	Records []Record  `json:"-"`
	Invited []Invitee `json:"invited,omitempty"` // nil when the invite list is unknown
}

// Thresholds tune the flags. A zero field means its default, so Thresholds{}
// is the defaults.
type Thresholds struct {
	LateAfter   time.Duration `json:"late_after_ns"`   // default 5m
	EarlyBefore time.Duration `json:"early_before_ns"` // default 5m
	Present     float64       `json:"present"`         // default 0.8
	Brief       float64       `json:"brief"`           // default 0.2
}

// DefaultThresholds returns the documented defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{LateAfter: 5 * time.Minute, EarlyBefore: 5 * time.Minute, Present: 0.8, Brief: 0.2}
}

func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds()
	if t.LateAfter <= 0 {
		t.LateAfter = d.LateAfter
	}
	if t.EarlyBefore <= 0 {
		t.EarlyBefore = d.EarlyBefore
	}
	if t.Present <= 0 {
		t.Present = d.Present
	}
	if t.Brief <= 0 {
		t.Brief = d.Brief
	}
	return t
}

// Level is how much of the meeting a person attended.
type Level string

// Levels; the empty Level means unknown (zero-length span).
const (
	LevelPresent Level = "present" // share ≥ Thresholds.Present
	LevelPartial Level = "partial"
	LevelBrief   Level = "brief" // share < Thresholds.Brief
)

// Count is one line of a breakdown.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// Session is one raw record with what was computed from it. Record points
// into Report.Meeting.Records: Analyze does not copy the records, so they
// must not be modified while the Report is in use.
type Session struct {
	*Record
	// Open: the leave time is unknown (0 or before the join).
	Open bool `json:"open,omitempty"`
	// same tells WriteCSV, without reading the text, that the record's
	// name (sameName) or number (sameNumber) is the Person's.
	same uint8
	// Length is the time this session counts for: clipped to the span, and
	// for an open session ending at the span end (or now, see package doc).
	Length time.Duration `json:"length_ns"`
}

// Person is one unique attendee. Sessions are in join order.
type Person struct {
	Key    string `json:"key"`
	Name   string `json:"name"`             // most frequent non-empty display name
	Number string `json:"number,omitempty"` // most frequent non-empty call number, as given
	Dept   string `json:"dept,omitempty"`   // most frequent non-empty department

	Sessions  []Session `json:"sessions"`
	FirstJoin time.Time `json:"first_join,omitzero"` // zero when no record has a join time
	LastLeave time.Time `json:"last_leave,omitzero"` // latest known leave; zero when none
	Open      bool      `json:"open,omitempty"`      // some session has no known end

	InMeeting time.Duration `json:"in_meeting_ns"`      // union of sessions within the span
	Longest   time.Duration `json:"longest_session_ns"` // longest single session
	Joins     int           `json:"joins"`              // number of records
	Devices   []string      `json:"devices,omitempty"`  // distinct, in order of first use
	Media     []string      `json:"media,omitempty"`    // distinct, in order of first use

	Share     float64 `json:"share"` // InMeeting / span, 0..1
	Late      bool    `json:"late,omitempty"`
	Early     bool    `json:"early,omitempty"`
	Level     Level   `json:"level,omitempty"`
	Uninvited bool    `json:"uninvited,omitempty"` // only with an invite list
}

// Report is the analysis of one meeting. It is not modified after Analyze
// returns and is safe to share read-only between goroutines.
type Report struct {
	Meeting    Meeting    `json:"meeting"`
	Thresholds Thresholds `json:"thresholds"` // effective, defaults filled in
	People     []Person   `json:"people"`     // display order: first join, name, key

	Start     time.Time     `json:"start,omitzero"` // span start
	End       time.Time     `json:"end,omitzero"`   // span end
	Scheduled bool          `json:"scheduled"`      // span from Meeting.Start/End
	Span      time.Duration `json:"span_ns"`
	Ongoing   bool          `json:"ongoing,omitempty"` // now is inside the scheduled span

	Sessions int           `json:"sessions"` // raw records
	Average  time.Duration `json:"average_ns"`
	Median   time.Duration `json:"median_ns"`
	Peak     int           `json:"peak"` // most people in the meeting at once
	PeakAt   time.Time     `json:"peak_at,omitzero"`

	Devices []Count `json:"devices"` // people per device type, most first
	Media   []Count `json:"media"`   // people per media type, most first
	Depts   []Count `json:"depts"`   // people per department, most first

	Late    int `json:"late"`
	Early   int `json:"early"`
	Open    int `json:"open"`
	Present int `json:"present"`
	Partial int `json:"partial"`
	Brief   int `json:"brief"`

	InviteKnown bool      `json:"invite_known"`
	Invited     int       `json:"invited"`
	NoShows     []Invitee `json:"no_shows,omitempty"` // invitees matched by nobody, in list order
	Uninvited   int       `json:"uninvited"`          // people matched by no invitee
}
