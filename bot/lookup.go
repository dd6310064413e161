package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// attendeeSource is what the bot needs from the meeting service.
type attendeeSource interface {
	Attendees(ctx context.Context, confUUID string) ([]meeting.Attendee, error)
	History(ctx context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error)
	ConferencesByMeetingID(ctx context.Context, meetingID string) ([]meeting.Conference, error)
	ConferenceDetail(ctx context.Context, confUUID string) (*meeting.ConferenceDetail, error)
	ConferenceInfo(ctx context.Context, confUUID string) (meeting.Conference, error)
	HoldInvites() (release func())
}

// Looker turns what a user typed into attendance reports. It is shared by
// the Slack handler and the lookup command. Safe for concurrent use.
type Looker struct {
	src        attendeeSource
	thresholds attendance.Thresholds
	now        func() time.Time
	log        *slog.Logger
	inviteWait time.Duration
	waitAll    bool
	// The records budgets (nil: none; see holds.go): holding for the
	// commands' shares, analysing for the analyses.
	holding, analysing *semaphore.Weighted
	maxAnalysed        int64
	waiting            func() // tests: see recordHold
}

// DefaultInviteWait is how long a lookup keeps waiting for a meeting's
// invite list after its answer went out (INVITE_LIST_TIMEOUT).
const DefaultInviteWait = time.Minute

// LookerConfig is what a Looker is built with. The zero value is the
// default thresholds (attendance.Analyze fills in zero fields),
// DefaultInviteWait, time.Now and no log.
type LookerConfig struct {
	Thresholds attendance.Thresholds
	// InviteWait is how long a lookup waits for the invite list after its
	// answer; past it the comparison is given up. 0 is DefaultInviteWait.
	InviteWait time.Duration
	// AnswerCompared makes Lookup's answer wait for the invite list (at
	// most InviteWait, or until its context ends) instead of going first:
	// for a terminal, where an answer cannot be edited in place.
	AnswerCompared bool
	// AnalysisRecords bounds the records that the commands in flight have
	// in hand, and those analysed at once (see holds.go): past it, a
	// command or an analysis waits for others to finish; a larger one runs
	// alone. 0 is no bound (a command-line lookup).
	AnalysisRecords int
	Now             func() time.Time
	Log             *slog.Logger
}

// NewLooker returns a Looker reading from src.
func NewLooker(src attendeeSource, cfg LookerConfig) *Looker {
	l := &Looker{src: src, thresholds: cfg.Thresholds, now: cfg.Now, log: cfg.Log, inviteWait: cfg.InviteWait, waitAll: cfg.AnswerCompared}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.inviteWait <= 0 {
		l.inviteWait = DefaultInviteWait
	}
	if cfg.AnalysisRecords > 0 {
		l.maxAnalysed = int64(cfg.AnalysisRecords)
		l.holding, l.analysing = semaphore.NewWeighted(l.maxAnalysed), semaphore.NewWeighted(l.maxAnalysed)
	}
	return l
}

// Invites says what an answer knows of the meeting's invite list.
type Invites int

const (
	InvitesCompared Invites = iota // the report is compared with the invite list
	InvitesPending                 // the comparison follows: see Answer.Compared
	InvitesFailed                  // the invite list could not be read: no comparison
	InvitesSkipped                 // a people search: no comparison is made
)

// Answer is a lookup's report and, when the invite list was not there in
// time, the comparison still to come.
type Answer struct {
	Report  *attendance.Report
	Invites Invites
	// Compared is set when Invites is InvitesPending: the caller waits for
	// it or cancels it.
	Compared *Comparison
	// InviteErr is why the invite list could not be read (InvitesFailed).
	InviteErr error
}

// Lookup fetches the records of conf and analyses them, with the invite
// list when it is complete by then: the records never wait for it. The
// invite list is fetched beside the records and, if late, keeps coming for
// the invite wait (LookerConfig.InviteWait), detached from ctx:
// Answer.Compared then delivers the compared report. With
// LookerConfig.AnswerCompared the answer waits for the invite list
// instead, and is never pending. A search keeps only the people matching it
// (attendance.Report.Filter: case, width and accents folded; name, number,
// department) from the meeting's whole, cached record list, and fetches no
// invite list: nobody left out is a no-show.
//
// "By then" allows a little more (inviteGrace): the invite list's pages
// start with or right after the records' and usually land with them, and
// one message is better than a message and an update. Past that, the
// invite list's remaining pages wait while the answer is analysed
// (meeting.Client.HoldInvites).
func (l *Looker) Lookup(ctx context.Context, conf meeting.Conference, search string) (*Answer, error) {
	return l.lookup(ctx, conf, search, l.waitAll, func(records int) error {
		if _, err := hold(ctx, records); err != nil {
			return fmt.Errorf("wait for other lookups' records: %w", err)
		}
		return nil
	})
}

