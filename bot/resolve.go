package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Which conference a command names: the recent list, subject searches and
// meeting IDs resolved to conferences, and the error that says nothing
// matched.

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
		confs, err := l.byMeetingID(ctx, cmd.Target)
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

// byMeetingID is the runs of meeting ID id in the history window, newest
// first, at least one: none is a *notFound that names the ID and the
// window, for one run and for "last N" alike.
func (l *Looker) byMeetingID(ctx context.Context, id string) ([]meeting.Conference, error) {
	confs, err := l.src.ConferencesByMeetingID(ctx, id)
	if err == nil && len(confs) == 0 {
		err = meeting.ErrNotFound
	}
	if errors.Is(err, meeting.ErrNotFound) {
		months := int(meeting.DefaultHistoryWindow / (30 * 24 * time.Hour))
		err = &notFound{key: "error.no_meeting_id", args: catalog.Args{"ID": formatting.GroupDigits(id), "Months": months}, err: err}
	}
	return confs, err
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
