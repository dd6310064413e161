package bot

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// What a button remembers of a lookup (lookupRef), and how it is written
// into a button's value and read back from one.

// lookupRef is what a button remembers: a conference, or the newest Last
// runs of meeting ID MeetingID (a series); the people filter and, for a
// summary in the DM about a message in a channel, that channel.
// A filtered lookup does not fetch the conference's detail (it comes with
// the invite list), so its signed buttons also carry what the detail would
// tell: the meeting ID, subject and times.
type lookupRef struct {
	ConfUUID string
	Search   string
	Channel  string

	MeetingID, Subject string
	Start, End         time.Time

	Last int // a series: no ConfUUID, no Subject or times
}

// maxRefSubject bounds the subject a button carries, in bytes: with the
// longest search a value stays within Slack's 2,000 characters.
const maxRefSubject = 150

// withConference is ref knowing, for a filtered lookup, what the lookup
// learnt of the conference m.
func (r lookupRef) withConference(m attendance.Meeting) lookupRef {
	if r.Search != "" {
		r.MeetingID, r.Start, r.End = m.MeetingID, m.Start, m.End
		r.Subject = strings.ToValidUTF8(m.Subject[:min(len(m.Subject), maxRefSubject)], "")
	}
	return r
}

// conference is the conference r refers to, as far as r knows it.
func (r lookupRef) conference() meeting.Conference {
	return meeting.Conference{ConfUUID: r.ConfUUID, ConferenceID: r.MeetingID, Subject: r.Subject, Start: r.Start, End: r.End}
}

// values are r's fields in a button value: c, q, ch, m, t, a and b (the
// times in Unix seconds), and n (a series' runs).
func (r lookupRef) values() url.Values {
	v := url.Values{}
	if r.Last > 0 {
		v.Set("n", strconv.Itoa(r.Last))
	}
	for key, s := range map[string]string{"c": r.ConfUUID, "q": r.Search, "ch": r.Channel, "m": r.MeetingID, "t": r.Subject} {
		if s != "" {
			v.Set(key, s)
		}
	}
	for key, t := range map[string]time.Time{"a": r.Start, "b": r.End} {
		if !t.IsZero() {
			v.Set(key, strconv.FormatInt(t.Unix(), 10))
		}
	}
	return v
}

func (r lookupRef) String() string { return r.values().Encode() }

// parseRef reads an unsigned button value (an Open button, a picked
// meeting): the conference (or series), filter and channel only. Values
// come back from Slack, so every part is checked.
func parseRef(s string) (lookupRef, error) {
	v, err := url.ParseQuery(s)
	if err != nil {
		return lookupRef{}, errStaleButton
	}
	return refOf(v, false)
}

// refOf reads the fields of a button value, checking each; the
// conference's details only when the value is signed (withDetail).
func refOf(v url.Values, withDetail bool) (lookupRef, error) {
	r := lookupRef{ConfUUID: v.Get("c"), Search: v.Get("q"), Channel: v.Get("ch")}
	if len(r.Search) > 4*maxSearch || (r.Channel != "" && !validChannelID(r.Channel)) {
		return lookupRef{}, errStaleButton
	}
	if v.Has("n") { // a series: a meeting ID as NormalizeMeetingID writes it, and nothing of one run
		n, err := strconv.Atoi(v.Get("n"))
		id, idErr := meeting.NormalizeMeetingID(v.Get("m"))
		if err != nil || n < minLast || n > maxLast || idErr != nil || id != v.Get("m") || v.Has("c") || v.Has("t") || v.Has("a") || v.Has("b") {
			return lookupRef{}, errStaleButton
		}
		r.MeetingID, r.Last = id, n
		return r, nil
	}
	if meeting.ValidateConfUUID(r.ConfUUID) != nil {
		return lookupRef{}, errStaleButton
	}
	if !withDetail {
		return r, nil
	}
	r.MeetingID, r.Subject = v.Get("m"), v.Get("t")
	for key, t := range map[string]*time.Time{"a": &r.Start, "b": &r.End} {
		if s := v.Get(key); s != "" {
			sec, err := strconv.ParseInt(s, 10, 64)
			if err != nil || sec < 0 || sec > 1<<40 {
				return lookupRef{}, errStaleButton
			}
			*t = time.Unix(sec, 0).UTC()
		}
	}
	if len(r.Subject) > maxRefSubject || len(r.MeetingID) > 20 || r.MeetingID != "" && !isDigits(r.MeetingID) {
		return lookupRef{}, errStaleButton
	}
	return r, nil
}
