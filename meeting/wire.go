package meeting

// This file holds the wire form of each record the API sends (attendee
// records, conferences, invitees, login tokens) and the page decoders that
// turn them into this package's types. The lenient field types and the
// generic page decoding they are built from are in decode.go.

import (
	"encoding/json"
	"math"
	"time"
)

// wireAttendee is the lenient wire form of Attendee.
type wireAttendee struct {
	DisplayName fieldString `json:"displayName"`
	CallNumber  fieldString `json:"callNumber"`
	DeviceType  fieldString `json:"deviceType"`
	JoinTime    flexInt     `json:"joinTime"`
	LeftTime    flexInt     `json:"leftTime"`
	MediaType   fieldString `json:"mediaType"`
	DeptName    fieldString `json:"deptName"`
}

func (w *wireAttendee) attendee(seen map[fieldString]string) Attendee {
	return Attendee{
		DisplayName: string(w.DisplayName),
		CallNumber:  string(w.CallNumber),
		DeviceType:  w.DeviceType.once(seen),
		JoinTime:    int64(w.JoinTime),
		LeftTime:    int64(w.LeftTime),
		MediaType:   w.MediaType.once(seen),
		DeptName:    w.DeptName.once(seen),
	}
}

// once is s, one copy per value in seen, for the values that repeat down
// a page (device and media types, departments): a town hall's 25,000
// records held 600 KB of copies of "Soft client" and "Video" (issue 11).
func (s fieldString) once(seen map[fieldString]string) string {
	v, ok := seen[s]
	if !ok {
		v = string(s)
		seen[s] = v
	}
	return v
}

// decodeAttendeePage decodes one confAttendeeRecord page.
func decodeAttendeePage(body []byte) (count int, records []Attendee, err error) {
	n, data, err := decodePage[wireAttendee](body)
	if err != nil {
		return 0, nil, err
	}
	records = make([]Attendee, len(data))
	seen := map[fieldString]string{}
	for i := range data {
		records[i] = data[i].attendee(seen)
	}
	return clampCount(n), records, nil
}

// wireConference is the lenient wire form of Conference.
type wireConference struct {
	ConferenceID  fieldString `json:"conferenceID"`
	ConfUUID      fieldString `json:"confUUID"`
	Subject       fieldString `json:"subject"`
	SchedulerName fieldString `json:"scheduserName"`
	StartTime     flexTime    `json:"startTime"`
	EndTime       flexTime    `json:"endTime"`
	State         fieldString `json:"conferenceState"`
	MediaTypes    fieldString `json:"mediaTypes"`
	ConfType      fieldString `json:"confType"`
}

func (w *wireConference) conference() Conference {
	return Conference{
		ConferenceID:  string(w.ConferenceID),
		ConfUUID:      string(w.ConfUUID),
		Subject:       string(w.Subject),
		SchedulerName: string(w.SchedulerName),
		Start:         time.Time(w.StartTime),
		End:           time.Time(w.EndTime),
		State:         string(w.State),
		MediaTypes:    string(w.MediaTypes),
		ConfType:      string(w.ConfType),
	}
}

// decodeHistoryPage decodes one page of the history conference list.
func decodeHistoryPage(body []byte) (count int, confs []Conference, err error) {
	n, data, err := decodePage[wireConference](body)
	if err != nil {
		return 0, nil, err
	}
	confs = make([]Conference, len(data))
	for i := range data {
		confs[i] = data[i].conference()
	}
	return clampCount(n), confs, nil
}

// wireParticipant is the lenient wire form of Participant.
type wireParticipant struct {
	ParticipantID fieldString `json:"participantID"`
	Name          fieldString `json:"name"`
	Role          flexInt     `json:"role"`
	AttendeeType  fieldString `json:"attendeeType"`
	Email         fieldString `json:"email"`
	SMS           fieldString `json:"sms"`
	DeptName      fieldString `json:"deptName"`
}

func (w *wireParticipant) participant(seen map[fieldString]string) Participant {
	role := int(w.Role)
	if w.Role > math.MaxInt32 || w.Role < math.MinInt32 {
		role = 0
	}
	return Participant{
		ParticipantID: string(w.ParticipantID),
		Name:          string(w.Name),
		Role:          role,
		AttendeeType:  w.AttendeeType.once(seen),
		Email:         string(w.Email),
		SMS:           string(w.SMS),
		DeptName:      w.DeptName.once(seen),
	}
}

// decodeDetailPage decodes one confDetail page: the conference and one page of
// its invite list.
func decodeDetailPage(body []byte) (conf Conference, count int, parts []Participant, err error) {
	var p struct {
		ConferenceData wireConference  `json:"conferenceData"`
		Data           json.RawMessage `json:"data"`
	}
	if err := decodeLenient(body, &p); err != nil {
		return Conference{}, 0, nil, err
	}
	n, data, err := decodePage[wireParticipant](p.Data)
	if err != nil && len(p.Data) > 0 {
		return Conference{}, 0, nil, err
	}
	parts = make([]Participant, len(data))
	seen := map[fieldString]string{}
	for i := range data {
		parts[i] = data[i].participant(seen)
	}
	return p.ConferenceData.conference(), clampCount(n), parts, nil
}

// wireToken is the token part of the appauth, account and refresh responses.
type wireToken struct {
	AccessToken        flexString `json:"accessToken"`
	ValidPeriod        flexInt    `json:"validPeriod"` // seconds
	ExpireTime         flexInt    `json:"expireTime"`  // unix seconds
	RefreshToken       flexString `json:"refreshToken"`
	RefreshValidPeriod flexInt    `json:"refreshValidPeriod"`
	RefreshExpireTime  flexInt    `json:"refreshExpireTime"`
}
