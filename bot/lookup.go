package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/formatting/catalog"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// attendeeSource is what the bot needs from the meeting service.
type attendeeSource interface {
	Attendees(ctx context.Context, confUUID string) ([]meeting.Attendee, error)
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

// subjectHistoryMax bounds the history a subject search reads (4 pages).
const subjectHistoryMax = 2000

// Recent lists the latest concluded meetings, newest first.
func (l *Looker) Recent(ctx context.Context) ([]meeting.Conference, error) {
	now := l.now()
	return l.src.History(ctx, meeting.HistoryQuery{Start: now.Add(-recentWindow), End: now, Max: maxChoices})
}

// Search finds the meetings of the last 30 days whose subject has every
// one of words, in any order, folded (attendance.Matches), newest first:
// at most maxChoices+1. The history API's searchKey cannot be trusted to
// do that, so Search reads the window's history, up to subjectHistoryMax
// meetings, and matches it here. A search that finds nothing is a
// *notFound error.
func (l *Looker) Search(ctx context.Context, words string) ([]meeting.Conference, error) {
	now := l.now()
	confs, err := l.src.History(ctx, meeting.HistoryQuery{Start: now.Add(-recentWindow), End: now, Max: subjectHistoryMax})
	if err != nil {
		return nil, err
	}
	var out []meeting.Conference
	for _, c := range confs {
		if attendance.Matches(words, c.Subject) {
			if out = append(out, c); len(out) > maxChoices {
				break
			}
		}
	}
	if len(out) == 0 {
		if len(confs) == subjectHistoryMax { // the window holds more: say how many were read
			return nil, &notFound{key: "error.no_match_newest", args: catalog.Args{"Words": words, "N": subjectHistoryMax}, err: errNoMatch}
		}
		return nil, &notFound{key: "error.no_match_words", args: catalog.Args{"Words": words}, err: errNoMatch}
	}
	return out, nil
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
		if err == nil && len(confs) == 0 {
			err = meeting.ErrNotFound
		}
		if errors.Is(err, meeting.ErrNotFound) {
			months := int(meeting.DefaultHistoryWindow / (30 * 24 * time.Hour))
			err = &notFound{key: "error.no_meeting_id", args: catalog.Args{"ID": groupDigits(cmd.Target), "Months": months}, err: err}
		}
		if err != nil {
			return conf, nil, fmt.Errorf("resolve meeting ID %s: %w", cmd.Target, err)
		}
		return confs[0], confs[1:], nil
	case KindSubject:
		confs, err := l.Search(ctx, cmd.Target)
		if err != nil {
			return conf, nil, fmt.Errorf("search subject %q: %w", cmd.Target, err)
		}
		if len(confs) == 1 {
			return confs[0], nil, nil
		}
		return conf, confs, nil
	}
	return conf, nil, fmt.Errorf("resolve %v: %w", cmd.Kind, errors.ErrUnsupported)
}

// errNoMatch is a subject search that found nothing.
var errNoMatch = errors.New("no meeting matches")

// notFound is a lookup that found no meeting: the catalog message that
// says so (error.*; on a terminal the cli.* one where there is one), with
// what was looked for and how far back.
type notFound struct {
	key  string
	args catalog.Args // strings are what the user typed: escaped for Slack
	err  error        // errNoMatch or meeting.ErrNotFound
}

func (e *notFound) Error() string { return fmt.Sprintf("%s %v", e.key, e.args) }
func (e *notFound) Unwrap() error { return e.err }

// with returns e's arguments, the strings through esc, and extra.
func (e *notFound) with(extra catalog.Args, esc func(string) string) catalog.Args {
	out := catalog.Args{}
	for k, v := range e.args {
		if s, ok := v.(string); ok {
			v = esc(s)
		}
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// Report fetches the records of conf and analyses them. Without a search
// the invite list is added (best effort). A search keeps only the people
// matching it (attendance.Report.Filter: case, width and accents folded;
// name, number, department) from the meeting's whole, cached record list,
// and does not fetch the invite list: nobody left out is a no-show.
func (l *Looker) Report(ctx context.Context, conf meeting.Conference, search string) (*attendance.Report, error) {
	if search != "" {
		records, err := l.src.Attendees(ctx, conf.ConfUUID)
		if err != nil {
			return nil, fmt.Errorf("attendees of %s: %w", conf.ConfUUID, err)
		}
		return attendance.Analyze(toMeeting(conf, nil, records), l.thresholds, l.now()).Filter(search), nil
	}
	var records []meeting.Attendee
	var detail *meeting.ConferenceDetail
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		records, err = l.src.Attendees(gctx, conf.ConfUUID)
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
	return attendance.Analyze(toMeeting(conf, detail, records), l.thresholds, l.now()), nil
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
	// An empty invite list (a meeting started on the spot) is no invite
	// list: nobody there was "not invited".
	if detail != nil && len(detail.Participants) > 0 {
		m.Invited = make([]attendance.Invitee, 0, len(detail.Participants))
		for _, p := range detail.Participants {
			m.Invited = append(m.Invited, attendance.Invitee{Name: p.Name, Number: p.ParticipantID, Email: p.Email, Dept: p.DeptName})
		}
	}
	return m
}
