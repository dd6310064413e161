package bot

import (
	"context"
	"fmt"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// What a slash command or a tapped choice names, found: the slash command's
// kinds sent on their way, a meeting resolved (or several offered as
// buttons), and the values those buttons carry.

func (h *Handler) slash(ctx context.Context, req Request) (Result, error) {
	cmd, err := ParseCommand(req.Text)
	if err != nil {
		return Result{}, err
	}
	switch cmd.Kind {
	case KindHelp:
		return Result{}, h.reply(ctx, req, helpMessage(req.p, h.slashName))
	case KindWatch, KindUnwatch, KindWatching:
		return h.watch(ctx, req, cmd)
	case KindAudit:
		return h.auditExport(ctx, req, cmd)
	case KindSubject:
		if cmd.Args != "" && h.mayAudit(req.UserID) {
			// An admin's "audit extra" is audit options mistyped; anyone
			// else's "audit committee" is a meeting's subject.
			return h.auditExport(ctx, req, cmd)
		}
	case KindRecent:
		confs, err := h.recentMeetings(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("recent meetings: %w", err)
		}
		title, empty := req.p.T("choices.recent"), req.p.T("choices.recent_empty")
		if cmd.Search != "" {
			// The list's buttons keep the filter; the title says what it is for.
			args := catalog.Args{"Cmd": h.slashName, "Search": formatting.Escape(cmd.Search)}
			title, empty = req.p.T("choices.recent_search", args), req.p.T("input.search_needs_meeting", args)
		}
		msg := choicesMessage(req.p, title, empty, confs, h.openValue(req, lookupRef{Search: cmd.Search}), h.loc)
		return Result{}, h.reply(ctx, req, msg)
	}
	return h.find(ctx, req, cmd, lookupRef{})
}

// find looks up what a command names: the meeting, or buttons when
// several match. ref carries what the answer's buttons should remember
// besides the conference (the channel to share in).
func (h *Handler) find(ctx context.Context, req Request, cmd Command, ref lookupRef) (Result, error) {
	if cmd.Last > 0 {
		return h.series(ctx, req, cmd, ref)
	}
	conf, others, err := h.looker.Resolve(ctx, cmd)
	if err != nil {
		return attempted(cmd, store.AuditLookup, err), err
	}
	if conf.ConfUUID == "" {
		target := formatting.Escape(cmd.Target)
		title := req.p.N("choices.match", len(others), catalog.Args{"Target": target})
		if len(others) > maxChoices {
			title = req.p.T("choices.too_many", catalog.Args{"N": maxChoices, "Target": target})
			others = others[:maxChoices]
		}
		return Result{}, h.reply(ctx, req, choicesMessage(req.p, title, "", others, h.openValue(req, lookupRef{Search: cmd.Search, Channel: ref.Channel}), h.loc))
	}
	ref.ConfUUID, ref.Search = conf.ConfUUID, cmd.Search
	return h.lookup(ctx, req, conf, others, ref, cmd.CSV)
}

// open answers a tap on one of several offered conferences. A filtered
// list's buttons are signed and know the conference (see openValue).
func (h *Handler) open(ctx context.Context, req Request) (Result, error) {
	var ref lookupRef
	var err error
	if signed(req.Value) {
		ref, err = h.buttons.verify(req.Value, req.UserID)
	} else {
		ref, err = parseRef(req.Value)
	}
	if err != nil {
		return Result{}, err
	}
	if ref.Last > 0 {
		return h.series(ctx, req, Command{Kind: KindMeetingID, Target: ref.MeetingID, Last: ref.Last, Search: ref.Search}, lookupRef{Channel: ref.Channel})
	}
	if req.ResponseURL != "" {
		// The answer takes the place of the list the button was on.
		req.at = &answerAt{responseURL: req.ResponseURL}
	}
	return h.lookup(ctx, req, ref.conference(), nil, ref, false)
}

// openValue makes the values of the buttons that open one of several
// conferences for req's user, each remembering what ref does besides the
// conference: the people filter and the channel to share in. A filtered
// lookup's also carry what the list knows of each conference.
func (h *Handler) openValue(req Request, ref lookupRef) func(meeting.Conference) string {
	return func(c meeting.Conference) string {
		r := lookupRef{ConfUUID: c.ConfUUID, Search: ref.Search, Channel: ref.Channel}
		r = r.withConference(attendance.Meeting{MeetingID: c.ConferenceID, Subject: c.Subject, Start: c.Start, End: c.End})
		return h.choiceValue(req, r)
	}
}

// choiceValue is the value of a button that opens r for req's user:
// signed when r carries more than what to open. A filter's conference
// details are taken on trust only when signed (refOf), and only a signed
// value's channel counts for the access rules (accessChannel) — the
// channel a summary in the DM shares in.
func (h *Handler) choiceValue(req Request, r lookupRef) string {
	if r.Search == "" && r.Channel == "" {
		return r.String()
	}
	return h.buttons.sign(r, req.UserID)
}
