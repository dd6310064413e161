package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// SeriesWindow is how far back the runs of a meeting ID are looked for:
// the meeting client's history window.
const SeriesWindow = meeting.DefaultHistoryWindow

// errSeriesTooLarge is a run left out because the newer runs of its
// series hold the records budget already.
var errSeriesTooLarge = errors.New("the newer runs hold MEETING_MAX_RECORDS records already: not read")

// admission lets the runs of a series in, newest first, while their
// records fit the budget of one command (MEETING_MAX_RECORDS): a series
// holds every run's report at once, and `last 20` of a 25,000-record town
// hall would hold 500,000 records' worth, 260 MiB (BenchmarkPodMemory).
// The runs are fetched side by side; each waits for the newer ones to be
// decided, so which are read does not depend on which came first. Once one
// does not fit, the older ones are not read either. Safe for concurrent
// use.
type admission struct {
	budget int64 // 0: no bound
	turns  []chan struct{}
	once   []sync.Once
	mu     sync.Mutex
	used   int64
	full   bool
}

func newAdmission(runs int, budget int64) *admission {
	a := &admission{budget: budget, turns: make([]chan struct{}, runs), once: make([]sync.Once, runs)}
	for i := range a.turns {
		a.turns[i] = make(chan struct{})
	}
	return a
}

