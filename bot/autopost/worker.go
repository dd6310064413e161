package autopost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Retry backoff after a failure: retryBase × 2^attempts, at most retryMax.
const (
	retryBase = 30 * time.Second
	retryMax  = 30 * time.Minute
)

// recordTimeout bounds recording a post's outcome in the store, which
// goes ahead even during shutdown.
const recordTimeout = 30 * time.Second

// minEmptyWait spaces empty-record retries when Settle is shorter.
const minEmptyWait = 30 * time.Second

// Work delivers every post that is due now and returns how many it
// processed (posted, deferred or failed). Posts are claimed one at a time,
// each under a fresh ClaimLease, and the work on each is bounded to half the
// lease, so the claim cannot expire while a post is in flight unless the
// process stalls. Run calls it; tests call it directly with a controlled
// clock. The error is the store's; delivery failures are recorded on the
// post and retried later.
func (s *Service) Work(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		posts, err := s.store.Claim(ctx, s.cfg.Owner, s.now(), s.cfg.ClaimLease, 1)
		if err != nil {
			return n, err
		}
		if len(posts) == 0 {
			return n, nil
		}
		if err := s.deliver(ctx, posts[0]); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// sendTimeout bounds posting one message and its CSV to Slack.
const sendTimeout = time.Minute

// deliver makes one claimed post and records the outcome. Its error is the
// store's.
func (s *Service) deliver(ctx context.Context, p store.Post) error {
	work, cancel := context.WithTimeout(ctx, s.cfg.ClaimLease/2)
	defer cancel()
	// The outcome is recorded even when shutdown cancels ctx mid-delivery:
	// an unrecorded post that Slack accepted would be posted again.
	record, cancelRecord := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancelRecord()
	log := s.log.With(slog.Int64("post", p.ID), slog.String("conf_uuid", p.ConfUUID), slog.String("channel", p.ChannelID))

	if !p.SendingSince.IsZero() {
		if done, err := s.alreadyPosted(ctx, record, log, p); done || err != nil {
			return err
		}
	}
	conf := meeting.Conference{ConfUUID: p.ConfUUID, ConferenceID: p.MeetingID, Subject: p.Subject}
	ans, err := s.reporter.Report(work, conf)
	rep := ans.Report
	switch {
	case ctx.Err() != nil:
		// Shutting down: hand the post back untouched for the next owner.
		return lost(record, log, s.store.Release(record, p.ID, s.cfg.Owner))
	case errors.Is(err, meeting.ErrNotFound) && p.Attempts < s.cfg.EmptyRetries:
		// Records can lag the conclude event; the API then says the
		// conference does not exist yet.
		return s.postpone(record, log, p, "conference not found yet")
	case err != nil:
		return s.failed(record, log, p, "meeting api", err)
	}
	pending := ans.Pending
	var msg formatting.Message
	var note []slack.Block // the series line, kept when the post is edited
	long := false
	if rep.Sessions == 0 {
		if p.Attempts < s.cfg.EmptyRetries {
			return s.postpone(record, log, p, "no attendee records yet")
		}
		msg = noRecords(p, s.cfg.Lang)
		pending = nil // nobody came: nothing to compare
	} else {
		// The CSV goes into the thread once the post exists; the post
		// promises nothing about it, so a failed upload leaves no false note.
		note = s.seriesNote(work, log, p, conf)
		msg = s.summary(rep, pending != nil, ans.NoInvites, note)
		long = msg.More > 0
	}
	// Sending is not interrupted by a shutdown: a post cancelled after Slack
	// accepted it would look failed and be posted again.
	send, cancelSend := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancelSend()
	// Recorded before Slack sees it: if this process dies before Done, the
	// next claim knows to look in the channel first.
	if err := s.store.MarkSending(record, p.ID, s.cfg.Owner, s.now()); err != nil {
		return lost(record, log, err)
	}
	ts, err := s.poster.Post(send, p.ChannelID, msg, p.ConfUUID)
	if err != nil {
		return s.failed(record, log, p, "slack", err)
	}
	s.audited(p, ts, rep)
	// From here the message exists: never retry the post itself.
	if long {
		f := formatting.CSVFile(rep, formatting.CSVOptions{Audience: formatting.Shared, Location: s.cfg.Location, Words: catalog.For(s.cfg.Lang)})
		if err := s.poster.UploadCSV(send, p.ChannelID, ts, f.Name, f.Title, f.Content); err != nil {
			log.LogAttrs(record, slog.LevelWarn, "autopost CSV upload failed; the summary is posted without it", slog.Any("err", err))
		}
	}
	outcome := OutcomePosted
	if rep.Sessions == 0 {
		outcome = OutcomeNoRecords
	}
	if err := s.done(record, p.ID, ts); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			s.onOutcome(OutcomeLost)
			log.LogAttrs(record, slog.LevelError, "autopost claim lost after posting; the meeting may be posted twice", slog.String("ts", ts), slog.Any("err", err))
			return nil
		}
		log.LogAttrs(record, slog.LevelError, "autopost posted but could not record it; it will be posted again after the claim expires", slog.String("ts", ts), slog.Any("err", err))
		return err
	}
	s.onOutcome(outcome)
	log.LogAttrs(record, slog.LevelInfo, "autopost posted", slog.String("outcome", outcome), slog.String("ts", ts), slog.Int("people", len(rep.People)))
	if pending != nil {
		s.compareLater(ctx, log, p, ts, rep, long, pending, note)
	}
	return nil
}

