package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/autopost"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// autopostOut adapts a responder to what automatic posts need. Errors no
// retry can fix (the bot is not in the channel, the channel is archived,
// the history cannot be read) are marked permanent so the post is given up
// (or, for the history, posted unchecked) at once instead of retried for
// hours.
type autopostOut struct {
	out   responder
	slack *slackOut // nil: no metadata and no history (the console)
}

// NewAutopostPoster returns the poster automatic posts use: Slack's Web API
// through api.
func NewAutopostPoster(api *slack.Client) autopost.Poster {
	return autopostOut{out: slackOut{api: api}, slack: &slackOut{api: api}}
}

// AutopostPoster adapts the console for the demo.
func (c *Console) AutopostPoster() autopost.Poster { return autopostOut{out: c} }

func (a autopostOut) Post(ctx context.Context, channelID string, m formatting.Message, key string) (string, error) {
	if a.slack == nil {
		ts, err := a.out.Post(ctx, channelID, m)
		return ts, permanent(err)
	}
	ts, err := a.slack.post(ctx, channelID, m, slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: autopost.MetadataEventType, EventPayload: map[string]any{metadataKey: key},
	}))
	return ts, permanent(err)
}

// metadataKey names the outbox key in an automatic post's metadata payload.
const metadataKey = "conf_uuid"

// historyPages bounds the search for an earlier automatic post: 5 pages of
// 200 messages posted since its first attempt. A channel busier than that
// is posted to unchecked.
const historyPages = 5

// Posted looks through conversations.history, with metadata, for a message
// marked with key.
func (a autopostOut) Posted(ctx context.Context, channelID, key string, since time.Time) (string, error) {
	if a.slack == nil {
		return "", nil
	}
	p := &slack.GetConversationHistoryParameters{
		ChannelID: channelID, Oldest: fmt.Sprintf("%d.%06d", since.Unix(), since.Nanosecond()/1000),
		Inclusive: true, Limit: 200, IncludeAllMetadata: true,
	}
	for range historyPages {
		resp, err := a.slack.api.GetConversationHistoryContext(ctx, p)
		if err != nil {
			err = fmt.Errorf("conversations.history of %s: %w", channelID, scrubURLs(err))
			if historyUnreadable(err) {
				return "", fmt.Errorf("%w: %w", autopost.ErrPermanent, err)
			}
			return "", err
		}
		for _, m := range resp.Messages {
			if m.Metadata.EventType == autopost.MetadataEventType && m.Metadata.EventPayload[metadataKey] == key {
				return m.Timestamp, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		p.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", fmt.Errorf("%w: more than %d messages in %s since %s", autopost.ErrPermanent, historyPages*200, channelID, since.UTC().Format(time.RFC3339))
}

// historyUnreadable reports whether err says the bot may not read the history.
func historyUnreadable(err error) bool {
	var se slack.SlackErrorResponse
	return notMember(err) || (errors.As(err, &se) && (se.Err == "missing_scope" || se.Err == "not_allowed_token_type"))
}

func (a autopostOut) Update(ctx context.Context, channelID, ts string, m formatting.Message) error {
	return permanent(a.out.Update(ctx, channelID, ts, m))
}

func (a autopostOut) UploadCSV(ctx context.Context, channelID, threadTS, filename, title string, content []byte) error {
	return permanent(a.out.Upload(ctx, Upload{ChannelID: channelID, ThreadTS: threadTS, Filename: filename, Title: title, Content: bytes.Clone(content)}))
}

func permanent(err error) error {
	if err != nil && notMember(err) {
		return fmt.Errorf("%w: %w", autopost.ErrPermanent, err)
	}
	return err
}

// autopostReporter gives automatic posts a Looker's answers, each post
// with its share of the records budget as a command has (see holds.go).
type autopostReporter struct {
	l *Looker
	// The shares of the posts whose report is out, by conference UUID:
	// the post's series note reads within its post's share rather than
	// wait for it to end.
	mu    sync.Mutex
	holds map[string]*recordHold
}

// NewAutopostReporter returns the Reporter automatic posts use: l's
// lookups, the report as soon as the records are in.
func NewAutopostReporter(l *Looker) autopost.Reporter {
	return &autopostReporter{l: l, holds: map[string]*recordHold{}}
}

// Series is the newest runs of conf's meeting ID ("last" alone), or nil
// when the history does not list conf as the newest yet. It reads within
// the post's share of the records budget while that is held (keeping it
// until the series is done), or else takes a share of its own.
func (r *autopostReporter) Series(ctx context.Context, conf meeting.Conference) (*attendance.Series, error) {
	r.mu.Lock()
	post := r.holds[strings.ToLower(conf.ConfUUID)]
	r.mu.Unlock()
	if leave, ok := joinHold(post); ok {
		defer leave()
		ctx = context.WithValue(ctx, recordHoldKey{}, post)
	} else {
		var giveBack func()
		ctx, giveBack = r.l.holdScope(ctx)
		defer giveBack()
	}
	found, err := r.l.Series(ctx, Command{Kind: KindMeetingID, Target: meeting.CompactMeetingID(conf.ConferenceID), Last: defaultLast})
	if err != nil || found.Series == nil || len(found.Series.Runs) == 0 || !strings.EqualFold(found.Series.Runs[0].Meeting.ConfUUID, conf.ConfUUID) {
		return nil, err
	}
	return found.Series, nil
}

// joinHold is h.join, false for no share.
func joinHold(h *recordHold) (func(), bool) {
	if h == nil {
		return nil, false
	}
	return h.join()
}

// Report is conf's report. Its share of the records budget is given back
// when the report is made or, with a comparison to come, when that is
// done: waited for, or given up after the invite wait.
func (r *autopostReporter) Report(ctx context.Context, conf meeting.Conference) (autopost.Answer, error) {
	ctx, giveBack := r.l.holdScope(ctx)
	key := strings.ToLower(conf.ConfUUID)
	h, _ := ctx.Value(recordHoldKey{}).(*recordHold)
	if h != nil {
		r.mu.Lock()
		r.holds[key] = h
		r.mu.Unlock()
	}
	end := func() {
		if h != nil {
			r.mu.Lock()
			if r.holds[key] == h {
				delete(r.holds, key)
			}
			r.mu.Unlock()
		}
		giveBack()
	}
	a, err := r.l.Lookup(ctx, conf, "")
	if err != nil || a.Compared == nil {
		end()
		if err != nil {
			return autopost.Answer{}, err
		}
		return autopost.Answer{Report: a.Report, NoInvites: a.InviteErr}, nil
	}
	c := a.Compared
	var once sync.Once
	go func() { // a post that does not wait for it (nobody came) still ends it
		<-c.done
		once.Do(end)
	}()
	return autopost.Answer{Report: a.Report, Pending: func(ctx context.Context) (*attendance.Report, error) {
		defer once.Do(end)
		defer c.Cancel()
		return c.Wait(ctx)
	}}, nil
}
