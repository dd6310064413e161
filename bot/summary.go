package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// lookup sends the private summary of one conference, in the requester's
// language, with the CSV in their DM when the list is long or was asked
// for. When the invite list comes after the records, the summary says so
// and is replaced in place once compared (see compareLater).
func (h *Handler) lookup(ctx context.Context, req Request, conf meeting.Conference, others []meeting.Conference, ref lookupRef, wantCSV bool) (Result, error) {
	ans, err := h.looker.Lookup(ctx, conf, ref.Search)
	if err != nil {
		res := Result{ConfUUID: conf.ConfUUID, MeetingID: conf.ConferenceID}
		res.note(store.AuditLookup, store.AudiencePrivate)
		return res, err
	}
	pending := ans.Compared != nil
	keep := false // the comparison is handed to compareLater
	defer func() {
		if pending && !keep {
			ans.Compared.Cancel()
		}
	}()
	rep := ans.Report
	h.history.add(req.UserID, rep.Meeting, h.now())
	res := resultOf(rep)
	res.note(store.AuditLookup, req.audience())
	if sentence, none := NobodyMatches(rep, req.p); none {
		return res, h.reply(ctx, req, textMessage(sentence))
	}
	opts := formatting.MessageOptions{Audience: formatting.Private, Words: req.p, InlineLimit: h.inline, Location: h.loc}
	fileSent := false
	if wantCSV || formatting.Summary(rep, opts).More > 0 {
		// Send the file first so the reply says truly where it went.
		opts.FileNote, fileSent = h.csvToDM(ctx, req, shown{rep: rep}, formatting.Private, &res)
	}
	ref.ConfUUID = conf.ConfUUID
	ref = ref.withConference(rep.Meeting)
	instances := instancesBlocks(req.p, others, h.openValue(req, ref), h.loc)
	buttons := lookupActions(req.p, h.buttons.sign(ref, req.UserID), h.canShare(req, ref))
	render := func(rep *attendance.Report, opts formatting.MessageOptions, pending bool, why error) formatting.Message {
		msg := formatting.Summary(rep, opts)
		msg.Blocks = append(msg.Blocks, formatting.InviteNote(opts.Words, pending, why)...)
		msg.Blocks = append(msg.Blocks, instances...)
		msg.Blocks = append(msg.Blocks, buttons)
		return msg
	}
	at, err := h.replyAt(ctx, req, render(rep, opts, pending, ans.InviteErr))
	if err != nil || !pending {
		return res, err
	}
	keep = true
	h.compareLater(ctx, req, ans.Compared, func(ctx context.Context, compared *attendance.Report, why error) (Result, error) {
		if compared == nil {
			return Result{}, h.edit(ctx, at, render(rep, opts, false, why))
		}
		later := resultOf(compared)
		o := opts
		if formatting.NeedsNoShowsFile(compared, formatting.Summary(compared, o), fileSent) {
			o.FileNote = req.p.Join(o.FileNote, h.noShowsToDM(ctx, req, compared, &later))
		}
		return later, h.edit(ctx, at, render(compared, o, false, nil))
	})
	return res, nil
}

// canShare reports whether a summary can offer Share: there is a channel
// to share in, the one the request came from or the one ref names.
func (h *Handler) canShare(req Request, ref lookupRef) bool {
	return ref.Channel != "" || (req.ResponseURL != "" && req.ChannelID != "")
}

// NobodyMatches is the sentence (mrkdwn, in p's language) for a filtered
// report without anybody in it, and whether it is one: there is nothing
// to show, share or download.
func NobodyMatches(rep *attendance.Report, p *catalog.Printer) (string, bool) {
	if rep.Search == "" || len(rep.People) > 0 {
		return "", false
	}
	m := &rep.Meeting
	name := strings.TrimSpace(m.Subject)
	switch {
	case name != "":
	case m.MeetingID != "":
		name = formatting.GroupDigits(m.MeetingID)
	default:
		name = m.ConfUUID
	}
	return p.T("lookup.nobody", catalog.Args{"Meeting": formatting.Escape(name), "Search": formatting.Escape(rep.Search)}), true
}