// summary is the shared message of rep, with the line on its comparison
// with the invite list while that is pending or when it failed, and the
// series note.
func (s *Service) summary(rep *attendance.Report, pending bool, noInvites error, note []slack.Block) formatting.Message {
	opts := formatting.MessageOptions{Audience: formatting.Shared, Words: catalog.For(s.cfg.Lang), InlineLimit: s.cfg.InlineLimit, Location: s.cfg.Location}
	msg := formatting.Summary(rep, opts)
	msg.Blocks = append(msg.Blocks, formatting.InviteNote(opts.Words, pending, noInvites)...)
	msg.Blocks = append(msg.Blocks, note...)
	return msg
}

// seriesTimeout bounds reading the runs for a post's series note.
const seriesTimeout = 20 * time.Second

// seriesNote is what a post adds for a channel watching its meeting "with
// series" (formatting.SeriesNote); nil when the channel did not ask, the
// post's run is not yet among the runs, or they cannot be read in time:
// the post goes out without it.
func (s *Service) seriesNote(ctx context.Context, log *slog.Logger, p store.Post, conf meeting.Conference) []slack.Block {
	sr, ok := s.reporter.(SeriesReporter)
	if !ok || p.MeetingID == "" {
		return nil
	}
	subs, err := s.store.Watching(ctx, p.ChannelID)
	if err != nil {
		log.LogAttrs(ctx, slog.LevelWarn, "autopost: subscriptions unreadable; posting without the series line", slog.Any("err", err))
		return nil
	}
	if !slices.ContainsFunc(subs, func(sub store.Subscription) bool {
		return sub.Series && subscription.Matches(sub.Kind, sub.Value, conf)
	}) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, seriesTimeout)
	defer cancel()
	series, err := sr.Series(ctx, conf)
	if err != nil || series == nil {
		log.LogAttrs(ctx, slog.LevelInfo, "autopost: series line unavailable", slog.Any("err", err))
		return nil
	}
	return formatting.SeriesNote(series, formatting.MessageOptions{Audience: formatting.Shared, Words: catalog.For(s.cfg.Lang)})
}

// compareLater waits, in the background, for the invite-list comparison
// of a post already made, then edits the post in place (chat.update) and,
// when the no-shows do not all fit in it or the records went as a file,
// attaches them as a CSV of their own in its thread. If the comparison
// cannot be had, or Run is stopping, the post says so. The post itself is
// recorded as posted already: this never posts twice.
func (s *Service) compareLater(ctx context.Context, log *slog.Logger, p store.Post, ts string, rep *attendance.Report, fileSent bool, pending func(context.Context) (*attendance.Report, error), note []slack.Block) {
	s.followUps.Go(func() {
		compared, why := pending(ctx)
		send, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		defer cancel()
		if compared == nil {
			if err := s.poster.Update(send, p.ChannelID, ts, s.summary(rep, false, why, note)); err != nil {
				log.LogAttrs(send, slog.LevelWarn, "autopost: could not say the invite comparison failed", slog.Any("err", err))
			}
			log.LogAttrs(send, slog.LevelInfo, "autopost invite comparison not possible", slog.String("ts", ts), slog.Any("why", why))
			return
		}
		msg := s.summary(compared, false, nil, note)
		if err := s.poster.Update(send, p.ChannelID, ts, msg); err != nil {
			log.LogAttrs(send, slog.LevelWarn, "autopost: could not update the post with the invite comparison", slog.Any("err", err))
			return
		}
		if formatting.NeedsNoShowsFile(compared, msg, fileSent) {
			f := formatting.NoShowsFile(compared, formatting.CSVOptions{Audience: formatting.Shared, Location: s.cfg.Location, Words: catalog.For(s.cfg.Lang)})
			if err := s.poster.UploadCSV(send, p.ChannelID, ts, f.Name, f.Title, f.Content); err != nil {
				log.LogAttrs(send, slog.LevelWarn, "autopost no-shows CSV upload failed", slog.Any("err", err))
			}
		}
		log.LogAttrs(send, slog.LevelInfo, "autopost invite comparison posted", slog.String("ts", ts), slog.Int("no_shows", len(compared.NoShows)))
	})
}

// historyMargin widens the history search for clocks that disagree
// (replicas, Slack).
const historyMargin = time.Minute

