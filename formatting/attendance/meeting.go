package attendance

import (
	"cmp"
	"time"
)

// Record is one raw attendee record: one join of one device. Join and Leave
// are UTC epoch milliseconds as the meeting service sends them; Leave 0
// means the record has no leave time (still in, or the end is unknown).
type Record struct {
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"`
	Dept   string `json:"dept,omitempty"`
	Device string `json:"device,omitempty"`
	Media  string `json:"media,omitempty"`
	Join   int64  `json:"join_ms"`
	Leave  int64  `json:"leave_ms"`
}

// Invitee is one entry of a meeting's invite list.
type Invitee struct {
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"` // a call number; an e-mail address here is ignored
	Email  string `json:"email,omitempty"`
	Dept   string `json:"dept,omitempty"`
}

// Meeting is what Analyze reads: one conference's records and, when known,
// its times and invite list.
type Meeting struct {
	ConfUUID  string    `json:"conf_uuid,omitempty"`
	MeetingID string    `json:"meeting_id,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Start     time.Time `json:"start,omitzero"` // the conference's start; zero when unknown
	End       time.Time `json:"end,omitzero"`   // the conference's end; zero when unknown
	// Records are not marshalled, nor kept in a Report: it carries each of
	// them, with what was computed from it, in People[i].Sessions.
	Records []Record  `json:"-"`
	Invited []Invitee `json:"invited,omitempty"` // nil when the invite list is unknown
}

// Thresholds tune the flags. A zero field means its default, so
// Thresholds{} is the defaults.
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

// withDefaults fills in the default of every field that is not positive.
func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds()
	return Thresholds{LateAfter: cmp.Or(max(t.LateAfter, 0), d.LateAfter), EarlyBefore: cmp.Or(max(t.EarlyBefore, 0), d.EarlyBefore),
		Present: cmp.Or(max(t.Present, 0), d.Present), Brief: cmp.Or(max(t.Brief, 0), d.Brief)}
}

// Level is how much of the meeting a person attended.
type Level string

// Levels; the empty Level means unknown (no readable time, or a meeting of
// no length).
const (
	LevelPresent Level = "present" // share ≥ Thresholds.Present
	LevelPartial Level = "partial"
	LevelBrief   Level = "brief" // share < Thresholds.Brief
)

// Count is one line of a breakdown. An empty Name is the bucket of people
// without a value (no department, no device type).
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}
