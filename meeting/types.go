package meeting

import "time"

// Attendee is one attendee record of a past conference: one join of one device.
// Times are UTC epoch milliseconds as the API sends them; LeftTime is 0 when the
// record is still open or its end is unknown. Every field may be empty.
type Attendee struct {
	DisplayName string `json:"displayName"`
	CallNumber  string `json:"callNumber"`
	DeviceType  string `json:"deviceType"`
	JoinTime    int64  `json:"joinTime"`
	LeftTime    int64  `json:"leftTime"`
	MediaType   string `json:"mediaType"`
	DeptName    string `json:"deptName"`
}

// Conference is one instance of a meeting from the history list. ConferenceID is
// the number people type; ConfUUID identifies this instance. Start and End are
// zero when the server did not send a parsable time.
type Conference struct {
	ConferenceID  string    `json:"conferenceID"`
	ConfUUID      string    `json:"confUUID"`
	Subject       string    `json:"subject"`
	SchedulerName string    `json:"scheduserName"`
	Start         time.Time `json:"-"`
	End           time.Time `json:"-"`
	State         string    `json:"conferenceState"`
	MediaTypes    string    `json:"mediaTypes"`
	ConfType      string    `json:"confType"`
}

// Participant is one person invited to a conference at booking time.
type Participant struct {
	ParticipantID string `json:"participantID"`
	Name          string `json:"name"`
	Role          int    `json:"role"`
	AttendeeType  string `json:"attendeeType"`
	Email         string `json:"email"`
	SMS           string `json:"sms"`
	DeptName      string `json:"deptName"`
}

// ConferenceDetail is a conference with its whole invite list.
type ConferenceDetail struct {
	Conference   Conference
	Participants []Participant
}

// HistoryQuery selects history conferences. Start and End are required.
// Max bounds how many conferences are returned (0 means 500).
type HistoryQuery struct {
	Start, End time.Time
	SearchKey  string
	Ascending  bool // default is newest first (DSC_StartTIME)
	Max        int
}
