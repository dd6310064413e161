package bot

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/audit"
	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// auditTrail records what the bot showed and reads it back; *audit.Trail
// is one.
type auditTrail interface {
	Record(rows ...store.AuditRow)
	Flush(ctx context.Context) error
	Rows(ctx context.Context, q store.AuditQuery) iter.Seq2[store.AuditRow, error]
}

// record queues the audit rows of a handled request (never waiting for
// the store), stamped with the time it arrived.
func (h *Handler) record(req Request, res Result) {
	if h.trail == nil || len(res.Audit) == 0 {
		return
	}
	h.trail.Record(auditRows(req, res, req.Received)...)
}

// auditRows are the rows of what req showed or did. Their keys derive from
// the envelope, so a redelivery answered by two replicas leaves one row.
func auditRows(req Request, res Result, at time.Time) []store.AuditRow {
	key := req.EnvelopeID
	if key == "" {
		key = newRef() + newRef() // the console: no redeliveries to collapse
	}
	if req.Action != "" {
		key += ":" + req.Action
	}
	var confs []string
	if res.ConfUUID != "" {
		confs = []string{res.ConfUUID}
	}
	if len(res.ConfUUIDs) > 0 {
		confs = res.ConfUUIDs
	}
	rows := make([]store.AuditRow, len(res.Audit))
	for i, a := range res.Audit {
		rows[i] = store.AuditRow{
			Key: key + ":" + a.Action, At: at, TeamID: req.TeamID, UserID: req.UserID, ChannelID: cmp.Or(a.ChannelID, req.ChannelID),
			Action: a.Action, ConfUUIDs: confs, MeetingID: res.MeetingID, Audience: a.Audience,
			People: res.People, Records: res.Records, Outcome: res.Outcome,
		}
	}
	return rows
}

// audience is who can see an answer to r: the requester only (an
// ephemeral reply through the response_url), or the requester's DM with
// the bot, where the message stays (shortcuts, the Home tab, buttons on DM
// messages).
func (r Request) audience() string {
	if r.ResponseURL == "" {
		return store.AudienceDM
	}
	return store.AudiencePrivate
}

// attempted is the result of a lookup (action) of what cmd names that
// failed with err before anything was shown. Its audit row names the
// conference or the meeting ID asked for, except digits the meeting
// service knows no meeting by (a phone number typed by mistake stays out
// of the store), and never subject words (typed text).
func attempted(cmd Command, action string, err error) Result {
	var res Result
	switch cmd.Kind {
	case KindMeetingID:
		if !isNotFound(err) && !errors.Is(err, meeting.ErrNotFound) {
			res.MeetingID = cmd.Target
		}
	case KindConfUUID:
		res.ConfUUID = cmd.Target
	}
	res.note(action, store.AudiencePrivate)
	return res
}

// maxSlackAuditRows bounds an export sent to Slack (about 15 MB of CSV):
// the file is built in memory for the upload. The command line has no
// bound.
const maxSlackAuditRows = 100_000

// mayAudit reports whether userID may export the audit trail.
func (h *Handler) mayAudit(userID string) bool {
	return h.trail != nil && slices.Contains(h.auditors, userID)
}

// auditExport answers "/attendees audit …": the CSV of the audit trail in
// the admin's DM. Anybody not in AUDIT_USER_IDS is refused, and that is
// recorded too.
func (h *Handler) auditExport(ctx context.Context, req Request, cmd Command) (Result, error) {
	var res Result
	if !h.mayAudit(req.UserID) {
		res.Outcome = outcomeRefused
		res.note(store.AuditRefused, store.AudiencePrivate)
		return res, h.reply(ctx, req, textMessage(req.p.T("audit.refused")))
	}
	var args []string
	for tok := range tokens(cmd.Args) {
		args = append(args, tok)
	}
	f, err := audit.ParseArgs(args)
	if errors.Is(err, audit.ErrHelp) {
		return res, h.reply(ctx, req, textMessage(req.p.T("audit.help", catalog.Args{"Cmd": h.slashName, "Usage": audit.Usage})))
	}
	var bad *audit.ArgError
	if errors.As(err, &bad) {
		args := catalog.Args{"Problem": bad.Message(req.p, formatting.Escape)}
		if cmd.Kind == KindSubject {
			// The words may be a meeting's subject: say how to search it.
			args["Words"] = formatting.Escape(strings.Join(strings.Fields(cmd.Target)[1:], " "))
			return res, inputError("audit.bad_words", args)
		}
		return res, inputError("audit.bad_args", args)
	}
	if err != nil {
		return res, fmt.Errorf("audit options: %w", err)
	}
	if f.Format == "" {
		f.Format = audit.FormatCSV
	}
	// The admin's own last lookup belongs in the export.
	fctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	if err := h.trail.Flush(fctx); err != nil {
		h.log.WarnContext(ctx, "audit flush before export timed out", "err", err)
	}
	cancel()
	now := h.now()
	q := f.Query(now)
	q.Limit = maxSlackAuditRows
	var b bytes.Buffer
	n, err := audit.Write(&b, f.Format, h.trail.Rows(ctx, q), h.loc)
	if err != nil {
		return res, fmt.Errorf("audit export: %w", err)
	}
	span := req.p.T("audit.all_time")
	if f.Since > 0 {
		span = req.p.T("audit.since", catalog.Args{"Time": q.Since.In(h.loc).Format("2006-01-02 15:04 MST")})
	}
	if n == 0 {
		res.note(store.AuditExport, store.AudiencePrivate)
		return res, h.reply(ctx, req, textMessage(req.p.T("audit.none", catalog.Args{"Span": span})))
	}
	up := Upload{
		Filename: "attendees-audit-" + now.In(h.loc).Format("2006-01-02") + auditExt[f.Format],
		Title:    req.p.T("audit.title", catalog.Args{"Span": span}),
		Content:  b.Bytes(),
	}
	if failure, ok := h.fileToDM(ctx, req, req.p.T("file.audit"), func() Upload { return up }); !ok {
		res.Outcome = outcomeSlack
		return res, h.reply(ctx, req, textMessage(req.p.Join(failure, req.p.T("file.try_again"))))
	}
	res.note(store.AuditExport, store.AudienceDM)
	text := req.p.N("audit.sent", n, catalog.Args{"Span": span})
	if n == maxSlackAuditRows {
		text = req.p.Join(text, req.p.T("audit.limit"))
	}
	return res, h.reply(ctx, req, textMessage(text))
}

var auditExt = map[string]string{audit.FormatCSV: ".csv", audit.FormatJSON: ".jsonl", audit.FormatText: ".txt"}