// alreadyPosted handles a claim whose post was handed to Slack before
// without an outcome recorded (its owner died, or Slack's answer never
// came): the message may exist. It looks in the channel for the post's
// marker; found, the post is recorded as done without posting again. It
// reports whether it settled the post. When the history cannot be read
// (no scope, no access) the post goes out again, logged: at most one
// duplicate, never a lost post.
func (s *Service) alreadyPosted(ctx, record context.Context, log *slog.Logger, p store.Post) (bool, error) {
	look, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	ts, err := s.poster.Posted(look, p.ChannelID, p.ConfUUID, p.SendingSince.Add(-historyMargin))
	switch {
	case errors.Is(err, ErrPermanent):
		log.LogAttrs(record, slog.LevelWarn, "autopost cannot read the channel's history to check for an earlier post; posting, which may repeat it", slog.Any("err", err))
		return false, nil
	case err != nil:
		return true, s.failed(record, log, p, "slack history", err)
	case ts == "":
		return false, nil
	}
	if err := s.done(record, p.ID, ts); err != nil {
		return true, lost(record, log, err)
	}
	s.onOutcome(OutcomeFound)
	log.LogAttrs(record, slog.LevelInfo, "autopost was already in the channel (posted before the last owner stopped); recorded, not posted again", slog.String("ts", ts))
	return true, nil
}

// audited records a posted message in the audit trail. The key names the
// message, so a post repeated after a crash is a second row.
func (s *Service) audited(p store.Post, ts string, rep *attendance.Report) {
	if s.audit == nil {
		return
	}
	meetingID := rep.Meeting.MeetingID
	if meetingID == "" {
		meetingID = p.MeetingID
	}
	s.audit.Record(store.AuditRow{
		Key: fmt.Sprintf("autopost:%d:%s", p.ID, ts), At: s.now(), ChannelID: p.ChannelID,
		Action: store.AuditAutopost, ConfUUIDs: []string{p.ConfUUID}, MeetingID: meeting.CompactMeetingID(meetingID),
		Audience: store.AudienceAutopost, People: len(rep.People), Records: rep.Sessions, Outcome: "ok",
	})
}

// done records a posted message. The message exists now, so a store hiccup
// here is the one thing that would post it twice (after the lease expires):
// try a few times before giving up on recording it.
func (s *Service) done(ctx context.Context, id int64, ts string) error {
	var err error
	for wait := time.Second; ; wait *= 2 {
		err = s.store.Done(ctx, id, s.cfg.Owner, ts)
		if err == nil || errors.Is(err, store.ErrLeaseLost) || wait > 8*time.Second {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// postpone puts a post back for an empty or missing record list.
func (s *Service) postpone(ctx context.Context, log *slog.Logger, p store.Post, why string) error {
	next := s.now().Add(max(s.cfg.Settle, minEmptyWait))
	if err := s.store.Retry(ctx, p.ID, s.cfg.Owner, next, why); err != nil {
		return lost(ctx, log, err)
	}
	s.onOutcome(OutcomeDeferred)
	log.LogAttrs(ctx, slog.LevelInfo, "autopost deferred", slog.String("why", why), slog.Int("attempt", p.Attempts+1), slog.Time("next", next))
	return nil
}

// failed retries a post with backoff, or gives it up after MaxAttempts.
func (s *Service) failed(ctx context.Context, log *slog.Logger, p store.Post, what string, cause error) error {
	errText := what + ": " + cause.Error()
	permanent := errors.Is(cause, meeting.ErrInvalidInput) || errors.Is(cause, ErrPermanent)
	if permanent || p.Attempts+1 >= s.cfg.MaxAttempts {
		if err := s.store.Fail(ctx, p.ID, s.cfg.Owner, errText); err != nil {
			return lost(ctx, log, err)
		}
		s.onOutcome(OutcomeFailed)
		log.LogAttrs(ctx, slog.LevelError, "autopost GAVE UP: attendance not posted", slog.Int("attempts", p.Attempts+1), slog.Any("err", cause))
		return nil
	}
	next := s.now().Add(Backoff(p.Attempts))
	if err := s.store.Retry(ctx, p.ID, s.cfg.Owner, next, errText); err != nil {
		return lost(ctx, log, err)
	}
	s.onOutcome(OutcomeRetry)
	log.LogAttrs(ctx, slog.LevelWarn, "autopost failed, will retry", slog.Int("attempt", p.Attempts+1), slog.Time("next", next), slog.Any("err", cause))
	return nil
}

// lost turns a lost claim into a log line (another owner has the post now)
// and passes other store errors up.
func lost(ctx context.Context, log *slog.Logger, err error) error {
	if errors.Is(err, store.ErrLeaseLost) {
		log.LogAttrs(ctx, slog.LevelWarn, "autopost claim lost; another replica has the post", slog.Any("err", err))
		return nil
	}
	return err
}

// Backoff is the wait before retry number attempts+1 of a failed post.
func Backoff(attempts int) time.Duration {
	d := retryBase
	for range attempts {
		d *= 2
		if d >= retryMax {
			return retryMax
		}
	}
	return d
}

// noRecords is the message for a meeting that still has no attendee
// records after the empty retries.
func noRecords(p store.Post, lang string) formatting.Message {
	name := p.Subject
	if name == "" {
		name = p.MeetingID
	}
	if name == "" {
		name = p.ConfUUID
	}
	text := catalog.For(lang).T("autopost.no_records", catalog.Args{"Name": formatting.Escape(name)})
	return formatting.Message{Text: text}
}
