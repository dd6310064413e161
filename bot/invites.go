package bot

import (
	"context"
	"log/slog"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// An answer goes out as soon as the records are in (see Looker.Lookup).
// When the invite list comes later, the same message is edited in place
// (response_url replace_original for private replies, chat.update for
// posts) and, when the no-shows do not all fit in it, they follow as a CSV
// file of their own: nothing is sent twice.

// compareLater waits, in the background, for the comparison c of the
// answer just sent, then calls finish with the compared report, or with
// nil and the reason there is none. finish edits the message and returns
// what it showed, for the audit trail; it gets a fresh short context, so
// the edit goes out even past the request's deadline or during shutdown.
// Drain waits for it and, when shutdown cannot wait any longer, ends the
// wait (finish then says so).
func (h *Handler) compareLater(ctx context.Context, req Request, c *Comparison, finish func(ctx context.Context, rep *attendance.Report, why error) (Result, error)) {
	h.work.Add(1)
	// The compared report is made from the command's records: they stay
	// under its share until it is done.
	giveBack := handOn(ctx)
	go func() {
		defer h.work.Done()
		defer giveBack()
		wait, cancel := context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		defer context.AfterFunc(h.stopping, cancel)()
		start := h.now()
		rep, why := c.Wait(wait)
		c.Cancel()
		send, cancelSend := context.WithTimeout(context.WithoutCancel(ctx), replyGrace)
		defer cancelSend()
		res, err := finish(send, rep, why)
		outcome := outcomeOK
		switch {
		case err != nil:
			outcome = outcomeSlack
		case why != nil:
			outcome = outcomeUnavailable
		}
		res.Outcome = outcome
		later := req
		later.Action = actionName(req) + "+invites" // its own audit rows beside the answer's
		h.record(later, res)
		attrs := []slog.Attr{slog.String("user", req.UserID), slog.String("channel", req.ChannelID),
			slog.String("action", "invite_comparison"), slog.String("outcome", outcome), slog.Duration("waited", h.now().Sub(start))}
		if why != nil {
			attrs = append(attrs, slog.String("why", why.Error()))
		}
		if err != nil {
			attrs = append(attrs, slog.String("err", err.Error()))
		}
		h.log.LogAttrs(send, slog.LevelInfo, "invite comparison", attrs...)
	}()
}

// noShowsFile is the CSV of a report's no-shows alone, for when the invite
// list came after the records' CSV went out.
func (h *Handler) noShowsFile(rep *attendance.Report, aud formatting.Audience, p *catalog.Printer, channel, ts string) Upload {
	f := formatting.NoShowsFile(rep, formatting.CSVOptions{Audience: aud, Location: h.loc, Words: p})
	return Upload{ChannelID: channel, ThreadTS: ts, Filename: f.Name, Title: f.Title, Content: f.Content}
}

// noShowsToDM sends the no-shows CSV to the requester's DM and returns the
// sentence for the message's file note.
func (h *Handler) noShowsToDM(ctx context.Context, req Request, rep *attendance.Report, res *Result) string {
	if failure, ok := h.fileToDM(ctx, req, req.p.T("file.no_shows"), func() Upload { return h.noShowsFile(rep, formatting.Private, req.p, "", "") }); !ok {
		return failure
	}
	res.note(store.AuditCSV, store.AudienceDM)
	return req.p.T("invites.no_shows_dm")
}
