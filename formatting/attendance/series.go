package attendance

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Run is one run of a recurring meeting: its report, or only its
// conference (times, subject, IDs) when its records could not be read.
type Run struct {
	Meeting Meeting `json:"meeting"`          // the conference; Records are not read
	Report  *Report `json:"report,omitempty"` // nil: the records could not be read
}

// Start is when the run began: the conference's start, else its span's.
func (r *Run) Start() time.Time {
	if r.Meeting.Start.IsZero() && r.Report != nil {
		return r.Report.Start
	}
	return r.Meeting.Start
}

// Series is the attendance of several runs of one meeting. It is not
// modified after AnalyzeSeries returns it; its members point into the
// runs' reports, which must not be modified either.
type Series struct {
	Runs     []Run    `json:"runs"`             // newest first
	Readable int      `json:"readable"`         // runs with a report
	Search   string   `json:"search,omitempty"` // the people search the reports were filtered by
	Members  []Member `json:"members"`          // most runs attended first, then by name
	Average  float64  `json:"average"`          // people per readable run
	Regulars int      `json:"regulars"`         // members at every readable run (none when fewer than two)
	Fewest   int      `json:"fewest"`           // the readable run (index in Runs) with the fewest people, the newest on a tie; -1 when none
}

// Member is one person across the runs, linked by the keys their people
// share (Person.Keys); an invitee is linked by its own key, call number
// and name and department.
type Member struct {
	Key    string `json:"key"`  // the Key of the person (or invitee) first seen, newest run first
	Name   string `json:"name"` // as in the newest run they attended, else as invited
	Number string `json:"number,omitempty"`
	Dept   string `json:"dept,omitempty"`
	// In holds, for each run (index in Series.Runs), the member's person
	// in that run's report: nil when absent or the run could not be read.
	// In JSON, their time in each run (in_meeting_ns), null where nil.
	In       []*Person     `json:"-"`
	Invited  bool          `json:"invited,omitempty"` // on the invite list of some run
	Attended int           `json:"attended"`          // readable runs attended
	Average  time.Duration `json:"average_ns"`        // time per attended run with a readable time
	Late     int           `json:"late"`              // runs attended late
	// Missed is N of "missed the last N": the latest readable runs the
	// member missed in a row, counted only for someone who came to an
	// earlier one and only from MissedFrom runs up; 0 otherwise. Every
	// rendering (Slack, the CSV, JSON, the terminal) shows this figure.
	Missed int `json:"missed"`
}

// MissedFrom is the fewest latest runs missed in a row that count as
// Member.Missed: one absence is not a pattern.
const MissedFrom = 2

// MarshalJSON writes the member with their time in each run, as a
// Person's in_meeting_ns, null where they were absent.
func (m Member) MarshalJSON() ([]byte, error) {
	type fields Member // without this method
	in := make([]*time.Duration, len(m.In))
	for i, p := range m.In {
		if p != nil {
			in[i] = &p.InMeeting
		}
	}
	return json.Marshal(struct {
		fields
		In []*time.Duration `json:"in_meeting_ns"`
	}{fields(m), in})
}

// AnalyzeSeries links the people of the runs (sorted newest first) into
// members and computes their attendance. The invitees of a run who did
// not come are members too, so one invited to every run who never came
// shows as 0 of them. A person links to the first member that any of
// their keys names and that has no person of the same run yet.
func AnalyzeSeries(runs []Run) *Series {
	s := &Series{Runs: slices.Clone(runs), Fewest: -1}
	slices.SortStableFunc(s.Runs, func(a, b Run) int { return b.Start().Compare(a.Start()) })
	byKey := map[string]int{} // key → index in s.Members
	link := func(run int, keys []string, key string) *Member {
		at := -1
		for _, k := range keys {
			if i, ok := byKey[k]; ok && s.Members[i].In[run] == nil {
				at = i
				break
			}
		}
		if at < 0 {
			at = len(s.Members)
			s.Members = append(s.Members, Member{Key: key, In: make([]*Person, len(s.Runs))})
		}
		for _, k := range keys {
			if _, ok := byKey[k]; !ok && k != "" {
				byKey[k] = at
			}
		}
		return &s.Members[at]
	}
	people := 0
	for i := range s.Runs {
		r := s.Runs[i].Report
		if r == nil {
			continue
		}
		s.Readable++
		s.Search = cmp.Or(s.Search, r.Search)
		people += len(r.People)
		if s.Fewest < 0 || len(r.People) < len(s.Runs[s.Fewest].Report.People) {
			s.Fewest = i
		}
		for j := range r.People {
			p := &r.People[j]
			m := link(i, p.Keys(), p.Key)
			m.In[i] = p
			m.Invited = m.Invited || p.Invitee != nil
		}
		for j := range r.NoShows {
			inv := &r.NoShows[j]
			key := inv.Key()
			m := link(i, []string{key, numberKey(inv.Number), personKey(inv.Name, inv.Dept)}, key)
			if m.Invited = true; m.Name == "" {
				m.Name, m.Number, m.Dept = strings.TrimSpace(inv.Name), strings.TrimSpace(inv.Number), strings.TrimSpace(inv.Dept)
			}
		}
	}
	if s.Readable > 0 {
		s.Average = float64(people) / float64(s.Readable)
	}
	seen := map[string]bool{}
	for i := range s.Members {
		m := &s.Members[i]
		m.count(s.Runs)
		if s.Readable > 1 && m.Attended == s.Readable {
			s.Regulars++
		}
		m.Key = unique(seen, m.Key) // two people, one key, in different runs
	}
	slices.SortFunc(s.Members, func(a, b Member) int {
		return cmp.Or(cmp.Compare(b.Attended, a.Attended), strings.Compare(a.Name, b.Name), strings.Compare(a.Key, b.Key))
	})
	return s
}

// count computes the member's figures from In, and takes the name,
// number and department of the newest run they attended.
func (m *Member) count(runs []Run) {
	var sum time.Duration
	timed, missing := 0, true
	for i, p := range m.In {
		switch {
		case runs[i].Report == nil:
		case p == nil:
			if missing {
				m.Missed++
			}
		default:
			if missing {
				m.Name, m.Number, m.Dept = p.Name, p.Number, p.Dept
			}
			missing = false
			m.Attended++
			m.Late += b2i(p.Late)
			if p.Timed() {
				sum += p.InMeeting
				timed++
			}
		}
	}
	if timed > 0 {
		m.Average = sum / time.Duration(timed)
	}
	if m.Missed < MissedFrom || m.Attended == 0 {
		m.Missed = 0
	}
}