// admit decides whether run i, with its records, is read.
func (a *admission) admit(ctx context.Context, i, records int) error {
	defer a.decided(i)
	if a.budget <= 0 {
		return nil
	}
	if i > 0 {
		select {
		case <-a.turns[i-1]:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.full || a.used+int64(records) > a.budget {
		a.full = true
		return errSeriesTooLarge
	}
	a.used += int64(records)
	return nil
}

// decided marks run i decided (read, left out or failed before): the
// next older run may be decided.
func (a *admission) decided(i int) { a.once[i].Do(func() { close(a.turns[i]) }) }

// errNoSeries is a conference without a meeting ID asked for its runs.
var errNoSeries = errors.New("the conference has no meeting ID")

// SeriesLookup is a resolved "last N": the series, or, when subject words
// match several meeting IDs, the newest run of each to choose from.
type SeriesLookup struct {
	Series  *attendance.Series
	Choices []meeting.Conference
}

// Series resolves cmd (a meeting ID, subject words or a conference UUID,
// with cmd.Last runs) to the newest cmd.Last runs of its meeting ID and
// analyses them. Subject words name a meeting ID when all their matches
// share it. The runs' records and invite lists are fetched at once, under
// the client's one rate limit and through its cache; a run whose records
// cannot be read stays in the series without a report, unless none can be
// read or the deadline passed.
func (l *Looker) Series(ctx context.Context, cmd Command) (SeriesLookup, error) {
	id := cmd.Target
	switch cmd.Kind {
	case KindSubject:
		confs, err := l.Search(ctx, cmd.Target)
		if err != nil {
			return SeriesLookup{}, fmt.Errorf("search subject %q: %w", cmd.Target, err)
		}
		switch ids := newestPerMeetingID(confs); len(ids) {
		case 0:
			return SeriesLookup{}, fmt.Errorf("runs of %q: %w", cmd.Target, errNoSeries)
		case 1:
			id = ids[0].ConferenceID
		default:
			return SeriesLookup{Choices: ids}, nil
		}
	case KindConfUUID: // a run picked from a list: its meeting ID's series
		d, err := l.src.ConferenceDetail(ctx, cmd.Target)
		if err != nil {
			return SeriesLookup{}, fmt.Errorf("meeting ID of %s: %w", cmd.Target, err)
		}
		if id = d.Conference.ConferenceID; id == "" {
			return SeriesLookup{}, fmt.Errorf("runs of %s: %w", cmd.Target, errNoSeries)
		}
	}
	confs, err := l.byMeetingID(ctx, id)
	if err != nil {
		return SeriesLookup{}, fmt.Errorf("runs of %s: %w", id, err)
	}
	// The command's share of the records budget, before any run is
	// fetched: the whole budget, which the runs' admission shares out
	// (a series reads at most MEETING_MAX_RECORDS records), or the share
	// the command already holds (an automatic post's series note reads
	// within its post's), whatever it is.
	share, err := hold(ctx, int(l.maxAnalysed))
	if err != nil {
		return SeriesLookup{}, fmt.Errorf("runs of %s: wait for other lookups' records: %w", id, err)
	}
	runs, err := l.runs(ctx, confs[:min(len(confs), cmd.Last)], cmd.Search, share)
	if err != nil {
		return SeriesLookup{}, fmt.Errorf("runs of %s: %w", id, err)
	}
	return SeriesLookup{Series: attendance.AnalyzeSeries(runs)}, nil
}

// newestPerMeetingID keeps the first (newest) conference of each meeting
// ID, in order; conferences without one are left out.
func newestPerMeetingID(confs []meeting.Conference) []meeting.Conference {
	var out []meeting.Conference
	seen := map[string]bool{}
	for _, c := range confs {
		if id := meeting.CompactMeetingID(c.ConferenceID); id != "" && !seen[id] {
			seen[id] = true
			c.ConferenceID = id
			out = append(out, c)
		}
	}
	return out
}

// inviteWait bounds how long a series waits, once every run's records
// are in, for invite lists still coming: they only add the invitees who
// came to none of the runs, and a run whose list is late shows without it.
const inviteWait = 2 * time.Second

// runs reads the reports of confs at once. The client's scheduler orders
// the requests (records before invite lists) and its limiter paces them,
// so starting them together costs nothing the limit does not allow. The
// runs read at most share records together (0: no bound, no budget).
func (l *Looker) runs(ctx context.Context, confs []meeting.Conference, search string, share int64) ([]attendance.Run, error) {
	runs := make([]attendance.Run, len(confs))
	answers := make([]*Answer, len(confs))
	errs := make([]error, len(confs))
	var wg sync.WaitGroup
	adm := newAdmission(len(confs), share)
	for i, c := range confs {
		runs[i].Meeting = toMeeting(c, nil, nil)
		// Invite lists are waited for below, at most inviteWait, whatever
		// the Looker's answers do.
		wg.Go(func() {
			defer adm.decided(i)
			answers[i], errs[i] = l.lookup(ctx, c, search, false, func(records int) error { return adm.admit(ctx, i, records) })
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wait, cancel := context.WithTimeout(ctx, inviteWait)
	defer cancel()
	var failed []error
	for i, a := range answers {
		if errs[i] != nil {
			failed = append(failed, errs[i])
			l.log.LogAttrs(ctx, slog.LevelWarn, "run of a series unreadable", slog.String("conf_uuid", confs[i].ConfUUID), slog.Any("err", errs[i]))
			continue
		}
		runs[i].Report = a.Report
		if a.Compared != nil {
			// Not cancelled when late: the list keeps coming (for the
			// invite wait) into the cache, for a lookup of this run.
			wg.Go(func() {
				if rep, err := a.Compared.Wait(wait); err == nil {
					runs[i].Report = rep
				}
			})
		}
	}
	wg.Wait()
	if len(failed) == len(confs) && len(confs) > 0 {
		return nil, failed[0] // none readable: say why, as for one run
	}
	return runs, nil
}

// series answers "last N": the summary of the series in the requester's
// language, with the CSV in their DM when the list is long or was asked
// for; buttons when subject words match several meeting IDs.
func (h *Handler) series(ctx context.Context, req Request, cmd Command, ref lookupRef) (Result, error) {
	found, err := h.looker.Series(ctx, cmd)
	if errors.Is(err, errNoSeries) && cmd.Kind == KindConfUUID {
		return h.lookup(ctx, req, meeting.Conference{ConfUUID: cmd.Target}, nil, lookupRef{ConfUUID: cmd.Target, Search: cmd.Search, Channel: ref.Channel}, cmd.CSV)
	}
	if err != nil {
		return attempted(cmd, store.AuditSeries, err), err
	}
	if found.Series == nil {
		title := req.p.N("choices.series_match", len(found.Choices), catalog.Args{"Target": formatting.Escape(cmd.Target)})
		open := func(c meeting.Conference) string {
			return h.choiceValue(req, lookupRef{MeetingID: c.ConferenceID, Last: cmd.Last, Search: cmd.Search, Channel: ref.Channel})
		}
		return Result{}, h.reply(ctx, req, choicesMessage(req.p, title, "", found.Choices, open, h.loc))
	}
	v := shown{series: found.Series, asked: cmd.Last}
	res := v.result()
	res.note(store.AuditSeries, req.audience())
	if sentence, none := v.nobody(req.p); none {
		return res, h.reply(ctx, req, textMessage(sentence))
	}
	opts := formatting.MessageOptions{Audience: formatting.Private, Words: req.p, InlineLimit: h.inline, Location: h.loc}
	msg := v.summary(opts)
	if cmd.CSV || msg.More > 0 {
		opts.FileNote, _ = h.csvToDM(ctx, req, v, formatting.Private, &res)
		msg = v.summary(opts)
	}
	ref.MeetingID, ref.Last, ref.Search = res.MeetingID, cmd.Last, cmd.Search
	msg.Blocks = append(msg.Blocks, lookupActions(req.p, h.buttons.sign(ref, req.UserID), h.canShare(req, ref)))
	return res, h.reply(ctx, req, msg)
}

// shown is what a summary and its Share and CSV buttons show: one run's
// report, or a series of runs (asked: how many runs were asked for).
type shown struct {
	rep    *attendance.Report
	series *attendance.Series
	asked  int
	// compared, for one run's report, is its comparison with the invite
	// list still coming; inviteErr why there is none (see Looker.Lookup).
	compared  *Comparison
	inviteErr error
}

// shownOf reads what a button's ref names again (from the cache, mostly).
// A comparison with the invite list still coming is in v.compared: the
// caller hands it on or calls v.cancel.
func (h *Handler) shownOf(ctx context.Context, ref lookupRef) (shown, error) {
	if ref.Last == 0 {
		ans, err := h.looker.Lookup(ctx, ref.conference(), ref.Search)
		if err != nil {
			return shown{}, err
		}
		return shown{rep: ans.Report, compared: ans.Compared, inviteErr: ans.InviteErr}, nil
	}
	found, err := h.looker.Series(ctx, Command{Kind: KindMeetingID, Target: ref.MeetingID, Last: ref.Last, Search: ref.Search})
	return shown{series: found.Series, asked: ref.Last}, err
}

// cancel stops waiting for v's comparison with the invite list, if any.
func (v shown) cancel() {
	if v.compared != nil {
		v.compared.Cancel()
	}
}

// nobody is the sentence for a search that matches nobody in what v
// shows, and whether it is one: there is nothing to show, share or
// download.
func (v shown) nobody(p *catalog.Printer) (string, bool) {
	if v.series == nil {
		return NobodyMatches(v.rep, p)
	}
	return SeriesNobodyMatches(v.series, p)
}

// SeriesNobodyMatches is NobodyMatches of a series: the sentence when its
// people search matched nobody in any readable run, and whether it did.
func SeriesNobodyMatches(s *attendance.Series, p *catalog.Printer) (string, bool) {
	if s.Search == "" || len(s.Members) > 0 || s.Readable == 0 {
		return "", false
	}
	name := cmp.Or(strings.TrimSpace(s.Runs[0].Meeting.Subject), formatting.GroupDigits(s.Runs[0].Meeting.MeetingID))
	return p.T("lookup.nobody", catalog.Args{"Meeting": formatting.Escape(name), "Search": formatting.Escape(s.Search)}), true
}

func (v shown) summary(o formatting.MessageOptions) formatting.Message {
	if v.series == nil {
		return formatting.Summary(v.rep, o)
	}
	return formatting.SeriesSummary(v.series, formatting.SeriesOptions{MessageOptions: o, Asked: v.asked, Window: SeriesWindow})
}

func (v shown) file(o formatting.CSVOptions) formatting.File {
	if v.series == nil {
		return formatting.CSVFile(v.rep, o)
	}
	return formatting.SeriesCSVFile(v.series, o)
}

// sent is the sentence saying the CSV is in the requester's DM.
func (v shown) sent(p *catalog.Printer) string {
	if v.series == nil {
		return p.N("csv.sent", v.rep.Sessions) // the records of the people in it
	}
	return p.N("csv.sent_series", len(v.series.Members), catalog.Args{"Runs": len(v.series.Runs)})
}

// result is what the log line and the audit trail say was shown: for a
// series every run's conference, the members and all the runs' records.
func (v shown) result() Result {
	if v.series == nil {
		return resultOf(v.rep)
	}
	s := v.series
	res := Result{People: len(s.Members)}
	for i, r := range s.Runs {
		if i == 0 {
			res.ConfUUID, res.MeetingID = r.Meeting.ConfUUID, meeting.CompactMeetingID(r.Meeting.MeetingID)
		}
		res.ConfUUIDs = append(res.ConfUUIDs, r.Meeting.ConfUUID)
		if r.Report != nil {
			res.Records += r.Report.Sessions
		}
	}
	return res
}
