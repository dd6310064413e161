package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// attendeeSource is what the bot needs from the meeting service.
type attendeeSource interface {
	Attendees(ctx context.Context, confUUID string) ([]meeting.Attendee, error)
	SearchAttendees(ctx context.Context, confUUID, searchKey string) ([]meeting.Attendee, error)
	History(ctx context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error)
	ConferencesByMeetingID(ctx context.Context, meetingID string) ([]meeting.Conference, error)
	ConferenceDetail(ctx context.Context, confUUID string) (*meeting.ConferenceDetail, error)
}

// Lookup is one resolved lookup: the report and, when the target was a meeting
// ID or subject with several instances, the other instances.
type Lookup struct {
	Report *attendance.Report
	Others []meeting.Conference // other instances or matches, newest first
}

// Looker turns what a user typed into attendance reports. It is shared by
// the Slack handler and the lookup command. Safe for concurrent use.
type Looker struct {
	src        attendeeSource
	thresholds attendance.Thresholds
	now        func() time.Time
	log        *slog.Logger
}

// NewLooker returns a Looker reading from src.
func NewLooker(src attendeeSource, th attendance.Thresholds, now func() time.Time, log *slog.Logger) *Looker {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Looker{src: src, thresholds: th, now: now, log: log}
}

// recentWindow is how far back "recent" and subject searches look.
const recentWindow = 30 * 24 * time.Hour

// maxChoices bounds the buttons offered for several matches.
const maxChoices = 10

// Recent lists the latest concluded meetings, newest first.
func (l *Looker) Recent(ctx context.Context) ([]meeting.Conference, error) {
	now := l.now()
	return l.src.History(ctx, meeting.HistoryQuery{Start: now.Add(-recentWindow), End: now, Max: maxChoices})
}

// Search finds meetings whose subject matches words, newest first.
func (l *Looker) Search(ctx context.Context, words string) ([]meeting.Conference, error) {
	now := l.now()
	return l.src.History(ctx, meeting.HistoryQuery{Start: now.Add(-recentWindow), End: now, SearchKey: words, Max: maxChoices + 1})
}

// Resolve finds the conference a command names. For a meeting ID it is the
// newest instance, with the others returned too. For subject words with
// several matches it returns no conference and the matches.
func (l *Looker) Resolve(ctx context.Context, cmd Command) (conf meeting.Conference, others []meeting.Conference, err error) {
	switch cmd.Kind {
	case KindConfUUID:
		return meeting.Conference{ConfUUID: cmd.Target}, nil, nil
	case KindMeetingID:
		confs, err := l.src.ConferencesByMeetingID(ctx, cmd.Target)
		if err != nil {
			return conf, nil, fmt.Errorf("resolve meeting ID %s: %w", cmd.Target, err)
		}
		if len(confs) == 0 {
			return conf, nil, fmt.Errorf("resolve meeting ID %s: %w", cmd.Target, meeting.ErrNotFound)
		}
		return confs[0], confs[1:], nil
	case KindSubject:
		confs, err := l.Search(ctx, cmd.Target)
		if err != nil {
			return conf, nil, fmt.Errorf("search subject %q: %w", cmd.Target, err)
		}
		switch len(confs) {
		case 0:
			return conf, nil, fmt.Errorf("search subject %q: %w", cmd.Target, errNoMatch)
		case 1:
			return confs[0], nil, nil
		}
		return conf, confs, nil
	}
	return conf, nil, fmt.Errorf("resolve %v: %w", cmd.Kind, errors.ErrUnsupported)
}

// errNoMatch is a subject search that found nothing.
var errNoMatch = errors.New("no meeting matches")

// Report fetches the records (and, best effort, the invite list) of conf and
// analyses them. search, when set, keeps only matching people.
func (l *Looker) Report(ctx context.Context, conf meeting.Conference, search string) (*attendance.Report, error) {
	var records []meeting.Attendee
	var detail *meeting.ConferenceDetail
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if search != "" {
			records, err = l.src.SearchAttendees(gctx, conf.ConfUUID, search)
		} else {
			records, err = l.src.Attendees(gctx, conf.ConfUUID)
		}
		if err != nil {
			return fmt.Errorf("attendees of %s: %w", conf.ConfUUID, err)
		}
		return nil
	})
	g.Go(func() error {
		d, err := l.src.ConferenceDetail(gctx, conf.ConfUUID)
		if err != nil {
			// The invite list only adds no-shows; the records are the answer.
			if ctx.Err() == nil {
				l.log.LogAttrs(ctx, slog.LevelInfo, "conference detail unavailable", slog.String("conf_uuid", conf.ConfUUID), slog.Any("err", err))
			}
			return nil
		}
		detail = d
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	m := toMeeting(conf, detail, records)
	if search != "" {
		// The invite list is not filtered by the server: comparing it with a
		// filtered record list would call everybody else a no-show.
		m.Invited = nil
	}
	return attendance.Analyze(m, l.thresholds, l.now()), nil
}

// toMeeting converts the meeting API's data into the formatting input.
func toMeeting(conf meeting.Conference, detail *meeting.ConferenceDetail, records []meeting.Attendee) attendance.Meeting {
	if detail != nil {
		d := detail.Conference
		if conf.Subject == "" {
			conf.Subject = d.Subject
		}
		if conf.ConferenceID == "" {
			conf.ConferenceID = d.ConferenceID
		}
		if conf.Start.IsZero() {
			conf.Start, conf.End = d.Start, d.End
		}
	}
	m := attendance.Meeting{
		ConfUUID:  conf.ConfUUID,
		MeetingID: conf.ConferenceID,
		Subject:   conf.Subject,
		Start:     conf.Start,
		End:       conf.End,
		Records:   make([]attendance.Record, len(records)),
	}
	for i, a := range records {
		m.Records[i] = attendance.Record{
			Name: a.DisplayName, Number: a.CallNumber, Dept: a.DeptName,
			Device: a.DeviceType, Media: a.MediaType, Join: a.JoinTime, Leave: a.LeftTime,
		}
	}
	if detail != nil {
		m.Invited = make([]attendance.Invitee, 0, len(detail.Participants))
		for _, p := range detail.Participants {
			m.Invited = append(m.Invited, attendance.Invitee{Name: p.Name, Number: p.ParticipantID, Email: p.Email, Dept: p.DeptName})
		}
	}
	return m
}
