package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/formatting/catalog"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// maxRunsPeople bounds the people listed in a runs summary.
const maxRunsPeople = 30

// runsOf answers "the last runs": who came to each of the last lastRuns
// runs of a meeting ID (typed, or the meeting ID of a picked conference)
// or of the meetings matching subject words.
func (h *Handler) runsOf(ctx context.Context, req Request, cmd Command, picked meeting.Conference, ref lookupRef) (Result, error) {
	var confs []meeting.Conference
	var err error
	switch {
	case picked.ConfUUID != "":
		rep, err := h.looker.Report(ctx, picked, "")
		if err != nil {
			return Result{}, err
		}
		if rep.Meeting.MeetingID == "" {
			return h.lookup(ctx, req, picked, nil, ref, false)
		}
		confs, err = h.looker.src.ConferencesByMeetingID(ctx, rep.Meeting.MeetingID)
		if err != nil {
			return Result{}, fmt.Errorf("runs of %s: %w", rep.Meeting.MeetingID, err)
		}
	case cmd.Kind == KindMeetingID:
		conf, others, rerr := h.looker.Resolve(ctx, cmd)
		confs, err = append([]meeting.Conference{conf}, others...), rerr
	default:
		confs, err = h.looker.Search(ctx, cmd.Target)
		if err == nil && len(confs) == 0 {
			err = fmt.Errorf("runs of %q: %w", cmd.Target, errNoMatch)
		}
	}
	if err != nil {
		return Result{}, err
	}
	confs = confs[:min(len(confs), lastRuns)]
	reports := make([]*attendance.Report, 0, len(confs))
	for _, c := range confs {
		rep, err := h.looker.Report(ctx, c, cmd.Search)
		if err != nil {
			return Result{}, err
		}
		reports = append(reports, rep)
	}
	res := resultOf(reports[0])
	for _, c := range confs {
		res.ConfUUIDs = append(res.ConfUUIDs, c.ConfUUID)
	}
	res.note(store.AuditSeries, store.AudiencePrivate)
	return res, h.reply(ctx, req, runsMessage(req.p, confs, reports, h.loc))
}

// runsMessage lists who came to how many of the runs, most faithful first,
// then each run with a button to see it. A person is the same across runs
// when they share any key (a call number, or a name and department).
func runsMessage(p *catalog.Printer, confs []meeting.Conference, reports []*attendance.Report, loc *time.Location) formatting.Message {
	type seen struct {
		name  string
		count int
		first int // index of the first run (newest first) the person came to
		last  int // the run last counted, so a run counts once
	}
	byKey := map[string]*seen{}
	var order []*seen
	for i, rep := range reports {
		for _, person := range rep.People {
			keys := person.Keys()
			var s *seen
			for _, k := range keys {
				if s = byKey[k]; s != nil {
					break
				}
			}
			if s == nil {
				s = &seen{name: cmp.Or(person.Name, person.Key), first: i, last: -1}
				order = append(order, s)
			}
			for _, k := range keys {
				byKey[k] = s
			}
			if s.last != i {
				s.count, s.last = s.count+1, i
			}
		}
	}
	slices.SortStableFunc(order, func(a, b *seen) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.first, b.first), strings.Compare(a.name, b.name))
	})
	subject := cmp.Or(reports[0].Meeting.Subject, p.T("choices.no_subject"))
	title := p.N("runs.title", len(reports), catalog.Args{"Subject": formatting.Escape(truncateRunes(subject, 80))})
	lines := []string{title}
	for i, s := range order {
		if i == maxRunsPeople {
			lines = append(lines, p.N("runs.more", len(order)-i))
			break
		}
		lines = append(lines, p.T("runs.person", catalog.Args{"Name": formatting.Escape(truncateRunes(s.name, 60)), "Count": s.count, "N": len(reports)}))
	}
	text := strings.Join(lines, "\n")
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, p.T("runs.each"), false, false)),
	}
	for _, c := range confs {
		blocks = append(blocks, conferenceLine(p, c, lookupRef{ConfUUID: c.ConfUUID}.String(), loc))
	}
	return formatting.Message{Text: text, Blocks: blocks}
}