// csv answers the CSV button: the file goes to the requester's DM. The
// button must be the presser's own (see buttonKey). The invite list is not
// waited for; if it is still coming, the sentence says the file has no
// no-shows yet.
func (h *Handler) csv(ctx context.Context, req Request) (Result, error) {
	ref, err := h.buttons.verify(req.Value, req.UserID)
	if err != nil {
		return Result{}, err
	}
	v, err := h.shownOf(ctx, ref)
	if err != nil {
		return Result{}, err
	}
	v.cancel()
	res := v.result()
	if sentence, none := v.nobody(req.p); none {
		return res, h.reply(ctx, req, textMessage(sentence))
	}
	note, sent := h.csvToDM(ctx, req, v, formatting.Private, &res)
	if !sent {
		res.Outcome = outcomeSlack
	}
	if sent && v.compared != nil {
		note = req.p.Join(note, req.p.T("invites.csv_not_ready"))
	}
	return res, h.reply(ctx, req, textMessage(note))
}

// share posts the shared version (numbers masked, in BOT_LANGUAGE: the
// whole channel reads it) in the channel, with the masked CSV in its thread
// when the list is long. The channel is the button's, or the one its value
// names (a summary in the DM about a message's channel). When the invite
// list comes later, the post is edited in place (chat.update), with the
// no-shows CSV in its thread when they do not fit. Where the bot may not
// post, it shares through the command's response_url (a copy that cannot
// be edited, so it says when the comparison was not ready) and sends the
// CSV to the requester's DM, and says so.
func (h *Handler) share(ctx context.Context, req Request) (Result, error) {
	ref, err := h.buttons.verify(req.Value, req.UserID)
	if err != nil {
		return Result{}, err
	}
	channel := req.ChannelID
	viaCommand := req.ResponseURL != ""
	if ref.Channel != "" {
		// The summary sits in the DM; the channel is the message's.
		channel, viaCommand = ref.Channel, false
		if !h.access.allowed(req.UserID, channel, req.TeamID) {
			return Result{Outcome: outcomeRefused}, h.reply(ctx, req, textMessage(req.p.T("access.refused")))
		}
	}
	// The guard keys on what would be posted, not on the raw value, so a
	// value dressed up differently is still the same share, whichever
	// replica Slack hands each tap to.
	if !h.firstShare(ctx, channel+"|"+ref.key()) {
		return Result{Outcome: outcomeDuplicate}, h.reply(ctx, req, textMessage(req.p.T("share.duplicate")))
	}
	v, err := h.shownOf(ctx, ref)
	if err != nil {
		return Result{}, err
	}
	pending := v.compared != nil
	keep := false // the comparison is handed to compareLater
	defer func() {
		if !keep {
			v.cancel()
		}
	}()
	res := v.result()
	if sentence, none := v.nobody(req.p); none {
		return res, h.reply(ctx, req, textMessage(sentence))
	}
	res.Audit = append(res.Audit, Audited{store.AuditShare, store.AudienceChannel, channel})
	opts := formatting.MessageOptions{Audience: formatting.Shared, Words: h.channel, InlineLimit: h.inline, Location: h.loc}
	render := func(v shown, pending bool, why error) formatting.Message {
		msg := v.summary(opts)
		msg.Blocks = append(msg.Blocks, formatting.InviteNote(opts.Words, pending, why)...)
		return msg
	}
	// The file goes into the post's thread after the post exists, so the
	// post itself promises nothing about it.
	msg := render(v, pending, v.inviteErr)
	long := msg.More > 0
	ts, err := h.out.Post(ctx, channel, msg)
	switch {
	case notMember(err) && viaCommand:
		h.log.LogAttrs(ctx, slog.LevelInfo, "cannot post in channel, sharing via response_url", slog.String("channel", channel), slog.Any("err", err))
		why := v.inviteErr
		if pending {
			why = formatting.ErrInvitesNotReady
		}
		text := req.p.T("share.not_member")
		if long {
			// Send the file first, so the shared note is true.
			sentence, sent := h.csvToDM(ctx, req, v, formatting.Shared, &res)
			text = req.p.Join(text, sentence)
			if sent {
				opts.FileNote = h.channel.T("share.file_note")
			}
		}
		if err := h.out.Respond(ctx, req.ResponseURL, Reply{Message: render(v, false, why), InChannel: true}); err != nil {
			return res, fmt.Errorf("share via response_url: %w", err)
		}
		text = req.p.Join(text, req.p.T("share.invite"))
		return res, h.reply(ctx, req, textMessage(text))
	case notMember(err):
		return res, h.reply(ctx, req, textMessage(req.p.T("share.not_in", catalog.Args{"Channel": channel})))
	case err != nil:
		return res, fmt.Errorf("share in channel: %w", err)
	}
	text := req.p.T("share.done")
	if ref.Channel != "" {
		text = req.p.T("share.done_in", catalog.Args{"Channel": channel})
	}
	if long {
		up := h.csvUpload(v, formatting.Shared, h.channel, channel, ts)
		up.Comment = h.channel.T("share.file_comment")
		if err := h.out.Upload(ctx, up); err != nil {
			h.log.LogAttrs(ctx, slog.LevelWarn, "csv upload to channel failed", slog.String("channel", channel), slog.Any("err", err))
			sentence, _ := h.csvToDM(ctx, req, v, formatting.Shared, &res)
			text = req.p.Join(text, req.p.T("share.thread_failed", catalog.Args{"Reason": slackReason(err)}), sentence)
		}
	}
	if pending {
		keep = true
		h.compareLater(ctx, req, v.compared, func(ctx context.Context, compared *attendance.Report, why error) (Result, error) {
			if compared == nil {
				return Result{}, h.out.Update(ctx, channel, ts, render(v, false, why))
			}
			later := resultOf(compared)
			msg := render(shown{rep: compared}, false, nil)
			if formatting.NeedsNoShowsFile(compared, msg, long) {
				up := h.noShowsFile(compared, formatting.Shared, h.channel, channel, ts)
				up.Comment = h.channel.T("invites.no_shows_comment")
				if err := h.out.Upload(ctx, up); err != nil {
					h.log.LogAttrs(ctx, slog.LevelWarn, "no-shows csv upload to channel failed", slog.String("channel", channel), slog.Any("err", err))
				} else {
					later.Audit = append(later.Audit, Audited{store.AuditCSV, store.AudienceChannel, channel})
				}
			}
			return later, h.out.Update(ctx, channel, ts, msg)
		})
	}
	return res, h.reply(ctx, req, textMessage(text))
}