// lookup is Lookup; waitAll makes the answer wait for the invite list.
// admit is asked, once the records are in, whether they may be analysed:
// for a lookup, the command's share of the records budget; for a run of a
// series, whether it still fits the series' (see holds.go).
func (l *Looker) lookup(ctx context.Context, conf meeting.Conference, search string, waitAll bool, admit func(records int) error) (*Answer, error) {
	start := time.Now()
	records, conf, detail, err := l.fetch(ctx, conf, search)
	if err == nil {
		if err = admit(len(records)); err != nil {
			detail.stop()
		}
	}
	if err != nil {
		return nil, err
	}
	analyze := func(d *meeting.ConferenceDetail) *attendance.Report {
		return l.analyze(conf, d, records, search)
	}
	if detail == nil {
		return &Answer{Report: analyze(nil), Invites: InvitesSkipped}, nil
	}
	if waitAll {
		select { // then the select below takes the invite list
		case <-detail.done:
		case <-ctx.Done():
			detail.cancel()
			<-detail.done
		}
	} else if grace := inviteGrace(time.Since(start), len(records)); grace > 0 {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-detail.done:
		case <-t.C:
		}
	}
	select {
	case <-detail.done: // complete by now (a cached list always is)
		detail.cancel()
		if detail.err != nil {
			l.inviteFailed(ctx, conf.ConfUUID, detail.err)
			if onlyUUID(conf) {
				conf = l.info(ctx, conf)
			}
			return &Answer{Report: analyze(nil), Invites: InvitesFailed, InviteErr: detail.err}, nil
		}
		return &Answer{Report: analyze(detail.detail), Invites: InvitesCompared}, nil
	default:
	}
	// The answer goes first: no more invite pages while it is made.
	release := l.src.HoldInvites()
	defer release()
	if onlyUUID(conf) {
		// The invite list's first page brings them: one request for both
		// (ConferenceInfo waits for it if it is still on its way).
		conf = l.info(ctx, conf)
	}
	c := &Comparison{done: make(chan struct{}), cancel: detail.cancel}
	go func() {
		defer close(c.done)
		<-detail.done
		detail.cancel()
		if detail.err != nil {
			l.inviteFailed(ctx, conf.ConfUUID, detail.err)
			c.err = detail.err
			return
		}
		c.report = analyze(detail.detail)
	}()
	return &Answer{Report: analyze(nil), Invites: InvitesPending, Compared: c}, nil
}

// fetch reads conf's records (and, without a search, starts its invite
// list): what Lookup and Report share. conf comes back with its subject
// and times when a search had to ask for them.
func (l *Looker) fetch(ctx context.Context, conf meeting.Conference, search string) ([]meeting.Attendee, meeting.Conference, *detailFetch, error) {
	var detail *detailFetch
	if search == "" {
		detail = l.fetchDetail(ctx, conf.ConfUUID)
	}
	uuid := conf.ConfUUID
	g, gctx := errgroup.WithContext(ctx)
	var records []meeting.Attendee
	g.Go(func() error {
		var err error
		// A search filters the whole, cached list here (Report.Filter).
		records, err = l.src.Attendees(gctx, uuid)
		if err != nil {
			return fmt.Errorf("attendees of %s: %w", uuid, err)
		}
		return nil
	})
	known := conf
	if detail == nil && onlyUUID(conf) {
		// No invite list to bring the subject and times: ask for them.
		g.Go(func() error {
			known = l.info(gctx, known)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		detail.stop()
		return nil, conf, nil, err
	}
	return records, known, detail, nil
}

// analyze is the report of conf's records, compared with detail's invite
// list when there is one, and filtered by search when there is one.
func (l *Looker) analyze(conf meeting.Conference, detail *meeting.ConferenceDetail, records []meeting.Attendee, search string) *attendance.Report {
	return l.analyzeMeeting(toMeeting(conf, detail, records), search)
}

func (l *Looker) analyzeMeeting(m attendance.Meeting, search string) *attendance.Report {
	if l.analysing != nil {
		// Not given up on a deadline: what it waits for takes a second at
		// most (BenchmarkReport25k: 80 ms for 25,000 records), and the
		// comparison with a late invite list has no deadline to give.
		n := min(int64(len(m.Records)+len(m.Invited)), l.maxAnalysed)
		_ = l.analysing.Acquire(context.Background(), n)
		defer l.analysing.Release(n)
	}
	rep := attendance.Analyze(m, l.thresholds, l.now())
	if search != "" {
		rep = rep.Filter(search)
	}
	return rep
}

// onlyUUID reports whether conf is known by its UUID alone.
func onlyUUID(conf meeting.Conference) bool {
	return conf.Subject == "" && conf.ConferenceID == "" && conf.Start.IsZero()
}

// info is conf with its subject, meeting ID and times; conf itself when
// they cannot be had (the answer then names the meeting by its UUID).
func (l *Looker) info(ctx context.Context, conf meeting.Conference) meeting.Conference {
	info, err := l.src.ConferenceInfo(ctx, conf.ConfUUID)
	if err != nil {
		l.log.LogAttrs(ctx, slog.LevelInfo, "conference info unavailable", slog.String("conf_uuid", conf.ConfUUID), slog.Any("err", err))
		return conf
	}
	info.ConfUUID = conf.ConfUUID
	return info
}

// Report is Lookup for callers that use a report once (the lookup command,
// the runs of a series): it waits for the invite list too, at most the
// invite wait or until ctx ends, and analyses once. Without the invite
// list it returns the report without a comparison and InvitesFailed.
func (l *Looker) Report(ctx context.Context, conf meeting.Conference, search string) (*attendance.Report, Invites, error) {
	records, conf, detail, err := l.fetch(ctx, conf, search)
	if err != nil {
		return nil, 0, err
	}
	if detail == nil {
		return l.analyze(conf, nil, records, search), InvitesSkipped, nil
	}
	defer detail.cancel()
	select {
	case <-detail.done:
	case <-ctx.Done():
		detail.cancel()
		<-detail.done
	}
	invites := InvitesCompared
	if detail.err != nil {
		l.inviteFailed(ctx, conf.ConfUUID, detail.err)
		if onlyUUID(conf) {
			conf = l.info(ctx, conf)
		}
		invites = InvitesFailed
	}
	// The analysis works on its own copy: let the API's go first, so a
	// large meeting is never held three times over.
	m := toMeeting(conf, detail.detail, records)
	records, detail.detail = nil, nil
	return l.analyzeMeeting(m, search), invites, nil
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