// csvToDM sends the CSV to the requester's DM, notes it in res's audit
// trail, and returns the sentence that tells them where it went (or why it
// did not) and whether it was sent. A file cannot be ephemeral, so the DM
// is the private place for it.
func (h *Handler) csvToDM(ctx context.Context, req Request, v shown, aud formatting.Audience, res *Result) (string, bool) {
	if failure, ok := h.fileToDM(ctx, req, req.p.T("file.csv"), func() Upload { return h.csvUpload(v, aud, req.p, "", "") }); !ok {
		return req.p.Join(failure, req.p.T("file.try_csv")), false
	}
	res.note(store.AuditCSV, store.AudienceDM)
	return v.sent(req.p), true
}

// fileToDM uploads the file render makes to the requester's DM. The DM is
// opened while the file is rendered: a Slack round trip the upload no
// longer waits for (a town hall's CSV takes 40-50 ms to render). When it
// cannot, it returns the sentence saying why, naming the file as what.
func (h *Handler) fileToDM(ctx context.Context, req Request, what string, render func() Upload) (failure string, ok bool) {
	type opening struct {
		channel string
		err     error
	}
	opened := make(chan opening, 1)
	go func() {
		channel, err := h.out.OpenDM(ctx, req.UserID)
		opened <- opening{channel, err}
	}()
	up := render()
	dm := <-opened
	if dm.err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "open DM failed", slog.String("user", req.UserID), slog.Any("err", dm.err))
		return req.p.T("file.dm_failed", catalog.Args{"What": what, "Reason": slackReason(dm.err)}), false
	}
	up.ChannelID = dm.channel
	if err := h.out.Upload(ctx, up); err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "file upload failed", slog.String("channel", up.ChannelID), slog.String("file", up.Filename), slog.Any("err", err))
		return req.p.T("file.upload_failed", catalog.Args{"What": what, "Reason": slackReason(err)}), false
	}
	return "", true
}

// csvUpload is the CSV of v for aud, titled in p's language.
func (h *Handler) csvUpload(v shown, aud formatting.Audience, p *catalog.Printer, channel, ts string) Upload {
	f := v.file(formatting.CSVOptions{Audience: aud, Location: h.loc, Words: p})
	return Upload{ChannelID: channel, ThreadTS: ts, Filename: f.Name, Title: f.Title, Content: f.Content}
}

// resultOf is what the log line and the audit trail say rep showed: its
// people and their records (with search:, only the matching people's).
func resultOf(rep *attendance.Report) Result {
	return Result{ConfUUID: rep.Meeting.ConfUUID, MeetingID: rep.Meeting.MeetingID, People: len(rep.People), Records: rep.Sessions}
}
